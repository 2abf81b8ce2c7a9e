"""Link health (issue 17): a check of a source's page says whether the link is alive (unchanged or changed), moved,
gone or failing, with the address checked, where it moved to, the fetch error's code and HTTP status, and how much of the text changed.

The outcome "failed" splits in two: a page not found (404), removed (410) or whose site's name is not found becomes
"gone", any other failure "failing"; every row is kept, its detail too. The new columns are added in place.

- PostgreSQL: the outcome's named CHECK constraint is dropped and made again with the new list.
- SQLite: a CHECK constraint changes only by rewriting the table's stored CREATE statement, edited in place as 0014
  does: first the list is widened to the old and new values together, the rows are moved to the new values, then
  the list is narrowed to the new values, which no row breaks any more.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 17:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | Sequence[str] | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "source_check"
CONSTRAINT = "ck_source_check_outcome"
BEFORE = ("changed", "unchanged", "failed")
AFTER = ("unchanged", "changed", "moved", "gone", "failing")
COLUMNS = (
    sa.Column("url", sa.String(2000), nullable=True),
    sa.Column("reason", sa.String(32), server_default="", nullable=False),
    sa.Column("http_status", sa.Integer(), nullable=True),
    sa.Column("moved_to", sa.String(2000), nullable=True),
    sa.Column("chars_added", sa.Integer(), nullable=True),
    sa.Column("chars_removed", sa.Integer(), nullable=True),
)
# How the old "failed" rows read: their detail is "<code>: <message>" (tracker/recheck.py before this revision).
GONE_BY_STATUS = ((404, "%(404)%"), (410, "%(410)%"))


def check_sql(values: Sequence[str]) -> str:
    """SQL: the outcome's CHECK as SQLAlchemy writes it."""
    listed = ", ".join(f"'{value}'" for value in values)
    return f"outcome IN ({listed})"


def replace_check(old: Sequence[str], new: Sequence[str]) -> None:
    """Make the outcome's CHECK constraint accept `new` instead of `old`."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.drop_constraint(op.f(CONSTRAINT), TABLE, type_="check")
        op.create_check_constraint(op.f(CONSTRAINT), TABLE, check_sql(new))
        return
    old_check, new_check = check_sql(old), check_sql(new)
    create = bind.exec_driver_sql(
        f"SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '{TABLE}'"
    ).scalar_one()
    if create.count(old_check) != 1:
        raise RuntimeError(f'{CONSTRAINT}: expected "{old_check}" once in the {TABLE} table\'s statement')
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql(
        f"UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = '{TABLE}'",
        (create.replace(old_check, new_check),),
    )
    bind.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")  # every connection re-reads the schema
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def both(old: Sequence[str], new: Sequence[str]) -> tuple[str, ...]:
    """The values of either list, the old ones first."""
    return tuple(dict.fromkeys((*old, *new)))


def upgrade() -> None:
    """Apply this revision."""
    for column in COLUMNS:
        op.add_column(TABLE, column)
    replace_check(BEFORE, both(BEFORE, AFTER))
    failed = f"UPDATE {TABLE} SET outcome = 'gone'"
    op.execute(f"{failed}, reason = 'dns' WHERE outcome = 'failed' AND detail LIKE 'dns:%'")
    for status, pattern in GONE_BY_STATUS:
        op.execute(
            f"{failed}, reason = 'http_status', http_status = {status} "
            f"WHERE outcome = 'failed' AND detail LIKE 'http_status:%' AND detail LIKE '{pattern}'"
        )
    op.execute(f"UPDATE {TABLE} SET outcome = 'failing' WHERE outcome = 'failed'")
    replace_check(both(BEFORE, AFTER), AFTER)


def downgrade() -> None:
    """Revert this revision: every check that is neither changed nor unchanged becomes "failed" again."""
    replace_check(AFTER, both(AFTER, BEFORE))
    op.execute(f"UPDATE {TABLE} SET outcome = 'unchanged' WHERE outcome = 'moved' AND chars_added IS NULL")
    op.execute(f"UPDATE {TABLE} SET outcome = 'changed' WHERE outcome = 'moved'")
    op.execute(f"UPDATE {TABLE} SET outcome = 'failed' WHERE outcome IN ('gone', 'failing')")
    replace_check(both(AFTER, BEFORE), BEFORE)
    for column in reversed(COLUMNS):  # in place on SQLite too (3.35+): none of them has a constraint
        op.execute(f"ALTER TABLE {TABLE} DROP COLUMN {column.name}")
