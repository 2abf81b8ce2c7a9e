"""Calendar feeds of expiries: the owner's management pages, and the feed that calendar apps fetch.

The feed URL is public in the access table: calendar apps send no session cookie. It is authenticated by
its secret token instead, which is shown once at creation and stored only as a SHA-256 hash.

Calendar apps poll the feed (issue 19): its ETag is made of the data version (`queries.dashboard.data_version`,
moved by every write), the feed's definition, its language, the site's address and the horizon's day (the horizon
moves daily), so a poll with a matching If-None-Match (or If-Modified-Since) costs the token look-up and one cheap
statement and gets 304; a changed ETag finds the written body in a per-process cache kept by that same key.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_login import current_user
from sqlalchemy.orm import Session

from tracker.access import role_allows
from tracker.clock import local_today
from tracker.db import get_session
from tracker.errors import TrackerError
from tracker.feeds import action_events, feed_events, more_actions_summary, more_agreements_summary, more_event
from tracker.formatting import full_date
from tracker.forms.alerts import CalendarFeedForm
from tracker.http.agreements import QueryError, checked_query, saved_filters
from tracker.i18n import _
from tracker.ics import calendar_bytes
from tracker.locale import user_locale
from tracker.models import CalendarFeed, User
from tracker.queries.calendars import Bounded, Horizon, feed_actions, feed_agreements, feed_by_token, feeds_of
from tracker.queries.dashboard import VersionedCache, data_version
from tracker.services import calendars as service
from tracker.web.helpers import render_invalid

bp = Blueprint("calendars", __name__)
log = logging.getLogger("tracker.security")

ICS_TYPE = "text/calendar; charset=utf-8"
# The URL is a secret: no shared cache may keep the feed, and a client revalidates (a 304 costs next to nothing).
FEED_CACHE_CONTROL = "private, no-cache"


@bp.get("/account/calendars")
def index():
    """The signed-in user's calendar feeds."""
    return render_template("calendars/index.html", feeds=feeds_of(get_session(), current_user.id))


@bp.get("/account/calendars/new")
def new():
    """The new-calendar form, its query (and name) pre-filled from `?query=` (and `?name=`): the query page's
    "Subscribe" link, a saved query's "Calendar feed"."""
    query = service.normalize_query(request.args.get("query", ""))
    form = CalendarFeedForm(formdata=None, query=query, name=request.args.get("name", "")[:100])
    return render_template("calendars/new.html", form=form)


@bp.post("/account/calendars/new")
def create():
    """Create a feed and show its secret URL this once."""
    form = CalendarFeedForm()
    session = get_session()
    valid = form.validate()
    query = feed_query(session, form)
    if not valid or query is None:
        return render_invalid("calendars/new.html", form)
    data = service.FeedData(
        name=form.name.data,
        query=query,
        lead_months=form.chosen_lead_months(),
        include_actions=bool(form.include_actions.data),
    )
    feed, token = service.create_feed(session, session.get(User, current_user.id), data)
    session.commit()
    log.info("calendar feed %s created by %s", feed.id, current_user.email)
    return secret_shown(feed, token)


def feed_query(session: Session, form: CalendarFeedForm) -> str | None:
    """The form's query normalised, or None with the reason next to the field when the query page would refuse it."""
    try:
        return checked_query(session, service.normalize_query(form.query.data))
    except QueryError as error:
        form.query.errors = [*form.query.errors, query_problem(error)]
        return None


def query_problem(error: QueryError) -> str:
    """The message next to a query field the query page would refuse."""
    return str(_("This query does not work: %(problem)s", problem=str(error)))


def secret_shown(feed: CalendarFeed, token: str):
    """The page with the feed's secret URLs; it must not be cached, since nothing can show them again."""
    https_url = url_for(".feed", token=token, _external=True)
    webcal_url = "webcal://" + https_url.split("://", 1)[1]
    page = render_template("calendars/created.html", feed=feed, https_url=https_url, webcal_url=webcal_url)
    response = make_response(page)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/account/calendars/<id:feed_id>/revoke")
def revoke(feed_id: int):
    """Revoke one of the user's feeds: its URL stops working at once."""
    session = get_session()
    try:
        feed = service.revoke_feed(session, session.get(User, current_user.id), feed_id)
    except TrackerError as error:
        session.rollback()
        abort(error.status_code)
    session.commit()
    log.info("calendar feed %s revoked by %s", feed.id, current_user.email)
    flash(_("Calendar “%(name)s” revoked: its address no longer works.", name=feed.name), "success")
    return redirect(url_for(".index"))


@bp.get("/calendar/<token>.ics", endpoint="feed")
def feed_ics(token: str):
    """The iCalendar feed a secret token opens; 404 when unknown, revoked or its owner may no longer read."""
    session = get_session()
    calendar = feed_by_token(session, token)
    if calendar is None or not role_allows(calendar.user.role, "agreements.index"):
        abort(404)
    with force_locale(user_locale(calendar.user)):  # the owner's language, whatever the calendar app asks for
        return feed_response(session, calendar)


@dataclass(frozen=True)
class WrittenFeed:
    """A feed's body as written, and when: its Last-Modified."""

    body: bytes
    written: datetime


class FeedCache(VersionedCache):
    """Written feeds by their key (`feed_key`), kept while the data version stays the same."""

    SIZE = 32  # a broad feed at its limits is a few MB


def feed_cache() -> FeedCache:
    """This process's cache of written feeds."""
    return current_app.extensions.setdefault("tracker.calendar_feeds", FeedCache())


def feed_key(calendar: CalendarFeed, today: date) -> tuple:
    """What a written feed depends on besides the data: its definition, language, site address and day."""
    definition = (calendar.id, calendar.name, calendar.query, calendar.lead_months, calendar.include_actions)
    return (*definition, str(get_locale()), request.host_url, today)


def feed_etag(key: tuple, version: tuple) -> str:
    """The strong ETag of the feed written for `key` at the data `version`."""
    return hashlib.sha256(repr((key, version)).encode()).hexdigest()[:32]


def feed_response(session: Session, calendar: CalendarFeed):
    """The feed's events, 304 when the calendar app has them already, or the text saying why the stored query no
    longer works."""
    today = local_today()
    version = data_version(session)
    key = feed_key(calendar, today)
    etag = feed_etag(key, version)
    if request.if_none_match.contains(etag):
        return conditional(make_response("", 304), etag, None)
    found, written = feed_cache().current(key, version)
    if not found:
        try:
            body = feed_body(session, calendar, today)
        except (QueryError, TrackerError) as error:
            return plain_error(error)
        written = feed_cache().keep(key, version, WrittenFeed(body, datetime.now(UTC).replace(microsecond=0)))
    response = make_response(written.body)
    response.headers["Content-Type"] = ICS_TYPE
    response.headers["Content-Disposition"] = 'inline; filename="agreements.ics"'
    return conditional(response, etag, written.written).make_conditional(request)


def conditional(response, etag: str, written: datetime | None):
    """The response with its validators and the feed's Cache-Control."""
    response.set_etag(etag)
    if written is not None:
        response.last_modified = written
    response.headers["Cache-Control"] = FEED_CACHE_CONTROL
    return response


def feed_body(session: Session, calendar: CalendarFeed, today: date) -> bytes:
    """The feed written as of `today`: its agreements and reminders within the horizon, and its actions if chosen."""
    filters = saved_filters(session, calendar.query, me=calendar.user_id)
    lead_months = service.parse_lead_months(calendar.lead_months)
    horizon = Horizon.around(today)
    domain = urlsplit(request.host_url).hostname or "localhost"
    agreements = feed_agreements(session, filters, today, horizon)
    events = feed_events(agreements.rows, lead_months, agreement_link, domain)
    more = query_link(calendar.query)
    if agreements.more:
        after = agreements.rows[-1].day
        uid = f"feed-{calendar.id}-more-agreements@{domain}"
        events.append(more_event(uid, more_agreements_summary(agreements.more), after, more, today))
    actions: Bounded = Bounded([], 0)
    if calendar.include_actions:
        actions = feed_actions(session, filters, horizon)
        events.extend(action_events(actions.rows, agreement_link, domain))
        if actions.more:
            after = actions.rows[-1].due_on
            uid = f"feed-{calendar.id}-more-actions@{domain}"
            events.append(more_event(uid, more_actions_summary(actions.more), after, more, today))
    description = feed_description(horizon, agreements, actions, more)
    return calendar_bytes(calendar.name or str(_("Agreement ends")), description, events)


def query_link(query: str) -> str:
    """The absolute URL of the feed's query on the agreement list, where every match is listed."""
    base = url_for("agreements.index", _external=True)
    return f"{base}?{query}" if query else base


def agreement_link(agreement_id: int) -> str:
    """The absolute URL of an agreement's page, for the events' URL and description."""
    return url_for("agreements.detail", agreement_id=agreement_id, _external=True)


def feed_description(horizon: Horizon, agreements: Bounded, actions: Bounded, link: str) -> str:
    """What the subscribed calendar is, in the calendar app's own description field: what it shows, from when to
    when, and how many it leaves to the tracker."""
    about = str(
        _(
            "Decision dates and ends of cooperation agreements, and review reminders, from the Cooperation Tracker. "
            "Where an agreement's terms give a notice period, its event is the decision date of its current term "
            "(the last day to give notice); otherwise its end. An end known only to the year or the month is shown "
            "on its earliest possible day."
        )
    )
    window = str(
        _(
            "It shows the open agreements whose date falls from %(since)s to %(until)s; the tracker lists the others.",
            since=full_date(horizon.since),
            until=full_date(horizon.until),
        )
    )
    lines = [about, window]
    if agreements.more or actions.more:
        shown = _(
            "It holds the first %(agreements)s of %(total)s agreements and the first %(actions)s of %(all_actions)s "
            "actions in that time; all of them: %(url)s",
            agreements=len(agreements.rows),
            total=agreements.total,
            actions=len(actions.rows),
            all_actions=actions.total,
            url=link,
        )
        lines.append(str(shown))
    return "\n".join(lines)


def plain_error(error: Exception):
    """A stored feed the query page would now refuse: a calendar app shows the status, a person reads the text."""
    problem = str(getattr(error, "message", error))
    text = str(_("This calendar no longer works: %(problem)s Create a new calendar in your account.", problem=problem))
    response = make_response(text, 400)
    response.headers["Content-Type"] = "text/plain; charset=utf-8"
    return response
