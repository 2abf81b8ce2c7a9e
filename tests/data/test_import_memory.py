"""The import streams: reading holds one row at a time, and a commit's memory grows by a few hundred bytes per
row at most (what finds repeated rows and sources), not by the rows' text or one object per field.

Measured with tracemalloc, which counts Python's own allocations: deterministic for a given file, unlike RSS.
"""

from __future__ import annotations

from sqlalchemy import func, select

from tests.import_support import csv_file, generated_rows, peak_of
from tracker.importing import import_table
from tracker.importing.mapping import automatic
from tracker.importing.reading import read_table
from tracker.models import Agreement

SMALL, LARGE = 2_000, 20_000
# What each further row may keep: its key among the rows seen, its sources' URLs and ids (about 460 bytes
# measured); a row kept whole would cost several kilobytes, an ORM object per field tens of kilobytes.
BYTES_PER_ROW = 1_000


def test_reading_holds_one_row_at_a_time():
    small, large = (read_table(csv_file(generated_rows(count)), "big.csv") for count in (SMALL, LARGE))
    assert len(large.rows) == LARGE

    def walk(table) -> None:
        for _number, _cells in table.rows:
            pass

    assert peak_of(lambda: walk(large)) < peak_of(lambda: walk(small)) + 100_000


def test_a_commit_keeps_a_few_hundred_bytes_per_row(session):
    peaks = {}
    for count in (SMALL, LARGE):
        rows = generated_rows(count)
        for row in rows[1:]:
            row[0] = f"{row[0]} ({count})"  # the second file's agreements are new too
        table = read_table(csv_file(rows), "big.csv")
        mapping = automatic(table.headers)
        outcome = {}

        def run(table=table, mapping=mapping, outcome=outcome) -> None:
            outcome["plan"], outcome["result"] = import_table(session, table, mapping, "ID")

        peaks[count] = peak_of(run)
        assert outcome["result"].agreements == count
        session.commit()
    assert session.scalar(select(func.count()).select_from(Agreement)) == SMALL + LARGE
    growth = (peaks[LARGE] - peaks[SMALL]) / (LARGE - SMALL)
    assert growth < BYTES_PER_ROW, f"{growth:.0f} bytes per row ({peaks})"
