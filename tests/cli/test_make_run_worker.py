"""`make run` starts a jobs worker beside the development server: a job queued on the checkout's queue is run by it,
and Ctrl-C (SIGINT to the terminal's process group) stops the server and the worker alike."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.cli.test_readme import free_port, make_checkout, newcomer_environment
from tracker import create_app, jobs
from tracker.models import Job, JobState, User

DEADLINE = 150.0


def group_commands(pgid: int) -> list[str]:
    """The command lines of the process group's live members."""
    result = subprocess.run(["ps", "-o", "stat=,args=", "-g", str(pgid)], capture_output=True, text=True)
    return [line.split(None, 1)[1] for line in result.stdout.splitlines() if not line.startswith("Z")]


def default_interrupt() -> None:
    """Ctrl-C's default action in the child, as in a terminal (a background test runner may ignore SIGINT)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def serving(port: int) -> bool:
    """Whether the app answers on the port."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as answer:
            return answer.status == 200
    except OSError:
        return False


def wait_for(condition, what: str) -> None:
    """Poll `condition` until it holds, or fail after DEADLINE seconds."""
    end = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > end:
            pytest.fail(f"Timed out waiting for {what}")
        time.sleep(0.2)  # a poll's pause; the condition decides


def test_make_run_runs_jobs_and_ctrl_c_stops_server_and_worker(tmp_path: Path):
    home = tmp_path / "tracker"
    make_checkout(home)
    port = free_port()
    log_path = tmp_path / "make-run.log"
    with log_path.open("wb") as log:
        make = subprocess.Popen(
            ["make", "run"],
            cwd=home,
            env={**newcomer_environment(), "PORT": str(port)},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=default_interrupt,
        )
    try:
        wait_for(lambda: serving(port) or make.poll() is not None, "`make run` to serve")
        assert make.poll() is None, log_path.read_text()
        assert any("jobs-worker" in command for command in group_commands(make.pid)), log_path.read_text()

        instance = home / "instance"
        app = create_app(
            {
                "DATABASE_URL": f"sqlite:///{instance / 'tracker.db'}",
                "TRACKER_JOBS_URL": f"sqlite:///{instance / 'jobs.sqlite'}",
                "TRACKER_JOBS_DIR": str(instance / "jobs"),
                "SECRET_KEY": "test",
            }
        )
        with app.app_context(), jobs.job_session() as session:
            admin = session.scalars(select(User).order_by(User.id)).first()
            job = jobs.create_job(session, admin, "agreement_export", {"query": "", "format": "json", "locale": "id"})
            session.commit()
            jobs.enqueue(job)

            def state() -> JobState:
                """The job's state now, read in a transaction ended at once (no lock held from the worker)."""
                try:
                    return session.scalar(select(Job.state).where(Job.id == job.id))
                finally:
                    session.rollback()

            wait_for(lambda: state().finished, "make run's worker to run the job")
            assert state() == JobState.DONE
        app.extensions["tracker.engine"].dispose()

        os.killpg(make.pid, signal.SIGINT)  # Ctrl-C
        make.wait(DEADLINE)
        wait_for(lambda: not group_commands(make.pid), "the server and the worker to stop")
    finally:
        if make.poll() is None or group_commands(make.pid):
            os.killpg(make.pid, signal.SIGKILL)
            make.wait(DEADLINE)
