"""Owners and follow-up actions (issue 15): each agreement's responsible officer (a user) and responsible unit (a
party), both optional; the table of follow-up actions, each about one agreement, with a due date at its known
precision, an assignee, a status and a note; the calendar feed's option to show those actions; and each user's
choice of the digest about what they own (on unless they opt out).

SQLite: the two columns are added in place (ALTER TABLE … ADD COLUMN); batch mode would copy `agreement` and lose its
search triggers (see 0014 and 0017). SQLite adds no constraint to a table, and a foreign key written in the column
is read back without its name; so each named foreign key is appended to the table's stored statement, as 0014 edits
its CHECK constraint: every row holds NULL in the new columns, so none can break it. The downgrade removes the clause
the same way (a loosening SQLite documents as safe), then drops the column in place, which SQLite refuses while a
foreign key names it. PostgreSQL adds the columns and their foreign keys as usual.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 09:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0019'
down_revision: str | Sequence[str] | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (column, referred table, foreign key name)
OWNER_COLUMNS = (
    ('owner_id', 'user', 'fk_agreement_owner_id_user'),
    ('unit_id', 'party', 'fk_agreement_unit_id_party'),
)


def foreign_key(column: str, table: str, name: str) -> str:
    """SQL: the column's foreign key as a clause of the agreement table's statement (SQLite)."""
    return f', \n\tCONSTRAINT {name} FOREIGN KEY({column}) REFERENCES "{table}" (id) ON DELETE RESTRICT'


def edit_sqlite_statement(edit, clause: str) -> None:
    """Rewrite the agreement table's stored CREATE statement with `edit` and a clause (SQLite; rows untouched)."""
    bind = op.get_bind()
    statement = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'agreement'"
    ).scalar_one()
    version = bind.exec_driver_sql('PRAGMA schema_version').scalar_one()
    bind.exec_driver_sql('PRAGMA writable_schema = ON')
    bind.exec_driver_sql(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'agreement'", (edit(statement, clause),)
    )
    bind.exec_driver_sql(f'PRAGMA schema_version = {version + 1}')  # every connection re-reads the schema
    bind.exec_driver_sql('PRAGMA writable_schema = OFF')


def add_clause(statement: str, clause: str) -> str:
    """The statement with `clause` before its closing parenthesis."""
    body, closing = statement.rstrip().rsplit(')', 1)
    return f'{body.rstrip()}{clause}\n){closing}'


def remove_clause(statement: str, clause: str) -> str:
    """The statement without `clause`, which it must hold once."""
    if statement.count(clause) != 1:
        raise RuntimeError(f'expected "{clause.strip()}" once in the agreement table\'s statement')
    return statement.replace(clause, '')


def upgrade() -> None:
    """Apply this revision."""
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for column, table, name in OWNER_COLUMNS:
        if sqlite:
            op.execute(f'ALTER TABLE agreement ADD COLUMN {column} INTEGER')
            edit_sqlite_statement(add_clause, foreign_key(column, table, name))
        else:
            op.add_column('agreement', sa.Column(column, sa.Integer(), nullable=True))
            op.create_foreign_key(name, 'agreement', table, [column], ['id'], ondelete='RESTRICT')
        op.create_index(f'ix_agreement_{column}', 'agreement', [column], unique=False)
    op.create_table('follow_up_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('due_precision', sa.Enum('year', 'month', 'day', name='due_precision', native_enum=False,
                                       create_constraint=True, length=32), nullable=True),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('open', 'done', 'cancelled', name='status', native_enum=False,
                                create_constraint=True, length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(due_on IS NULL) = (due_precision IS NULL)', name=op.f('ck_follow_up_action_due_complete')),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_follow_up_action_agreement_id_agreement'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['assignee_id'], ['user.id'], name=op.f('fk_follow_up_action_assignee_id_user'),
                            ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_up_action'))
    )
    op.create_index('ix_follow_up_action_agreement_id', 'follow_up_action', ['agreement_id'], unique=False)
    op.create_index('ix_follow_up_action_assignee_id', 'follow_up_action', ['assignee_id'], unique=False)
    op.create_index('ix_follow_up_action_status_due_on', 'follow_up_action', ['status', 'due_on'], unique=False)
    op.add_column('calendar_feed', sa.Column('include_actions', sa.Boolean(), server_default='0', nullable=False))
    op.add_column('user', sa.Column('owner_digest', sa.Boolean(), server_default='1', nullable=False))


def downgrade() -> None:
    """Revert this revision."""
    op.execute('ALTER TABLE calendar_feed DROP COLUMN include_actions')  # in place on SQLite too, as 0017
    op.execute('ALTER TABLE "user" DROP COLUMN owner_digest')
    op.drop_table('follow_up_action')
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for column, table, name in reversed(OWNER_COLUMNS):
        op.drop_index(f'ix_agreement_{column}', table_name='agreement')
        if sqlite:
            edit_sqlite_statement(remove_clause, foreign_key(column, table, name))
        else:
            op.drop_constraint(name, 'agreement', type_='foreignkey')
        op.execute(f'ALTER TABLE agreement DROP COLUMN {column}')
