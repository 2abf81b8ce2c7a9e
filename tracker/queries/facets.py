"""The agreement list's facets (issue 18): for each of status, instrument, sector, country, renewal intent, officer
and evidence level, how many agreements of the current result have each value (Datasette's semantics), counted in
one statement and kept per data version and query."""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    case,
    cast,
    distinct,
    func,
    literal_column,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from tracker.models import Agreement, KeptCount, Party, Sector, User, agreement_sector
from tracker.queries.agreements import PARTY_LINK, AgreementFilters, SortOrder, filter_conditions
from tracker.queries.dashboard import VersionedCache, data_version

# In the order the panel shows them; the names are the query string's (and the list form's fields').
FACETS = ("status", "instrument", "sector", "country", "renewal", "owner", "evidence")


@dataclass(frozen=True)
class FacetValue:
    """A value as the query string names it, the name of the record it stands for (a sector's, an officer's; None
    where the page words it), and how many agreements of the result have it."""

    value: str
    label: str | None
    count: int


def facet_counts(session: Session, filters: AgreementFilters) -> dict[str, list[FacetValue]]:
    """Each facet's values with their counts among the agreements matching `filters`, most frequent first.

    One statement: the whole list's are the database's kept counts (`kept_facets`); a query's are the matching
    agreements once (a CTE, which both engines compute once as it is used seven times), then a GROUP BY per facet
    joined by UNION ALL. A sector or country counts each agreement once, and an agreement
    in several sectors or with partners from several countries counts under each of them.
    """
    statement = kept_facets() if is_unfiltered(filters) else counted_facets(session, filters)
    found: dict[str, list[FacetValue]] = {name: [] for name in FACETS}
    for facet, value, label, count in session.execute(statement):
        found[facet].append(FacetValue(value=value, label=label, count=count))
    return {name: sorted(values, key=lambda v: (-v.count, v.value)) for name, values in found.items()}


def counted_facets(session: Session, filters: AgreementFilters) -> Select:
    """The statement counting each facet's values among the agreements matching `filters`."""
    hits = (
        select(Agreement.id, Agreement.status, Agreement.instrument_type, Agreement.renewal_intent)
        .add_columns(Agreement.evidence, Agreement.owner_id)
        .where(*filter_conditions(session, filters))
        .cte("hits")
    )
    return union_all(
        by_column("status", hits.c.status, hits),
        by_column("instrument", hits.c.instrument_type, hits),
        by_sector(hits),
        by_country(hits),
        by_column("renewal", hits.c.renewal_intent, hits),
        by_owner(hits),
        by_column("evidence", hits.c.evidence, hits),
    )


def is_unfiltered(filters: AgreementFilters) -> bool:
    """Whether the query lists every live agreement (in any order): its facets are the database's kept counts."""
    return dataclasses.replace(filters, sort=SortOrder.RELEVANCE) == AgreementFilters()


def kept_facets() -> Select:
    """Every facet of every live agreement as the database's triggers keep them (`KeptCount`, migrations 0036 and
    0039; its kinds are named as these facets): the unfiltered list's facets read every agreement, link and party
    (0.3-0.7 s of CPU at 100,000 agreements after each write), now a few hundred kept rows."""
    sector_row = and_(KeptCount.kind == "sector", KeptCount.key == cast(Sector.id, String))
    owner_row = and_(KeptCount.kind == "owner", KeptCount.key == cast(User.id, String))
    value = case((KeptCount.kind == "sector", Sector.slug), else_=KeptCount.key)
    label = case(
        (KeptCount.kind == "sector", Sector.name),
        (KeptCount.kind == "owner", func.coalesce(func.nullif(User.name, ""), User.email)),
    )
    return (
        select(
            cast(KeptCount.kind, String).label("facet"),
            cast(value, String).label("value"),
            cast(label, String).label("label"),
            KeptCount.total.label("count"),
        )
        .outerjoin(Sector, sector_row)
        .outerjoin(User, owner_row)
        # A sector's facet value is its slug (an archived sector is none); the country facet leaves out empty codes.
        .where(KeptCount.kind.in_(FACETS), KeptCount.total > 0, value.is_not(None), value != "")
        .where(or_(KeptCount.kind != "sector", Sector.archived_at.is_(None)))
    )


def tagged(name: str, value: ColumnElement, label: ColumnElement, count: ColumnElement) -> Select:
    """A facet's part of the union: its name, a value, the value's label and its count (typed alike for PostgreSQL)."""
    return select(
        literal_column(f"'{name}'", String).label("facet"),
        cast(value, String).label("value"),
        cast(label, String).label("label"),
        count.label("count"),
    )


def by_column(name: str, column: ColumnElement, hits) -> Select:
    """Counts per value of one of the agreement's own columns."""
    return tagged(name, column, null(), func.count()).select_from(hits).group_by(column)


def by_sector(hits) -> Select:
    """Counts per live sector (its slug, as the filter names it); an agreement counts under each of its sectors."""
    link = agreement_sector
    return (
        tagged("sector", Sector.slug, Sector.name, func.count())
        .select_from(hits)
        .join(link, link.c.agreement_id == hits.c.id)
        .join(Sector, Sector.id == link.c.sector_id)
        .group_by(Sector.slug, Sector.name)
    )


def by_country(hits) -> Select:
    """Counts per country of a live party, each agreement once per country (the country filter's meaning)."""
    return (
        tagged("country", Party.country_code, null(), func.count(distinct(hits.c.id)))
        .select_from(hits)
        .join(PARTY_LINK, PARTY_LINK.c.agreement_id == hits.c.id)
        .join(Party, Party.id == PARTY_LINK.c.party_id)
        .where(Party.country_code.is_not(None), Party.country_code != "")
        .group_by(Party.country_code)
    )


def by_owner(hits) -> Select:
    """Counts per responsible officer (by user id, named by the user's name or else e-mail address)."""
    name = func.coalesce(func.nullif(User.name, ""), User.email)
    return (
        tagged("owner", hits.c.owner_id, name, func.count())
        .select_from(hits)
        .join(User, User.id == hits.c.owner_id)
        .group_by(hits.c.owner_id, User.name, User.email)
    )


def query_key(filters: AgreementFilters) -> Hashable:
    """The filters as a cache key: the order and the order of values chosen do not change the counts."""
    unordered = dataclasses.replace(filters, sort=SortOrder.RELEVANCE)
    return tuple(
        (name, tuple(sorted(map(str, value))) if isinstance(value, list) else value)
        for name, value in dataclasses.asdict(unordered).items()
    )


class FacetCache(VersionedCache):
    """The facets' counts per query, kept while the data stays the same (`data_version`): at 100,000 agreements an
    unfiltered count reads every agreement and link, while a page view then costs one look-up of the version."""

    SIZE = 64

    def get(
        self, session: Session, filters: AgreementFilters, version: tuple | None = None
    ) -> dict[str, list[FacetValue]]:
        """The counts, from the cache when the data has not changed since they were counted for this query
        (`version`: the data version when the caller has read it already)."""
        version = version if version is not None else data_version(session)
        key = query_key(filters)
        found, counts = self.current(key, version)
        return counts if found else self.keep(key, version, facet_counts(session, filters))
