"""Indexes for the list: its orders over live agreements (one index scan a page), status + end covering the count.

The list's default order (last updated first) and the title order, with the id as a tie-breaker in the same
direction, each get a partial index over live (not archived) agreements: page 1 of 100,000 agreements then
reads 25 index entries instead of sorting every agreement that shares the newest timestamp or title.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 04:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | Sequence[str] | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = sa.text('archived_at IS NULL')


def upgrade() -> None:
    """Apply this revision."""
    # Status and end with `archived_at`: the filtered query counts its matches from this index alone.
    op.drop_index('ix_agreement_status_end_on', table_name='agreement')
    op.create_index('ix_agreement_status_end_on', 'agreement', ['status', 'end_on', 'archived_at'])
    op.create_index(
        'ix_agreement_live_updated', 'agreement', ['updated_at', 'id'], sqlite_where=LIVE, postgresql_where=LIVE
    )
    op.create_index(
        'ix_agreement_live_title', 'agreement', [sa.text('lower(title)'), 'id'],
        sqlite_where=LIVE, postgresql_where=LIVE,
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index('ix_agreement_live_title', table_name='agreement')
    op.drop_index('ix_agreement_live_updated', table_name='agreement')
    op.drop_index('ix_agreement_status_end_on', table_name='agreement')
    op.create_index('ix_agreement_status_end_on', 'agreement', ['status', 'end_on'])
