"""The news inbox (issue 17): feeds admins register, and the items they bring, matched and waiting for triage.

`news_feed` is an RSS or Atom feed read by the feeds schedule, with its last run's counts. `inbox_item` is one news
item of a feed: its extracted page, its score and the reasons, and its state (new, linked, created, dismissed,
unmatched: read and left out, or duplicate: another address of a page seen before). Its normalised URL and its
canonical URL are unique, so an item is never filed twice.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 18:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | Sequence[str] | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATES = ("new", "linked", "created", "dismissed", "unmatched", "duplicate")


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "news_feed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("active", sa.Boolean(), server_default="1", nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("last_fetched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_result", sa.JSON(), nullable=False),
        sa.Column("last_error", sa.String(1000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["added_by_id"], ["user.id"], name=op.f("fk_news_feed_added_by_id_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_news_feed")),
        sa.UniqueConstraint("url", name=op.f("uq_news_feed_url")),
    )
    op.create_table(
        "inbox_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feed_id", sa.Integer(), nullable=True),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("url_normalized", sa.String(2000), nullable=False),
        sa.Column("canonical_url", sa.String(2000), nullable=True),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("outlet", sa.String(200), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("page", sa.JSON(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(*STATES, name="state", native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("triaged_by_id", sa.Integer(), nullable=True),
        sa.Column("triaged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["feed_id"], ["news_feed.id"], name=op.f("fk_inbox_item_feed_id_news_feed"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["triaged_by_id"], ["user.id"], name=op.f("fk_inbox_item_triaged_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_inbox_item_source_id_source"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_item")),
        sa.UniqueConstraint("url_normalized", name=op.f("uq_inbox_item_url_normalized")),
        sa.UniqueConstraint("canonical_url", name=op.f("uq_inbox_item_canonical_url")),
    )
    op.create_index(op.f("ix_inbox_item_feed_id"), "inbox_item", ["feed_id"])
    op.create_index("ix_inbox_item_state_score", "inbox_item", ["state", "score"])


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index("ix_inbox_item_state_score", table_name="inbox_item")
    op.drop_index(op.f("ix_inbox_item_feed_id"), table_name="inbox_item")
    op.drop_table("inbox_item")
    op.drop_table("news_feed")
