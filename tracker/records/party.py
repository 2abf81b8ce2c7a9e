"""The party's contract: its writable fields and their limits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tracker.i18n import _
from tracker.models import PartyKind
from tracker.records.fields import Kind, choice, lines, text, value


@dataclass(kw_only=True)
class PartyData:
    """Everything a user can set on a party, already parsed."""

    name: str = text(_("Name"), _("name"), max_length=300, required=True)
    kind: PartyKind = choice(PartyKind, _("Kind"), _("kind"))
    country_code: str | None = value(Kind.COUNTRY, _("Country"), _("country"), max_length=2)
    parent_id: int | None = value(Kind.REFERENCE, _("Part of"), _("part of"))
    aliases: Sequence[str] = lines(_("Other names"), _("other names"), max_length=300, text_max=20000)
    notes: str = text(_("Notes"), _("notes"), max_length=20000, long=True)
