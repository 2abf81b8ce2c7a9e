"""Saved column mappings (ImportPreset) beside the built-in ones: look up, save, delete."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.errors import DuplicateError, ValidationError
from tracker.i18n import _
from tracker.importing.mapping import BUILT_IN, KEMLU_PRESET, Mapping
from tracker.models import ImportPreset

NAME_MAX = 100
BUILT_IN_LABELS = {KEMLU_PRESET: _("Treaty list of Indonesia's foreign ministry (built in)")}


def preset_choices(session: Session) -> list[tuple[str, str]]:
    """(name, label) of every preset: the built-in ones, then the saved ones by name."""
    saved = session.scalars(select(ImportPreset.name).order_by(func.lower(ImportPreset.name)))
    return [*((name, str(BUILT_IN_LABELS[name])) for name in BUILT_IN), *((name, name) for name in saved)]


def saved_presets(session: Session) -> list[ImportPreset]:
    """The saved presets by name."""
    return list(session.scalars(select(ImportPreset).order_by(func.lower(ImportPreset.name))))


def find_mapping(session: Session, name: str | None) -> Mapping | None:
    """The mapping of a built-in or saved preset; None when no preset has that name."""
    if not name:
        return None
    if name in BUILT_IN:
        return BUILT_IN[name]()
    preset = session.scalar(select(ImportPreset).where(ImportPreset.name == name))
    return Mapping.from_json(preset.mapping) if preset is not None else None


def save_preset(session: Session, name: str, mapping: Mapping, user_id: int | None) -> ImportPreset:
    """Save a mapping under a new name (any case of a taken name, built-in ones included, is refused)."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError(str(_("Give the preset a name.")), field="name")
    if len(name) > NAME_MAX:
        raise ValidationError(str(_("Keep the name to %(max)s characters.", max=NAME_MAX)), field="name")
    taken = {existing.casefold() for existing in session.scalars(select(ImportPreset.name))} | set(BUILT_IN)
    if name.casefold() in taken:
        raise DuplicateError(str(_("There is already a preset named “%(name)s”.", name=name)), field="name")
    preset = ImportPreset(name=name, mapping=mapping.to_json(), created_by_id=user_id)
    session.add(preset)
    session.flush()
    return preset


def delete_preset(session: Session, preset: ImportPreset) -> None:
    """Delete a saved preset; imports made with it are not affected."""
    session.delete(preset)
    session.flush()
