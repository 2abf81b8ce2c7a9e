"""Kept pages see a renamed officer at once (issue 19): `kept_count` row ("version", "people") is moved on by a
trigger whenever a user's name or e-mail address changes, in the writing transaction. The agreement list's officer
facet names users by them, and user edits write no history: a kept list showed the old name for up to five minutes.

Revision ID: 0041
Revises: 0040
Create Date: 2026-12-07 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0041"
down_revision: str | Sequence[str] | None = "0040"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# An upsert, as migration 0038's: a table emptied by hand (the tests' reset) gets its row back on the next write.
BUMP = (
    "INSERT INTO kept_count (kind, key, total) VALUES ('version', 'people', 1) "
    "ON CONFLICT (kind, key) DO UPDATE SET total = kept_count.total + 1"
)
# What pages show of a user: the name, or else the e-mail address.
CHANGED = "OLD.name IS DISTINCT FROM NEW.name OR OLD.email IS DISTINCT FROM NEW.email"
HEAD = 'CREATE TRIGGER people_renamed AFTER UPDATE OF name, email ON "user" FOR EACH ROW WHEN ({changed})'


def upgrade() -> None:
    """Apply this revision."""
    op.execute("INSERT INTO kept_count (kind, key, total) VALUES ('version', 'people', 0)")
    head = HEAD.format(changed=CHANGED)
    if op.get_bind().dialect.name == "postgresql":
        body = f"BEGIN {BUMP}; RETURN NULL; END"
        op.execute(f"CREATE FUNCTION kept_people_version() RETURNS trigger LANGUAGE plpgsql AS $$ {body} $$")
        op.execute(f"{head} EXECUTE FUNCTION kept_people_version()")
    else:
        op.execute(f"{head} BEGIN {BUMP}; END")


def downgrade() -> None:
    """Revert this revision."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute('DROP TRIGGER people_renamed ON "user"')
        op.execute("DROP FUNCTION kept_people_version()")
    else:
        op.execute("DROP TRIGGER people_renamed")
    op.execute("DELETE FROM kept_count WHERE kind = 'version' AND key = 'people'")
