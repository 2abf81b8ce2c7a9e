"""Writes for sources and their links to agreements: checks, duplicate URLs, links, archiving."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tracker.archiving import WITH_ARCHIVED
from tracker.errors import DuplicateError, InUseError
from tracker.i18n import _, _n
from tracker.models import Agreement, AgreementSource, Citation, Source
from tracker.records import source as source_contract
from tracker.records.problems import raise_problems
from tracker.records.source import SourceData
from tracker.services.archive import archive, restore
from tracker.services.citations import citing_agreements, refresh_evidence
from tracker.services.conflicts import detect_conflicts, detect_for_source
from tracker.services.usage import named_rows
from tracker.services.versions import versioned_update
from tracker.urls import InvalidURLError, normalize_url


class DuplicateSourceError(DuplicateError):
    """The URL is already known; `source_id` is the source that has it."""

    def __init__(self, message: str, source_id: int, field: str | None = "url") -> None:
        super().__init__(message, field=field)
        self.source_id = source_id


# --- checks ------------------------------------------------------------------------------------


def _checked(data: SourceData) -> tuple[SourceData, str | None]:
    """The description cleaned and checked against the source's contract, and the normal form of its URL."""
    data = source_contract.cleaned(data)
    raise_problems(source_contract.check(data))
    return data, normalize_url(data.url) if data.url else None


# --- duplicate URLs ----------------------------------------------------------------------------


def _source_by_normalized(session: Session, normalized: str) -> Source | None:
    """The source stored with this normal URL, if any, archived or not: the column is unique either way."""
    return session.scalar(select(Source).where(Source.url_normalized == normalized), execution_options=WITH_ARCHIVED)


def find_source_by_url(session: Session, url: str | None) -> Source | None:
    """The source already known (perhaps archived) under this URL in any spelling; None for blank or invalid URLs."""
    try:
        normalized = normalize_url(url or "")
    except InvalidURLError:
        return None
    return _source_by_normalized(session, normalized)


def _duplicate(source: Source) -> DuplicateSourceError:
    """The error saying which source already has the URL, and that it is archived when it is."""
    if source.is_archived:
        message = _(
            "An archived source, “%(title)s” (#%(id)s), has this URL; an admin can restore it.",
            title=source.title,
            id=source.id,
        )
    else:
        message = _("This URL is already known as source “%(title)s” (#%(id)s).", title=source.title, id=source.id)
    return DuplicateSourceError(str(message), source_id=source.id)


def _refuse_known_url(session: Session, url: str, exclude_id: int | None = None) -> None:
    """Refuse a URL another source already has."""
    existing = find_source_by_url(session, url) if url else None
    if existing is not None and existing.id != exclude_id:
        raise _duplicate(existing)


@contextmanager
def _url_guard(session: Session, normalized: str | None, exclude_id: int | None = None) -> Iterator[None]:
    """Write in a savepoint; the unique constraint hit by a concurrent save becomes a DuplicateSourceError."""
    try:
        with session.begin_nested():
            yield
    except IntegrityError as exc:
        # The savepoint keeps the outer transaction usable, so we can look up who won the race.
        existing = _source_by_normalized(session, normalized) if normalized else None
        if existing is None or existing.id == exclude_id:
            raise
        raise _duplicate(existing) from exc


# --- sources -----------------------------------------------------------------------------------


def _apply(source: Source, data: SourceData, normalized: str | None) -> None:
    """Copy a checked description onto a source."""
    source.url = data.url or None
    source.url_normalized = normalized
    source.kind = data.kind
    source.title = data.title
    source.outlet = data.outlet
    source.author = data.author
    source.published_on = data.published_on
    source.language = data.language
    source.excerpt = data.excerpt


def create_source(session: Session, data: SourceData) -> Source:
    """Record a new source; a URL already known raises DuplicateSourceError naming the known source."""
    data, normalized = _checked(data)
    _refuse_known_url(session, data.url)
    source = Source()
    with _url_guard(session, normalized):
        _apply(source, data, normalized)
        session.add(source)
    return source


def update_source(session: Session, source: Source, data: SourceData, expected_version: int | None = None) -> Source:
    """Change a source; its URL may not become one another source has; ConflictError if saved meanwhile."""
    data, normalized = _checked(data)
    kind = source.kind
    with versioned_update(session, source, expected_version):
        _refuse_known_url(session, data.url, exclude_id=source.id)
        with _url_guard(session, normalized, exclude_id=source.id):
            _apply(source, data, normalized)
    if source.kind is not kind:  # a news report found to be a press release: the citing agreements' evidence moves
        refresh_evidence(session, citing_agreements(session, source_id=source.id))
    detect_for_source(session, source.id)  # its excerpt or outlet may have changed what it says, or who says it
    return source


def find_or_create_source(session: Session, data: SourceData) -> tuple[Source, bool]:
    """The source already known under the URL (True), or a new one made from `data` (False)."""
    existing = find_source_by_url(session, data.url)
    if existing is not None and existing.is_archived:
        raise _duplicate(existing)  # an archived source is restored by an admin, not linked in passing
    if existing is not None:
        return existing, True
    try:
        return create_source(session, data), False
    except DuplicateSourceError as error:  # saved by someone else since we looked
        return session.get_one(Source, error.source_id), True


def _refuse_if_cited(session: Session, source: Source) -> None:
    """Refuse to archive a source that live agreements cite, naming them."""
    citing = select(Agreement.title).join(AgreementSource).where(AgreementSource.source_id == source.id)
    titles = named_rows(session, citing.order_by(Agreement.title, Agreement.id))
    if titles:
        message = _("This source cannot be archived: %(titles)s cite it. Unlink it first.", titles=titles)
        raise InUseError(str(message))


def archive_source(session: Session, source: Source) -> None:
    """Archive a source no live agreement cites: it leaves lists and choices, and keeps its URL."""
    archive(session, source, _refuse_if_cited)


def restore_source(session: Session, source: Source) -> None:
    """Bring an archived source back into lists and choices."""
    restore(session, source)


# --- links -------------------------------------------------------------------------------------


def _link_between(session: Session, agreement: Agreement, source: Source) -> AgreementSource | None:
    """The link between an agreement and a source, if any."""
    return session.scalar(
        select(AgreementSource).where(
            AgreementSource.agreement_id == agreement.id, AgreementSource.source_id == source.id
        )
    )


def _refuse_linked(session: Session, agreement: Agreement, source: Source) -> None:
    """Refuse a second link between the same agreement and source."""
    if _link_between(session, agreement, source) is not None:
        message = _(
            "Source “%(source)s” is already linked to “%(agreement)s”.", source=source.title, agreement=agreement.title
        )
        raise DuplicateError(str(message))


def link_source(session: Session, agreement: Agreement, source: Source, note: str = "") -> AgreementSource:
    """Record that a source supports something about an agreement, as the note says."""
    _refuse_linked(session, agreement, source)
    try:
        with session.begin_nested():
            link = AgreementSource(agreement=agreement, source=source, note=note)
            session.add(link)
    except IntegrityError:
        _refuse_linked(session, agreement, source)  # linked concurrently: say so
        raise
    detect_conflicts(session, [agreement.id])
    return link


def link_once(session: Session, agreement: Agreement, source: Source, note: str = "") -> AgreementSource:
    """Link a source to an agreement; when they are linked already, the link keeps its note or takes this one."""
    link = _link_between(session, agreement, source)
    if link is None:
        return link_source(session, agreement, source, note)
    return update_link_note(session, link, link.note or note)


def link_new_source(
    session: Session, agreement: Agreement, data: SourceData, note: str = ""
) -> tuple[AgreementSource, bool]:
    """Link a source described by `data`; reuse the source already known under its URL (True)."""
    source, known = find_or_create_source(session, data)
    return link_source(session, agreement, source, note), known


def update_link_note(session: Session, link: AgreementSource, note: str) -> AgreementSource:
    """Change what a link says the source supports."""
    link.note = note
    session.flush()
    return link


def unlink_source(session: Session, link: AgreementSource) -> None:
    """Remove a link; the agreement and the source stay. Refused while the agreement cites the source for a fact."""
    cited = select(func.count()).where(Citation.agreement_id == link.agreement_id, Citation.source_id == link.source_id)
    count = session.scalar(cited) or 0
    if count:
        message = _n(
            "The agreement cites this source for %(num)d fact: remove that citation first.",
            "The agreement cites this source for %(num)d facts: remove those citations first.",
            count,
        )
        raise InUseError(str(message))
    session.delete(link)
    detect_conflicts(session, [link.agreement_id])
    session.flush()
