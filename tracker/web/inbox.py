"""The news inbox for editors: items the feeds brought that match recorded parties and agreements, best first, each
reviewed and linked through the add-from-news review (tracker/web/ingest.py) or dismissed."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from tracker.auth import can
from tracker.db import get_session
from tracker.errors import TrackerError
from tracker.http.inbox import reasons_in_words
from tracker.i18n import _
from tracker.models import InboxItem, InboxState
from tracker.queries.inbox import waiting_count, waiting_items
from tracker.services import inbox as services
from tracker.web.helpers import get_or_404
from tracker.web.ingest import render_review

bp = Blueprint("inbox", __name__, url_prefix="/inbox")


@bp.before_app_request
def count_waiting() -> None:
    """For the menu: how many items wait, on the pages of those who triage them (read before the view runs, so an
    error page never queries)."""
    if request.method == "GET" and not request.path.startswith(("/api/", "/static/")) and can("inbox.index"):
        g.inbox_waiting = waiting_count(get_session())


@bp.get("")
def index():
    """The items waiting, the best match first, with why each was filed."""
    return render_template("inbox/index.html", items=waiting_items(get_session()), reasons=reasons_in_words)


def waiting_item(item_id: int) -> InboxItem | None:
    """The item, if it still waits (None once triaged); 404 when there is none."""
    item = get_or_404(get_session(), InboxItem, item_id)
    return item if item.state == InboxState.NEW else None


@bp.get("/<id:item_id>/review")
def review(item_id: int):
    """The add-from-news review of the item's page as it was fetched, pre-filled with the suggestions; confirming it
    records the source, its links or a new agreement, and marks the item."""
    item = waiting_item(item_id)
    if item is None:
        flash(_("This news item has been dealt with already."), "warning")
        return redirect(url_for(".index"))
    return render_review(services.pending_of(item), inbox_item=item.id)


@bp.post("/<id:item_id>/dismiss")
def dismiss(item_id: int):
    """Leave the item out of the inbox for good."""
    session = get_session()
    item = get_or_404(session, InboxItem, item_id)
    try:
        services.dismiss_item(session, item)
    except TrackerError as error:
        session.rollback()
        flash(error.message, "warning")
        return redirect(url_for(".index"))
    session.commit()
    flash(_("“%(title)s” dismissed; it will not come back.", title=item.title), "success")
    return redirect(url_for(".index"))
