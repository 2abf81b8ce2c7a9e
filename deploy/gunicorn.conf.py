"""gunicorn's settings for the tracker: `.venv/bin/gunicorn -c deploy/gunicorn.conf.py app:app`, as `make serve` and
deploy/systemd/tracker-web.service run it. What an operator chooses comes from the environment (under systemd, the
file /etc/tracker/tracker.env); README "Deploying" lists it, docs/deployment.md says why each default is what it is.

    SECRET_KEY          required: without it the server does not start (no worker would serve anyway)
    TRACKER_BIND        address and port to listen on (127.0.0.1:8000; `make serve` gives HOST:PORT)
    TRACKER_WORKERS     worker processes (2 × CPU cores + 1, at most 8)
    TRACKER_THREADS     threads per worker (1: sync workers; 2 or more: gthread workers)
    TRACKER_TIMEOUT     seconds a request may run before its worker is replaced (600: the slowest page)
    TRACKER_GRACEFUL_TIMEOUT  seconds a stopping or reloading worker may finish its requests (30)
    TRACKER_LOG_FORMAT, TRACKER_LOG_LEVEL  the log's lines (tracker/logs.py)
"""

import faulthandler
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the tracker package, whatever the working directory

from tracker import logs  # noqa: E402
from tracker.config import ConfigError, whole_number  # noqa: E402

MISSING_SECRET_KEY = (
    "SECRET_KEY is not set: the production server signs sessions and forms with it and does not start without one. "
    "Put SECRET_KEY=<64 hex digits> in the environment (under systemd: /etc/tracker/tracker.env); make one with "
    "python3 -c 'import secrets; print(secrets.token_hex(32))'"
)
# Each worker holds a database connection and about 100 MB (110 MB while it streams the largest export).
MAX_DEFAULT_WORKERS = 8

if not os.environ.get("SECRET_KEY", "").strip():
    sys.exit(MISSING_SECRET_KEY)  # before any worker starts: one clear line instead of a traceback per worker

# A worker killed by a fatal signal (a segmentation fault in a C extension, a bus error) first writes the Python
# traceback of each of its threads to standard error, so the crash can be traced to a page and a line. This is what
# PYTHONFAULTHANDLER=1 does (`make serve` and the systemd unit set it too); enabling it here also covers a server
# started without that variable. The master enables it when it reads this file; its workers inherit it.
faulthandler.enable()

try:
    bind = os.environ.get("TRACKER_BIND", "").strip() or "127.0.0.1:8000"
    workers = whole_number("TRACKER_WORKERS", min(2 * (os.cpu_count() or 1) + 1, MAX_DEFAULT_WORKERS)) or 1
    threads = whole_number("TRACKER_THREADS", 1) or 1
    # gunicorn replaces a worker that stays silent longer than `timeout` seconds. A sync worker (the default) reports
    # only between requests, so one request running longer is killed, even while it streams a download. The slowest
    # page is committing a web import: about 4 minutes for 100,000 rows on a busy 2-core machine (README "Import and
    # export"), and an import may hold 200,000; then the export of every agreement (20-50 s at 100,000;
    # docs/benchmarks.md). gthread workers (TRACKER_THREADS=2 or more) report from a thread of their own, and are
    # replaced only when the whole process is stuck.
    timeout = whole_number("TRACKER_TIMEOUT", 600)
    graceful_timeout = whole_number("TRACKER_GRACEFUL_TIMEOUT", 30)
    # The tracker's lines and gunicorn's own (started, booting a worker, a worker timed out) in one format.
    logconfig_dict = logs.logging_config()
except ConfigError as error:
    sys.exit(str(error))

chdir = str(ROOT)  # where `app:app` is
# gunicorn's control socket (gunicornc) would sit in the home folder, shared by every server of the same user;
# systemd starts, reloads and stops this one.
control_socket_disable = True
