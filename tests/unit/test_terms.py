"""tracker/terms.py: the current term's end and the decision date, at term boundaries and at every precision."""

from __future__ import annotations

from datetime import date

from tracker.dates import PartialDate, Precision
from tracker.terms import Terms, all_terms, current_term

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
