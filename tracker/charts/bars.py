"""Horizontal bar chart geometry: a label column, one bar per entry with its number after it, a value axis."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tracker.charts.styles import StatusGroup

WIDTH = 400
LABEL_WIDTH = 140
PLOT_LEFT = LABEL_WIDTH + 10
# Room right of the longest bar for its number.
VALUE_SPACE = 44
PLOT_RIGHT = WIDTH - VALUE_SPACE
TOP = 6
ROW_HEIGHT = 30
BAR_HEIGHT = 20
AXIS_HEIGHT = 24
# At most this many value ticks besides zero.
MAX_TICKS = 5
LABEL_CHARS = 20


@dataclass(frozen=True)
class BarEntry:
    """One bar: what it counts, how many, where its link goes, and the status group it is drawn as, if any."""

    key: str
    label: object
    value: int
    href: str | None = None
    style: StatusGroup | None = None


@dataclass(frozen=True)
class HBar:
    """A drawn bar."""

    entry: BarEntry
    index: int
    y: float
    x: float
    width: float
    height: float

    @property
    def centre_y(self) -> float:
        """Vertical middle of the bar, where its label and number sit."""
        return self.y + self.height / 2

    @property
    def value_x(self) -> float:
        """Where the number after the bar starts."""
        return self.x + self.width + 6


@dataclass(frozen=True)
class ValueTick:
    """A value on the axis under the bars."""

    value: int
    x: float


@dataclass(frozen=True)
class BarChart:
    """Everything a template needs to draw a bar chart."""

    width: float
    height: float
    bars: list[HBar]
    ticks: list[ValueTick]
    scale_max: int
    plot_left: float = PLOT_LEFT
    plot_right: float = PLOT_RIGHT
    plot_top: float = TOP
    label_width: float = LABEL_WIDTH
    label_chars: int = LABEL_CHARS

    @property
    def plot_bottom(self) -> float:
        """Bottom of the last bar's row, where the axis runs."""
        return self.plot_top + len(self.bars) * ROW_HEIGHT

    @property
    def total(self) -> int:
        """The sum of the values."""
        return sum(bar.entry.value for bar in self.bars)


def tick_step(maximum: int, max_ticks: int = MAX_TICKS) -> int:
    """A round step (1, 2, 5, 10, 20, 50...) giving at most `max_ticks` ticks up to `maximum`."""
    step = 1
    while math.ceil(maximum / step) > max_ticks:
        step = _next_round(step)
    return step


def _next_round(step: int) -> int:
    """The round number after `step`: 1 → 2 → 5 → 10 → 20 → 50 → 100..."""
    magnitude = 10 ** (len(str(step)) - 1)
    leading = step // magnitude
    return {1: 2, 2: 5, 5: 10}[leading] * magnitude


def build_bar_chart(entries: Sequence[BarEntry]) -> BarChart:
    """The chart of `entries` in the given order, bars scaled to a round maximum."""
    step = tick_step(max((entry.value for entry in entries), default=0))
    scale_max = max(step, math.ceil(max((entry.value for entry in entries), default=0) / step) * step)
    plot_width = PLOT_RIGHT - PLOT_LEFT
    bars = [
        HBar(
            entry=entry,
            index=index,
            y=TOP + index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2,
            x=PLOT_LEFT,
            width=entry.value / scale_max * plot_width,
            height=BAR_HEIGHT,
        )
        for index, entry in enumerate(entries)
    ]
    ticks = [ValueTick(value, PLOT_LEFT + value / scale_max * plot_width) for value in range(0, scale_max + 1, step)]
    return BarChart(
        width=WIDTH, height=TOP + len(entries) * ROW_HEIGHT + AXIS_HEIGHT, bars=bars, ticks=ticks, scale_max=scale_max
    )


def fold_rest(entries: Sequence[BarEntry], limit: int, rest_label: Callable[[int], object]) -> list[BarEntry]:
    """At most `limit` bars: the first entries, then the rest added up in one unlinked bar.

    `rest_label(n)` names that bar for the `n` entries it stands for ("3 other countries").
    """
    if len(entries) <= limit:
        return list(entries)
    kept, rest = list(entries[: limit - 1]), entries[limit - 1 :]
    return [*kept, BarEntry("rest", rest_label(len(rest)), sum(entry.value for entry in rest))]
