"""The source's contract: its writable fields and their limits, and the link's note."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tracker.i18n import _
from tracker.models import SourceKind
from tracker.records.fields import Kind, choice, text, value


@dataclass(frozen=True, kw_only=True)
class SourceData:
    """What describes a source, as a boundary received it (text already stripped)."""

    title: str = text(_("Title"), _("title"), max_length=500, required=True)
    url: str = value(Kind.URL, _("URL"), _("URL"), max_length=2000, default="")
    kind: SourceKind = choice(SourceKind, _("Kind"), _("kind"), default=SourceKind.NEWS_ARTICLE)
    outlet: str = text(_("Outlet"), _("outlet"), max_length=200)
    author: str = text(_("Author"), _("author"), max_length=300)
    published_on: date | None = value(Kind.DAY, _("Published on"), _("published"))
    language: str = value(Kind.LANGUAGE, _("Language"), _("language"), max_length=16, default="")
    excerpt: str = text(_("Excerpt"), _("excerpt"), max_length=20000, long=True)


@dataclass(frozen=True, kw_only=True)
class LinkData:
    """What a user writes on the link between an agreement and a source."""

    note: str = text(_("What the source supports"), _("note"), max_length=5000, long=True)
