"""Counts of live agreements per linked record, from the link tables' narrow indexes (issue 19).

Counting through the `Agreement` entity lets the archive rule (tracker/archiving.py) probe every linked agreement's
row for `archived_at`: 141,000 look-ups for the sector list at 100,000 agreements. Archived agreements are few, so
every link is counted from the link table's (key, agreement_id) index alone, and the links of archived agreements,
found from the partial index `ix_agreement_archived` (0032), are taken off.
"""

from __future__ import annotations

from sqlalchemy import Column, ColumnElement, Select, Subquery, Table, func, select

from tracker.models import Agreement

AGREEMENT = Agreement.__table__


def archived_agreement_ids() -> Select:
    """SELECT the ids of the archived agreements, from their partial index."""
    # Named on SQLite: with no archived agreement ANALYZE records nothing for the index, and the planner, guessing it
    # large, scanned a 100,000-row index instead (PostgreSQL's statistics see that it is small).
    statement = select(AGREEMENT.c.id).where(AGREEMENT.c.archived_at.is_not(None))
    return statement.with_hint(AGREEMENT, "INDEXED BY ix_agreement_archived", "sqlite")


def live_link_counts(links: Table, key: Column, *where: ColumnElement[bool]) -> Subquery:
    """(key, live): per value of `key` (a column of the link table `links`) among the links `where` selects, how many
    distinct live agreements it links (a party may take part in an agreement in more than one role)."""
    linked = func.count(links.c.agreement_id.distinct()).label("links")
    every = select(key.label("key"), linked).where(*where).group_by(key).subquery("every_link")
    archived = (
        select(key.label("key"), linked)
        .where(*where, links.c.agreement_id.in_(archived_agreement_ids()))
        .group_by(key)
        .subquery("archived_link")
    )
    live = every.c.links - func.coalesce(archived.c.links, 0)
    return (
        select(every.c.key, live.label("live"))
        .outerjoin(archived, archived.c.key == every.c.key)
        .subquery("live_links")
    )
