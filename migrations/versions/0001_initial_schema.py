"""Initial schema: agreements, parties, sectors, sources and their links; the seed sector vocabulary.

Revision ID: 0001
Revises:
Create Date: 2026-11-27 21:32:04.735240
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision: str = '0001'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEED_SECTORS = [
    ("technology", "Technology", "Technology development and transfer."),
    ("renewable-energy", "Renewable energy", "Solar, wind, geothermal, hydro and other renewable sources."),
    ("electric-vehicles", "Electric vehicles", "Electric vehicles, batteries and charging."),
    ("moulds-and-dies", "Moulds and dies", "Moulds and dies, the 'mother of industry'."),
]


def seed_sectors(sector_table: sa.Table) -> None:
    """Insert the starting sector vocabulary; users edit it afterwards."""
    now = datetime.now(timezone.utc)
    op.bulk_insert(
        sector_table,
        [
            {"slug": slug, "name": name, "description": description, "created_at": now, "updated_at": now}
            for slug, name, description in SEED_SECTORS
        ],
    )


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('agreement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('title_local', sa.String(length=500), nullable=False),
    sa.Column('instrument_type', sa.Enum('mou', 'agreement', 'letter_of_intent', 'joint_statement', 'contract', 'implementing_arrangement', 'other', name='instrument_type', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('announced', 'under_negotiation', 'signed', 'in_force', 'expired', 'terminated', 'superseded', 'suspended', 'cancelled', name='status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('renewal_intent', sa.Enum('none', 'intended', 'in_negotiation', 'renewed', name='renewal_intent', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('signed_precision', sa.Enum('year', 'month', 'day', name='signed_precision', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('start_on', sa.Date(), nullable=True),
    sa.Column('start_precision', sa.Enum('year', 'month', 'day', name='start_precision', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('end_on', sa.Date(), nullable=True),
    sa.Column('end_precision', sa.Enum('year', 'month', 'day', name='end_precision', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(end_on IS NULL) = (end_precision IS NULL)', name=op.f('ck_agreement_end_complete')),
    sa.CheckConstraint('(signed_on IS NULL) = (signed_precision IS NULL)', name=op.f('ck_agreement_signed_complete')),
    sa.CheckConstraint('(start_on IS NULL) = (start_precision IS NULL)', name=op.f('ck_agreement_start_complete')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement'))
    )
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_end_on'), ['end_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreement_start_on'), ['start_on'], unique=False)
        batch_op.create_index('ix_agreement_status_end_on', ['status', 'end_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreement_title'), ['title'], unique=False)

    op.create_table('party',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.Enum('state', 'ministry', 'company', 'association', 'international_organisation', 'research_institute', 'other', name='kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('country_code', sa.String(length=2), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['party.id'], name=op.f('fk_party_parent_id_party'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party'))
    )
    with op.batch_alter_table('party', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_party_country_code'), ['country_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_party_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_party_parent_id'), ['parent_id'], unique=False)

    sector_table = op.create_table('sector',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sector')),
    sa.UniqueConstraint('name', name=op.f('uq_sector_name')),
    sa.UniqueConstraint('slug', name=op.f('uq_sector_slug'))
    )
    seed_sectors(sector_table)
    op.create_table('source',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=True),
    sa.Column('url_normalized', sa.String(length=2000), nullable=True),
    sa.Column('kind', sa.Enum('news_article', 'press_release', 'official_document', 'other', name='kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('outlet', sa.String(length=200), nullable=False),
    sa.Column('author', sa.String(length=300), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('excerpt', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_source')),
    sa.UniqueConstraint('url_normalized', name=op.f('uq_source_url_normalized'))
    )
    with op.batch_alter_table('source', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_source_published_on'), ['published_on'], unique=False)

    op.create_table('agreement_party',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('signatory', 'implementing_agency', 'funder', 'witness', 'other', name='role', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_agreement_party_agreement_id_agreement'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_agreement_party_party_id_party'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_party')),
    sa.UniqueConstraint('agreement_id', 'party_id', 'role', name=op.f('uq_agreement_party_agreement_id_party_id_role'))
    )
    with op.batch_alter_table('agreement_party', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_party_party_id'), ['party_id'], unique=False)

    op.create_table('agreement_relation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('renews', 'amends', 'supersedes', 'implements', name='kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.CheckConstraint('subject_id <> object_id', name=op.f('ck_agreement_relation_not_self')),
    sa.ForeignKeyConstraint(['object_id'], ['agreement.id'], name=op.f('fk_agreement_relation_object_id_agreement'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subject_id'], ['agreement.id'], name=op.f('fk_agreement_relation_subject_id_agreement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_relation')),
    sa.UniqueConstraint('subject_id', 'object_id', 'kind', name=op.f('uq_agreement_relation_subject_id_object_id_kind'))
    )
    with op.batch_alter_table('agreement_relation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_relation_object_id'), ['object_id'], unique=False)

    op.create_table('agreement_sector',
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('sector_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_agreement_sector_agreement_id_agreement'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sector_id'], ['sector.id'], name=op.f('fk_agreement_sector_sector_id_sector'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('agreement_id', 'sector_id', name=op.f('pk_agreement_sector'))
    )
    with op.batch_alter_table('agreement_sector', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_sector_sector_id'), ['sector_id'], unique=False)

    op.create_table('agreement_source',
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_agreement_source_agreement_id_agreement'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_agreement_source_source_id_source'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('agreement_id', 'source_id', name=op.f('pk_agreement_source'))
    )
    with op.batch_alter_table('agreement_source', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_source_source_id'), ['source_id'], unique=False)

    op.create_table('party_alias',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('alias', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_party_alias_party_id_party'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_alias')),
    sa.UniqueConstraint('party_id', 'alias', name=op.f('uq_party_alias_party_id_alias'))
    )
    with op.batch_alter_table('party_alias', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_party_alias_alias'), ['alias'], unique=False)
        batch_op.create_index(batch_op.f('ix_party_alias_party_id'), ['party_id'], unique=False)



def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('party_alias', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_party_alias_party_id'))
        batch_op.drop_index(batch_op.f('ix_party_alias_alias'))

    op.drop_table('party_alias')
    with op.batch_alter_table('agreement_source', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_source_source_id'))

    op.drop_table('agreement_source')
    with op.batch_alter_table('agreement_sector', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_sector_sector_id'))

    op.drop_table('agreement_sector')
    with op.batch_alter_table('agreement_relation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_relation_object_id'))

    op.drop_table('agreement_relation')
    with op.batch_alter_table('agreement_party', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_party_party_id'))

    op.drop_table('agreement_party')
    with op.batch_alter_table('source', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_source_published_on'))

    op.drop_table('source')
    op.drop_table('sector')
    with op.batch_alter_table('party', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_party_parent_id'))
        batch_op.drop_index(batch_op.f('ix_party_name'))
        batch_op.drop_index(batch_op.f('ix_party_country_code'))

    op.drop_table('party')
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_title'))
        batch_op.drop_index('ix_agreement_status_end_on')
        batch_op.drop_index(batch_op.f('ix_agreement_start_on'))
        batch_op.drop_index(batch_op.f('ix_agreement_end_on'))

    op.drop_table('agreement')
