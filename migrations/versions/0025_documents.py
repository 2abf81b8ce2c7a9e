"""Documents attached to agreements (issue 17): the `document` table, and their text in the agreements' search.

- `document`: one row per file attached to an agreement (its kind, language and date, the name it was uploaded
  under, media type, size, SHA-256 of the bytes kept in the documents folder, the text read from it, who uploaded it
  and when); archived, never deleted.
- Search: each agreement's document row in `agreement_search` gains `documents`, the text of its live documents,
  after `sources` (both long, both weight D, both left out of PostgreSQL's `rank_document`). Triggers on `document`
  keep it up to date as 0006's keep the sources (an archived document drops out). No agreement has documents yet,
  so every `documents` is empty and nothing is recomputed:
  - SQLite: the FTS5 table cannot gain a column, so `agreement_fts` is made again over the seven columns and rebuilt.
  - PostgreSQL: `search_document` takes seven columns (the last two capped, as the sources were) and the trigger
    that computes the tsvectors passes them.

The SQL is frozen with this revision; tracker/search.py repeats the document expressions to check and rebuild.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 17:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | Sequence[str] | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As in 0012: the long columns are capped in the tsvector, which must stay under 1 MB.
PG_LONG_CHARS = 250_000
# Only the start of a document's text is indexed, as only the start of a snapshot.
DOCUMENT_CHARS = 100_000
BEFORE = ("title", "summary", "notes", "parties", "sectors", "sources")
AFTER = (*BEFORE, "documents")
LONG = ("sources", "documents")
WEIGHTS = {"title": "A", "parties": "B", "sectors": "B", "summary": "B", "notes": "C", "sources": "D", "documents": "D"}
# The columns of a document row whose change changes an agreement's searched text.
WATCHED = "agreement_id, text, archived_at"


def documents_sql(dialect: str, agreement: str) -> str:
    """SQL: the text of the agreement's live documents, in the order they were attached."""
    if dialect == "sqlite":
        return f"""coalesce((SELECT group_concat(body, ' ') FROM (
            SELECT substr(d.text, 1, {DOCUMENT_CHARS}) AS body FROM document d
            WHERE d.agreement_id = {agreement} AND d.archived_at IS NULL ORDER BY d.id)), '')"""
    return f"""coalesce((SELECT string_agg(left(d.text, {DOCUMENT_CHARS}), ' ' ORDER BY d.id) FROM document d
        WHERE d.agreement_id = {agreement} AND d.archived_at IS NULL), '')"""


def refresh_sql(dialect: str, agreement_ids: str) -> str:
    """SQL: recompute the documents part of the search rows of the given agreements."""
    expression = documents_sql(dialect, "agreement_search.agreement_id")
    return f"UPDATE agreement_search SET documents = {expression} WHERE agreement_id IN ({agreement_ids})"


def upgrade() -> None:
    """Apply this revision."""
    create_document_table()
    op.add_column("agreement_search", sa.Column("documents", sa.Text(), server_default="", nullable=False))
    if op.get_bind().dialect.name == "sqlite":
        sqlite_index(AFTER)
        sqlite_feed_triggers()
    else:
        pg_document(AFTER)
        pg_feed_trigger()


def downgrade() -> None:
    """Revert this revision."""
    if op.get_bind().dialect.name == "sqlite":
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER search_attached_{event}")
        sqlite_drop_index()  # its triggers name the column
        op.drop_column("agreement_search", "documents")
        sqlite_index(BEFORE)
    else:
        op.execute("DROP FUNCTION search_on_attached() CASCADE")
        pg_document(BEFORE)
        op.drop_column("agreement_search", "documents")
    op.drop_index("ix_document_sha256", table_name="document")
    op.drop_index("ix_document_agreement_id", table_name="document")
    op.drop_table("document")


def create_document_table() -> None:
    """The attached documents."""
    op.create_table(
        "document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("signed_text", "annex", "letter", "other", name="kind", native_enum=False,
                    create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("dated_on", sa.Date(), nullable=True),
        sa.Column(
            "dated_precision",
            sa.Enum("year", "month", "day", name="dated_precision", native_enum=False, create_constraint=True,
                    length=32),
            nullable=True,
        ),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("archived_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("(dated_on IS NULL) = (dated_precision IS NULL)", name=op.f("ck_document_dated_complete")),
        sa.ForeignKeyConstraint(["agreement_id"], ["agreement.id"], name=op.f("fk_document_agreement_id_agreement"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["user.id"], name=op.f("fk_document_uploaded_by_id_user"),
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["archived_by_id"], ["user.id"], name=op.f("fk_document_archived_by_id_user"),
                                ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document")),
    )
    op.create_index("ix_document_agreement_id", "document", ["agreement_id", "archived_at"], unique=False)
    op.create_index("ix_document_sha256", "document", ["sha256"], unique=False)


# --- SQLite ---------------------------------------------------------------------------------------------


def sqlite_trigger(name: str, event: str, table: str, body: str, when: str = "") -> None:
    """CREATE TRIGGER search_<name> ... FOR EACH ROW [WHEN ...] BEGIN body END."""
    condition = f" WHEN {when}" if when else ""
    op.execute(f"CREATE TRIGGER search_{name} AFTER {event} ON {table} FOR EACH ROW{condition} BEGIN {body}; END")


def sqlite_drop_index() -> None:
    """Drop the FTS table and the triggers that feed it from `agreement_search`."""
    for event in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS search_fts_{event}")
    op.execute("DROP TABLE IF EXISTS agreement_fts")


def sqlite_index(columns: Sequence[str]) -> None:
    """Make the FTS5 table again over the given document columns, fill it, and add its triggers (as 0012)."""
    sqlite_drop_index()
    listed = ", ".join(columns)
    op.execute(f"CREATE VIRTUAL TABLE agreement_fts USING fts5({listed}, content='agreement_search', "
               "content_rowid='agreement_id', tokenize='unicode61 remove_diacritics 2')")
    op.execute("INSERT INTO agreement_fts (agreement_fts) VALUES ('rebuild')")

    def values(row: str) -> str:
        return ", ".join([f"{row}.agreement_id", *(f"{row}.{name}" for name in columns)])

    insert = f"INSERT INTO agreement_fts (rowid, {listed}) VALUES ({values('new')})"
    delete = f"INSERT INTO agreement_fts (agreement_fts, rowid, {listed}) VALUES ('delete', {values('old')})"
    changed = " OR ".join(f"old.{name} IS NOT new.{name}" for name in columns)
    sqlite_trigger("fts_insert", "INSERT", "agreement_search", insert)
    sqlite_trigger("fts_delete", "DELETE", "agreement_search", delete)
    sqlite_trigger("fts_update", "UPDATE", "agreement_search", f"{delete}; {insert}", when=changed)


def sqlite_feed_triggers() -> None:
    """The triggers that keep the documents column up to date (documents are never deleted; the trigger is there
    for a cascade from a deleted agreement's test data)."""
    changed = "SELECT old.agreement_id UNION SELECT new.agreement_id"
    sqlite_trigger("attached_insert", "INSERT", "document", refresh_sql("sqlite", "SELECT new.agreement_id"))
    sqlite_trigger("attached_update", f"UPDATE OF {WATCHED}", "document", refresh_sql("sqlite", changed))
    sqlite_trigger("attached_delete", "DELETE", "document", refresh_sql("sqlite", "SELECT old.agreement_id"))


# --- PostgreSQL -----------------------------------------------------------------------------------------


def pg_function(signature: str, returns: str, body: str, language: str = "sql", volatility: str = "STABLE") -> None:
    """CREATE FUNCTION with a dollar-quoted body."""
    op.execute(f"CREATE FUNCTION {signature} RETURNS {returns} LANGUAGE {language} {volatility} "
               f"AS $body$ {body} $body$")


def pg_document(columns: Sequence[str]) -> None:
    """(Re)make `search_document` over the given columns and the trigger that computes the tsvectors (as 0012); the
    stored tsvectors stay right: the documents column is empty on both sides of this revision."""
    previous = BEFORE if columns == AFTER else AFTER
    op.execute("DROP FUNCTION search_on_document() CASCADE")
    op.execute(f"DROP FUNCTION search_document({', '.join('text' for _name in previous)})")
    parts = []
    for position, name in enumerate(columns, start=1):
        value = f"left(${position}, {PG_LONG_CHARS})" if name in LONG else f"${position}"
        parts.append(f"setweight(to_tsvector('simple', search_words(search_fold({value}))), '{WEIGHTS[name]}')")
    signature = f"search_document({', '.join('text' for _name in columns)})"
    pg_function(signature, "tsvector", "SELECT " + " || ".join(parts), volatility="IMMUTABLE PARALLEL SAFE")
    every = ", ".join(f"NEW.{name}" for name in columns)
    ranked = ", ".join(f"NEW.{name}" if name not in LONG else "''" for name in columns)
    pg_function("search_on_document()", "trigger", f"""BEGIN
        NEW.document := search_document({every});
        NEW.rank_document := search_document({ranked});
        RETURN NEW;
    END""", language="plpgsql", volatility="VOLATILE")
    changed = " OR ".join(f"OLD.{name} IS DISTINCT FROM NEW.{name}" for name in columns)
    op.execute("CREATE TRIGGER search_document_insert BEFORE INSERT ON agreement_search "
               "FOR EACH ROW EXECUTE FUNCTION search_on_document()")
    op.execute(f"CREATE TRIGGER search_document_update BEFORE UPDATE ON agreement_search "
               f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION search_on_document()")


def pg_feed_trigger() -> None:
    """The row trigger that keeps the documents column up to date."""

    def refresh(row: str) -> str:
        return refresh_sql("postgresql", f"SELECT {row}.agreement_id") + ";"

    pg_function("search_on_attached()", "trigger", f"""BEGIN
        IF TG_OP <> 'INSERT' THEN {refresh('OLD')} END IF;
        IF TG_OP <> 'DELETE' THEN {refresh('NEW')} END IF;
        RETURN NULL;
    END""", language="plpgsql", volatility="VOLATILE")
    op.execute(f"CREATE TRIGGER search_attached AFTER INSERT OR DELETE OR UPDATE OF {WATCHED} ON document "
               "FOR EACH ROW EXECUTE FUNCTION search_on_attached()")
