"""The kept counts (migrations 0036 and 0039), the dates, terms and parties versions (0038, 0040, 0043) and the
notice bound (0040) during an import or the synthetic seed: moved once per batch, not per row.

The insert triggers of `kept_count` ran four upserts with their look-ups for every agreement, one or two for every
party and sector link and one for every source: 40 % of the import's writing on SQLite, and on PostgreSQL a cost
that grows with the square of the rows in one transaction (every update of the same few rows walks the versions the
transaction made before, migration 0042). Inside the import they are off, on SQLite dropped (its DDL is
transactional: other connections keep them, a rollback brings them back), on PostgreSQL standing aside for the
transaction's own setting (0042), and each written batch adds its counts with one statement, the migration's
recount limited to the batch's agreements. The result is the triggers' own (whichever of an agreement and its links
is written first, the triggers count each link once its agreement is there), as the batch's count does.

The versions' insert triggers (on `agreement` and `agreement_term`; the parties version's on `agreement`,
`agreement_party`, `agreement_source` and `source`) moved each version on by one for every row; the batch moves them
on by as many in one statement, so they end where the triggers left them. The notice bound's insert trigger raised
the bound to a longer term's notice; the batch raises it to its longest.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, text

# The triggers that count rows as they are inserted; the update and delete triggers stay (an import inserts only).
INSERT_TRIGGERS = (
    "kept_agreement_insert",
    "kept_party_link_insert",
    "kept_sector_link_insert",
    "kept_source_insert",
    "kept_facet_insert",
    "dates_agreement_insert",
    "dates_term_insert",
    "terms_agreement_insert",
    "terms_term_insert",
    "notice_bound_insert",
    "parties_agreement_insert",
    "parties_party_link_insert",
    "parties_source_link_insert",
    "parties_source_insert",
)

# The setting that makes PostgreSQL's insert triggers stand aside (migration 0042).
COUNTED_BY_CALLER = "tracker.counted_by_caller"
UPSERT = (
    # An alias for the subquery (PostgreSQL before 16 needs one); WHERE true: SQLite's parser needs a WHERE before
    # ON CONFLICT in INSERT ... SELECT.
    "INSERT INTO kept_count (kind, key, total) SELECT kind, k, n FROM ({counts}) AS counted WHERE true "
    "ON CONFLICT (kind, key) DO UPDATE SET total = kept_count.total + excluded.total"
)
# The kinds of migration 0039 and the agreement's column each counts.
FACET_COLUMNS = {
    "instrument": "instrument_type",
    "renewal": "renewal_intent",
    "evidence": "evidence",
    "owner": "owner_id",
}
# Per kind and key, the live agreements with ids from :first to :last, as agreement_keys() of migration 0036 counts.
AGREEMENT_COUNTS = UPSERT.format(
    counts="SELECT 'status' AS kind, status AS k, count(*) AS n FROM agreement "
    "WHERE id BETWEEN :first AND :last AND archived_at IS NULL GROUP BY status "
    "UNION ALL SELECT 'sector', CAST(s.sector_id AS VARCHAR(64)), count(*) FROM agreement_sector s "
    "JOIN agreement a ON a.id = s.agreement_id WHERE a.id BETWEEN :first AND :last AND a.archived_at IS NULL "
    "GROUP BY s.sector_id "
    "UNION ALL SELECT 'country', p.country_code, count(DISTINCT a.id) FROM agreement_party l "
    "JOIN party p ON p.id = l.party_id JOIN agreement a ON a.id = l.agreement_id "
    "WHERE a.id BETWEEN :first AND :last AND a.archived_at IS NULL AND p.country_code IS NOT NULL "
    "GROUP BY p.country_code "
    "UNION ALL SELECT 'implemented', p.country_code, count(DISTINCT a.id) FROM agreement_party l "
    "JOIN party p ON p.id = l.party_id JOIN agreement a ON a.id = l.agreement_id "
    "WHERE a.id BETWEEN :first AND :last AND a.archived_at IS NULL AND p.country_code IS NOT NULL "
    "AND a.implementation = 'implemented' GROUP BY p.country_code "
    # The list's facets of migration 0039: one key per agreement and kind.
    + " ".join(
        f"UNION ALL SELECT '{kind}', CAST({column} AS VARCHAR(64)), count(*) FROM agreement "
        f"WHERE id BETWEEN :first AND :last AND archived_at IS NULL AND {column} IS NOT NULL GROUP BY {column}"
        for kind, column in FACET_COLUMNS.items()
    )
)
# The new sources, live, counted; and the parties version moved on by one each, as the insert trigger of migration 0043.
SOURCE_COUNT = UPSERT.format(
    counts="SELECT 'total' AS kind, 'source' AS k, CAST(:sources AS INTEGER) AS n WHERE :sources > 0 "
    "UNION ALL SELECT 'version', 'parties', CAST(:sources AS INTEGER) WHERE :sources > 0"
)
# The dates and terms versions moved on by one per inserted agreement and term, as the insert triggers of migrations
# 0038 and 0040 do; the parties version by one per inserted agreement and party and source link of the agreements with
# ids from :first to :last, as those of 0043 do (the batch links only its own agreements).
VERSIONS_BUMP = UPSERT.format(
    counts="SELECT 'version' AS kind, 'dates' AS k, CAST(:rows AS INTEGER) AS n WHERE :rows > 0 "
    "UNION ALL SELECT 'version', 'terms', CAST(:rows AS INTEGER) WHERE :rows > 0 "
    "UNION ALL SELECT 'version', 'parties', linked.n FROM (SELECT CAST(:agreements AS INTEGER) "
    "+ (SELECT count(*) FROM agreement_party WHERE agreement_id BETWEEN :first AND :last) "
    "+ (SELECT count(*) FROM agreement_source WHERE agreement_id BETWEEN :first AND :last) AS n) AS linked "
    "WHERE linked.n > 0"
)
# The longest notice of the batch's terms raises the bound of migration 0040 (only an existing row: without it the
# queries read every term, and the triggers do not make it either).
BOUND_RAISE = (
    "UPDATE kept_count SET total = batch.notice FROM (SELECT max({notice}) AS notice FROM agreement_term "
    "WHERE agreement_id BETWEEN :first AND :last) AS batch "
    "WHERE kind = 'bound' AND key = 'notice days' AND total < batch.notice"
)
# A term's notice in days, as each engine subtracts dates (SQLite keeps them as ISO text), as in migration 0040.
NOTICE = {
    "sqlite": "CAST(julianday(end_on) - julianday(decision_on) AS INTEGER)",
    "postgresql": "(end_on - decision_on)",
}


@contextmanager
def insert_triggers_off(connection: Connection) -> Iterator[bool]:
    """Inside the block the kept counts', versions' and notice bound's insert triggers do not fire for this
    connection's transaction; yields whether they are off (True on SQLite and PostgreSQL).

    The caller then counts what it wrote (`count_agreements`, `count_sources`, `move_versions`). On SQLite the
    triggers are dropped and made again from their own SQL at the end, also after an error (as
    `search.sqlite_triggers_dropped`); on PostgreSQL the transaction's setting is turned on and off again.
    """
    if connection.dialect.name == "postgresql":
        with counted_by_caller(connection):
            yield True
        return
    if connection.dialect.name != "sqlite":
        yield False
        return
    names = ", ".join(f"'{name}'" for name in INSERT_TRIGGERS)
    triggers = connection.execute(
        text(f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({names}) ORDER BY name")
    ).all()
    for name, _sql in triggers:
        connection.exec_driver_sql(f'DROP TRIGGER "{name}"')
    try:
        yield bool(triggers)
    finally:
        for _name, sql in triggers:
            connection.exec_driver_sql(sql)


@contextmanager
def counted_by_caller(connection: Connection) -> Iterator[None]:
    """PostgreSQL: the transaction's setting of migration 0042 is on inside the block, and off again after it.

    Local to the transaction: after an error it is left to the rollback, which ends it (the import's savepoint's
    rollback reverts it too); a statement to turn it off would only fail again in the aborted transaction, hiding the
    error (a read-only database's, which must reach the user as "nothing was saved").
    """
    set_to = text("SELECT set_config(:name, :value, true)")
    connection.execute(set_to, {"name": COUNTED_BY_CALLER, "value": "on"})
    yield
    connection.execute(set_to, {"name": COUNTED_BY_CALLER, "value": "off"})


def count_agreements(connection: Connection, first: int, last: int) -> None:
    """Add the agreements with ids from `first` to `last`, written with all their links, to the kept counts."""
    connection.execute(text(AGREEMENT_COUNTS), {"first": first, "last": last})


def count_sources(connection: Connection, sources: int) -> None:
    """Add that many new live sources to the kept total, and move the parties version on by as many."""
    connection.execute(text(SOURCE_COUNT), {"sources": sources})


def move_versions(connection: Connection, first: int, last: int, agreements: int, terms: int) -> None:
    """Move the versions on as the insert triggers would have for `agreements` agreements, with ids from `first` to
    `last`, their links and `terms` terms (the dates and terms versions one step per agreement and term, the parties
    version per agreement and link), and raise the notice bound to the longest notice of their terms."""
    bump = {"rows": agreements + terms, "agreements": agreements, "first": first, "last": last}
    connection.execute(text(VERSIONS_BUMP), bump)
    notice = NOTICE[connection.dialect.name]
    connection.execute(text(BOUND_RAISE.format(notice=notice)), {"first": first, "last": last})
