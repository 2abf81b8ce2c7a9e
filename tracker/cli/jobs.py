"""`flask --app app jobs-worker`: the worker that runs background jobs (tracker/jobs.py) until stopped.

Ctrl-C or SIGTERM stops it; a job it was running is then marked failed by the next worker's housekeeping (its
heartbeat stops), and nothing of it is kept. Several workers may share one Redis queue (TRACKER_JOBS_URL).
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from tracker import jobs


@click.command("jobs-worker")
@with_appcontext
@click.option("--threads", default=2, show_default=True, help="Jobs run at the same time.")
def jobs_worker_command(threads: int) -> None:
    """Run background jobs (large exports and imports, sources fetched again, the digest on demand) and the schedules
    (digest, backup, re-check, clean-up) until stopped."""
    jobs.tidy()  # jobs left running by a worker that died, jobs the queue lost
    huey = current_app.extensions["tracker.jobs"].huey
    click.echo(f"Worker for the {huey.storage.__class__.__name__} queue “{huey.name}”, {threads} thread(s).", err=True)
    huey.create_consumer(workers=threads, worker_type="thread", periodic=True).run()
