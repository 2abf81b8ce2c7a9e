"""The party page's order over live agreements in an index (issue 19): latest start (or signing) first, unknown ones
last, then title and id. The ministry's page reads its 25 agreements from it, checking each for a link to the
ministry or its units, instead of sorting its 86,000 agreements' keys (93 ms at 100,000 agreements).

SQLite's CREATE INDEX takes no NULLS LAST and needs none (its NULLs sort last descending); PostgreSQL's DESC puts
NULLs first unless told, and its planner uses the index only for exactly the page's ORDER BY.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-07 00:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0033"
down_revision: str | Sequence[str] | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = sa.text("archived_at IS NULL")
BEGAN = {"postgresql": "coalesce(start_on, signed_on) DESC NULLS LAST"}
BEGAN_ELSEWHERE = "coalesce(start_on, signed_on) DESC"


def upgrade() -> None:
    """Apply this revision."""
    began = BEGAN.get(op.get_context().dialect.name, BEGAN_ELSEWHERE)
    op.create_index(
        "ix_agreement_live_began",
        "agreement",
        [sa.text(began), sa.text("lower(title)"), "id"],
        sqlite_where=LIVE,
        postgresql_where=LIVE,
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index("ix_agreement_live_began", table_name="agreement")
