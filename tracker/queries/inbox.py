"""Reads of the news inbox: the items waiting, best first, how many there are, and the registered feeds."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, String, cast, func, select
from sqlalchemy.orm import Session, joinedload

from tracker.models import InboxItem, InboxState, NewsFeed
from tracker.queries.pagination import Page, paginate

INBOX_LIMIT = 200


def keeps_page() -> ColumnElement[bool]:
    """The item kept its page (an empty one is stored as "{}", on both engines)."""
    return func.length(cast(InboxItem.page, String)) > len("{}")


def ranked(states: list[InboxState]) -> Select[tuple[InboxItem]]:
    """The items in these states with their feeds, the highest score first, then the newest."""
    return (
        select(InboxItem)
        .where(InboxItem.state.in_(states))
        .options(joinedload(InboxItem.feed))
        .order_by(InboxItem.score.desc(), InboxItem.published_at.desc().nulls_last(), InboxItem.id.desc())
    )


def waiting_items(session: Session, limit: int = INBOX_LIMIT) -> list[InboxItem]:
    """The new items, best first, with their feeds."""
    return list(session.scalars(ranked([InboxState.NEW]).limit(limit)))


def inbox_page(session: Session, states: list[InboxState], page: int, per_page: int) -> Page:
    """One page of the items in these states, in the inbox's order."""
    return paginate(session, ranked(states), page, per_page)


def waiting_count(session: Session) -> int:
    """How many items wait in the inbox."""
    return session.scalar(select(func.count()).where(InboxItem.state == InboxState.NEW)) or 0


def news_feeds(session: Session) -> list[NewsFeed]:
    """The registered feeds, active ones first, by name."""
    return list(session.scalars(select(NewsFeed).order_by(NewsFeed.active.desc(), NewsFeed.name, NewsFeed.id)))
