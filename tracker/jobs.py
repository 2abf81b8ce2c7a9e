"""Background jobs: long work (a large export or import, a source fetched again, the digest on demand) done by a
worker process, its progress written to the `job` table.

The queue is Huey's: a SQLite file in the instance folder by default (nothing to install), or Redis when
TRACKER_JOBS_URL is `redis://…` (several machines). The queue only carries "run job 42"; what the user sees — state,
progress, result, error — is the job's row, written by the job as it goes in transactions of its own, so pages read
it from the database whatever the queue. The work's own output is all-or-nothing: a file is written under a
temporary name and renamed once complete; work that writes the database does it in one transaction with its "done"
(`finish_in`). A worker killed mid-job leaves its job "running" with a heartbeat that
stops; a worker that finds such a job (at start, and every minute) marks it failed.

A job that writes the database in one long transaction (a web import) cannot write its progress to its row on
SQLite: the import holds the database's only write lock until it commits, so a progress transaction beside it would
wait for it and fail. On SQLite such a job keeps its progress, and so its heartbeat, in a small file in its jobs
folder (`progress.json`, replaced whole at each step; its modification time is the heartbeat), which the pages read
and the stale-job check honours. SQLite's database and the jobs folder are on the same machine by nature, so the
file is as visible as the row would be; on PostgreSQL the row is written as for any other job. Such a job records
its outcome (state done, result) in its own transaction, so its data and "done" are committed together or not at all.

A queued job whose message the queue lost (Redis flushed, a SQLite queue file deleted, a crash between the commit
and the hand-over) would wait forever: housekeeping sends a job that has waited TRACKER_JOBS_LOST_MINUTES without
being in the queue once more (its `heartbeat_at` notes when), and marks it failed ("the queue lost this job") if it
is missing again as long after.

Workers: `flask --app app jobs-worker` (tracker/cli/jobs.py); `make run` starts one beside the development server.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from tracker import faults
from tracker.models import Job, JobState, User, utcnow

if TYPE_CHECKING:
    from huey import Huey
    from huey.api import TaskWrapper

log = logging.getLogger(__name__)

# Failure codes kept in Job.message; the pages say them in the user's language (tracker/web/jobs.py).
INTERRUPTED = "interrupted"
ERROR = "error"
LOST = "lost"
# Progress is written at most every PROGRESS_ROWS rows or PROGRESS_SECONDS, whichever comes first.
PROGRESS_ROWS = 500
PROGRESS_SECONDS = 1.0
PARTIAL = ".partial"
# The running job's progress kept beside its results when its row cannot be written (see the module's docstring).
PROGRESS_FILE = "progress.json"


class Runner:
    """The app's queue and its one task, "run this job", built at first use: importing Huey loads redis and psycopg,
    a tenth of a second of every command's start, and most commands (an export, an import) never touch the queue."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        # Called with (app, queue) as the queue is built: the schedules' periodic tasks (tracker/schedules.py).
        self.on_build: list[Callable[[Flask, Huey], None]] = []
        self._lock = threading.Lock()  # one queue per app, also when two threads enqueue first at once
        self._built: tuple[Huey, TaskWrapper] | None = None

    @property
    def huey(self) -> Huey:
        """The queue (the worker's consumer reads it)."""
        return self.build()[0]

    @property
    def run_task(self) -> TaskWrapper:
        """The task that runs a job."""
        return self.build()[1]

    def build(self) -> tuple[Huey, TaskWrapper]:
        """The queue and its run task, made on the first call."""
        with self._lock:
            if self._built is None:
                self._built = build_queue(self.app, self.on_build)
            return self._built


# kind -> the work: (job, progress) -> the result file's path relative to the jobs folder.
Work = Callable[[Job, "Progress"], str]
KINDS: dict[str, Work] = {}


def kind(name: str) -> Callable[[Work], Work]:
    """Register a kind of job's work."""

    def register(work: Work) -> Work:
        KINDS[name] = work
        return work

    return register


def make_huey(url: str, name: str, instance_path: str) -> Huey:
    """The queue the URL names: Redis for redis://…, else a SQLite file (instance/jobs.sqlite by default)."""
    from huey import RedisHuey, SqliteHuey

    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, url=url, results=False)
    filename = url.removeprefix("sqlite:///") if url else str(Path(instance_path) / "jobs.sqlite")
    Path(filename).parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=filename, results=False)


def init_app(app: Flask) -> None:
    """Attach the queue to the app (made when first used: `Runner`)."""
    app.extensions["tracker.jobs"] = Runner(app)


def build_queue(app: Flask, on_build: Iterable[Callable[[Flask, Huey], None]]) -> tuple[Huey, TaskWrapper]:
    """The app's queue with the task that runs a job, the minute's housekeeping and what `on_build` registers."""
    from huey import crontab

    config = app.config
    huey = make_huey(config["TRACKER_JOBS_URL"], config["TRACKER_JOBS_QUEUE"], app.instance_path)

    def run(job_id: int) -> None:
        with app.app_context():
            run_job(job_id)

    def housekeeping() -> None:
        with app.app_context():
            tidy()

    run_task = huey.task(name="tracker.run_job")(run)
    huey.periodic_task(crontab(minute="*"), name="tracker.housekeeping")(housekeeping)
    for register in on_build:
        register(app, huey)
    return huey, run_task


def jobs_dir() -> Path:
    """Where results are written (TRACKER_JOBS_DIR, default instance/jobs)."""
    return Path(current_app.config["TRACKER_JOBS_DIR"] or Path(current_app.instance_path) / "jobs")


def job_session() -> Session:
    """A session of its own for the job's row: its progress commits without committing the work."""
    factory = current_app.extensions["tracker.sessionmaker"]
    return factory(bind=current_app.extensions["tracker.write_engine"])


def read_session() -> Session:
    """A session that only reads (on SQLite it never waits for the write lock)."""
    return current_app.extensions["tracker.sessionmaker"]()


def progress_file(job_id: int) -> Path:
    """Where a job that holds SQLite's write lock keeps its progress."""
    return jobs_dir() / str(job_id) / PROGRESS_FILE


def live_progress(job: Job) -> tuple[int, int | None]:
    """The running job's steps done and total: from its progress file when it keeps one, else from its row."""
    if job.state == JobState.RUNNING:
        try:
            kept = json.loads(progress_file(job.id).read_text())
            return int(kept["done"]), kept["total"]
        except (OSError, ValueError, KeyError, TypeError):
            pass
    return job.done, job.total


# --- submitting ------------------------------------------------------------------------------------


def create_job(session: Session, user: User, job_kind: str, parameters: dict[str, Any]) -> Job:
    """A queued job for the user; the caller commits, then calls `enqueue` (the worker must find the row)."""
    job = Job(kind=job_kind, parameters=parameters, user=user, state=JobState.QUEUED, done=0, message="")
    session.add(job)
    session.flush()
    return job


def enqueue(job: Job) -> None:
    """Hand the committed job to the queue."""
    send(job.id)


def send(job_id: int) -> None:
    """Put "run job `job_id`" in the queue."""
    current_app.extensions["tracker.jobs"].run_task(job_id)


# --- running ---------------------------------------------------------------------------------------


class Progress:
    """The job's progress, written to its row in its own short transactions (also the heartbeat); or, once `in_file`
    is set (a job holding SQLite's write lock), to its progress file until the job's state changes."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.done = 0
        self.total: int | None = None
        self.since = 0
        self.written_at = 0.0
        self.in_file = False

    def write(self, **values: Any) -> None:
        """Record the progress now: in the row, or for a mere step of a job that keeps a file, in the file.

        On SQLite another job (an import) may hold the write lock for minutes: a step that cannot get it past the
        busy timeout goes to the file, as do the job's later steps; its new state waits for the lock, the file kept
        fresh meanwhile so that the job is not taken for dead.
        """
        if "state" not in values and self.in_file:
            self.write_file()
        elif "state" not in values:
            try:
                self.write_row(values)
            except OperationalError as error:
                if not faults.is_transient(error):
                    raise
                self.in_file = True
                self.write_file()
        else:
            self.write_state(values)
        self.written_at = time.monotonic()
        self.since = 0

    def write_row(self, values: dict[str, Any]) -> None:
        """Update the job's row, with the heartbeat, in a transaction of its own."""
        with job_session() as session, session.begin():
            session.execute(update(Job).where(Job.id == self.job_id).values(heartbeat_at=utcnow(), **values))

    def write_state(self, values: dict[str, Any]) -> None:
        """Write the job's new state (with its last progress, if kept in the file), waiting for the lock if need be."""
        if self.in_file:
            values = {"done": self.done, "total": self.total, **values}
        while True:
            try:
                self.write_row(values)
                break
            except OperationalError as error:
                if not faults.is_transient(error):
                    raise
                log.info("Job %s waits for the database's write lock to record its state", self.job_id)
                self.write_file()
        progress_file(self.job_id).unlink(missing_ok=True)
        with suppress(OSError):  # the folder, if the file was all it held (a failed job's folder is gone)
            progress_file(self.job_id).parent.rmdir()

    def write_file(self) -> None:
        """Replace the progress file whole, so a reader never sees half of it; its new time is the heartbeat."""
        path = progress_file(self.job_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + PARTIAL)
        partial.write_text(json.dumps({"done": self.done, "total": self.total}))
        os.replace(partial, path)

    def start(self, total: int) -> None:
        """The number of steps the work will take."""
        self.total, self.done = total, 0
        self.write(total=total, done=0)

    def step(self, count: int = 1) -> None:
        """`count` more steps done; written when enough rows or time have passed since the last write."""
        self.done += count
        self.since += count
        if self.since >= PROGRESS_ROWS or time.monotonic() - self.written_at >= PROGRESS_SECONDS:
            self.write(done=self.done)

    def counting(self, items: Iterable[Any]) -> Iterator[Any]:
        """The items, each counted as a step done as it is taken."""
        for item in items:
            yield item
            self.step()
        self.write(done=self.done)


def run_job(job_id: int) -> None:
    """Run a queued job: mark it running, do its work, record the result or the failure."""
    if not claim(job_id):
        return
    progress = Progress(job_id)
    with job_session() as session:
        job = session.get(Job, job_id)
    try:
        result = KINDS[job.kind](job, progress)
    except JobTakenAway:
        log.warning("Job %s (%s) was marked failed while it ran; its work was not committed", job_id, job.kind)
        return
    except Exception:
        log.exception("Job %s (%s) failed", job_id, job.kind)
        shutil.rmtree(jobs_dir() / str(job_id), ignore_errors=True)  # nothing half-written is kept
        progress.write(state=JobState.FAILED, message=ERROR, finished_at=utcnow())
        return
    progress.write(state=JobState.DONE, result_path=result, finished_at=utcnow())


def claim(job_id: int) -> bool:
    """Mark a queued job running; False when it is gone or taken (a task delivered twice runs once)."""
    with job_session() as session, session.begin():
        claimed = session.execute(
            update(Job)
            .where(Job.id == job_id, Job.state == JobState.QUEUED)
            .values(state=JobState.RUNNING, heartbeat_at=utcnow())
        )
        return claimed.rowcount == 1


class JobTakenAway(RuntimeError):
    """The job is no longer running (housekeeping marked it failed): its work must not be committed."""


def finish_in(session: Session, progress: Progress, result_path: str) -> None:
    """Mark the job done, with its last progress, in the work's own transaction: its data and "done" commit together."""
    values = {"state": JobState.DONE, "result_path": result_path, "finished_at": utcnow(), "heartbeat_at": utcnow()}
    values.update(done=progress.done, total=progress.total)
    running = update(Job).where(Job.id == progress.job_id, Job.state == JobState.RUNNING)
    if session.execute(running.values(**values)).rowcount != 1:
        raise JobTakenAway(progress.job_id)


def write_result(job: Job, name: str, pieces: Iterable[bytes]) -> str:
    """Write the pieces to the job's result file, all or nothing: under a temporary name, renamed once complete."""
    relative = f"{job.id}/{name}"
    final = jobs_dir() / relative
    final.parent.mkdir(parents=True, exist_ok=True)
    partial = final.with_name(final.name + PARTIAL)
    with partial.open("wb") as file:
        for piece in pieces:
            file.write(piece)
    partial.replace(final)
    return relative


# --- housekeeping ----------------------------------------------------------------------------------


def tidy() -> None:
    """What a worker does at start and every minute: fail the jobs of dead workers, send again or fail the jobs the
    queue lost (expired results are deleted by the clean-up schedule, tracker/schedules.py).

    It looks in a read-only session first and takes a write transaction only when there is something to do: on
    SQLite a running import holds the write lock, and a worker starting meanwhile must not wait for it, nor fail.
    """
    config = current_app.config
    now = utcnow()
    heard_before = now - timedelta(seconds=config["TRACKER_JOBS_STALE_SECONDS"])
    queued_before = now - timedelta(minutes=config["TRACKER_JOBS_LOST_MINUTES"])
    with read_session() as session:
        due = stale_jobs(session, heard_before) or lost_jobs(session, queued_before)
    if not due:
        return
    try:
        with job_session() as session, session.begin():
            fail_stale_jobs(session, heard_before)
            resend_lost_jobs(session, queued_before)
    except OperationalError:  # SQLite's write lock held past the busy timeout (a long import): next minute
        log.warning("Job housekeeping postponed: the database is busy", exc_info=True)


def stale_jobs(session: Session, heard_before: datetime) -> list[Job]:
    """The running jobs not heard from since `heard_before`, in their row nor in their progress file."""
    candidates = session.scalars(select(Job).where(Job.state == JobState.RUNNING, Job.heartbeat_at < heard_before))
    return [job for job in candidates if not heard_in_file(job.id, heard_before)]


def heard_in_file(job_id: int, heard_before: datetime) -> bool:
    """Whether the job's progress file was written since `heard_before` (its worker is alive)."""
    try:
        return progress_file(job_id).stat().st_mtime >= heard_before.timestamp()
    except OSError:
        return False


def fail_stale_jobs(session: Session, heard_before: datetime) -> list[int]:
    """Mark failed the running jobs not heard from since `heard_before` (their worker died); their partial files go."""
    stale = stale_jobs(session, heard_before)
    for job in stale:
        log.warning("Job %s (%s) lost its worker; marked failed", job.id, job.kind)
        job.state, job.message, job.finished_at = JobState.FAILED, INTERRUPTED, utcnow()
        shutil.rmtree(jobs_dir() / str(job.id), ignore_errors=True)
    return [job.id for job in stale]


def expired_jobs(session: Session, finished_before: datetime) -> list[Job]:
    """The jobs finished before `finished_before` whose result file is still kept."""
    return list(session.scalars(select(Job).where(Job.result_path.is_not(None), Job.finished_at < finished_before)))


def purge_results(session: Session, finished_before: datetime) -> list[int]:
    """Delete the result files of jobs finished before `finished_before` (the job's row stays, without a file)."""
    expired = expired_jobs(session, finished_before)
    for job in expired:
        shutil.rmtree(jobs_dir() / str(job.id), ignore_errors=True)
        job.result_path = None
    return [job.id for job in expired]


def lost_jobs(session: Session, queued_before: datetime) -> list[Job]:
    """The jobs queued before `queued_before` (or sent again before it) whose message is not in the queue.

    A job being handed to a worker has left the queue but is not yet running: the minutes of waiting cover that
    moment, and a job sent twice still runs once (`claim`).
    """
    waiting = list(session.scalars(select(Job).where(Job.state == JobState.QUEUED, Job.created_at < queued_before)))
    if not waiting:
        return []
    pending = queued_ids()
    return [job for job in waiting if job.id not in pending and (job.heartbeat_at or job.created_at) < queued_before]


def queued_ids() -> set[int]:
    """The jobs whose "run" message is in the queue now."""
    huey = current_app.extensions["tracker.jobs"].huey
    return {task.args[0] for task in huey.pending() if task.name == "tracker.run_job" and task.args}


def resend_lost_jobs(session: Session, queued_before: datetime) -> tuple[list[int], list[int]]:
    """Send the lost jobs once more (`heartbeat_at` notes when); fail those lost again. The ids sent and failed."""
    sent, failed = [], []
    for job in lost_jobs(session, queued_before):
        if job.heartbeat_at is None:
            log.warning("Job %s (%s) was not in the queue; sent again", job.id, job.kind)
            job.heartbeat_at = utcnow()
            send(job.id)
            sent.append(job.id)
        else:
            log.warning("Job %s (%s) was lost by the queue twice; marked failed", job.id, job.kind)
            job.state, job.message, job.finished_at = JobState.FAILED, LOST, utcnow()
            shutil.rmtree(jobs_dir() / str(job.id), ignore_errors=True)  # what it was given (an upload) goes
            failed.append(job.id)
    return sent, failed
