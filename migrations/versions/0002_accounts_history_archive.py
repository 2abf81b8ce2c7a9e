"""Accounts, sign-in failures, the change history, archiving and record versions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 21:53:25.846887
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | Sequence[str] | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('sign_in_failure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_failure'))
    )
    with op.batch_alter_table('sign_in_failure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_failure_address'), ['address'], unique=False)
        batch_op.create_index(batch_op.f('ix_sign_in_failure_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_sign_in_failure_occurred_at'), ['occurred_at'], unique=False)

    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.Enum('viewer', 'editor', 'admin', name='role', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('active', sa.Boolean(), server_default='1', nullable=False),
    sa.Column('session_version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('last_sign_in_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('password_changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user')),
    sa.UniqueConstraint('email', name=op.f('uq_user_email'))
    )
    op.create_table('change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('record_type', sa.String(length=32), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.Enum('create', 'update', 'link', 'unlink', 'archive', 'restore', name='action', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=True),
    sa.Column('summary', sa.String(length=500), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_change_user_id_user'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change'))
    )
    with op.batch_alter_table('change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_change_occurred_at'), ['occurred_at'], unique=False)
        batch_op.create_index('ix_change_record', ['record_type', 'record_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_change_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('archived_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_agreement_archived_by_id_user'), 'user', ['archived_by_id'], ['id'], ondelete='RESTRICT')

    with op.batch_alter_table('party', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('archived_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_party_archived_by_id_user'), 'user', ['archived_by_id'], ['id'], ondelete='RESTRICT')

    with op.batch_alter_table('sector', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('archived_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_sector_archived_by_id_user'), 'user', ['archived_by_id'], ['id'], ondelete='RESTRICT')

    with op.batch_alter_table('source', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('archived_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_source_archived_by_id_user'), 'user', ['archived_by_id'], ['id'], ondelete='RESTRICT')



def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('source', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_source_archived_by_id_user'), type_='foreignkey')
        batch_op.drop_column('archived_by_id')
        batch_op.drop_column('archived_at')
        batch_op.drop_column('version')

    with op.batch_alter_table('sector', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_sector_archived_by_id_user'), type_='foreignkey')
        batch_op.drop_column('archived_by_id')
        batch_op.drop_column('archived_at')

    with op.batch_alter_table('party', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_party_archived_by_id_user'), type_='foreignkey')
        batch_op.drop_column('archived_by_id')
        batch_op.drop_column('archived_at')
        batch_op.drop_column('version')

    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_agreement_archived_by_id_user'), type_='foreignkey')
        batch_op.drop_column('archived_by_id')
        batch_op.drop_column('archived_at')
        batch_op.drop_column('version')

    with op.batch_alter_table('change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_change_user_id'))
        batch_op.drop_index('ix_change_record')
        batch_op.drop_index(batch_op.f('ix_change_occurred_at'))

    op.drop_table('change')
    op.drop_table('user')
    with op.batch_alter_table('sign_in_failure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_failure_occurred_at'))
        batch_op.drop_index(batch_op.f('ix_sign_in_failure_email'))
        batch_op.drop_index(batch_op.f('ix_sign_in_failure_address'))

    op.drop_table('sign_in_failure')
