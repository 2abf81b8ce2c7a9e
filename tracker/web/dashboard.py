"""The dashboard: what the tracker holds, what ends soon, what was added last."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, current_app, render_template, request, url_for
from flask_login import current_user

from tracker.charts.bars import BarChart, BarEntry, build_bar_chart, fold_rest
from tracker.charts.styles import group_of
from tracker.countries import country_name
from tracker.db import get_session
from tracker.forms.expiring import AsOfForm, default_months
from tracker.http.saved_queries import counts_cache
from tracker.i18n import _, _n
from tracker.labels import label
from tracker.models import CitedFact
from tracker.queries.conflicts import open_conflicts
from tracker.queries.dashboard import Dashboard, FiguresCache, dashboard, data_version
from tracker.queries.saved_queries import DASHBOARD_SHOWN, visible_saved_queries

bp = Blueprint("dashboard", __name__)

# A bad query parameter is a bad request; the page is shown again with the message next to the field.
BAD_QUERY_STATUS = 400
# Bars per chart; sectors or countries beyond it are added up in one "others" bar.
MAX_BARS = 12
# A quarter's bar opens the expiring list for this many months.
QUARTER_MONTHS = 3


@bp.get("/")
def index():
    """Counts by status, sector and partner country; agreements ending soon as of `?as_of` (default today)."""
    form = AsOfForm(request.args)
    if not form.validate():
        return render_template("dashboard/index.html", form=form, board=None), BAD_QUERY_STATUS
    home_country = current_app.config["TRACKER_HOME_COUNTRY"]
    cache = current_app.extensions.setdefault("tracker.dashboard_figures", FiguresCache())
    session = get_session()
    version = data_version(session)  # one look-up serves the figures' cache and the saved queries' counts
    board = dashboard(session, form.as_of.data, home_country, default_months(), cache, version)
    saved = visible_saved_queries(session, current_user.id, DASHBOARD_SHOWN)
    context = {
        "saved_queries": saved,
        "saved_counts": counts_cache().counts(session, saved, version) if saved else {},
        "board": board,
        "charts": charts(board),
        "overdue_actions": board.overdue_actions,
        "implementation": implementation_rows(board),
        # Conflicting reports (issue 17): counted with the figures; the newest few read only when there are some.
        "conflicts": open_conflicts(get_session()) if board.totals.open_conflicts else [],
        "conflict_facts": {fact.value: label(fact) for fact in CitedFact},
    }
    return render_template("dashboard/index.html", form=form, **context)


def charts(board: Dashboard) -> dict[str, BarChart]:
    """The dashboard's bar charts, each bar linked to the query page filtered to what it counts."""
    return {
        "status": build_bar_chart(status_entries(board)),
        "sector": build_bar_chart(sector_entries(board)),
        "country": build_bar_chart(country_entries(board)),
        "quarter": build_bar_chart(quarter_entries(board)),
    }


@dataclass(frozen=True)
class ImplementationRow:
    """A partner country's line in the implementation table, with links to its agreements and implemented ones."""

    name: str
    agreements: int
    implemented: int
    all_url: str
    implemented_url: str


def implementation_rows(board: Dashboard) -> list[ImplementationRow]:
    """The partner countries with most agreements (as many as the chart has bars), each with its implemented ones."""
    return [
        ImplementationRow(
            country_name(row.country),
            row.agreements,
            row.implemented,
            url_for("agreements.index", country=row.country),
            url_for("agreements.index", country=row.country, implementation="implemented"),
        )
        for row in board.implementation_by_country[:MAX_BARS]
    ]


def drawn(index: int) -> bool:
    """Whether the entry at `index` (most first) gets a bar of its own: only those are named and linked, the rest are
    added up (`fold_rest`). Linking every partner country cost 240 `url_for` calls at 100,000 agreements, 5 ms."""
    return index < MAX_BARS


def status_entries(board: Dashboard) -> list[BarEntry]:
    """A bar per status, drawn like the timeline draws that status."""
    return [
        BarEntry(status.value, label(status), count, url_for("agreements.index", status=status.value), group_of(status))
        for status, count in board.by_status
    ]


def sector_entries(board: Dashboard) -> list[BarEntry]:
    """A bar per sector in use, most used first."""
    entries = [
        BarEntry(sector.slug, sector.name, sector.count, url_for("agreements.index", sector=sector.slug))
        if drawn(index)
        else BarEntry(sector.slug, sector.name, sector.count)
        for index, sector in enumerate(board.by_sector)
    ]
    return fold_rest(entries, MAX_BARS, lambda n: _n("%(num)d other sector", "%(num)d other sectors", n))


def country_entries(board: Dashboard) -> list[BarEntry]:
    """A bar per partner country, most agreements first."""
    entries = [
        BarEntry(code, country_name(code), count, url_for("agreements.index", country=code))
        if drawn(index)
        else BarEntry(code, code, count)
        for index, (code, count) in enumerate(board.by_country)
    ]
    return fold_rest(entries, MAX_BARS, lambda n: _n("%(num)d other country", "%(num)d other countries", n))


def quarter_entries(board: Dashboard) -> list[BarEntry]:
    """A bar per quarter, linked to the expiring list of three months from the quarter's first day (from the
    reference day in the first quarter), which dates agreements as the chart does: by decision date, else end."""
    return [
        BarEntry(
            f"{quarter.year}-Q{quarter.number}",
            _("Q%(quarter)d %(year)d", quarter=quarter.number, year=quarter.year),
            count,
            url_for("expiring.index", as_of=max(board.as_of, quarter.first_day).isoformat(), months=QUARTER_MONTHS),
        )
        for quarter, count in board.by_quarter
    ]
