"""A status filter in the list's default order over live agreements (issue 19): status, then last updated first with
ties by id, and the end, so that the benchmark's filtered query (a sector, a country, one status, ends between two
years) reads its 25 rows in order from the index, checking the end there, instead of sorting every live agreement
of the status ending in those years by `updated_at` (13 ms of SQLite's CPU at 100,000 agreements).

Revision ID: 0035
Revises: 0033
Create Date: 2026-12-07 03:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0035"
down_revision: str | Sequence[str] | None = "0033"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = sa.text("archived_at IS NULL")


def upgrade() -> None:
    """Apply this revision."""
    op.create_index(
        "ix_agreement_live_status_updated",
        "agreement",
        ["status", "updated_at", "id", "end_on"],
        sqlite_where=LIVE,
        postgresql_where=LIVE,
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index("ix_agreement_live_status_updated", table_name="agreement")
