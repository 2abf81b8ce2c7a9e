"""What is recorded, loaded with a few bulk queries before the rows are checked: no query per row."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.archiving import WITH_ARCHIVED
from tracker.models import (
    Agreement,
    AgreementParty,
    Party,
    PartyAlias,
    PartyKind,
    Sector,
    Source,
    User,
)
from tracker.queries.columns import columns_of, values_of
from tracker.records.agreement import AgreementData
from tracker.records.fields import Kind, plain_specs, spec_of
from tracker.text import normalise_name

CHUNK = 500
Item = TypeVar("Item")


@lru_cache(maxsize=65536)
def name_key(text: str) -> str:
    """A name as parties are compared (tracker.text.normalise_name), cached for big files."""
    return normalise_name(text)


@dataclass(frozen=True)
class KnownParty:
    """A recorded party."""

    id: int
    name: str
    country: str | None
    kind: PartyKind
    archived: bool


@dataclass(frozen=True)
class KnownUser:
    """An account, as a responsible officer's cell names it."""

    id: int
    email: str


@dataclass(frozen=True)
class KnownSector:
    """A sector of the vocabulary."""

    id: int
    slug: str
    name: str
    archived: bool


# The fields an import compares with a recorded agreement of the same title, parties and start: every plain field
# but the long texts (loading every summary would cost memory), the title (matched as a name) and the start.
COMPARED = tuple(
    spec
    for spec in plain_specs(AgreementData)
    if spec.kind is not Kind.LONG_TEXT and spec.name not in ("title", "start")
)
# What the catalogue loads of each agreement: the title and start that match it, and the compared fields.
LOADED = (spec_of(AgreementData, "title"), spec_of(AgreementData, "start"), *COMPARED)


@dataclass(frozen=True)
class KnownAgreement:
    """A recorded agreement, with what an import compares (`values`: the LOADED fields by name)."""

    id: int
    values: dict[str, Any]
    archived: bool
    party_ids: frozenset[int] = frozenset()
    owner_id: int | None = None
    unit_id: int | None = None


@dataclass
class Catalogue:
    """Parties by name and alias, states by country, sectors, sources by URL, agreements by title."""

    names: dict[str, list[KnownParty]] = field(default_factory=dict)
    states: dict[str, list[KnownParty]] = field(default_factory=dict)
    sectors: dict[str, KnownSector] = field(default_factory=dict)
    # Live sectors by each of their keywords ("energi terbarukan"): a name in the other language finds its sector.
    sector_keywords: dict[str, list[KnownSector]] = field(default_factory=dict)
    sources: dict[str, tuple[int, bool]] = field(default_factory=dict)
    agreements: dict[str, list[KnownAgreement]] = field(default_factory=dict)
    # User ids by e-mail and by name, case folded: who a responsible officer's cell names.
    users: dict[str, list[KnownUser]] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session) -> Catalogue:
        """Everything an import compares against, archived records included (their names stay taken)."""
        catalogue = cls()
        catalogue.names, catalogue.states = _parties(session)
        catalogue.sectors, catalogue.sector_keywords = _sectors(session)
        catalogue.sources = _sources(session)
        catalogue.agreements = _agreements(session)
        catalogue.users = _users(session)
        return catalogue

    def sector_slugs(self) -> list[str]:
        """The live sectors' slugs, for messages."""
        return sorted({sector.slug for sector in self.sectors.values() if not sector.archived})


def _parties(session: Session) -> tuple[dict[str, list[KnownParty]], dict[str, list[KnownParty]]]:
    """Parties by normalised name and alias, and live states by country."""
    rows = session.execute(
        select(Party.id, Party.name, Party.country_code, Party.kind, Party.archived_at).order_by(Party.id),
        execution_options=WITH_ARCHIVED,
    )
    parties = {
        row.id: KnownParty(row.id, row.name, row.country_code, row.kind, row.archived_at is not None) for row in rows
    }
    names: dict[str, list[KnownParty]] = defaultdict(list)
    states: dict[str, list[KnownParty]] = defaultdict(list)
    for party in parties.values():
        names[name_key(party.name)].append(party)
        if party.kind is PartyKind.STATE and party.country and not party.archived:
            states[party.country].append(party)
    aliases = session.execute(select(PartyAlias.party_id, PartyAlias.alias), execution_options=WITH_ARCHIVED)
    for party_id, alias in aliases:
        owners = names[name_key(alias)]
        if parties[party_id] not in owners:
            owners.append(parties[party_id])
    return dict(names), dict(states)


def _sectors(session: Session) -> tuple[dict[str, KnownSector], dict[str, list[KnownSector]]]:
    """Sectors by slug and by normalised name; live ones by each normalised keyword."""
    rows = session.execute(
        select(Sector.id, Sector.slug, Sector.name, Sector.keywords, Sector.archived_at),
        execution_options=WITH_ARCHIVED,
    )
    sectors: dict[str, KnownSector] = {}
    by_keyword: dict[str, list[KnownSector]] = {}
    for row in rows:
        sector = KnownSector(row.id, row.slug, row.name, row.archived_at is not None)
        sectors[row.slug] = sector
        sectors.setdefault(name_key(row.name), sector)
        for keyword in set(map(name_key, row.keywords.splitlines())) - {""} if not sector.archived else ():
            by_keyword.setdefault(keyword, []).append(sector)
    return sectors, by_keyword


def _sources(session: Session) -> dict[str, tuple[int, bool]]:
    """Source id and whether archived, by normalised URL."""
    rows = session.execute(
        select(Source.id, Source.url_normalized, Source.archived_at).where(Source.url_normalized.is_not(None)),
        execution_options=WITH_ARCHIVED,
    )
    return {row.url_normalized: (row.id, row.archived_at is not None) for row in rows}


def _users(session: Session) -> dict[str, list[KnownUser]]:
    """Users by case-folded e-mail and name (a name may be shared; an e-mail is not)."""
    found: dict[str, list[KnownUser]] = defaultdict(list)
    for user_id, email, name in session.execute(select(User.id, User.email, User.name).order_by(User.id)):
        for key in {email.casefold(), name.strip().casefold()} - {""}:
            found[key].append(KnownUser(user_id, email))
    return dict(found)


def _agreements(session: Session) -> dict[str, list[KnownAgreement]]:
    """Agreements by normalised title, each with its parties."""
    party_ids: dict[int, set[int]] = defaultdict(set)
    links = session.execute(
        select(AgreementParty.agreement_id, AgreementParty.party_id), execution_options=WITH_ARCHIVED
    )
    for agreement_id, party_id in links:
        party_ids[agreement_id].add(party_id)
    columns = (
        Agreement.id,
        *columns_of(Agreement, LOADED),
        Agreement.owner_id,
        Agreement.unit_id,
        Agreement.archived_at,
    )
    found: dict[str, list[KnownAgreement]] = defaultdict(list)
    for row in session.execute(select(*columns).order_by(Agreement.id), execution_options=WITH_ARCHIVED):
        found[name_key(row.title)].append(_known_agreement(row, frozenset(party_ids.get(row.id, ()))))
    return dict(found)


def _known_agreement(row: Any, party_ids: frozenset[int]) -> KnownAgreement:
    """One agreement row as compared."""
    values = values_of(row, LOADED)
    return KnownAgreement(row.id, values, row.archived_at is not None, party_ids, row.owner_id, row.unit_id)


def chunks(items: Iterable[Item], size: int = CHUNK) -> Iterable[list[Item]]:
    """Items in lists of at most `size`, for IN lists every database accepts."""
    batch: list[Item] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
