"""The sector's contract: its writable fields, how they are cleaned, and the rules that need no database."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from tracker.i18n import _
from tracker.records.fields import Kind, Spec, lines, spec_of, specs, text, value
from tracker.records.problems import Problem, at_most, check_fields
from tracker.text import normalise_name


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


KEYWORDS_MAX = spec_of(SectorData, "keywords").max_items or 0

# The messages of the sector's rules, in the words the services have always used.
MISSING = {"name": _("Give the sector's name.")}


def too_long(spec: Spec, text: str) -> Any:
    """A name, slug or keyword longer than its column."""
    if spec.name == "keywords":
        return _("Keep each keyword to %(max)s characters: “%(keyword)s…”.", max=spec.max_length, keyword=text[:30])
    if spec.name == "slug":
        return _("Keep the slug to %(max)s characters.", max=spec.max_length)
    if spec.name == "name":
        return _("Keep the name to %(max)s characters.", max=spec.max_length)
    return at_most(spec, text)


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens: "Moulds & Dies" becomes "moulds-dies"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[: spec_of(SectorData, "slug").max_length].rstrip("-")


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


def cleaned(data: SectorData) -> SectorData:
    """The data as it is stored: whitespace collapsed, the slug made from the name when blank, keywords cleaned."""
    name = " ".join(data.name.split())
    keywords = clean_keywords(data.keywords) if data.keywords is not None else None
    return dataclasses.replace(data, name=name, slug=data.slug.strip() or slugify(name), keywords=keywords)


def check(data: SectorData) -> list[Problem]:
    """Every rule that needs no database, over cleaned data."""
    fields = {name: value for name, value in vars(data).items() if name != "keywords"}
    problems = check_fields(fields, SectorData, MISSING, too_long)
    if data.name.strip() and not data.slug:
        message = _("The name gives no slug; type one with letters a–z, digits and hyphens.")
        problems.append(Problem("slug", message))
    problems += keyword_problems(data.keywords or [])
    return sorted(problems, key=lambda problem: FIELD_ORDER.index(problem.field))


def keyword_problems(keywords: Sequence[str]) -> list[Problem]:
    """Each (cleaned) keyword short enough and with a letter or digit to match, and not too many of them."""
    spec, limit = spec_of(SectorData, "keywords"), KEYWORDS_MAX
    problems = []
    too_long_keyword = next((keyword for keyword in keywords if len(keyword) > (spec.max_length or 0)), None)
    if too_long_keyword is not None:
        problems.append(Problem("keywords", too_long(spec, too_long_keyword)))
    blind = next((keyword for keyword in keywords if not any(char.isalnum() for char in keyword)), None)
    if blind is not None:
        message = _("“%(keyword)s” has no letter or digit, so no text would match it.", keyword=blind)
        problems.append(Problem("keywords", message))
    if len(keywords) > limit:
        message = _("Give at most %(max)s keywords (%(count)s given).", max=limit, count=len(keywords))
        problems.append(Problem("keywords", message))
    return problems


FIELD_ORDER = [spec.name for spec in specs(SectorData)]
