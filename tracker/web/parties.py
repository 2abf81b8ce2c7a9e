"""Pages of the parties area: list, detail, new, edit, delete."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from markupsafe import Markup

from tracker.clock import local_today
from tracker.db import get_session
from tracker.errors import ConflictError, TrackerError
from tracker.forms.base import EDITING, PageForm
from tracker.forms.parties import PartyForm, PartyQueryForm
from tracker.http.counts import request_data_version
from tracker.http.fragments import kept
from tracker.http.paging import page_size
from tracker.http.parties import party_finder
from tracker.i18n import _
from tracker.models import Party
from tracker.queries import parties as queries
from tracker.queries.archive import archiver
from tracker.queries.timelines import agreements_timeline, oldest_first
from tracker.services import parties as services
from tracker.web.archive import detail_or_404, get_any_or_404, render_confirmation
from tracker.web.conflicts import render_conflict
from tracker.web.helpers import get_or_404, render_invalid

bp = Blueprint("parties", __name__, url_prefix="/parties")

# Status for a list whose query string does not parse: the filters are shown again with messages.
INVALID_QUERY_STATUS = 400
# The status of a party page asked past its last page: it redirects to the last one (never kept).
PAST_THE_END = 302
# The pages' content without the page around it (kept per data version: tracker/http/fragments.py).
INDEX_CONTENT = "parties/_index_content.html"
DETAIL_CONTENT = "parties/_detail_content.html"


@bp.get("/")
def index():
    """The parties, filtered by the query string (the content kept per data version)."""
    session = get_session()
    content, status = kept(session, "parties.index", lambda: index_content(session))
    return render_template("parties/index.html", content=Markup(content)), status


def index_content(session) -> tuple[str, int]:
    """The list's content rendered and its status: 400 when the query string is refused."""
    form = PartyQueryForm(formdata=request.args)
    form.set_choices()
    if not form.validate():
        return render_template(INDEX_CONTENT, form=form, listing=None), INVALID_QUERY_STATUS
    listing = queries.party_list(session, form.filters(), page=form.page.data or 1, per_page=page_size())
    return render_template(INDEX_CONTENT, form=form, listing=listing), 200


@bp.get("/<id:party_id>")
def detail(party_id: int):
    """One party with its units, other names, agreements (its units' too), partners, sources and timeline (a live
    party's content kept per data version)."""
    session = get_session()
    party = detail_or_404(queries.party_detail, party_id)
    if party.is_archived:
        # Not kept: it names who archived the party, and user names are outside the data version.
        content, status = detail_content(session, party)
    else:
        content, status = kept(session, "parties.detail", lambda: detail_content(session, party))
    if status == PAST_THE_END:
        return redirect(content)
    return render_template("parties/detail.html", party=party, content=Markup(content)), status


def detail_content(session, party: Party) -> tuple[str, int]:
    """The party page's content rendered and its status (400 for a page number refused), or the last page's URL and
    PAST_THE_END when the page asked for is past it."""
    form = PageForm(request.args)
    valid = form.validate()
    page = form.page.data if valid and form.page.data else 1
    cache = current_app.extensions.setdefault("tracker.party_figures", queries.PartyFiguresCache())
    # The version the kept content goes by, read once for the kept aggregates too.
    version = request_data_version(session)
    overview = queries.party_overview(
        session, party.id, include_archived=party.is_archived, page=page, cache=cache, version=version
    )
    if page > overview.agreements.pages:  # past the last page (the list got shorter): show the last one
        return url_for(".detail", party_id=party.id, page=overview.agreements.pages), PAST_THE_END
    # The timeline of the agreements on this page reads oldest first, so renewals follow what they renew.
    chronological = oldest_first([entry.agreement for entry in overview.agreements.items])
    chart = agreements_timeline(session, chronological, local_today(), include_archived=party.is_archived)
    archived_by = archiver(session, party)
    context = {"party": party, "overview": overview, "chart": chart, "archived_by": archived_by, "page_form": form}
    return render_template(DETAIL_CONTENT, **context), 200 if valid else INVALID_QUERY_STATUS


@bp.get("/new")
def new():
    """The empty party form."""
    form = party_form()
    return render_template("parties/form.html", form=form, party=None)


@bp.post("/new")
def create():
    """Record a new party."""
    session = get_session()
    form = party_form()
    if not form.validate():
        return render_invalid("parties/form.html", form, party=None)
    try:
        party = services.create_party(session, form.to_data())
    except TrackerError as error:
        session.rollback()
        return render_invalid("parties/form.html", form, error=error, party=None)
    session.commit()
    flash(str(_("Party “%(name)s” recorded.", name=party.name)))
    return redirect(url_for("parties.detail", party_id=party.id))


@bp.get("/<id:party_id>/edit")
def edit(party_id: int):
    """The party form, filled in."""
    party = get_or_404(get_session(), Party, party_id)
    form = party_form()
    form.fill_from(party)
    return render_template("parties/form.html", form=form, party=party)


@bp.post("/<id:party_id>/edit")
def update(party_id: int):
    """Save changes to a party, unless someone else saved it since the form was opened (409)."""
    session = get_session()
    party = get_or_404(session, Party, party_id)
    form = party_form()
    if not form.validate(extra_validators=EDITING):
        return render_invalid("parties/form.html", form, party=party)
    try:
        services.update_party(session, party, form.to_data(), form.version.data)
    except ConflictError as error:
        return render_conflict("parties/form.html", form, error, party, party=party)
    except TrackerError as error:
        session.rollback()
        return render_invalid("parties/form.html", form, error=error, party=party)
    session.commit()
    flash(str(_("Party “%(name)s” saved.", name=party.name)))
    return redirect(url_for("parties.detail", party_id=party.id))


@bp.get("/<id:party_id>/delete")
def confirm_delete(party_id: int):
    """Ask before archiving; changes nothing."""
    party = get_any_or_404(get_session(), Party, party_id)
    return render_confirmation("parties/delete.html", party, party=party)


@bp.post("/<id:party_id>/delete")
def delete(party_id: int):
    """Archive a party no live agreement or unit uses; an admin can restore it."""
    session = get_session()
    party = get_any_or_404(session, Party, party_id)
    name = party.name
    try:
        services.archive_party(session, party)
    except TrackerError as error:
        session.rollback()
        return render_template("parties/delete.html", party=party, error=error), error.status_code
    session.commit()
    flash(str(_("Party “%(name)s” archived. An admin can restore it from the archive.", name=name)))
    return redirect(url_for("parties.index"))


def party_form() -> PartyForm:
    """The party form (read from the request on POST) with its choices offered."""
    form = PartyForm()
    form.set_choices(partial(party_finder, get_session()))
    return form
