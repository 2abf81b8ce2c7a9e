"""How far back a running term's decision date can lie, and a version of what the terms' figures read (issue 19).

`kept_count` row ("bound", "notice days") holds an upper bound of every written-out term's end less its decision
date (the longest notice period in days), raised by triggers on every insert and update of `agreement_term` in the
writing transaction, whoever writes. A term running on a day decides no earlier than that day less the bound, so the
expiring list, its count and the passed decisions read the terms deciding from then on (6,179 of 227,863 at 100,000
agreements) rather than every term deciding by the window's end (49,170). An index of the terms by agreement and end
answers "has it a term running on the day?" from the index alone, for each agreement ending in the window (the
primary key read each term's row for its end).

`kept_count` row ("version", "terms") is moved on, as 0038's ("version", "dates"), by every write to what the
dashboard's figures from the terms read (tracker/queries/dashboard.TermFigures): the terms, and the agreement's
status, renewal intent, signing, start and archiving (not its end nor its title). A write to an end or a title alone
then recounts only the other date-dependent figures.

The bound only grows: a deleted term leaves it as it was, still an upper bound. Without the row (a table emptied by
hand) the queries read every term as before, and the triggers do not put it back: a row made from one new term would
not bound the terms already there.

Revision ID: 0040
Revises: 0039
Create Date: 2026-12-07 09:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0040"
# Written against 0038; the lead rebases it onto 0039 on merge.
down_revision: str | Sequence[str] | None = "0039"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A term's notice in days, as each engine subtracts dates (SQLite keeps them as ISO text).
NOTICE = {
    "sqlite": "CAST(julianday({row}.end_on) - julianday({row}.decision_on) AS INTEGER)",
    "postgresql": "({row}.end_on - {row}.decision_on)",
}
ROW = "kind = 'bound' AND key = 'notice days'"
# As 0038's, for the terms version.
BUMP = (
    "INSERT INTO kept_count (kind, key, total) VALUES ('version', 'terms', 1) "
    "ON CONFLICT (kind, key) DO UPDATE SET total = kept_count.total + 1"
)
# The agreement's columns the terms' figures read besides the terms.
COLUMNS = ("status", "renewal_intent", "signed_on", "start_on", "archived_at")
VERSION_TRIGGERS = (
    ("agreement_insert", "INSERT", "agreement", ""),
    ("agreement_delete", "DELETE", "agreement", ""),
    (
        "agreement_terms",
        f"UPDATE OF {', '.join(COLUMNS)}",
        "agreement",
        " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in COLUMNS),
    ),
    ("term_insert", "INSERT", "agreement_term", ""),
    ("term_delete", "DELETE", "agreement_term", ""),
    ("term_update", "UPDATE", "agreement_term", ""),
)


def raise_bound(notice: str) -> str:
    """Raise the bound to `notice` when it is below; no write otherwise (most terms are within it)."""
    return f"UPDATE kept_count SET total = {notice} WHERE {ROW} AND total < {notice}"


def upgrade() -> None:
    """Apply this revision."""
    op.create_index("ix_agreement_term_agreement_end", "agreement_term", ["agreement_id", "end_on"])
    dialect = op.get_bind().dialect.name
    every = NOTICE[dialect].format(row="agreement_term")
    op.execute(
        "INSERT INTO kept_count (kind, key, total) "
        f"SELECT 'bound', 'notice days', coalesce(max({every}), 0) FROM agreement_term"
    )
    new = NOTICE[dialect].format(row="NEW")
    if dialect == "postgresql":
        body = f"BEGIN {raise_bound(new)}; RETURN NULL; END"
        op.execute(f"CREATE FUNCTION kept_notice_bound() RETURNS trigger LANGUAGE plpgsql AS $$ {body} $$")
    for name, event in (("insert", "INSERT"), ("update", "UPDATE OF end_on, decision_on")):
        head = f"CREATE TRIGGER notice_bound_{name} AFTER {event} ON agreement_term FOR EACH ROW"
        if dialect == "postgresql":
            op.execute(f"{head} EXECUTE FUNCTION kept_notice_bound()")
        else:
            op.execute(f"{head} BEGIN {raise_bound(new)}; END")
    create_terms_version(dialect == "postgresql")
    # Statistics for the new index, or SQLite's planner may not choose it on a database analysed before (the
    # benchmark's, a deployment's): the running-term checks would read every term's row again.
    op.execute("ANALYZE agreement_term")


def create_terms_version(postgresql: bool) -> None:
    """The terms version's row and the triggers moving it on."""
    op.execute("INSERT INTO kept_count (kind, key, total) VALUES ('version', 'terms', 0)")
    if postgresql:
        body = f"BEGIN {BUMP}; RETURN NULL; END"
        op.execute(f"CREATE FUNCTION kept_terms_version() RETURNS trigger LANGUAGE plpgsql AS $$ {body} $$")
    for name, event, table, when in VERSION_TRIGGERS:
        condition = f" WHEN ({when})" if when else ""
        head = f"CREATE TRIGGER terms_{name} AFTER {event} ON {table} FOR EACH ROW{condition}"
        op.execute(f"{head} EXECUTE FUNCTION kept_terms_version()" if postgresql else f"{head} BEGIN {BUMP}; END")


def downgrade() -> None:
    """Revert this revision."""
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name, _event, table, _when in VERSION_TRIGGERS:
        op.execute(f"DROP TRIGGER terms_{name}" + (f" ON {table}" if postgresql else ""))
    if postgresql:
        op.execute("DROP FUNCTION kept_terms_version()")
    op.execute("DELETE FROM kept_count WHERE kind = 'version' AND key = 'terms'")
    for name in ("insert", "update"):
        op.execute(f"DROP TRIGGER notice_bound_{name}" + (" ON agreement_term" if postgresql else ""))
    if postgresql:
        op.execute("DROP FUNCTION kept_notice_bound()")
    op.execute(f"DELETE FROM kept_count WHERE {ROW}")
    op.drop_index("ix_agreement_term_agreement_end", table_name="agreement_term")
