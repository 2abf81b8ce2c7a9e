"""Writes on the sector vocabulary: create, rename, archive sectors no live agreement uses, restore them."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.archiving import WITH_ARCHIVED
from tracker.errors import DuplicateError, InUseError, ValidationError
from tracker.i18n import _
from tracker.models import Agreement, Sector, agreement_sector
from tracker.records.fields import max_length, spec_of
from tracker.records.sector import SectorData
from tracker.services.archive import archive, restore
from tracker.services.usage import named_rows
from tracker.text import normalise_name

NAME_MAX = max_length(SectorData, "name")
SLUG_MAX = max_length(SectorData, "slug")
KEYWORD_MAX = max_length(SectorData, "keywords")
KEYWORDS_MAX = spec_of(SectorData, "keywords").max_items
SLUG_PATTERN = re.compile(r"[a-z0-9-]+")


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens: "Moulds & Dies" becomes "moulds-dies"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:SLUG_MAX].rstrip("-")


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
    """Check `data` against the rules, then copy it onto `sector`."""
    name = _check_name(data.name)
    slug = _check_slug(data.slug.strip() or slugify(name))
    keywords = check_keywords(data.keywords) if data.keywords is not None else None
    _check_unique(session, sector, name, slug)
    sector.name = name
    sector.slug = slug
    sector.description = data.description
    if keywords is not None:
        sector.keywords = "\n".join(keywords)


def _check_name(name: str) -> str:
    """A name is required and fits its column."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError(str(_("Give the sector's name.")), field="name")
    if len(name) > NAME_MAX:
        raise ValidationError(str(_("Keep the name to %(max)s characters.", max=NAME_MAX)), field="name")
    return name


def _check_slug(slug: str) -> str:
    """A slug is lower-case letters, digits and hyphens, short enough for its column."""
    if not slug:
        message = _("The name gives no slug; type one with letters a–z, digits and hyphens.")
        raise ValidationError(str(message), field="slug")
    if not SLUG_PATTERN.fullmatch(slug):
        raise ValidationError(str(_("Use only lower-case letters a–z, digits and hyphens.")), field="slug")
    if len(slug) > SLUG_MAX:
        raise ValidationError(str(_("Keep the slug to %(max)s characters.", max=SLUG_MAX)), field="slug")
    return slug


def clean_keywords(keywords: Iterable[str]) -> list[str]:
    """Keywords with whitespace collapsed, without blanks or repeats (compared ignoring case and accents)."""
    seen: set[str] = set()
    kept = []
    for keyword in keywords:
        keyword = " ".join(keyword.split())
        key = normalise_name(keyword)
        if key and key not in seen:
            seen.add(key)
            kept.append(keyword)
    return kept


def check_keywords(keywords: Iterable[str]) -> list[str]:
    """Cleaned keywords, each short enough and with a letter or digit to match, and not too many of them."""
    kept = clean_keywords(keywords)
    for keyword in kept:
        if len(keyword) > KEYWORD_MAX:
            message = _(
                "Keep each keyword to %(max)s characters: “%(keyword)s…”.", max=KEYWORD_MAX, keyword=keyword[:30]
            )
            raise ValidationError(str(message), field="keywords")
        if not any(char.isalnum() for char in keyword):
            message = _("“%(keyword)s” has no letter or digit, so no text would match it.", keyword=keyword)
            raise ValidationError(str(message), field="keywords")
    if len(kept) > KEYWORDS_MAX:
        message = _("Give at most %(max)s keywords (%(count)s given).", max=KEYWORDS_MAX, count=len(kept))
        raise ValidationError(str(message), field="keywords")
    return kept


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
    return f"{message} {_('That sector is archived; an admin can restore it.')!s}"
