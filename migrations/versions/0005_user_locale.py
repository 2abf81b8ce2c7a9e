"""The interface language each user chose.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 00:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | Sequence[str] | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=10), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('locale')
