"""gunicorn's settings for the tracker: `gunicorn -c deploy/gunicorn.conf.py app:app` (with SECRET_KEY and
DATABASE_URL in the environment). Only what issue 12 needed; docs/deployment.md says what each setting is for.
"""

import faulthandler

# A worker killed by a fatal signal (a segmentation fault in a C extension, a bus error) first writes the Python
# traceback of each of its threads to the error log, so the crash can be traced to a page and a line. This is what
# PYTHONFAULTHANDLER=1 does; enabling it here also covers a server started without that variable. The master
# enables it when it reads this file, and its workers, forked from it, inherit it.
faulthandler.enable()


# gunicorn restarts a worker that died (a crash) or that stayed silent longer than `timeout` seconds. A sync worker
# (gunicorn's default) reports only between requests, so it is also killed when one request runs longer than the
# timeout, even while it streams a download: an export of every agreement takes 20-50 s at 100,000 agreements on two
# busy cores (docs/benchmarks.md), and would be cut off at gunicorn's default of 30 s. gthread workers
# (`--threads 2` or more) report from a thread of their own and are killed only when the whole process is stuck.
timeout = 120
