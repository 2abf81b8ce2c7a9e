"""The search glossary: entries of phrases that stand for one another in a query, in English and Indonesian.

A query's phrase also finds the agreements that carry another phrase of its entry ("baterai" finds "battery",
"kerjasama" finds "kerja sama"), as the sectors' names and keywords already do. Admins edit the entries; these are
the domain terms to start from (the sectors' own words stay with the sectors).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = '0015'
down_revision: str | Sequence[str] | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each entry: phrases that stand for one another, one per line once stored. Words that every agreement carries
# ("agreement", "cooperation"), words in the names of parties ("investment": the Ministry of Investment/BKPM) and
# short acronyms that begin other words ("MoU" begins "moulds") are left out.
SEED_ENTRIES = [
    ("baterai", "battery", "batteries"),
    ("sel baterai", "battery cell"),
    ("kendaraan listrik", "electric vehicle", "mobil listrik", "electric car", "motor listrik", "electric motorcycle"),
    ("stasiun pengisian", "charging station", "SPKLU"),
    ("nikel", "nickel"),
    ("smelter", "peleburan", "pabrik pemurnian"),
    ("hilirisasi", "downstreaming", "downstream processing"),
    ("energi terbarukan", "renewable energy", "EBT", "energi baru terbarukan"),
    ("tenaga surya", "solar power", "PLTS", "pembangkit listrik tenaga surya"),
    ("panas bumi", "geothermal", "PLTP"),
    ("cetakan", "moulds and dies", "molds and dies", "mould", "mold"),
    ("alih teknologi", "technology transfer"),
    ("kerja sama", "kerjasama"),
    ("bekerja sama", "bekerjasama"),
    ("nota kesepahaman", "memorandum of understanding"),
    ("pelatihan vokasi", "vocational training"),
    ("kawasan industri", "industrial estate", "industrial park"),
]


def upgrade() -> None:
    """Apply this revision."""
    glossary = op.create_table('glossary_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('phrases', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_glossary_entry'))
    )
    now = datetime.now(UTC)
    op.bulk_insert(glossary, [
        {'phrases': '\n'.join(phrases), 'created_at': now, 'updated_at': now} for phrases in SEED_ENTRIES
    ])


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table('glossary_entry')
