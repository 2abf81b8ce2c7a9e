"""Countries by ISO 3166-1 alpha-2 code, validated and named with pycountry."""

from __future__ import annotations

import gettext
from functools import cache

import pycountry

from tracker.i18n import current_language


def normalize_country_code(code: str | None) -> str | None:
    """Upper-case a code and return it if pycountry knows it; None for blank or unknown input."""
    code = (code or "").strip().upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        return None
    return code


def is_country_code(code: str | None) -> bool:
    """True for a known ISO 3166-1 alpha-2 code (any case)."""
    return normalize_country_code(code) is not None


def country_name(code: str | None, language: str | None = None) -> str:
    """The short name ("Korea, Republic of" becomes "South Korea", "Korea Selatan" in Indonesian); the code if unknown.

    `language` defaults to the request's; data the app stores (party names) asks for "en" explicitly.
    """
    if not code:
        return ""
    return named_country(code.upper(), language or current_language())


@cache
def named_country(code: str, language: str) -> str:
    """The name of the country with this upper-case code in `language`; remembered, as lists name hundreds a page."""
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    english = getattr(country, "common_name", None) or country.name
    return country_names(language).gettext(english)


@cache
def country_names(language: str) -> gettext.NullTranslations:
    """pycountry's own catalog of country names in `language` (English, or an unknown language, needs none)."""
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True)


def country_choices() -> list[tuple[str, str]]:
    """(code, name) pairs sorted by name in the request's language, for select fields."""
    return sorted_country_choices(current_language())


@cache
def sorted_country_choices(language: str) -> list[tuple[str, str]]:
    """(code, name) pairs in `language`, sorted by name."""
    pairs = ((c.alpha_2, country_name(c.alpha_2, language)) for c in pycountry.countries)
    return sorted(pairs, key=lambda pair: pair[1])
