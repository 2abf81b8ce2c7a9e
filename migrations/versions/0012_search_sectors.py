"""Sectors in the search index: each agreement's document gains the names and keywords of its live sectors.

"electric vehicles" then finds the agreements filed under that sector, and a sector's keywords in another language
("kendaraan listrik", "baterai") find them too. `agreement_search.sectors` sits before `sources` (the column that
PostgreSQL's `rank_document` leaves out), triggers on `agreement_sector` and `sector` keep it up to date as the
triggers of 0006 keep the other columns, and existing agreements are indexed here:

- SQLite: the FTS5 table cannot gain a column, so `agreement_fts` is made again over the six columns and rebuilt.
- PostgreSQL: `search_document` takes the sectors (weight B, as parties and summary) and every document is
  recomputed. Its words are now those of SQLite's unicode61: `search_words` turns ASCII punctuation into spaces
  first, so that PostgreSQL's parser no longer keeps "www.nikel.co.id", "info@nikel.com" or "battery/nickel" as
  one token in which "nikel" or "nickel" is not found (tracker/search.py splits the query's words alike).

The SQL is frozen with this revision; tracker/search.py repeats the document expressions to check and rebuild.

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-06 07:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0012'
down_revision: str | Sequence[str] | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PG_SOURCES_CHARS = 250_000
# Every ASCII punctuation character, and as many spaces: what unicode61 separates words on, in ASCII.
PUNCTUATION = "'!\"#$%&''()*+,-./:;<=>?@[\\]^_`{|}~'"
SPACES = f"'{' ' * 32}'"
BEFORE = ('title', 'summary', 'notes', 'parties', 'sources')
AFTER = ('title', 'summary', 'notes', 'parties', 'sectors', 'sources')
WEIGHTS = {'title': 'A', 'parties': 'B', 'sectors': 'B', 'summary': 'B', 'notes': 'C', 'sources': 'D'}
# A sector's words: its name, then its keywords (one per line) when it has any.
SECTOR_WORDS = "s.name || CASE WHEN s.keywords = '' THEN '' ELSE ' ' || s.keywords END"


def sectors_sql(dialect: str, agreement: str) -> str:
    """SQL: names and keywords of the agreement's live sectors, in the order of their ids."""
    if dialect == 'sqlite':
        return f"""coalesce((SELECT group_concat(words, ' ') FROM (
            SELECT {SECTOR_WORDS} AS words FROM agreement_sector ag JOIN sector s ON s.id = ag.sector_id
            WHERE ag.agreement_id = {agreement} AND s.archived_at IS NULL ORDER BY s.id)), '')"""
    return f"""coalesce((SELECT string_agg({SECTOR_WORDS}, ' ' ORDER BY s.id)
        FROM agreement_sector ag JOIN sector s ON s.id = ag.sector_id
        WHERE ag.agreement_id = {agreement} AND s.archived_at IS NULL), '')"""


def refresh_sql(dialect: str, agreement_ids: str) -> str:
    """SQL: recompute the sectors part of the documents of the given agreements."""
    expression = sectors_sql(dialect, 'agreement_search.agreement_id')
    return f'UPDATE agreement_search SET sectors = {expression} WHERE agreement_id IN ({agreement_ids})'


def agreements_of_sector(sector_id: str) -> str:
    """SQL: ids of the agreements filed under a sector."""
    return f'SELECT agreement_id FROM agreement_sector WHERE sector_id = {sector_id}'


# What feeds the sectors column: (table, columns whose change matters, agreement ids given a row "old"/"new").
FEEDS = [
    ('agreement_sector', 'agreement_id, sector_id', lambda row: f'SELECT {row}.agreement_id'),
    ('sector', 'name, keywords, archived_at', lambda row: agreements_of_sector(f'{row}.id')),
]
# A new sector is in no agreement yet, and one in an agreement cannot be deleted (the foreign key restricts).
UPDATE_ONLY = {'sector'}


def upgrade() -> None:
    """Apply this revision."""
    dialect = op.get_bind().dialect.name
    op.add_column('agreement_search', sa.Column('sectors', sa.Text(), server_default='', nullable=False))
    op.execute(refresh_sql(dialect, 'SELECT agreement_id FROM agreement_search'))
    if dialect == 'sqlite':
        sqlite_drop_index()
        sqlite_index(AFTER)
        sqlite_agreement_insert(AFTER)
        sqlite_feed_triggers()
    else:
        pg_function('search_words(text)', 'text', f'SELECT translate($1, {PUNCTUATION}, {SPACES})',
                    volatility='IMMUTABLE PARALLEL SAFE')
        pg_document(AFTER)
        pg_feed_triggers()


def downgrade() -> None:
    """Revert this revision."""
    if op.get_bind().dialect.name == 'sqlite':
        sqlite_agreement_insert(BEFORE)
        for table, *_rest in FEEDS:
            for event in ('insert', 'update', 'delete'):
                op.execute(f'DROP TRIGGER IF EXISTS search_{table}_{event}')
        sqlite_drop_index()
        op.drop_column('agreement_search', 'sectors')
        sqlite_index(BEFORE)
    else:
        for table, *_rest in FEEDS:
            op.execute(f'DROP FUNCTION search_on_{table}() CASCADE')
        pg_document(BEFORE)
        op.execute('DROP FUNCTION search_words(text)')
        op.drop_column('agreement_search', 'sectors')


# --- SQLite ---------------------------------------------------------------------------------------------


def sqlite_trigger(name: str, event: str, table: str, body: str, when: str = '') -> None:
    """CREATE TRIGGER search_<name> ... FOR EACH ROW [WHEN ...] BEGIN body END."""
    condition = f' WHEN {when}' if when else ''
    op.execute(f'CREATE TRIGGER search_{name} AFTER {event} ON {table} FOR EACH ROW{condition} BEGIN {body}; END')


def sqlite_drop_index() -> None:
    """Drop the FTS table and the triggers that feed it from `agreement_search`."""
    for event in ('insert', 'delete', 'update'):
        op.execute(f'DROP TRIGGER search_fts_{event}')
    op.execute('DROP TABLE agreement_fts')


def sqlite_index(columns: Sequence[str]) -> None:
    """Make the FTS5 table over the given document columns, fill it, and add its triggers."""
    listed = ', '.join(columns)
    op.execute(f"CREATE VIRTUAL TABLE agreement_fts USING fts5({listed}, content='agreement_search', "
               "content_rowid='agreement_id', tokenize='unicode61 remove_diacritics 2')")
    op.execute("INSERT INTO agreement_fts (agreement_fts) VALUES ('rebuild')")

    def values(row: str) -> str:
        return ', '.join([f'{row}.agreement_id', *(f'{row}.{name}' for name in columns)])

    insert = f'INSERT INTO agreement_fts (rowid, {listed}) VALUES ({values("new")})'
    delete = f"INSERT INTO agreement_fts (agreement_fts, rowid, {listed}) VALUES ('delete', {values('old')})"
    changed = ' OR '.join(f'old.{name} IS NOT new.{name}' for name in columns)
    sqlite_trigger('fts_insert', 'INSERT', 'agreement_search', insert)
    sqlite_trigger('fts_delete', 'DELETE', 'agreement_search', delete)
    sqlite_trigger('fts_update', 'UPDATE', 'agreement_search', f'{delete}; {insert}', when=changed)


# As in 0006 (a migration keeps its own copy): the parts of a new agreement's document.
SNAPSHOT_CHARS = 100_000


def sqlite_parties(agreement: str) -> str:
    """SQL: names and aliases of the agreement's live parties, in a fixed order (as in 0006)."""
    return f"""coalesce((SELECT group_concat(names, ' ') FROM (
        SELECT (SELECT p.name || coalesce(' ' || (SELECT group_concat(alias, ' ') FROM (
                SELECT pa.alias FROM party_alias pa WHERE pa.party_id = p.id ORDER BY pa.alias, pa.id)), '')
            FROM party p WHERE p.id = ap.party_id AND p.archived_at IS NULL) AS names
        FROM (SELECT DISTINCT party_id FROM agreement_party WHERE agreement_id = {agreement}) AS ap
        ORDER BY ap.party_id)), '')"""


def sqlite_sources(agreement: str) -> str:
    """SQL: titles and latest snapshot text of the agreement's live sources, in a fixed order (as in 0006)."""
    return f"""coalesce((SELECT group_concat(body, ' ') FROM (
        SELECT (SELECT s.title || coalesce(' ' || (
                SELECT substr(ss.text, 1, {SNAPSHOT_CHARS}) FROM source_snapshot ss WHERE ss.source_id = s.id
                ORDER BY ss.retrieved_at DESC, ss.id DESC LIMIT 1), '')
            FROM source s WHERE s.id = ls.source_id AND s.archived_at IS NULL) AS body
        FROM agreement_source ls WHERE ls.agreement_id = {agreement}
        ORDER BY ls.source_id)), '')"""


def sqlite_agreement_insert(columns: Sequence[str]) -> None:
    """A new agreement's document, made whole by its own trigger: the importer writes an agreement's links before
    the agreement on SQLite (so that each is indexed once), and the links' triggers find no document to update."""
    parts = {
        'title': "new.title || ' ' || new.title_local",
        'summary': 'new.summary',
        'notes': 'new.notes',
        'parties': sqlite_parties('new.id'),
        'sectors': sectors_sql('sqlite', 'new.id'),
        'sources': sqlite_sources('new.id'),
    }
    op.execute('DROP TRIGGER search_agreement_insert')
    sqlite_trigger('agreement_insert', 'INSERT', 'agreement',
                   f"INSERT INTO agreement_search (agreement_id, {', '.join(columns)}) "
                   f"VALUES (new.id, {', '.join(parts[name] for name in columns)})")


def sqlite_feed_triggers() -> None:
    """The triggers that keep the sectors column up to date.

    An agreement's own trigger makes its document with its sectors (`sqlite_agreement_insert`).
    """
    for table, watched, agreement_ids in FEEDS:
        sqlite_trigger(f'{table}_update', f'UPDATE OF {watched}', table,
                       refresh_sql('sqlite', f"{agreement_ids('old')} UNION {agreement_ids('new')}"))
        if table not in UPDATE_ONLY:
            sqlite_trigger(f'{table}_insert', 'INSERT', table, refresh_sql('sqlite', agreement_ids('new')))
            sqlite_trigger(f'{table}_delete', 'DELETE', table, refresh_sql('sqlite', agreement_ids('old')))


# --- PostgreSQL -----------------------------------------------------------------------------------------


def pg_function(signature: str, returns: str, body: str, language: str = 'sql', volatility: str = 'STABLE') -> None:
    """CREATE FUNCTION with a dollar-quoted body."""
    op.execute(f'CREATE FUNCTION {signature} RETURNS {returns} LANGUAGE {language} {volatility} '
               f'AS $body$ {body} $body$')


def pg_document(columns: Sequence[str]) -> None:
    """(Re)make `search_document` over the given columns, the trigger that computes the tsvectors, and recompute
    every document."""
    op.execute('DROP FUNCTION search_on_document() CASCADE')
    op.execute(f"DROP FUNCTION search_document({', '.join('text' for _name in other(columns))})")
    words = 'search_words(search_fold({}))' if columns == AFTER else 'search_fold({})'
    parts = [f"setweight(to_tsvector('simple', {words.format(f'${position}')}), '{WEIGHTS[name]}')"
             for position, name in enumerate(columns, start=1)]
    last = len(columns)
    parts[-1] = parts[-1].replace(f'search_fold(${last})', f'search_fold(left(${last}, {PG_SOURCES_CHARS}))')
    signature = f"search_document({', '.join('text' for _name in columns)})"
    pg_function(signature, 'tsvector', 'SELECT ' + ' || '.join(parts), volatility='IMMUTABLE PARALLEL SAFE')
    every = ', '.join(f'NEW.{name}' for name in columns)
    ranked = ', '.join(f'NEW.{name}' for name in columns[:-1])
    pg_function('search_on_document()', 'trigger', f"""BEGIN
        NEW.document := search_document({every});
        NEW.rank_document := search_document({ranked}, '');
        RETURN NEW;
    END""", language='plpgsql', volatility='VOLATILE')
    changed = ' OR '.join(f'OLD.{name} IS DISTINCT FROM NEW.{name}' for name in columns)
    op.execute('CREATE TRIGGER search_document_insert BEFORE INSERT ON agreement_search '
               'FOR EACH ROW EXECUTE FUNCTION search_on_document()')
    op.execute(f'CREATE TRIGGER search_document_update BEFORE UPDATE ON agreement_search '
               f'FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION search_on_document()')
    op.execute(f"UPDATE agreement_search SET document = search_document({every.replace('NEW.', '')}), "
               f"rank_document = search_document({ranked.replace('NEW.', '')}, '')")


def other(columns: Sequence[str]) -> Sequence[str]:
    """The document columns of the other side of this revision (whose function is replaced)."""
    return BEFORE if columns == AFTER else AFTER


def pg_feed_triggers() -> None:
    """The row triggers that keep the sectors column up to date."""
    for table, watched, agreement_ids in FEEDS:
        def refresh(row: str, agreement_ids=agreement_ids) -> str:
            return refresh_sql('postgresql', agreement_ids(row)) + ';'

        pg_function(f'search_on_{table}()', 'trigger', f"""BEGIN
            IF TG_OP <> 'INSERT' THEN {refresh('OLD')} END IF;
            IF TG_OP <> 'DELETE' THEN {refresh('NEW')} END IF;
            RETURN NULL;
        END""", language='plpgsql', volatility='VOLATILE')
        events = f'UPDATE OF {watched}' if table in UPDATE_ONLY else f'INSERT OR DELETE OR UPDATE OF {watched}'
        op.execute(f'CREATE TRIGGER search_{table} AFTER {events} ON {table} FOR EACH ROW '
                   f'EXECUTE FUNCTION search_on_{table}()')
