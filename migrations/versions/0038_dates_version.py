"""The dashboard's date-dependent figures kept across writes that cannot change them (issue 19): `kept_count` row
("version", "dates") is moved on by triggers on every write to what those figures read, the agreement's status,
renewal intent, signing, start and end, archiving and title, and its written-out terms, in the writing transaction.
The figures (agreements ending soon, the groups of needs attention, decisions per quarter, the first agreements
ending soon) were recounted after any write, 80 ms of SQLite's CPU at 100,000 agreements; now after such writes only.

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-07 06:45:00
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from alembic import op

revision: str = "0038"
down_revision: str | Sequence[str] | None = "0037"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# An upsert: a table emptied by hand (the tests' reset) gets its row back on the next write.
BUMP = (
    "INSERT INTO kept_count (kind, key, total) VALUES ('version', 'dates', 1) "
    "ON CONFLICT (kind, key) DO UPDATE SET total = kept_count.total + 1"
)
# The agreement's columns the date-dependent figures read (tracker/queries/expiring.py; the title orders the first
# agreements ending soon). The terms' own columns are covered by the agreement_term triggers.
COLUMNS = ("status", "renewal_intent", "signed_on", "start_on", "end_on", "archived_at", "title")


class Trigger(NamedTuple):
    """A row trigger moving the version on: its name, event, table and condition."""

    name: str
    event: str
    table: str
    when: str = ""


TRIGGERS = (
    Trigger("agreement_insert", "INSERT", "agreement"),
    Trigger("agreement_delete", "DELETE", "agreement"),
    Trigger(
        "agreement_dates",
        f"UPDATE OF {', '.join(COLUMNS)}",
        "agreement",
        " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in COLUMNS),
    ),
    Trigger("term_insert", "INSERT", "agreement_term"),
    Trigger("term_delete", "DELETE", "agreement_term"),
    Trigger("term_update", "UPDATE", "agreement_term"),
)


def upgrade() -> None:
    """Apply this revision."""
    op.execute("INSERT INTO kept_count (kind, key, total) VALUES ('version', 'dates', 0)")
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        body = f"BEGIN {BUMP}; RETURN NULL; END"
        op.execute(f"CREATE FUNCTION kept_dates_version() RETURNS trigger LANGUAGE plpgsql AS $$ {body} $$")
    for trigger in TRIGGERS:
        when = f" WHEN ({trigger.when})" if trigger.when else ""
        head = f"CREATE TRIGGER dates_{trigger.name} AFTER {trigger.event} ON {trigger.table} FOR EACH ROW{when}"
        op.execute(f"{head} EXECUTE FUNCTION kept_dates_version()" if postgresql else f"{head} BEGIN {BUMP}; END")


def downgrade() -> None:
    """Revert this revision."""
    postgresql = op.get_bind().dialect.name == "postgresql"
    for trigger in TRIGGERS:
        op.execute(f"DROP TRIGGER dates_{trigger.name}" + (f" ON {trigger.table}" if postgresql else ""))
    if postgresql:
        op.execute("DROP FUNCTION kept_dates_version()")
    op.execute("DELETE FROM kept_count WHERE kind = 'version'")
