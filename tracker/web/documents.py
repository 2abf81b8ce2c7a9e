"""Documents of an agreement: attach one from the agreement's page, download it, archive it, and see what its text
suggests for the record."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from tracker import documents as files
from tracker.db import get_session
from tracker.errors import TrackerError
from tracker.forms.base import EDITING
from tracker.forms.documents import DocumentForm, FillForm
from tracker.http.archived import sees_archived
from tracker.http.documents import allow_document_upload, attachment, documents_folder, max_document_bytes
from tracker.i18n import _
from tracker.models import Agreement, Document
from tracker.queries.agreements import agreement_detail
from tracker.queries.documents import document_of
from tracker.queries.suggestions import suggest
from tracker.services import documents as service
from tracker.web.agreements import render_detail
from tracker.web.helpers import INVALID_FORM_STATUS, attach_error, get_or_404

bp = Blueprint("documents", __name__)

bp.url_value_preprocessor(allow_document_upload("documents.attach"))


@bp.post("/agreements/<id:agreement_id>/documents")
def attach(agreement_id: int):
    """Attach the uploaded file to the agreement; a refused one shows the agreement's page with the message."""
    session = get_session()
    agreement = get_or_404(session, Agreement, agreement_id)
    form = DocumentForm(prefix="document")
    if not form.validate():
        return render_detail(agreement_id, document_form=form, status=INVALID_FORM_STATUS)
    upload = form.file.data
    data = upload.read() if upload else b""
    name = upload.filename if upload else ""
    try:
        document = service.attach_document(
            session,
            agreement,
            service.Upload(name or "", data),
            form.to_data(),
            documents_folder(),
            max_document_bytes(),
        )
    except TrackerError as error:
        session.rollback()
        attach_error(form, error)
        return render_detail(agreement_id, document_form=form, status=error.status_code)
    session.commit()
    flash(_("Document “%(name)s” attached.", name=document.filename), "success")
    return redirect(url_for("agreements.detail", agreement_id=agreement_id, _anchor="documents"))


@bp.get("/documents/<id:document_id>/download")
def download(document_id: int):
    """The file as it was uploaded, always as an attachment (never shown in the tracker's own pages)."""
    document = visible_document(document_id)
    path = files.stored_path(documents_folder(), document.sha256)
    if not path.is_file():
        abort(404)
    return attachment(path, document)


@bp.post("/documents/<id:document_id>/archive")
def archive(document_id: int):
    """Archive the document: off the agreement's list and search, kept with its file and history."""
    session = get_session()
    document = document_of(session, document_id) or abort(404)
    try:
        service.archive_document(session, document)
    except TrackerError as error:
        session.rollback()
        flash(error.message, "error")
        return redirect(url_for("agreements.detail", agreement_id=document.agreement_id, _anchor="documents"))
    session.commit()
    flash(_("Document “%(name)s” archived.", name=document.filename), "success")
    return redirect(url_for("agreements.detail", agreement_id=document.agreement_id, _anchor="documents"))


@bp.get("/documents/<id:document_id>/suggestions")
def suggestions(document_id: int):
    """What the document's text suggests (parties, period, cues), beside what the agreement records."""
    session = get_session()
    document = visible_document(document_id)
    agreement = agreement_detail(session, document.agreement_id, include_archived=True)
    found = suggest(session, "", document.text)
    fill_in = service.fill_in_of(found)
    first = found.periods[0] if found.periods else None
    recorded = {link.party_id for link in agreement.party_links}
    context = {
        "document": document,
        "agreement": agreement,
        "found": found,
        "recorded_party_ids": recorded,
        "same_period": first is not None and (first.start, first.end) == (agreement.start, agreement.end),
        # Whether the button has anything to do: a start or end the record lacks, a party it does not name.
        "fillable": (fill_in.start and not agreement.start)
        or (fill_in.end and not agreement.end)
        or bool(set(fill_in.party_ids) - recorded),
        "fill_form": FillForm(formdata=None, data={"version": agreement.version}),
    }
    return render_template("documents/suggestions.html", **context)


@bp.post("/documents/<id:document_id>/fill")
def fill(document_id: int):
    """Fill in the period and parties the agreement's record lacks from what the document's text suggests."""
    session = get_session()
    document = document_of(session, document_id) or abort(404)
    form = FillForm()
    back = url_for(".suggestions", document_id=document_id)
    if not form.validate(extra_validators=EDITING):
        flash(" ".join(str(message) for messages in form.errors.values() for message in messages), "error")
        return redirect(back)
    found = service.fill_in_of(suggest(session, "", document.text))
    try:
        filled = service.fill_from_document(session, document.agreement, found, form.version.data)
    except TrackerError as error:
        session.rollback()
        flash(error.message, "error")
        return redirect(back)
    session.commit()
    if filled:
        fields = filled_names(filled)
        flash(_("Filled in from “%(name)s”: %(fields)s.", name=document.filename, fields=fields), "success")
    else:
        flash(_("The record already has what “%(name)s” suggests.", name=document.filename), "warning")
    return redirect(url_for("agreements.detail", agreement_id=document.agreement_id))


def filled_names(filled: list[str]) -> str:
    """The fields filled in, as the record's page names them."""
    names = {"start": _("start"), "end": _("end"), "parties": _("parties")}
    return ", ".join(str(names[name]) for name in filled)


def visible_document(document_id: int) -> Document:
    """A live document of a live agreement; archived ones too for those who see the archive; else 404."""
    document = document_of(get_session(), document_id, include_archived=sees_archived())
    if document is None:
        abort(404)
    return document
