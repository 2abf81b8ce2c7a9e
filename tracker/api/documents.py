"""API: the documents of an agreement — list, upload (multipart/form-data), read, download the file, see what its
text suggests, and DELETE, which archives (a document is never deleted: its file and history stay)."""

from __future__ import annotations

from typing import Any

from flask import Response, request, url_for

from tracker import documents as files
from tracker.api.blueprint import bp
from tracker.api.helpers import json_response, load, no_content, not_found, page_args, page_of_list, require_if_match
from tracker.api.problems import ApiError, field_error
from tracker.api.representations import agreement_json, page_json, timestamp, version_etag
from tracker.dates import PartialDate, PartialDateError
from tracker.db import get_session
from tracker.http.archived import sees_archived
from tracker.http.documents import allow_document_upload, attachment, documents_folder, max_document_bytes
from tracker.i18n import _
from tracker.models import Agreement, Document, DocumentKind
from tracker.queries.agreements import agreement_detail
from tracker.queries.documents import document_of, live_documents
from tracker.queries.suggestions import Suggestions, suggest
from tracker.services import documents as service

PATH = "/agreements/<id:agreement_id>/documents"
ITEM = PATH + "/<id:document_id>"

bp.url_value_preprocessor(allow_document_upload("api.upload_document"))


def document_json(document: Document) -> dict[str, Any]:
    """A document as the API shows it (its text is read through the suggestions, not listed)."""
    return {
        "id": document.id,
        "agreement_id": document.agreement_id,
        "kind": document.kind.value,
        "language": document.language,
        "dated": document.dated.iso() if document.dated else None,
        "filename": document.filename,
        "media_type": document.media_type,
        "size": document.size,
        "sha256": document.sha256,
        "uploaded_at": timestamp(document.uploaded_at),
        "archived": document.is_archived,
        "file_url": url_for(".download_document", agreement_id=document.agreement_id, document_id=document.id),
    }


def etag(document: Document) -> str:
    """A document changes only when archived: its hash and state are its version."""
    return f'"{document.sha256[:16]}-{"archived" if document.is_archived else "live"}"'


def one_document(agreement_id: int, document_id: int) -> Document:
    """A document of the agreement that this user may see (archived ones for those who see the archive); or 404."""
    document = document_of(get_session(), document_id, agreement_id, include_archived=sees_archived())
    if document is None:
        raise not_found()
    return document


@bp.get(PATH, endpoint="list_documents")
def list_documents(agreement_id: int) -> Response:
    """The agreement's live documents, by their date (undated last), one page."""
    session = get_session()
    page, per_page = page_args()
    agreement = load(session, agreement_detail, agreement_id)
    result = page_of_list(live_documents(agreement), page, per_page)
    return json_response(page_json(result, [document_json(document) for document in result.items]))


@bp.post(PATH, endpoint="upload_document")
def upload_document(agreement_id: int) -> Response:
    """Attach the uploaded file (multipart/form-data: file, kind, language, dated) to the live agreement."""
    session = get_session()
    agreement = session.get(Agreement, agreement_id)
    if agreement is None:
        raise not_found()
    if request.mimetype != "multipart/form-data":
        raise ApiError(415, str(_("Send the file as multipart/form-data, in the field “file”.")))
    upload = request.files.get("file")
    data = service.Upload((upload.filename or "") if upload else "", upload.read() if upload else b"")
    document = service.attach_document(
        session, agreement, data, upload_data(request.form), documents_folder(), max_document_bytes()
    )
    session.commit()
    location = url_for(".get_document", agreement_id=agreement_id, document_id=document.id)
    return json_response(document_json(document), 201, etag=etag(document), location=location)


def upload_data(form: Any) -> service.DocumentData:
    """The form fields besides the file; 422 naming the field that is wrong."""
    kind = form.get("kind") or DocumentKind.OTHER.value
    if kind not in {member.value for member in DocumentKind}:
        message = _("Use one of: %(values)s.", values=", ".join(member.value for member in DocumentKind))
        raise ApiError(422, str(message), [field_error("kind", message)])
    dated_text = (form.get("dated") or "").strip()
    try:
        dated = PartialDate.parse(dated_text) if dated_text else None
    except PartialDateError as error:
        raise ApiError(422, str(error), [field_error("dated", error)]) from error
    return service.DocumentData(DocumentKind(kind), (form.get("language") or "").strip(), dated)


@bp.get(ITEM, endpoint="get_document")
def get_document(agreement_id: int, document_id: int) -> Response:
    """One document's record."""
    document = one_document(agreement_id, document_id)
    return json_response(document_json(document), etag=etag(document))


@bp.get(ITEM + "/file", endpoint="download_document")
def download_document(agreement_id: int, document_id: int) -> Response:
    """The file as uploaded, as an attachment of its recorded type."""
    document = one_document(agreement_id, document_id)
    path = files.stored_path(documents_folder(), document.sha256)
    if not path.is_file():
        raise not_found()
    return attachment(path, document)


@bp.get(ITEM + "/suggestions", endpoint="document_suggestions")
def document_suggestions(agreement_id: int, document_id: int) -> Response:
    """What the document's text suggests: parties, periods and cues, as the news intake's review shows them."""
    document = one_document(agreement_id, document_id)
    return json_response(suggestions_json(suggest(get_session(), "", document.text)))


def suggestions_json(found: Suggestions) -> dict[str, Any]:
    """Suggestions as JSON: recorded parties and sectors by id and name, periods and cues with their phrases."""

    def cues(items: list[Any]) -> list[dict[str, str]]:
        return [{"value": cue.value.value, "phrase": cue.phrase} for cue in items]

    return {
        "parties": [{"id": s.party.id, "name": s.party.name, "matched": s.matched} for s in found.parties],
        "periods": [
            {"start": p.start.iso() if p.start else None, "end": p.end.iso() if p.end else None, "phrase": p.phrase}
            for p in found.periods
        ],
        "instruments": cues(found.instruments),
        "statuses": cues(found.statuses),
        "renewals": cues(found.renewals),
        "sectors": [{"id": s.sector.id, "name": s.sector.name, "matched": s.matched} for s in found.sectors],
    }


@bp.post(ITEM + "/fill", endpoint="fill_from_document")
def fill_from_document(agreement_id: int, document_id: int) -> Response:
    """Fill in the period and parties the live agreement's record lacks from what the document's text suggests (the
    page's "Fill in what the record lacks"); If-Match names the agreement's version. Recorded values stay."""
    session = get_session()
    agreement = load(session, agreement_detail, agreement_id, archived_too=False)
    require_if_match(version_etag(agreement.version))
    document = document_of(session, document_id, agreement_id)
    if document is None:
        raise not_found()
    found = service.fill_in_of(suggest(session, "", document.text))
    filled = service.fill_from_document(session, agreement, found, agreement.version)
    session.commit()
    body = {"filled": filled, "agreement": agreement_json(agreement, agreement.source_links)}
    return json_response(body, etag=version_etag(agreement.version))


@bp.delete(ITEM, endpoint="archive_document")
def archive_document(agreement_id: int, document_id: int) -> Response:
    """Archive the document (If-Match with its ETag): off the list and the search; file and history kept."""
    session = get_session()
    document = document_of(session, document_id, agreement_id)
    if document is None:
        raise not_found()
    require_if_match(etag(document))
    service.archive_document(session, document)
    session.commit()
    return no_content()


@bp.post(ITEM + "/restore", endpoint="restore_document")
def restore_document(agreement_id: int, document_id: int) -> Response:
    """Restore an archived document of a live agreement (admins); 409 when it is live or its agreement archived."""
    session = get_session()
    document = document_of(session, document_id, agreement_id, include_archived=True)
    if document is None:
        raise not_found()
    service.restore_document(session, document)
    session.commit()
    return json_response(document_json(document), etag=etag(document))
