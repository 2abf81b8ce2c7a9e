"""Reads on parties: the filtered list, one party with its agreements, partners and sources, choices for fields."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload, subqueryload

from tracker.archiving import INCLUDE_ARCHIVED
from tracker.countries import country_name
from tracker.models import Agreement, AgreementParty, AgreementSource, Party, PartyAlias, PartyKind, Source
from tracker.queries.agreements import involves_party, party_tree
from tracker.queries.pagination import Page, paginate
from tracker.services.parties import normalise_name

LIKE_ESCAPE = "\\"


@dataclass
class PartyFilters:
    """What the party list is narrowed to; empty values mean "any"."""

    text: str = ""
    kind: PartyKind | None = None
    country_code: str | None = None


@dataclass
class PartyListing:
    """One page of parties and how many agreements each takes part in."""

    page: Page
    agreement_counts: dict[int, int] = field(default_factory=dict)


def party_list(session: Session, filters: PartyFilters, page: int = 1, per_page: int = 25) -> PartyListing:
    """One page of the parties matching `filters`, by name, with parent and aliases loaded."""
    statement = (
        select(Party)
        .where(*filter_conditions(filters))
        .order_by(func.lower(Party.name), Party.id)
        .options(selectinload(Party.aliases), joinedload(Party.parent))
    )
    result = paginate(session, statement, page, per_page)
    if result.page > result.pages:
        # A page past the end (an old link after deletions) shows the last page instead of nothing.
        result = paginate(session, statement, result.pages, per_page)
    return PartyListing(result, agreement_counts(session, [party.id for party in result.items]))


def filter_conditions(filters: PartyFilters) -> list[ColumnElement[bool]]:
    """SQL conditions for the filters that are set; every word of the text must match a name or alias."""
    conditions = [name_matches(term) for term in filters.text.split()]
    if filters.kind is not None:
        conditions.append(Party.kind == filters.kind)
    if filters.country_code:
        conditions.append(Party.country_code == filters.country_code)
    return conditions


def name_matches(term: str) -> ColumnElement[bool]:
    """The term occurs, in any case, in the party's name or one of its aliases."""
    escaped = term.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", r"\%").replace("_", r"\_")
    pattern = f"%{escaped}%"
    return or_(
        Party.name.ilike(pattern, escape=LIKE_ESCAPE),
        Party.aliases.any(PartyAlias.alias.ilike(pattern, escape=LIKE_ESCAPE)),
    )


def agreement_counts(session: Session, party_ids: list[int]) -> dict[int, int]:
    """Party id -> number of distinct agreements it takes part in, for the given parties."""
    if not party_ids:
        return {}
    rows = session.execute(
        select(AgreementParty.party_id, func.count(func.distinct(AgreementParty.agreement_id)))
        .where(AgreementParty.party_id.in_(party_ids))
        .group_by(AgreementParty.party_id)
    )
    return dict(rows.all())


def party_detail(session: Session, party_id: int, include_archived: bool = False) -> Party | None:
    """A party with its parent, children and aliases loaded (its agreements: `party_overview`).

    A live party shows only live units and agreements; an archived one (`include_archived`) shows all, also
    in `agreement_links` when read (a lazy load, which keeps the statement's archive rule).
    """
    statement = (
        select(Party)
        .where(Party.id == party_id)
        .options(joinedload(Party.parent), selectinload(Party.children), selectinload(Party.aliases))
    )
    return session.scalars(statement, execution_options={INCLUDE_ARCHIVED: include_archived}).one_or_none()


def agreement_links_by_start(party: Party) -> list[AgreementParty]:
    """The party's agreement links, latest start first, unknown starts last, then by title."""
    links = sorted(party.agreement_links, key=lambda link: (link.agreement.title.casefold(), link.role.value))
    dated = [link for link in links if link.agreement.start_on is not None]
    undated = [link for link in links if link.agreement.start_on is None]
    return sorted(dated, key=lambda link: link.agreement.start_on, reverse=True) + undated


@dataclass(frozen=True)
class PartyAgreement:
    """An agreement of the party, with the parts the party or its units play in it."""

    agreement: Agreement
    links: tuple[AgreementParty, ...]


@dataclass(frozen=True)
class Partner:
    """Another party the party has agreements with, and how many."""

    party: Party
    agreements: int


@dataclass(frozen=True)
class PartySource:
    """A source linked to the party's agreements, and to how many of them."""

    source: Source
    agreements: int


@dataclass(frozen=True)
class PartyOverview:
    """What a party's page shows beyond the party itself: agreements (its units' too), partners, sources."""

    agreements: list[PartyAgreement]
    partners: list[Partner]
    sources: list[PartySource]


def party_tree_ids(session: Session, party_id: int, include_archived: bool = False) -> set[int]:
    """The party and every unit under it, at any depth."""
    tree = party_tree(party_id)
    return set(session.scalars(select(tree.c.id), execution_options={INCLUDE_ARCHIVED: include_archived}))


def party_overview(session: Session, party_id: int, include_archived: bool = False) -> PartyOverview:
    """The party's agreements (its units' too, as the query page's party filter counts them), partners and sources.

    Agreements come latest start first; the page costs the same few statements however many there are.
    """
    options = {INCLUDE_ARCHIVED: include_archived}
    tree = party_tree_ids(session, party_id, include_archived)
    statement = (
        select(Agreement)
        .where(involves_party(party_id))
        # subqueryload, not selectinload: the page lists every agreement, and selectinload would add a statement
        # for every 500 of them.
        .options(subqueryload(Agreement.party_links).joinedload(AgreementParty.party))
    )
    agreements = sorted(session.scalars(statement, execution_options=options), key=_latest_start_first)
    entries = [
        PartyAgreement(agreement, tuple(link for link in agreement.party_links if link.party_id in tree))
        for agreement in agreements
    ]
    return PartyOverview(entries, partners_of(agreements, tree), sources_of(session, agreements, include_archived))


def _latest_start_first(agreement: Agreement) -> tuple:
    """Sort key: known starts latest first, unknown starts last, then by title."""
    start = agreement.start_on
    return (start is None, -start.toordinal() if start else 0, agreement.title.casefold(), agreement.id)


def partners_of(agreements: list[Agreement], tree: set[int]) -> list[Partner]:
    """The parties outside `tree` in the agreements, with how many agreements each shares, most first."""
    parties: dict[int, Party] = {}
    counts: Counter[int] = Counter()
    for agreement in agreements:
        others = {link.party.id: link.party for link in agreement.party_links if link.party_id not in tree}
        parties.update(others)
        counts.update(others.keys())
    ranked = sorted(parties.values(), key=lambda party: (-counts[party.id], normalise_name(party.name), party.id))
    return [Partner(party, counts[party.id]) for party in ranked]


def sources_of(session: Session, agreements: list[Agreement], include_archived: bool = False) -> list[PartySource]:
    """The sources linked to the agreements, newest publication first, each with how many it supports."""
    if not agreements:
        return []
    statement = (
        select(AgreementSource)
        .where(AgreementSource.agreement_id.in_([agreement.id for agreement in agreements]))
        .options(joinedload(AgreementSource.source))
    )
    links = session.scalars(statement, execution_options={INCLUDE_ARCHIVED: include_archived}).all()
    sources = {link.source.id: link.source for link in links}
    counts = Counter(link.source_id for link in links)
    ranked = sorted(
        sources.values(),
        key=lambda source: (source.published_on is None, -(source.published_on or date.min).toordinal(), source.id),
    )
    return [PartySource(source, counts[source.id]) for source in ranked]


def party_label(name: str, country_code: str | None) -> str:
    """ "Name (Country)", or just the name for a party without a country."""
    return f"{name} ({country_name(country_code)})" if country_code else name


def party_choices(session: Session) -> list[tuple[int, str]]:
    """(id, "Name (Country)") of every party, sorted by name, for select fields."""
    rows = session.execute(select(Party.id, Party.name, Party.country_code))
    ordered = sorted(rows, key=lambda row: (normalise_name(row.name), row.country_code or "", row.id))
    return [(row.id, party_label(row.name, row.country_code)) for row in ordered]
