"""Reads on agreements: the query page's filters, and everything an agreement's page shows."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session, selectinload

from tracker import search
from tracker.archiving import INCLUDE_ARCHIVED
from tracker.countries import country_name
from tracker.i18n import current_language
from tracker.models import (
    MAX_ID,
    Agreement,
    AgreementParty,
    AgreementRelation,
    AgreementSource,
    AgreementStatus,
    InstrumentType,
    Party,
    RelationKind,
    RenewalIntent,
    Sector,
    agreement_sector,
)
from tracker.queries.pagination import Page, paginate
from tracker.queries.planner import checked_only


class SortOrder(enum.Enum):
    """The orders the agreement list offers; a leading "-" means descending."""

    # Best match first when searching for words; without words, last updated first.
    RELEVANCE = "relevance"
    TITLE = "title"
    TITLE_DESC = "-title"
    START = "start"
    START_DESC = "-start"
    END = "end"
    END_DESC = "-end"
    UPDATED = "updated"
    UPDATED_DESC = "-updated"


@dataclass
class AgreementFilters:
    """A query over agreements; every field is optional and they combine with AND."""

    text: str = ""
    party_id: int | None = None
    country: str | None = None
    sectors: list[str] = field(default_factory=list)
    statuses: list[AgreementStatus] = field(default_factory=list)
    instruments: list[InstrumentType] = field(default_factory=list)
    renewals: list[RenewalIntent] = field(default_factory=list)
    active_in: int | None = None
    ends_from: int | None = None
    ends_to: int | None = None
    sort: SortOrder = SortOrder.RELEVANCE


def search_agreements(session: Session, filters: AgreementFilters, page: int = 1, per_page: int = 25) -> Page:
    """One page of the agreements matching `filters`, with parties and sectors loaded for the list."""
    statement = (
        select(Agreement)
        .where(*filter_conditions(filters))
        .order_by(*order_columns(filters))
        .options(selectinload(Agreement.party_links).joinedload(AgreementParty.party), selectinload(Agreement.sectors))
    )
    return paginate(session, statement, page, per_page)


def filter_conditions(filters: AgreementFilters) -> list[ColumnElement[bool]]:
    """SQL conditions for the filters that are set."""
    conditions: list[ColumnElement[bool]] = []
    if search.search_terms(filters.text):
        conditions.append(text_matches(filters.text))
    if filters.party_id is not None:
        conditions.append(involves_party(filters.party_id))
    if filters.country:
        conditions.append(involves_country(filters.country))
    if filters.sectors:
        conditions.append(in_sectors(filters.sectors))
    if filters.statuses:
        conditions.append(Agreement.status.in_(filters.statuses))
    if filters.instruments:
        conditions.append(Agreement.instrument_type.in_(filters.instruments))
    if filters.renewals:
        conditions.append(Agreement.renewal_intent.in_(filters.renewals))
    if filters.active_in is not None:
        conditions.append(active_in_year(filters.active_in))
    if filters.ends_from is not None:
        conditions.append(Agreement.end_on >= date(filters.ends_from, 1, 1))
    if filters.ends_to is not None:
        conditions.append(Agreement.end_on <= date(filters.ends_to, 12, 31))
    return conditions


def text_matches(text: str) -> ColumnElement[bool]:
    """Every word occurs in the agreement's text, its parties' names or its sources (see tracker/search.py)."""
    return search.matches(Agreement.id, text)


# The filters on linked records are uncorrelated IN subqueries, not EXISTS: that lets the covering
# (party_id, agreement_id) and (sector_id, agreement_id) indexes drive them instead of a scan of every agreement.
# On SQLite the id is wrapped in `checked_only`: SQLite guesses every IN list small and would look up each listed
# agreement by id (20,000 random row reads for a country), where a status, date or order index finds a page sooner.
# They read the link table, not the AgreementParty entity: the entity's archive criteria would probe both ends of
# every link, while here the outer query keeps agreements live and the join keeps parties live.
PARTY_LINK = AgreementParty.__table__


def involves_party(party_id: int) -> ColumnElement[bool]:
    """The party, or any unit under it (a directorate of a ministry), takes part in the agreement."""
    tree = select(Party.id).where(Party.id == party_id).cte("party_tree", recursive=True)
    tree = tree.union_all(select(Party.id).where(Party.parent_id == tree.c.id))
    links = select(PARTY_LINK.c.agreement_id).where(PARTY_LINK.c.party_id.in_(select(tree.c.id)))
    return checked_only(Agreement.id).in_(links)


def involves_country(country_code: str) -> ColumnElement[bool]:
    """A live party of the agreement is in the country."""
    parties_there = select(PARTY_LINK.c.agreement_id).join(Party, Party.id == PARTY_LINK.c.party_id)
    return checked_only(Agreement.id).in_(parties_there.where(Party.country_code == country_code))


def in_sectors(slugs: list[str]) -> ColumnElement[bool]:
    """The agreement is in at least one of the sectors."""
    linked = select(agreement_sector.c.agreement_id).join(Sector).where(Sector.slug.in_(slugs))
    return checked_only(Agreement.id).in_(linked)


def active_in_year(year: int) -> ColumnElement[bool]:
    """The known period (start, or signing when the start is unknown, to end) overlaps the year."""
    began = func.coalesce(Agreement.start_on, Agreement.signed_on)
    return and_(
        began.is_not(None),
        began <= date(year, 12, 31),
        or_(Agreement.end_on.is_(None), Agreement.end_on >= date(year, 1, 1)),
    )


def order_columns(filters: AgreementFilters) -> list:
    """ORDER BY for a query: best match first when searching for words by relevance, else `sort_columns`."""
    if filters.sort is SortOrder.RELEVANCE and search.search_terms(filters.text):
        return [search.rank(Agreement.id, filters.text), Agreement.id]
    return sort_columns(filters.sort)


def sort_columns(sort: SortOrder) -> list:
    """ORDER BY for a sort choice; unknown dates last, id as the final tie-breaker in the same direction.

    Relevance needs the searched words (`order_columns` ranks by them); without them it is last updated first.
    The tie-breaker runs the same way as the sort so that one index scan, forwards or backwards, gives the order
    (see the live-agreement indexes of the models): a mixed order would sort every tie in a temporary b-tree.
    """
    ascending, descending = Agreement.id.asc(), Agreement.id.desc()
    return {
        SortOrder.RELEVANCE: [Agreement.updated_at.desc(), descending],
        SortOrder.TITLE: [func.lower(Agreement.title).asc(), ascending],
        SortOrder.TITLE_DESC: [func.lower(Agreement.title).desc(), descending],
        SortOrder.START: [Agreement.start_on.asc().nulls_last(), ascending],
        SortOrder.START_DESC: [Agreement.start_on.desc().nulls_last(), descending],
        SortOrder.END: [Agreement.end_on.asc().nulls_last(), ascending],
        SortOrder.END_DESC: [Agreement.end_on.desc().nulls_last(), descending],
        SortOrder.UPDATED: [Agreement.updated_at.asc(), ascending],
        SortOrder.UPDATED_DESC: [Agreement.updated_at.desc(), descending],
    }[sort]


def agreement_detail(session: Session, agreement_id: int, include_archived: bool = False) -> Agreement | None:
    """An agreement with its parties, sectors, sources and related agreements loaded.

    A live agreement shows only live records; an archived one (`include_archived`) shows all it links to.
    """
    statement: Select = (
        select(Agreement)
        .where(Agreement.id == agreement_id)
        .options(
            selectinload(Agreement.party_links).joinedload(AgreementParty.party).joinedload(Party.parent),
            selectinload(Agreement.sectors),
            selectinload(Agreement.source_links).joinedload(AgreementSource.source),
            selectinload(Agreement.relations_out).joinedload(AgreementRelation.object),
            selectinload(Agreement.relations_in).joinedload(AgreementRelation.subject),
        )
    )
    return session.scalars(statement, execution_options={INCLUDE_ARCHIVED: include_archived}).one_or_none()


# Relations that make one agreement a later version of another: together they form a chain of versions.
SUCCESSION_KINDS = (RelationKind.RENEWS, RelationKind.SUPERSEDES)


def succession_chain(session: Session, agreement_id: int) -> list[Agreement]:
    """Every agreement linked to this one through renewals or supersessions, in either direction, oldest first.

    Returns just [] when the agreement has no predecessor or successor.
    """
    relation = AgreementRelation
    chain = select(literal(agreement_id).label("id")).cte("chain", recursive=True)
    neighbour = case((relation.subject_id == chain.c.id, relation.object_id), else_=relation.subject_id)
    chain = chain.union(
        select(neighbour).where(
            or_(relation.subject_id == chain.c.id, relation.object_id == chain.c.id),
            relation.kind.in_(SUCCESSION_KINDS),
        )
    )
    statement = (
        select(Agreement)
        .where(Agreement.id.in_(select(chain.c.id)))
        .order_by(func.coalesce(Agreement.start_on, Agreement.signed_on).asc().nulls_last(), Agreement.id)
    )
    members = list(session.scalars(statement))
    return members if len(members) > 1 else []


def other_agreement_choices(session: Session, agreement_id: int) -> list[tuple[int, str]]:
    """(id, title) of every other agreement, for relating agreements."""
    rows = session.execute(
        select(Agreement.id, Agreement.title).where(Agreement.id != agreement_id).order_by(func.lower(Agreement.title))
    )
    return [(row.id, row.title) for row in rows]


RELATION_SUGGESTIONS = 25


def party_filter_choices(session: Session) -> list[tuple[int, str]]:
    """(id, "Name (Country)") of every party for the query page's filter: one lean query, sorted by the database."""
    rows = session.execute(
        select(Party.id, Party.name, Party.country_code).order_by(
            func.lower(Party.name), func.coalesce(Party.country_code, ""), Party.id
        )
    )
    language = current_language()
    return [
        (row.id, f"{row.name} ({country_name(row.country_code, language)})" if row.country_code else row.name)
        for row in rows
    ]


def party_exists(session: Session, party_id: int) -> bool:
    """Whether a party has this id: how a filter is checked without loading every party."""
    if not 1 <= party_id <= MAX_ID:
        return False  # PostgreSQL refuses to compare a 32-bit id column with a larger number
    return session.scalar(select(Party.id).where(Party.id == party_id)) is not None


def relation_suggestions(session: Session, agreement_id: int) -> list[tuple[int, str]]:
    """(id, title) of the most recently recorded other agreements sharing a party: a short list, never all."""
    own_parties = select(AgreementParty.party_id).where(AgreementParty.agreement_id == agreement_id)
    shared = select(AgreementParty.agreement_id).where(AgreementParty.party_id.in_(own_parties))
    rows = session.execute(
        select(Agreement.id, Agreement.title)
        .where(Agreement.id != agreement_id, Agreement.id.in_(shared))
        .order_by(Agreement.id.desc())
        .limit(RELATION_SUGGESTIONS)
    )
    return [(row.id, row.title) for row in rows]


def agreements_named(session: Session, agreement_id: int | None, title: str) -> list[int]:
    """Ids of the live agreements with this number, else with this title (any case); at most two."""
    if agreement_id is not None:
        if not 1 <= agreement_id <= MAX_ID:
            return []  # PostgreSQL refuses to compare a 32-bit id column with a larger number
        found = session.scalar(select(Agreement.id).where(Agreement.id == agreement_id))
        return [found] if found is not None else []
    statement = select(Agreement.id).where(func.lower(Agreement.title) == func.lower(title)).limit(2)
    return list(session.scalars(statement))
