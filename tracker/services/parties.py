"""Writes on parties: create, update, archive and restore, refusing duplicates, cycles and archiving used parties."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tracker.archiving import WITH_ARCHIVED
from tracker.errors import DuplicateError, InUseError, StateError, ValidationError
from tracker.i18n import _
from tracker.models import Agreement, AgreementParty, Party, PartyAlias
from tracker.records import party as party_contract
from tracker.records.party import PartyData
from tracker.records.problems import raise_problems
from tracker.services.archive import archive, restore
from tracker.services.usage import named_rows
from tracker.services.versions import versioned_update
from tracker.text import normalise_name


class NameOwner(NamedTuple):
    """The party that already goes by a name, for duplicate messages."""

    name: str
    archived: bool


def create_party(session: Session, data: PartyData) -> Party:
    """Record a new party."""
    party = Party()
    _apply(session, party, data)
    session.add(party)
    session.flush()
    return party


def update_party(session: Session, party: Party, data: PartyData, expected_version: int | None = None) -> Party:
    """Replace a party's fields and aliases with `data`; ConflictError if saved meanwhile."""
    with versioned_update(session, party, expected_version):
        _apply(session, party, data)
    return party


def archive_party(session: Session, party: Party) -> None:
    """Archive a party that no live agreement names and no live unit comes under."""
    archive(session, party, _refuse_if_used)


def restore_party(session: Session, party: Party) -> None:
    """Bring an archived party back, once the party it comes under is live again."""
    restore(session, party, _refuse_if_parent_archived)


def _refuse_if_used(session: Session, party: Party) -> None:
    """Refuse, naming them, while live agreements or live units use the party."""
    reasons = [*_agreements_reason(session, party), *_children_reason(session, party)]
    if reasons:
        intro = _("“%(name)s” cannot be archived.", name=party.name)
        raise InUseError(" ".join(str(part) for part in [intro, *reasons]))


def _refuse_if_parent_archived(session: Session, party: Party) -> None:
    """A live unit never comes under an archived party: the parent is restored first."""
    parent = session.get(Party, party.parent_id, execution_options=WITH_ARCHIVED) if party.parent_id else None
    if parent is not None and parent.is_archived:
        message = _(
            "“%(name)s” comes under “%(parent)s”, which is archived; restore “%(parent)s” first.",
            name=party.name,
            parent=parent.name,
        )
        raise StateError(str(message))


def _apply(session: Session, party: Party, data: PartyData) -> None:
    """Check `data` against the party's contract and the records it names, then copy it onto `party`."""
    data = party_contract.cleaned(data)
    raise_problems(party_contract.check(data))
    parent = _check_parent(session, party, data.parent_id)
    _check_duplicates(session, party, data.name, data.country_code, data.aliases)
    party.name = data.name
    party.kind = data.kind
    party.country_code = data.country_code
    party.parent = parent
    party.notes = data.notes
    _replace_aliases(party, data.aliases)


def _check_parent(session: Session, party: Party, parent_id: int | None) -> Party | None:
    """The parent exists and is neither the party itself nor one of its descendants."""
    if parent_id is None:
        return None
    parent = session.get(Party, parent_id)
    if parent is None or parent.is_archived:
        raise ValidationError(str(_("There is no such party.")), field="parent_id")
    if party.id is not None and parent.id == party.id:
        raise ValidationError(str(_("A party cannot be its own parent.")), field="parent_id")
    if party.id is not None and party.id in _ancestor_ids(parent):
        message = _("“%(parent)s” comes under this party, so it cannot be its parent.", parent=parent.name)
        raise ValidationError(str(message), field="parent_id")
    return parent


def _ancestor_ids(party: Party) -> set[int]:
    """The ids of `party` and every party above it."""
    seen: set[int] = set()
    current: Party | None = party
    # The `seen` guard stops the walk even if the data already holds a cycle.
    while current is not None and current.id not in seen:
        seen.add(current.id)
        current = current.parent
    return seen


def _check_duplicates(
    session: Session, party: Party, name: str, country_code: str | None, aliases: Sequence[str]
) -> None:
    """No other party in the same country (or also without one) goes by the name or an alias."""
    taken = _names_in_country(session, country_code, exclude_id=party.id)
    existing = taken.get(normalise_name(name))
    if existing is not None:
        message = _("“%(existing)s” already goes by this name in the same country.", existing=existing.name)
        raise DuplicateError(_with_archived_hint(message, existing), field="name")
    for alias in aliases:
        existing = taken.get(normalise_name(alias))
        if existing is not None:
            message = _("The alias “%(alias)s” is already used by “%(existing)s”.", alias=alias, existing=existing.name)
            raise DuplicateError(_with_archived_hint(message, existing), field="aliases")


def _with_archived_hint(message: str, existing: NameOwner) -> str:
    """Say when the party that has the name is archived, since it shows in no list."""
    if not existing.archived:
        return str(message)
    hint = _("That party is archived; an admin can restore it.")
    return f"{message} {hint!s}"


def _names_in_country(session: Session, country_code: str | None, exclude_id: int | None) -> dict[str, NameOwner]:
    """Normalised name or alias -> the party that has it, among parties of one country, archived ones too."""
    # Accent-insensitive comparison is not portable SQL, so the country's names are compared in Python.
    conditions = [Party.country_code.is_(None) if country_code is None else Party.country_code == country_code]
    if exclude_id is not None:
        conditions.append(Party.id != exclude_id)
    # An archived party keeps its names: restoring it must not bring back a second party of the same name.
    names = select(Party.name, Party.name, Party.archived_at).where(*conditions)
    aliases = select(PartyAlias.alias, Party.name, Party.archived_at).join(PartyAlias.party).where(*conditions)
    rows = [
        *session.execute(names, execution_options=WITH_ARCHIVED),
        *session.execute(aliases, execution_options=WITH_ARCHIVED),
    ]
    taken: dict[str, NameOwner] = {}
    for label, owner, archived_at in rows:
        taken.setdefault(normalise_name(label), NameOwner(owner, archived_at is not None))
    return taken


def _replace_aliases(party: Party, aliases: Sequence[str]) -> None:
    """Keep alias rows that stay, add new ones: rows are never deleted and re-inserted with the same text."""
    # The unit of work inserts before it deletes, so re-adding an unchanged alias would break its unique key.
    current = {alias.alias: alias for alias in party.aliases}
    party.aliases = [current.get(alias) or PartyAlias(alias=alias) for alias in aliases]


def _agreements_reason(session: Session, party: Party) -> list[str]:
    """A sentence naming the agreements that use the party, or nothing."""
    uses = select(AgreementParty.agreement_id).where(AgreementParty.party_id == party.id)
    # As a party, or as the unit responsible for them (issue 15).
    named = or_(Agreement.id.in_(uses), Agreement.unit_id == party.id)
    titles = named_rows(session, select(Agreement.title).where(named).order_by(Agreement.title))
    return [str(_("Agreements name it: %(agreements)s.", agreements=titles))] if titles else []


def _children_reason(session: Session, party: Party) -> list[str]:
    """A sentence naming the party's child parties, or nothing."""
    names = named_rows(session, select(Party.name).where(Party.parent_id == party.id).order_by(Party.name))
    return [str(_("Parties come under it: %(children)s.", children=names))] if names else []
