"""Source snapshots, publication time and canonical URL, and bilingual sector keywords.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 22:37:45.024164
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | Sequence[str] | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Words that point to the seeded sectors in Indonesian and English texts; admins edit them afterwards.
SEED_KEYWORDS = {
    "technology": ["teknologi", "technology", "pengembangan teknologi", "technology development", "alih teknologi",
                   "technology transfer"],
    "renewable-energy": ["energi terbarukan", "energi baru terbarukan", "renewable energy", "tenaga surya",
                         "solar power", "panas bumi", "geothermal"],
    "electric-vehicles": ["kendaraan listrik", "mobil listrik", "motor listrik", "electric vehicle",
                          "electric vehicles", "electric car"],
    "moulds-and-dies": ["moulds and dies", "moulds and die", "molds and dies", "mould and die", "cetakan",
                        "industri cetakan"],
}


def seed_keywords() -> None:
    """Give the seeded sectors their keywords, where the sectors still exist."""
    sector = sa.table("sector", sa.column("slug", sa.String), sa.column("keywords", sa.Text))
    for slug, words in SEED_KEYWORDS.items():
        op.execute(sector.update().where(sector.c.slug == slug).values(keywords="\n".join(words)))


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('source_snapshot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('retrieved_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('method', sa.Enum('fetch', 'paste', 'upload', name='method', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('final_url', sa.String(length=2000), nullable=True),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('retrieved_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['retrieved_by_id'], ['user.id'], name=op.f('fk_source_snapshot_retrieved_by_id_user'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_source_snapshot_source_id_source'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_source_snapshot'))
    )
    with op.batch_alter_table('source_snapshot', schema=None) as batch_op:
        batch_op.create_index('ix_source_snapshot_source_retrieved', ['source_id', 'retrieved_at'], unique=False)

    with op.batch_alter_table('sector', schema=None) as batch_op:
        batch_op.add_column(sa.Column('keywords', sa.Text(), server_default='', nullable=False))
    seed_keywords()

    with op.batch_alter_table('source', schema=None) as batch_op:
        batch_op.add_column(sa.Column('published_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('published_utc_offset', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('canonical_url', sa.String(length=2000), nullable=True))
        batch_op.create_index(batch_op.f('ix_source_canonical_url'), ['canonical_url'], unique=False)



def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('source', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_source_canonical_url'))
        batch_op.drop_column('canonical_url')
        batch_op.drop_column('published_utc_offset')
        batch_op.drop_column('published_at')

    with op.batch_alter_table('sector', schema=None) as batch_op:
        batch_op.drop_column('keywords')

    with op.batch_alter_table('source_snapshot', schema=None) as batch_op:
        batch_op.drop_index('ix_source_snapshot_source_retrieved')

    op.drop_table('source_snapshot')
