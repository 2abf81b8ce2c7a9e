"""Reads for exports: every record a list's filters match (not one page), streamed in chunks of plain rows.

An export of 100,000 agreements must neither hold them all nor pay for an ORM object per agreement, link and party:
the records' own columns come from one statement read `CHUNK` rows at a time (a server-side cursor on PostgreSQL),
and for each chunk one statement per kind of link (parties, sectors, sources) reads what the file shows of them.
So the number of statements grows with the number of chunks only, and memory with the chunk's size only.

Live records only, filtered here rather than by the session's archive criteria: a live agreement never names an
archived party, sector or source (tracker/archiving.py), so the links need no criteria either.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from tracker.archiving import WITH_ARCHIVED
from tracker.models import (
    Agreement,
    AgreementParty,
    AgreementSource,
    Party,
    PartyAlias,
    PartyKind,
    PartyRole,
    Sector,
    Source,
    User,
    agreement_sector,
)
from tracker.queries import parties as party_queries
from tracker.queries import sources as source_queries
from tracker.queries.agreements import AgreementFilters, filter_conditions, sort_columns
from tracker.queries.columns import columns_of, values_reader
from tracker.records.agreement import AgreementData
from tracker.records.fields import plain_specs

# Rows read and completed at a time: large enough that the per-chunk statements cost little, small enough that a
# chunk's rows and links stay a few megabytes.
CHUNK = 1000

# Tables, not entities, for the link look-ups: no archive criteria (see above) and no ORM objects.
PARTY_LINK = AgreementParty.__table__
SOURCE_LINK = AgreementSource.__table__
PARTY = Party.__table__
SECTOR = Sector.__table__
SOURCE = Source.__table__


@dataclass(frozen=True, slots=True)
class LinkedParty:
    """A party's part in an exported agreement."""

    name: str
    country_code: str | None
    role: PartyRole
    kind: PartyKind


@dataclass(slots=True)
class AgreementRow:
    """An agreement as an export writes it: its own values and the names of what it links to."""

    # The agreement contract's plain fields by name (tracker/records/agreement.py).
    values: dict[str, Any]
    # Parties in the order they were linked, sectors by slug, source URLs sorted.
    parties: list[LinkedParty] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    # The responsible officer's e-mail and the responsible unit's name.
    owner: str | None = None
    unit: str | None = None

    @property
    def title(self) -> str:
        """The agreement's title."""
        return self.values["title"]


@dataclass(frozen=True, slots=True)
class PartyRow:
    """A party as the parties export writes it."""

    name: str
    kind: PartyKind
    country_code: str | None
    aliases: list[str]
    parent_name: str | None
    notes: str


AGREEMENT_COLUMNS = (Agreement.id, *columns_of(Agreement, plain_specs(AgreementData)))
# The agreement's values from a row of AGREEMENT_COLUMNS (then the owner's e-mail and the unit's name), by position.
AGREEMENT_VALUES = values_reader(plain_specs(AgreementData), start=1)
OWNER = User.__table__.alias("owner_user")
UNIT = Party.__table__.alias("unit_party")


def chunks(session: Session, statement: Select) -> Iterator[Sequence[Any]]:
    """The statement's rows, `CHUNK` at a time, from a cursor kept open between chunks (server-side on PostgreSQL)."""
    result = session.execute(statement.execution_options(yield_per=CHUNK, **WITH_ARCHIVED))
    try:
        yield from result.partitions()
    finally:
        result.close()  # also when the reader stops early (a download cut short): the server-side cursor goes too


def agreements_for_export(session: Session, filters: AgreementFilters) -> Iterator[AgreementRow]:
    """Every live agreement matching the filters, in their order, with its parties, sectors and source URLs."""
    statement = (
        select(*AGREEMENT_COLUMNS, OWNER.c.email.label("owner_email"), UNIT.c.name.label("unit_name"))
        .outerjoin(OWNER, OWNER.c.id == Agreement.owner_id)
        .outerjoin(UNIT, UNIT.c.id == Agreement.unit_id)
        .where(Agreement.archived_at.is_(None), *filter_conditions(session, filters))
        .order_by(*sort_columns(filters.sort))
    )
    for rows in chunks(session, statement):
        yield from with_links(session, rows)


def agreement_count_for_export(session: Session, filters: AgreementFilters) -> int:
    """How many agreements an export of the filters writes: whether it is a job, and the job's total."""
    statement = select(func.count(Agreement.id)).where(
        Agreement.archived_at.is_(None), *filter_conditions(session, filters)
    )
    return session.scalar(statement.execution_options(**WITH_ARCHIVED)) or 0


def with_links(session: Session, rows: Sequence[Any]) -> list[AgreementRow]:
    """A chunk of agreement rows completed with their links: three statements, whatever the chunk's size."""
    by_id = {row.id: agreement_row(row) for row in rows}
    ids = list(by_id)
    # Each link statement's rows fetched at once (a chunk's links are a few thousand short rows): row by row
    # through the result costs more than the statement.
    for agreement_id, *party in session.execute(party_links(ids)).all():
        by_id[agreement_id].parties.append(LinkedParty(*party))
    for agreement_id, slug in session.execute(sector_links(ids)).all():
        by_id[agreement_id].sectors.append(slug)
    for agreement_id, url in session.execute(source_links(ids)).all():
        by_id[agreement_id].sources.append(url)
    for agreement in by_id.values():
        agreement.sources.sort()  # in Python: the same order whatever the database's collation
    return list(by_id.values())


def agreement_row(row: Any) -> AgreementRow:
    """An agreement's own values from its row."""
    return AgreementRow(AGREEMENT_VALUES(row), owner=row.owner_email, unit=row.unit_name)


def party_links(ids: list[int]) -> Select:
    """(agreement id, name, country, role, kind) of the agreements' parties, in the order they were linked."""
    return (
        select(PARTY_LINK.c.agreement_id, PARTY.c.name, PARTY.c.country_code, PARTY_LINK.c.role, PARTY.c.kind)
        .join(PARTY, PARTY.c.id == PARTY_LINK.c.party_id)
        .where(PARTY_LINK.c.agreement_id.in_(ids))
        .order_by(PARTY_LINK.c.agreement_id, PARTY_LINK.c.id)
    )


def sector_links(ids: list[int]) -> Select:
    """(agreement id, slug) of the agreements' sectors, by slug: the order an import of the file keeps, whatever
    the names or ids of the sectors in the database it goes to."""
    return (
        select(agreement_sector.c.agreement_id, SECTOR.c.slug)
        .join(SECTOR, SECTOR.c.id == agreement_sector.c.sector_id)
        .where(agreement_sector.c.agreement_id.in_(ids))
        .order_by(agreement_sector.c.agreement_id, SECTOR.c.slug)
    )


def source_links(ids: list[int]) -> Select:
    """(agreement id, URL) of the agreements' sources that have a URL."""
    return (
        select(SOURCE_LINK.c.agreement_id, SOURCE.c.url)
        .join(SOURCE, SOURCE.c.id == SOURCE_LINK.c.source_id)
        .where(SOURCE_LINK.c.agreement_id.in_(ids), SOURCE.c.url.is_not(None), SOURCE.c.url != "")
    )


def parties_for_export(session: Session, filters: party_queries.PartyFilters) -> Iterator[PartyRow]:
    """Every live party matching the list's filters, by name, with its aliases and parent's name."""
    parent = aliased(Party)
    statement = (
        select(Party.id, Party.name, Party.kind, Party.country_code, parent.name.label("parent_name"), Party.notes)
        .outerjoin(parent, (parent.id == Party.parent_id) & parent.archived_at.is_(None))
        .where(Party.archived_at.is_(None), *party_queries.filter_conditions(filters))
        .order_by(func.lower(Party.name), Party.id)
    )
    for rows in chunks(session, statement):
        aliases = aliases_of(session, [row.id for row in rows])
        for row in rows:
            yield PartyRow(row.name, row.kind, row.country_code, aliases[row.id], row.parent_name, row.notes)


def aliases_of(session: Session, party_ids: list[int]) -> dict[int, list[str]]:
    """Party id -> its other names, in alphabetical order."""
    found: dict[int, list[str]] = defaultdict(list)
    alias = PartyAlias.__table__
    rows = session.execute(
        select(alias.c.party_id, alias.c.alias).where(alias.c.party_id.in_(party_ids)).order_by(alias.c.alias)
    )
    for party_id, name in rows:
        found[party_id].append(name)
    return found


def sources_for_export(session: Session, filters: source_queries.SourceFilters) -> Iterator[Any]:
    """Every live source matching the list's filters, in the list's order: rows of the exported columns."""
    order = source_queries.SORTS.get(filters.sort, source_queries.SORTS[source_queries.DEFAULT_SORT])
    statement = (
        select(
            Source.url,
            Source.title,
            Source.kind,
            Source.outlet,
            Source.author,
            Source.published_on,
            Source.language,
        )
        .where(Source.archived_at.is_(None), *source_queries.filter_conditions(filters))
        .order_by(*order)
    )
    for rows in chunks(session, statement):
        yield from rows
