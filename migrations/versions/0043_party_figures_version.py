"""A party page's figures kept across writes that cannot change them (issue 19): `kept_count` row ("version",
"parties") is moved on by triggers on every write to what those figures read (tracker/queries/parties.py
`party_figures`), in the writing transaction, whoever writes.

The figures (how many agreements the party and its units take part in and how many are implemented, how many live
agreements there are in all, the partners sharing most of them, the newest sources with how many each supports) read
the party links, the source links, the agreement's implementation and archiving, the partner's name (the partners'
order) and archiving, the source's publication date (the sources' order) and archiving. They were recomputed after
any write whatsoever (they were kept per data version): 350 ms of SQLite's CPU for the ministry's page at 100,000
agreements after a write that only touched one agreement's `updated_at`. The units under a party (its tree) are read
afresh on every view and are part of the figures' key, so a unit's parent is covered twice: a parent moved here also
moves the version.

Each trigger bumps the version as 0038's do (an upsert). A new agreement moves it (the count of all live agreements
changes); so does a new or deleted source, though it has no links: a party on many agreements finds its newest
sources among the newest of all (`newest_sources`), and only where a live agreement names an archived source (raw
SQL) could that walk and the grouping it falls back to differ. A new party does not (it has no links yet; its first
link does), nor a deleted one (a party with links cannot be deleted: the links restrict it); an agreement's delete
takes its links with it and moves the version itself. On PostgreSQL the insert triggers stand aside in a transaction
that counts by batch (migration 0042, tracker/importing/kept.py), which moves the version on by as many in one
statement.

Revision ID: 0043
Revises: 0042
Create Date: 2026-12-07 13:20:00
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from alembic import op

revision: str = "0043"
down_revision: str | Sequence[str] | None = "0042"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# An upsert, as migration 0038's: a table emptied by hand (the tests' reset) gets its row back on the next write.
BUMP = (
    "INSERT INTO kept_count (kind, key, total) VALUES ('version', 'parties', 1) "
    "ON CONFLICT (kind, key) DO UPDATE SET total = kept_count.total + 1"
)
# As migration 0042's: unset or anything but 'on', the insert trigger fires.
NOT_COUNTED_BY_CALLER = "current_setting('tracker.counted_by_caller', true) IS DISTINCT FROM 'on'"


class Trigger(NamedTuple):
    """A row trigger moving the version on: its name, event, table and, for an update, the columns it watches."""

    name: str
    event: str
    table: str
    columns: tuple[str, ...] = ()


# Per table, the columns the figures read (an update of any other column, a note or a title, keeps them).
TRIGGERS = (
    Trigger("agreement_insert", "INSERT", "agreement"),
    Trigger("agreement_delete", "DELETE", "agreement"),
    Trigger("agreement_update", "UPDATE", "agreement", ("implementation", "archived_at")),
    Trigger("party_link_insert", "INSERT", "agreement_party"),
    Trigger("party_link_delete", "DELETE", "agreement_party"),
    Trigger("party_link_update", "UPDATE", "agreement_party", ("agreement_id", "party_id")),
    Trigger("source_link_insert", "INSERT", "agreement_source"),
    Trigger("source_link_delete", "DELETE", "agreement_source"),
    Trigger("source_link_update", "UPDATE", "agreement_source", ("agreement_id", "source_id")),
    Trigger("source_insert", "INSERT", "source"),
    Trigger("source_delete", "DELETE", "source"),
    Trigger("source_update", "UPDATE", "source", ("published_on", "archived_at")),
    Trigger("party_update", "UPDATE", "party", ("name", "parent_id", "archived_at")),
)


def head(trigger: Trigger, postgresql: bool) -> str:
    """CREATE TRIGGER ... up to the body: an update trigger fires when a watched column changes, an insert trigger
    on PostgreSQL unless the transaction counts by batch."""
    event, when = trigger.event, ""
    if trigger.columns:
        event = f"UPDATE OF {', '.join(trigger.columns)}"
        when = " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in trigger.columns)
    elif postgresql and trigger.event == "INSERT":
        when = NOT_COUNTED_BY_CALLER
    condition = f" WHEN ({when})" if when else ""
    return f"CREATE TRIGGER parties_{trigger.name} AFTER {event} ON {trigger.table} FOR EACH ROW{condition}"


def upgrade() -> None:
    """Apply this revision."""
    op.execute("INSERT INTO kept_count (kind, key, total) VALUES ('version', 'parties', 0)")
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        body = f"BEGIN {BUMP}; RETURN NULL; END"
        op.execute(f"CREATE FUNCTION kept_parties_version() RETURNS trigger LANGUAGE plpgsql AS $$ {body} $$")
    for trigger in TRIGGERS:
        start = head(trigger, postgresql)
        op.execute(f"{start} EXECUTE FUNCTION kept_parties_version()" if postgresql else f"{start} BEGIN {BUMP}; END")


def downgrade() -> None:
    """Revert this revision."""
    postgresql = op.get_bind().dialect.name == "postgresql"
    for trigger in TRIGGERS:
        op.execute(f"DROP TRIGGER parties_{trigger.name}" + (f" ON {trigger.table}" if postgresql else ""))
    if postgresql:
        op.execute("DROP FUNCTION kept_parties_version()")
    op.execute("DELETE FROM kept_count WHERE kind = 'version' AND key = 'parties'")
