"""The schedules' work for real, each as its periodic task runs it (tracker/schedules.py): the nightly SQLite backup
with its retention, the weekly digest to a real SMTP server, re-checking sources against a local web server (a page
that changed, one unchanged, one gone), the purge; and the claims: one run per slot, however many workers fire it,
a run still going is not overlapped, a run whose worker died is marked failed.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.cli.test_digest import SENDER, Mailbox, free_port, mailbox  # noqa: F401 (the real SMTP server fixture)
from tests.conftest import postgres_url
from tests.document_support import mou_pdf
from tests.web.test_jobs import wait_for
from tracker import schedules
from tracker.documents import store
from tracker.importing.storage import save_upload
from tracker.jobs import create_job
from tracker.models import (
    JobState,
    ScheduleRun,
    ScheduleRunState,
    Source,
    SourceCheck,
    SourceSnapshot,
    UserRole,
    utcnow,
)
from tracker.services.archive import archive

ON_POSTGRES = bool(postgres_url())
PAGES = Path(__file__).parents[1] / "fixtures" / "pages"
MONDAY_7_DEC_0700_WIB = datetime.fromisoformat("2026-12-07T00:00:00+00:00")


def runs(engine: Engine, schedule: str | None = None) -> list[ScheduleRun]:
    """The recorded runs, oldest first."""
    statement = select(ScheduleRun).order_by(ScheduleRun.id)
    if schedule:
        statement = statement.where(ScheduleRun.schedule == schedule)
    with Session(engine) as session:
        return list(session.scalars(statement))


def run_due(app: Flask, name: str, now: datetime | None = None) -> int | None:
    """The schedule's periodic task, as the worker runs it."""
    with app.app_context():
        return schedules.run_due(name, now)


# --- backup ----------------------------------------------------------------------------------------


@pytest.mark.skipif(ON_POSTGRES, reason="the backup schedule backs up SQLite; PostgreSQL has its own test below")
def test_the_nightly_backup_writes_a_dated_copy_and_keeps_the_newest(app, engine, make_agreement, tmp_path):
    make_agreement(title="Kerja sama pengembangan teknologi dengan AITEC", end="2018")
    folder = tmp_path / "backups"
    folder.mkdir()
    old = [folder / f"tracker-2026-11-0{day}T193000Z.db" for day in (1, 2, 3)]
    for path in old:
        path.write_bytes(b"an older backup")
    (folder / "notes.txt").write_text("not a backup: never deleted")
    app.config.update(TRACKER_BACKUP_DIR=str(folder), TRACKER_BACKUP_KEEP=2)
    signed = mou_pdf()
    kept = store(Path(app.config["TRACKER_DOCUMENTS_DIR"]), signed, hashlib.sha256(signed).hexdigest())

    run_id = run_due(app, "backup")

    [run] = runs(engine, "backup")
    assert (run.id, run.state, run.error, run.result["deleted"]) == (run_id, ScheduleRunState.DONE, "", 2)
    assert sorted(path.name for path in folder.iterdir()) == sorted(
        [old[2].name, run.result["file"], "notes.txt", "documents"]
    )
    assert run.result["documents"] == 1
    assert (folder / "documents" / kept.parent.name / kept.name).read_bytes() == signed
    with sqlite3.connect(folder / run.result["file"]) as copy:
        assert copy.execute("SELECT title FROM agreement").fetchall() == [
            ("Kerja sama pengembangan teknologi dengan AITEC",)
        ]
    assert run.result["size"] == (folder / run.result["file"]).stat().st_size
    assert run.slot.endswith(":30Z")  # 02:30 in Jakarta is 19:30 UTC


@pytest.mark.skipif(not ON_POSTGRES, reason="on PostgreSQL only")
def test_on_postgresql_the_backup_schedule_runs_nothing_and_says_why(app, engine, tmp_path):
    app.config["TRACKER_BACKUP_DIR"] = str(tmp_path / "backups")
    assert run_due(app, "backup") is None
    assert runs(engine) == [] and not (tmp_path / "backups").exists()
    with app.test_request_context():
        assert "use pg_dump" in str(schedules.BY_NAME["backup"].unavailable()).replace("Back it up with", "use")


# --- digest ----------------------------------------------------------------------------------------


@pytest.fixture
def ending_soon(make_user, make_agreement) -> None:
    """An agreement ending in two months, an opted-in reader and one who opted out."""
    make_agreement(title="MoU kendaraan listrik — EV cooperation", end=(date.today() + timedelta(days=60)).isoformat())
    reader = make_user(UserRole.VIEWER, email="siti.rahayu@kemenperin.example")
    reader.digest_opt_in, reader.digest_months = True, 12
    make_user(UserRole.EDITOR, email="budi@kemenperin.example")


def test_the_weekly_digest_mails_the_opted_in_users(app, engine, session, ending_soon, mailbox: Mailbox):  # noqa: F811
    session.commit()
    run_due(app, "digest", MONDAY_7_DEC_0700_WIB + timedelta(minutes=1))
    [run] = runs(engine, "digest")
    assert run.state == ScheduleRunState.DONE, run.error
    assert run.slot == "2026-12-07T00:00Z"  # Monday 07:00 in Jakarta
    assert (run.result["sent"], run.result["failed"]) == (1, 0)
    assert list(mailbox.messages()) == ["siti.rahayu@kemenperin.example"]  # the other user did not opt in
    message = mailbox.messages()["siti.rahayu@kemenperin.example"]
    assert message["From"] == SENDER and "MoU kendaraan listrik" in message.get_body(("plain",)).get_content()


def test_a_digest_the_mail_server_refuses_is_a_failed_run_with_the_reason(app, engine, session, ending_soon):
    session.commit()
    app.config.update(TRACKER_SMTP_HOST="127.0.0.1", TRACKER_SMTP_PORT=free_port(), TRACKER_MAIL_FROM=SENDER)
    run_due(app, "digest")
    [run] = runs(engine, "digest")
    assert run.state == ScheduleRunState.FAILED and "127.0.0.1" in run.error


def test_without_a_sender_the_digest_schedule_does_not_run(app, engine):
    app.config["TRACKER_MAIL_FROM"] = ""
    assert run_due(app, "digest") is None and runs(engine) == []


# --- re-checking sources ---------------------------------------------------------------------------


class Site:
    """A local news site whose pages the test changes: path -> HTML; any other path is a 404."""

    def __init__(self) -> None:
        self.pages: dict[str, bytes] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = site.pages.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                """Quiet."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def site(app) -> Iterator[Site]:
    """The local site, which the app is allowed to fetch from."""
    site = Site()
    thread = threading.Thread(target=site.server.serve_forever, daemon=True)
    thread.start()
    app.config.update(
        TRACKER_FETCH_PORTS=f"80,443,{site.server.server_address[1]}", TRACKER_FETCH_ALLOWED_NETWORKS="127.0.0.1/32"
    )
    yield site
    site.server.shutdown()
    site.server.server_close()


def page(name: str) -> bytes:
    """A saved news page."""
    return (PAGES / name).read_bytes()


def checks(engine: Engine) -> list[tuple[str, str, str]]:
    """(source title, outcome, the msgid of why) of every check, in order."""
    with Session(engine) as session:
        rows = session.execute(
            select(Source.title, SourceCheck.outcome, SourceCheck.message)
            .join(Source, Source.id == SourceCheck.source_id)
            .order_by(SourceCheck.id)
        )
        return [(title, outcome.value, (message or {}).get("msgid", "")) for title, outcome, message in rows]


def snapshot_count(engine: Engine, title: str) -> int:
    """How many snapshots the source has."""
    with Session(engine) as session:
        statement = select(SourceSnapshot).join(Source).where(Source.title == title)
        return len(session.scalars(statement).all())


def test_rechecking_keeps_a_snapshot_when_a_page_changed_and_notes_a_page_that_is_gone(
    app, engine, make_source, site, session
):
    site.pages = {"/kerja-sama": page("tirto_aitec.html"), "/siaran-pers": page("antara_en_aitec.html")}
    make_source(title="Kerja sama teknologi", url=f"{site.url}/kerja-sama")
    make_source(title="Siaran pers", url=f"{site.url}/siaran-pers")
    make_source(title="Berita yang dihapus", url=f"{site.url}/dihapus")
    make_source(title="Dokumen cetak", url=None)  # nothing to fetch
    archived = make_source(title="Arsip", url=f"{site.url}/kerja-sama-lama")
    archive(session, archived)
    session.commit()

    run_due(app, "recheck")
    first = runs(engine, "recheck")[-1]
    assert first.state == ScheduleRunState.DONE, first.error
    assert first.result == {"checked": 3, "unchanged": 0, "changed": 2, "moved": 0, "gone": 1, "failing": 0, "due": 0}
    gone = [check for check in checks(engine) if check[0] == "Berita yang dihapus"]
    assert gone[0][1] == "gone" and "404" in gone[0][2]

    # A week later (checked "more than 0 days ago"): one page changed, one is the same, one still gone.
    site.pages["/kerja-sama"] = page("antara_en_aitec.html")
    app.config["TRACKER_RECHECK_DAYS"] = 0
    with app.app_context():
        schedules.perform(schedules.BY_NAME["recheck"], claim_now(app, "recheck"))
    second = runs(engine, "recheck")[-1]
    assert second.result == {"checked": 3, "unchanged": 1, "changed": 1, "moved": 0, "gone": 1, "failing": 0, "due": 0}
    assert snapshot_count(engine, "Kerja sama teknologi") == 2
    assert snapshot_count(engine, "Siaran pers") == 1
    assert {check[0] for check in checks(engine)} == {"Kerja sama teknologi", "Siaran pers", "Berita yang dihapus"}


def claim_now(app: Flask, name: str) -> int:
    """Claim a run of the schedule for a slot of its own (the slot of a run asked for now)."""
    with app.app_context():
        run_id = schedules.claim(name, f"test-{time.monotonic_ns()}")
    assert run_id is not None
    return run_id


def test_a_recheck_run_takes_at_most_a_batch_the_longest_unchecked_first(app, engine, make_source, site, session):
    site.pages = {f"/berita-{n}": page("tirto_aitec.html") for n in range(3)}
    sources = [make_source(title=f"Berita {n}", url=f"{site.url}/berita-{n}") for n in range(3)]
    # "Berita 0" was fetched recently: not due.
    session.add(SourceSnapshot(source=sources[0], method="fetch", text="lama", content_hash="x" * 64))
    session.commit()
    app.config["TRACKER_RECHECK_BATCH"] = 1
    run_due(app, "recheck")
    result = {"checked": 1, "unchanged": 0, "changed": 1, "moved": 0, "gone": 0, "failing": 0, "due": 1}
    assert runs(engine, "recheck")[-1].result == result
    assert [check[0] for check in checks(engine)] == ["Berita 1"]


# --- purge -----------------------------------------------------------------------------------------


def test_the_purge_deletes_old_uploads_expired_job_results_and_old_run_records(app, engine, session, make_user):
    app.config["TRACKER_IMPORT_DIR"] = str(Path(app.config["TRACKER_JOBS_DIR"]).parent / "imports")
    uploads = Path(app.config["TRACKER_IMPORT_DIR"])
    old_token = save_upload(uploads, 1, "daftar kerja sama 2016.xlsx", b"old")
    fresh_token = save_upload(uploads, 1, "daftar kerja sama 2026.xlsx", b"fresh")
    long_ago = time.time() - 3 * 3600
    os.utime(uploads / f"{old_token}.bin", (long_ago, long_ago))
    job = create_job(session, make_user(UserRole.ADMIN), "agreement_export", {"query": "", "format": "csv"})
    job.state, job.result_path, job.finished_at = (
        JobState.DONE,
        f"{job.id}/perjanjian.csv",
        utcnow() - timedelta(days=2),
    )
    result_file = Path(app.config["TRACKER_JOBS_DIR"]) / job.result_path
    result_file.parent.mkdir(parents=True)
    result_file.write_text("judul\n")
    add_run(session, "backup", ScheduleRunState.DONE, utcnow() - timedelta(days=200), took=timedelta(0))

    run_due(app, "purge")

    run = runs(engine, "purge")[-1]
    assert run.state == ScheduleRunState.DONE, run.error
    assert run.result == {"uploads": 1, "results": 1, "runs": 1}
    assert sorted(path.stem for path in uploads.glob("*.bin")) == [fresh_token]
    assert not result_file.exists()
    assert [old.schedule for old in runs(engine)] == ["purge"]


# --- claims ----------------------------------------------------------------------------------------


def test_a_slot_runs_once_however_often_it_is_fired(app, engine):
    now = datetime(2026, 12, 6, 10, 20, tzinfo=UTC)  # in the slot of 10:15 (hourly :15), whatever the clock says
    assert run_due(app, "purge", now) is not None
    assert run_due(app, "purge", now + timedelta(seconds=50)) is None  # a second worker, a minute later
    assert [run.state for run in runs(engine)] == [ScheduleRunState.DONE]


def test_workers_firing_the_same_slot_at_once_run_it_once(app, engine):
    barrier = threading.Barrier(4)
    claimed: list[int | None] = []

    def fire() -> None:
        with app.app_context():
            barrier.wait()
            claimed.append(schedules.claim("recheck", "2026-12-06T20:30Z"))

    threads = [threading.Thread(target=fire) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len([run_id for run_id in claimed if run_id is not None]) == 1
    assert [(run.slot, run.state) for run in runs(engine)] == [("2026-12-06T20:30Z", ScheduleRunState.RUNNING)]


def add_run(
    session,
    name: str,
    state: ScheduleRunState,
    started: datetime,
    took: timedelta | None = None,
    error: str = "",
    slot: str | None = None,
) -> ScheduleRun:
    """A recorded run of the schedule started at `started` (its heartbeat last written then), finished `took` later;
    for the slot of `started` unless `slot` names another."""
    run = ScheduleRun(
        schedule=name,
        slot=slot or schedules.slot_of(started),
        state=state,
        started_at=started,
        heartbeat_at=started,
        finished_at=started + took if took is not None else None,
        result={},
        error=error,
    )
    session.add(run)
    session.commit()
    return run


def add_running(session, name: str, heard: datetime, slot: str | None = None) -> ScheduleRun:
    """A run of the schedule going on since `heard`, its heartbeat last written then."""
    return add_run(session, name, ScheduleRunState.RUNNING, heard, slot=slot)


def test_a_run_still_going_is_not_overlapped_the_next_slot_is_recorded_skipped(app, engine, session):
    # Heard from just now, for a slot two hours back: at :15 (purge runs "hourly :15") the slot of now would be the
    # due slot itself, taken rather than skipped.
    going = add_running(session, "purge", utcnow(), slot=schedules.slot_of(utcnow() - timedelta(hours=2)))
    assert run_due(app, "purge") is None
    states = [(run.id == going.id, run.state) for run in runs(engine)]
    assert states == [(True, ScheduleRunState.RUNNING), (False, ScheduleRunState.SKIPPED)]


def test_a_run_whose_worker_died_is_marked_failed_and_the_next_slot_runs(app, engine, session):
    dead = add_running(session, "purge", utcnow() - timedelta(hours=1))
    assert run_due(app, "purge") is not None
    [old, new] = runs(engine)
    assert (old.id, old.state, old.error) == (dead.id, ScheduleRunState.FAILED, schedules.INTERRUPTED)
    assert new.state == ScheduleRunState.DONE


def test_run_now_while_a_run_is_going_is_recorded_skipped(app, engine, session, make_user):
    add_running(session, "recheck", utcnow())
    with app.app_context():
        requested = schedules.request_run(session, "recheck", make_user(UserRole.ADMIN))
        session.commit()
        schedules.run_requested(requested.id)
    assert [run.state for run in runs(engine)] == [ScheduleRunState.RUNNING, ScheduleRunState.SKIPPED]


def test_a_run_that_raises_is_recorded_failed_with_its_error(app, engine, tmp_path):
    if ON_POSTGRES:
        pytest.skip("the backup runs on SQLite")
    blocker = tmp_path / "a file, not a folder"
    blocker.write_text("")
    app.config["TRACKER_BACKUP_DIR"] = str(blocker)
    run_due(app, "backup")
    [run] = runs(engine)
    assert run.state == ScheduleRunState.FAILED and "File exists" in run.error
    assert run.finished_at is not None


def test_a_run_writes_its_heartbeat_while_it_works(app, engine):
    app.config["TRACKER_JOBS_STALE_SECONDS"] = 4  # a heartbeat every second
    run_id = claim_now(app, "purge")
    [started] = runs(engine)

    def work() -> dict[str, int]:
        """Work that lasts until its heartbeat has been written again."""
        wait_for(lambda: runs(engine)[0].heartbeat_at > started.heartbeat_at, "a heartbeat during the run")
        return {"uploads": 0, "results": 0, "runs": 0}

    slow = schedules.Schedule("purge", "Clean-up", "", work, schedules.always)
    with app.app_context():
        schedules.perform(slow, run_id)
    [run] = runs(engine)
    assert run.state == ScheduleRunState.DONE and run.heartbeat_at > started.heartbeat_at
