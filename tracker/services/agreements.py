"""Writes on agreements: create, update, archive and restore, and relate them to each other."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from tracker.archiving import INCLUDE_ARCHIVED
from tracker.errors import DuplicateError, NotFoundError, StateError, ValidationError
from tracker.i18n import _
from tracker.models import (
    Agreement,
    AgreementParty,
    AgreementRelation,
    AgreementSource,
    Party,
    PartyRole,
    RelationKind,
    Sector,
    Source,
    User,
    agreement_sector,
)
from tracker.records.agreement import AgreementData, check
from tracker.records.fields import plain_values
from tracker.records.problems import raise_problems
from tracker.services.archive import archive, restore
from tracker.services.conflicts import detect_conflicts
from tracker.services.terms import sync_terms
from tracker.services.usage import named_rows
from tracker.services.versions import versioned_update


def create_agreement(session: Session, data: AgreementData) -> Agreement:
    """Record a new agreement."""
    agreement = Agreement()
    _apply(session, agreement, data)
    session.add(agreement)
    sync_terms(session, agreement)
    return agreement


def update_agreement(
    session: Session, agreement: Agreement, data: AgreementData, expected_version: int | None = None
) -> Agreement:
    """Replace an agreement's fields, sectors and parties with `data`; ConflictError if saved meanwhile."""
    with versioned_update(session, agreement, expected_version):
        _apply(session, agreement, data)
    sync_terms(session, agreement)
    detect_conflicts(session, [agreement.id])
    return agreement


def archive_agreement(session: Session, agreement: Agreement) -> None:
    """Archive an agreement: it leaves every list and query with its links; parties, sectors and sources stay."""
    archive(session, agreement)


def restore_agreement(session: Session, agreement: Agreement) -> None:
    """Bring an archived agreement back, once the parties, sectors and sources it names are live again."""
    restore(session, agreement, _refuse_archived_links)


def _refuse_archived_links(session: Session, agreement: Agreement) -> None:
    """Refuse, naming them, while the agreement names archived records: a live agreement shows only live ones."""
    parties, sectors, sources = (
        named_rows(session, names.execution_options(**{INCLUDE_ARCHIVED: True}))
        for names in (_linked_parties(agreement.id), _linked_sectors(agreement.id), _linked_sources(agreement.id))
    )
    reasons = [
        _("Parties: %(names)s.", names=parties) if parties else "",
        _("Sectors: %(names)s.", names=sectors) if sectors else "",
        _("Sources: %(names)s.", names=sources) if sources else "",
    ]
    if any(reasons):
        intro = _("“%(title)s” names archived records; restore them first.", title=agreement.title)
        raise StateError(" ".join(str(part) for part in [intro, *reasons] if part))


def _linked_parties(agreement_id: int) -> Select:
    """Names of the archived parties the agreement names."""
    links = select(AgreementParty.party_id).where(AgreementParty.agreement_id == agreement_id)
    return select(Party.name).where(Party.id.in_(links), Party.archived_at.is_not(None)).order_by(Party.name)


def _linked_sectors(agreement_id: int) -> Select:
    """Names of the archived sectors the agreement is filed under."""
    links = select(agreement_sector.c.sector_id).where(agreement_sector.c.agreement_id == agreement_id)
    return select(Sector.name).where(Sector.id.in_(links), Sector.archived_at.is_not(None)).order_by(Sector.name)


def _linked_sources(agreement_id: int) -> Select:
    """Titles of the archived sources linked to the agreement."""
    links = select(AgreementSource.source_id).where(AgreementSource.agreement_id == agreement_id)
    return select(Source.title).where(Source.id.in_(links), Source.archived_at.is_not(None)).order_by(Source.title)


def _apply(session: Session, agreement: Agreement, data: AgreementData) -> None:
    """Check `data` against the agreement's contract, then copy it onto `agreement`."""
    raise_problems(check(vars(data)))
    sectors = _load_sectors(session, data.sector_ids, data.sector_slugs)
    parties = _load_parties(session, [party_id for party_id, _role in data.parties])
    for spec, value in plain_values(data, AgreementData):
        setattr(agreement, spec.name, value)
    owner, unit = check_owner(session, data.owner_id), _check_unit(session, data.unit_id)
    if (agreement.owner_id, agreement.unit_id) != (data.owner_id, data.unit_id):  # no needless write
        agreement.owner, agreement.unit = owner, unit
    agreement.sectors = sectors
    _set_parties(agreement, [(parties[party_id], role) for party_id, role in data.parties])


def check_owner(session: Session, user_id: int | None, field: str = "owner_id") -> User | None:
    """The user with this id (a responsible officer, an assignee), refusing one that does not exist."""
    user = session.get(User, user_id) if user_id is not None else None
    if user_id is not None and user is None:
        raise ValidationError(_("There is no such user."), field=field)
    return user


def _check_unit(session: Session, party_id: int | None) -> Party | None:
    """The live party with this id, refusing one that does not exist."""
    party = session.get(Party, party_id) if party_id is not None else None
    if party_id is not None and (party is None or party.is_archived):
        raise ValidationError(_("There is no such party."), field="unit_id")
    return party


def _load_sectors(session: Session, sector_ids: list[int], slugs: list[str]) -> list[Sector]:
    """The sectors with these ids or slugs, refusing any that do not exist."""
    by_slug = _sectors_by_slug(session, slugs)
    wanted = set(sector_ids) - {sector.id for sector in by_slug}
    sectors = session.scalars(select(Sector).where(Sector.id.in_(wanted))).all() if wanted else []
    if len(sectors) != len(wanted):
        raise ValidationError(_("One of the chosen sectors does not exist."), field="sectors")
    return sorted({*sectors, *by_slug}, key=lambda sector: sector.name)


def _sectors_by_slug(session: Session, slugs: list[str]) -> list[Sector]:
    """The live sectors with these slugs, refusing the first that does not exist."""
    if not slugs:
        return []
    found = {sector.slug: sector for sector in session.scalars(select(Sector).where(Sector.slug.in_(set(slugs))))}
    unknown = [slug for slug in slugs if slug not in found]
    if unknown:
        raise ValidationError(_("There is no sector with the slug “%(slug)s”.", slug=unknown[0]), field="sectors")
    return list(found.values())


def _load_parties(session: Session, party_ids: list[int]) -> dict[int, Party]:
    """The parties with these ids by id, refusing any that do not exist."""
    wanted = set(party_ids)
    parties = session.scalars(select(Party).where(Party.id.in_(wanted))).all() if wanted else []
    if len(parties) != len(wanted):
        raise ValidationError(_("One of the chosen parties does not exist."), field="parties")
    return {party.id: party for party in parties}


def _set_parties(agreement: Agreement, wanted: list[tuple[Party, PartyRole]]) -> None:
    """Make the agreement's parties exactly `wanted`, keeping links that stay (no needless delete+insert)."""
    wanted_keys = list(dict.fromkeys((party.id, role) for party, role in wanted))
    parties_by_id = {party.id: party for party, _role in wanted}
    existing = {(link.party_id, link.role): link for link in agreement.party_links}
    agreement.party_links = [
        existing.get(key) or AgreementParty(party=parties_by_id[key[0]], role=key[1]) for key in wanted_keys
    ]


def add_relation(
    session: Session, subject: Agreement, object_id: int, kind: RelationKind, note: str = ""
) -> AgreementRelation:
    """Record that `subject` renews / amends / supersedes / implements the agreement `object_id`."""
    if object_id == subject.id:
        raise ValidationError(_("An agreement cannot be related to itself."), field="other")
    other = session.get(Agreement, object_id)
    if other is None or other.is_archived:
        raise ValidationError(_("That agreement does not exist."), field="other")
    if _relation_exists(session, subject.id, object_id, kind) or _relation_exists(session, object_id, subject.id, kind):
        raise DuplicateError(_("These two agreements are already related in this way."), field="other")
    relation = AgreementRelation(subject=subject, object=other, kind=kind, note=note)
    session.add(relation)
    session.flush()
    return relation


def _relation_exists(session: Session, subject_id: int, object_id: int, kind: RelationKind) -> bool:
    """Whether subject already relates to object by `kind`."""
    statement = select(AgreementRelation.id).where(
        AgreementRelation.subject_id == subject_id,
        AgreementRelation.object_id == object_id,
        AgreementRelation.kind == kind,
    )
    return session.scalar(statement) is not None


def remove_relation(session: Session, agreement: Agreement, relation_id: int) -> None:
    """Delete a relation that involves `agreement` on either side."""
    relation = session.get(AgreementRelation, relation_id)
    if relation is None or agreement.id not in (relation.subject_id, relation.object_id):
        raise NotFoundError(_("That relation does not exist."))
    session.delete(relation)
    session.flush()
