"""The counts as of a day read the signing and the start: the indexes they are counted from now hold both.

A view of a past day leaves out agreements signed (or, the signing unknown, started) after it
(tracker/queries/expiring.py `existing_on`). The expiring count, the ends per quarter and "needs attention" were
counted from `ix_agreement_status_end_on` and `ix_agreement_attention` alone; reading `signed_on` and `start_on`
sent each match to its table row (at 100,000 agreements, tens of thousands of row reads per count). Both indexes
are made again with the two dates after their columns: the ranges searched stay the same, and the counts are read
from the index alone again. The partial index of "needs attention" also takes `archived_at` (NULL in all its
entries): SQLite counts from an index alone only when it holds every column the statement names, its own condition's
included, so on SQLite that count had read each match's row even before the signing was consulted.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 09:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0016'
down_revision: str | Sequence[str] | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = sa.text('archived_at IS NULL')
BEGAN = ['signed_on', 'start_on']


def remake(status_end: list[str], attention: list[str]) -> None:
    """Both indexes dropped and made again over these columns."""
    op.drop_index('ix_agreement_status_end_on', table_name='agreement')
    op.create_index('ix_agreement_status_end_on', 'agreement', status_end)
    op.drop_index('ix_agreement_attention', table_name='agreement')
    op.create_index('ix_agreement_attention', 'agreement', attention, sqlite_where=LIVE, postgresql_where=LIVE)


def upgrade() -> None:
    """Apply this revision."""
    remake(
        ['status', 'end_on', 'archived_at', *BEGAN], ['renewal_intent', 'status', 'end_on', *BEGAN, 'archived_at']
    )


def downgrade() -> None:
    """Revert this revision."""
    remake(['status', 'end_on', 'archived_at'], ['renewal_intent', 'status', 'end_on'])
