"""Re-checking sources: fetch each linked page again, keep a new snapshot when its text changed, note every check.

The re-check schedule (tracker/schedules.py) takes the sources with a URL that nobody fetched or checked for
TRACKER_RECHECK_DAYS days, the longest-unchecked first, at most TRACKER_RECHECK_BATCH a run and at most
TRACKER_RECHECK_PER_HOST of one site (a site many sources cite is not hammered): a fetch gives up after
TRACKER_FETCH_TIMEOUT (10 s), so one run stays within minutes and the rest wait for the next. Each page is fetched
outside any transaction and its outcome written in a short transaction of its own, so a run never holds
SQLite's write lock while it waits on a web server. Every check is a `source_check` row saying how the link is
(tracker/linkcheck.py): alive (unchanged, or changed: a snapshot was kept, with how much changed), moved, gone or
failing with the reason. The source's page shows the last check, and /sources/links the links to look at; the kept
snapshots stay the evidence when a link dies.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from tracker import linkcheck
from tracker.ingest import acquire
from tracker.ingest.extract.result import ExtractError
from tracker.ingest.fetch.addresses import system_resolver
from tracker.ingest.fetch.policy import FetchError, policy_from_config
from tracker.jobs import job_session
from tracker.models import Source, SourceCheck, SourceCheckOutcome, SourceSnapshot, utcnow
from tracker.services import snapshots


@dataclass(frozen=True)
class Page:
    """A source's page as the check sees it before fetching: where it is and the hash of its last kept text."""

    source_id: int
    url: str
    last_hash: str | None


def last_checked() -> ColumnElement[datetime]:
    """When each source's page was last checked by this schedule."""
    return select(func.max(SourceCheck.checked_at)).where(SourceCheck.source_id == Source.id).scalar_subquery()


def last_fetched() -> ColumnElement[datetime]:
    """When each source's text was last kept (by anyone, a fetch or a paste)."""
    return select(func.max(SourceSnapshot.retrieved_at)).where(SourceSnapshot.source_id == Source.id).scalar_subquery()


def due(checked_before: datetime):
    """The live sources with a URL, neither checked nor fetched since `checked_before`."""
    checked, fetched = last_checked(), last_fetched()
    return select(Source.id).where(
        Source.url.is_not(None),
        Source.url != "",
        Source.archived_at.is_(None),
        or_(checked.is_(None), checked < checked_before),
        or_(fetched.is_(None), fetched < checked_before),
    )


def due_sources(session: Session, checked_before: datetime, limit: int, per_host: int = 0) -> list[int]:
    """The ids of the due sources, the longest-unchecked (never checked) first, at most `limit`, and at most
    `per_host` of one site (0: no such bound) so that a run never hammers one site; the others wait for a later run."""
    oldest = func.coalesce(last_checked(), last_fetched())
    ordered = due(checked_before).add_columns(Source.url).order_by(oldest.asc().nulls_first(), Source.id)
    if not per_host:
        return list(session.scalars(ordered.limit(limit)))
    chosen: list[int] = []
    taken: Counter[str] = Counter()
    for source_id, url in session.execute(ordered).all():  # ids and addresses only: small even when many are due
        host = host_of(url)
        if taken[host] < per_host:
            taken[host] += 1
            chosen.append(source_id)
            if len(chosen) == limit:
                break
    return chosen


def host_of(url: str) -> str:
    """The site a URL is on (its host name, lower case); "" when it has none."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def count_due(session: Session, checked_before: datetime) -> int:
    """How many sources are due."""
    return session.scalar(select(func.count()).select_from(due(checked_before).subquery())) or 0


def page_of(session: Session, source_id: int) -> Page:
    """The source's URL and the hash of its newest snapshot (not the snapshots' texts)."""
    newest = (
        select(SourceSnapshot.content_hash)
        .where(SourceSnapshot.source_id == source_id)
        .order_by(SourceSnapshot.retrieved_at.desc(), SourceSnapshot.id.desc())
        .limit(1)
    )
    url = session.scalar(select(Source.url).where(Source.id == source_id))
    return Page(source_id, url or "", session.scalar(newest))


def recheck_source(page: Page) -> SourceCheckOutcome:
    """Fetch the page again and record the check (and a snapshot when the text changed) in a transaction of its own."""
    resolver = current_app.extensions.get("tracker.resolver", system_resolver)
    try:
        pending = acquire.from_url(page.url, policy_from_config(current_app.config), resolver)
    except (FetchError, ExtractError) as error:
        return note(page, linkcheck.failure(page.url, error))
    if snapshots.content_hash(pending.extracted.text) == page.last_hash:
        return note(page, linkcheck.answered(page.url, pending.final_url, None))
    with job_session() as session:  # the old text is read and compared before the write transaction starts
        difference = linkcheck.text_difference(newest_text(session, page.source_id), pending.extracted.text)
    health = linkcheck.answered(page.url, pending.final_url, difference)
    with job_session() as session, session.begin():
        source = session.get_one(Source, page.source_id)
        snapshots.add_snapshot(session, source, pending.extracted, pending.method, pending.final_url)
        linkcheck.record(session, page.source_id, health)
    return health.outcome


def newest_text(session: Session, source_id: int) -> str | None:
    """The text of the source's newest snapshot, if it has one."""
    statement = (
        select(SourceSnapshot.text)
        .where(SourceSnapshot.source_id == source_id)
        .order_by(SourceSnapshot.retrieved_at.desc(), SourceSnapshot.id.desc())
        .limit(1)
    )
    return session.scalar(statement)


def note(page: Page, health: linkcheck.Health) -> SourceCheckOutcome:
    """Record a check that kept no snapshot."""
    with job_session() as session, session.begin():
        linkcheck.record(session, page.source_id, health)
    return health.outcome


def recheck_sources() -> dict[str, int]:
    """Check the due sources, at most a batch; the counts of each outcome and of the sources still due."""
    config = current_app.config
    checked_before = utcnow() - timedelta(days=config["TRACKER_RECHECK_DAYS"])
    with job_session() as session:
        due_ids = due_sources(session, checked_before, batch(config), config["TRACKER_RECHECK_PER_HOST"])
        pages = [page_of(session, source_id) for source_id in due_ids]
    outcomes = Counter(recheck_source(page).value for page in pages)
    with job_session() as session:
        still_due = count_due(session, checked_before)
    counts = {outcome.value: outcomes[outcome.value] for outcome in SourceCheckOutcome}
    return {"checked": len(pages), **counts, "due": still_due}


def batch(config: Mapping[str, Any]) -> int:
    """Sources checked per run: TRACKER_RECHECK_BATCH, at least one."""
    return max(1, config["TRACKER_RECHECK_BATCH"])
