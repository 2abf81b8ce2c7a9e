"""Keeping the evidence: sources made from extracted pages, and snapshots of their text over time."""

from __future__ import annotations

import hashlib
import unicodedata

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tracker.archiving import WITH_ARCHIVED
from tracker.dates import MAX_YEAR, MIN_YEAR
from tracker.errors import ValidationError
from tracker.i18n import _
from tracker.ingest.extract.result import Extracted
from tracker.models import SnapshotMethod, Source, SourceKind, SourceSnapshot
from tracker.records.fields import max_length
from tracker.records.source import SourceData, check_language
from tracker.services.sources import DuplicateSourceError
from tracker.text import shorten
from tracker.urls import InvalidURLError, normalize_url

MAX_URL_LENGTH = max_length(SourceData, "url")
SNAPSHOT_TITLE_LENGTH = 500


def _normal(url: str | None) -> str | None:
    """The normal form of a URL, or None for a blank or invalid one."""
    try:
        return normalize_url(url) if url else None
    except InvalidURLError:
        return None


def find_known_source(session: Session, url: str | None, canonical_url: str | None) -> Source | None:
    """The source (archived ones too: check `is_archived`) whose URL or canonical URL is either of these.

    A match on the source's own URL wins over one on its canonical URL, and the page's URL over its canonical.
    """
    wanted = [normal for normal in dict.fromkeys((_normal(url), _normal(canonical_url))) if normal]
    if not wanted:
        return None
    statement = select(Source).where(or_(Source.url_normalized.in_(wanted), Source.canonical_url.in_(wanted)))
    found = list(session.scalars(statement.order_by(Source.id), execution_options=WITH_ARCHIVED))

    def rank(source: Source) -> tuple[int, int]:
        own = source.url_normalized in wanted
        first = wanted[0] in (source.url_normalized, source.canonical_url)
        return (0 if own else 1, 0 if first else 1)

    return min(found, key=rank, default=None)


def normalized_text(text: str) -> str:
    """The text as compared between snapshots: NFC, whitespace runs collapsed to one space, trimmed."""
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def content_hash(text: str) -> str:
    """SHA-256 (hex) of the normalised text: equal hashes mean the text did not change."""
    return hashlib.sha256(normalized_text(text).encode("utf-8")).hexdigest()


def _fitting_url(url: str | None) -> str | None:
    """The URL when its column can hold it; a cut URL would point elsewhere, so a longer one is dropped."""
    url = (url or "").strip()
    return url if url and len(url) <= MAX_URL_LENGTH else None


def add_snapshot(
    session: Session, source: Source, extracted: Extracted, method: SnapshotMethod, final_url: str | None
) -> SourceSnapshot:
    """Keep the extracted text of a source as retrieved now, by the session's user."""
    snapshot = SourceSnapshot(
        source=source,
        method=method,
        final_url=_fitting_url(final_url),
        title=shorten(extracted.title or "", SNAPSHOT_TITLE_LENGTH),
        text=extracted.text or "",
        content_hash=content_hash(extracted.text),
        retrieved_by_id=session.info.get("actor_id"),
    )
    session.add(snapshot)
    session.flush()
    return snapshot


def _authors(authors: list[str]) -> str:
    """The authors joined with ", ", as many whole names as the column holds."""
    limit = max_length(SourceData, "author")
    kept: list[str] = []
    for author in authors:
        if len(", ".join([*kept, author])) > limit:
            break
        kept.append(author)
    return ", ".join(kept) if kept or not authors else shorten(authors[0], limit)


def _known(source: Source) -> DuplicateSourceError:
    """The error naming the source that already has the page, saying when it is archived."""
    if source.is_archived:
        message = _(
            "An archived source, “%(title)s” (#%(id)s), has this URL; an admin can restore it.",
            title=source.title,
            id=source.id,
        )
    else:
        message = _("This URL is already known as source “%(title)s” (#%(id)s).", title=source.title, id=source.id)
    return DuplicateSourceError(str(message), source_id=source.id)


def _urls(extracted: Extracted) -> tuple[str | None, str | None]:
    """(URL, canonical URL) to store: a page without its own URL (a paste) goes by its canonical one."""
    url = _normal(_fitting_url(extracted.url))
    canonical = _normal(_fitting_url(extracted.canonical_url))
    if url is None:
        return canonical, None
    return url, canonical if canonical != url else None


def _source_from(extracted: Extracted, kind: SourceKind) -> Source:
    """A new source filled in from the extraction, each text cut to fit its column."""
    title = " ".join((extracted.title or "").split())
    if not title:
        raise ValidationError(_("Enter a title."), field="title")
    if extracted.published_on and not MIN_YEAR <= extracted.published_on.year <= MAX_YEAR:
        message = _("The year must be between %(low)s and %(high)s.", low=MIN_YEAR, high=MAX_YEAR)
        raise ValidationError(message, field="published_on")
    # A moment is stored only with its zone: a naive time cannot be placed in UTC.
    moment = extracted.published_at if extracted.published_at and extracted.published_at.tzinfo else None
    url, canonical = _urls(extracted)
    return Source(
        kind=kind,
        url=url,
        url_normalized=url,
        canonical_url=canonical,
        title=shorten(title, max_length(SourceData, "title")),
        outlet=shorten(extracted.outlet or "", max_length(SourceData, "outlet")),
        author=_authors(extracted.authors),
        published_on=extracted.published_on,
        published_at=moment,
        published_utc_offset=extracted.published_utc_offset if moment else None,
        language=check_language(extracted.language or ""),
        excerpt=extracted.excerpt or "",
    )


def create_source_from_extracted(
    session: Session,
    extracted: Extracted,
    method: SnapshotMethod,
    final_url: str | None,
    kind: SourceKind = SourceKind.NEWS_ARTICLE,
) -> Source:
    """Record a source from an extracted page, with its first snapshot; a known page raises DuplicateSourceError."""
    source = _source_from(extracted, kind)
    known = find_known_source(session, source.url, source.canonical_url)
    if known is not None:
        raise _known(known)
    try:
        with session.begin_nested():
            session.add(source)
            add_snapshot(session, source, extracted, method, final_url)
    except IntegrityError as exc:
        # Recorded by someone else since we looked: the savepoint keeps the transaction usable to say by whom.
        known = find_known_source(session, source.url, source.canonical_url)
        if known is None:
            raise
        raise _known(known) from exc
    return source
