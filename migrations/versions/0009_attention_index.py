"""An index for agreements needing attention (open, past their end, no renewal decided): counted from it alone.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 05:15:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | Sequence[str] | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = sa.text('archived_at IS NULL')


def upgrade() -> None:
    """Apply this revision."""
    op.create_index(
        'ix_agreement_attention', 'agreement', ['renewal_intent', 'status', 'end_on'],
        sqlite_where=LIVE, postgresql_where=LIVE,
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index('ix_agreement_attention', table_name='agreement')
