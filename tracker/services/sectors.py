"""Writes on the sector vocabulary: create, rename, archive sectors no live agreement uses, restore them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.archiving import WITH_ARCHIVED
from tracker.errors import DuplicateError, InUseError
from tracker.i18n import _
from tracker.models import Agreement, Sector, agreement_sector
from tracker.records import sector as sector_contract
from tracker.records.problems import raise_problems
from tracker.records.sector import SectorData
from tracker.services.archive import archive, restore
from tracker.services.usage import named_rows


def create_sector(session: Session, data: SectorData) -> Sector:
    """Add a sector to the vocabulary."""
    sector = Sector()
    _apply(session, sector, data)
    session.add(sector)
    session.flush()
    return sector


def update_sector(session: Session, sector: Sector, data: SectorData) -> Sector:
    """Rename or re-describe a sector."""
    _apply(session, sector, data)
    session.flush()
    return sector


def archive_sector(session: Session, sector: Sector) -> None:
    """Archive a sector no live agreement uses: it leaves the vocabulary's lists and choices."""
    archive(session, sector, _refuse_if_used)


def restore_sector(session: Session, sector: Sector) -> None:
    """Bring an archived sector back into the vocabulary."""
    restore(session, sector)


def _refuse_if_used(session: Session, sector: Sector) -> None:
    """Refuse, naming them, while live agreements are filed under the sector."""
    uses = select(agreement_sector.c.agreement_id).where(agreement_sector.c.sector_id == sector.id)
    # `Agreement` is an entity here, so archived agreements are left out (agreement_sector alone is not).
    titles = named_rows(session, select(Agreement.title).where(Agreement.id.in_(uses)).order_by(Agreement.title))
    if titles:
        message = _(
            "“%(name)s” cannot be archived: agreements use it: %(agreements)s.", name=sector.name, agreements=titles
        )
        raise InUseError(str(message))


def _apply(session: Session, sector: Sector, data: SectorData) -> None:
    """Check `data` against the sector's contract and the vocabulary, then copy it onto `sector`."""
    data = sector_contract.cleaned(data)
    raise_problems(sector_contract.check(data))
    _check_unique(session, sector, data.name, data.slug)
    sector.name = data.name
    sector.slug = data.slug
    sector.description = data.description
    if data.keywords is not None:
        sector.keywords = "\n".join(data.keywords)


def _name_key(name: str) -> str:
    """Names compare case-insensitively, with runs of whitespace as one space."""
    return " ".join(name.casefold().split())


def _check_unique(session: Session, sector: Sector, name: str, slug: str) -> None:
    """No other sector, archived ones included (the columns are unique), has the name (in any case) or the slug."""
    # The vocabulary is small, and case folding beyond ASCII is not portable SQL: compare in Python.
    everyone = session.scalars(select(Sector), execution_options=WITH_ARCHIVED)
    others = [other for other in everyone if other is not sector]
    for other in others:
        if _name_key(other.name) == _name_key(name):
            message = _("There is already a sector named “%(existing)s”.", existing=other.name)
            raise DuplicateError(_with_archived_hint(message, other), field="name")
    for other in others:
        if other.slug == slug:
            message = _("The slug “%(slug)s” is already used by “%(existing)s”.", slug=slug, existing=other.name)
            raise DuplicateError(_with_archived_hint(message, other), field="slug")


def _with_archived_hint(message: str, other: Sector) -> str:
    """Say when the sector in the way is archived, since it shows in no list."""
    if not other.is_archived:
        return str(message)
    hint = _("That sector is archived; an admin can restore it.")
    return f"{message} {hint!s}"
