"""Schedules: periodic work the jobs worker does — the weekly digest, the nightly SQLite backup, re-checking sources,
reading the news feeds into the inbox, purging old uploads and job results — each recorded as a `schedule_run` the
admin page shows (/admin/schedules).

Each schedule is a Huey periodic task on the app's queue (tracker/jobs.py); its cadence comes from the environment
(TRACKER_SCHEDULE_<NAME>, read by tracker/config.py, in TRACKER_TIMEZONE: tracker/cadence.py). Every worker's
scheduler fires it — on Redis, workers on several machines — so a run first claims its slot (the scheduled minute)
with a row unique per schedule and slot: one worker runs it, the others find the slot taken and do nothing. A
partial unique index allows one running row per schedule, so a run still going when the next slot comes makes the
next a "skipped" row instead of a second run at once. A running run writes a heartbeat; one whose heartbeat stopped
(its worker died) is marked failed by the next claim. "Run now" (the admin page) adds a queued row for a slot of its
own and hands its id to the queue, like a job.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app
from sqlalchemy import delete, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from tracker import cadence, inbox, recheck
from tracker.backup import backup_documents, backup_sqlite, dated_path, documents_target, prune_backups, sqlite_path
from tracker.clock import local_today
from tracker.digest import build_digests
from tracker.http.documents import documents_folder
from tracker.i18n import _
from tracker.importing.storage import sweep
from tracker.jobs import job_session, purge_results
from tracker.mail import Delivery, SmtpSettings, send_messages, sender_address
from tracker.models import ScheduleRun, ScheduleRunState, User, utcnow

if TYPE_CHECKING:
    from huey import Huey
    from huey.api import TaskWrapper

log = logging.getLogger(__name__)

# The error of a run whose worker stopped mid-run (the page says it in the reader's language).
INTERRUPTED = "interrupted"
ERROR_LENGTH = 4000
RUN_NOW_TASK = "tracker.schedule_now"


class PartialFailure(Exception):
    """The work was done in part: what it did (the result) and what failed (the message)."""

    def __init__(self, result: dict[str, Any], message: str) -> None:
        super().__init__(message)
        self.result = result


@dataclass(frozen=True)
class Schedule:
    """A periodic piece of work: its name (the TRACKER_SCHEDULE_<NAME> setting), what it does, the work itself, and
    why it cannot run on this installation, if it cannot."""

    name: str
    title: object
    description: object
    work: Callable[[], dict[str, Any]]
    unavailable: Callable[[], object | None]

    @property
    def setting(self) -> str:
        """The environment variable of its cadence."""
        return f"TRACKER_SCHEDULE_{self.name.upper()}"


# --- the work ---------------------------------------------------------------------------------------


def send_digests() -> dict[str, Any]:
    """E-mail each opted-in user their digest as of today, as `flask send-digest` does."""
    settings = SmtpSettings.from_config(current_app.config)
    day = local_today()
    run = build_digests(current_app._get_current_object(), day, settings.sender)
    delivery = send_messages(settings, [digest.message for digest in run.digests]) if run.digests else Delivery()
    failed = [*run.unaddressable, *delivery.failed]
    result = {"as_of": day.isoformat(), "sent": len(delivery.sent), "quiet": run.quiet, "failed": len(failed)}
    if failed:
        raise PartialFailure(result, "; ".join(f"{email}: {reason}" for email, reason in failed))
    return result


def digest_unavailable() -> object | None:
    """Why the digest cannot be sent here: no sender address."""
    if sender_address(current_app.config.get("TRACKER_MAIL_FROM") or ""):
        return None
    return _("Not applicable: no sender address is set (TRACKER_MAIL_FROM), so no e-mail can be sent.")


def backup_dir() -> Path:
    """Where the nightly backups go (TRACKER_BACKUP_DIR, default instance/backups)."""
    return Path(current_app.config["TRACKER_BACKUP_DIR"] or Path(current_app.instance_path) / "backups")


def back_up() -> dict[str, Any]:
    """Back up the SQLite database into the backup folder under a dated name, and the documents beside it; keep the
    newest TRACKER_BACKUP_KEEP backups (the documents' folder is shared by them all)."""
    folder = backup_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)  # the copies hold password hashes
    target, documents = dated_path(folder), documents_folder()
    copies = documents_target(target, documents)
    made = backup_sqlite(sqlite_path(make_url(current_app.config["DATABASE_URL"])), target)
    copied = backup_documents(documents, copies)
    deleted = prune_backups(folder, current_app.config["TRACKER_BACKUP_KEEP"])
    result = {"file": made.path.name, "size": made.size, "deleted": len(deleted), "documents": copied.copied}
    if copied.damaged:
        raise PartialFailure(result, copied.summary())
    return result


def backup_unavailable() -> object | None:
    """Why this installation is not backed up here: PostgreSQL is backed up with its own tools."""
    if make_url(current_app.config["DATABASE_URL"]).get_backend_name() == "sqlite":
        return None
    return _(
        "Not applicable: the database is PostgreSQL. Back it up with pg_dump "
        "(`flask --app app backup` prints the commands)."
    )


def purge() -> dict[str, Any]:
    """Delete import uploads past their age, job results past TRACKER_JOBS_KEEP_HOURS and old runs' records."""
    config = current_app.config
    uploads = Path(config["TRACKER_IMPORT_DIR"] or Path(current_app.instance_path) / "imports")
    now = utcnow()
    with job_session() as session, session.begin():
        results = purge_results(session, now - timedelta(hours=config["TRACKER_JOBS_KEEP_HOURS"]))
        old_runs = delete(ScheduleRun).where(
            ScheduleRun.finished_at < now - timedelta(days=config["TRACKER_RUNS_KEEP_DAYS"])
        )
        runs = session.execute(old_runs).rowcount
    swept = sweep(uploads, config["TRACKER_IMPORT_MAX_AGE"].total_seconds())
    return {"uploads": swept, "results": len(results), "runs": runs}


def always() -> None:
    """Runs on every installation."""
    return None


SCHEDULES = (
    Schedule(
        "digest",
        _("Weekly digest"),
        _("E-mails each opted-in user the agreements ending soon and their own follow-up work."),
        send_digests,
        digest_unavailable,
    ),
    Schedule(
        "backup",
        _("Nightly backup"),
        _("Copies the SQLite database into the backup folder and keeps the newest backups."),
        back_up,
        backup_unavailable,
    ),
    Schedule(
        "recheck",
        _("Re-check sources"),
        _("Fetches the pages of sources not checked for a while and keeps a new snapshot when the text changed."),
        recheck.recheck_sources,
        always,
    ),
    Schedule(
        "feeds",
        _("News feeds"),
        _("Reads the news feeds and files their new items about recorded parties and agreements in the inbox."),
        inbox.fetch_feeds,
        always,
    ),
    Schedule(
        "purge",
        _("Clean-up"),
        _("Deletes old import uploads, job results past their time and old records of these runs."),
        purge,
        always,
    ),
)
BY_NAME = {schedule.name: schedule for schedule in SCHEDULES}


# --- on the queue -----------------------------------------------------------------------------------


def init_app(app: Flask) -> None:
    """Have the app's queue, when it is built (tracker/jobs.py `Runner`), carry the schedules' tasks."""
    app.extensions["tracker.jobs"].on_build.append(register)


def register(app: Flask, huey: Huey) -> None:
    """Register each schedule that is not off as a periodic task on the app's queue, and the Run now task."""
    where = app.config["TRACKER_ZONE"]
    for schedule in SCHEDULES:
        when = cadence_of(app, schedule)
        if when is not None:
            name = f"tracker.schedule.{schedule.name}"
            huey.periodic_task(due_check(when, where), name=name)(in_app(app, run_due, schedule.name))
    app.extensions["tracker.schedules"] = huey.task(name=RUN_NOW_TASK)(in_app(app, run_requested))


def cadence_of(app: Flask, schedule: Schedule) -> cadence.Cadence | None:
    """The schedule's cadence (None: off), as read at start."""
    return app.config["TRACKER_CADENCES"][schedule.setting]


def due_check(when: cadence.Cadence, where: Any) -> Callable[[datetime], bool]:
    """Huey's periodic check for the cadence: is this (naive UTC) minute one of its runs?"""
    return lambda moment: cadence.is_due(when, moment, where)


def in_app(app: Flask, function: Callable[..., Any], *bound: Any) -> Callable[..., None]:
    """The function, run by the worker inside the app's context."""

    def task(*args: Any) -> None:
        with app.app_context():
            function(*bound, *args)

    return task


def run_now_task() -> TaskWrapper:
    """The queue's Run now task."""
    current_app.extensions["tracker.jobs"].build()  # registers the task (`register`) the first time
    return current_app.extensions["tracker.schedules"]


# --- claiming and recording runs ----------------------------------------------------------------------


def slot_of(moment: datetime) -> str:
    """A scheduled run's slot: its minute in UTC."""
    return moment.strftime("%Y-%m-%dT%H:%MZ")


def run_due(name: str, now: datetime | None = None) -> int | None:
    """The periodic task: run the schedule for the slot `now` falls in, unless that slot ran (or runs) elsewhere or
    the schedule cannot run here; the run's id, if this call ran it."""
    schedule = BY_NAME[name]
    when = cadence_of(current_app, schedule)
    if when is None or schedule.unavailable() is not None:
        return None
    slot = slot_of(cadence.last_run(when, now or utcnow(), current_app.config["TRACKER_ZONE"]))
    run_id = claim(name, slot)
    if run_id is not None:
        perform(schedule, run_id)
    return run_id


def claim(name: str, slot: str) -> int | None:
    """A running run of the schedule for the slot; None when the slot is taken, or (recorded as skipped) while
    another run of the schedule is still going."""
    now = utcnow()
    with job_session() as session, session.begin():
        for _attempt in range(2):
            run = ScheduleRun(
                schedule=name, slot=slot, state=ScheduleRunState.RUNNING, started_at=now, heartbeat_at=now
            )
            if added(session, run):
                return run.id
            if session.scalar(select(ScheduleRun.id).where(ScheduleRun.schedule == name, ScheduleRun.slot == slot)):
                return None  # another worker took this slot
            if not interrupt_stale(session, name):
                break
        skipped = ScheduleRun(schedule=name, slot=slot, state=ScheduleRunState.SKIPPED, started_at=now, finished_at=now)
        added(session, skipped)  # another worker may have recorded the same skip
    return None


def added(session: Session, run: ScheduleRun) -> bool:
    """Insert the run in a savepoint; False when a unique constraint refuses it."""
    try:
        with session.begin_nested():
            session.add(run)
    except IntegrityError:
        return False
    return True


def interrupt_stale(session: Session, name: str) -> bool:
    """Mark failed the schedule's running run whose heartbeat stopped (its worker died); whether there was one."""
    heard_before = utcnow() - timedelta(seconds=current_app.config["TRACKER_JOBS_STALE_SECONDS"])
    statement = (
        update(ScheduleRun)
        .where(
            ScheduleRun.schedule == name,
            ScheduleRun.state == ScheduleRunState.RUNNING,
            ScheduleRun.heartbeat_at < heard_before,
        )
        .values(state=ScheduleRunState.FAILED, error=INTERRUPTED, finished_at=utcnow())
    )
    interrupted = session.execute(statement).rowcount
    if interrupted:
        log.warning("Schedule %s: a run lost its worker; marked failed", name)
    return bool(interrupted)


def request_run(session: Session, name: str, user: User) -> ScheduleRun:
    """A queued Run now of the schedule, for a slot of its own; the caller commits, then calls `enqueue_run`."""
    run = ScheduleRun(
        schedule=name, slot=f"now-{uuid.uuid4().hex[:16]}", state=ScheduleRunState.QUEUED, requested_by=user
    )
    session.add(run)
    session.flush()
    return run


def enqueue_run(run: ScheduleRun) -> None:
    """Hand the committed Run now to the queue."""
    run_now_task()(run.id)


def run_requested(run_id: int) -> None:
    """The Run now task: start the queued run unless another run of the schedule is going, and do the work."""
    with job_session() as session:
        run = session.get(ScheduleRun, run_id)
    if run is None or run.state != ScheduleRunState.QUEUED:
        return  # delivered twice, or gone
    if start(run):
        perform(BY_NAME[run.schedule], run_id)


def start(run: ScheduleRun) -> bool:
    """Mark the queued run running; when another run of its schedule is going, mark it skipped instead."""
    now = utcnow()
    with job_session() as session, session.begin():
        interrupt_stale(session, run.schedule)
        try:
            with session.begin_nested():
                started = session.execute(
                    update(ScheduleRun)
                    .where(ScheduleRun.id == run.id, ScheduleRun.state == ScheduleRunState.QUEUED)
                    .values(state=ScheduleRunState.RUNNING, started_at=now, heartbeat_at=now)
                ).rowcount
        except IntegrityError:  # the one running row a schedule may have is taken
            session.execute(
                update(ScheduleRun)
                .where(ScheduleRun.id == run.id)
                .values(state=ScheduleRunState.SKIPPED, started_at=now, finished_at=now)
            )
            return False
    return started == 1


def perform(schedule: Schedule, run_id: int) -> None:
    """Do the schedule's work for the claimed run, with a heartbeat, and record how it ended."""
    with heartbeat(run_id):
        try:
            result = schedule.work()
        except PartialFailure as failure:
            finish(run_id, ScheduleRunState.FAILED, failure.result, str(failure))
        except Exception as error:
            log.exception("Schedule %s failed", schedule.name)
            finish(run_id, ScheduleRunState.FAILED, {}, str(error) or type(error).__name__)
        else:
            finish(run_id, ScheduleRunState.DONE, result, "")


def finish(run_id: int, state: ScheduleRunState, result: dict[str, Any], error: str) -> None:
    """Record how the run ended."""
    with job_session() as session, session.begin():
        session.execute(
            update(ScheduleRun)
            .where(ScheduleRun.id == run_id)
            .values(state=state, result=result, error=error[:ERROR_LENGTH], finished_at=utcnow())
        )


@contextmanager
def heartbeat(run_id: int) -> Iterator[None]:
    """Write the run's heartbeat every quarter of TRACKER_JOBS_STALE_SECONDS while the block runs."""
    app = current_app._get_current_object()
    stop = threading.Event()
    seconds = max(1.0, app.config["TRACKER_JOBS_STALE_SECONDS"] / 4)

    def beat() -> None:
        with app.app_context():
            while not stop.wait(seconds):
                try:
                    with job_session() as session, session.begin():
                        session.execute(
                            update(ScheduleRun).where(ScheduleRun.id == run_id).values(heartbeat_at=utcnow())
                        )
                except SQLAlchemyError:  # a busy database now and then must not end the run
                    log.warning("Schedule run %s: heartbeat not written", run_id, exc_info=True)

    thread = threading.Thread(target=beat, name=f"schedule-run-{run_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
