"""Dates as people write them, in English and Indonesian, read at the precision written (tracker/datewords.py)."""

from __future__ import annotations

import pytest

from tracker.dates import PartialDate, PartialDateError, Precision
from tracker.datewords import place_before_date, read_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2006", "2006"),
        ("2006-03", "2006-03"),
        ("2006-03-15", "2006-03-15"),
        ("2006/3/5", "2006-03-05"),
        ("2006-03-15 00:00:00", "2006-03-15"),
        ("Jakarta, 22-Apr-1992", "1992-04-22"),
        ("22-Apr-1992", "1992-04-22"),
        ("Seoul, 12 Oktober 2006", "2006-10-12"),
        ("20-Agu-2007", "2007-08-20"),
        ("20 Agustus 2007", "2007-08-20"),
        ("3 Mei 2010", "2010-05-03"),
        ("8-Des-1983", "1983-12-08"),
        ("07-Okt-2005", "2005-10-07"),
        ("1 Januari 2000", "2000-01-01"),
        ("14 Pebruari 1999", "1999-02-14"),
        ("30 Juni 2001", "2001-06-30"),
        ("4 Juli 2001", "2001-07-04"),
        ("9 Nopember 2001", "2001-11-09"),
        ("15 Sept 2001", "2001-09-15"),
        ("Maret 2010", "2010-03"),
        ("Dec 2010", "2010-12"),
        ("April 22, 1992", "1992-04-22"),
        ("New York, April 22, 1992", "1992-04-22"),
        ("Seoul, Korea, 5 Oktober 2006", "2006-10-05"),
        ("22/04/1992", "1992-04-22"),
        ("Jakarta, 1992", "1992"),
        ("4 Oktober 2017", "2017-10-04"),
        ("Oktober 2017", "2017-10"),
        ("Jakarta, 4 Oktober 2017", "2017-10-04"),
        ("Senin, 2 Januari 2023", "2023-01-02"),  # a weekday before the comma, as letters are dated
        ("Nusa Dua, Bali, Rabu, 12 Oktober 2022", "2022-10-12"),
        ("Agustus 2019", "2019-08"),
        ("  4   OKTOBER   2017 ", "2017-10-04"),
        ("Sept. 2021", "2021-09"),
        ("October 4th, 2017", "2017-10-04"),
    ],
)
def test_dates_at_the_precision_written(text, expected):
    assert read_date(text) == PartialDate.parse(expected)


def test_a_day_is_known_to_the_day_and_a_month_to_the_month():
    assert read_date("Jakarta, 22-Apr-1992").precision is Precision.DAY
    assert read_date("April 1992").precision is Precision.MONTH
    assert read_date("") is None


@pytest.mark.parametrize(
    "text", ["31-Feb-2001", "soon", "22-Foo-1992", "Jakarta", "1850", "13/13/2001", "30 Februari 2020", "Oktober"]
)
def test_impossible_or_unreadable_dates_are_refused(text):
    with pytest.raises(PartialDateError):
        read_date(text)


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Jakarta, 22-Apr-1992", "Jakarta"),
        ("Nusa Dua, Bali, Indonesia, Rabu, 12 Oktober 2022", "Nusa Dua, Bali, Indonesia"),
        ("Seoul,  Jum'at, 3 March 2017", "Seoul"),
        ("Jakarta, March 3, 2017", "Jakarta"),
        ("Tuesday, March 3, 2017", ""),
        ("4 Oktober 2017", ""),
        ("2006", ""),
        ("Jakarta", ""),
        ("Jakarta, 31-Feb-2000", ""),
        ("", ""),
    ],
)
def test_the_place_before_a_date(text, place):
    assert place_before_date(text) == place
