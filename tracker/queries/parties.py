"""Reads on parties: the filtered list, one party with its agreements, partners and sources, choices for fields."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from tracker.archiving import INCLUDE_ARCHIVED
from tracker.countries import country_name
from tracker.models import (
    Agreement,
    AgreementParty,
    AgreementSource,
    ImplementationStatus,
    Party,
    PartyAlias,
    PartyKind,
    Source,
)
from tracker.queries.agreements import party_tree
from tracker.queries.dashboard import VersionedCache, data_version, dates_version, parties_version
from tracker.queries.live import live_agreement, live_link_counts
from tracker.queries.pagination import Page, paginate
from tracker.queries.planner import checked_only
from tracker.text import normalise_name

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
    """Party id -> number of distinct live agreements it takes part in, for the given parties."""
    if not party_ids:
        return {}
    # The link table, not the entity: its archive rule would probe both ends of each link (tracker/queries/live.py).
    counts = live_link_counts(PARTY_LINK, PARTY_LINK.c.party_id, PARTY_LINK.c.party_id.in_(party_ids))
    return dict(session.execute(select(counts.c.key, counts.c.live)).all())


def party_detail(session: Session, party_id: int, include_archived: bool = False) -> Party | None:
    """A party with its parent, children and aliases loaded (its agreements: `party_overview`).

    A live party shows only live units and agreements; an archived one (`include_archived`) shows all, also
    in `agreement_links` when read (a lazy load, which keeps the statement's archive rule).
    """
    statement = (
        select(Party)
        .where(Party.id == party_id)
        # Aliases joined (a party has a few), units loaded apart (a ministry may have dozens, each with aliases).
        .options(joinedload(Party.parent), selectinload(Party.children), joinedload(Party.aliases))
    )
    result = session.scalars(statement, execution_options={INCLUDE_ARCHIVED: include_archived})
    return result.unique().one_or_none()


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


# The partners and sources a party's page lists: those sharing most agreements, and the newest.
LISTED = 20


@dataclass(frozen=True)
class PartyOverview:
    """What a party's page shows beyond the party itself: a page of its agreements (its units' too), the partners
    sharing most of them and the newest sources, each with the total."""

    agreements: Page[PartyAgreement]
    partners: list[Partner]
    partners_total: int
    sources: list[PartySource]
    sources_total: int
    # How many of the agreements are implemented ("9 of 10 agreements implemented"), counted with their total.
    implemented: int = 0


def party_tree_ids(session: Session, party_id: int, include_archived: bool = False) -> set[int]:
    """The party and every unit under it, at any depth."""
    tree = party_tree(party_id)
    return set(session.scalars(select(tree.c.id), execution_options={INCLUDE_ARCHIVED: include_archived}))


# The overview reads the tables, not the entities, whose archive criteria would probe both ends of every link; only
# the few rows it shows are loaded as entities. A live agreement never names an archived party or source
# (tracker/archiving.py), so leaving out archived agreements is enough to keep archived records out of a live party's
# page; an archived party's page (`include_archived`) shows everything.
AGREEMENT = Agreement.__table__
PARTY_LINK = AgreementParty.__table__
SOURCE_LINK = AgreementSource.__table__
SOURCE = Source.__table__
# From this many agreements on, the newest sources are found by walking all sources newest first (at most WALK of
# them) and keeping those linked to the party's agreements: the ministry's 240,000 sources are not grouped and sorted
# to show 20. A smaller party's sources are few enough to group.
WALK_FROM = 2_000
WALK = 5_000


@dataclass(frozen=True)
class PartyFigures:
    """A party page's aggregates over all its agreements, as ids and counts (no entities, so they can be kept
    across requests): how many agreements and implemented ones, the partners and sources listed, and their totals."""

    total: int
    implemented: int
    everything: int  # live agreements in all, the party's or not: its share says how to find a page of its own
    partners: tuple[tuple[int, int], ...]  # (party id, shared agreements), most shared first
    partners_total: int
    sources: tuple[tuple[int, int], ...]  # (source id, supported agreements), newest first
    sources_total: int


class PartyFiguresCache(VersionedCache):
    """The party pages' aggregates per (party, include_archived), and the ids of each page of their agreements, kept
    while what they read stays the same.

    Each aggregate reads every link of the party's agreements: at 100,000 agreements the ministry's take 0.3-0.4 s of
    CPU, while a view with them kept costs one look-up of the data version (issue 19). They are kept under the
    database's parties version (`parties_version`, migration 0043), which only writes to what they read move: a write
    to an agreement's notes, dates or `updated_at` keeps them. A page's ids walk the order's index past every
    agreement of other parties (1,350 entries for Japan's first page: 2-3.5 ms on PostgreSQL); they are kept under
    the parties version and the dates version (`dates_version`, migration 0038: the order's dates and titles and the
    archiving). Both are also kept per tree (the party and its units, read afresh on every view): a tree that differs
    (a unit added, moved or archived) gives new ones.
    """

    # Figures and pages share the room: a few hundred small entries.
    SIZE = 256

    def get(
        self, session: Session, party_id: int, include_archived: bool, tree: set[int], version: tuple | None = None
    ) -> PartyFigures:
        """The figures, from the cache when nothing they read has changed since they were computed (`version`: the
        data version when the caller has read it already)."""
        version = version or data_version(session)
        return self.kept(
            (party_id, include_archived),
            (*parties_version(version), frozenset(tree)),
            lambda: party_figures(session, tree, include_archived),
        )

    def page(
        self,
        session: Session,
        party_id: int,
        include_archived: bool,
        tree: set[int],
        figures: PartyFigures,
        page: int,
        per_page: int,
        version: tuple,
    ) -> tuple[int, ...]:
        """The ids of one page of the party's agreements (`page_ids`), from the cache when nothing they read has
        changed since they were found."""
        return self.kept(
            ("page", party_id, include_archived, page, per_page),
            (*parties_version(version), *dates_version(version), frozenset(tree)),
            lambda: page_ids(session, tree, figures, include_archived, page, per_page),
        )

    def kept(self, key: Hashable, version: tuple, compute: Callable[[], Any]) -> Any:
        """The value kept for `key` at `version`, else `compute()`'s, then kept."""
        found, value = self.current(key, version)
        return value if found else self.keep(key, version, compute())


def party_overview(
    session: Session,
    party_id: int,
    include_archived: bool = False,
    page: int = 1,
    per_page: int = 25,
    cache: PartyFiguresCache | None = None,
    version: tuple | None = None,
) -> PartyOverview:
    """One page of the party's agreements (its units' too, as the query page's party filter counts them), latest
    start first, with its partners and sources, in a few statements however many agreements it has.

    The ministry itself takes part in most agreements: its page pages through them rather than listing 50,000, and
    every aggregate reads narrow indexes (at 100,000 agreements its page went from 1.8-2.9 s to 0.4-0.8 s); with a
    `cache` the aggregates and the page's ids are computed again only after a write to what they read (the data
    `version`, when the caller has read it already, holds the versions they are kept under).
    """
    options = {INCLUDE_ARCHIVED: include_archived}
    tree = party_tree_ids(session, party_id, include_archived)
    if cache is None:
        figures = party_figures(session, tree, include_archived)
        ids = page_ids(session, tree, figures, include_archived, page, per_page)
    else:
        version = version or data_version(session)
        figures = cache.get(session, party_id, include_archived, tree, version)
        ids = cache.page(session, party_id, include_archived, tree, figures, page, per_page, version)
    agreements = agreement_page(session, tree, ids, figures.total, include_archived, page, per_page)
    partners = [Partner(party, count) for party, count in loaded(session, Party, figures.partners, options)]
    sources = [PartySource(source, count) for source, count in loaded(session, Source, figures.sources, options)]
    return PartyOverview(
        agreements, partners, figures.partners_total, sources, figures.sources_total, figures.implemented
    )


def party_figures(session: Session, tree: set[int], include_archived: bool) -> PartyFigures:
    """The aggregates of a party page over every agreement of the parties of `tree`."""
    theirs = their_agreements(tree, include_archived)
    total, implemented, everything = agreement_totals(session, theirs)
    partners, partners_total = partners_of(session, theirs, tree, include_archived)
    if total >= WALK_FROM:
        sources, sources_total = newest_sources(session, theirs, tree, include_archived)
    else:
        sources, sources_total = sources_of(session, theirs, include_archived)
    return PartyFigures(total, implemented, everything, tuple(partners), partners_total, tuple(sources), sources_total)


def loaded(session: Session, model: type, counted: tuple[tuple[int, int], ...], options: dict) -> list[tuple]:
    """(entity, count) for each (id, count) in order, the entities loaded in one statement (a record archived since
    the figures were kept is left out)."""
    if not counted:
        return []
    found = session.scalars(
        select(model).where(model.id.in_([key for key, _count in counted])), execution_options=options
    )
    by_id = {entity.id: entity for entity in found}
    return [(by_id[key], count) for key, count in counted if key in by_id]


def not_archived(agreement_id: ColumnElement[int]) -> ColumnElement[bool]:
    """The agreement is live: its id is not among the archived ones, which are few and listed from their partial
    index (testing each agreement's own row instead reads 86,000 wide rows for the ministry)."""
    return live_agreement(agreement_id)


def their_agreements(tree: set[int], include_archived: bool) -> Select:
    """SELECT the ids of the agreements the parties of `tree` take part in (live ones unless `include_archived`)."""
    statement = select(PARTY_LINK.c.agreement_id).where(PARTY_LINK.c.party_id.in_(tree))
    return statement if include_archived else statement.where(not_archived(PARTY_LINK.c.agreement_id))


# A party page's order: latest start (or signing) first, unknown ones last, then by title. The live agreements are
# indexed in exactly this order (`ix_agreement_live_began`, 0033; each engine's planner matches it term by term).
LATEST_START_FIRST = (
    func.coalesce(AGREEMENT.c.start_on, AGREEMENT.c.signed_on).desc().nulls_last(),
    func.lower(AGREEMENT.c.title),
    AGREEMENT.c.id,
)


def page_ids(
    session: Session, tree: set[int], figures: PartyFigures, include_archived: bool, page: int, per_page: int
) -> tuple[int, ...]:
    """The ids of one page of the party's agreements, latest start first, found on the sort keys alone."""
    offset = (page - 1) * per_page
    if include_archived or not walks_in_order(figures, offset + per_page):
        ordered = sorted_ids(tree, include_archived)
    else:
        ordered = ids_in_index_order(tree)
    return tuple(session.scalars(ordered.limit(per_page).offset(offset)))


def agreement_page(
    session: Session,
    tree: set[int],
    ids: tuple[int, ...],
    total: int,
    include_archived: bool,
    page: int,
    per_page: int,
) -> Page[PartyAgreement]:
    """One page of the party's `total` agreements (their `ids`, in order), with the parts the parties of `tree` play
    in them (an agreement archived since the ids were kept is left out)."""
    loaded_ = session.scalars(
        select(Agreement)
        .where(Agreement.id.in_(ids))
        .options(selectinload(Agreement.party_links).joinedload(AgreementParty.party))
        .execution_options(**{INCLUDE_ARCHIVED: include_archived})
    )
    by_id = {agreement.id: agreement for agreement in loaded_}
    entries = [
        PartyAgreement(agreement, tuple(link for link in agreement.party_links if link.party_id in tree))
        for agreement in (by_id[agreement_id] for agreement_id in ids if agreement_id in by_id)
    ]
    return Page(entries, total, page, per_page)


# A walk in the page's order is chosen when it should read at most this share of what sorting would: its estimate
# holds if the party's agreements are spread over the order, and a party's all lacking a start date (at the end)
# would walk every live agreement (70 ms at 100,000 on SQLite; sorting the ministry's agreements takes 93).
WALK_SHARE = 4


def walks_in_order(figures: PartyFigures, rows: int) -> bool:
    """Whether the first `rows` of the party's live agreements are found sooner by walking all live agreements in
    the page's order than by sorting the party's: the walk reads about rows × everything / total entries, checking
    each costing about as much as sorting one of the party's agreements."""
    return rows * figures.everything * WALK_SHARE <= figures.total * figures.total


def sorted_ids(tree: set[int], include_archived: bool) -> Select:
    """SELECT the ids of the agreements of the parties of `tree`, found from their links and sorted: for a party on
    a small share of the agreements (sorting whole rows, summaries and notes, of 86,000 cost three times as much)."""
    ordered = (
        select(AGREEMENT.c.id)
        .where(AGREEMENT.c.id.in_(select(PARTY_LINK.c.agreement_id).where(PARTY_LINK.c.party_id.in_(tree))))
        .order_by(*LATEST_START_FIRST)
    )
    return ordered if include_archived else ordered.where(AGREEMENT.c.archived_at.is_(None))


def ids_in_index_order(tree: set[int]) -> Select:
    """SELECT the ids of the live agreements of the parties of `tree`, read in order from the index of live
    agreements, each checked for a link to one of the parties: a page of the ministry's (on 86% of 100,000) reads
    about 29 index entries instead of sorting 86,000 keys. The link is checked from the link table's
    (agreement, party, role) index; SQLite would otherwise look each party of the tree up separately."""
    linked = select(PARTY_LINK.c.agreement_id).where(
        PARTY_LINK.c.agreement_id == AGREEMENT.c.id, checked_only(PARTY_LINK.c.party_id).in_(tree)
    )
    return (
        select(AGREEMENT.c.id).where(AGREEMENT.c.archived_at.is_(None), linked.exists()).order_by(*LATEST_START_FIRST)
    )


def agreement_totals(session: Session, theirs: Select) -> tuple[int, int, int]:
    """How many agreements `theirs` selects, how many of them are implemented, and how many live agreements there are
    in all, in one statement."""
    implemented = select(func.count()).where(
        AGREEMENT.c.id.in_(theirs), AGREEMENT.c.implementation == ImplementationStatus.IMPLEMENTED.value
    )
    everything = select(func.count()).where(AGREEMENT.c.archived_at.is_(None))
    total, implemented_total, everything_total = session.execute(
        select(
            select(func.count(theirs.subquery().c.agreement_id.distinct())).scalar_subquery(),
            implemented.scalar_subquery(),
            everything.scalar_subquery(),
        )
    ).one()
    return total or 0, implemented_total or 0, everything_total or 0


def partners_of(
    session: Session, theirs: Select, tree: set[int], include_archived: bool
) -> tuple[list[tuple[int, int]], int]:
    """(party id, shared) of the parties (live ones unless `include_archived`) outside `tree` in the agreements
    `theirs` selects that share most of them, and how many share any."""
    shared = func.count(PARTY_LINK.c.agreement_id.distinct())
    per_party = (
        select(PARTY_LINK.c.party_id, shared.label("shared"), func.count().over().label("total"))
        .where(PARTY_LINK.c.agreement_id.in_(theirs), PARTY_LINK.c.party_id.not_in(tree))
        .group_by(PARTY_LINK.c.party_id)
        .subquery()
    )
    statement = (
        select(Party.id, per_party.c.shared, per_party.c.total)
        .join(per_party, per_party.c.party_id == Party.id)
        .order_by(per_party.c.shared.desc(), func.lower(Party.name), Party.id)
        .limit(LISTED)
    )
    rows = session.execute(statement, execution_options={INCLUDE_ARCHIVED: include_archived}).all()
    return [(party_id, count) for party_id, count, _total in rows], rows[0][2] if rows else 0


def sources_of(session: Session, theirs: Select, include_archived: bool) -> tuple[list[tuple[int, int]], int]:
    """(source id, supported) of the newest sources linked to the agreements `theirs` selects, with how many each
    supports, and how many sources there are in all; unknown publication dates last. Groups every link: for parties
    with few agreements.
    """
    supported = func.count(SOURCE_LINK.c.agreement_id.distinct())
    per_source = (
        select(SOURCE_LINK.c.source_id, supported.label("supported"), func.count().over().label("total"))
        .where(SOURCE_LINK.c.agreement_id.in_(theirs))
        .group_by(SOURCE_LINK.c.source_id)
        .subquery()
    )
    statement = (
        select(Source.id, per_source.c.supported, per_source.c.total)
        .join(per_source, per_source.c.source_id == Source.id)
        .order_by(Source.published_on.desc().nulls_last(), Source.id.desc())
        .limit(LISTED)
    )
    rows = session.execute(statement, execution_options={INCLUDE_ARCHIVED: include_archived}).all()
    return [(source_id, count) for source_id, count, _total in rows], rows[0][2] if rows else 0


def newest_sources(
    session: Session, theirs: Select, tree: set[int], include_archived: bool
) -> tuple[list[tuple[int, int]], int]:
    """What `sources_of` gives, for a party with many agreements: the newest sources are found among the WALK newest
    of all, and grouped only when fewer than LISTED of those are the party's."""
    total = (
        session.scalar(
            select(func.count(SOURCE_LINK.c.source_id.distinct())).where(SOURCE_LINK.c.agreement_id.in_(theirs))
        )
        or 0
    )
    newest = (
        select(SOURCE.c.id, SOURCE.c.published_on)
        .order_by(SOURCE.c.published_on.desc().nulls_last(), SOURCE.c.id.desc())
        .limit(WALK)
        .subquery()
    )
    linked = links_of(tree, include_archived)
    ids = list(
        session.scalars(
            select(newest.c.id)
            .where(linked.where(SOURCE_LINK.c.source_id == newest.c.id).exists())
            .order_by(newest.c.published_on.desc().nulls_last(), newest.c.id.desc())
            .limit(LISTED)
        )
    )
    if len(ids) < min(LISTED, total):
        return sources_of(session, theirs, include_archived)
    counts = session.execute(
        linked.with_only_columns(SOURCE_LINK.c.source_id, func.count(SOURCE_LINK.c.agreement_id.distinct()))
        .where(SOURCE_LINK.c.source_id.in_(ids))
        .group_by(SOURCE_LINK.c.source_id)
    )
    supported = dict(counts.all())
    return [(source_id, supported[source_id]) for source_id in ids if source_id in supported], total


def links_of(tree: set[int], include_archived: bool) -> Select:
    """SELECT the source links of agreements the parties of `tree` take part in (live unless `include_archived`),
    for a few sources at a time: each link is followed to its agreement's row and party links, one probe each."""
    statement = (
        select(SOURCE_LINK.c.agreement_id)
        .join(PARTY_LINK, PARTY_LINK.c.agreement_id == SOURCE_LINK.c.agreement_id)
        .where(PARTY_LINK.c.party_id.in_(tree))
    )
    if include_archived:
        return statement
    return statement.join(AGREEMENT, AGREEMENT.c.id == SOURCE_LINK.c.agreement_id).where(
        AGREEMENT.c.archived_at.is_(None)
    )


def party_label(name: str, country_code: str | None) -> str:
    """ "Name (Country)", or just the name for a party without a country."""
    return f"{name} ({country_name(country_code)})" if country_code else name


def party_choices(session: Session) -> list[tuple[int, str]]:
    """(id, "Name (Country)") of every party, sorted by name, for select fields."""
    rows = session.execute(select(Party.id, Party.name, Party.country_code))
    ordered = sorted(rows, key=lambda row: (normalise_name(row.name), row.country_code or "", row.id))
    return [(row.id, party_label(row.name, row.country_code)) for row in ordered]


def home_party_choices(session: Session, home_country: str) -> list[tuple[int, str]]:
    """(id, name) of the parties of the home country (its ministries and their units), for the responsible unit."""
    rows = session.execute(select(Party.id, Party.name).where(Party.country_code == home_country.upper()))
    return [(row.id, row.name) for row in sorted(rows, key=lambda row: (normalise_name(row.name), row.id))]
