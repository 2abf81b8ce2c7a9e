"""Renewal intent "not recorded", apart from "no renewal planned": the column's CHECK constraint accepts it.

No row changes: an agreement recorded as "none" keeps that value (a decision may lie behind it); new agreements
and blank import cells take "not_recorded".

- PostgreSQL: the named constraint is dropped and made again with the new list.
- SQLite: a table's CHECK constraint can only change by rewriting its CREATE statement. Copying `agreement` into a
  new table (Alembic's batch mode) would, with foreign keys on, cascade the drop of the old table to its links, and
  lose its search triggers; so the stored statement is edited in place, the procedure SQLite documents for removing
  or loosening a CHECK constraint ("Making Other Kinds Of Table Schema Changes", sqlite.org/lang_altertable.html):
  the new list accepts every value the old one did, so no row can break it.

The downgrade turns "not_recorded" into "none" first (the only value the old list has for it).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0014'
down_revision: str | Sequence[str] | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONSTRAINT = 'ck_agreement_renewal_intent'
BEFORE = ('none', 'intended', 'in_negotiation', 'renewed')
AFTER = ('not_recorded', 'none', 'intended', 'in_negotiation', 'renewed')


def values_sql(values: Sequence[str]) -> str:
    """SQL: the constraint's list, as SQLAlchemy writes it ("'a', 'b'")."""
    return ', '.join(f"'{value}'" for value in values)


def replace_check(old: Sequence[str], new: Sequence[str]) -> None:
    """Make the renewal intent's CHECK constraint accept `new` instead of `old`."""
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        op.drop_constraint(op.f(CONSTRAINT), 'agreement', type_='check')
        op.create_check_constraint(op.f(CONSTRAINT), 'agreement', f'renewal_intent IN ({values_sql(new)})')
        return
    old_check, new_check = (f'renewal_intent IN ({values_sql(values)})' for values in (old, new))
    statement = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'agreement'")
    create = statement.scalar_one()
    if create.count(old_check) != 1:
        raise RuntimeError(f'{CONSTRAINT}: expected "{old_check}" once in the agreement table\'s statement')
    version = bind.exec_driver_sql('PRAGMA schema_version').scalar_one()
    bind.exec_driver_sql('PRAGMA writable_schema = ON')
    bind.exec_driver_sql(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'agreement'",
        (create.replace(old_check, new_check),),
    )
    bind.exec_driver_sql(f'PRAGMA schema_version = {version + 1}')  # every connection re-reads the schema
    bind.exec_driver_sql('PRAGMA writable_schema = OFF')


def upgrade() -> None:
    """Apply this revision."""
    replace_check(BEFORE, AFTER)


def downgrade() -> None:
    """Revert this revision."""
    op.execute("UPDATE agreement SET renewal_intent = 'none' WHERE renewal_intent = 'not_recorded'")
    replace_check(AFTER, BEFORE)
