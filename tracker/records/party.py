"""The party's contract: its writable fields, how they are cleaned, and the rules that need no database."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tracker.countries import normalize_country_code
from tracker.i18n import _
from tracker.models import PartyKind
from tracker.records.fields import Kind, Spec, choice, lines, text, value
from tracker.records.problems import Problem, at_most, check_fields
from tracker.text import normalise_name


@dataclass(kw_only=True)
class PartyData:
    """Everything a user can set on a party, already parsed."""

    name: str = text(_("Name"), _("name"), max_length=300, required=True)
    kind: PartyKind = choice(PartyKind, _("Kind"), _("kind"))
    country_code: str | None = value(Kind.COUNTRY, _("Country"), _("country"), max_length=2)
    parent_id: int | None = value(Kind.REFERENCE, _("Part of"), _("part of"))
    aliases: Sequence[str] = lines(_("Other names"), _("other names"), max_length=300, text_max=20000)
    notes: str = text(_("Notes"), _("notes"), max_length=20000, long=True)


# The messages of the party's rules, in the words the services have always used.
MISSING = {"name": _("Give the party's name.")}


def too_long(spec: Spec, text: str) -> Any:
    """A name or an alias longer than its column."""
    if spec.name == "aliases":
        return _("Keep each alias to %(max)s characters.", max=spec.max_length)
    if spec.name == "name":
        return _("Keep the name to %(max)s characters.", max=spec.max_length)
    return at_most(spec, text)


def cleaned(data: PartyData) -> PartyData:
    """The data as it is stored: whitespace collapsed, the country upper-case, aliases without repeats."""
    name = " ".join(data.name.split())
    country = (data.country_code or "").strip() or None
    return dataclasses.replace(
        data,
        name=name,
        country_code=normalize_country_code(country) or country,
        aliases=clean_aliases(name, data.aliases),
    )


def clean_aliases(name: str, aliases: Sequence[str]) -> list[str]:
    """Aliases stripped, without blanks, repeats or the party's own name (compared as `normalise_name`)."""
    seen = {normalise_name(name)}
    kept = []
    for alias in aliases:
        alias = " ".join(alias.split())
        key = normalise_name(alias)
        if key and key not in seen:
            seen.add(key)
            kept.append(alias)
    return kept


def alias_problems(aliases: Sequence[str]) -> list[Problem]:
    """The rules of the other names alone, for a form that checks them next to their field."""
    return check_fields({"aliases": aliases}, PartyData, MISSING, too_long)


def check(data: PartyData) -> list[Problem]:
    """Every rule that needs no database, over cleaned data."""
    return check_fields(vars(data), PartyData, MISSING, too_long)
