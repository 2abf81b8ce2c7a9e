"""A user's background jobs: "My jobs" (admins see everyone's), one job's page with its progress, the progress as
JSON for the page's script, and the result's download.

Some jobs' result is a report shown on the job's page rather than a file to download (an import: what it created,
or the rows' problems; a source fetched again; the digest sent): their result file is that report, as JSON, read
by the page with the template OUTCOMES names.

A job's page works without JavaScript: while the job runs, it reloads itself every few seconds (a refresh in a
<noscript>) and has a refresh link; with JavaScript (static/js/enhance.js) its progress bar follows the JSON instead.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, send_file, url_for
from flask_login import current_user
from sqlalchemy import select

from tracker import jobs
from tracker.db import get_session
from tracker.i18n import _
from tracker.models import Job, User, UserRole

bp = Blueprint("jobs", __name__, url_prefix="/jobs")

# What each kind of job is called, and what a failure code means, in the user's language.
KIND_LABELS = {
    "agreement_export": _("Agreement export"),
    "import_commit": _("Import"),
    "source_refetch": _("Fetching a source again"),
    "digest_send": _("Sending the digest"),
    "agreement_bulk_change": _("Bulk change of agreements"),
}
FAILURES = {
    jobs.INTERRUPTED: _("The worker stopped before the job finished; nothing of it was kept. Please start it again."),
    jobs.ERROR: _("The job failed; nothing of it was kept. Please try again, or tell an administrator."),
    jobs.LOST: _("The queue lost this job before a worker could run it; nothing was done. Please start it again."),
}
# The kinds whose result is a report shown on the page, and the template showing it.
OUTCOMES = {
    "import_commit": "jobs/outcome_import.html",
    "source_refetch": "jobs/outcome_refetch.html",
    "digest_send": "jobs/outcome_digest.html",
    "agreement_bulk_change": "jobs/outcome_bulk.html",
}
# The most recent jobs "My jobs" lists.
LISTED = 100


def submit_job(kind: str, parameters: dict[str, Any]) -> Response:
    """Record a job of this kind for the signed-in user, queue it, and go to its page."""
    session = get_session()
    job = jobs.create_job(session, session.get(User, current_user.id), kind, parameters)
    session.commit()
    jobs.enqueue(job)
    return redirect(url_for("jobs.detail", job_id=job.id), 303)


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
    listed = get_session().scalars(statement).all()
    progress = {job.id: jobs.live_progress(job) for job in listed}
    return render_template("jobs/index.html", jobs=listed, progress=progress, **labels())


@bp.get("/<int:job_id>")
def detail(job_id: int):
    """One job: its progress while it runs, then its result or its error."""
    job = visible_job(job_id)
    done, total = jobs.live_progress(job)
    context = {"done": done, "total": total, "outcome": outcome(job), "outcome_template": OUTCOMES.get(job.kind)}
    return render_template("jobs/detail.html", job=job, **context, **labels())


def outcome(job: Job) -> dict[str, Any] | None:
    """The report of a finished job whose result is one, while it is kept."""
    if job.kind not in OUTCOMES or not job.result_path:
        return None
    try:
        return json.loads((jobs.jobs_dir() / job.result_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


@bp.get("/<int:job_id>/status")
def status(job_id: int):
    """The job's progress as JSON, which its page's script polls."""
    job = visible_job(job_id)
    done, total = jobs.live_progress(job)
    return jsonify(state=job.state.value, done=done, total=total, finished=job.state.finished)


@bp.get("/<int:job_id>/download")
def download(job_id: int):
    """The job's result file, while it is kept."""
    job = visible_job(job_id)
    if not job.result_path or job.kind in OUTCOMES:
        abort(404)
    path = jobs.jobs_dir() / job.result_path
    if not path.is_file():
        abort(404)
    return send_file(path, as_attachment=True, download_name=path.name)


def labels() -> dict[str, object]:
    """The words the job templates show for kinds and failures."""
    return {"kind_labels": KIND_LABELS, "failures": FAILURES, "outcomes": OUTCOMES}
