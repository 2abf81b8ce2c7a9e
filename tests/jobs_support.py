"""A real Huey consumer for the tests that run background jobs (tests/web/test_jobs.py, the browser's journey)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

import pytest
import redis
from flask import Flask
from sqlalchemy import Engine, select

from tests.conftest import reset_database
from tracker import create_app
from tracker.models import Job
from tracker.schedules import SCHEDULES

ROOT = Path(__file__).resolve().parents[1]
DEADLINE = 30.0


@contextmanager
def running_worker(app: Flask) -> Iterator[None]:
    """A Huey consumer on the app's queue, its worker in a thread of this process, stopped gracefully at the end."""
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    consumer = app.extensions["tracker.jobs"].huey.create_consumer(workers=1, worker_type="thread", periodic=False)
    consumer.start()
    for number, handler in handlers.items():  # the consumer set its own, meant for a process of its own
        signal.signal(number, handler)
    try:
        yield
    finally:
        consumer.stop(graceful=True)


def wait_for(condition: Callable[[], Any], what: str, seconds: float = DEADLINE) -> Any:
    """Poll until `condition()` is truthy, failing with `what` after `seconds`."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.02)  # a poll's pause, not a synchronisation: the condition decides
    pytest.fail(f"Timed out waiting for {what}")


# The Redis server CI machines run; tests share its database, each under a queue name of its own.
REDIS_URL = "redis://127.0.0.1:6379/0"


def job_settings(queue_url: str, tmp_path: Path, **settings: Any) -> dict[str, Any]:
    """A test's job settings: its queue (a fresh name, so parallel workers' tests never meet), its results folder,
    and the test's own `settings` (thresholds, folders)."""
    return {
        "TRACKER_JOBS_URL": queue_url,
        "TRACKER_JOBS_QUEUE": f"tracker-test-{uuid.uuid4().hex}",
        "TRACKER_JOBS_DIR": str(tmp_path / "results"),
        **settings,
    }


def queue_url_for(kind: str, tmp_path: Path, redis_url: str) -> str:
    """A test's queue URL: a SQLite file in its folder, or the Redis database `redis_url`. The Redis database is
    never emptied: each test names a queue of its own (TRACKER_JOBS_QUEUE), so tests of parallel workers sharing the
    database never see, run or flush each other's jobs."""
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'queue.sqlite'}"
    try:
        redis.Redis.from_url(redis_url).ping()
    except redis.ConnectionError:
        pytest.fail("Redis is not answering at 127.0.0.1:6379 (start it: redis-server --daemonize yes)")
    return redis_url


def jobs_app(database_url: str, engine: Engine, seed_rows: dict, jobs_config: dict[str, Any]) -> Iterator[Flask]:
    """The application on the fresh test database, with the test's queue (for a fixture to yield from)."""
    reset_database(engine, seed_rows)
    config = {"DATABASE_URL": database_url, "TESTING": True, "WTF_CSRF_ENABLED": False, "SECRET_KEY": "test"}
    app = create_app({**config, **jobs_config})
    yield app
    app.extensions["tracker.jobs"].huey.flush()  # the test's queue, gone from Redis too
    app.extensions["tracker.engine"].dispose()


def job_of(engine: Engine, job_id: int) -> Job:
    """The job's row as the database has it now."""
    with engine.connect() as connection:
        return connection.execute(select(Job.__table__).where(Job.id == job_id)).one()


def finished(engine: Engine, job_id: int) -> Callable[[], Any]:
    """A condition: the job is done or failed."""
    return lambda: job_of(engine, job_id).state.finished


def start_worker(database_url: str, jobs_config: dict[str, Any], log: BinaryIO, **settings: str) -> subprocess.Popen:
    """`flask --app app jobs-worker` as its own process, as `make run` starts it, its output in `log`; its schedules
    are off (a backup due while it runs would be written into the checkout's instance/)."""
    schedules_off = {f"TRACKER_SCHEDULE_{schedule.name.upper()}": "off" for schedule in SCHEDULES}
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "test", **schedules_off, **settings}
    env.update({key: str(value) for key, value in jobs_config.items()})
    command = [sys.executable, "-m", "flask", "--app", "app", "jobs-worker", "--threads", "1"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
