"""The sector's contract: its writable fields and their limits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tracker.i18n import _
from tracker.records.fields import Kind, lines, text, value


@dataclass(kw_only=True)
class SectorData:
    """Everything a user can set on a sector; a blank slug is made from the name."""

    name: str = text(_("Name"), _("name"), max_length=120, required=True)
    slug: str = value(Kind.SLUG, _("Short name in links"), _("short name in links"), max_length=64, default="")
    description: str = text(_("Description"), _("description"), max_length=5000, long=True)
    # Words that point to the sector in a text, in any language; None leaves the stored keywords as they are.
    keywords: Sequence[str] | None = lines(
        _("Keywords"), _("keywords"), max_length=100, max_items=200, text_max=50_000, default=None
    )
