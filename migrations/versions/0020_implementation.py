"""Implementation (issue 15): how far an agreement is carried out (not recorded / not started / ongoing /
implemented / stalled), kept apart from its legal status, with a note and the partial date it was assessed as of.

Every column is added in place with a default, so recorded agreements keep their data and read as before
(implementation not recorded). SQLite: `op.add_column` alone, never batch mode, which would copy the table and lose
its search triggers (see 0014, 0017, 0018). An enum column's CHECK constraint is written with the column on SQLite,
which cannot add a constraint to a table afterwards; PostgreSQL adds it with the column as Alembic writes it.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 10:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | Sequence[str] | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# name -> (values, default): the enum columns, stored by value with a named CHECK constraint (models.value_enum).
ENUMS = {
    "implementation": (("not_recorded", "not_started", "ongoing", "implemented", "stalled"), "not_recorded"),
    "implementation_as_of_precision": (("year", "month", "day"), None),
}
PLAIN = (
    sa.Column("implementation_note", sa.String(1000), server_default="", nullable=False),
    sa.Column("implementation_as_of_on", sa.Date(), nullable=True),
)


def add_enum(name: str, values: Sequence[str], default: str | None) -> None:
    """Add an enum column (NOT NULL with a default, or nullable without one) with its named CHECK constraint."""
    if op.get_bind().dialect.name == "sqlite":
        listed = ", ".join(f"'{value}'" for value in values)
        presence = f"NOT NULL DEFAULT '{default}'" if default else "NULL"
        op.execute(
            f"ALTER TABLE agreement ADD COLUMN {name} VARCHAR(32) {presence} "
            f"CONSTRAINT ck_agreement_{name} CHECK ({name} IN ({listed}))"
        )
        return
    kind = sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)
    op.add_column("agreement", sa.Column(name, kind, server_default=default, nullable=default is None))


def upgrade() -> None:
    """Apply this revision."""
    for column in PLAIN:
        op.add_column("agreement", column)
    for name, (values, default) in ENUMS.items():
        add_enum(name, values, default)


def downgrade() -> None:
    """Revert this revision."""
    # SQLite drops a column in place (3.35+), but not one with a CHECK constraint; PostgreSQL drops the constraint too.
    if op.get_bind().dialect.name == "sqlite":
        drop_sqlite_checks()
    for name in (*(column.name for column in PLAIN), *ENUMS):
        op.execute(f"ALTER TABLE agreement DROP COLUMN {name}")


def drop_sqlite_checks() -> None:
    """Take the added columns' CHECK constraints out of the table's stored statement (as 0014 edits it in place)."""
    bind = op.get_bind()
    create = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'agreement'"
    ).scalar_one()
    for name in ENUMS:
        start = create.index(f" CONSTRAINT ck_agreement_{name} CHECK (")
        end = create.index("))", start) + 2
        create = create[:start] + create[end:]
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'agreement'", (create,))
    bind.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")
