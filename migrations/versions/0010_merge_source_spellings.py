"""One source per article: recompute every source's normal URL and merge the sources it shows to be one.

`normalize_url` now reads http and https, a leading "www." and a trailing slash as one article. Every source's
`url_normalized` (and `canonical_url`, kept in the same form) is computed again from the URL as written, with the
application's own `normalize_url`, so that the stored form is the one every look-up computes.

Where several sources now share a normal form, the oldest is kept (the oldest live one when any is live, since a
live agreement may not cite an archived source), and each other one is merged into it:
- its agreement links move to the kept source; a link the kept source already has stays, taking the duplicate's
  note when its own is empty;
- its snapshots and its history entries move to the kept source, so the article's evidence and story are in one
  place;
- the duplicate itself is archived, never deleted (records are never deleted), keeping its URL as written, title
  and metadata; its `url_normalized` is cleared because the column is unique, which is what a source without a
  URL of its own has too. One history entry on each side names the other.

Downgrade leaves the merge as it is: the links and snapshots cannot be told apart again, and the new normal forms
still work as plain URLs.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 07:30:00
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from tracker.urls import InvalidURLError, normalize_url

revision: str = '0010'
down_revision: str | Sequence[str] | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

source = sa.table(
    'source',
    sa.column('id', sa.Integer),
    sa.column('url', sa.String),
    sa.column('url_normalized', sa.String),
    sa.column('canonical_url', sa.String),
    sa.column('created_at', sa.DateTime(timezone=True)),
    sa.column('archived_at', sa.DateTime(timezone=True)),
    sa.column('version', sa.Integer),
)
link = sa.table(
    'agreement_source', sa.column('agreement_id', sa.Integer), sa.column('source_id', sa.Integer), sa.column('note', sa.Text)
)
snapshot = sa.table('source_snapshot', sa.column('source_id', sa.Integer))
change = sa.table(
    'change',
    sa.column('occurred_at', sa.DateTime(timezone=True)),
    sa.column('user_id', sa.Integer),
    sa.column('record_type', sa.String),
    sa.column('record_id', sa.Integer),
    sa.column('action', sa.String),
    sa.column('version', sa.Integer),
    sa.column('summary', sa.String),
    sa.column('changes', sa.JSON),
)


def _normal(url: str | None, stored: str | None) -> str | None:
    """The URL's normal form now; what was stored when the URL is blank or was never a valid one."""
    try:
        return normalize_url(url) if url else stored
    except InvalidURLError:
        return stored


def _merge_links(connection: sa.Connection, kept: int, duplicate: int) -> None:
    """Move the duplicate's links to the kept source; a link both have keeps the first non-empty note."""
    statement = sa.select(link.c.agreement_id, link.c.note).where(link.c.source_id == kept)
    kept_notes = {agreement_id: note for agreement_id, note in connection.execute(statement)}
    rows = connection.execute(sa.select(link.c.agreement_id, link.c.note).where(link.c.source_id == duplicate)).all()
    for agreement_id, note in rows:
        this = (link.c.agreement_id == agreement_id) & (link.c.source_id == duplicate)
        if agreement_id not in kept_notes:
            connection.execute(link.update().where(this).values(source_id=kept))
            continue
        if note and not kept_notes[agreement_id]:
            same = (link.c.agreement_id == agreement_id) & (link.c.source_id == kept)
            connection.execute(link.update().where(same).values(note=note))
        connection.execute(link.delete().where(this))  # a link is not a record: the kept one says the same


def _note_merge(connection: sa.Connection, row: sa.Row, action: str, summary: str, now: datetime) -> None:
    """Bump the source's version (an open edit form of it is out of date) and say what happened in its history."""
    version = (connection.scalar(sa.select(source.c.version).where(source.c.id == row.id)) or 0) + 1
    connection.execute(source.update().where(source.c.id == row.id).values(version=version))
    entry = {'occurred_at': now, 'user_id': None, 'record_type': 'source', 'record_id': row.id, 'version': version}
    connection.execute(change.insert().values(**entry, action=action, summary=summary, changes={}))


def _merge(connection: sa.Connection, kept: sa.Row, duplicate: sa.Row, now: datetime) -> None:
    """Fold one duplicate into the kept source and archive it."""
    _merge_links(connection, kept.id, duplicate.id)
    connection.execute(snapshot.update().where(snapshot.c.source_id == duplicate.id).values(source_id=kept.id))
    moved = (change.c.record_type == 'source') & (change.c.record_id == duplicate.id)
    connection.execute(change.update().where(moved).values(record_id=kept.id))
    archived = duplicate.archived_at or now
    connection.execute(source.update().where(source.c.id == duplicate.id).values(archived_at=archived))
    action = 'update' if duplicate.archived_at else 'archive'
    _note_merge(connection, duplicate, action, f'Merged into source #{kept.id}: the same article', now)
    summary = f'Source #{duplicate.id}, the same article, merged into this one: its links, snapshots and history'
    _note_merge(connection, kept, 'update', summary, now)


def upgrade() -> None:
    """Apply this revision."""
    connection = op.get_bind()
    rows = connection.execute(sa.select(source).order_by(source.c.id)).all()
    normals = {row.id: _normal(row.url, row.url_normalized) for row in rows}
    groups: dict[str, list[sa.Row]] = defaultdict(list)
    for row in rows:
        if normals[row.id]:
            groups[normals[row.id]].append(row)
    duplicates: list[tuple[sa.Row, sa.Row]] = []
    for members in groups.values():
        kept, *others = sorted(members, key=lambda row: (row.archived_at is not None, row.created_at, row.id))
        duplicates += [(kept, other) for other in others]
    for _kept, duplicate in duplicates:
        normals[duplicate.id] = None  # the unique column holds the normal form once, on the kept source
    canonicals = {row.id: _normal(row.canonical_url, row.canonical_url) for row in rows}
    for row in rows:  # the canonical form is kept only when it names another address
        if canonicals[row.id] is not None and canonicals[row.id] == normals[row.id]:
            canonicals[row.id] = None
    # Cleared first, set after: a value may move between rows, and the column is unique at every statement.
    changed = [row for row in rows if (normals[row.id], canonicals[row.id]) != (row.url_normalized, row.canonical_url)]
    for row in changed:
        connection.execute(source.update().where(source.c.id == row.id).values(url_normalized=None))
    for row in changed:
        values = {'url_normalized': normals[row.id], 'canonical_url': canonicals[row.id]}
        connection.execute(source.update().where(source.c.id == row.id).values(**values))
    now = datetime.now(UTC)
    for kept, duplicate in duplicates:
        _merge(connection, kept, duplicate, now)


def downgrade() -> None:
    """Revert this revision: nothing to undo (see above)."""
