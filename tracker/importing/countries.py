"""Country names in Indonesian or English ("Korea Selatan", "Jepang", "South Korea") to ISO 3166-1 codes."""

from __future__ import annotations

import re
from functools import cache, lru_cache

import pycountry

from tracker.countries import normalize_country_code
from tracker.text import normalise_name

# Common partners as the foreign ministry's lists and the press name them, and English short forms
# that pycountry does not know.
NAMES = {
    "KR": ("Korea Selatan", "Korsel", "Republik Korea", "Korea", "Republic of Korea", "South Korea"),
    "KP": ("Korea Utara", "Republik Rakyat Demokratik Korea", "North Korea", "DPRK"),
    "JP": ("Jepang",),
    # "AS" (Amerika Serikat) is left out: two letters are read as an ISO code, and AS is American Samoa.
    "US": ("Amerika Serikat", "Amerika", "United States of America", "USA"),
    "CN": ("Tiongkok", "Cina", "China", "RRT", "Republik Rakyat Tiongkok", "People's Republic of China", "PRC"),
    "GB": ("Inggris", "Britania Raya", "Kerajaan Inggris", "UK", "United Kingdom", "Great Britain", "England"),
    "DE": ("Jerman",),
    "FR": ("Prancis", "Perancis"),
    "NL": ("Belanda",),
    "BE": ("Belgia",),
    "IT": ("Italia",),
    "ES": ("Spanyol",),
    "CH": ("Swiss",),
    "SE": ("Swedia",),
    "NO": ("Norwegia",),
    "DK": ("Denmark",),
    "FI": ("Finlandia",),
    "PL": ("Polandia",),
    "CZ": ("Ceko", "Republik Ceko", "Czech Republic", "Czechia"),
    "HU": ("Hungaria",),
    "RO": ("Rumania",),
    "GR": ("Yunani",),
    "IE": ("Irlandia",),
    "LU": ("Luksemburg",),
    "HR": ("Kroasia",),
    "RU": ("Rusia", "Federasi Rusia", "Russia"),
    "UA": ("Ukraina",),
    "TR": ("Turki", "Turkey", "Turkiye"),
    "SA": ("Arab Saudi", "Saudi Arabia"),
    "AE": ("Uni Emirat Arab", "Persatuan Emirat Arab", "PEA", "UEA", "UAE"),
    "EG": ("Mesir",),
    "IQ": ("Irak",),
    "JO": ("Yordania",),
    "MA": ("Maroko",),
    "DZ": ("Aljazair",),
    "ZA": ("Afrika Selatan",),
    "SY": ("Suriah", "Syria"),
    "LB": ("Libanon",),
    "PS": ("Palestina", "Palestine"),
    "YE": ("Yaman",),
    "ET": ("Etiopia",),
    "MZ": ("Mozambik",),
    "MG": ("Madagaskar",),
    "SG": ("Singapura",),
    "PH": ("Filipina",),
    "VN": ("Vietnam", "Viet Nam"),
    "KH": ("Kamboja",),
    "BN": ("Brunei Darussalam", "Brunei"),
    "TL": ("Timor Leste", "Timor-Leste", "East Timor"),
    "PG": ("Papua Nugini", "Papua New Guinea"),
    "NZ": ("Selandia Baru",),
    "CA": ("Kanada",),
    "MX": ("Meksiko",),
    "BR": ("Brasil",),
    "CL": ("Cile", "Chili"),
    "CO": ("Kolombia",),
    "CU": ("Kuba",),
    "AF": ("Afganistan",),
    "MV": ("Maladewa",),
    "IN": ("India",),
    "LA": ("Laos",),
    "IR": ("Iran",),
    "VA": ("Tahta Suci", "Vatikan", "Holy See", "Vatican"),
    "BA": ("Bosnia dan Herzegovina",),
}
# Words before a country's name that do not change which country it is.
PREFIXES = re.compile(
    r"^(government of the |government of |pemerintah |republic of the |republic of |republik "
    r"|kingdom of |kerajaan |negara )"
)


def _key(text: str) -> str:
    """A name as compared: accents dropped, case folded, punctuation as spaces."""
    return " ".join(re.sub(r"[^\w]+", " ", normalise_name(text)).split())


@cache
def _table() -> dict[str, str]:
    """Compared name -> code, from the table above."""
    return {_key(name): code for code, names in NAMES.items() for name in names}


@lru_cache(maxsize=4096)
def country_code_for(text: str | None) -> str | None:
    """The ISO code a country name or code stands for; None when it names no country."""
    text = (text or "").strip()
    if not text:
        return None
    if len(text) == 2:
        return normalize_country_code(text)
    key = _key(text)
    for candidate in (key, PREFIXES.sub("", key)):
        code = _table().get(candidate)
        if code:
            return code
    return _pycountry_code(text) or _pycountry_code(PREFIXES.sub("", key))


def _pycountry_code(key: str) -> str | None:
    """pycountry's answer for a name, official name, common name or alpha-3 code."""
    try:
        return pycountry.countries.lookup(key).alpha_2
    except LookupError:
        return None
