"""The source list's default order over live sources in an index (issue 19): latest publication first, unknown dates
last, then newest id. PostgreSQL read the first 25 of 276,000 sources at 100,000 agreements by a parallel scan and a
top-N sort (244 ms; 1.3 s at a million), since its ascending `published_on` index puts NULLs first when walked
backwards; with this index the page is read in order (0.07 ms).
SQLite's CREATE INDEX takes no NULLS LAST and needs none (its NULLs sort last descending).

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-07 03:55:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0037"
down_revision: str | Sequence[str] | None = "0036"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = sa.text("archived_at IS NULL")
PUBLISHED = {"postgresql": "published_on DESC NULLS LAST"}
PUBLISHED_ELSEWHERE = "published_on DESC"


def upgrade() -> None:
    """Apply this revision."""
    published = PUBLISHED.get(op.get_context().dialect.name, PUBLISHED_ELSEWHERE)
    op.create_index(
        "ix_source_live_published",
        "source",
        [sa.text(published), sa.text("id DESC")],
        sqlite_where=LIVE,
        postgresql_where=LIVE,
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index("ix_source_live_published", table_name="source")
