"""Attaching documents to agreements and archiving them (they are never deleted)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from tracker import documents
from tracker.dates import PartialDate
from tracker.errors import StateError, ValidationError
from tracker.i18n import _
from tracker.models import Agreement, Document, DocumentKind, PartyRole
from tracker.queries.suggestions import Suggestions
from tracker.records import agreement as agreement_contract
from tracker.records.source import check_language
from tracker.services.agreements import update_agreement
from tracker.services.archive import archive, restore
from tracker.services.citations import refresh_evidence
from tracker.services.conflicts import detect_conflicts

# Characters a file name keeps none of (a header or a log line would break on them).
CONTROLS = re.compile(r"[\x00-\x1f\x7f]")
# The longest file name kept (the column's length); a longer one keeps its end, where the extension is.
MAX_FILENAME = 255


@dataclass(frozen=True)
class DocumentData:
    """What the person says about a document: its kind, language and date."""

    kind: DocumentKind = DocumentKind.OTHER
    language: str = ""
    dated: PartialDate | None = None


@dataclass(frozen=True)
class FillIn:
    """What a document suggests for its agreement's record: the first period found, and the parties named."""

    start: PartialDate | None = None
    end: PartialDate | None = None
    party_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Upload:
    """The uploaded file: the name it came with, and its bytes."""

    filename: str
    data: bytes


def attach_document(
    session: Session, agreement: Agreement, upload: Upload, data: DocumentData, folder: Path, max_bytes: int
) -> Document:
    """Read the file, keep its bytes under their hash in `folder`, and record it on the agreement.

    Refused (ValidationError naming the `file` field) when empty, too large, or of a type not accepted.
    """
    if agreement.is_archived:
        raise StateError(str(_("An archived agreement takes no new documents.")))
    read = _read(upload, max_bytes)
    language = check_language(data.language)
    document = Document(
        agreement_id=agreement.id,
        kind=data.kind,
        language=language,
        filename=_filename(upload.filename),
        media_type=read.media_type,
        size=read.size,
        sha256=read.sha256,
        text=read.text,
        uploaded_by_id=session.info.get("actor_id"),
    )
    document.dated = data.dated
    session.add(document)
    # The row first: a database that refuses it (read-only, full) leaves no file behind. A file kept for a
    # transaction that then fails to commit is harmless: it is found by its hash when attached again.
    session.flush()
    documents.store(folder, upload.data, read.sha256)
    detect_conflicts(session, [agreement.id])
    return document


def _read(upload: Upload, max_bytes: int) -> documents.ReadFile:
    """The file read, or the reason it cannot be attached, next to the file input."""
    if not upload.data:
        raise ValidationError(str(_("Choose a file to attach.")), field="file")
    if len(upload.data) > max_bytes:
        limit = max_bytes // (1024 * 1024)
        raise ValidationError(str(_("The file is larger than %(limit)s MB.", limit=limit)), field="file")
    try:
        return documents.read(upload.data)
    except documents.DocumentError as error:
        raise ValidationError(error.message, field="file") from error


def _filename(name: str) -> str:
    """The uploaded name without any folder a browser sent with it or control characters, at most the column's
    length."""
    base = CONTROLS.sub("", name.replace("\\", "/").rsplit("/", 1)[-1]).strip() or "document"
    return base[-MAX_FILENAME:]


def archive_document(session: Session, document: Document) -> None:
    """Take the document off the agreement's list and its search text; its row, file and history stay. Citations of
    it stay too, but no longer count for the agreement's evidence level."""
    archive(session, document)
    refresh_evidence(session, [document.agreement_id])
    detect_conflicts(session, [document.agreement_id])


def restore_document(session: Session, document: Document) -> None:
    """Bring an archived document back onto its agreement's list and search text, once the agreement is live; its
    citations count again for the agreement's evidence level."""
    restore(session, document, _refuse_archived_agreement)
    refresh_evidence(session, [document.agreement_id])


def _refuse_archived_agreement(session: Session, document: Document) -> None:
    """A live document belongs to a live agreement: refuse, naming it, while the agreement is archived."""
    if document.agreement.is_archived:
        message = _("Restore the agreement “%(title)s” first.", title=document.agreement.title)
        raise StateError(str(message))


def fill_in_of(found: Suggestions) -> FillIn:
    """What the suggestions offer to fill in: the first (best) period, and every party found."""
    first = found.periods[0] if found.periods else None
    parties = tuple(suggestion.party.id for suggestion in found.parties)
    return FillIn(first.start if first else None, first.end if first else None, parties)


def fill_from_document(
    session: Session, agreement: Agreement, found: FillIn, expected_version: int | None = None
) -> list[str]:
    """Fill in what the agreement's record lacks from what its document suggests: the period's start and end where
    none is recorded, and the parties found that it does not name (as signatories). Recorded values are never
    replaced (the suggestions page shows where they differ). Returns the fields filled in; ConflictError when the
    agreement was saved since the page was read."""
    body = agreement_contract.input_json(agreement)
    filled = [name for name, value in (("start", found.start), ("end", found.end)) if value and not body[name]]
    for name in filled:
        body[name] = getattr(found, name).iso()
    named = {row["party_id"] for row in body["parties"]}
    added = [party_id for party_id in dict.fromkeys(found.party_ids) if party_id not in named]
    body["parties"] += [{"party_id": party_id, "role": PartyRole.SIGNATORY.value} for party_id in added]
    if added:
        filled.append("parties")
    if filled:
        update_agreement(session, agreement, agreement_contract.from_json(body), expected_version)
    return filled
