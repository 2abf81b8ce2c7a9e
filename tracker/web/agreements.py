"""Agreement pages: the query list, detail, create, edit, delete and relations."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from markupsafe import Markup

from tracker.auth import can
from tracker.clock import local_today
from tracker.db import get_session
from tracker.errors import ConflictError, TrackerError
from tracker.forms.actions import ActionForm, ActionStatusForm
from tracker.forms.agreements import AgreementForm, AgreementQueryForm, RelationForm
from tracker.forms.base import EDITING
from tracker.forms.documents import DocumentForm
from tracker.forms.expiring import AsOfForm
from tracker.forms.pickers import create_parties
from tracker.forms.saved_queries import SavedQueryForm
from tracker.http.agreements import agreement_page, filters_from
from tracker.http.fragments import kept
from tracker.http.parties import party_finder
from tracker.i18n import _
from tracker.models import Agreement, RelationKind
from tracker.queries.agreements import (
    agreement_detail,
    agreements_named,
    relation_suggestions,
    succession_chain,
)
from tracker.queries.archive import archiver
from tracker.queries.citations import facts_of
from tracker.queries.documents import live_documents
from tracker.queries.parties import home_party_choices
from tracker.queries.sectors import sector_choices, sector_id_choices
from tracker.queries.timelines import agreements_timeline
from tracker.queries.users import owner_filter_choices, user_choices
from tracker.services import agreements as service
from tracker.services import parties as party_service
from tracker.services.saved_queries import kept_query
from tracker.terms import current_term, terms_of
from tracker.termwords import decision_sentence
from tracker.web.archive import detail_or_404, get_any_or_404, render_confirmation
from tracker.web.bulk_actions import offered_actions
from tracker.web.conflict_reports import conflicts_context
from tracker.web.conflicts import render_conflict
from tracker.web.exports import PAGING
from tracker.web.helpers import INVALID_FORM_STATUS, attach_error, get_or_404, render_invalid
from tracker.web.list_page import (
    LIST_CONTENT,
    PANEL_MARK,
    active_chips,
    cleared_url,
    kept_panel,
    list_form,
    list_panel,
    refused_list_content,
    rendered_panel,
)
from tracker.web.lookup import agreement_choices

bp = Blueprint("agreements", __name__, url_prefix="/agreements")
# The timeline's content without the page around it (kept per data version: tracker/http/fragments.py).
TIMELINE_CONTENT = "agreements/_timeline_content.html"


@bp.get("/")
def index():
    """List agreements matching the filters in the query string (the results kept per data version, the facet panel
    put in per request: tracker/web/list_page.py)."""
    session = get_session()
    content, status = kept(session, "agreements.index", lambda: list_content(session))
    if PANEL_MARK in content:
        form, filters = g.pop("list_query", (None, None))
        content = content.replace(PANEL_MARK, list_panel(session, form, filters))
    return render_template("agreements/index.html", list_content=Markup(content)), status


@bp.get("/facets")
def facets():
    """The list's facet panel for the same query string (fetched where the list showed its placeholder), counted and
    kept per data version and query; 400 for a query the list refuses."""
    session = get_session()
    found = kept_panel(session)
    if found is not None:
        return found
    form = list_form(session)
    if not form.validate():
        abort(400)
    return rendered_panel(session, form, filters_from(form))


def list_content(session) -> tuple[str, int]:
    """The list's content rendered without its facet panel (`PANEL_MARK`) and its status: 400 when a filter is
    refused. The validated query is left for the panel (`g.list_query`)."""
    form = list_form(session)
    if not form.validate():
        return refused_list_content(form), 400
    page = agreement_page(session, form)
    save_form = SavedQueryForm(formdata=None, query=kept_query(request.query_string.decode("utf-8", "replace")))
    g.list_query = (form, filters_from(form))
    context = {"page": page, "save_form": save_form, "facet_panel": Markup(PANEL_MARK), "clear_href": cleared_url()}
    return render_template(LIST_CONTENT, form=form, chips=active_chips(form), **context, **bulk_context()), 200


def bulk_context() -> dict:
    """What the list's bulk actions need: the actions this user may take, the list's query without paging."""
    query = urlencode([(key, value) for key, value in request.args.items(multi=True) if key not in PAGING])
    return {"bulk_actions": offered_actions(), "list_query": query}


@bp.get("/timeline")
def timeline():
    """The agreements matching the query string's filters, a page at a time, as a timeline; `?as_of` moves "today"
    (the content kept per data version)."""
    session = get_session()
    content, status = kept(session, "agreements.timeline", lambda: timeline_content(session))
    return render_template("agreements/timeline.html", content=Markup(content)), status


def timeline_content(session) -> tuple[str, int]:
    """The timeline's content rendered and its status: 400 when a filter or the day is refused."""
    form = AgreementQueryForm(request.args)
    form.set_choices(lambda: party_finder(session), sector_choices(session))
    form.set_owner_choices(owner_filter_choices(session, request.args.get("owner", "")))
    day_form = AsOfForm(request.args)
    if not all([form.validate(), day_form.validate()]):
        context = {"form": form, "day_form": day_form, "page": None, "chart": None}
        return render_template(TIMELINE_CONTENT, **context), 400
    page = agreement_page(session, form)
    as_of = day_form.as_of.data
    chart = agreements_timeline(session, page.items, as_of)
    context = {"form": form, "day_form": day_form, "page": page, "chart": chart}
    return render_template(TIMELINE_CONTENT, as_of_is_today=as_of == local_today(), **context), 200


@bp.get("/<id:agreement_id>")
def detail(agreement_id: int):
    """Show one agreement with its parties, sectors, dates, related agreements and sources."""
    return render_detail(agreement_id)


def render_detail(
    agreement_id: int,
    relation_form: RelationForm | None = None,
    status: int = 200,
    action_form: ActionForm | None = None,
    document_form: DocumentForm | None = None,
):
    """The agreement page, with the relation, action and document forms as given (after a refused POST) or fresh."""
    agreement = detail_or_404(agreement_detail, agreement_id)
    form = relation_form or relation_form_for(agreement)
    chain = succession_chain(get_session(), agreement_id)
    archived_by = archiver(get_session(), agreement)
    live_parties = [link.party_id for link in agreement.party_links if link.party and not link.party.is_archived]
    suggestions = relation_suggestions(get_session(), agreement_id, live_parties)
    terms = terms_of(agreement)
    term = current_term(terms, local_today())
    can_attach = can("documents.attach")
    context = {
        "agreement": agreement,
        "terms": terms,
        "term": term,
        "decision_sentence": decision_sentence(term, terms) if term else "",
        "chain": chain,
        "relation_form": form,
        "archived_by": archived_by,
        "relation_suggestions": suggestions,
        # Only those who may add an action get its form (and the statement listing the users it assigns to).
        "action_form": action_form or (new_action_form() if can("actions.create") else None),
        "status_form": ActionStatusForm(),
        "documents": live_documents(agreement),
        "facts": facts_of(agreement),
        "document_form": document_form or (DocumentForm(formdata=None, prefix="document") if can_attach else None),
    }
    context.update(conflicts_context(agreement))  # templates/agreements/_conflicts.html
    return render_template("agreements/detail.html", **context), status


def relation_form_for(agreement: Agreement, formdata=None) -> RelationForm:
    """The "relate to another agreement" form, which looks the other agreement up by number or title."""
    form = RelationForm(formdata=formdata)
    form.other.find = lambda other_id, title: agreements_named(get_session(), other_id, title)
    form.other.search = agreement_choices
    return form


def new_action_form() -> ActionForm:
    """The empty "add an action" form of the agreement's page."""
    form = ActionForm(prefix="action")
    form.set_choices(user_choices(get_session()))
    return form


def agreement_form(formdata=None, agreement: Agreement | None = None) -> AgreementForm:
    """The agreement form with parties, sectors, officers and units to choose from, pre-filled on GET."""
    session = get_session()
    form = AgreementForm(formdata=formdata, obj=agreement)
    if agreement is not None and formdata is None:
        form.fill_from(agreement)
    form.set_choices(party_finder(session), sector_id_choices(session))
    units = home_party_choices(session, current_app.config["TRACKER_HOME_COUNTRY"])
    form.set_owner_choices(user_choices(session, keep=agreement.owner_id if agreement else None), units)
    return form


@bp.get("/new")
def new():
    """Show the empty agreement form."""
    return render_template("agreements/form.html", form=agreement_form(), agreement=None)


def adding_row(form: AgreementForm) -> bool:
    """Whether the plain form asked for one more party row ("Add row" without the script): then the form is shown
    again with everything typed and one more row, and nothing is saved."""
    if "add_row" not in request.form:
        return False
    form.add_row()
    return True


def save_new_parties(session, form: AgreementForm) -> None:
    """Create the parties the rows ask for, in the agreement's transaction; a refusal is shown next to its row."""
    create_parties(form.party_rows(), lambda data: party_service.create_party(session, data).id)


@bp.post("/new")
def create():
    """Record a new agreement (and the new parties its rows ask for)."""
    form = agreement_form(request.form)
    if adding_row(form):
        return render_template("agreements/form.html", form=form, agreement=None)
    if not form.validate():
        return render_invalid("agreements/form.html", form, agreement=None)
    session = get_session()
    try:
        save_new_parties(session, form)
        agreement = service.create_agreement(session, form.to_data())
    except TrackerError as error:
        session.rollback()
        return render_invalid("agreements/form.html", form, error, agreement=None)
    session.commit()
    flash(_("Agreement “%(title)s” recorded.", title=agreement.title), "success")
    return redirect(url_for(".detail", agreement_id=agreement.id))


@bp.get("/<id:agreement_id>/edit")
def edit(agreement_id: int):
    """Show the agreement form filled in."""
    agreement = get_or_404(get_session(), Agreement, agreement_id)
    return render_template("agreements/form.html", form=agreement_form(agreement=agreement), agreement=agreement)


@bp.post("/<id:agreement_id>/edit")
def update(agreement_id: int):
    """Save changes to an agreement, unless someone else saved it since the form was opened (409)."""
    session = get_session()
    agreement = get_or_404(session, Agreement, agreement_id)
    form = agreement_form(request.form, agreement)
    if adding_row(form):
        return render_template("agreements/form.html", form=form, agreement=agreement)
    if not form.validate(extra_validators=EDITING):
        return render_invalid("agreements/form.html", form, agreement=agreement)
    try:
        save_new_parties(session, form)
        service.update_agreement(session, agreement, form.to_data(), form.version.data)
    except ConflictError as error:
        return render_conflict("agreements/form.html", form, error, agreement, agreement=agreement)
    except TrackerError as error:
        session.rollback()
        return render_invalid("agreements/form.html", form, error, agreement=agreement)
    session.commit()
    flash(_("Agreement “%(title)s” saved.", title=agreement.title), "success")
    return redirect(url_for(".detail", agreement_id=agreement.id))


@bp.get("/<id:agreement_id>/delete")
def confirm_delete(agreement_id: int):
    """Ask before archiving an agreement; changes nothing."""
    agreement = get_any_or_404(get_session(), Agreement, agreement_id)
    return render_confirmation("agreements/delete.html", agreement, agreement=agreement)


@bp.post("/<id:agreement_id>/delete")
def delete(agreement_id: int):
    """Archive an agreement: it leaves lists and queries; an admin can restore it."""
    session = get_session()
    agreement = get_any_or_404(session, Agreement, agreement_id)
    title = agreement.title
    try:
        service.archive_agreement(session, agreement)
    except TrackerError as error:
        session.rollback()
        return render_template("agreements/delete.html", agreement=agreement, error=error), error.status_code
    session.commit()
    flash(_("Agreement “%(title)s” archived. An admin can restore it from the archive.", title=title), "success")
    return redirect(url_for(".index"))


@bp.post("/<id:agreement_id>/relations")
def add_relation(agreement_id: int):
    """Relate this agreement to another one."""
    session = get_session()
    agreement = get_or_404(session, Agreement, agreement_id)
    form = relation_form_for(agreement, request.form)
    if not form.validate():
        return render_detail(agreement_id, form, INVALID_FORM_STATUS)
    try:
        other_id = form.other.record_id
        service.add_relation(session, agreement, other_id, RelationKind(form.kind.data), form.note.data or "")
    except TrackerError as error:
        session.rollback()
        attach_error(form, error)
        return render_detail(agreement_id, form, error.status_code)
    session.commit()
    flash(_("Relation recorded."), "success")
    return redirect(url_for(".detail", agreement_id=agreement_id))


@bp.post("/<id:agreement_id>/relations/<id:relation_id>/delete")
def remove_relation(agreement_id: int, relation_id: int):
    """Remove a relation between two agreements."""
    session = get_session()
    agreement = get_or_404(session, Agreement, agreement_id)
    try:
        service.remove_relation(session, agreement, relation_id)
    except TrackerError:
        abort(404)
    session.commit()
    flash(_("Relation removed."), "success")
    return redirect(url_for(".detail", agreement_id=agreement_id))
