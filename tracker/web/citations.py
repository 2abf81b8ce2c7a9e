"""Citing an agreement's facts to its sources and documents: the form from a fact's "Cite" link, editing and removing
a citation (issue 17). The agreement's page lists the citations (templates/agreements/_facts.html)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from tracker.db import get_session
from tracker.errors import TrackerError
from tracker.formatting import full_date, partial_date
from tracker.forms.citations import CitationForm
from tracker.http.archived import sees_archived
from tracker.i18n import _
from tracker.labels import label
from tracker.models import Agreement, Citation
from tracker.queries.agreements import agreement_detail
from tracker.queries.citations import Origin, citable_origins, citation_of, facts_of
from tracker.services import citations as service
from tracker.web.archive import detail_or_404
from tracker.web.helpers import INVALID_FORM_STATUS

bp = Blueprint("citations", __name__)

# An archived agreement keeps its citations as they are: the form says so instead of showing itself.
ARCHIVED_STATUS = 409


def fact_choices(agreement: Agreement) -> list[tuple[str, Any]]:
    """The facts a passage can be evidence of: a choice per party on the record, then the other facts."""
    found = []
    for row in facts_of(agreement).rows:
        if row.party is not None:
            roles = ", ".join(str(label(link.role)) for link in row.roles)
            found.append((row.cite_value, _("Party: %(name)s (%(roles)s)", name=row.party.name, roles=roles)))
        else:
            found.append((row.cite_value, label(row.fact)))
    return found


def origin_label(origin: Origin) -> Any:
    """How the form names a source ("Source: title, outlet, date") or a document ("Document: name, kind, date")."""
    if origin.source is not None:
        source = origin.source
        parts = [source.title, source.outlet, full_date(source.published_on) if source.published_on else ""]
        return _("Source: %(name)s", name=", ".join(part for part in parts if part))
    document = origin.document
    assert document is not None
    parts = [document.filename, str(label(document.kind)), partial_date(document.dated) if document.dated else ""]
    return _("Document: %(name)s", name=", ".join(part for part in parts if part))


def citation_form(agreement: Agreement, formdata: Any = None) -> CitationForm:
    """The citation form offering the agreement's facts and live sources and documents."""
    form = CitationForm(formdata=formdata)
    origins = [(origin.value, origin_label(origin)) for origin in citable_origins(agreement)]
    form.set_choices(fact_choices(agreement), origins)
    return form


def render_form(agreement: Agreement, form: CitationForm, citation: Citation | None = None, status: int = 200):
    """The form page: a new citation's, or an existing one's (`citation`)."""
    context = {"agreement": agreement, "form": form, "citation": citation, "origins": citable_origins(agreement)}
    return render_template("citations/form.html", **context), status


def render_archived(agreement: Agreement):
    """The refusal for an archived agreement, whose citations stay as they were."""
    message = _("The agreement is archived: its citations stay as they are.")
    return render_template("citations/archived.html", agreement=agreement, message=message), ARCHIVED_STATUS


def agreement_or_404(agreement_id: int) -> Agreement:
    """The agreement with its facts, sources and documents; archived ones only for those who see the archive."""
    return detail_or_404(agreement_detail, agreement_id)


def citation_or_404(citation_id: int) -> Citation:
    """A citation of a live agreement, or of an archived one for those who see the archive; else 404."""
    citation = citation_of(get_session(), citation_id, include_archived=sees_archived())
    if citation is None:
        abort(404)
    return citation


def back_to(agreement_id: int) -> str:
    """The agreement's page at its facts."""
    return url_for("agreements.detail", agreement_id=agreement_id, _anchor="facts")


@bp.get("/agreements/<id:agreement_id>/citations/new")
def new(agreement_id: int):
    """The citation form, with the fact of the "Cite" link (`?fact=end`, `?fact=party:12`) chosen."""
    agreement = agreement_or_404(agreement_id)
    if agreement.is_archived:
        return render_archived(agreement)
    form = citation_form(agreement)
    if request.args.get("fact") in {value for value, _label in fact_choices(agreement)}:
        form.fact.data = request.args["fact"]
    origins = citable_origins(agreement)
    if len(origins) == 1:  # nothing to choose between
        form.origin.data = origins[0].value
    return render_form(agreement, form)


@bp.post("/agreements/<id:agreement_id>/citations/new")
def create(agreement_id: int):
    """Cite the fact; a refused citation shows the form again with the reasons next to the fields."""
    session = get_session()
    agreement = agreement_or_404(agreement_id)
    if agreement.is_archived:
        return render_archived(agreement)
    form = citation_form(agreement, request.form)
    if not form.validate():
        return render_form(agreement, form, status=INVALID_FORM_STATUS)
    try:
        service.cite(session, agreement, form.to_data())
    except TrackerError as error:
        session.rollback()
        form.attach(error)
        return render_form(agreement_or_404(agreement_id), form, status=error.status_code)
    session.commit()
    flash(_("Citation added."), "success")
    return redirect(back_to(agreement_id))


def citation_page(citation_id: int) -> tuple[Citation, Agreement]:
    """The citation and its agreement loaded for the agreement's page, or 404."""
    citation = citation_or_404(citation_id)
    return citation, agreement_or_404(citation.agreement_id)


@bp.get("/citations/<id:citation_id>/edit")
def edit(citation_id: int):
    """The citation form, filled in."""
    citation, agreement = citation_page(citation_id)
    if agreement.is_archived:
        return render_archived(agreement)
    form = citation_form(agreement)
    form.fill_from(citation)
    return render_form(agreement, form, citation)


@bp.post("/citations/<id:citation_id>/edit")
def update(citation_id: int):
    """Save the changed citation; a refused change shows the form again with the reasons."""
    session = get_session()
    citation, agreement = citation_page(citation_id)
    if agreement.is_archived:
        return render_archived(agreement)
    form = citation_form(agreement, request.form)
    if not form.validate():
        return render_form(agreement, form, citation, INVALID_FORM_STATUS)
    try:
        service.update_citation(session, citation, form.to_data())
    except TrackerError as error:
        session.rollback()
        form.attach(error)
        citation, agreement = citation_page(citation_id)
        return render_form(agreement, form, citation, error.status_code)
    session.commit()
    flash(_("Citation saved."), "success")
    return redirect(back_to(agreement.id))


@bp.get("/citations/<id:citation_id>/remove")
def confirm_remove(citation_id: int):
    """Ask before removing a citation; changes nothing."""
    citation, agreement = citation_page(citation_id)
    if agreement.is_archived:
        return render_archived(agreement)
    return render_template("citations/remove.html", citation=citation, agreement=agreement)


@bp.post("/citations/<id:citation_id>/remove")
def remove(citation_id: int):
    """Remove the citation (its history stays on the agreement); the agreement's evidence level follows."""
    session = get_session()
    citation, agreement = citation_page(citation_id)
    if agreement.is_archived:
        return render_archived(agreement)
    service.remove_citation(session, citation)
    session.commit()
    flash(_("Citation removed."), "success")
    return redirect(back_to(agreement.id))
