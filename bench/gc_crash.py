"""Reproduce the worker crash of 7 December 2026: `/expiring/?per_page=500` requested again and again by one signed-in
client on the 100,000-agreement database killed CPython 3.11 (3.11.2 and 3.11.7) with a segmentation fault during
garbage collection, by the third to the eighth request (the 10,000-agreement database: by the 25th). The cause is
CPython 3.11's inline values of SQLAlchemy's `InstanceState`; the app works around it (tracker/orm_states.py), so
the crash shows only with `--unpatched`. See docs/benchmarks.md, "The segmentation fault at 100,000".

    PYTHONPATH=. .venv/bin/python bench/gc_crash.py /tmp/copy-of-100k.db [requests] [url] [--unpatched]

The database (a SQLite file, or a database URL) needs a user with id 1 (any role, e.g. made by `flask create-user`);
the script signs in as that user without a password. Exit status 139 (or -11) is the crash.
"""

from __future__ import annotations

import sys
import time

from tracker import create_app, orm_states


def main() -> None:
    """Request the page `requests` times, printing each status; a crash ends the process with status 139."""
    unpatched = "--unpatched" in sys.argv
    arguments = [argument for argument in sys.argv[1:] if argument != "--unpatched"]
    database = arguments[0]
    requests = int(arguments[1]) if len(arguments) > 1 else 8
    url = arguments[2] if len(arguments) > 2 else "/expiring/?per_page=500"
    database_url = database if "://" in database else f"sqlite:///{database}"
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "gc-crash"})
    if unpatched:
        orm_states.restore_inline_values()
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    with client.session_transaction() as session:
        session.update({"_user_id": "1:1", "_fresh": True, "seen": time.time()})
    for number in range(requests):
        print(number, client.get(url).status_code, file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
