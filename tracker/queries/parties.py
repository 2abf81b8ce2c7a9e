"""Reads on parties: the filtered list, one party with its agreements, choices for select fields."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from tracker.archiving import INCLUDE_ARCHIVED
from tracker.countries import country_name
from tracker.models import AgreementParty, Party, PartyAlias, PartyKind
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
    """A party with its parent, children, aliases and agreements (each with its link's role) loaded.

    A live party shows only live units and agreements; an archived one (`include_archived`) shows all.
    """
    statement = (
        select(Party)
        .where(Party.id == party_id)
        .options(
            joinedload(Party.parent),
            selectinload(Party.children),
            selectinload(Party.aliases),
            selectinload(Party.agreement_links).joinedload(AgreementParty.agreement),
        )
    )
    return session.scalars(statement, execution_options={INCLUDE_ARCHIVED: include_archived}).one_or_none()


def agreement_links_by_start(party: Party) -> list[AgreementParty]:
    """The party's agreement links, latest start first, unknown starts last, then by title."""
    links = sorted(party.agreement_links, key=lambda link: (link.agreement.title.casefold(), link.role.value))
    dated = [link for link in links if link.agreement.start_on is not None]
    undated = [link for link in links if link.agreement.start_on is None]
    return sorted(dated, key=lambda link: link.agreement.start_on, reverse=True) + undated


def party_label(name: str, country_code: str | None) -> str:
    """ "Name (Country)", or just the name for a party without a country."""
    return f"{name} ({country_name(country_code)})" if country_code else name


def party_choices(session: Session) -> list[tuple[int, str]]:
    """(id, "Name (Country)") of every party, sorted by name, for select fields."""
    rows = session.execute(select(Party.id, Party.name, Party.country_code))
    ordered = sorted(rows, key=lambda row: (normalise_name(row.name), row.country_code or "", row.id))
    return [(row.id, party_label(row.name, row.country_code)) for row in ordered]
