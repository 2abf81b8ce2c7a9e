"""The archived agreements' ids in a small partial index (issue 19): the sector list, the party pages and the party
list count every link from its narrow index and take off the links of archived agreements, found from this index,
instead of probing each linked agreement's row for `archived_at` (141,000 probes for /sectors/ at 100,000).

Revision ID: 0032
Revises: 0030
Create Date: 2026-12-06 23:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0032"
down_revision: str | Sequence[str] | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ARCHIVED_ROW = sa.text("archived_at IS NOT NULL")


def upgrade() -> None:
    """Apply this revision."""
    op.create_index(
        "ix_agreement_archived", "agreement", ["id"], sqlite_where=ARCHIVED_ROW, postgresql_where=ARCHIVED_ROW
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index("ix_agreement_archived", table_name="agreement")
