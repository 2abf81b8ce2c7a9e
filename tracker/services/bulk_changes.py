"""Bulk changes of agreements: one change (a status, a renewal, an officer, a sector, archiving) made to many
agreements in one transaction, all or nothing.

The records are loaded and changed through the ORM, so the history's listeners record one change per agreement
as for any edit; the statements stay bounded (a SELECT per `CHUNK` of ids, one for their sectors when a sector
changes, then the flush's UPDATEs, which SQLAlchemy sends as one executemany per set of changed columns).

A selection made on a page carries each agreement's version as the page showed it: when any of them changed since,
nothing is saved (`StaleSelectionError`, naming them) and the person confirms again over what is there now. A
record selected that no longer exists or was archived also refuses the whole change.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from tracker.errors import ConflictError, NotFoundError, ValidationError
from tracker.history import note_summary
from tracker.i18n import _, _n
from tracker.models import Agreement, AgreementStatus, RenewalIntent, Sector, User, utcnow
from tracker.services.agreements import check_owner
from tracker.services.archive import mark_archived
from tracker.services.versions import conflict_error

# Ids per SELECT: well under the bound parameters either engine takes in one statement.
CHUNK = 500
# The field a refused value is named by, in forms and in the API.
VALUE_FIELD = "value"


class BulkAction(enum.Enum):
    """What a bulk change does to each agreement."""

    SET_STATUS = "set_status"
    SET_RENEWAL = "set_renewal"
    ASSIGN_OWNER = "assign_owner"
    ADD_SECTOR = "add_sector"
    REMOVE_SECTOR = "remove_sector"
    ARCHIVE = "archive"


# Actions whose value is one of the sectors.
SECTOR_ACTIONS = (BulkAction.ADD_SECTOR, BulkAction.REMOVE_SECTOR)
# Actions that take no value.
VALUELESS = (BulkAction.ARCHIVE,)


@dataclass(frozen=True)
class BulkChange:
    """A checked change: the action and its value (a status, a renewal, a user or None, a sector, or None)."""

    action: BulkAction
    value: Any = None


@dataclass
class BulkOutcome:
    """What the change did: the agreements it changed, and those that already were so (left untouched)."""

    changed: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)

    @property
    def count(self) -> int:
        """How many agreements the change covered."""
        return len(self.changed) + len(self.unchanged)


class StaleSelectionError(ConflictError):
    """Some selected agreements were saved by someone else after the page listed them; nothing was saved."""

    def __init__(self, stale: list[Agreement]) -> None:
        titles = "; ".join(f"“{agreement.title}”" for agreement in stale[:5])
        message = _(
            "%(count)s of the selected agreements changed since the list was shown (%(titles)s), so nothing was "
            "changed. Check them and confirm again.",
            count=len(stale),
            titles=titles + ("…" if len(stale) > 5 else ""),
        )
        super().__init__(str(message))
        self.stale = {agreement.id: agreement.version for agreement in stale}


def bulk_change(session: Session, action: str, value: Any) -> BulkChange:
    """The action and its raw value (a form's or a JSON body's) checked; a ValidationError on `value` otherwise."""
    try:
        kind = BulkAction(action)
    except ValueError:
        raise ValidationError(_("There is no such bulk action."), field="action") from None
    if kind is BulkAction.SET_STATUS:
        return BulkChange(kind, _member(AgreementStatus, value))
    if kind is BulkAction.SET_RENEWAL:
        return BulkChange(kind, _member(RenewalIntent, value))
    if kind is BulkAction.ASSIGN_OWNER:
        return BulkChange(kind, _user(session, value))
    if kind in SECTOR_ACTIONS:
        return BulkChange(kind, _sector(session, value))
    return BulkChange(kind)


def _member(enum_class: type[enum.Enum], value: Any) -> Any:
    """The enum member with this value; a ValidationError naming the choices otherwise."""
    try:
        return enum_class(value)
    except ValueError:
        choices = ", ".join(member.value for member in enum_class)
        raise ValidationError(_("Choose one of: %(values)s.", values=choices), field=VALUE_FIELD) from None


def _user(session: Session, value: Any) -> User | None:
    """The officer a value names: a user's id (a number, or its digits), or nobody for null / empty."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 2**31:
        raise ValidationError(_("There is no such user."), field=VALUE_FIELD)
    return check_owner(session, value, field=VALUE_FIELD)


def _sector(session: Session, value: Any) -> Sector:
    """The live sector a value names: its id (a number or its digits) or its slug."""
    sector = None
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31:
        sector = session.get(Sector, value)
    elif isinstance(value, str) and value:
        sector = session.scalar(select(Sector).where(Sector.slug == value))
    if sector is None or sector.is_archived:
        raise ValidationError(_("There is no such sector."), field=VALUE_FIELD)
    return sector


def apply_change(session: Session, change: BulkChange, versions: Mapping[int, int | None]) -> BulkOutcome:
    """Make the change to the agreements `versions` names (id → the version the person saw, or None to take them as
    they are); refuse all when one is missing, archived or changed since. Flushes, never commits."""
    agreements = _load(session, list(versions), with_sectors=change.action in SECTOR_ACTIONS)
    stale = [agreement for agreement in agreements if versions[agreement.id] not in (None, agreement.version)]
    if stale:
        raise StaleSelectionError(stale)
    outcome = BulkOutcome()
    for agreement in agreements:
        changed = _change(session, agreement, change)
        (outcome.changed if changed else outcome.unchanged).append(agreement.id)
    _flush(session)
    summary = _n(
        "Changed in a bulk action on %(num)s agreement",
        "Changed in a bulk action on %(num)s agreements",
        outcome.count,
    )
    for agreement in agreements:
        if agreement.id in outcome.changed:
            note_summary(session, agreement, summary)
    return outcome


def _load(session: Session, ids: list[int], with_sectors: bool) -> list[Agreement]:
    """The live agreements with these ids, in the order given, a chunk per statement; NotFoundError for any other."""
    found: dict[int, Agreement] = {}
    for start in range(0, len(ids), CHUNK):
        statement = select(Agreement).where(Agreement.id.in_(ids[start : start + CHUNK]))
        if with_sectors:
            statement = statement.options(selectinload(Agreement.sectors))
        found.update((agreement.id, agreement) for agreement in session.scalars(statement))
    missing = [agreement_id for agreement_id in ids if agreement_id not in found]
    if missing:
        message = _(
            "%(count)s of the selected agreements no longer exist or were archived, so nothing was changed.",
            count=len(missing),
        )
        raise NotFoundError(str(message))
    return [found[agreement_id] for agreement_id in dict.fromkeys(ids)]


def _change(session: Session, agreement: Agreement, change: BulkChange) -> bool:
    """Change one agreement; False when it already was so (then nothing is written for it)."""
    action, value = change.action, change.value
    if action is BulkAction.ARCHIVE:
        mark_archived(session, agreement)
        return True
    if action is BulkAction.SET_STATUS:
        return _set(agreement, "status", value)
    if action is BulkAction.SET_RENEWAL:
        return _set(agreement, "renewal_intent", value)
    if action is BulkAction.ASSIGN_OWNER:
        return _set(agreement, "owner", value) if agreement.owner_id != (value.id if value else None) else False
    return _change_sectors(agreement, value, add=action is BulkAction.ADD_SECTOR)


def _set(agreement: Agreement, name: str, value: Any) -> bool:
    """Set one attribute when it differs."""
    if getattr(agreement, name) == value:
        return False
    setattr(agreement, name, value)
    return True


def _change_sectors(agreement: Agreement, sector: Sector, add: bool) -> bool:
    """File the agreement under the sector, or take it out; the row is touched so that its version moves."""
    if (sector in agreement.sectors) == add:
        return False
    if add:
        agreement.sectors.append(sector)
    else:
        agreement.sectors.remove(sector)
    # A link-only change would neither check nor bump the version (as services/versions.versioned_update says).
    agreement.updated_at = utcnow()
    return True


def _flush(session: Session) -> None:
    """Write every change; an UPDATE that lost a race with another save refuses the whole change."""
    try:
        session.flush()
    except StaleDataError as exc:
        raise conflict_error() from exc


def matching_versions(ids: Iterable[int]) -> dict[int, int | None]:
    """Agreements to change as they are when the change is made (no version seen: "all matching", or an API call
    without versions)."""
    return dict.fromkeys(ids)
