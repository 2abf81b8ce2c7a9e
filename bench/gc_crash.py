"""Reproduce the worker crash of 7 December 2026: `/expiring/?per_page=500` requested again and again by one signed-in
client on the 100,000-agreement SQLite database kills Python 3.11.7 with a segmentation fault during garbage
collection (between the third and the eighth request, every run; never with `gc.disable()`, nor with a full
`gc.collect()` before and after each step of the view; not on Python 3.12.1 with the same pinned packages; still
with SQLAlchemy's and MarkupSafe's compiled extensions removed). gdb: a generation-0 collection triggered while
SQLAlchemy builds the rows of a `selectinload` visits a dict holding a freed object. Under PYTHONMALLOC=debug the
crash moves to `Session.close -> expunge_all -> _detach_states` on freed memory (0xdd): a use-after-free, not yet
traced to its owner. See docs/benchmarks.md, "The segmentation fault at 100,000".

    PYTHONPATH=. PYTHONFAULTHANDLER=1 .venv/bin/python bench/gc_crash.py /tmp/copy-of-100k.db [requests] [url]

The database (a SQLite file, or a database URL: PostgreSQL crashes too) needs a user with id 1 (any role, e.g. made by
`flask create-user`); the script signs in as that user without a password.
"""

from __future__ import annotations

import sys
import time

from tracker import create_app


def main() -> None:
    """Request the page `requests` times, printing each status; a crash ends the process with status 139."""
    database = sys.argv[1]
    requests = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    url = sys.argv[3] if len(sys.argv) > 3 else "/expiring/?per_page=500"
    database_url = database if "://" in database else f"sqlite:///{database}"
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "gc-crash"})
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    with client.session_transaction() as session:
        session.update({"_user_id": "1:1", "_fresh": True, "seen": time.time()})
    for number in range(requests):
        print(number, client.get(url).status_code, file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
