"""The e-mail digest settings page: any signed-in user chooses whether to get it, and its window; and the digest on
demand, sent by a background job (talking to the mail server may take long, or fail): one's own, or, for an admin,
everyone's as the scheduled `flask send-digest` would send it. The command stays for cron, without a worker."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from tracker import jobs
from tracker.clock import local_today
from tracker.db import get_session
from tracker.digest import build_digests
from tracker.errors import TrackerError
from tracker.forms.alerts import DigestForm
from tracker.i18n import _
from tracker.mail import Delivery, MailServerError, SmtpSettings, send_messages, sender_address
from tracker.models import Job, User
from tracker.services.digest import set_digest
from tracker.web.helpers import render_invalid
from tracker.web.jobs import submit_job

bp = Blueprint("digest", __name__, url_prefix="/account/digest")


def page_context() -> dict[str, object]:
    """What the page says besides the form: whether this installation can send mail at all."""
    return {"mail_configured": bool(current_app.config.get("TRACKER_MAIL_FROM"))}


@bp.get("")
def settings():
    """The user's digest settings."""
    form = DigestForm(
        formdata=None,
        opt_in=current_user.digest_opt_in,
        months=current_user.digest_months,
        owner_digest=current_user.owner_digest,
    )
    return render_template("digest/settings.html", form=form, **page_context())


@bp.post("")
def save():
    """Save the user's digest settings."""
    form = DigestForm()
    if not form.validate():
        return render_invalid("digest/settings.html", form, **page_context())
    session = get_session()
    try:
        user = session.get(User, current_user.id)
        set_digest(session, user, bool(form.opt_in.data), form.months.data, bool(form.owner_digest.data))
    except TrackerError as error:
        session.rollback()
        return render_invalid("digest/settings.html", form, error, **page_context())
    session.commit()
    if form.opt_in.data:
        flash(_("You will get the e-mail digest of agreements ending within the chosen window."), "success")
    else:
        flash(_("You will not get the e-mail digest."), "success")
    return redirect(url_for(".settings"))


@bp.post("/send")
def send():
    """Send the user their own digest now, by a background job whose page says what was sent."""
    return submit_digest(everyone=False)


@bp.post("/send-all")
def send_all():
    """Send every opted-in user their digest now, as the scheduled run would (admins)."""
    return submit_digest(everyone=True)


def submit_digest(everyone: bool):
    """A job sending the digest now; refused while this installation has no sender address."""
    if not sender_address(current_app.config.get("TRACKER_MAIL_FROM", "")):
        flash(_("No digest can be sent: this installation has no sender address for e-mail yet."), "error")
        return redirect(url_for(".settings"))
    parameters = {"everyone": everyone, "as_of": local_today().isoformat()}
    return submit_job(DIGEST_SEND, parameters)


DIGEST_SEND = "digest_send"


@jobs.kind(DIGEST_SEND)
def digest_send_job(job: Job, progress: jobs.Progress) -> str:
    """Compose the digests and send them, counting each message; the report names who got one, who could not, and
    why nothing was sent when the mail server failed. Mail once sent cannot be taken back: a job stopped midway
    has sent what it sent."""
    settings = SmtpSettings.from_config(current_app.config)
    as_of = date.fromisoformat(job.parameters["as_of"])
    only = None if job.parameters["everyone"] else job.user_id
    run = build_digests(current_app._get_current_object(), as_of, settings.sender, only)
    progress.start(len(run.digests))
    outcome: dict[str, Any] = {"everyone": job.parameters["everyone"], "as_of": as_of.isoformat(), "quiet": run.quiet}
    outcome.update(sent=[], failed=[list(pair) for pair in run.unaddressable])
    try:
        messages = [digest.message for digest in run.digests]
        delivery = send_messages(settings, messages, progress.step) if messages else Delivery()
    except MailServerError as error:
        outcome["error"] = str(error)
    else:
        outcome["sent"] = delivery.sent
        outcome["failed"] += [list(pair) for pair in delivery.failed]
    return jobs.write_result(job, "outcome.json", [json.dumps(outcome, ensure_ascii=False).encode()])
