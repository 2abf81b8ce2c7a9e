"""The heavy pages of issue 12, each under 2 s at 100,000 agreements: the party page of the ministry (most
agreements name it or one of its units), the expiring view at 500 rows, and the exports of every agreement and
source, which must start within a second and keep memory flat whatever their size.

Pages and downloads are requested in-process as a viewer (as bench/latency.py does), the downloads read piece by piece
as a client would; the command-line export runs under GNU time for its peak memory. The load average is recorded
with each measurement: the machine is shared.
"""

from __future__ import annotations

import os
import statistics
import time
from dataclasses import dataclass

from flask.testing import FlaskClient
from sqlalchemy import create_engine, select

from bench import synthetic
from bench.databases import FLASK, Database, env_for
from bench.imports import timed
from bench.latency import signed_in_client
from tracker.models import Party

MINISTRY = synthetic.MINISTRY
AS_OF = synthetic.REFERENCE_DAY.isoformat()
PAGE_REPEAT = 5
DOWNLOAD_REPEAT = 1


@dataclass
class Heavy:
    """Seconds to the first byte and in all (medians), bytes, the load average while measured."""

    first_byte: float
    seconds: float
    size: int
    samples: int
    status: int
    load: float


def pages(ministry_id: int) -> dict[str, tuple[str, int]]:
    """Name -> (URL, repeats) of every heavy page and download."""
    return {
        "party page (the ministry)": (f"/parties/{ministry_id}", PAGE_REPEAT),
        "expiring, 500 rows": (f"/expiring/?as_of={AS_OF}&per_page=500", PAGE_REPEAT),
        "export JSON": ("/agreements/export?format=json", DOWNLOAD_REPEAT),
        "export CSV": ("/agreements/export?format=csv", DOWNLOAD_REPEAT),
        "export XLSX": ("/agreements/export?format=xlsx", DOWNLOAD_REPEAT),
        "sources export CSV": ("/sources/export?format=csv", DOWNLOAD_REPEAT),
    }


def measure(url: str, user: tuple[int, int], ministry_id: int) -> dict[str, Heavy]:
    """Every heavy page on one database, after one warm-up request each."""
    client = signed_in_client(url, user)
    results = {}
    for name, (path, repeat) in pages(ministry_id).items():
        if repeat > 1:
            download(client, path)
        samples = [download(client, path) for _ in range(repeat)]
        results[name] = Heavy(
            first_byte=statistics.median(sample[0] for sample in samples),
            seconds=statistics.median(sample[1] for sample in samples),
            size=samples[-1][2],
            samples=repeat,
            status=samples[-1][3],
            load=os.getloadavg()[0],
        )
    client.application.extensions["tracker.engine"].dispose()
    return results


def download(client: FlaskClient, path: str) -> tuple[float, float, int, int]:
    """(seconds to the first piece, seconds in all, bytes, status), reading the response piece by piece."""
    started = time.perf_counter()
    response = client.get(path, buffered=False)
    first, size = None, 0
    for piece in response.response:
        first = time.perf_counter() - started if first is None else first
        size += len(piece)
    response.close()
    elapsed = time.perf_counter() - started
    return (first if first is not None else elapsed), elapsed, size, response.status_code


def ministry_id(url: str) -> int:
    """The id of the synthetic data's ministry."""
    engine = create_engine(url)
    with engine.connect() as connection:
        found = connection.scalar(select(Party.id).where(Party.name == MINISTRY))
    engine.dispose()
    return found


def command_line_export(database: Database) -> dict[str, float]:
    """`flask export --format csv` of every agreement to /dev/null: wall time and peak RSS (MB)."""
    run = timed([*FLASK, "export", "--format", "csv", "-"], env_for(database.url))
    return {"seconds": run.seconds, "peak_rss_mb": run.peak_rss_mb, "load": os.getloadavg()[0]}
