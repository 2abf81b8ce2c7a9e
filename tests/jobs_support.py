"""A real Huey consumer for the tests that run background jobs (tests/web/test_jobs.py, the browser's journey)."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask


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
