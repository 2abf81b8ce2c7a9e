"""An index on the signing date, like those on the start and the end: the list's signed filters and order use it.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 07:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0013'
down_revision: str | Sequence[str] | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_index('ix_agreement_signed_on', 'agreement', ['signed_on'])


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index('ix_agreement_signed_on', table_name='agreement')
