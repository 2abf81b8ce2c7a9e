"""A user's background jobs: "My jobs" (admins see everyone's), one job's page with its progress, the progress as
JSON for the page's script, and the result's download.

A job's page works without JavaScript: while the job runs, it reloads itself every few seconds (a refresh in a
<noscript>) and has a refresh link; with JavaScript (static/js/enhance.js) its progress bar follows the JSON instead.
"""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template, send_file
from flask_login import current_user
from sqlalchemy import select

from tracker import jobs
from tracker.db import get_session
from tracker.i18n import _
from tracker.models import Job, UserRole

bp = Blueprint("jobs", __name__, url_prefix="/jobs")

# What each kind of job is called, and what a failure code means, in the user's language.
KIND_LABELS = {"agreement_export": _("Agreement export")}
FAILURES = {
    jobs.INTERRUPTED: _("The worker stopped before the job finished; nothing of it was kept. Please start it again."),
    jobs.ERROR: _("The job failed; nothing of it was kept. Please try again, or tell an administrator."),
}
# The most recent jobs "My jobs" lists.
LISTED = 100


def visible_job(job_id: int) -> Job:
    """The job, if it is the user's own (admins see all); 404 otherwise, as for a job that does not exist."""
    job = get_session().get(Job, job_id)
    if job is None or (job.user_id != current_user.id and current_user.role != UserRole.ADMIN):
        abort(404)
    return job


@bp.get("")
def index():
    """The user's jobs, newest first."""
    statement = select(Job).order_by(Job.created_at.desc(), Job.id.desc()).limit(LISTED)
    if current_user.role != UserRole.ADMIN:
        statement = statement.where(Job.user_id == current_user.id)
    return render_template("jobs/index.html", jobs=get_session().scalars(statement).all(), **labels())


@bp.get("/<int:job_id>")
def detail(job_id: int):
    """One job: its progress while it runs, then its result or its error."""
    return render_template("jobs/detail.html", job=visible_job(job_id), **labels())


@bp.get("/<int:job_id>/status")
def status(job_id: int):
    """The job's progress as JSON, which its page's script polls."""
    job = visible_job(job_id)
    return jsonify(state=job.state.value, done=job.done, total=job.total, finished=job.state.finished)


@bp.get("/<int:job_id>/download")
def download(job_id: int):
    """The job's result file, while it is kept."""
    job = visible_job(job_id)
    if not job.result_path:
        abort(404)
    path = jobs.jobs_dir() / job.result_path
    if not path.is_file():
        abort(404)
    return send_file(path, as_attachment=True, download_name=path.name)


def labels() -> dict[str, object]:
    """The words the job templates show for kinds and failures."""
    return {"kind_labels": KIND_LABELS, "failures": FAILURES}
