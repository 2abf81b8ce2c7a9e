"""Writes of the news inbox: the feeds admins register, items the feeds schedule files, and editors' triage."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tracker.errors import DuplicateError, NotFoundError, StateError, ValidationError
from tracker.history.recorder import ACTOR
from tracker.i18n import _
from tracker.ingest.newsfeed import AUTO, KINDS
from tracker.ingest.review import PendingSource, restored
from tracker.models import MAX_ID, Agreement, InboxItem, InboxState, NewsFeed, SnapshotMethod, Source, utcnow
from tracker.queries.inbox import keeps_page
from tracker.services.ingest import ReviewDecision, save_review
from tracker.urls import InvalidURLError, clean_url, normalize_url


def feed_url(url: str) -> str:
    """The feed's address, checked and tidied; a ValidationError next to the URL field otherwise."""
    try:
        return clean_url(url)
    except InvalidURLError as error:
        raise ValidationError(str(error), field="url") from error


def _check_unique(session: Session, url: str, feed: NewsFeed | None = None) -> None:
    """Refuse an address another feed already has."""
    other = session.scalar(select(NewsFeed).where(NewsFeed.url == url))
    if other is not None and other is not feed:
        raise DuplicateError(_("The feed “%(name)s” already has this address.", name=other.name), field="url")


def feed_kind(kind: str) -> str:
    """The feed's kind, one of those the reader knows; a ValidationError next to the kind field otherwise."""
    if kind not in KINDS:
        raise ValidationError(_("Use one of: %(values)s.", values=", ".join(KINDS)), field="kind")
    return kind


def add_feed(session: Session, name: str, url: str, kind: str = AUTO) -> NewsFeed:
    """Register a feed, active, as added by the session's user."""
    url, kind = feed_url(url), feed_kind(kind)
    _check_unique(session, url)
    feed = NewsFeed(name=name.strip(), url=url, kind=kind, added_by_id=session.info.get(ACTOR), last_result={})
    session.add(feed)
    session.flush()
    return feed


def update_feed(session: Session, feed: NewsFeed, name: str, url: str, active: bool, kind: str = AUTO) -> None:
    """Rename a feed, give it another address or kind, or (de)activate it."""
    url, kind = feed_url(url), feed_kind(kind)
    _check_unique(session, url, feed)
    feed.name, feed.url, feed.active, feed.kind = name.strip(), url, active, kind
    session.flush()


def note_feed_run(session: Session, feed_id: int, counts: dict[str, int], error: dict[str, Any] | None) -> None:
    """Record what the feed's last run found, or why the feed could not be read (as message data)."""
    feed = session.get(NewsFeed, feed_id)
    if feed is not None:
        feed.last_fetched_at, feed.last_result, feed.last_error_message = utcnow(), counts, error
        feed.last_error = ""  # the text of runs recorded before the message was kept as data
        session.flush()


def normal_urls(*urls: str | None) -> list[str]:
    """The normal forms of the addresses that have one, each once."""
    normal = []
    for url in urls:
        try:
            normal.append(normalize_url(url or ""))
        except InvalidURLError:
            continue
    return list(dict.fromkeys(normal))


def seen_item(session: Session, *urls: str | None) -> InboxItem | None:
    """The item already recorded under any of these addresses (as its URL or its canonical URL)."""
    wanted = normal_urls(*urls)
    if not wanted:
        return None
    either = or_(InboxItem.url_normalized.in_(wanted), InboxItem.canonical_url.in_(wanted))
    return session.scalars(select(InboxItem).where(either).order_by(InboxItem.id).limit(1)).first()


def file_item(session: Session, item: InboxItem) -> bool:
    """Record the item unless one with its URL or canonical URL was recorded meanwhile; whether it was."""
    try:
        with session.begin_nested():
            session.add(item)
    except IntegrityError:
        return False
    return True


def new_item(feed_id: int, url: str, canonical: str | None, details: dict[str, Any]) -> InboxItem:
    """An item of the feed at `url` (its page naming `canonical`), not yet added to a session."""
    normal = normal_urls(url)[0]
    canonical_normal = (normal_urls(canonical) or [None])[0]
    return InboxItem(feed_id=feed_id, url=url, url_normalized=normal, canonical_url=canonical_normal, **details)


def refile_item(session: Session, item: InboxItem, score: float, reasons: list[dict[str, Any]]) -> None:
    """An item left out that now matches what the tracker records: it waits in the inbox with its new reasons."""
    if item.state == InboxState.UNMATCHED:
        item.state, item.score, item.reasons = InboxState.NEW, score, reasons
        session.flush()


def forget_pages(session: Session, before: datetime) -> int:
    """Let go of the pages of items left out before then (they are no longer scored again); how many."""
    statement = (
        update(InboxItem)
        .where(InboxItem.state == InboxState.UNMATCHED, InboxItem.found_at < before, keeps_page())
        .values(page={})
        .execution_options(synchronize_session=False)
    )
    return session.execute(statement).rowcount or 0


def _triage(session: Session, item: InboxItem, state: InboxState) -> None:
    """Record how the session's user triaged the item; an item triaged already is refused."""
    if item.state != InboxState.NEW:
        raise StateError(_("This news item has been dealt with already."))
    item.state, item.triaged_by_id, item.triaged_at = state, session.info.get(ACTOR), utcnow()
    session.flush()


def dismiss_item(session: Session, item: InboxItem) -> None:
    """Leave the item out: it never comes back."""
    _triage(session, item, InboxState.DISMISSED)


def mark_recorded(session: Session, item_id: int, source_id: int, created: bool) -> None:
    """The item's page is now a source, linked to agreements (or to a new one made from it)."""
    item = session.get(InboxItem, item_id) if 0 < item_id <= MAX_ID else None
    if item is None:
        raise NotFoundError(_("This news item no longer exists."))
    _triage(session, item, InboxState.CREATED if created else InboxState.LINKED)
    item.source_id = source_id
    session.flush()


def pending_of(item: InboxItem) -> PendingSource:
    """The item's page as the review screen takes it: as it was fetched, from the address it was fetched from."""
    page = dict(item.page)
    final_url = page.pop("final_url", None) or item.url
    return PendingSource(restored(page), SnapshotMethod.FETCH, final_url)


def link_item(session: Session, item: InboxItem, agreement_id: int, note: str = "") -> Source:
    """What confirming the item's review with one agreement ticked does: record its page as a source (or a new
    snapshot of the source recorded under its address), link it to the live agreement with the note, mark the item
    linked."""
    if item.state != InboxState.NEW or not item.page:
        raise StateError(_("This news item has been dealt with already."))
    if not 0 < agreement_id <= MAX_ID or session.get(Agreement, agreement_id) is None:
        raise ValidationError(_("There is no such agreement."), field="agreement_id")
    source, _known = save_review(session, pending_of(item), ReviewDecision([agreement_id], note))
    mark_recorded(session, item.id, source.id, created=False)
    return source
