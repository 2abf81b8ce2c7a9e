"""Recording what happened to an agreement (issue 15): its renewal by a new agreement, its termination, or that it
is not renewed. Each form saves in one transaction over the version of the agreement the user opened; a save over
an older one shows what others changed since, as the edit page does (web/conflicts.py)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from tracker.clock import local_today
from tracker.db import get_session
from tracker.errors import ConflictError, TrackerError
from tracker.forms.base import EDITING
from tracker.forms.outcomes import NonRenewalForm, RenewalForm, TerminationForm
from tracker.http.parties import party_finder
from tracker.i18n import _
from tracker.models import Agreement
from tracker.queries.parties import home_party_choices
from tracker.queries.sectors import sector_id_choices
from tracker.queries.users import user_choices
from tracker.services import outcomes as service
from tracker.web.agreements import adding_row, save_new_parties
from tracker.web.conflicts import render_conflict
from tracker.web.helpers import get_or_404, render_invalid

bp = Blueprint("outcomes", __name__, url_prefix="/agreements/<id:agreement_id>")


def live_or_404(agreement_id: int) -> Agreement:
    """The live agreement; an archived one has nothing recorded on it (404)."""
    agreement = get_or_404(get_session(), Agreement, agreement_id)
    if agreement.is_archived:
        abort(404)
    return agreement


def renewal_form(old: Agreement, formdata=None) -> RenewalForm:
    """The new agreement's form, pre-filled from the old one on GET, with what there is to choose from."""
    session = get_session()
    form = RenewalForm(formdata=formdata)
    if formdata is None:
        form.fill_from_data(service.renewal_data(old, local_today()))
        form.version.reset(old.version)
    form.set_choices(party_finder(session), sector_id_choices(session))
    units = home_party_choices(session, current_app.config["TRACKER_HOME_COUNTRY"])
    form.set_owner_choices(user_choices(session, keep=old.owner_id), units)
    return form


@bp.get("/renewal")
def renewal(agreement_id: int):
    """The new agreement's form, pre-filled from the old one with the next period."""
    old = live_or_404(agreement_id)
    return render_template("agreements/form.html", form=renewal_form(old), agreement=None, renewing=old)


@bp.post("/renewal")
def save_renewal(agreement_id: int):
    """Record the new agreement, its `renews` relation and the old one's end, all or nothing."""
    session = get_session()
    old = live_or_404(agreement_id)
    form = renewal_form(old, request.form)
    context = {"agreement": None, "renewing": old}
    if adding_row(form):
        return render_template("agreements/form.html", form=form, **context)
    if not form.validate(extra_validators=EDITING):
        return render_invalid("agreements/form.html", form, **context)
    try:
        save_new_parties(session, form)
        new = service.record_renewal(session, old, form.to_data(), form.old_status_data(), form.version.data)
    except ConflictError as error:
        return render_conflict("agreements/form.html", form, error, old, **context)
    except TrackerError as error:
        session.rollback()
        return render_invalid("agreements/form.html", form, error, **context)
    session.commit()
    flash(_("Renewal recorded: “%(title)s” renews the earlier agreement.", title=new.title), "success")
    return redirect(url_for("agreements.detail", agreement_id=new.id))


@bp.get("/termination")
def termination(agreement_id: int):
    """The termination form."""
    agreement = live_or_404(agreement_id)
    form = TerminationForm()
    form.notice_by.data = agreement.notice_by.value
    form.version.reset(agreement.version)
    return render_template("agreements/termination.html", form=form, agreement=agreement)


@bp.post("/termination")
def save_termination(agreement_id: int):
    """Record the termination: status, end, and who and why in the notes."""
    session = get_session()
    agreement = live_or_404(agreement_id)
    form = TerminationForm(request.form)
    if not form.validate(extra_validators=EDITING):
        return render_invalid("agreements/termination.html", form, agreement=agreement)
    try:
        service.record_termination(session, agreement, form.to_data(), form.version.data)
    except ConflictError as error:
        return render_conflict("agreements/termination.html", form, error, agreement, agreement=agreement)
    except TrackerError as error:
        session.rollback()
        return render_invalid("agreements/termination.html", form, error, agreement=agreement)
    session.commit()
    flash(_("Termination of “%(title)s” recorded.", title=agreement.title), "success")
    return redirect(url_for("agreements.detail", agreement_id=agreement_id))


@bp.get("/non-renewal")
def non_renewal(agreement_id: int):
    """The non-renewal form."""
    agreement = live_or_404(agreement_id)
    form = NonRenewalForm()
    form.version.reset(agreement.version)
    return render_template("agreements/non_renewal.html", form=form, agreement=agreement)


@bp.post("/non-renewal")
def save_non_renewal(agreement_id: int):
    """Record that the agreement is not renewed (expired if its end has passed)."""
    session = get_session()
    agreement = live_or_404(agreement_id)
    form = NonRenewalForm(request.form)
    if not form.validate(extra_validators=EDITING):
        return render_invalid("agreements/non_renewal.html", form, agreement=agreement)
    try:
        service.record_non_renewal(session, agreement, form.reason.data or "", local_today(), form.version.data)
    except ConflictError as error:
        return render_conflict("agreements/non_renewal.html", form, error, agreement, agreement=agreement)
    except TrackerError as error:
        session.rollback()
        return render_invalid("agreements/non_renewal.html", form, error, agreement=agreement)
    session.commit()
    flash(_("Recorded that “%(title)s” is not renewed.", title=agreement.title), "success")
    return redirect(url_for("agreements.detail", agreement_id=agreement_id))
