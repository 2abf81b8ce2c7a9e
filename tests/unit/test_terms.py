"""tracker/terms.py: the current term's end and the decision date, at term boundaries and at every precision."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from itertools import pairwise

import pytest

from tracker.dates import PartialDate, Precision
from tracker.terms import Terms, all_terms, current_term, decision_day, next_term, term_end

MOU = Terms(start=PartialDate.parse("2014-01-01"), duration_months=60, auto_renewal=True, notice_period=6)


def test_an_auto_renewing_mou_rolls_forward_term_by_term_around_each_end():
    assert current_term(MOU, date(2018, 12, 30)).end_on == date(2018, 12, 31)
    first = current_term(MOU, date(2018, 12, 31))
    assert (first.number, first.end.iso(), first.decision_on) == (1, "2018-12-31", date(2018, 7, 1))
    second = current_term(MOU, date(2019, 1, 1))
    assert (second.number, second.end_on, second.decision_on) == (2, date(2023, 12, 31), date(2023, 7, 1))
    assert current_term(MOU, date(2030, 6, 1)).number == 4


def test_a_renewal_period_apart_from_the_duration_and_notice_in_days():
    terms = Terms(
        start=PartialDate.parse("2010-03-15"),
        duration_months=36,
        auto_renewal=True,
        renewal_months=12,
        notice_period=90,
        notice_unit="days",
    )
    ends = [term.end_on for term in all_terms(terms)][:3]
    assert ends == [date(2013, 3, 14), date(2014, 3, 14), date(2015, 3, 14)]
    assert current_term(terms, date(2013, 3, 15)).decision_on == date(2013, 12, 15)


def test_a_start_known_to_the_year_or_month_gives_an_end_at_that_precision_and_a_safe_decision_day():
    by_year = current_term(
        Terms(start=PartialDate.parse("2014"), duration_months=60, notice_period=6), date(2015, 1, 1)
    )
    assert (by_year.end.precision, by_year.end.iso(), by_year.decision_on) == (Precision.YEAR, "2018", date(2018, 7, 1))
    by_month = current_term(Terms(start=PartialDate.parse("2014-03"), duration_months=60), date(2015, 1, 1))
    assert (by_month.end.iso(), by_month.approximate) == ("2019-02", True)


def test_without_duration_the_recorded_end_is_the_end_as_before():
    assert list(all_terms(Terms(start=PartialDate.parse("2006"), end=PartialDate.parse("2018")))) == []
    noticed = current_term(Terms(end=PartialDate.parse("2018-12-31"), notice_period=6), date(2018, 1, 1))
    assert (noticed.end_on, noticed.decision_on) == (date(2018, 12, 31), date(2018, 7, 1))


def test_a_recorded_end_stops_the_rolling():
    capped = Terms(
        start=PartialDate.parse("2014-01-01"),
        end=PartialDate.parse("2020-06-30"),
        duration_months=60,
        auto_renewal=True,
    )
    assert [term.end_on for term in all_terms(capped)] == [date(2018, 12, 31), date(2020, 6, 30)]


def test_a_non_renewing_agreement_has_one_term():
    once = Terms(start=PartialDate.parse("2014-01-01"), duration_months=60)
    assert [term.end_on for term in all_terms(once)] == [date(2018, 12, 31)]
    assert current_term(once, date(2025, 1, 1)).end_on == date(2018, 12, 31)


def period(start, end, renewal=None, duration=None, **more):
    """The next term, as ISO text, of an agreement recorded as running `start`–`end`."""
    terms = Terms(
        start=PartialDate.parse(start) if start else None,
        end=PartialDate.parse(end) if end else None,
        duration_months=duration,
        renewal_months=renewal,
        **more,
    )
    following = next_term(terms, date(2026, 12, 6))
    return tuple(part.iso() if part else None for part in following)


@pytest.mark.parametrize(
    ("recorded", "duration", "renewal", "expected"),
    [
        # The seed story: 2006–2018, renewed for five years: known to the year, so the next term is too.
        (("2006", "2018"), 144, 60, ("2019", "2023")),
        (("2006", "2018"), 60, None, ("2019", "2023")),  # no renewal period: the duration again
        (("2006", "2018"), 144, 144, ("2019", "2030")),  # the same period given twice
        (("2006", "2018"), None, 60, ("2019", "2023")),  # a renewal period alone
        (("2006", "2018"), 144, 12, ("2019", "2019")),  # one year, within the year
        (("2006", "2018"), 144, 18, ("2019", "2020")),  # its earliest possible end, as everywhere
        (("2006", "2018"), None, None, ("2019", None)),  # nothing says how long: the end stays open
        (("2014-03", "2019-02"), 60, None, ("2019-03", "2024-02")),
        (("2018-01", "2018-12"), 12, 60, ("2019-01", "2023-12")),  # across the year's end
        (("2020-07-01", "2025-06-30"), 60, 24, ("2025-07-01", "2027-06-30")),
        (("2014-01-01", "2018-12-31"), 60, 60, ("2019-01-01", "2023-12-31")),
        (("2019-03-01", "2024-02-29"), 60, 12, ("2024-03-01", "2025-02-28")),  # after a leap day
        (("2024-01-01", "2024-03-30"), 3, 1, ("2024-03-31", "2024-04-30")),  # from the 31st: to April's last day
        (("2023-01-01", "2024-01-30"), 13, 1, ("2024-01-31", "2024-02-29")),
        (("2090", "2096"), 72, 60, ("2097", None)),  # past the last year the tracker knows
        (("2090", "2100"), 72, 60, (None, None)),
    ],
)
def test_the_next_term_after_a_recorded_end_runs_one_renewal_period(recorded, duration, renewal, expected):
    assert period(*recorded, renewal=renewal, duration=duration) == expected


def test_the_next_term_without_a_recorded_end_follows_the_current_term():
    # An auto-renewing MoU from 2014: its current term on 6 Dec 2026 is the third, 2024–2028.
    assert period("2014-01-01", None, duration=60, auto_renewal=True) == ("2029-01-01", "2033-12-31")
    assert period("2014-01-01", None, duration=60, renewal=24, auto_renewal=True) == ("2027-01-01", "2028-12-31")
    assert period("2014", None, duration=60) == ("2019", "2023")  # ended after one term, at the start's precision
    assert period("2014", None) == (None, None)  # no end and nothing to compute one from


# --- month ends (issue 15) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (date(2024, 5, 31), 1, date(2024, 6, 30)),  # June has no 31st: its last day, not 29 June
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 28)),  # the day before 29 February 2028, which exists
        (date(2024, 1, 31), 3, date(2024, 4, 30)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2023, 1, 30), 1, date(2023, 2, 28)),
        (date(2024, 1, 30), 1, date(2024, 2, 29)),
        (date(2024, 1, 29), 1, date(2024, 2, 28)),  # 29 February 2024 exists: the day before it
        (date(2023, 1, 29), 1, date(2023, 2, 28)),  # 29 February 2023 does not
        (date(2024, 8, 31), 1, date(2024, 9, 30)),
        (date(2024, 7, 31), 1, date(2024, 8, 30)),  # August has a 31st: the day before it
        (date(2024, 3, 15), 1, date(2024, 4, 14)),
        (date(2006, 1, 1), 144, date(2017, 12, 31)),
        (date(2024, 12, 31), 2, date(2025, 2, 28)),  # across the year's end
    ],
)
def test_a_term_ends_the_day_before_the_same_day_or_on_the_last_day_of_a_shorter_month(start, months, end):
    assert term_end(start, months) == end
    once = Terms(start=PartialDate(start, Precision.DAY), duration_months=months)
    assert [term.end.iso() for term in all_terms(once)] == [end.isoformat()]


def test_monthly_terms_from_the_31st_keep_the_starts_day_and_never_drift():
    monthly = Terms(start=PartialDate.parse("2024-01-31"), duration_months=1, auto_renewal=True)
    ends = [term.end_on.isoformat() for term in all_terms(monthly)][:8]
    assert ends == [
        "2024-02-29",
        "2024-03-30",
        "2024-04-30",
        "2024-05-30",
        "2024-06-30",
        "2024-07-30",
        "2024-08-30",
        "2024-09-30",
    ]


def last_of_month(day: date) -> bool:
    """Whether `day` is the last day of its month."""
    return day.day == calendar.monthrange(day.year, day.month)[1]


@pytest.mark.parametrize("renewal", [1, 6, 12])
def test_every_term_ends_the_day_before_the_starts_day_or_on_a_shorter_months_last_day(renewal):
    day = date(2023, 1, 1)
    while day <= date(2024, 12, 31):
        terms = Terms(start=PartialDate(day, Precision.DAY), duration_months=renewal, auto_renewal=True)
        ends = [term.end_on for term in all_terms(terms)][:30]
        for end in ends:
            short = last_of_month(end) and calendar.monthrange(end.year, end.month)[1] < day.day
            assert (end + timedelta(days=1)).day == day.day or short, (day, end)
        assert all(earlier < later for earlier, later in pairwise(ends))
        day += timedelta(days=1)


@pytest.mark.parametrize(
    ("end", "notice", "decide_by"),
    [
        (date(2018, 12, 31), 6, date(2018, 7, 1)),
        (date(2024, 6, 30), 6, date(2024, 1, 1)),  # 1 January to 30 June is six months: not 31 December
        (date(2024, 8, 30), 6, date(2024, 2, 29)),  # from 1 March six months would run to 31 August
        (date(2023, 3, 30), 1, date(2023, 2, 28)),
        (date(2024, 6, 30), 1, date(2024, 6, 1)),
    ],
)
def test_the_decision_day_at_month_ends(end, notice, decide_by):
    assert decision_day(end, Terms(notice_period=notice)) == decide_by


@pytest.mark.parametrize("notice", [1, 3, 6, 12])
def test_the_decision_day_is_the_last_day_a_notice_period_counted_as_a_term_still_ends_by_the_end(notice):
    terms = Terms(notice_period=notice)
    end = date(2024, 1, 1)
    while end <= date(2025, 12, 31):
        decide_by = decision_day(end, terms)
        assert term_end(decide_by, notice) <= end < term_end(decide_by + timedelta(days=1), notice), end
        end += timedelta(days=1)
