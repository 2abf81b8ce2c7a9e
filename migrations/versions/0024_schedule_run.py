"""Schedules (issue 16): the record of each run of a periodic task, and each re-check of a source's page.

`schedule_run` has one row per schedule and slot (the scheduled minute, or a Run now), so that workers on several
machines run a slot once, and at most one running row per schedule (a partial unique index), so that runs never
overlap. `source_check` notes each page fetched again by the re-check schedule: changed, unchanged or failed.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 17:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | Sequence[str] | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATES = ("queued", "running", "done", "failed", "skipped")
OUTCOMES = ("changed", "unchanged", "failed")
RUNNING = sa.text("state = 'running'")


def enum(values: tuple[str, ...], name: str) -> sa.Enum:
    """A portable enum column of these values with its named CHECK constraint (as the models declare it)."""
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "schedule_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("schedule", sa.String(32), nullable=False),
        sa.Column("slot", sa.String(40), nullable=False),
        sa.Column("state", enum(STATES, "state"), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["user.id"], name=op.f("fk_schedule_run_requested_by_id_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_run")),
        sa.UniqueConstraint("schedule", "slot", name=op.f("uq_schedule_run_schedule_slot")),
    )
    op.create_index(
        "ix_schedule_run_running",
        "schedule_run",
        ["schedule"],
        unique=True,
        sqlite_where=RUNNING,
        postgresql_where=RUNNING,
    )
    op.create_table(
        "source_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", enum(OUTCOMES, "outcome"), nullable=False),
        sa.Column("detail", sa.String(1000), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_source_check_source_id_source"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_check")),
    )
    op.create_index("ix_source_check_source_checked", "source_check", ["source_id", "checked_at"])


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index("ix_source_check_source_checked", table_name="source_check")
    op.drop_table("source_check")
    op.drop_index("ix_schedule_run_running", table_name="schedule_run")
    op.drop_table("schedule_run")
