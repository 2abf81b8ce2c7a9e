"""The schedules page for admins: each periodic task, when it runs in TRACKER_TIMEZONE, its last run, and Run now."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import format_timedelta
from flask_login import current_user

from tracker import cadence, schedules
from tracker.db import get_session
from tracker.formatting import number
from tracker.i18n import _
from tracker.models import ScheduleRun, ScheduleRunState, User, utcnow
from tracker.queries.schedules import latest_run, waiting

bp = Blueprint("schedules", __name__, url_prefix="/admin/schedules")

# What each schedule's run did, in the reader's language, from the counts it recorded.
SUMMARIES: dict[str, Callable[[dict[str, Any]], object]] = {
    "digest": lambda counts: _(
        "Digests sent: %(sent)s; with nothing to report: %(quiet)s; not sent: %(failed)s.", **counts
    ),
    "backup": lambda counts: backup_summary(counts),
    "recheck": lambda counts: recheck_summary(counts),
    "feeds": lambda counts: feeds_summary(counts),
    "purge": lambda counts: _(
        "Import uploads deleted: %(uploads)s; job results deleted: %(results)s; run records deleted: %(runs)s.",
        **counts,
    ),
}


def feeds_summary(counts: dict[str, Any]) -> str:
    """What a feeds run found, and (since items left out are scored again) how many of those it filed now."""
    read = _(
        "Feeds read: %(feeds)s (failed: %(feeds_failed)s); new items: %(new)s, filed in the inbox: %(filed)s, "
        "left out: %(unmatched)s, seen before: %(skipped)s, not fetched: %(failed)s.",
        **counts,
    )
    if "refiled" not in counts:
        return str(read)
    again = _("Left out before and scored again: %(rescored)s, now in the inbox: %(refiled)s.", **counts)
    return f"{read} {again}"


def backup_summary(counts: dict[str, Any]) -> object:
    """What a backup run wrote; runs recorded before documents were backed up did not count them."""
    if "documents" in counts:
        return _(
            "Backup %(file)s (%(size)s bytes), new documents copied beside it: %(documents)s; older backups deleted: "
            "%(deleted)s.",
            **counts,
        )
    return _("Backup %(file)s (%(size)s bytes); older backups deleted: %(deleted)s.", **counts)


def recheck_summary(counts: dict[str, Any]) -> object:
    """What a re-check run found; runs recorded before link health (migration 0026) counted failures as one."""
    if "failed" in counts:
        return _(
            "Sources checked: %(checked)s (changed: %(changed)s, unchanged: %(unchanged)s, failed: %(failed)s); "
            "still due: %(due)s.",
            **counts,
        )
    return _(
        "Sources checked: %(checked)s (unchanged: %(unchanged)s, changed: %(changed)s, moved: %(moved)s, "
        "gone: %(gone)s, failing: %(failing)s); still due: %(due)s.",
        **counts,
    )


STATES = {
    ScheduleRunState.QUEUED: _("Waiting"),
    ScheduleRunState.RUNNING: _("Running"),
    ScheduleRunState.DONE: _("Done"),
    ScheduleRunState.FAILED: _("Failed"),
    ScheduleRunState.SKIPPED: _("Skipped"),
}


@dataclass(frozen=True)
class Row:
    """A schedule as the page shows it."""

    schedule: schedules.Schedule
    cadence: str
    unavailable: object | None
    next_run: datetime | None
    last: ScheduleRun | None
    waiting: bool


def row(schedule: schedules.Schedule, now: datetime) -> Row:
    """The schedule's row: cadence in words, next run, last run."""
    when = schedules.cadence_of(current_app, schedule)
    unavailable = schedule.unavailable()
    following = cadence.next_run(when, now, current_app.config["TRACKER_ZONE"]) if when and not unavailable else None
    session = get_session()
    last = latest_run(session, schedule.name)
    return Row(schedule, cadence.words(when), unavailable, following, last, waiting(session, schedule.name))


def summary(run: ScheduleRun) -> str:
    """What the run did or why it did not finish, in the reader's language."""
    if run.state == ScheduleRunState.SKIPPED:
        return str(_("Skipped: the previous run was still going."))
    if run.state == ScheduleRunState.RUNNING:
        return ""
    if run.error == schedules.INTERRUPTED:
        return str(_("The worker stopped before the run finished."))
    message = SUMMARIES.get(run.schedule)
    done = str(message(counts(run.result))) if message and run.result else ""
    return " ".join(part for part in (done, run.error) if part)


def counts(result: dict[str, Any]) -> dict[str, Any]:
    """The run's counts written as the language writes numbers."""
    return {key: number(value) if isinstance(value, int) else value for key, value in result.items()}


def took(run: ScheduleRun) -> str:
    """How long the run took ("5 seconds"); empty while it runs."""
    if not (run.started_at and run.finished_at) or run.state == ScheduleRunState.SKIPPED:
        return ""
    duration = run.finished_at - run.started_at
    if duration < timedelta(seconds=1):
        return str(_("less than a second"))
    return format_timedelta(duration, granularity="second", threshold=1.5)


@bp.get("")
def index():
    """Every schedule with its cadence, next run and last run."""
    now = utcnow()
    rows = [row(schedule, now) for schedule in schedules.SCHEDULES]
    zone_name = current_app.config["BABEL_DEFAULT_TIMEZONE"]
    return render_template("schedules/index.html", rows=rows, zone=zone_name, summary=summary, took=took, states=STATES)


@bp.post("/<name>/run")
def run_now(name: str):
    """Queue a run of the schedule now, done by the worker like a scheduled one."""
    schedule = schedules.BY_NAME.get(name) or abort(404)
    reason = schedule.unavailable()
    if reason is not None:
        flash(str(reason), "error")
        return redirect(url_for(".index"))
    session = get_session()
    run = schedules.request_run(session, name, session.get(User, current_user.id))
    session.commit()
    schedules.enqueue_run(run)
    flash(str(_("“%(title)s” will run as soon as the worker takes it up.", title=schedule.title)), "success")
    return redirect(url_for(".index"))
