"""Reads of the news inbox: the items waiting, best first, how many there are, and the registered feeds."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from tracker.models import InboxItem, InboxState, NewsFeed

INBOX_LIMIT = 200


def waiting_items(session: Session, limit: int = INBOX_LIMIT) -> list[InboxItem]:
    """The new items, the highest score first, then the newest, with their feeds."""
    statement = (
        select(InboxItem)
        .where(InboxItem.state == InboxState.NEW)
        .options(joinedload(InboxItem.feed))
        .order_by(InboxItem.score.desc(), InboxItem.published_at.desc().nulls_last(), InboxItem.id.desc())
        .limit(limit)
    )
    return list(session.scalars(statement))


def waiting_count(session: Session) -> int:
    """How many items wait in the inbox."""
    return session.scalar(select(func.count()).where(InboxItem.state == InboxState.NEW)) or 0


def news_feeds(session: Session) -> list[NewsFeed]:
    """The registered feeds, active ones first, by name."""
    return list(session.scalars(select(NewsFeed).order_by(NewsFeed.active.desc(), NewsFeed.name, NewsFeed.id)))
