"""Committing a clean plan: the new parties, sources and agreements in one flush of the caller's transaction.

Every check ran in the plan (with bulk look-ups instead of the services' per-record queries); this writes
what it found through the models, so the history listeners record each record and link as usual.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.errors import ValidationError
from tracker.i18n import _
from tracker.importing.catalogue import chunks
from tracker.importing.plan import ImportPlan, NewParty, PartyTarget, RowData
from tracker.models import Agreement, AgreementParty, AgreementSource, Party, Sector, Source, SourceKind

TITLE_MAX = 500


@dataclass(frozen=True)
class ImportResult:
    """What a committed import created."""

    agreements: int
    parties: int
    sources: int


def apply_plan(session: Session, plan: ImportPlan) -> ImportResult:
    """Create what the plan lists; refused unless the plan has not one problem. Flushes, never commits."""
    if not plan.ok:
        raise ValidationError(str(_("The file has problems; nothing was imported.")))
    parties = _parties(session, plan)
    sources = _sources(session, plan)
    sectors = _sectors(session, plan)
    agreements = [_agreement(row.data, parties, sectors, sources) for row in plan.to_create()]  # type: ignore[arg-type]
    session.add_all(agreements)
    session.flush()
    return ImportResult(len(agreements), len(plan.new_parties), len(plan.new_sources))


def _parties(session: Session, plan: ImportPlan) -> dict[int, Party]:
    """Party objects by `id()` of the plan's new parties and by id of the recorded ones."""
    found: dict[int, Party] = {}
    for batch in chunks(party.id for party in plan.matched_parties):
        found.update({party.id: party for party in session.scalars(select(Party).where(Party.id.in_(batch)))})
    if len(found) != len(plan.matched_parties):
        raise ValidationError(str(_("A party was archived meanwhile; preview the import again.")))
    for new in plan.new_parties:
        party = Party(name=new.name, kind=new.kind, country_code=new.country, notes="")
        session.add(party)
        found[_new_key(new)] = party
    return found


def _new_key(party: NewParty) -> int:
    """A key for a new party that no recorded party's id can take."""
    return -id(party)


def _party_for(parties: dict[int, Party], target: PartyTarget) -> Party:
    """The object of a recorded or new party."""
    return parties[_new_key(target) if isinstance(target, NewParty) else target.id]


def _sources(session: Session, plan: ImportPlan) -> dict[str, Source]:
    """Source objects by normalised URL: the recorded ones linked, new ones titled with their URL."""
    found: dict[str, Source] = {}
    for batch in chunks(sorted(plan.linked_sources)):
        for source in session.scalars(select(Source).where(Source.id.in_(batch))):
            found[source.url_normalized] = source  # type: ignore[index]
    if len(found) != len(plan.linked_sources):
        raise ValidationError(str(_("A source was archived meanwhile; preview the import again.")))
    for normalised, written in plan.new_sources.items():
        source = Source(url=written, url_normalized=normalised, title=written[:TITLE_MAX], kind=SourceKind.OTHER)
        session.add(source)
        found[normalised] = source
    return found


def _sectors(session: Session, plan: ImportPlan) -> dict[int, Sector]:
    """The sectors the rows name, by id."""
    wanted = {sector_id for row in plan.to_create() for sector_id in row.data.sector_ids}  # type: ignore[union-attr]
    found = {sector.id: sector for sector in session.scalars(select(Sector).where(Sector.id.in_(wanted)))}
    if len(found) != len(wanted):
        raise ValidationError(str(_("A sector was archived meanwhile; preview the import again.")))
    return found


def _agreement(
    data: RowData, parties: dict[int, Party], sectors: dict[int, Sector], sources: dict[str, Source]
) -> Agreement:
    """A new agreement with its parties, sectors and sources."""
    agreement = Agreement(
        title=data.title,
        title_local=data.title_local,
        instrument_type=data.instrument,
        status=data.status,
        renewal_intent=data.renewal,
        summary=data.summary,
        notes=data.notes,
    )
    agreement.signed, agreement.start, agreement.end = data.signed, data.start, data.end
    agreement.sectors = sorted((sectors[sector_id] for sector_id in data.sector_ids), key=lambda sector: sector.name)
    agreement.party_links = [
        AgreementParty(party=_party_for(parties, party), role=role) for party, role in data.parties
    ]
    agreement.source_links = [AgreementSource(source=sources[url], note="") for url in data.sources]
    return agreement
