"""Background jobs: long work (a large export) done by a worker process, its progress written to the `job` table.

The queue is Huey's: a SQLite file in the instance folder by default (nothing to install), or Redis when
TRACKER_JOBS_URL is `redis://…` (several machines). The queue only carries "run job 42"; what the user sees — state,
progress, result, error — is the job's row, written by the job as it goes in transactions of its own, so pages read
it from the database whatever the queue. The work's own output is all-or-nothing: a file is written under a
temporary name and renamed once complete. A worker killed mid-job leaves its job "running" with a heartbeat that
stops; a worker that finds such a job (at start, and every minute) marks it failed.

Workers: `flask --app app jobs-worker` (tracker/cli/jobs.py); `make run` starts one beside the development server.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from huey import Huey, RedisHuey, SqliteHuey, crontab
from huey.api import TaskWrapper
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tracker.models import Job, JobState, User, utcnow

log = logging.getLogger(__name__)

# Failure codes kept in Job.message; the pages say them in the user's language (tracker/web/jobs.py).
INTERRUPTED = "interrupted"
ERROR = "error"
# Progress is written at most every PROGRESS_ROWS rows or PROGRESS_SECONDS, whichever comes first.
PROGRESS_ROWS = 500
PROGRESS_SECONDS = 1.0
PARTIAL = ".partial"


@dataclass(frozen=True)
class Runner:
    """The app's queue and its one task, "run this job"."""

    huey: Huey
    run_task: TaskWrapper


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
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, url=url, results=False)
    filename = url.removeprefix("sqlite:///") if url else str(Path(instance_path) / "jobs.sqlite")
    Path(filename).parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=filename, results=False)


def init_app(app: Flask) -> None:
    """Attach the queue, with the task that runs a job and the minute's housekeeping, to the app."""
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
    app.extensions["tracker.jobs"] = Runner(huey, run_task)


def jobs_dir() -> Path:
    """Where results are written (TRACKER_JOBS_DIR, default instance/jobs)."""
    return Path(current_app.config["TRACKER_JOBS_DIR"] or Path(current_app.instance_path) / "jobs")


def job_session() -> Session:
    """A session of its own for the job's row: its progress commits without committing the work."""
    factory = current_app.extensions["tracker.sessionmaker"]
    return factory(bind=current_app.extensions["tracker.write_engine"])


# --- submitting ------------------------------------------------------------------------------------


def create_job(session: Session, user: User, job_kind: str, parameters: dict[str, Any]) -> Job:
    """A queued job for the user; the caller commits, then calls `enqueue` (the worker must find the row)."""
    job = Job(kind=job_kind, parameters=parameters, user=user, state=JobState.QUEUED, done=0, message="")
    session.add(job)
    session.flush()
    return job


def enqueue(job: Job) -> None:
    """Hand the committed job to the queue."""
    current_app.extensions["tracker.jobs"].run_task(job.id)


# --- running ---------------------------------------------------------------------------------------


class Progress:
    """The job's progress, written to its row in its own short transactions (also the heartbeat)."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.done = 0
        self.written_at = 0.0

    def write(self, **values: Any) -> None:
        """Update the job's row now."""
        with job_session() as session, session.begin():
            session.execute(update(Job).where(Job.id == self.job_id).values(heartbeat_at=utcnow(), **values))
        self.written_at = time.monotonic()

    def start(self, total: int) -> None:
        """The number of steps the work will take."""
        self.write(total=total, done=0)

    def counting(self, items: Iterable[Any]) -> Iterator[Any]:
        """The items, each counted as a step done as it is taken."""
        since = 0
        for item in items:
            yield item
            self.done += 1
            since += 1
            if since >= PROGRESS_ROWS or time.monotonic() - self.written_at >= PROGRESS_SECONDS:
                self.write(done=self.done)
                since = 0
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
    """What a worker does at start and every minute: fail the jobs of dead workers (expired results are deleted by
    the purge schedule, tracker/schedules.py)."""
    config = current_app.config
    now = utcnow()
    with job_session() as session, session.begin():
        fail_stale_jobs(session, now - timedelta(seconds=config["TRACKER_JOBS_STALE_SECONDS"]))


def fail_stale_jobs(session: Session, heard_before: datetime) -> list[int]:
    """Mark failed the running jobs not heard from since `heard_before` (their worker died); their partial files go."""
    stale = list(session.scalars(select(Job).where(Job.state == JobState.RUNNING, Job.heartbeat_at < heard_before)))
    for job in stale:
        log.warning("Job %s (%s) lost its worker; marked failed", job.id, job.kind)
        job.state, job.message, job.finished_at = JobState.FAILED, INTERRUPTED, utcnow()
        shutil.rmtree(jobs_dir() / str(job.id), ignore_errors=True)
    return [job.id for job in stale]


def purge_results(session: Session, finished_before: datetime) -> list[int]:
    """Delete the result files of jobs finished before `finished_before` (the job's row stays, without a file)."""
    expired = list(session.scalars(select(Job).where(Job.result_path.is_not(None), Job.finished_at < finished_before)))
    for job in expired:
        shutil.rmtree(jobs_dir() / str(job.id), ignore_errors=True)
        job.result_path = None
    return [job.id for job in expired]
