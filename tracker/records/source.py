"""The source's contract: its fields, how they are cleaned, the rules that need no database; a link's note."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from typing import Any

from tracker.i18n import _
from tracker.models import SourceKind
from tracker.records.fields import Kind, Spec, choice, text, value
from tracker.records.problems import Problem, check_fields, raise_problems


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


# The messages of the source's rules, in the words the services have always used.
MISSING = {"title": _("Enter a title.")}


def too_long(spec: Spec, text: str) -> Any:
    """A text longer than its column."""
    return _("At most %(limit)s characters.", limit=spec.max_length)


def normalize_language(tag: str | None) -> str:
    """Lower-case the primary subtag ("EN-GB" → "en-GB"), the form the pattern expects."""
    if not tag:
        return ""
    primary, *rest = tag.strip().split("-")
    return "-".join([primary.lower(), *rest])


def cleaned(data: SourceData) -> SourceData:
    """The data as it is stored: the language tag in its usual case."""
    return dataclasses.replace(data, language=normalize_language(data.language))


def check(data: SourceData) -> list[Problem]:
    """Every rule that needs no database, over cleaned data."""
    return check_fields(vars(data), SourceData, MISSING, too_long)


def check_language(tag: str) -> str:
    """The normalised tag, blank allowed; refuse what does not look like a language tag."""
    tag = normalize_language(tag)
    raise_problems(check_fields({"language": tag}, SourceData, MISSING, too_long))
    return tag
