"""Full-text search over agreements (SQLite FTS5 / PostgreSQL tsvector) kept in sync by triggers; query indexes.

Every agreement has a row in `agreement_search` holding its searchable text: title (both languages), summary,
notes, the names and aliases of its live parties, and the titles and latest snapshot text of its live sources.
Triggers on every table that feeds it keep the row up to date, whichever code writes (ORM, Core, bulk loads):

- SQLite: the FTS5 table `agreement_fts` indexes `agreement_search` as its external content, maintained by the
  usual insert / 'delete' triggers on `agreement_search`; unicode61 folds case and diacritics.
- PostgreSQL: `agreement_search.document` is a weighted `tsvector` (config 'simple': the text is Indonesian and
  English) with a GIN index, computed by a BEFORE trigger; `search_fold()` strips diacritics with the unaccent
  extension when it can be installed, and is a no-op otherwise. `rank_document` is the same without the sources'
  text: small enough to stay inside the row, so ranking thousands of matches does not read every long document.

The SQL here is frozen with this revision; tracker/search.py repeats the document expressions to check and
rebuild the index, and tests/data/test_search_index.py checks that both agree.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 01:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | Sequence[str] | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Only the start of a snapshot is indexed; PostgreSQL also caps the sources text of one agreement, as a
# tsvector must stay under 1 MB.
SNAPSHOT_CHARS = 100_000
PG_SOURCES_CHARS = 250_000
COLUMNS = ('title', 'summary', 'notes', 'parties', 'sources')

# Query-page filters and sorts, the expiring view and the dashboard (see the models).
INDEXES = [
    ('agreement', 'ix_agreement_instrument_type', ['instrument_type']),
    ('agreement', 'ix_agreement_renewal_intent', ['renewal_intent']),
    # Ordering, and counting live rows from the index alone (see the models).
    ('agreement', 'ix_agreement_updated_at', ['updated_at', 'archived_at']),
    ('source', 'ix_source_created_at', ['created_at', 'archived_at']),
]


def sqlite_parties(agreement: str) -> str:
    """SQL: names and aliases of the agreement's live parties, in a fixed order."""
    return f"""coalesce((SELECT group_concat(names, ' ') FROM (
        SELECT (SELECT p.name || coalesce(' ' || (SELECT group_concat(alias, ' ') FROM (
                SELECT pa.alias FROM party_alias pa WHERE pa.party_id = p.id ORDER BY pa.alias, pa.id)), '')
            FROM party p WHERE p.id = ap.party_id AND p.archived_at IS NULL) AS names
        FROM (SELECT DISTINCT party_id FROM agreement_party WHERE agreement_id = {agreement}) AS ap
        ORDER BY ap.party_id)), '')"""


def sqlite_sources(agreement: str) -> str:
    """SQL: titles and latest snapshot text of the agreement's live sources, in a fixed order."""
    return f"""coalesce((SELECT group_concat(body, ' ') FROM (
        SELECT (SELECT s.title || coalesce(' ' || (
                SELECT substr(ss.text, 1, {SNAPSHOT_CHARS}) FROM source_snapshot ss WHERE ss.source_id = s.id
                ORDER BY ss.retrieved_at DESC, ss.id DESC LIMIT 1), '')
            FROM source s WHERE s.id = ls.source_id AND s.archived_at IS NULL) AS body
        FROM agreement_source ls WHERE ls.agreement_id = {agreement}
        ORDER BY ls.source_id)), '')"""


def pg_parties(agreement: str) -> str:
    """SQL: names and aliases of the agreement's live parties, in a fixed order."""
    return f"""coalesce((SELECT string_agg(names, ' ' ORDER BY party_id) FROM (
        SELECT ap.party_id, (SELECT p.name || coalesce(' ' || (
                SELECT string_agg(pa.alias, ' ' ORDER BY pa.alias, pa.id) FROM party_alias pa
                WHERE pa.party_id = p.id), '')
            FROM party p WHERE p.id = ap.party_id AND p.archived_at IS NULL) AS names
        FROM (SELECT DISTINCT party_id FROM agreement_party WHERE agreement_id = {agreement}) AS ap
        ) AS linked), '')"""


def pg_sources(agreement: str) -> str:
    """SQL: titles and latest snapshot text of the agreement's live sources, in a fixed order."""
    return f"""coalesce((SELECT string_agg(body, ' ' ORDER BY source_id) FROM (
        SELECT ls.source_id, (SELECT s.title || coalesce(' ' || (
                SELECT left(ss.text, {SNAPSHOT_CHARS}) FROM source_snapshot ss WHERE ss.source_id = s.id
                ORDER BY ss.retrieved_at DESC, ss.id DESC LIMIT 1), '')
            FROM source s WHERE s.id = ls.source_id AND s.archived_at IS NULL) AS body
        FROM agreement_source ls WHERE ls.agreement_id = {agreement}) AS linked), '')"""


def agreements_of_party(party_id: str) -> str:
    """SQL: ids of the agreements a party takes part in."""
    return f"SELECT agreement_id FROM agreement_party WHERE party_id = {party_id}"


def agreements_of_source(source_id: str) -> str:
    """SQL: ids of the agreements a source is linked to."""
    return f"SELECT agreement_id FROM agreement_source WHERE source_id = {source_id}"


# What feeds each part of the document: (table, columns whose change matters, column refreshed,
# agreement ids touched given a row prefix "old"/"new").
FEEDS = [
    ('agreement_party', 'agreement_id, party_id', 'parties', lambda row: f'SELECT {row}.agreement_id'),
    ('party', 'name, archived_at', 'parties', lambda row: agreements_of_party(f'{row}.id')),
    ('party_alias', 'alias, party_id', 'parties', lambda row: agreements_of_party(f'{row}.party_id')),
    ('agreement_source', 'agreement_id, source_id', 'sources', lambda row: f'SELECT {row}.agreement_id'),
    ('source', 'title, archived_at', 'sources', lambda row: agreements_of_source(f'{row}.id')),
    ('source_snapshot', 'source_id, text, retrieved_at', 'sources', lambda row: agreements_of_source(f'{row}.source_id')),
]
# A new party or source is in no agreement yet, and one in an agreement cannot be deleted (the foreign keys
# restrict): only their updates matter.
UPDATE_ONLY = {'party', 'source'}


def create_document_table() -> None:
    """The plain table of each agreement's searchable text."""
    op.create_table('agreement_search',
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    *[sa.Column(name, sa.Text(), server_default='', nullable=False) for name in COLUMNS],
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_agreement_search_agreement_id_agreement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('agreement_id', name=op.f('pk_agreement_search'))
    )


def upgrade() -> None:
    """Apply this revision."""
    for table, name, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)
    op.drop_index('ix_agreement_party_party_id', table_name='agreement_party')
    op.create_index('ix_agreement_party_party_id', 'agreement_party', ['party_id', 'agreement_id'], unique=False)
    op.drop_index('ix_agreement_sector_sector_id', table_name='agreement_sector')
    op.create_index('ix_agreement_sector_sector_id', 'agreement_sector', ['sector_id', 'agreement_id'], unique=False)
    create_document_table()
    if op.get_bind().dialect.name == 'sqlite':
        sqlite_upgrade()
    else:
        postgresql_upgrade()


def downgrade() -> None:
    """Revert this revision."""
    if op.get_bind().dialect.name == 'sqlite':
        sqlite_downgrade()
    else:
        postgresql_downgrade()
    op.drop_table('agreement_search')
    op.drop_index('ix_agreement_sector_sector_id', table_name='agreement_sector')
    op.create_index('ix_agreement_sector_sector_id', 'agreement_sector', ['sector_id'], unique=False)
    op.drop_index('ix_agreement_party_party_id', table_name='agreement_party')
    op.create_index('ix_agreement_party_party_id', 'agreement_party', ['party_id'], unique=False)
    for table, name, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)


# --- SQLite ---------------------------------------------------------------------------------------------


def sqlite_trigger(name: str, event: str, table: str, body: str, when: str = '') -> None:
    """CREATE TRIGGER search_<name> ... FOR EACH ROW [WHEN ...] BEGIN body END."""
    condition = f' WHEN {when}' if when else ''
    op.execute(f'CREATE TRIGGER search_{name} AFTER {event} ON {table} FOR EACH ROW{condition} BEGIN {body}; END')


def sqlite_refresh(column: str, agreement_ids: str) -> str:
    """SQL: recompute one part of the documents of the given agreements."""
    expression = {'parties': sqlite_parties, 'sources': sqlite_sources}[column]('agreement_search.agreement_id')
    return f'UPDATE agreement_search SET {column} = {expression} WHERE agreement_id IN ({agreement_ids})'


def sqlite_triggers() -> None:
    """Create the triggers that keep `agreement_search` up to date."""
    title = "new.title || ' ' || new.title_local"
    sqlite_trigger('agreement_insert', 'INSERT', 'agreement',
                   'INSERT INTO agreement_search (agreement_id, title, summary, notes, parties, sources) '
                   f"VALUES (new.id, {title}, new.summary, new.notes, {sqlite_parties('new.id')}, "
                   f"{sqlite_sources('new.id')})")
    sqlite_trigger('agreement_update', 'UPDATE OF title, title_local, summary, notes', 'agreement',
                   f'UPDATE agreement_search SET title = {title}, summary = new.summary, notes = new.notes '
                   'WHERE agreement_id = new.id')
    # The foreign key cascades too, but only where PRAGMA foreign_keys is on.
    sqlite_trigger('agreement_delete', 'DELETE', 'agreement', 'DELETE FROM agreement_search WHERE agreement_id = old.id')
    for table, watched, column, agreement_ids in FEEDS:
        sqlite_trigger(f'{table}_update', f'UPDATE OF {watched}', table,
                       sqlite_refresh(column, f"{agreement_ids('old')} UNION {agreement_ids('new')}"))
        if table not in UPDATE_ONLY:
            sqlite_trigger(f'{table}_insert', 'INSERT', table, sqlite_refresh(column, agreement_ids('new')))
            sqlite_trigger(f'{table}_delete', 'DELETE', table, sqlite_refresh(column, agreement_ids('old')))


def fts_values(row: str) -> str:
    """The values of a document row as the FTS table takes them: rowid first."""
    return ', '.join([f'{row}.agreement_id', *(f'{row}.{name}' for name in COLUMNS)])


def sqlite_upgrade() -> None:
    """FTS5 over the document table, the triggers, and a backfill of existing agreements."""
    columns = ', '.join(COLUMNS)
    op.execute(f"CREATE VIRTUAL TABLE agreement_fts USING fts5({columns}, content='agreement_search', "
               "content_rowid='agreement_id', tokenize='unicode61 remove_diacritics 2')")
    insert = f'INSERT INTO agreement_fts (rowid, {columns}) VALUES ({fts_values("new")})'
    delete = f"INSERT INTO agreement_fts (agreement_fts, rowid, {columns}) VALUES ('delete', {fts_values('old')})"
    changed = ' OR '.join(f'old.{name} IS NOT new.{name}' for name in COLUMNS)
    sqlite_trigger('fts_insert', 'INSERT', 'agreement_search', insert)
    sqlite_trigger('fts_delete', 'DELETE', 'agreement_search', delete)
    sqlite_trigger('fts_update', 'UPDATE', 'agreement_search', f'{delete}; {insert}', when=changed)
    sqlite_triggers()
    op.execute('INSERT INTO agreement_search (agreement_id, title, summary, notes, parties, sources) '
               "SELECT a.id, a.title || ' ' || a.title_local, a.summary, a.notes, "
               f"{sqlite_parties('a.id')}, {sqlite_sources('a.id')} FROM agreement a")


def sqlite_downgrade() -> None:
    """Drop the triggers and the FTS table (with its shadow tables)."""
    names = [row[0] for row in op.get_bind().execute(
        sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'search!_%' ESCAPE '!'"))]
    for name in names:
        op.execute(f'DROP TRIGGER {name}')
    op.execute('DROP TABLE agreement_fts')


# --- PostgreSQL -----------------------------------------------------------------------------------------


def unaccent_schema() -> str | None:
    """Install unaccent if allowed (it is a trusted extension); the schema it lives in, or None without it."""
    bind = op.get_bind()
    try:
        with bind.begin_nested():
            bind.execute(sa.text('CREATE EXTENSION IF NOT EXISTS unaccent'))
    except sa.exc.DBAPIError:
        return None  # not available on this server, or not allowed: search still works, without folding accents
    return bind.scalar(sa.text("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'unaccent'"))


def pg_function(signature: str, returns: str, body: str, language: str = 'sql', volatility: str = 'STABLE') -> None:
    """CREATE FUNCTION with a dollar-quoted body."""
    op.execute(f'CREATE FUNCTION {signature} RETURNS {returns} LANGUAGE {language} {volatility} AS $body$ {body} $body$')


def pg_refresh_function(table: str, column: str, agreement_ids) -> None:
    """A row trigger function that recomputes one part of the documents the changed row belongs to."""
    expression = {'parties': pg_parties, 'sources': pg_sources}[column]('agreement_search.agreement_id')

    def refresh(row: str) -> str:
        return f'UPDATE agreement_search SET {column} = {expression} WHERE agreement_id IN ({agreement_ids(row)});'

    pg_function(f'search_on_{table}()', 'trigger', f"""BEGIN
        IF TG_OP <> 'INSERT' THEN {refresh('OLD')} END IF;
        IF TG_OP <> 'DELETE' THEN {refresh('NEW')} END IF;
        RETURN NULL;
    END""", language='plpgsql', volatility='VOLATILE')


def pg_trigger(name: str, timing: str, table: str, function: str, when: str = '') -> None:
    """CREATE TRIGGER search_<name> ... FOR EACH ROW EXECUTE FUNCTION function()."""
    condition = f' WHEN ({when})' if when else ''
    op.execute(f'CREATE TRIGGER search_{name} {timing} ON {table} FOR EACH ROW{condition} EXECUTE FUNCTION {function}()')


def postgresql_upgrade() -> None:
    """The tsvector column with its GIN index, the functions and triggers, and a backfill."""
    schema = unaccent_schema()
    fold = f"{schema}.unaccent('{schema}.unaccent'::regdictionary, $1)" if schema else '$1'
    pg_function('search_fold(text)', 'text', f'SELECT {fold}', volatility='IMMUTABLE PARALLEL SAFE')
    weights = {'title': 'A', 'parties': 'B', 'summary': 'B', 'notes': 'C', 'sources': 'D'}
    parts = [f"setweight(to_tsvector('simple', search_fold(${position})), '{weights[name]}')"
             for position, name in enumerate(COLUMNS, start=1)]
    parts[-1] = parts[-1].replace('search_fold($5)', f'search_fold(left($5, {PG_SOURCES_CHARS}))')
    pg_function('search_document(text, text, text, text, text)', 'tsvector', 'SELECT ' + ' || '.join(parts),
                volatility='IMMUTABLE PARALLEL SAFE')
    op.add_column('agreement_search', sa.Column('document', sa.dialects.postgresql.TSVECTOR(), nullable=True))
    op.add_column('agreement_search', sa.Column('rank_document', sa.dialects.postgresql.TSVECTOR(), nullable=True))
    op.create_index('ix_agreement_search_document', 'agreement_search', ['document'], postgresql_using='gin')

    pg_function('search_on_document()', 'trigger', f"""BEGIN
        NEW.document := search_document({', '.join(f'NEW.{name}' for name in COLUMNS)});
        NEW.rank_document := search_document({', '.join(f'NEW.{name}' for name in COLUMNS[:-1])}, '');
        RETURN NEW;
    END""", language='plpgsql', volatility='VOLATILE')
    changed = ' OR '.join(f'OLD.{name} IS DISTINCT FROM NEW.{name}' for name in COLUMNS)
    pg_trigger('document_insert', 'BEFORE INSERT', 'agreement_search', 'search_on_document')
    pg_trigger('document_update', 'BEFORE UPDATE', 'agreement_search', 'search_on_document', when=changed)

    title = "NEW.title || ' ' || NEW.title_local"
    pg_function('search_on_agreement()', 'trigger', f"""BEGIN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO agreement_search (agreement_id, title, summary, notes, parties, sources)
            VALUES (NEW.id, {title}, NEW.summary, NEW.notes, {pg_parties('NEW.id')}, {pg_sources('NEW.id')});
        ELSE
            UPDATE agreement_search SET title = {title}, summary = NEW.summary, notes = NEW.notes
            WHERE agreement_id = NEW.id;
        END IF;
        RETURN NULL;
    END""", language='plpgsql', volatility='VOLATILE')
    pg_trigger('agreement_insert', 'AFTER INSERT', 'agreement', 'search_on_agreement')
    pg_trigger('agreement_update', 'AFTER UPDATE OF title, title_local, summary, notes', 'agreement',
               'search_on_agreement')
    for table, watched, column, agreement_ids in FEEDS:
        pg_refresh_function(table, column, agreement_ids)
        events = f'UPDATE OF {watched}' if table in UPDATE_ONLY else f'INSERT OR DELETE OR UPDATE OF {watched}'
        pg_trigger(table, f'AFTER {events}', table, f'search_on_{table}')

    op.execute('INSERT INTO agreement_search (agreement_id, title, summary, notes, parties, sources) '
               "SELECT a.id, a.title || ' ' || a.title_local, a.summary, a.notes, "
               f"{pg_parties('a.id')}, {pg_sources('a.id')} FROM agreement a")
    op.alter_column('agreement_search', 'document', nullable=False)
    op.alter_column('agreement_search', 'rank_document', nullable=False)


def postgresql_downgrade() -> None:
    """Drop the triggers and functions (the extension stays: other code may use it)."""
    for table, *_rest in [('agreement',), *FEEDS]:
        op.execute(f'DROP FUNCTION search_on_{table}() CASCADE')
    op.execute('DROP FUNCTION search_on_document() CASCADE')
    op.execute('DROP INDEX ix_agreement_search_document')
    op.drop_column('agreement_search', 'rank_document')
    op.drop_column('agreement_search', 'document')
    op.execute('DROP FUNCTION search_document(text, text, text, text, text)')
    op.execute('DROP FUNCTION search_fold(text)')
