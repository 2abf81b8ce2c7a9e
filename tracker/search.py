"""Full-text search over agreements: the engine-specific SQL behind the free-text filter of the query page and API.

Migration 0006 keeps one row of searchable text per agreement in `agreement_search` (title in both languages,
summary, notes, names and aliases of live parties, titles and latest snapshot text of live sources), maintained by
triggers, and indexes it: SQLite with the FTS5 table `agreement_fts` (unicode61, case and diacritics folded),
PostgreSQL with the weighted tsvector `agreement_search.document` (config 'simple', `search_fold` = unaccent)
and ranks with `rank_document`, the same without the sources' text.

Searches are made of words: every word must occur somewhere in the agreement's text (AND), a word of three or
more characters also matches longer words it begins ("mould" finds "moulds"), and each word is quoted so that
no input is query syntax. Words without a letter or digit ("%", "-") are ignored. The statements here are
ordinary SQLAlchemy constructs compiled differently per dialect, so callers never ask which engine runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import ColumnElement, Connection, Float, Integer, bindparam, column, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.selectable import TableValuedAlias

from tracker.models import SEARCH_COLUMNS

# Shorter words match whole words only: a one- or two-letter prefix would match a large part of the index.
MIN_PREFIX = 3
# Relevance weights per column, in SEARCH_COLUMNS order (title, summary, notes, parties, sources).
BM25_WEIGHTS = (10.0, 4.0, 2.0, 5.0, 1.0)
# PostgreSQL ranks by the weight letters migration 0006 gives the columns (title A, parties and summary B,
# notes C, sources D); the array lists D, C, B, A. It ranks with ts_rank over *any* of the words: each word
# counts by the best column it occurs in, as bm25's column weights do. ts_rank_cd (and ts_rank over all the
# words) reward words that stand close together, which across the columns of one document put "jeju" in the
# notes next to "AITEC" among the parties above "Jeju" in the title with "AITEC" in the notes.
TS_RANK_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"


def search_terms(text_: str) -> list[str]:
    """The words of a search that can match: split on white space, NULs dropped, at least one letter or digit."""
    return [term for term in text_.replace("\x00", " ").split() if any(char.isalnum() for char in term)]


def fts5_query(terms: list[str]) -> str:
    """An FTS5 query for every term: each a quoted phrase (so never syntax), prefix-matched when long enough."""
    quoted = ('"' + term.replace('"', '""') + '"' + ("*" if len(term) >= MIN_PREFIX else "") for term in terms)
    return " ".join(quoted)


def tsquery_text(terms: list[str], operator: str = "&") -> str:
    """A to_tsquery() input for every (&) or any (|) term: each quoted (so never operators), prefix-matched when
    long enough."""
    quoted = (
        "'" + term.replace("\\", "\\\\").replace("'", "''") + "'" + (":*" if len(term) >= MIN_PREFIX else "")
        for term in terms
    )
    return f" {operator} ".join(quoted)


# Where a _FullText element keeps each form of the query, counted from the end of its clauses.
FTS5_QUERY, TSQUERY_ALL, TSQUERY_ANY = -3, -2, -1


class _FullText(FunctionElement[Any]):
    """A full-text construct carrying the query in each engine's form; each dialect renders the one it uses."""

    inherit_cache = True

    def __init__(self, *clauses: Any, terms: list[str]) -> None:
        super().__init__(
            *clauses,
            bindparam("fts5_query", fts5_query(terms), unique=True),
            bindparam("tsquery", tsquery_text(terms), unique=True),
            bindparam("tsquery_any", tsquery_text(terms, "|"), unique=True),
        )


class _Matches(_FullText):
    """`<agreement id column> IN (agreements matching the query)`."""

    name = "search_matches"
    inherit_cache = True
    # Not typed Boolean: SQLite would be given "(...) = 1", which keeps it from looking agreements up by id.


class _Hits(_FullText):
    """The agreements matching the query with their rank (lower is more relevant): a FROM item to join and order by."""

    name = "search_hits"
    inherit_cache = True


def _render(element: _FullText, compiler: Any, *positions: int, **kw: Any) -> list[str]:
    """The element's clauses at `positions`, compiled; only those are rendered, so only their values are sent."""
    clauses = list(element.clauses)
    return [compiler.process(clauses[position], **kw) for position in positions]


@compiles(_Matches, "sqlite")
def _matches_sqlite(element: _Matches, compiler: Any, **kw: Any) -> str:
    id_column, query = _render(element, compiler, 0, FTS5_QUERY, **kw)
    return f"{id_column} IN (SELECT rowid FROM agreement_fts WHERE agreement_fts MATCH {query})"


@compiles(_Matches, "postgresql")
def _matches_postgresql(element: _Matches, compiler: Any, **kw: Any) -> str:
    id_column, query = _render(element, compiler, 0, TSQUERY_ALL, **kw)
    return (
        f"{id_column} IN (SELECT search.agreement_id FROM agreement_search AS search "
        f"WHERE search.document @@ to_tsquery('simple', search_fold({query})))"
    )


# Each hit is ranked as it is found, in the one pass over the matches: a rank looked up per agreement (a correlated
# subquery) read every matching document a second time, 1.4 s for a word in 77,000 of 100,000 agreements on
# PostgreSQL. A COUNT over the join leaves the rank out: neither engine computes a column no one reads.
@compiles(_Hits, "sqlite")
def _hits_sqlite(element: _Hits, compiler: Any, **kw: Any) -> str:
    (query,) = _render(element, compiler, FTS5_QUERY, **kw)
    weights = ", ".join(str(weight) for weight in BM25_WEIGHTS)
    return (
        f"(SELECT rowid AS agreement_id, bm25(agreement_fts, {weights}) AS rank "
        f"FROM agreement_fts WHERE agreement_fts MATCH {query})"
    )


@compiles(_Hits, "postgresql")
def _hits_postgresql(element: _Hits, compiler: Any, **kw: Any) -> str:
    every_word, any_word = _render(element, compiler, TSQUERY_ALL, TSQUERY_ANY, **kw)
    # rank_document leaves out the sources' text (weight D): it stays in the row, where the whole document would
    # be read from TOAST storage for every match. A match in the sources only ranks last.
    return (
        f"(SELECT search.agreement_id, "
        f"-ts_rank('{TS_RANK_WEIGHTS}', search.rank_document, to_tsquery('simple', search_fold({any_word}))) AS rank "
        f"FROM agreement_search AS search WHERE search.document @@ to_tsquery('simple', search_fold({every_word})))"
    )


def matches(id_column: ColumnElement[int], text_: str) -> ColumnElement[bool]:
    """A condition: the agreement whose id is `id_column` contains every searchable word of `text_`.

    Callers check `search_terms(text_)` first: without a searchable word there is nothing to filter on.
    """
    return _Matches(id_column, terms=search_terms(text_))


def ranked_hits(text_: str) -> TableValuedAlias:
    """The agreements containing every searchable word of `text_`, as `hits` (agreement_id, rank): join it to
    filter and order by `rank` ascending, best first. Callers check `search_terms(text_)` first."""
    columns = (column("agreement_id", Integer), column("rank", Float))
    return _Hits(terms=search_terms(text_)).table_valued(*columns).alias("hits")


# --- checking and rebuilding the index: the document expressions of migration 0006, kept in step with it -------


SNAPSHOT_CHARS = 100_000


def _document_sql(dialect: str, agreement: str) -> dict[str, str]:
    """SQL for each document column of the agreement whose id is the SQL `agreement` (as the triggers write it)."""
    if dialect == "sqlite":
        parties = f"""coalesce((SELECT group_concat(names, ' ') FROM (
            SELECT (SELECT p.name || coalesce(' ' || (SELECT group_concat(alias, ' ') FROM (
                    SELECT pa.alias FROM party_alias pa WHERE pa.party_id = p.id ORDER BY pa.alias, pa.id)), '')
                FROM party p WHERE p.id = ap.party_id AND p.archived_at IS NULL) AS names
            FROM (SELECT DISTINCT party_id FROM agreement_party WHERE agreement_id = {agreement}) AS ap
            ORDER BY ap.party_id)), '')"""
        sources = f"""coalesce((SELECT group_concat(body, ' ') FROM (
            SELECT (SELECT s.title || coalesce(' ' || (
                    SELECT substr(ss.text, 1, {SNAPSHOT_CHARS}) FROM source_snapshot ss WHERE ss.source_id = s.id
                    ORDER BY ss.retrieved_at DESC, ss.id DESC LIMIT 1), '')
                FROM source s WHERE s.id = ls.source_id AND s.archived_at IS NULL) AS body
            FROM agreement_source ls WHERE ls.agreement_id = {agreement}
            ORDER BY ls.source_id)), '')"""
    else:
        parties = f"""coalesce((SELECT string_agg(names, ' ' ORDER BY party_id) FROM (
            SELECT ap.party_id, (SELECT p.name || coalesce(' ' || (
                    SELECT string_agg(pa.alias, ' ' ORDER BY pa.alias, pa.id) FROM party_alias pa
                    WHERE pa.party_id = p.id), '')
                FROM party p WHERE p.id = ap.party_id AND p.archived_at IS NULL) AS names
            FROM (SELECT DISTINCT party_id FROM agreement_party WHERE agreement_id = {agreement}) AS ap
            ) AS linked), '')"""
        sources = f"""coalesce((SELECT string_agg(body, ' ' ORDER BY source_id) FROM (
            SELECT ls.source_id, (SELECT s.title || coalesce(' ' || (
                    SELECT left(ss.text, {SNAPSHOT_CHARS}) FROM source_snapshot ss WHERE ss.source_id = s.id
                    ORDER BY ss.retrieved_at DESC, ss.id DESC LIMIT 1), '')
                FROM source s WHERE s.id = ls.source_id AND s.archived_at IS NULL) AS body
            FROM agreement_source ls WHERE ls.agreement_id = {agreement}) AS linked), '')"""
    return {
        "title": "a.title || ' ' || a.title_local",
        "summary": "a.summary",
        "notes": "a.notes",
        "parties": parties,
        "sources": sources,
    }


def stale_documents(connection: Connection) -> list[int]:
    """Ids of agreements whose indexed text differs from what their records say now (empty when in sync).

    Compares `agreement_search` with the text computed afresh, and the index with `agreement_search`
    (FTS5's integrity check on SQLite; the stored tsvector against a recomputed one on PostgreSQL).
    """
    dialect = connection.dialect.name
    fresh = _document_sql(dialect, "a.id")
    differs = " OR ".join(f"doc.{name} IS DISTINCT FROM ({fresh[name]})" for name in SEARCH_COLUMNS)
    if dialect == "sqlite":
        differs = differs.replace("IS DISTINCT FROM", "IS NOT")
    else:
        columns = ", ".join(f"doc.{name}" for name in SEARCH_COLUMNS)
        differs += f" OR doc.document IS DISTINCT FROM search_document({columns})"
        differs += f" OR doc.rank_document IS DISTINCT FROM search_document({columns.rsplit(',', 1)[0]}, '')"
    statement = f"""SELECT a.id FROM agreement a LEFT JOIN agreement_search doc ON doc.agreement_id = a.id
        WHERE doc.agreement_id IS NULL OR {differs}
        UNION SELECT doc.agreement_id FROM agreement_search doc WHERE doc.agreement_id NOT IN (SELECT id FROM agreement)
        ORDER BY 1"""
    stale = list(connection.scalars(text(statement)))
    if dialect == "sqlite":
        # Raises "database disk image is malformed" (SQLITE_CORRUPT_VTAB) when the index and its content disagree.
        connection.execute(text("INSERT INTO agreement_fts (agreement_fts, rank) VALUES ('integrity-check', 1)"))
    return stale


def rebuild(connection: Connection) -> None:
    """Recompute every agreement's indexed text from the records (after a bulk load, or to repair the index)."""
    fresh = _document_sql(connection.dialect.name, "a.id")
    columns = ", ".join(SEARCH_COLUMNS)
    connection.execute(text("DELETE FROM agreement_search"))
    connection.execute(
        text(
            f"INSERT INTO agreement_search (agreement_id, {columns}) "
            f"SELECT a.id, {', '.join(fresh[name] for name in SEARCH_COLUMNS)} FROM agreement a"
        )
    )


@contextmanager
def bulk_load(connection: Connection) -> Iterator[None]:
    """Load many rows inside the block, then index them all at once.

    On PostgreSQL the triggers that follow each row are off inside the block (ALTER TABLE: it locks the tables
    until the transaction ends, so this is for loading tools, not for the running app) and `rebuild` runs after
    it. SQLite's triggers cannot be turned off; they keep the index up to date row by row as usual.
    """
    if connection.dialect.name != "postgresql":
        yield
        return
    triggers = connection.execute(
        text(
            # regclass and quote_ident give names ready for SQL.
            "SELECT tgrelid::regclass::text, quote_ident(tgname) FROM pg_trigger WHERE NOT tgisinternal "
            "AND tgname LIKE 'search!_%' ESCAPE '!' AND tgrelid <> 'agreement_search'::regclass"
        )
    ).all()
    for table, name in triggers:
        connection.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER {name}"))
    yield
    for table, name in triggers:
        connection.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER {name}"))
    rebuild(connection)
