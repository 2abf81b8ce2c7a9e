"""Chart geometry (tracker/charts): plain data in, plain data out.

Timeline bars at each precision, fades, open ends, ticks, renewal connectors, the reference-day line, status
styles, quarter bucketing and bar charts.
"""

from __future__ import annotations

from datetime import date
from itertools import pairwise

import pytest

from tracker.charts import bars, timeline
from tracker.charts.bars import BarEntry, build_bar_chart, fold_rest, tick_step
from tracker.charts.quarters import Quarter, count_by_quarter, quarter_of, quarters_from, window_end
from tracker.charts.styles import BACKGROUND, GROUPS, ROW_BAND, contrast_ratio, group_of, groups_for
from tracker.charts.timeline import (
    OPEN_FADE,
    PLOT_LEFT,
    PLOT_RIGHT,
    ROW_HEIGHT,
    TimelineItem,
    TimeScale,
    build_timeline,
    year_span,
)
from tracker.dates import PartialDate
from tracker.demo import AGREEMENTS
from tracker.models import AgreementStatus
from tracker.text import shorten

AS_OF = date(2017, 10, 4)


def item(number: int = 1, start: str | None = None, end: str | None = None, **fields) -> TimelineItem:
    """A timeline item with dates written as the forms take them ("2006", "2012-06", "2008-05-12")."""
    signed = fields.pop("signed", None)
    return TimelineItem(
        id=number,
        title=fields.pop("title", f"Agreement {number}"),
        status=fields.pop("status", AgreementStatus.IN_FORCE),
        start=PartialDate.parse(start) if start else None,
        end=PartialDate.parse(end) if end else None,
        signed=PartialDate.parse(signed) if signed else None,
    )


def scale_of(chart: timeline.Timeline) -> TimeScale:
    """The scale a built timeline used."""
    return TimeScale(chart.first_day.year, chart.end_day.year - 1)


# --- the demo story: AITEC 2006–2018, both ends known only to the year ---------------------------------


def test_demo_aitec_agreement_fades_over_its_first_and_last_year():
    spec = AGREEMENTS[0]
    assert (spec.start, spec.end) == ("2006", "2018")
    chart = build_timeline([item(1, spec.start, spec.end, title=spec.title)], [], AS_OF)
    scale = scale_of(chart)
    bar = chart.rows[0].bar
    assert (chart.first_day, chart.end_day) == (date(2006, 1, 1), date(2019, 1, 1))
    assert bar.x_start == scale.x(date(2006, 1, 1)) == PLOT_LEFT
    assert bar.solid_from == pytest.approx(scale.x(date(2007, 1, 1)))
    assert bar.solid_to == pytest.approx(scale.x(date(2018, 1, 1)))
    assert bar.x_end == pytest.approx(scale.x(date(2019, 1, 1))) == pytest.approx(PLOT_RIGHT)
    assert bar.fades_in and bar.fades_out and bar.uncertain
    assert not (bar.open_start or bar.open_end)
    assert chart.has_fades and not chart.has_open_ends


# --- bars at each precision ------------------------------------------------------------------------------


def test_day_precision_bar_runs_from_its_first_to_the_end_of_its_last_day_without_fading():
    chart = build_timeline([item(1, "2008-05-12", "2012-06-30")], [], AS_OF)
    scale, bar = scale_of(chart), chart.rows[0].bar
    assert bar.x_start == pytest.approx(scale.x(date(2008, 5, 12)))
    assert bar.x_end == pytest.approx(scale.x(date(2012, 7, 1)))
    assert (bar.solid_from, bar.solid_to) == (bar.x_start, bar.x_end)
    assert not (bar.fades_in or bar.fades_out or bar.uncertain)
    assert not chart.has_fades


def test_month_precision_fades_over_the_month():
    chart = build_timeline([item(1, "2008-05", "2012-06")], [], AS_OF)
    scale, bar = scale_of(chart), chart.rows[0].bar
    assert bar.x_start == pytest.approx(scale.x(date(2008, 5, 1)))
    assert bar.solid_from == pytest.approx(scale.x(date(2008, 6, 1)))
    assert bar.solid_to == pytest.approx(scale.x(date(2012, 6, 1)))
    assert bar.x_end == pytest.approx(scale.x(date(2012, 7, 1)))
    # A month is about a twelfth of a year's fade.
    year = scale.x(date(2010, 1, 1)) - scale.x(date(2009, 1, 1))
    assert bar.x_end - bar.solid_to == pytest.approx(year * 30 / 365, rel=0.05)


def test_mixed_precisions_fade_only_where_uncertain():
    bar = build_timeline([item(1, "2008-05-12", "2018")], [], AS_OF).rows[0].bar
    assert not bar.fades_in
    assert bar.fades_out


def test_overlapping_fades_meet_in_the_middle():
    # Known only as "2018–2018": the start and the end fade over the same year.
    chart = build_timeline([item(1, "2018", "2018")], [], AS_OF)
    scale, bar = scale_of(chart), chart.rows[0].bar
    middle = (scale.x(date(2018, 1, 1)) + scale.x(date(2019, 1, 1))) / 2
    assert bar.solid_from == pytest.approx(middle) == pytest.approx(bar.solid_to)
    assert bar.fades_in and bar.fades_out


def test_a_one_day_agreement_stays_visible():
    bar = build_timeline([item(1, "2017-10-04", "2017-10-04")], [], AS_OF).rows[0].bar
    assert bar.width >= timeline.MIN_BAR_WIDTH


# --- unknown dates ----------------------------------------------------------------------------------------


def test_unknown_end_runs_open_to_the_right_edge_with_an_arrow():
    chart = build_timeline([item(1, "2019-03")], [], AS_OF)
    bar, row = chart.rows[0].bar, chart.rows[0]
    # A year past the last known year gives the open end room.
    assert chart.end_day == date(2021, 1, 1)
    assert bar.open_end and not bar.open_start
    assert bar.x_end == PLOT_RIGHT
    assert bar.solid_to == pytest.approx(PLOT_RIGHT - OPEN_FADE)
    tip = float(row.end_arrow.split()[1].split(",")[0])
    assert tip > bar.x_end
    assert chart.has_open_ends


def test_unknown_start_runs_open_from_the_left_edge():
    chart = build_timeline([item(1, end="2018-06-30")], [], AS_OF)
    bar, row = chart.rows[0].bar, chart.rows[0]
    assert chart.first_day == date(2016, 1, 1)  # a year before the earliest known year (2017, today)
    assert bar.open_start and bar.x_start == PLOT_LEFT
    assert bar.solid_from == pytest.approx(PLOT_LEFT + OPEN_FADE)
    tip = float(row.start_arrow.split()[1].split(",")[0])
    assert tip < bar.x_start


def test_unknown_start_falls_back_to_the_signing_date():
    chart = build_timeline([item(1, end="2018", signed="2016-02-01")], [], AS_OF)
    scale, bar = scale_of(chart), chart.rows[0].bar
    assert bar.start_from_signing and not bar.open_start
    assert bar.x_start == pytest.approx(scale.x(date(2016, 2, 1)))


def test_an_agreement_without_any_date_gets_a_row_but_no_bar():
    chart = build_timeline([item(1), item(2, "2006", "2018")], [], AS_OF)
    assert chart.rows[0].bar is None
    assert chart.rows[1].bar is not None
    assert chart.has_undated


# --- axis, rows, today ------------------------------------------------------------------------------------


def test_scale_maps_the_axis_ends_to_the_plot_edges():
    scale = TimeScale(2006, 2018)
    assert scale.x(date(2006, 1, 1)) == PLOT_LEFT
    assert scale.x(date(2019, 1, 1)) == pytest.approx(PLOT_RIGHT)
    assert scale.contains(date(2018, 12, 31)) and not scale.contains(date(2019, 1, 1))


def test_year_span_covers_every_date_and_today_and_at_least_three_years():
    assert year_span([item(1, "2006", "2018")], date(2025, 1, 1)) == (2006, 2025)
    assert year_span([], AS_OF) == (2016, 2018)
    assert year_span([item(1, "2017-01-01", "2017-02-01")], AS_OF) == (2016, 2018)


def test_year_ticks_label_each_year_in_its_middle_when_there_is_room():
    chart = build_timeline([item(1, "2006", "2018")], [], AS_OF)
    years = [tick.year for tick in chart.ticks]
    assert years == list(range(2006, 2020))
    labelled = [tick for tick in chart.ticks if tick.labelled]
    assert [tick.year for tick in labelled] == list(range(2006, 2019))
    assert labelled[0].label_x == pytest.approx((chart.ticks[0].x + chart.ticks[1].x) / 2)


def test_year_ticks_thin_out_over_long_spans_without_overlapping():
    chart = build_timeline([item(1, "1950", "2030")], [], AS_OF)
    xs = [tick.label_x for tick in chart.ticks if tick.labelled]
    steps = {b.year - a.year for a, b in pairwise(chart.ticks)}
    assert len(steps) == 1
    step = steps.pop()
    assert step in timeline.YEAR_STEPS and step > 1
    assert min(b - a for a, b in pairwise(xs)) >= timeline.MIN_LABEL_SPACING
    assert all(tick.year % step == 0 and tick.labelled for tick in chart.ticks)


def test_today_line_sits_at_the_reference_day():
    chart = build_timeline([item(1, "2006", "2018")], [], AS_OF)
    assert chart.today.day == AS_OF
    assert chart.today.x == pytest.approx(scale_of(chart).x(AS_OF))
    later = build_timeline([item(1, "2006", "2018")], [], date(2026, 11, 28))
    assert later.end_day == date(2027, 1, 1)
    assert later.today.x > later.rows[0].bar.x_end


def test_rows_stack_with_a_fixed_height_and_stop_at_the_cap():
    items = [item(number, "2010", "2012") for number in range(1, 8)]
    chart = build_timeline(items, [], AS_OF, max_rows=5)
    assert [row.item.id for row in chart.rows] == [1, 2, 3, 4, 5]
    assert [row.y for row in chart.rows] == [timeline.AXIS_HEIGHT + n * ROW_HEIGHT for n in range(5)]
    assert chart.left_out == 2
    assert chart.height == timeline.AXIS_HEIGHT + 5 * ROW_HEIGHT + timeline.FOOT_HEIGHT
    assert chart.rows[0].bar_y + timeline.BAR_HEIGHT <= chart.rows[0].y + ROW_HEIGHT


def test_long_titles_are_shortened_at_a_word():
    assert shorten("Short title", 40) == "Short title"
    short = shorten("Technology development cooperation between the Ministry of Industry and AITEC", 40)
    assert len(short) <= 40 and short.endswith("…")
    assert short == "Technology development cooperation…"


# --- renewals ---------------------------------------------------------------------------------------------


def test_a_renewal_is_joined_from_the_end_of_what_it_renews_to_its_own_start():
    old, new = item(1, "2006", "2018"), item(2, "2019-03", "2024-03")
    chart = build_timeline([old, new], [(2, 1)], AS_OF)
    (line,) = chart.connectors
    renewed, renewing = chart.by_id[1], chart.by_id[2]
    assert (line.subject_id, line.object_id) == (2, 1)
    assert line.points[0] == (renewed.bar.x_end, renewed.centre_y + timeline.BAR_HEIGHT / 2)
    assert line.points[-1] == (renewing.bar.x_start, renewing.centre_y)
    assert line.d.startswith("M") and line.d.count("L") == len(line.points) - 1
    assert line.object_title == "Agreement 1"


def test_a_renewal_that_starts_before_the_end_goes_straight_to_its_bar():
    chart = build_timeline([item(1, "2019-03", "2024"), item(2, "2006", "2019-06-30")], [(1, 2)], AS_OF)
    (line,) = chart.connectors
    renewing, renewed = chart.by_id[1], chart.by_id[2]
    # The renewing row is above: the line leaves the renewed bar's top and ends at the renewing bar's bottom.
    assert line.points == (
        (renewed.bar.x_end, renewed.centre_y - timeline.BAR_HEIGHT / 2),
        (renewed.bar.x_end, renewing.centre_y + timeline.BAR_HEIGHT / 2),
    )


def test_renewals_need_both_agreements_drawn():
    chart = build_timeline([item(1, "2006", "2018"), item(2)], [(2, 1), (3, 1), (2, 1)], AS_OF)
    assert chart.connectors == []


# --- status styles ----------------------------------------------------------------------------------------


def test_every_status_has_a_style_with_enough_contrast():
    for status in AgreementStatus:
        for background in (BACKGROUND, ROW_BAND):
            assert contrast_ratio(group_of(status).colour, background) >= 3, (status, background)


def test_groups_differ_by_pattern_as_well_as_colour():
    assert len({group.pattern for group in GROUPS}) == len(GROUPS)
    assert len({group.colour for group in GROUPS}) == len(GROUPS)


def test_contrast_ratio_matches_wcag_examples():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_legend_groups_follow_the_statuses_shown():
    chart = build_timeline([item(1, status=AgreementStatus.EXPIRED), item(2, status=AgreementStatus.SIGNED)], [], AS_OF)
    assert [group.key for group in chart.groups] == ["live", "ended"]
    assert groups_for(set()) == []


# --- quarters ---------------------------------------------------------------------------------------------


def test_quarters():
    assert quarter_of(date(2017, 10, 4)) == Quarter(2017, 4)
    assert quarter_of(date(2018, 3, 31)) == Quarter(2018, 1)
    assert Quarter(2018, 2).first_day == date(2018, 4, 1)
    assert Quarter(2018, 4).last_day == date(2018, 12, 31)
    assert Quarter(2020, 1).last_day == date(2020, 3, 31)
    assert quarters_from(AS_OF)[:3] == [Quarter(2017, 4), Quarter(2018, 1), Quarter(2018, 2)]
    assert len(quarters_from(AS_OF)) == 8
    assert window_end(AS_OF) == date(2019, 9, 30)


def test_count_by_quarter_buckets_ends_from_the_reference_day_for_eight_quarters():
    ends = [
        (date(2018, 1, 1), 2),  # "2018": counts in the first quarter of 2018
        (date(2017, 1, 1), 5),  # before the reference day: over, not due
        (date(2017, 10, 4), 1),  # the reference day itself counts
        (date(2018, 3, 31), 1),
        (date(2019, 9, 30), 1),  # the window's last day
        (date(2019, 10, 1), 4),  # past the window
    ]
    counted = count_by_quarter(ends, AS_OF)
    assert counted == [
        (Quarter(2017, 4), 1),
        (Quarter(2018, 1), 3),
        (Quarter(2018, 2), 0),
        (Quarter(2018, 3), 0),
        (Quarter(2018, 4), 0),
        (Quarter(2019, 1), 0),
        (Quarter(2019, 2), 0),
        (Quarter(2019, 3), 1),
    ]


# --- bar charts -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("maximum", "step"), [(0, 1), (1, 1), (5, 1), (6, 2), (10, 2), (11, 5), (25, 5), (26, 10), (120, 50)]
)
def test_tick_steps_are_round(maximum, step):
    assert tick_step(maximum) == step


def test_bar_widths_are_proportional_to_a_round_maximum():
    chart = build_bar_chart([BarEntry("a", "A", 3), BarEntry("b", "B", 7), BarEntry("c", "C", 0)])
    plot = bars.PLOT_RIGHT - bars.PLOT_LEFT
    assert chart.scale_max == 8
    assert [tick.value for tick in chart.ticks] == [0, 2, 4, 6, 8]
    assert [bar.width for bar in chart.bars] == pytest.approx([plot * 3 / 8, plot * 7 / 8, 0])
    assert chart.ticks[-1].x == pytest.approx(bars.PLOT_RIGHT)
    assert [bar.y for bar in chart.bars] == sorted(bar.y for bar in chart.bars)
    assert chart.total == 10
    assert chart.bars[1].value_x > chart.bars[1].x + chart.bars[1].width


def test_an_empty_bar_chart_still_has_a_scale():
    chart = build_bar_chart([])
    assert chart.bars == [] and chart.scale_max == 1


def test_fold_rest_adds_up_what_does_not_fit():
    entries = [BarEntry(str(n), f"Country {n}", 10 - n, href=f"/{n}") for n in range(6)]
    assert fold_rest(entries, 6, str) == entries
    folded = fold_rest(entries, 4, lambda n: f"{n} others")
    assert [entry.key for entry in folded] == ["0", "1", "2", "rest"]
    assert folded[-1].value == 7 + 6 + 5
    assert folded[-1].label == "3 others" and folded[-1].href is None
