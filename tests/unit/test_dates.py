"""Partial dates: parsing at year, month and day precision, comparison at the coarser precision."""

from datetime import date

import pytest

from tracker.dates import PartialDate, PartialDateError, Precision


@pytest.mark.parametrize(
    ("text", "value", "precision"),
    [
        ("2006", date(2006, 1, 1), Precision.YEAR),
        ("2006-03", date(2006, 3, 1), Precision.MONTH),
        ("2006-3", date(2006, 3, 1), Precision.MONTH),
        ("2006-03-15", date(2006, 3, 15), Precision.DAY),
        (" 2024-02-29 ", date(2024, 2, 29), Precision.DAY),
        ("1900", date(1900, 1, 1), Precision.YEAR),
        ("2100-12-31", date(2100, 12, 31), Precision.DAY),
    ],
)
def test_parse_keeps_precision(text, value, precision):
    parsed = PartialDate.parse(text)
    assert (parsed.value, parsed.precision) == (value, precision)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "YYYY"),
        ("06", "YYYY"),
        ("2006/03", "YYYY"),
        ("1899", "between 1900 and 2100"),
        ("2101-01", "between 1900 and 2100"),
        ("2006-13", "month"),
        ("2006-00", "month"),
        ("2023-02-29", "does not exist"),
        ("2006-04-31", "does not exist"),
        ("2006-01-00", "does not exist"),
        ("١٢٣٤", "YYYY"),
    ],
)
def test_parse_refuses_bad_dates(text, message):
    with pytest.raises(PartialDateError, match=message):
        PartialDate.parse(text)


def test_latest_day_of_each_precision():
    assert PartialDate.parse("2018").latest == date(2018, 12, 31)
    assert PartialDate.parse("2024-02").latest == date(2024, 2, 29)
    assert PartialDate.parse("2018-05-06").latest == date(2018, 5, 6)


@pytest.mark.parametrize(
    ("earlier", "later", "before"),
    [
        ("2006", "2018", True),
        ("2018", "2006", False),
        ("2018-05", "2018", False),  # same year at the coarser precision: not surely before
        ("2018", "2018-05-06", False),
        ("2018-05-06", "2018-05", False),
        ("2018-04-30", "2018-05", True),
        ("2018-05-06", "2018-05-07", True),
    ],
)
def test_is_before_compares_at_coarser_precision(earlier, later, before):
    assert PartialDate.parse(earlier).is_before(PartialDate.parse(later)) is before


def test_iso_round_trips():
    for text in ("2006", "2006-03", "2006-03-15"):
        assert PartialDate.parse(text).iso() == text
