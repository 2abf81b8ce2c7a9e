"""The schedules page (/admin/schedules) and the schedules on a real Huey queue — the SQLite file and Redis at
127.0.0.1:6379 (database 9, flushed) — with a consumer in a thread: Run now, and a periodic slot fired by two
workers' schedulers that runs once.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask
from huey import Huey
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.conftest import postgres_url, reset_database, sign_in_client
from tests.data.test_schedules import add_run
from tests.jobs_support import running_worker
from tests.web.test_jobs import wait_for
from tracker import cadence, create_app, schedules
from tracker.config import CADENCE_DEFAULTS, check_schedule_settings
from tracker.models import ScheduleRun, ScheduleRunState, UserRole, utcnow

REDIS_URL = "redis://127.0.0.1:6379/9"
ON_POSTGRES = bool(postgres_url())


def runs(engine: Engine) -> list[ScheduleRun]:
    """The recorded runs, oldest first."""
    with Session(engine) as session:
        return list(session.scalars(select(ScheduleRun).order_by(ScheduleRun.id)))


def row_of(html: str, name: str) -> str:
    """The page's table row of a schedule, its tags removed and its spaces collapsed."""
    row = re.search(rf'<tr id="schedule-{name}">(.*?)</tr>', html, re.S).group(1)
    return " ".join(re.sub(r"<[^>]+>", "", row.replace("<br>", " ")).split())


def test_the_page_shows_each_schedule_its_cadence_in_the_tracker_zone_and_its_next_run(client):
    html = client.get("/admin/schedules").get_data(as_text=True)
    assert "Asia/Jakarta" in html
    digest = row_of(html, "digest")
    assert "Weekly digest" in digest and "Never" in digest
    assert "Not applicable: no sender address is set" in digest  # the tests' app has no TRACKER_MAIL_FROM
    purge = row_of(html, "purge")
    assert "Every hour at minute 15" in purge and "Never" in purge and "Run now" in purge
    backup = row_of(html, "backup")
    if ON_POSTGRES:
        assert "Not applicable: the database is PostgreSQL" in backup and "Run now" not in backup
    else:
        assert "Every day at 02:30" in backup and "Run now" in backup
    assert 'href="/admin/schedules"' in html and 'aria-current="page"' in html  # linked from the admin navigation


def test_the_page_shows_the_last_run_its_duration_and_what_it_did_or_why_it_failed(app, client, engine, session):
    with app.app_context():
        schedules.run_due("purge")
    started = utcnow() - timedelta(minutes=3)
    add_run(session, "recheck", ScheduleRunState.FAILED, started, timedelta(seconds=95), "could not resolve host")
    add_run(session, "backup", ScheduleRunState.SKIPPED, started, timedelta(0))
    add_run(session, "digest", ScheduleRunState.DONE, started, timedelta(milliseconds=300))
    html = client.get("/admin/schedules").get_data(as_text=True)
    purge = row_of(html, "purge")
    assert "Done: Import uploads deleted: 0; job results deleted: 0; run records deleted: 0." in purge
    assert "took" in purge
    recheck = row_of(html, "recheck")
    assert "Failed: could not resolve host" in recheck and "took 2 minutes" in recheck
    backup = row_of(html, "backup")
    assert "Skipped: the previous run was still going." in backup and "took" not in backup
    assert "took less than a second" in row_of(html, "digest")


def test_the_page_in_indonesian(app, client):
    app.config["TRACKER_MAIL_FROM"] = "Pemantau Kerja Sama <pemantau@kemenperin.example>"
    client.post("/language", data={"locale": "id"})
    html = client.get("/admin/schedules").get_data(as_text=True)
    assert '<html lang="id">' in html
    digest = row_of(html, "digest")
    assert "Senin" in digest and "07:00" in digest and "Belum pernah" in digest


@pytest.mark.parametrize("role", [UserRole.VIEWER, UserRole.EDITOR])
def test_only_admins_see_and_run_schedules(client_as, engine, role):
    other = client_as(role)
    assert other.get("/admin/schedules").status_code == 403
    assert other.post("/admin/schedules/purge/run").status_code == 403
    assert runs(engine) == []
    assert "/admin/schedules" not in other.get("/").get_data(as_text=True)


def test_run_now_queues_a_run_the_page_shows_waiting(client, engine):
    response = client.post("/admin/schedules/purge/run")
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/schedules")
    [run] = runs(engine)
    assert run.state == ScheduleRunState.QUEUED and run.slot.startswith("now-") and run.requested_by_id
    html = client.get("/admin/schedules").get_data(as_text=True)
    assert "will run as soon as the worker takes it up" in html
    assert "Run now waits for the worker" in row_of(html, "purge")


def test_run_now_of_a_schedule_that_cannot_run_here_says_why_and_queues_nothing(client, engine):
    response = client.post("/admin/schedules/digest/run", follow_redirects=True)
    assert "Not applicable: no sender address is set" in response.get_data(as_text=True)
    assert runs(engine) == []
    assert client.post("/admin/schedules/no-such-schedule/run").status_code == 404


def test_run_now_without_the_csrf_token_is_refused(app, client, engine):
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/admin/schedules/purge/run").status_code == 400
    assert runs(engine) == []


# --- on a real queue -------------------------------------------------------------------------------


def schedule_settings(now: datetime) -> dict[str, str]:
    """The queue app's schedules for a test starting at `now`: the purge every hour, half an hour from now (the slot a
    run belongs to stays the same throughout the test), the others off. At their defaults one of them falls due in the
    purge's slot or the minute after at some times of day: the feeds (hourly :40) when the test starts at :09 or :10
    past any hour, the backup and the re-check around 20:00 and 21:00 UTC, the digest around 00:30 UTC on Mondays."""
    return {
        **{schedule.setting: "off" for schedule in schedules.SCHEDULES},
        "TRACKER_SCHEDULE_PURGE": f"hourly :{(now.minute + 30) % 60:02d}",
    }


@pytest.fixture(params=["sqlite", "redis"])
def queue_app(request, database_url: str, engine: Engine, seed_rows: dict, tmp_path: Path) -> Iterator[Flask]:
    """The app with a worker's queue: a SQLite file, or Redis database 9 under a fresh queue name."""
    if request.param == "redis":
        try:
            redis.Redis.from_url(REDIS_URL).ping()
        except redis.ConnectionError:
            pytest.fail("Redis is not answering at 127.0.0.1:6379 (start it: redis-server --daemonize yes)")
    reset_database(engine, seed_rows)
    url = REDIS_URL if request.param == "redis" else f"sqlite:///{tmp_path / 'queue.sqlite'}"
    config: dict[str, Any] = {
        "DATABASE_URL": database_url,
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
        "SECRET_KEY": "test",
        "TRACKER_JOBS_URL": url,
        "TRACKER_JOBS_QUEUE": f"tracker-schedules-{uuid.uuid4().hex}",
        "TRACKER_JOBS_DIR": str(tmp_path / "results"),
        "TRACKER_IMPORT_DIR": str(tmp_path / "imports"),
        **schedule_settings(utcnow()),
    }
    app = create_app(config)
    yield app
    app.extensions["tracker.jobs"].huey.flush()
    app.extensions["tracker.engine"].dispose()


def finished_runs(engine: Engine):
    """A condition: every recorded run has finished."""
    return lambda: (found := runs(engine)) and all(run.finished_at for run in found)


def test_run_now_is_done_by_the_worker(queue_app, engine, make_user):
    with queue_app.app_context():
        admin = make_user(UserRole.ADMIN)
    client = sign_in_client(queue_app.test_client(), admin)
    with running_worker(queue_app):
        assert client.post("/admin/schedules/purge/run").status_code == 302
        wait_for(finished_runs(engine), "the Run now to finish")
    [run] = runs(engine)
    assert run.state == ScheduleRunState.DONE, run.error
    assert run.result == {"uploads": 0, "results": 0, "runs": 0}
    assert "Done: Import uploads deleted: 0" in row_of(client.get("/admin/schedules").get_data(as_text=True), "purge")


def scheduled(huey: Huey, moment: datetime) -> list[str]:
    """The schedules Huey's scheduler finds due at that (UTC) minute (the minute's housekeeping aside)."""
    due = huey.read_periodic(moment.replace(tzinfo=None))
    return [task.name for task in due if task.name.startswith("tracker.schedule.")]


PURGE = "tracker.schedule.purge"
MONDAY = datetime(2026, 12, 7, tzinfo=UTC)  # the digest's day: Monday 07:00 in Jakarta is 00:00 UTC


def test_the_queue_apps_purge_is_alone_in_its_slot_whenever_the_test_starts():
    # The queue app's settings at every minute of a week, read as the app reads them at start and checked as Huey's
    # scheduler checks them (tracker/schedules.py `due_check`): the purge alone is due in its slot, nothing in the
    # minute after. The CI failure: started at 11:09 UTC, the feeds' default :40 came right after the purge's :39.
    crowded = []
    for minutes in range(7 * 24 * 60):
        now = MONDAY + timedelta(minutes=minutes)
        config = {**CADENCE_DEFAULTS, "BABEL_DEFAULT_TIMEZONE": "Asia/Jakarta", "TRACKER_BACKUP_KEEP": 1}
        config.update(schedule_settings(now))
        check_schedule_settings(config)
        where, cadences = config["TRACKER_ZONE"], config["TRACKER_CADENCES"]
        slot = cadence.last_run(cadences["TRACKER_SCHEDULE_PURGE"], now, where)
        due = [
            (setting, moment)
            for moment in (slot, slot + timedelta(minutes=1))
            for setting, when in cadences.items()
            if when is not None and cadence.is_due(when, moment, where)
        ]
        if due != [("TRACKER_SCHEDULE_PURGE", slot)]:
            crowded.append((now.strftime("%a %H:%M"), due))
    assert crowded == []


def test_a_slot_fired_by_two_workers_schedulers_runs_once(queue_app, engine):
    huey = queue_app.extensions["tracker.jobs"].huey
    zone = queue_app.config["TRACKER_ZONE"]
    when = queue_app.config["TRACKER_CADENCES"]["TRACKER_SCHEDULE_PURGE"]
    with queue_app.app_context():
        slot = schedules.cadence.last_run(when, utcnow(), zone)
    # What each worker's scheduler does at that minute: Huey asks with a naive UTC time, enqueues what is due.
    assert scheduled(huey, slot) == [PURGE]
    assert scheduled(huey, slot + timedelta(minutes=1)) == []
    for _scheduler in range(2):
        for task in huey.read_periodic(slot.replace(tzinfo=None)):
            if task.name.startswith("tracker.schedule."):
                huey.enqueue(task)
    with running_worker(queue_app):
        wait_for(lambda: len(huey) == 0 and finished_runs(engine)(), "both tasks to be taken and the run to finish")
    [run] = runs(engine)
    assert run.state == ScheduleRunState.DONE and run.slot == schedules.slot_of(slot)
