"""The expiring page: agreements ending soon, and those past their end that still claim to bind."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from markupsafe import Markup

from tracker.db import get_session
from tracker.forms.expiring import ExpiringForm
from tracker.http.counts import kept_counts
from tracker.http.fragments import kept
from tracker.http.paging import page_size
from tracker.queries.actions import OVERDUE_PREVIEW, count_overdue_actions, overdue_actions
from tracker.queries.dashboard import dates_version
from tracker.queries.expiring import ATTENTION_GROUPS, ATTENTION_PREVIEW, MAX_PER_PAGE, QUICK_MONTHS, expiring_view

bp = Blueprint("expiring", __name__, url_prefix="/expiring")

# A bad query parameter is a bad request; the page is shown again with the message next to the field.
BAD_QUERY_STATUS = 400
# `?show=attention` (past the end), `?show=renewals` (renewal overdue) or `?show=decisions` (decision date passed)
# pages through one group of the agreements needing attention instead of those ending in the window.
# `?show=actions` lists every overdue follow-up action (up to MAX_PER_PAGE) instead of the first few.
SHOW_ACTIONS = "actions"
# The page's content without the page around it (kept per data version: tracker/http/fragments.py).
CONTENT = "expiring/_content.html"


def whole_number(name: str, default: int, highest: int) -> int:
    """A positive whole number from the query string, clamped to `highest`; the default when absent or unreadable."""
    value = request.args.get(name, "")
    return min(int(value), highest) if value.isdigit() and int(value) > 0 else default


@bp.get("/")
def index():
    """Agreements ending within `?months=N` (default 12) of `?as_of=YYYY-MM-DD` (default today), a page at a time
    (the content kept per data version).

    `?page=` and `?per_page=` (at most 500, for printing a long list) page the list; `?show=attention` lists the
    agreements needing attention instead (`renewals` or `decisions` another of its groups).
    """
    session = get_session()
    content, status = kept(session, "expiring.index", lambda: expiring_content(session))
    return render_template("expiring/index.html", content=Markup(content)), status


def expiring_content(session) -> tuple[str, int]:
    """The page's content rendered and its status: 400 when a query parameter is refused."""
    form = ExpiringForm(request.args)
    context = {"form": form, "quick_months": QUICK_MONTHS, "max_per_page": MAX_PER_PAGE, "preview": ATTENTION_PREVIEW}
    if not form.validate():
        return render_template(CONTENT, view=None, **context), BAD_QUERY_STATUS
    view = expiring_view(
        session,
        as_of=form.as_of.data,
        months=form.months.data,
        page=whole_number("page", 1, 100_000),
        per_page=whole_number("per_page", page_size(), MAX_PER_PAGE),
        attention=shown if (shown := request.args.get("show")) in ATTENTION_GROUPS else False,
        # The ids and counts read only what moves the dates version (migration 0038); the rows are read afresh.
        keep=kept_counts().keeper(session, dates_version),
    )
    return render_template(CONTENT, view=view, actions=overdue_group(form.as_of.data), **context), 200


def overdue_group(as_of) -> dict:
    """The "follow-up actions overdue" group of needs attention: its first rows (all with `?show=actions`) and
    how many there are."""
    every = request.args.get("show") == SHOW_ACTIONS
    rows = overdue_actions(get_session(), as_of, limit=MAX_PER_PAGE if every else OVERDUE_PREVIEW)
    total = len(rows) if len(rows) < OVERDUE_PREVIEW else count_overdue_actions(get_session(), as_of)
    return {"rows": rows, "total": total, "all": every}
