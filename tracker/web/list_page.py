"""The agreement list's side panel and chips (issue 18): facets whose values are links that add or take away a
filter, and the filters in use as removable chips; every link is the list's own query string changed.

The panel never holds the list up (issue 19): counting the facets of a query reads every matching agreement
(0.1-0.5 s of CPU at 100,000 agreements), so the list is rendered and kept without it (`PANEL_MARK`) and the panel
is put in per request: kept for this query and data version, or rendered at once when that costs no counting over
the results, or else a placeholder whose script (static/js/facets.js) fetches it from `agreements.facets`.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field

from flask import current_app, render_template, request, url_for
from markupsafe import Markup
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict
from wtforms import Field

from tracker.forms.agreements import AgreementQueryForm
from tracker.http.agreements import filters_from
from tracker.http.counts import request_data_version
from tracker.http.fragments import fragment_cache, request_key
from tracker.http.parties import party_finder
from tracker.i18n import _
from tracker.queries.agreements import AgreementFilters
from tracker.queries.facets import FACETS, FacetCache, FacetValue, is_unfiltered, query_key
from tracker.queries.sectors import sector_choices
from tracker.queries.users import owner_filter_choices

# A facet shows its most frequent values (and those chosen); the rest are counted, and `?facet=<name>` lists them all.
FACET_SHOWN = 6
# Filters that choose one value: a facet's value replaces the one chosen. The others take several (any of them).
SINGLE = {"country", "owner"}
# Query parameters that are no filter: never a chip; a changed filter starts again at page 1.
NOT_FILTERS = ("sort", "per_page", "page", "facet", "format")
# Asks for the facets' counts in the page itself: the placeholder's link, for a browser without script.
INLINE = "facets"
# Stands for the facet panel in the list's kept content: the panel is put in per request (`list_panel`).
PANEL_MARK = "\x00facet-panel\x00"
PANEL = "agreements/_facets.html"
# Pages whose links are the list's: the panel fetched on its own links to the list.
LIST_OF = {"agreements.facets": "agreements.index"}


@dataclass(frozen=True)
class FacetLink:
    """A facet's value as shown: its words, its count, whether it is chosen, and the list with it added or removed."""

    text: str
    count: int
    selected: bool
    href: str


@dataclass
class FacetView:
    """One facet of the panel: its name and heading, a caption where one agreement counts under several values, the
    values shown, how many more there are and the link listing them all."""

    name: str
    heading: str
    caption: str = ""
    links: list[FacetLink] = field(default_factory=list)
    more: int = 0
    more_href: str = ""


@dataclass(frozen=True)
class Chip:
    """A filter in use ("Status: In force") and the list without it."""

    label: str
    text: str
    href: str


def facet_cache() -> FacetCache:
    """The process's cache of facet counts, one per app."""
    return current_app.extensions.setdefault("tracker.facet_counts", FacetCache())


def list_form(session: Session) -> AgreementQueryForm:
    """The list's query form read from the request, its choices set (not validated yet)."""
    form = AgreementQueryForm(request.args)
    form.set_choices(lambda: party_finder(session), sector_choices(session))
    form.set_owner_choices(owner_filter_choices(session, request.args.get("owner", "")))
    return form


def list_panel(
    session: Session, form: AgreementQueryForm | None = None, filters: AgreementFilters | None = None
) -> str:
    """The facet panel this list request shows: kept for its query and data version; else rendered now where that
    counts nothing over the results (asked for by `INLINE`, the whole list's kept counts, this query's counts kept);
    else the placeholder fetching it (`form`, `filters`: the validated query when this request rendered the list)."""
    found = kept_panel(session)
    if found is not None:
        return found
    if form is None and (INLINE in request.args or lists_everything()):
        form = list_form(session)
        filters = filters_from(form) if form.validate() else None
    if form is not None and filters is not None and counts_at_hand(session, filters):
        return rendered_panel(session, form, filters)
    return panel_placeholder()


def panel_key() -> Hashable | None:
    """What the rendered panel is kept under, on the list and its own endpoint alike: the list's query string without
    the page (the panel's links start again at page 1) and `INLINE`."""
    parts = request.query_string.split(b"&")
    query = b"&".join(part for part in parts if part.split(b"=")[0] not in (b"page", INLINE.encode()))
    return request_key(PANEL, url_for("agreements.index"), query)


def kept_panel(session: Session) -> str | None:
    """The panel kept for this query at the current data version, if any."""
    key = panel_key()
    if key is None:
        return None
    found, html = fragment_cache().current(key, request_data_version(session))
    return html if found else None


def rendered_panel(session: Session, form: AgreementQueryForm, filters: AgreementFilters) -> str:
    """The panel for the validated query (its counts counted unless kept), kept for this query and data version."""
    html = render_template(PANEL, facets=facet_panel(session, form, filters))
    key = panel_key()
    if key is not None:
        fragment_cache().keep(key, request_data_version(session), html)
    return html


def lists_everything() -> bool:
    """Whether the query string asks for no filter (read without the form: a kept list's view builds none)."""
    return not any(value.strip() for key, value in request.args.items(multi=True) if key not in (*NOT_FILTERS, INLINE))


def counts_at_hand(session: Session, filters: AgreementFilters) -> bool:
    """Whether the panel can be shown now without counting over the results."""
    if INLINE in request.args or is_unfiltered(filters):
        return True
    found, _counts = facet_cache().current(query_key(filters), request_data_version(session))
    return found


def panel_placeholder() -> str:
    """The panel saying its counts are being computed: the script fills it from `agreements.facets`; without script
    its link opens the list with the counts in it."""
    pairs = [(key, value) for key, value in request.args.items(multi=True) if key != INLINE]
    fetch_url = url_for("agreements.facets", **MultiDict(pairs).to_dict(flat=False))
    inline_href = url_for("agreements.index", **MultiDict([*pairs, (INLINE, "1")]).to_dict(flat=False))
    return render_template(PANEL, facets=None, facets_url=fetch_url, inline_href=inline_href + "#list-panel")


def facet_panel(session: Session, form: AgreementQueryForm, filters: AgreementFilters) -> list[FacetView]:
    """The panel's facets for the list's validated query: counts from the cache (one statement when current)."""
    counts = facet_cache().get(session, filters, request_data_version(session))
    chosen = chosen_values(form, filters)
    return [facet_view(form, name, counts[name], chosen[name]) for name in FACETS]


def chosen_values(form: AgreementQueryForm, filters: AgreementFilters) -> dict[str, set[str]]:
    """The values each facet's filter has chosen (the officer as the id "me" stands for)."""
    chosen = {name: set(form[name].data or []) for name in FACETS if name not in SINGLE}
    chosen["country"] = {filters.country} if filters.country else set()
    chosen["owner"] = {str(filters.owner_id)} if filters.owner_id is not None else set()
    return chosen


CAPTIONS = {
    "sector": _("An agreement in several sectors counts under each."),
    "country": _("An agreement counts under the country of each of its partners."),
}


def facet_view(form: AgreementQueryForm, name: str, values: list[FacetValue], chosen: set[str]) -> FacetView:
    """A facet's most frequent values and those chosen (all of them when the query asks for this facet whole)."""
    whole = request.args.get("facet") == name
    shown = [v for index, v in enumerate(values) if whole or index < FACET_SHOWN or v.value in chosen]
    words = choice_words(form[name])
    view = FacetView(name=name, heading=str(form[name].label.text), caption=str(CAPTIONS.get(name, "")))
    view.links = [
        FacetLink(
            value.label or str(words.get(value.value, value.value)),
            value.count,
            value.value in chosen,
            facet_href(name, value.value, value.value in chosen),
        )
        for value in shown
    ]
    view.more = len(values) - len(shown)
    view.more_href = list_url(query_pairs(), facet=name) + "#list-panel" if view.more else ""
    return view


def facet_href(name: str, value: str, selected: bool) -> str:
    """The list with the value taken away (chosen), added to those chosen, or chosen alone (a single filter)."""
    pairs = query_pairs()
    if selected:
        return list_url(without(pairs, name, value))
    if name in SINGLE:
        pairs = [(key, kept) for key, kept in pairs if key != name]
    return list_url([*pairs, (name, value)])


def active_chips(form: AgreementQueryForm) -> list[Chip]:
    """A chip per filter value in the query string, each linking to the list without that value."""
    pairs = query_pairs()
    chips = []
    for key, value in pairs:
        if key in NOT_FILTERS or key not in form or not value.strip():
            continue
        words = choice_words(form[key])
        text = words.get(value, value)
        chips.append(Chip(str(form[key].label.text), str(text), list_url(without(pairs, key, value))))
    return chips


def choice_words(field: Field) -> dict[str, str]:
    """What a choice field's values read as ({} for a field without choices)."""
    return {str(choice.value): str(choice.label) for choice in getattr(field, "choices", None) or []}


def cleared_url() -> str:
    """The list without any filter, in the same order and page size ("Clear all")."""
    return list_url([(key, value) for key, value in query_pairs() if key in NOT_FILTERS])


def query_pairs() -> list[tuple[str, str]]:
    """The request's query string as (name, value) pairs, without the page: a changed query starts at page 1."""
    return [(key, value) for key, value in request.args.items(multi=True) if key not in ("page", "facet", INLINE)]


def without(pairs: list[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    """The pairs without this one."""
    return [(key, kept) for key, kept in pairs if (key, kept) != (name, value)]


def list_url(pairs: list[tuple[str, str]], **more: str) -> str:
    """The current list page with this query string."""
    args = MultiDict(pairs)
    for key, value in more.items():
        args[key] = value
    endpoint = LIST_OF.get(request.endpoint, request.endpoint)
    return url_for(endpoint, **(request.view_args or {}), **args.to_dict(flat=False))


# The list's content without the page around it (kept per data version: tracker/http/fragments.py).
LIST_CONTENT = "agreements/_list_content.html"


def refused_list_content(form: AgreementQueryForm) -> str:
    """The list's content when its filters are refused: the form with each error beside its field, no results."""
    return render_template(LIST_CONTENT, form=form, page=None, chips=active_chips(form), clear_href=cleared_url())


def refused_list_page(form: AgreementQueryForm) -> str:
    """The whole list page saying why the filters were refused (an export answers a query it cannot run so)."""
    return render_template("agreements/index.html", list_content=Markup(refused_list_content(form)))
