"""The news feeds page for admins: register, edit or stop reading a feed, see its last result, and fetch now."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from tracker import inbox, schedules
from tracker.db import get_session
from tracker.errors import TrackerError
from tracker.forms.inbox import KIND_CHOICES, FeedForm
from tracker.i18n import _
from tracker.models import NewsFeed, User, utcnow
from tracker.queries.inbox import news_feeds
from tracker.services import inbox as services
from tracker.web.helpers import INVALID_FORM_STATUS, attach_error, get_or_404, render_invalid

bp = Blueprint("newsfeeds", __name__, url_prefix="/admin/feeds")

FEEDS = "feeds"  # the schedule that reads them (tracker/schedules.py)


def render_index(form: FeedForm, status: int = 200):
    """The feeds with their last results, and the form to add one."""
    session = get_session()
    feeds = news_feeds(session)
    off = schedules.cadence_of(current_app, schedules.BY_NAME[FEEDS]) is None
    kinds = dict(KIND_CHOICES)
    return render_template("newsfeeds/index.html", feeds=feeds, form=form, schedule_off=off, kinds=kinds), status


@bp.get("")
def index():
    """Every registered feed and an empty form to add one."""
    return render_index(FeedForm(formdata=None))


@bp.post("")
def create():
    """Register a feed."""
    session = get_session()
    form = FeedForm()
    if not form.validate():
        return render_invalid_index(form)
    try:
        feed = services.add_feed(session, form.name.data, form.url.data, form.kind.data)
    except TrackerError as error:
        session.rollback()
        return render_invalid_index(form, error)
    session.commit()
    flash(_("Feed “%(name)s” added; it is read at the next run of the feeds schedule.", name=feed.name), "success")
    return redirect(url_for(".index"))


def render_invalid_index(form: FeedForm, error: TrackerError | None = None):
    """The feeds page again with the refused form."""
    if error is None:
        return render_index(form, INVALID_FORM_STATUS)
    attach_error(form, error)
    return render_index(form, error.status_code)


@bp.get("/<id:news_feed_id>/edit")
def edit(news_feed_id: int):
    """The feed's form, filled in."""
    feed = get_or_404(get_session(), NewsFeed, news_feed_id)
    form = FeedForm(formdata=None)
    form.fill_from(feed)
    return render_template("newsfeeds/edit.html", form=form, feed=feed)


@bp.post("/<id:news_feed_id>/edit")
def update(news_feed_id: int):
    """Save the feed's name, address and whether it is read."""
    session = get_session()
    feed = get_or_404(session, NewsFeed, news_feed_id)
    form = FeedForm()
    if not form.validate():
        return render_invalid("newsfeeds/edit.html", form, feed=feed)
    try:
        services.update_feed(session, feed, form.name.data, form.url.data, bool(form.active.data), form.kind.data)
    except TrackerError as error:
        session.rollback()
        return render_invalid("newsfeeds/edit.html", form, error, feed=feed)
    session.commit()
    flash(_("Feed “%(name)s” saved.", name=feed.name), "success")
    return redirect(url_for(".index"))


@bp.post("/fetch")
def fetch_now():
    """Read every active feed now: a run of the feeds schedule, done by the jobs worker."""
    session = get_session()
    run = schedules.request_run(session, FEEDS, session.get(User, current_user.id))
    session.commit()
    schedules.enqueue_run(run)
    flash(_("The feeds will be read as soon as the worker takes up the run; the results appear here."), "success")
    return redirect(url_for(".index"))


@bp.post("/score-again")
def score_again():
    """Score the items left out lately again, now: after adding a party, an alias or a glossary entry, what they name
    may match (each run of the feeds schedule does it too)."""
    session = get_session()
    counts = inbox.score_again(session, utcnow())
    session.commit()
    message = _(
        "Items left out in the last %(days)s days scored again: %(rescored)s; now waiting in the inbox: %(refiled)s.",
        days=current_app.config["TRACKER_INBOX_RESCORE_DAYS"],
        **counts,
    )
    flash(message, "success")
    return redirect(url_for(".index"))
