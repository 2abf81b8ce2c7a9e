"""The agreement query form read alike by the list, the timeline, the calendar feeds, the export and the API."""

from __future__ import annotations

from urllib.parse import parse_qsl

from flask import current_app
from flask_login import current_user
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from tracker.errors import ValidationError
from tracker.forms.agreements import ME, NOTICE_RECORDED, AgreementQueryForm, earliest, latest
from tracker.http.counts import kept_counts
from tracker.http.paging import chosen_per_page
from tracker.http.parties import party_finder
from tracker.i18n import _
from tracker.models import (
    AgreementStatus,
    AutoRenewal,
    EvidenceLevel,
    ImplementationStatus,
    InstrumentType,
    Ratification,
    RenewalIntent,
)
from tracker.queries.agreements import AgreementFilters, SortOrder, matching_ids, search_agreements
from tracker.queries.facets import query_key
from tracker.queries.pagination import Page
from tracker.queries.sectors import sector_choices

# The longest query string a calendar feed or a saved query keeps (their columns' length).
MAX_QUERY_LENGTH = 2000


def owner_from(value: str | None, me: int | None = None) -> int | None:
    """The responsible officer a query names: a user's id, or "me" (`me`, else the signed-in user; no one when
    neither, an id no user has)."""
    if not value:
        return None
    if value != ME:
        return int(value)
    if me is None and current_user and current_user.is_authenticated:
        me = current_user.id
    return me if me is not None else 0


def filters_from(form: AgreementQueryForm, me: int | None = None) -> AgreementFilters:
    """The validated query form as query filters; `me` is whom `owner=me` names (default: the signed-in user)."""
    return AgreementFilters(
        text=form.q.data or "",
        party_id=form.party.record_id,
        country=form.country.data or None,
        sectors=form.sector.data or [],
        statuses=[AgreementStatus(value) for value in form.status.data or []],
        instruments=[InstrumentType(value) for value in form.instrument.data or []],
        renewals=[RenewalIntent(value) for value in form.renewal.data or []],
        implementations=[ImplementationStatus(value) for value in form.implementation.data or []],
        evidence=[EvidenceLevel(value) for value in form.evidence.data or []],
        auto_renewal=AutoRenewal(form.auto_renewal.data) if form.auto_renewal.data else None,
        notice_recorded=form.notice_period.data == NOTICE_RECORDED if form.notice_period.data else None,
        decision_from=earliest(form.decision_after),
        decision_to=latest(form.decision_before),
        ratifications=[Ratification(value) for value in form.ratification.data or []],
        in_force_from=earliest(form.in_force_after),
        in_force_to=latest(form.in_force_before),
        active_in=form.active_in.data,
        ends_from=form.ends_from.data,
        ends_to=form.ends_to.data,
        signed_from=form.signed_from.data,
        signed_to=form.signed_to.data,
        sort=SortOrder(form.sort.data or SortOrder.RELEVANCE.value),
        owner_id=owner_from(form.owner.data, me),
        ids=list(form.id.data or []),
    )


def agreement_page(session: Session, form: AgreementQueryForm) -> Page:
    """The page of agreements a validated query form asks for, its count kept while the data stays the same."""
    filters, page, per_page = filters_from(form), form.page.data or 1, chosen_per_page(form.per_page.data)
    count = kept_counts().counter(session, ("agreements", query_key(filters)))
    return search_agreements(session, filters, page, per_page, count=count)


def query_form(session: Session, query: str, sectors: list[tuple[str, str]] | None = None) -> AgreementQueryForm:
    """A list query string (a bulk action's, a saved query's, a calendar feed's) read by the list's own form, as the
    list reads its request (blank fields kept), its party looked up (`sectors`: the choices when the caller has
    them already)."""
    form = AgreementQueryForm(formdata=MultiDict(parse_qsl(query, keep_blank_values=True)))
    form.set_choices(lambda: party_finder(session), sectors if sectors is not None else sector_choices(session))
    return form


def all_matching(session: Session, query: str, field: str = "query", me: int | None = None) -> list[int]:
    """The ids of the agreements a list query matches, for a bulk action (`me`: whom `owner=me` names, default the
    signed-in user); a ValidationError on `field` when the query does not read or matches more than
    TRACKER_BULK_MAX_ROWS."""
    form = query_form(session, query)
    if not form.validate():
        raise ValidationError(_("The list's filters could not be read; search again."), field)
    limit = current_app.config["TRACKER_BULK_MAX_ROWS"]
    ids = matching_ids(session, filters_from(form, me), limit + 1)
    if len(ids) > limit:
        raise ValidationError(
            _("A bulk action takes at most %(count)s agreements; narrow the query.", count=limit), field
        )
    return ids


class QueryError(Exception):
    """A stored or typed agreement query that the query page would refuse; the message says why."""


def saved_filters(
    session: Session, query: str, me: int | None = None, sectors: list[tuple[str, str]] | None = None
) -> AgreementFilters:
    """The agreement filters of a stored query string, checked by the query page's own form; `owner=me` is the
    query's owner (`me`), as it was the signed-in user where the query was made."""
    form = query_form(session, query, sectors)
    if not form.validate():
        problems = (f"{form[name].label.text}: {' '.join(map(str, errors))}" for name, errors in form.errors.items())
        raise QueryError(" ".join(problems))
    return filters_from(form, me=me)


def checked_query(session: Session, query: str) -> str:
    """A normalised query string as it may be kept; QueryError saying why the query page would refuse it."""
    saved_filters(session, query)
    if len(query) > MAX_QUERY_LENGTH:
        raise QueryError(str(_("This query is too long to save.")))
    return query
