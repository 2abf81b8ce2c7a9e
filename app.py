"""WSGI entry point: `flask --app app run` or any WSGI server. Logging is set up first (tracker/logs.py)."""

import gc

from tracker import create_app, logs

logs.configure()
app = create_app()
# What starting made (modules, classes, routes, mappers, compiled statements: a few hundred thousand objects) lives as
# long as the process. Frozen, the collector's full passes no longer walk it: at 10,000 agreements the requests that
# paid for one (~250-320 ms CPU for /expiring/?per_page=500, against ~100 ms for the others) pay ~100-160 ms.
gc.freeze()
