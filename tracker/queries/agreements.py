"""Reads on agreements: the query page's filters, and everything an agreement's page shows."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import CTE, ColumnElement, Select, and_, case, func, literal, or_, select, union_all
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.sql.selectable import TableValuedAlias

from tracker import search
from tracker.archiving import INCLUDE_ARCHIVED
from tracker.models import (
    MAX_ID,
    Agreement,
    AgreementParty,
    AgreementRelation,
    AgreementSource,
    AgreementStatus,
    AgreementTerm,
    AutoRenewal,
    Citation,
    Conflict,
    Document,
    EvidenceLevel,
    FollowUpAction,
    ImplementationStatus,
    InstrumentType,
    Party,
    Ratification,
    RelationKind,
    RenewalIntent,
    Sector,
    agreement_sector,
)
from tracker.queries.live import live_agreement_count
from tracker.queries.pagination import Page, count_of, paginate
from tracker.queries.planner import checked_day, checked_only, mostly_true


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
    SIGNED = "signed"
    SIGNED_DESC = "-signed"
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
    implementations: list[ImplementationStatus] = field(default_factory=list)
    evidence: list[EvidenceLevel] = field(default_factory=list)  # any of these evidence levels (issue 17)
    auto_renewal: AutoRenewal | None = None
    notice_recorded: bool | None = None  # whether a notice period is recorded
    # Days, both included: a decision date of any of the agreement's terms; the entry into force's earliest day.
    decision_from: date | None = None
    decision_to: date | None = None
    ratifications: list[Ratification] = field(default_factory=list)
    in_force_from: date | None = None
    in_force_to: date | None = None
    active_in: int | None = None
    ends_from: int | None = None
    ends_to: int | None = None
    signed_from: int | None = None
    signed_to: int | None = None
    sort: SortOrder = SortOrder.RELEVANCE
    owner_id: int | None = None  # the responsible officer
    ids: list[int] = field(default_factory=list)  # these agreements only (a bulk action's selection, exported)


# A search whose typed words alone match more agreements than this is not ranked: at 100,000 agreements ranking every
# match of "technology" (in 77 % of them) cost 85 ms of CPU on SQLite (bm25 alone 40 ms) and 610 ms on PostgreSQL
# even without the glossary's other phrases (with them, 1,350 characters of prefixes, 355-577 ms on SQLite). Such a
# search lists the matches of the words as typed by last update, newest first, as a filter would
# (Page.ordered_by_update), through the first RANKED_AT_MOST, its count saying "more than"
# (Page.total_is_lower_bound); counting them stops there too.
RANKED_AT_MOST = 10_000


def search_agreements(
    session: Session,
    filters: AgreementFilters,
    page: int = 1,
    per_page: int = 25,
    count: Callable[[Select], int] | None = None,
) -> Page:
    """One page of the agreements matching `filters`, with parties and sectors loaded for the list; a query not ranked
    by words is counted by `count` when given (the lists' kept counts: http/counts.KeptCounts)."""
    loads = list_loads()
    if ranks_by_words(filters):
        glossary = search.glossary_of(session)
        others = filter_conditions(session, filters, match_words=False)
        typed = ranked(search.ranked_hits(filters.text), others)
        # Counted by id: a LIMIT keeps the subquery whole, and every column of each agreement would be read. Joined
        # to the matches as they are found (no rank computed): SQLite stops reading them at the limit.
        capped = typed.with_only_columns(Agreement.id).limit(RANKED_AT_MOST + 1)
        found = count_of(session, capped)
        if found > RANKED_AT_MOST:
            return latest_of_common(session, filters.text, others, page, per_page)
        statement = ranked(search.ranked_hits(filters.text, glossary), others).options(*loads)
        if not search.widens(filters.text, glossary):
            return paginate(session, statement, page, per_page, total=found)  # the typed words are the whole search
    else:
        return filtered_page(session, filters, page, per_page, count)
    return paginate(session, statement, page, per_page)


# On SQLite a filtered list's first view after a write lists the ids of its first WALKED_AT_MOST matches in the list's
# order when its filters name linked records (a party, country or sector, a decision date) or words: its page is
# among them, and when they are all the matches their number is the count. Each statement over such filters builds
# the IN lists of the linked ids afresh: at 100,000 agreements the benchmark's filtered query (326 matches) took
# 12 ms to count and 9 more to find its page, building the country's 20,000 links twice; the walk takes 13 ms for
# both. Other filters count from an index alone, cheaper than listing ids; PostgreSQL plans either well.
WALKED_AT_MOST = 500


def filtered_page(
    session: Session, filters: AgreementFilters, page: int, per_page: int, count: Callable[..., int] | None
) -> Page:
    """A page of a query not ranked by words, with its parties and sectors; counted by `count` when given (a kept
    count), else by walking the first matches (WALKED_AT_MOST) when the page is among them, else by `count_matches`."""
    linked = linked_ids(session, filters)
    order = sort_columns(filters.sort)
    unordered = filter_conditions(session, filters, ordered=False, linked=linked)
    offset = (page - 1) * per_page
    walked: list[list[int]] = []

    def counted() -> int:
        if not walks(session, filters, linked) or offset + per_page > WALKED_AT_MOST:
            return count_matches(session, unordered)
        ids = list(session.scalars(select(Agreement.id).where(*unordered).order_by(*order).limit(WALKED_AT_MOST + 1)))
        walked.append(ids)
        return len(ids) if len(ids) <= WALKED_AT_MOST else count_matches(session, unordered)

    total = count(select(Agreement.id).where(*unordered), counted) if count else counted()
    if walked:
        items = agreements_by_ids(session, walked[0][offset : offset + per_page])
        return Page(items=items, total=total, page=page, per_page=per_page)
    statement = select(Agreement).where(*filter_conditions(session, filters, linked=linked)).order_by(*order)
    return paginate(session, statement.options(*list_loads()), page, per_page, total)


def walks(session: Session, filters: AgreementFilters, linked: LinkedIds) -> bool:
    """Whether a count of the filters is better found by walking their first matches (see WALKED_AT_MOST)."""
    builds_lists = linked != LinkedIds() or filters.decision_from or filters.decision_to or filters.text.strip()
    return bool(builds_lists) and session.get_bind().dialect.name == "sqlite"


def agreements_by_ids(session: Session, ids: list[int]) -> list[Agreement]:
    """The live agreements of `ids`, in that order, with their parties and sectors loaded for a list."""
    if not ids:
        return []
    found = {
        agreement.id: agreement
        for agreement in session.scalars(select(Agreement).where(Agreement.id.in_(ids)).options(*list_loads()))
    }
    return [found[agreement_id] for agreement_id in ids if agreement_id in found]


def count_matches(session: Session, conditions: list[ColumnElement[bool]]) -> int:
    """How many live agreements meet the conditions (`filter_conditions(..., ordered=False)`); without any, on SQLite,
    the live agreements counted from the table and the archived ones' index (`live_agreement_count`: PostgreSQL
    counts every row either way, and that took 15-17 ms against 9-12 for `archived_at IS NULL` at 100,000)."""
    if not conditions and session.get_bind().dialect.name == "sqlite":
        return live_agreement_count(session)
    return count_of(session, select(Agreement.id).where(*conditions))


def list_loads() -> tuple:
    """The loader options of a list's rows: their parties and sectors, loaded with the page."""
    return selectinload(Agreement.party_links).joinedload(AgreementParty.party), selectinload(Agreement.sectors)


def ranked(hits: TableValuedAlias, conditions: list[ColumnElement[bool]]) -> Select:
    """SELECT the agreements among `hits` (search.ranked_hits) meeting the conditions, best match first."""
    joined = select(Agreement).join(hits, hits.c.agreement_id == Agreement.id)
    return joined.where(*conditions).order_by(hits.c.rank, Agreement.id)


def latest_of_common(
    session: Session, text: str, conditions: list[ColumnElement[bool]], page: int, per_page: int
) -> Page:
    """A page of the first RANKED_AT_MOST agreements with the words of `text` as typed meeting the conditions (a search
    too common to rank) by last update, newest first, its total a lower bound."""
    offset = (page - 1) * per_page
    shown = max(0, min(per_page, RANKED_AT_MOST - offset))
    # More than RANKED_AT_MOST agreements meet every condition: walking the last-update index meets a page's rows
    # soon, each checked against the matches (SQLite: listed once) rather than looked up from them and sorted.
    checked = [search.matches(checked_only(Agreement.id), text), *map(mostly_true, conditions)]
    latest = select(Agreement).where(*checked).order_by(*sort_columns(SortOrder.UPDATED_DESC))
    items = session.scalars(latest.options(*list_loads()).limit(shown).offset(offset)).all() if shown else []
    return Page(
        items=items,
        total=RANKED_AT_MOST,
        page=page,
        per_page=per_page,
        total_is_lower_bound=True,
        ordered_by_update=True,
    )


def matching_ids(session: Session, filters: AgreementFilters, limit: int) -> list[int]:
    """The ids of the live agreements matching `filters`, by id, at most `limit` (a bulk action's "all matching")."""
    statement = select(Agreement.id).where(*filter_conditions(session, filters)).order_by(Agreement.id)
    return list(session.scalars(statement.limit(limit)))


def ranks_by_words(filters: AgreementFilters) -> bool:
    """Whether the query is ordered by relevance to searched words: best match first."""
    return filters.sort is SortOrder.RELEVANCE and bool(search.search_terms(filters.text))


def filter_conditions(
    session: Session,
    filters: AgreementFilters,
    match_words: bool = True,
    ordered: bool = True,
    linked: LinkedIds | None = None,
) -> list[ColumnElement[bool]]:
    """SQL conditions for the filters that are set (one look-up first when a party, country or sector is, unless the
    caller gives what it found: `linked`).

    `match_words=False` leaves the searched words out, for a statement that joins `search.ranked_hits` instead.
    `ordered=False` words them for a statement without the list's order, a count (see `ends_column`).
    """
    conditions: list[ColumnElement[bool]] = []
    if match_words and search.search_terms(filters.text):
        conditions.append(text_matches(filters.text, search.glossary_of(session)))
    linked = linked if linked is not None else linked_ids(session, filters)
    if linked.parties is not None:
        conditions.append(involves_any_party(linked.parties))
    if linked.country_parties is not None:
        conditions.append(involves_any_party(linked.country_parties))
    if linked.sectors is not None:
        conditions.append(in_any_sector(linked.sectors))
    if filters.statuses:
        conditions.append(Agreement.status.in_(filters.statuses))
    if filters.instruments:
        conditions.append(Agreement.instrument_type.in_(filters.instruments))
    if filters.renewals:
        conditions.append(Agreement.renewal_intent.in_(filters.renewals))
    if filters.implementations:
        conditions.append(Agreement.implementation.in_(filters.implementations))
    if filters.evidence:  # read from ix_agreement_evidence; kept by services/citations.refresh_evidence
        conditions.append(Agreement.evidence.in_(filters.evidence))
    conditions.extend(term_conditions(filters))
    if filters.ratifications:
        conditions.append(Agreement.ratification.in_(filters.ratifications))
    conditions.extend(within(Agreement.in_force_on, filters.in_force_from, filters.in_force_to))
    if filters.owner_id is not None:
        conditions.append(Agreement.owner_id == filters.owner_id)
    if filters.ids:
        conditions.append(Agreement.id.in_(filters.ids))
    if filters.active_in is not None:
        conditions.append(active_in_year(filters.active_in))
    ends = ends_column(filters) if ordered else Agreement.end_on
    conditions.extend(in_years(ends, filters.ends_from, filters.ends_to))
    conditions.extend(in_years(Agreement.signed_on, filters.signed_from, filters.signed_to))
    return conditions


def ends_column(filters: AgreementFilters) -> ColumnElement[date]:
    """The end as the end filter names it: checked row by row on SQLite (`checked_day`) when one status is asked for in
    the last-updated order, so that ix_agreement_live_status_updated (0035) gives the page in order with the end
    checked from it; SQLite otherwise read the status's years from ix_agreement_status_end_on and sorted every match
    by `updated_at` (13 ms for the benchmark's filtered query at 100,000 agreements, against 3 for the walk). A count
    has no order: it takes the column as it is (`filter_conditions(..., ordered=False)`), and SQLite counts the
    status's years from ix_agreement_status_end_on alone (12 ms against 16.5 for that query's count)."""
    by_update = filters.sort in (SortOrder.UPDATED, SortOrder.UPDATED_DESC) or (
        filters.sort is SortOrder.RELEVANCE and not search.search_terms(filters.text)
    )
    return checked_day(Agreement.end_on) if by_update and len(filters.statuses) == 1 else Agreement.end_on


def in_years(day: ColumnElement[date], first: int | None, last: int | None) -> list[ColumnElement[bool]]:
    """The stored date falls in the years from `first` to `last` (either may be open); an unknown date never does.

    A partial date is stored as its earliest day, which lies in the same year as every day it could be: a date
    known to the year or month is within whole years exactly when that day is.
    """
    return within(
        day, date(first, 1, 1) if first is not None else None, date(last, 12, 31) if last is not None else None
    )


def within(day: ColumnElement[date], first: date | None, last: date | None) -> list[ColumnElement[bool]]:
    """The stored date (a partial date's earliest day) is from `first` to `last`, both included (either may be
    open); an unknown date never is."""
    conditions = []
    if first is not None:
        conditions.append(day >= first)
    if last is not None:
        conditions.append(day <= last)
    return conditions


def term_conditions(filters: AgreementFilters) -> list[ColumnElement[bool]]:
    """The filters on the terms: automatic renewal, a notice period recorded or not, a decision date in a range."""
    conditions = []
    if filters.auto_renewal is not None:
        conditions.append(Agreement.auto_renewal == filters.auto_renewal)
    if filters.notice_recorded is not None:
        notice = Agreement.notice_period
        conditions.append(notice.is_not(None) if filters.notice_recorded else notice.is_(None))
    decided = within(AgreementTerm.decision_on, filters.decision_from, filters.decision_to)
    if decided:
        # Any term's decision date: an agreement renewing itself has one per term (written out in agreement_term).
        # An IN over the terms' decision index (0021), checked only on SQLite, as the link filters below are.
        conditions.append(checked_only(Agreement.id).in_(select(AgreementTerm.agreement_id).where(*decided)))
    return conditions


def text_matches(text: str, glossary: search.Glossary) -> ColumnElement[bool]:
    """Every word occurs in the agreement's text, its parties' or sectors' names or its sources, or a phrase of the
    glossary stands for it (see tracker/search.py)."""
    return search.matches(Agreement.id, text, glossary)


@dataclass(frozen=True)
class LinkedIds:
    """The live records a query's party, country and sector filters stand for; None where a filter is not set."""

    parties: list[int] | None = None  # the party and its units
    country_parties: list[int] | None = None
    sectors: list[int] | None = None


# The party, country and sector filters are resolved to ids first, in one statement, and the agreement query
# names those ids. With a literal list PostgreSQL reads each id's frequency from its statistics (a join through
# `party` or `sector` would be estimated from an average, and a country that is 20% of the data planned as if
# it were 1%, with 20,000 primary-key look-ups); SQLite builds its IN list from a covering index either way.
def linked_ids(session: Session, filters: AgreementFilters) -> LinkedIds:
    """Ids of the live party with its units, of the live parties in the country, and of the live sectors asked for."""
    asked: dict[str, Select] = {}
    if filters.party_id is not None:
        asked["parties"] = select(party_tree(filters.party_id).c.id)
    if filters.country:
        asked["country_parties"] = select(Party.id).where(Party.country_code == filters.country)
    if filters.sectors:
        asked["sectors"] = select(Sector.id).where(Sector.slug.in_(filters.sectors))
    if not asked:
        return LinkedIds()
    tagged = [part.add_columns(literal(kind).label("kind")) for kind, part in asked.items()]
    found: dict[str, list[int]] = {kind: [] for kind in asked}
    for id_, kind in session.execute(union_all(*tagged)):
        found[kind].append(id_)
    return LinkedIds(**found)


# The filters on linked records are uncorrelated IN subqueries over the link tables, not EXISTS: that lets the
# covering (party_id, agreement_id) and (sector_id, agreement_id) indexes drive them instead of a scan of every
# agreement. On SQLite the id is wrapped in `checked_only`: SQLite guesses every IN list small and would look up
# each listed agreement by id (20,000 random row reads for a country), where a status, date or order index finds
# a page sooner. They read the link tables, not the AgreementParty entity: the entity's archive criteria would
# probe both ends of every link, while here the outer query keeps agreements live and the ids are of live records.
PARTY_LINK = AgreementParty.__table__


def involves_any_party(party_ids: list[int]) -> ColumnElement[bool]:
    """One of the parties takes part in the agreement."""
    links = select(PARTY_LINK.c.agreement_id).where(PARTY_LINK.c.party_id.in_(party_ids))
    return checked_only(Agreement.id).in_(links)


def party_tree(party_id: int) -> CTE:
    """The ids (column `id`) of the party and every unit under it, at any depth (a ministry's directorates)."""
    tree = select(Party.id).where(Party.id == party_id).cte("party_tree", recursive=True)
    return tree.union_all(select(Party.id).where(Party.parent_id == tree.c.id))


def in_any_sector(sector_ids: list[int]) -> ColumnElement[bool]:
    """The agreement is in at least one of the sectors."""
    linked = select(agreement_sector.c.agreement_id).where(agreement_sector.c.sector_id.in_(sector_ids))
    return checked_only(Agreement.id).in_(linked)


def active_in_year(year: int) -> ColumnElement[bool]:
    """The known period (start, or signing when the start is unknown, to end) overlaps the year."""
    began = func.coalesce(Agreement.start_on, Agreement.signed_on)
    return and_(
        began.is_not(None),
        began <= date(year, 12, 31),
        or_(Agreement.end_on.is_(None), Agreement.end_on >= date(year, 1, 1)),
    )


def sort_columns(sort: SortOrder) -> list:
    """ORDER BY for a sort choice; unknown dates last, id as the final tie-breaker in the same direction.

    Relevance needs the searched words (`search_agreements` ranks by them); without them it is last updated first.
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
        SortOrder.SIGNED: [Agreement.signed_on.asc().nulls_last(), ascending],
        SortOrder.SIGNED_DESC: [Agreement.signed_on.desc().nulls_last(), descending],
        SortOrder.UPDATED: [Agreement.updated_at.asc(), ascending],
        SortOrder.UPDATED_DESC: [Agreement.updated_at.desc(), descending],
    }[sort]


def agreement_detail(session: Session, agreement_id: int, include_archived: bool = False) -> Agreement | None:
    """An agreement with its parties, sectors, sources, related agreements, actions, documents and citations loaded.

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
            joinedload(Agreement.owner),
            joinedload(Agreement.unit),
            # In the agreement's own statement: an agreement has a few actions, and a page a statement budget.
            joinedload(Agreement.actions).joinedload(FollowUpAction.assignee),
            # Likewise its documents, without their text (deferred).
            joinedload(Agreement.documents).joinedload(Document.uploaded_by),
            # And its conflicting reports (issue 17), a few at most, with who resolved each.
            joinedload(Agreement.conflicts).joinedload(Conflict.resolved_by),
            # The facts' citations with what they name, in one statement however many (the snapshot by its id only).
            selectinload(Agreement.citations).options(
                joinedload(Citation.party), joinedload(Citation.source), joinedload(Citation.document)
            ),
        )
    )
    found = session.scalars(statement, execution_options={INCLUDE_ARCHIVED: include_archived})
    return found.unique().one_or_none()


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


RELATION_SUGGESTIONS = 25
# Up to this many parties, each party's newest agreements are read from its (party_id, agreement_id) index, a few
# each; beyond it (a rare agreement naming dozens of parties) one IN over their links, as SQLite takes at most 500
# SELECTs in one compound statement.
PER_PARTY_SUGGESTIONS = 20


def relation_suggestions(
    session: Session, agreement_id: int, party_ids: list[int] | None = None
) -> list[tuple[int, str]]:
    """(id, title) of the most recently recorded other live agreements sharing a live party: a short list, never all.

    `party_ids`: the agreement's live parties when the caller has them loaded. Not one IN over every agreement of its
    parties: the ministry's 86,000 at 100,000 agreements were gathered and sorted to show 25 (76 ms of the page).
    """
    if party_ids is None:
        party_ids = list(
            session.scalars(select(AgreementParty.party_id).where(AgreementParty.agreement_id == agreement_id))
        )
    party_ids = sorted(set(party_ids))
    if not party_ids:
        return []
    if len(party_ids) <= PER_PARTY_SUGGESTIONS:
        shared = union_all(*(newest_of_party(party_id, agreement_id).subquery().select() for party_id in party_ids))
    else:
        shared = select(PARTY_LINK.c.agreement_id).where(PARTY_LINK.c.party_id.in_(party_ids))
    rows = session.execute(
        select(Agreement.id, Agreement.title)
        .where(Agreement.id != agreement_id, Agreement.id.in_(shared))
        .order_by(Agreement.id.desc())
        .limit(RELATION_SUGGESTIONS)
    )
    return [(row.id, row.title) for row in rows]


def newest_of_party(party_id: int, agreement_id: int) -> Select:
    """SELECT the ids of the RELATION_SUGGESTIONS newest live agreements of the party other than `agreement_id`,
    walking its links' index backwards."""
    agreement = Agreement.__table__
    return (
        select(PARTY_LINK.c.agreement_id)
        .join(agreement, agreement.c.id == PARTY_LINK.c.agreement_id)
        .where(
            PARTY_LINK.c.party_id == party_id,
            PARTY_LINK.c.agreement_id != agreement_id,
            agreement.c.archived_at.is_(None),
        )
        .order_by(PARTY_LINK.c.agreement_id.desc())
        .limit(RELATION_SUGGESTIONS)
    )


def agreements_named(session: Session, agreement_id: int | None, title: str) -> list[int]:
    """Ids of the live agreements with this number, else with this title (any case); at most two."""
    if agreement_id is not None:
        if not 1 <= agreement_id <= MAX_ID:
            return []  # PostgreSQL refuses to compare a 32-bit id column with a larger number
        found = session.scalar(select(Agreement.id).where(Agreement.id == agreement_id))
        return [found] if found is not None else []
    statement = select(Agreement.id).where(func.lower(Agreement.title) == func.lower(title)).limit(2)
    return list(session.scalars(statement))
