"""Saved queries (issue 18): the "Save this query" button of the agreement list, the page listing one's own and the
shared ones with their current counts, and rename / share / unshare / delete. Its name links to the agreement list
with its query; "Calendar feed" opens the new-calendar form pre-filled with it (the feed keeps its own copy, see
docs/architecture.md)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import Session

from tracker.db import get_session
from tracker.errors import TrackerError
from tracker.forms.saved_queries import SavedQueryForm
from tracker.http.agreements import QueryError, checked_query
from tracker.http.saved_queries import counts_cache
from tracker.i18n import _
from tracker.models import SavedQuery, User
from tracker.queries.dashboard import data_version
from tracker.queries.saved_queries import visible_saved_queries
from tracker.services import saved_queries as service
from tracker.web.helpers import INVALID_FORM_STATUS, attach_error

bp = Blueprint("saved_queries", __name__, url_prefix="/saved-queries")


@bp.get("")
def index():
    """The user's saved queries and those shared by others, with how many agreements each matches now."""
    session = get_session()
    queries = visible_saved_queries(session, current_user.id)
    counts = counts_cache().counts(session, queries, data_version(session)) if queries else {}
    deletable = {saved.id for saved in queries if service.may_delete(current_user, saved)}
    return render_template("saved_queries/index.html", queries=queries, counts=counts, deletable=deletable)


@bp.get("/new")
def new():
    """The save form, its query (and name) pre-filled from `?query=` (and `?name=`)."""
    query = service.kept_query(request.args.get("query", ""))
    form = SavedQueryForm(formdata=None, query=query, name=request.args.get("name", "")[:100])
    return render_template("saved_queries/form.html", form=form, saved=None)


@bp.post("/new")
def create():
    """Save the query under its name (the list's "Save this query" posts here); 422 with the reason next to the
    field when the list would refuse the query or the name is taken."""
    return save(None)


@bp.get("/<id:saved_id>/edit")
def edit(saved_id: int):
    """The form to rename, re-point, share or unshare one's own saved query."""
    saved = own_or_abort(get_session(), saved_id)
    form = SavedQueryForm(obj=saved)
    return render_template("saved_queries/form.html", form=form, saved=saved)


@bp.post("/<id:saved_id>/edit")
def update(saved_id: int):
    """Save the changes to one's own saved query."""
    return save(own_or_abort(get_session(), saved_id))


def save(saved: SavedQuery | None):
    """Save the form as a new saved query, or into one's own `saved`; the form again with the reasons next to the
    fields when refused."""
    form = SavedQueryForm()
    session = get_session()
    query = form_query(session, form)
    if query is None:
        return render_template("saved_queries/form.html", form=form, saved=saved), INVALID_FORM_STATUS
    user = session.get(User, current_user.id)
    try:
        if saved is None:
            saved = service.create_saved_query(session, user, data_of(form, query))
        else:
            service.update_saved_query(session, user, saved.id, data_of(form, query))
    except TrackerError as error:
        session.rollback()
        attach_error(form, error)
        return render_template("saved_queries/form.html", form=form, saved=saved), error.status_code
    session.commit()
    flash(_("Query “%(name)s” saved.", name=saved.name), "success")
    return redirect(url_for(".index"))


@bp.post("/<id:saved_id>/delete")
def delete(saved_id: int):
    """Delete a saved query: one's own, or (admins) a shared one."""
    session = get_session()
    try:
        saved = service.delete_saved_query(session, session.get(User, current_user.id), saved_id)
    except TrackerError as error:
        session.rollback()
        abort(error.status_code)
    session.commit()
    flash(_("Query “%(name)s” deleted.", name=saved.name), "success")
    return redirect(url_for(".index"))


def form_query(session: Session, form: SavedQueryForm) -> str | None:
    """The form's query as kept, or None with the reasons next to the fields (the list's own checks on the query)."""
    valid = form.validate()
    try:
        query = checked_query(session, service.kept_query(form.query.data or ""))
    except QueryError as error:
        form.query.errors = [*form.query.errors, str(_("This query does not work: %(problem)s", problem=str(error)))]
        return None
    return query if valid else None


def data_of(form: SavedQueryForm, query: str) -> service.SavedQueryData:
    """The validated form as the service takes it."""
    return service.SavedQueryData(form.name.data, query, bool(form.shared.data), bool(form.in_digest.data))


def visible_or_404(session: Session, saved_id: int) -> SavedQuery:
    """A saved query the user may see; 404 otherwise."""
    saved = session.get(SavedQuery, saved_id)
    if not service.visible(current_user, saved):
        abort(404)
    return saved


def own_or_abort(session: Session, saved_id: int) -> SavedQuery:
    """One's own saved query; 404 when unseen, 403 when someone else's shared one."""
    saved = visible_or_404(session, saved_id)
    if not service.may_edit(current_user, saved):
        abort(403)
    return saved
