"""The secondary indexes of `agreement` and `source` during a large import on SQLite: built once after the rows.

Each agreement row went into 18 indexes and each source into 6, every one a B-tree insert at a place of its own;
once the indexes outgrow the page cache each insert reads and writes pages far apart. Building an index after the
rows is one sorted pass. Inside a large import the plain indexes of these two tables are dropped (SQLite's DDL is
transactional: other connections keep them, a rollback of the import's savepoint brings them back) and made again
from their own SQL at the end, also after an error, before the savepoint is released.

Left alone: the indexes behind UNIQUE and PRIMARY KEY constraints (they check the rows as they are written, and
the import looks sources up by their normalised URL through one), and the link tables' indexes, which the batch's
search indexing and counts read. None of the dropped indexes serves a statement the import runs: those read the
agreements by id (the rowid) and the sources by normalised URL.

A small import into a large table keeps the indexes: rebuilding them would read every recorded row.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, text

# The tables whose secondary indexes a large import builds at its end.
TABLES = ("agreement", "source")
# An import of at least this many rows, and at least as many as the agreements recorded, is large.
LARGE_IMPORT_ROWS = 5000
# The page cache, in KiB, while the indexes are built: SQLite's sorter takes as much memory again as the cache, and
# the import's 32 MB (importing/__init__.py) made the peak 27 MB higher at 100,000 rows (and the build slower, 2.9 s
# of CPU against 2.4 s with SQLite's default 2 MB).
BUILD_CACHE_KIB = 2048


def is_large(connection: Connection, rows: int) -> bool:
    """Whether an import of `rows` rows should build the indexes at its end rather than row by row."""
    if rows < LARGE_IMPORT_ROWS:
        return False
    recorded = connection.exec_driver_sql("SELECT max(id) FROM agreement").scalar() or 0
    return rows >= recorded


@contextmanager
def sqlite_indexes_deferred(connection: Connection, rows: int) -> Iterator[bool]:
    """On SQLite and for a large import of `rows` rows, the plain indexes of TABLES are gone inside the block and
    built again at its end, also after an error; elsewhere nothing changes. Yields whether they were dropped."""
    if connection.dialect.name != "sqlite" or not is_large(connection, rows):
        yield False
        return
    indexes = plain_indexes(connection)
    for name, _sql in indexes:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    try:
        yield bool(indexes)
    finally:
        build(connection, indexes)


def build(connection: Connection, indexes: list[tuple[str, str]]) -> None:
    """Make the indexes from their SQL, with a small page cache (BUILD_CACHE_KIB); the cache's size again after."""
    size = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{BUILD_CACHE_KIB}")
    try:
        for _name, sql in indexes:
            connection.exec_driver_sql(sql)
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(size)}")


def plain_indexes(connection: Connection) -> list[tuple[str, str]]:
    """(name, SQL) of the indexes of TABLES made by CREATE INDEX, not by a constraint, and not unique."""
    tables = ", ".join(f"'{table}'" for table in TABLES)
    found = connection.execute(
        text(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ({tables}) "
            "AND sql IS NOT NULL ORDER BY name"
        )
    ).all()
    return [(name, sql) for name, sql in found if not sql.lstrip().upper().startswith("CREATE UNIQUE")]
