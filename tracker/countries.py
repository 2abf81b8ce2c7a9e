"""Countries by ISO 3166-1 alpha-2 code, validated and named with pycountry."""

from __future__ import annotations

from functools import cache

import pycountry


def normalize_country_code(code: str | None) -> str | None:
    """Upper-case a code and return it if pycountry knows it; None for blank or unknown input."""
    code = (code or "").strip().upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        return None
    return code


def is_country_code(code: str | None) -> bool:
    """True for a known ISO 3166-1 alpha-2 code (any case)."""
    return normalize_country_code(code) is not None


def country_name(code: str | None) -> str:
    """The short English name ("Korea, Republic of" becomes "South Korea"); the code if unknown."""
    if not code:
        return ""
    country = pycountry.countries.get(alpha_2=code.upper())
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


@cache
def country_choices() -> list[tuple[str, str]]:
    """(code, name) pairs sorted by name, for select fields."""
    return sorted(((c.alpha_2, country_name(c.alpha_2)) for c in pycountry.countries), key=lambda pair: pair[1])
