"""Indexes over live sources' outlets and languages: the source list's suggestions are read by skipping through them.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 04:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | Sequence[str] | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = sa.text('archived_at IS NULL')


def upgrade() -> None:
    """Apply this revision."""
    for column in ('outlet', 'language'):
        op.create_index(f'ix_source_live_{column}', 'source', [column], sqlite_where=LIVE, postgresql_where=LIVE)


def downgrade() -> None:
    """Revert this revision."""
    for column in ('language', 'outlet'):
        op.drop_index(f'ix_source_live_{column}', table_name='source')
