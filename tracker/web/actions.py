"""Follow-up actions of an agreement: add one from the agreement's page, edit it, mark it done or cancelled."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from tracker.db import get_session
from tracker.errors import ConflictError, TrackerError
from tracker.forms.actions import ActionForm, ActionStatusForm
from tracker.forms.base import EDITING
from tracker.i18n import _
from tracker.models import ActionStatus, Agreement, FollowUpAction
from tracker.queries.users import user_choices
from tracker.services import actions as service
from tracker.web.agreements import render_detail
from tracker.web.conflicts import render_conflict
from tracker.web.helpers import INVALID_FORM_STATUS, attach_error, get_or_404, render_invalid

bp = Blueprint("actions", __name__)

# Where a status button sends the user back to: the agreement's page (default), "My agreements" or needs attention.
RETURN_PAGES = {"mine": "mine.index", "expiring": "expiring.index"}


def action_form(formdata=None, action: FollowUpAction | None = None) -> ActionForm:
    """The action form with the users to assign it to, pre-filled from `action` on GET."""
    form = ActionForm(formdata=formdata, obj=action, prefix="action")
    if action is not None and formdata is None:
        form.fill_from(action)
    form.set_choices(user_choices(get_session(), keep=action.assignee_id if action else None))
    return form


@bp.post("/agreements/<id:agreement_id>/actions")
def create(agreement_id: int):
    """Add a follow-up action to the agreement; a refused one shows the agreement's page with the messages."""
    session = get_session()
    agreement = get_or_404(session, Agreement, agreement_id)
    form = action_form(request.form)
    if not form.validate():
        return render_detail(agreement_id, action_form=form, status=INVALID_FORM_STATUS)
    try:
        action = service.create_action(session, agreement, form.to_data())
    except TrackerError as error:
        session.rollback()
        attach_error(form, error)
        return render_detail(agreement_id, action_form=form, status=error.status_code)
    session.commit()
    flash(_("Action “%(title)s” added.", title=action.title), "success")
    return redirect(url_for("agreements.detail", agreement_id=agreement_id, _anchor="actions"))


@bp.get("/actions/<id:action_id>/edit")
def edit(action_id: int):
    """Show the action form filled in."""
    action = get_or_404(get_session(), FollowUpAction, action_id)
    return render_template("actions/form.html", form=action_form(action=action), action=action)


@bp.post("/actions/<id:action_id>/edit")
def update(action_id: int):
    """Save changes to an action, unless someone else saved it since the form was opened (409)."""
    session = get_session()
    action = get_or_404(session, FollowUpAction, action_id)
    form = action_form(request.form, action)
    if not form.validate(extra_validators=EDITING):
        return render_invalid("actions/form.html", form, action=action)
    try:
        service.update_action(session, action, form.to_data(), form.version.data)
    except ConflictError as error:
        return render_conflict("actions/form.html", form, error, action, action=action)
    except TrackerError as error:
        session.rollback()
        return render_invalid("actions/form.html", form, error, action=action)
    session.commit()
    flash(_("Action “%(title)s” saved.", title=action.title), "success")
    return redirect(url_for("agreements.detail", agreement_id=action.agreement_id, _anchor="actions"))


@bp.post("/actions/<id:action_id>/status")
def set_status(action_id: int):
    """Mark an action done or cancelled, or open it again; back to the page the button was on."""
    session = get_session()
    action = get_or_404(session, FollowUpAction, action_id)
    form = ActionStatusForm(request.form)
    back = back_url(action)
    if not form.validate(extra_validators=EDITING):
        flash(" ".join(str(message) for messages in form.errors.values() for message in messages), "error")
        return redirect(back)
    status = ActionStatus(form.status.data)
    try:
        service.set_action_status(session, action, status, form.version.data)
    except TrackerError as error:
        session.rollback()
        flash(error.message, "error")
        return redirect(back)
    session.commit()
    flash(status_message(status, action.title), "success")
    return redirect(back)


def back_url(action: FollowUpAction) -> str:
    """The page a status button came from (`?next=mine`), else the action's agreement."""
    endpoint = RETURN_PAGES.get(request.args.get("next", ""))
    if endpoint:
        return url_for(endpoint)
    return url_for("agreements.detail", agreement_id=action.agreement_id, _anchor="actions")


def status_message(status: ActionStatus, title: str) -> str:
    """What marking an action says."""
    if status is ActionStatus.DONE:
        return str(_("“%(title)s” marked done.", title=title))
    if status is ActionStatus.CANCELLED:
        return str(_("“%(title)s” cancelled.", title=title))
    return str(_("“%(title)s” open again.", title=title))
