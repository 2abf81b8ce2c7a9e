"""The news inbox for editors: items the feeds brought that match recorded parties and agreements, best first, each
reviewed and linked through the add-from-news review (tracker/web/ingest.py) or dismissed."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from tracker.auth import can
from tracker.db import get_session
from tracker.errors import TrackerError
from tracker.i18n import _
from tracker.ingest.review import PendingSource, restored
from tracker.models import InboxItem, InboxState, SnapshotMethod
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


def reasons_in_words(reasons: list[dict[str, Any]]) -> list[str]:
    """What matched, in the reader's language: the names, then phrases, then agreements the item may concern."""
    names = [name_in_words(reason) for reason in reasons if reason.get("kind") in ("party", "alias")]
    said = [str(_("names %(names)s", names=", ".join(names)))] if names else []
    for reason in reasons:
        if reason.get("kind") == "glossary":
            said.append(
                str(_("“%(phrase)s” (glossary: %(meaning)s)", phrase=reason["phrase"], meaning=reason["meaning"]))
            )
        elif reason.get("kind") == "sector":
            said.append(str(_("“%(phrase)s” (sector: %(sector)s)", phrase=reason["phrase"], sector=reason["name"])))
        elif reason.get("kind") == "agreement":
            said.append(str(_("may concern “%(title)s”", title=reason["title"])))
    return said


def name_in_words(reason: dict[str, Any]) -> str:
    """A party named by its name, or by one of its aliases."""
    if reason["kind"] == "party":
        return str(_("%(name)s (party)", name=reason["name"]))
    return str(_("%(alias)s (alias of %(name)s)", alias=reason["alias"], name=reason["name"]))


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
    page = dict(item.page)
    final_url = page.pop("final_url", None) or item.url
    return render_review(PendingSource(restored(page), SnapshotMethod.FETCH, final_url), inbox_item=item.id)


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
