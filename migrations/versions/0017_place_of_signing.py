"""The place of signing ("Jakarta"): a short text on each agreement, blank for those recorded before.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 09:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0017'
down_revision: str | Sequence[str] | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.add_column('agreement', sa.Column('place_of_signing', sa.String(200), server_default='', nullable=False))


def downgrade() -> None:
    """Revert this revision."""
    # SQLite drops a column in place (3.35+); batch mode would copy the table and lose its search triggers.
    op.execute('ALTER TABLE agreement DROP COLUMN place_of_signing')
