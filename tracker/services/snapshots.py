"""Keeping the evidence: sources made from extracted pages, and snapshots of their text over time."""

from __future__ import annotations

import hashlib
import unicodedata
from typing import Any

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
from tracker.services.conflicts import detect_for_source
from tracker.services.sources import DuplicateSourceError
from tracker.text import shorten
from tracker.urls import InvalidURLError, normalize_url

MAX_URL_LENGTH = max_length(SourceData, "url")
SNAPSHOT_TITLE_LENGTH = 500
PUBLICATION_FIELDS = ("published_on", "published_at", "published_utc_offset")


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
    detect_for_source(session, source.id)
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


def _urls(extracted: Extracted) -> tuple[str | None, str | None, str | None]:
    """(URL, its normal form, canonical normal form) to store: a page without its own URL (a paste) goes by its
    canonical one; the canonical form is kept only when it names another address."""
    addresses = [url for url in (_fitting_url(extracted.url), _fitting_url(extracted.canonical_url)) if _normal(url)]
    if not addresses:
        return None, None, None
    normal, canonical = _normal(addresses[0]), _normal(addresses[-1])
    return addresses[0], normal, canonical if canonical != normal else None


def _described(extracted: Extracted) -> dict[str, Any]:
    """The source's descriptive fields read from an extraction, each cut to fit its column; blank when not found."""
    # A moment is stored only with its zone: a naive time cannot be placed in UTC.
    moment = extracted.published_at if extracted.published_at and extracted.published_at.tzinfo else None
    return {
        "title": shorten(" ".join((extracted.title or "").split()), max_length(SourceData, "title")),
        "outlet": shorten(extracted.outlet or "", max_length(SourceData, "outlet")),
        "author": _authors(extracted.authors),
        "published_on": extracted.published_on,
        "published_at": moment,
        "published_utc_offset": extracted.published_utc_offset if moment else None,
        "language": check_language(extracted.language or ""),
        "excerpt": extracted.excerpt or "",
    }


def _year_fits(extracted: Extracted) -> bool:
    """Whether the page's publication year, if any, is one the tracker stores."""
    return not extracted.published_on or MIN_YEAR <= extracted.published_on.year <= MAX_YEAR


def _source_from(extracted: Extracted, kind: SourceKind) -> Source:
    """A new source filled in from the extraction."""
    described = _described(extracted)
    if not described["title"]:
        raise ValidationError(_("Enter a title."), field="title")
    if not _year_fits(extracted):
        message = _("The year must be between %(low)s and %(high)s.", low=MIN_YEAR, high=MAX_YEAR)
        raise ValidationError(message, field="published_on")
    url, normal, canonical = _urls(extracted)
    return Source(kind=kind, url=url, url_normalized=normal, canonical_url=canonical, **described)


def _title_is_only_its_url(source: Source) -> bool:
    """Whether the source's title is its URL in some spelling, as an import without a title column leaves it."""
    return not source.title or (source.url_normalized is not None and _normal(source.title) == source.url_normalized)


def fill_missing(source: Source, extracted: Extracted) -> None:
    """Give a recorded source what a page of it says and the source lacks; what the source has stays."""
    described = _described(extracted)
    lacking = [name for name in described if name != "title" and getattr(source, name) in (None, "")]
    if "published_on" not in lacking or not _year_fits(extracted):
        # A moment belongs with its day, not with another day already recorded; a year out of range is not kept.
        lacking = [name for name in lacking if name not in PUBLICATION_FIELDS]
    if described["title"] and _title_is_only_its_url(source):
        lacking.append("title")
    for name in lacking:
        if described[name] not in (None, ""):
            setattr(source, name, described[name])


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


def record_page(
    session: Session, extracted: Extracted, method: SnapshotMethod, final_url: str | None
) -> tuple[Source, bool]:
    """A new source with its first snapshot (False), or a new snapshot of the source already recorded under the
    page's URL, filled in where it lacks what the page says (True); an archived one raises DuplicateSourceError."""
    known = find_known_source(session, extracted.url, extracted.canonical_url)
    if known is None:
        try:
            return create_source_from_extracted(session, extracted, method, final_url), False
        except DuplicateSourceError as error:  # recorded by someone else since we looked
            known = session.get_one(Source, error.source_id, execution_options=WITH_ARCHIVED)
    if known.is_archived:
        raise _known(known)
    fill_missing(known, extracted)
    add_snapshot(session, known, extracted, method, final_url)
    return known, True
