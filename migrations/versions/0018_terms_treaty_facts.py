"""Terms and treaty facts (issue 15): duration, automatic renewal and its period, notice period, its unit and who
gives it; entry into force, ratification, the ratifying instrument and the document number; and `agreement_term`,
each term's end and decision date, kept by the service (tracker/terms.py says why they are stored).

Every column is added in place with a default, so recorded agreements keep their data and read as before (no
terms, ratification not recorded). SQLite: `op.add_column` alone, never batch mode, which would copy the table and
lose its search triggers (see 0014, 0017). An enum column's CHECK constraint is written with the column on SQLite,
which cannot add a constraint to a table afterwards; PostgreSQL adds it with the column as Alembic writes it.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# name -> (values, default): the enum columns, stored by value with a named CHECK constraint (models.value_enum).
ENUMS = {
    "auto_renewal": (("no", "yes"), "no"),
    "notice_unit": (("months", "days"), "months"),
    "notice_by": (("not_recorded", "either", "home", "partner", "both"), "not_recorded"),
    "ratification": (("not_recorded", "not_required", "ratified", "not_yet_ratified"), "not_recorded"),
}
PLAIN = (
    sa.Column("duration_months", sa.Integer(), nullable=True),
    sa.Column("renewal_months", sa.Integer(), nullable=True),
    sa.Column("notice_period", sa.Integer(), nullable=True),
    sa.Column("in_force_on", sa.Date(), nullable=True),
    sa.Column("ratifying_instrument", sa.String(300), server_default="", nullable=False),
    sa.Column("document_number", sa.String(200), server_default="", nullable=False),
)
DROPPED = (*(column.name for column in PLAIN), "in_force_precision", *ENUMS)


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
    add_enum("in_force_precision", ("year", "month", "day"), None)
    for name, (values, default) in ENUMS.items():
        add_enum(name, values, default)
    op.create_table(
        "agreement_term",
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=False),
        sa.Column("decision_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreement.id"],
            name=op.f("fk_agreement_term_agreement_id_agreement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("agreement_id", "number", name=op.f("pk_agreement_term")),
    )
    op.create_index("ix_agreement_term_end_on", "agreement_term", ["end_on", "decision_on", "agreement_id"])


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index("ix_agreement_term_end_on", table_name="agreement_term")
    op.drop_table("agreement_term")
    # SQLite drops a column in place (3.35+), but not one with a CHECK constraint; PostgreSQL drops the constraint too.
    if op.get_bind().dialect.name == "sqlite":
        drop_sqlite_checks()
    for name in DROPPED:
        op.execute(f"ALTER TABLE agreement DROP COLUMN {name}")


def drop_sqlite_checks() -> None:
    """Take the added columns' CHECK constraints out of the table's stored statement (as 0014 edits it in place)."""
    bind = op.get_bind()
    create = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'agreement'"
    ).scalar_one()
    for name in ("in_force_precision", *ENUMS):
        start = create.index(f" CONSTRAINT ck_agreement_{name} CHECK (")
        end = create.index("))", start) + 2
        create = create[:start] + create[end:]
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'agreement'", (create,))
    bind.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")
