"""Background jobs (issue 16): the record of each job a worker runs for a user, with its progress and result.

The queue itself lives in the job runner's storage (Huey: a SQLite file in instance/, or Redis); this table is what
the pages read, whatever that storage is.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 14:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | Sequence[str] | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATES = ("queued", "running", "done", "failed")


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(*STATES, name="state", native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("message", sa.String(1000), nullable=False),
        sa.Column("result_path", sa.String(500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_job_user_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job")),
    )
    op.create_index(op.f("ix_job_user_id"), "job", ["user_id"])


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index(op.f("ix_job_user_id"), table_name="job")
    op.drop_table("job")
