"""Gantt-style timeline geometry: one row per agreement, a bar from its start to its end at the precision known.

A date known only to the year or month is drawn as a bar that fades over that year or month (the agreement
ends somewhere in it); an unknown start or end runs to the edge of the plot, fading, with an arrow; an
agreement with no date at all gets a row without a bar. Renewals are joined by a connector from the end of
the renewed agreement to the start of the renewing one, and a vertical line marks the reference day.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from tracker.charts.styles import ROW_BAND, StatusGroup, group_of, groups_for
from tracker.dates import PartialDate, Precision
from tracker.models import AgreementStatus, ImplementationStatus
from tracker.text import shorten

WIDTH = 960
# The column of titles and statuses left of the plot.
LABEL_WIDTH = 300
PLOT_LEFT = LABEL_WIDTH + 16
# Room right of the plot for the arrow of an open end.
PLOT_RIGHT = WIDTH - 20
AXIS_HEIGHT = 30
ROW_HEIGHT = 44
BAR_HEIGHT = 18
# Room under the rows for the reference day's label.
FOOT_HEIGHT = 26
# How far an unknown start or end fades before it reaches the edge of the plot.
OPEN_FADE = 40.0
ARROW = 8.0
# A one-day agreement still shows.
MIN_BAR_WIDTH = 3.0
TITLE_CHARS = 40
# Year labels closer than this would overlap: then only every 2nd, 5th, 10th... year gets one.
MIN_LABEL_SPACING = 34.0
YEAR_STEPS = (1, 2, 5, 10, 20, 25, 50, 100)
# The fewest years the axis spans, so a single short agreement is not stretched across the page.
MIN_YEARS = 3
# The shortest horizontal run of a connector (room for its arrow head); closer bars are joined by a vertical line.
CONNECTOR_RUN = 4.0
# More rows than this are left out (pages show at most 100 agreements; the party page links to the rest).
MAX_ROWS = 100


@dataclass(frozen=True)
class TimelineItem:
    """What the timeline needs of an agreement."""

    id: int
    title: str
    status: AgreementStatus
    start: PartialDate | None
    end: PartialDate | None
    signed: PartialDate | None = None
    # Said in the row's tooltip and accessible name, not drawn: the left column has no room for it.
    implementation: ImplementationStatus = ImplementationStatus.NOT_RECORDED


@dataclass(frozen=True)
class Bar:
    """A bar's horizontal extent; between `solid_from` and `solid_to` it is fully drawn, outside it fades."""

    x_start: float
    x_end: float
    solid_from: float
    solid_to: float
    # The start or end is not known: the bar runs to the plot's edge and ends in an arrow.
    open_start: bool = False
    open_end: bool = False
    # The start is not known, so the bar begins at the signing date.
    start_from_signing: bool = False

    @property
    def width(self) -> float:
        """The bar's full width."""
        return self.x_end - self.x_start

    @property
    def fades_in(self) -> bool:
        """The start is uncertain: the bar fades in."""
        return self.solid_from > self.x_start

    @property
    def fades_out(self) -> bool:
        """The end is uncertain: the bar fades out."""
        return self.solid_to < self.x_end

    @property
    def uncertain(self) -> bool:
        """Some part of the bar fades or is open, so its extent is outlined."""
        return self.fades_in or self.fades_out or self.open_start or self.open_end


@dataclass(frozen=True)
class Row:
    """One agreement's row: its label in the left column and its bar, if any date is known."""

    item: TimelineItem
    index: int
    y: float
    label: str
    group: StatusGroup
    bar: Bar | None

    @property
    def bar_y(self) -> float:
        """Top of the bar."""
        return self.y + (ROW_HEIGHT - BAR_HEIGHT) / 2

    @property
    def centre_y(self) -> float:
        """Vertical middle of the row and its bar."""
        return self.y + ROW_HEIGHT / 2

    @property
    def start_arrow(self) -> str:
        """SVG points of the arrow left of an open start."""
        return _arrow(self.bar.x_start if self.bar else 0.0, self.centre_y, -1)

    @property
    def end_arrow(self) -> str:
        """SVG points of the arrow right of an open end."""
        return _arrow(self.bar.x_end if self.bar else 0.0, self.centre_y, 1)


@dataclass(frozen=True)
class Tick:
    """A year boundary on the axis; `label_x` is where its year is written, when `labelled`."""

    x: float
    year: int
    label_x: float
    labelled: bool


@dataclass(frozen=True)
class Connector:
    """A line from the end of the renewed agreement (object) to the start of the renewing one (subject)."""

    subject_id: int
    object_id: int
    subject_title: str
    object_title: str
    points: tuple[tuple[float, float], ...]

    @property
    def d(self) -> str:
        """The SVG path."""
        first, *rest = self.points
        return f"M{_n(first[0])} {_n(first[1])}" + "".join(f" L{_n(x)} {_n(y)}" for x, y in rest)


@dataclass(frozen=True)
class TodayLine:
    """The reference day on the axis."""

    x: float
    day: date


@dataclass(frozen=True)
class Timeline:
    """Everything a template needs to draw the timeline."""

    width: float
    height: float
    first_day: date
    end_day: date  # the day after the axis ends
    rows: list[Row]
    ticks: list[Tick]
    connectors: list[Connector]
    today: TodayLine | None
    groups: list[StatusGroup]
    left_out: int = 0
    plot_left: float = PLOT_LEFT
    plot_right: float = PLOT_RIGHT
    plot_top: float = AXIS_HEIGHT
    label_width: float = LABEL_WIDTH
    row_height: float = ROW_HEIGHT
    bar_height: float = BAR_HEIGHT
    band_colour: str = ROW_BAND
    by_id: dict[int, Row] = field(default_factory=dict, repr=False)

    @property
    def plot_bottom(self) -> float:
        """Bottom of the last row."""
        return self.plot_top + len(self.rows) * ROW_HEIGHT

    @property
    def has_fades(self) -> bool:
        """Some date is known only to the year or month."""
        return any(row.bar and (row.bar.fades_in or row.bar.fades_out) for row in self.rows)

    @property
    def has_open_ends(self) -> bool:
        """Some start or end is not known."""
        return any(row.bar and (row.bar.open_start or row.bar.open_end) for row in self.rows)

    @property
    def has_undated(self) -> bool:
        """Some agreement has no date at all."""
        return any(row.bar is None for row in self.rows)


class TimeScale:
    """Maps days to x between `left` and `right` over the years `first_year` to `last_year`, inclusive."""

    def __init__(self, first_year: int, last_year: int, left: float = PLOT_LEFT, right: float = PLOT_RIGHT):
        self.first_day = date(first_year, 1, 1)
        self.end_day = date(last_year + 1, 1, 1)
        self.left, self.right = left, right
        self.days = (self.end_day - self.first_day).days

    def x(self, day: date) -> float:
        """The x of the start of `day` (the axis's end day maps to its right edge)."""
        return self.left + (day - self.first_day).days / self.days * (self.right - self.left)

    def contains(self, day: date) -> bool:
        """Whether the day lies on the axis."""
        return self.first_day <= day < self.end_day


def build_timeline(
    items: Sequence[TimelineItem], renewals: Iterable[tuple[int, int]], as_of: date, max_rows: int = MAX_ROWS
) -> Timeline:
    """The timeline of `items` in the given order; `renewals` are (renewing id, renewed id) pairs."""
    shown = list(items[:max_rows])
    scale = TimeScale(*year_span(shown, as_of))
    rows = [_row(item, index, scale) for index, item in enumerate(shown)]
    by_id = {row.item.id: row for row in rows}
    today = TodayLine(scale.x(as_of), as_of) if scale.contains(as_of) else None
    return Timeline(
        width=WIDTH,
        height=AXIS_HEIGHT + len(rows) * ROW_HEIGHT + FOOT_HEIGHT,
        first_day=scale.first_day,
        end_day=scale.end_day,
        rows=rows,
        ticks=year_ticks(scale),
        connectors=connectors(by_id, renewals),
        today=today,
        groups=groups_for({item.status for item in shown}),
        left_out=len(items) - len(shown),
        by_id=by_id,
    )


def effective_start(item: TimelineItem) -> PartialDate | None:
    """The start, or the signing date when the start is not known (as the query page's "active in" does)."""
    return item.start or item.signed


def year_span(items: Sequence[TimelineItem], as_of: date) -> tuple[int, int]:
    """First and last year of the axis: every known date and the reference day, a year more for open ends."""
    years = [as_of.year]
    open_start = open_end = False
    for item in items:
        start, end = effective_start(item), item.end
        years += [part.value.year for part in (start, end) if part is not None]
        if start or end:
            open_start |= start is None
            open_end |= end is None
    first, last = min(years) - open_start, max(years) + open_end
    missing = MIN_YEARS - (last - first + 1)
    if missing > 0:
        first, last = first - missing // 2, last + missing - missing // 2
    return first, last


def _row(item: TimelineItem, index: int, scale: TimeScale) -> Row:
    """The item's row at position `index`."""
    return Row(
        item=item,
        index=index,
        y=AXIS_HEIGHT + index * ROW_HEIGHT,
        label=shorten(item.title, TITLE_CHARS),
        group=group_of(item.status),
        bar=bar_for(item, scale),
    )


def bar_for(item: TimelineItem, scale: TimeScale) -> Bar | None:
    """The item's bar, or None when neither a start (nor signing) nor an end is known."""
    start, end = effective_start(item), item.end
    if start is None and end is None:
        return None
    x_start = scale.x(start.earliest) if start else scale.left
    x_end = scale.x(end.latest + timedelta(days=1)) if end else scale.right
    x_end = max(x_end, x_start + MIN_BAR_WIDTH)
    solid_from, solid_to = _clamped(_solid_from(start, x_start, scale), _solid_to(end, x_end, scale), x_start, x_end)
    return Bar(
        x_start=x_start,
        x_end=x_end,
        solid_from=solid_from,
        solid_to=solid_to,
        open_start=start is None,
        open_end=end is None,
        start_from_signing=item.start is None and item.signed is not None,
    )


def _solid_from(start: PartialDate | None, x_start: float, scale: TimeScale) -> float:
    """Where the bar is fully drawn from: after the start's year or month, or a fade's width past an open start."""
    if start is None:
        return x_start + OPEN_FADE
    return x_start if start.precision is Precision.DAY else scale.x(start.latest + timedelta(days=1))


def _solid_to(end: PartialDate | None, x_end: float, scale: TimeScale) -> float:
    """Where the bar stops being fully drawn: where the end's year or month begins, or before an open end."""
    if end is None:
        return x_end - OPEN_FADE
    return x_end if end.precision is Precision.DAY else scale.x(end.earliest)


def _clamped(solid_from: float, solid_to: float, x_start: float, x_end: float) -> tuple[float, float]:
    """Keep the solid part inside the bar; when the fades overlap (2018–2018 by year) they meet in the middle."""
    solid_from = min(max(solid_from, x_start), x_end)
    solid_to = min(max(solid_to, x_start), x_end)
    if solid_from > solid_to:
        middle = (solid_from + solid_to) / 2
        return middle, middle
    return solid_from, solid_to


def year_ticks(scale: TimeScale) -> list[Tick]:
    """A tick at each year boundary; labels on every year, or every `step` years when years are narrow."""
    first, end = scale.first_day.year, scale.end_day.year
    year_width = (scale.right - scale.left) / (end - first)
    step = next((s for s in YEAR_STEPS if s * year_width >= MIN_LABEL_SPACING), YEAR_STEPS[-1])
    ticks = []
    for year in range(first, end + 1):
        x = scale.x(date(year, 1, 1))
        if step == 1:
            # Each year is wide enough to carry its label in its middle; the closing boundary has none.
            middle = (x + scale.x(date(year + 1, 1, 1))) / 2 if year < end else x
            ticks.append(Tick(x, year, middle, labelled=year < end))
        elif year % step == 0:
            ticks.append(Tick(x, year, x, labelled=True))
    return ticks


def connectors(by_id: dict[int, Row], renewals: Iterable[tuple[int, int]]) -> list[Connector]:
    """Connectors for the renewals whose two agreements both have a bar on this timeline."""
    lines = []
    for subject_id, object_id in sorted(set(renewals)):
        subject, renewed = by_id.get(subject_id), by_id.get(object_id)
        if subject is None or renewed is None or subject.bar is None or renewed.bar is None:
            continue
        points = _connector_points(renewed, subject)
        lines.append(Connector(subject_id, object_id, subject.item.title, renewed.item.title, points))
    return lines


def _connector_points(renewed: Row, subject: Row) -> tuple[tuple[float, float], ...]:
    """From the renewed bar's end corner down (or up) to the renewing row, then across to the renewing bar's start.

    When the renewal starts before, or just as, the renewed agreement ends, the line goes straight to its bar.
    """
    assert renewed.bar is not None and subject.bar is not None
    direction = 1 if subject.centre_y > renewed.centre_y else -1
    half = BAR_HEIGHT / 2
    from_x, from_y = renewed.bar.x_end, renewed.centre_y + direction * half
    to_x = subject.bar.x_start
    if to_x - from_x >= CONNECTOR_RUN:
        return ((from_x, from_y), (from_x, subject.centre_y), (to_x, subject.centre_y))
    return ((from_x, from_y), (from_x, subject.centre_y - direction * half))


def _arrow(x: float, y: float, direction: int) -> str:
    """A small triangle at (x, y) pointing left (-1) or right (1)."""
    half = BAR_HEIGHT / 2 + 2
    tip = x + direction * ARROW
    return f"{_n(x)},{_n(y - half)} {_n(tip)},{_n(y)} {_n(x)},{_n(y + half)}"


def _n(value: float) -> str:
    """A coordinate with at most two decimals, without trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".")
