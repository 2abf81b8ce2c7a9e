"""The news inbox's fetching: read each active feed, fetch its new items' pages, file those that match in the inbox.

Run by the feeds schedule (tracker/schedules.py; "Run now" there and "Fetch now" on the feeds page queue it). For
each active feed: the feed is fetched and read (tracker/ingest/newsfeed.py), its items whose address is neither an
inbox item's nor a source's (by URL or canonical URL) are new; at most TRACKER_INBOX_BATCH of them a run have their
page fetched and extracted as the review screen does, checked again by the page's canonical URL, and scored
(tracker/queries/relevance.py). Those scoring TRACKER_INBOX_THRESHOLD or more wait in the inbox with their page and
reasons; the others are kept as "unmatched", and another address of a page seen before as "duplicate", address
only, so they are not fetched again. Every fetch happens outside
any transaction, each item is written in a short transaction of its own (SQLite's write lock is never held while a
web server is waited on), and the feed's counts are noted on it: new (pages fetched), filed, unmatched, skipped
(seen before), failed (the page could not be fetched or read; tried again next run).

An item left out keeps its page for TRACKER_INBOX_RESCORE_DAYS days, and each run first scores such items again (at
most RESCORE_LIMIT, the newest first): a party, alias or glossary entry added since may make one match, and it then
waits in the inbox like a new one. Older items left out let their pages go, so that what is kept stays bounded.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from tracker.ingest import acquire
from tracker.ingest.extract.result import ExtractError
from tracker.ingest.fetch.addresses import system_resolver
from tracker.ingest.fetch.policy import FetchError, FetchPolicy, policy_from_config
from tracker.ingest.newsfeed import FeedEntry, fetch_feed
from tracker.ingest.review import PendingSource, plain
from tracker.jobs import job_session, read_session
from tracker.messages import Message, message_data
from tracker.models import InboxItem, InboxState, NewsFeed, utcnow
from tracker.queries.inbox import keeps_page
from tracker.queries.relevance import relevance
from tracker.services import inbox as services
from tracker.services.snapshots import find_known_source
from tracker.text import shorten

COUNTS = ("new", "filed", "unmatched", "skipped", "failed")
# The items left out that one run scores again at most (scoring reads no web page, but each is a suggester pass).
RESCORE_LIMIT = 200


def fetch_feeds() -> dict[str, int]:
    """Read every active feed once; the run's totals (feeds read, feeds failed, and the items' counts)."""
    with job_session() as session, session.begin():
        rescored = score_again(session, utcnow())
    with read_session() as session:
        feeds = session.execute(select_active()).all()
    totals: Counter[str] = Counter(dict.fromkeys(COUNTS, 0))
    failed_feeds = 0
    for feed_id, url, kind in feeds:
        counts, error = read_feed(feed_id, url, kind)
        with job_session() as session, session.begin():
            services.note_feed_run(session, feed_id, counts, error)
        totals.update(counts)
        failed_feeds += bool(error)
    return {"feeds": len(feeds), "feeds_failed": failed_feeds, **totals, **rescored}


def score_again(session: Session, now: datetime) -> dict[str, int]:
    """Score the items left out in the last TRACKER_INBOX_RESCORE_DAYS days again against what the tracker records
    now, filing those that reach the threshold; let go of older ones' pages. Counts: rescored, refiled."""
    since = now - timedelta(days=current_app.config["TRACKER_INBOX_RESCORE_DAYS"])
    threshold = current_app.config["TRACKER_INBOX_THRESHOLD"]
    items = list(session.scalars(select_left_out(since)))
    scored = [(item, relevance(session, item.title, str(item.page.get("text") or ""))) for item in items]
    # Written after all are scored: on SQLite the first write takes the lock, held until the commit.
    matching = [(item, found) for item, found in scored if found.score >= threshold]
    for item, found in matching:
        services.refile_item(session, item, found.score, found.reasons)
    services.forget_pages(session, since)
    return {"rescored": len(items), "refiled": len(matching)}


def select_left_out(since: datetime) -> Select[tuple[InboxItem]]:
    """The items left out since then that kept their pages, the newest first, at most RESCORE_LIMIT."""
    recent = (InboxItem.state == InboxState.UNMATCHED, InboxItem.found_at >= since, keeps_page())
    return (
        select(InboxItem).where(*recent).order_by(InboxItem.found_at.desc(), InboxItem.id.desc()).limit(RESCORE_LIMIT)
    )


def select_active() -> Select[tuple[int, str, str]]:
    """The active feeds' ids, addresses and kinds, oldest first."""
    return select(NewsFeed.id, NewsFeed.url, NewsFeed.kind).where(NewsFeed.active.is_(True)).order_by(NewsFeed.id)


def fetching() -> tuple[FetchPolicy, Any]:
    """The fetch policy from the settings and the name resolver (tests install their own)."""
    return policy_from_config(current_app.config), current_app.extensions.get("tracker.resolver", system_resolver)


def read_feed(feed_id: int, url: str, kind: str) -> tuple[dict[str, int], Message | None]:
    """Fetch the feed and take its new items; the counts, and why the feed could not be read (None when it could)."""
    policy, resolver = fetching()
    counts = dict.fromkeys(COUNTS, 0)
    try:
        entries = fetch_feed(url, policy, resolver, kind)
    except FetchError as error:
        return counts, message_data(error.message)
    for entry in entries:
        if seen(entry.url):
            counts["skipped"] += 1
        elif counts["new"] < max(1, current_app.config["TRACKER_INBOX_BATCH"]):
            counts["new"] += 1
            counts[take(feed_id, entry, policy, resolver)] += 1
    return counts, None


def seen(*urls: str | None) -> bool:
    """Whether an inbox item or a source (archived too) has one of these addresses, as its URL or canonical URL."""
    with read_session() as session:
        if services.seen_item(session, *urls) is not None:
            return True
        return any(find_known_source(session, url, None) is not None for url in urls if url)


def take(feed_id: int, entry: FeedEntry, policy: FetchPolicy, resolver: Any) -> str:
    """Fetch the item's page, score it and record it; which count it adds to: "filed", "unmatched" (recorded, left
    out of the inbox), "skipped" (a page seen before under another address) or "failed"."""
    try:
        pending = acquire.from_url(entry.url, policy, resolver)
    except (FetchError, ExtractError):
        return "failed"  # not recorded: the next run tries again
    page = pending.extracted
    if seen(page.url, page.canonical_url):
        # A near-duplicate: another address of a page seen before, remembered so that it is not fetched again.
        duplicate = services.new_item(feed_id, entry.url, None, {"title": shorten(entry.title, 500)})
        duplicate.state = InboxState.DUPLICATE
        with job_session() as session, session.begin():
            services.file_item(session, duplicate)
        return "skipped"
    with read_session() as session:
        found = relevance(session, page.title or entry.title, page.text)
    matched = found.score >= current_app.config["TRACKER_INBOX_THRESHOLD"]
    item = services.new_item(feed_id, entry.url, page.canonical_url, details(entry, pending, found, matched))
    with job_session() as session, session.begin():
        filed = services.file_item(session, item)
    if not filed:
        return "skipped"
    return "filed" if matched else "unmatched"


def keeps_pages() -> bool:
    """Whether items left out keep their pages, to be scored again."""
    return current_app.config["TRACKER_INBOX_RESCORE_DAYS"] > 0


def details(entry: FeedEntry, pending: PendingSource, found: Any, matched: bool) -> dict[str, Any]:
    """What an item keeps: its title, outlet, date and language; for a matched one its page, score and reasons."""
    page = pending.extracted
    moment = page.published_at if page.published_at and page.published_at.tzinfo else entry.published_at
    return {
        "title": shorten(page.title or entry.title, 500),
        "outlet": shorten(page.outlet or "", 200),
        "published_at": moment,
        "language": (page.language or "")[:16],
        "page": {**plain(page), "final_url": pending.final_url} if matched or keeps_pages() else {},
        "score": found.score,
        "reasons": found.reasons if matched else [],
        "state": InboxState.NEW if matched else InboxState.UNMATCHED,
    }
