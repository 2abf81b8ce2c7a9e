"""Cadences in TRACKER_TIMEZONE: reading them, Huey's minute check in a zone without and with daylight saving time
(Asia/Jakarta, Europe/Amsterdam) at the clock changes, next and last runs, and the refusal of unreadable settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import force_locale

from tracker import cadence, create_app
from tracker.cadence import Cadence, is_due, last_run, next_run, parse
from tracker.config import ConfigError, load_config

JAKARTA = cadence.zone("Asia/Jakarta")
AMSTERDAM = cadence.zone("Europe/Amsterdam")
# 2026 in Europe/Amsterdam: clocks go forward at 02:00 on 29 March, back at 03:00 on 25 October.
SPRING = datetime(2026, 3, 29, tzinfo=UTC)
AUTUMN = datetime(2026, 10, 25, tzinfo=UTC)


def utc(text: str) -> datetime:
    """A UTC moment written "2026-03-29 01:30"."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def due_minutes(when: Cadence, start: datetime, hours: int, where) -> list[str]:
    """Every UTC minute from `start` on, for `hours`, at which the cadence is due, as Huey's consumer asks (naive)."""
    minutes = (start + timedelta(minutes=step) for step in range(hours * 60))
    return [minute.strftime("%H:%M") for minute in minutes if is_due(when, minute.replace(tzinfo=None), where)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("02:30", Cadence(minute=30, hour=2)),
        ("  Mon   07:00 ", Cadence(minute=0, hour=7, days=frozenset({0}))),
        ("mon, thu 7:05", Cadence(minute=5, hour=7, days=frozenset({0, 3}))),
        ("hourly", Cadence(minute=0)),
        ("hourly :15", Cadence(minute=15)),
        ("OFF", None),
    ],
)
def test_cadences_are_read(text, expected):
    assert parse("TRACKER_SCHEDULE_BACKUP", text) == expected


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("24:00", "the hour must be 0 to 23"),
        ("02:60", "the minute must be 0 to 59"),
        ("senin 07:00", "unknown day 'senin'"),
        ("mon,funday 07:00", "unknown day 'funday'"),
        ("0 2 * * *", "unknown format"),
        ("", "unknown format"),
        ("hourly :75", "the minute must be 0 to 59"),
    ],
)
def test_unreadable_cadences_say_what_to_write(text, why):
    with pytest.raises(ValueError) as error:
        parse("TRACKER_SCHEDULE_DIGEST", text)
    assert why in str(error.value)
    assert str(error.value).startswith(f"TRACKER_SCHEDULE_DIGEST={text!r} is not a schedule")
    assert "mon,thu HH:MM" in str(error.value)


def test_jakarta_has_no_clock_changes_so_a_time_is_due_once_a_day_all_year():
    nightly = parse("X", "02:30")
    for day in (SPRING, AUTUMN, datetime(2026, 12, 31, tzinfo=UTC)):
        # 02:30 WIB is 19:30 UTC the day before.
        assert due_minutes(nightly, day - timedelta(hours=12), 24, JAKARTA) == ["19:30"]


def test_a_time_the_spring_clock_change_skips_runs_once_when_the_clock_has_gone_on_by_the_gap():
    nightly = parse("X", "02:30")
    # The day before: 02:30 CET is 01:30 UTC; on the night itself 02:30 does not exist, and it runs at 03:30 CEST,
    # which is also 01:30 UTC; the day after, 02:30 CEST is 00:30 UTC.
    assert due_minutes(nightly, SPRING - timedelta(days=1), 24, AMSTERDAM) == ["01:30"]
    assert due_minutes(nightly, SPRING, 24, AMSTERDAM) == ["01:30"]
    assert due_minutes(nightly, SPRING + timedelta(days=1), 24, AMSTERDAM) == ["00:30"]
    assert next_run(nightly, utc("2026-03-28 12:00"), AMSTERDAM).astimezone(AMSTERDAM).strftime("%H:%M") == "03:30"


def test_a_time_the_autumn_clock_change_repeats_runs_once_at_its_first_occurrence():
    nightly = parse("X", "02:30")
    # 02:30 happens at 00:30 UTC (CEST) and again at 01:30 UTC (CET): only the first runs.
    assert due_minutes(nightly, AUTUMN, 24, AMSTERDAM) == ["00:30"]
    assert due_minutes(nightly, AUTUMN + timedelta(days=1), 24, AMSTERDAM) == ["01:30"]


def test_hourly_runs_every_real_hour_across_both_clock_changes():
    quarter_past = parse("X", "hourly :15")
    assert len(due_minutes(quarter_past, SPRING, 24, AMSTERDAM)) == 24
    autumn = due_minutes(quarter_past, AUTUMN, 24, AMSTERDAM)
    assert len(autumn) == 24 and autumn[:3] == ["00:15", "01:15", "02:15"]  # 02:15 CEST, 02:15 CET, 03:15 CET
    assert next_run(quarter_past, utc("2026-10-25 00:20"), AMSTERDAM) == utc("2026-10-25 01:15")


def test_a_zone_with_a_half_hour_offset_keeps_its_local_minute():
    assert due_minutes(parse("X", "hourly :00"), AUTUMN, 3, cadence.zone("Asia/Kolkata")) == ["00:30", "01:30", "02:30"]


def test_weekly_cadence_runs_on_its_local_day_even_when_utc_is_still_the_day_before():
    monday_morning = parse("X", "mon 07:00")
    # Monday 7 December 2026, 07:00 WIB is Monday 00:00 UTC; 06:00 WIB would be Sunday 23:00 UTC.
    assert is_due(monday_morning, utc("2026-12-07 00:00"), JAKARTA)
    assert not is_due(monday_morning, utc("2026-12-08 00:00"), JAKARTA)
    assert is_due(parse("X", "mon 06:00"), utc("2026-12-06 23:00"), JAKARTA)
    assert next_run(monday_morning, utc("2026-12-07 00:00"), JAKARTA) == utc("2026-12-14 00:00")
    assert last_run(monday_morning, utc("2026-12-13 23:59"), JAKARTA) == utc("2026-12-07 00:00")
    assert last_run(monday_morning, utc("2026-12-14 00:00:30"), JAKARTA) == utc("2026-12-14 00:00")


def test_the_slot_of_a_late_run_is_the_run_it_belongs_to():
    nightly, hourly = parse("X", "02:30"), parse("X", "hourly :15")
    assert last_run(nightly, utc("2026-03-29 01:47"), AMSTERDAM) == utc("2026-03-29 01:30")
    assert last_run(nightly, utc("2026-03-29 01:29"), AMSTERDAM) == utc("2026-03-28 01:30")
    assert last_run(hourly, utc("2026-10-25 01:14"), AMSTERDAM) == utc("2026-10-25 00:15")


def test_cadences_in_words_in_english_and_indonesian(app):
    with app.test_request_context():
        assert cadence.words(parse("X", "mon,thu 07:00")) == "Every Monday and Thursday at 07:00"
        assert cadence.words(parse("X", "02:30")) == "Every day at 02:30"
        assert cadence.words(parse("X", "hourly :05")) == "Every hour at minute 05"
        assert cadence.words(None) == "Off"
        with force_locale("id"):
            # The days in the reader's language (the sentence around them once translations/id has it).
            assert "Senin dan Kamis" in cadence.words(parse("X", "mon,thu 07:00"))


@pytest.mark.parametrize("name", ["Asia/Jakarta", "Europe/Amsterdam", "UTC"])
def test_a_known_time_zone_is_taken(name, tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_TIMEZONE", name)
    assert load_config(str(tmp_path), {"TESTING": True})["TRACKER_ZONE"].key == name


@pytest.mark.parametrize("name", ["Jakarta", "WIB", "../etc/passwd", "Asia/Jakarta "])
def test_an_unknown_time_zone_stops_the_app_at_start(name, tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_TIMEZONE", name)
    with pytest.raises(ConfigError, match="TRACKER_TIMEZONE must be an IANA time zone name"):
        create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})


def test_an_unreadable_schedule_stops_the_app_at_start(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_SCHEDULE_BACKUP", "every night")
    with pytest.raises(ConfigError, match="TRACKER_SCHEDULE_BACKUP='every night' is not a schedule"):
        load_config(str(tmp_path), {"TESTING": True})
    monkeypatch.setenv("TRACKER_SCHEDULE_BACKUP", "off")
    monkeypatch.setenv("TRACKER_BACKUP_KEEP", "0")
    with pytest.raises(ConfigError, match="TRACKER_BACKUP_KEEP must be 1 or more"):
        load_config(str(tmp_path), {"TESTING": True})
