"""PostgreSQL: the insert triggers of the kept counts, versions and notice bound (migrations 0036, 0038–0040) stand
aside in a transaction that counts its own rows by batch (issue 19).

Each of those triggers updates one of a few `kept_count` rows for every inserted row. PostgreSQL writes a new version
of the row on every update, and within one transaction none of the old versions can be pruned, so each update walks
a longer chain: 5,000 agreements in one transaction took 0.2 s of triggers, 40,000 took 11.5 s (quadratic). A large
import or the synthetic seed therefore sets `tracker.counted_by_caller` to 'on' for its transaction
(tracker/importing/kept.py `insert_triggers_off`) and adds each batch's counts in one statement, as it already did
on SQLite by dropping the triggers. A setting rather than DROP or ALTER TABLE ... DISABLE TRIGGER: those lock the
table against every other reader and writer until the import commits, and the setting is the transaction's own.
Every other transaction fires the triggers as before. SQLite keeps its triggers unchanged.

Revision ID: 0042
Revises: 0041
Create Date: 2026-12-07 12:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0042"
down_revision: str | Sequence[str] | None = "0041"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (trigger, timing, table, function) of every insert trigger that counts or moves a version on.
INSERT_TRIGGERS = (
    ("kept_agreement_insert", "AFTER", "agreement", "kept_agreement_insert"),
    ("kept_facet_insert", "AFTER", "agreement", "kept_facet_insert"),
    ("dates_agreement_insert", "AFTER", "agreement", "kept_dates_version"),
    ("terms_agreement_insert", "AFTER", "agreement", "kept_terms_version"),
    ("kept_party_link_insert", "BEFORE", "agreement_party", "kept_party_link_insert"),
    ("kept_sector_link_insert", "AFTER", "agreement_sector", "kept_sector_link_insert"),
    ("kept_source_insert", "AFTER", "source", "kept_source_insert"),
    ("dates_term_insert", "AFTER", "agreement_term", "kept_dates_version"),
    ("terms_term_insert", "AFTER", "agreement_term", "kept_terms_version"),
    ("notice_bound_insert", "AFTER", "agreement_term", "kept_notice_bound"),
)
# Unset (NULL, with missing_ok) or anything but 'on': the trigger fires.
NOT_COUNTED_BY_CALLER = "current_setting('tracker.counted_by_caller', true) IS DISTINCT FROM 'on'"


def upgrade() -> None:
    """Apply this revision."""
    if op.get_bind().dialect.name == "postgresql":
        recreate(f" WHEN ({NOT_COUNTED_BY_CALLER})")


def downgrade() -> None:
    """Revert this revision."""
    if op.get_bind().dialect.name == "postgresql":
        recreate("")


def recreate(when: str) -> None:
    """Each insert trigger again, with the condition `when` (empty: none)."""
    for name, timing, table, function in INSERT_TRIGGERS:
        op.execute(f"DROP TRIGGER {name} ON {table}")
        op.execute(
            f"CREATE TRIGGER {name} {timing} INSERT ON {table} FOR EACH ROW{when} EXECUTE FUNCTION {function}()"
        )
