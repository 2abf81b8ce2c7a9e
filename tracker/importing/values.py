"""Cell values read into the tracker's types: text, dates at any precision, choices, party lists, URLs."""

from __future__ import annotations

import dataclasses
import enum
import json
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache
from typing import Any

from flask_babel import force_locale

from tracker.dates import PartialDate, PartialDateError
from tracker.datewords import read_date
from tracker.i18n import _
from tracker.importing import words
from tracker.importing.countries import country_code_for
from tracker.importing.fields import LABEL_LOCALES, header_key
from tracker.labels import label
from tracker.models import (
    AgreementStatus,
    AutoRenewal,
    ImplementationStatus,
    InstrumentType,
    NoticeParty,
    NoticeUnit,
    PartyKind,
    PartyRole,
    Ratification,
    RenewalIntent,
)

# A cell starting with one of these is a formula to a spreadsheet; exports prefix it with an apostrophe.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
ESCAPED_STARTS = (*FORMULA_TRIGGERS, "'")

_PARTY_ENTRY = re.compile(r"^(?P<name>.*?)\s*\((?P<attributes>[^()]*)\)\s*$")
# "Indonesia Investment Coordinating Board (BKPM)": a name ending in its acronym in brackets.
_ACRONYM_AFTER_NAME = re.compile(r"^(?P<name>.*\S)\s*\((?P<acronym>[A-Z][A-Za-z0-9&.\-]{1,11})\)$")
# Sources are split at whitespace, at a "|", or at a ";" that comes before the next link's scheme.
_URL_SEPARATOR = re.compile(r"\s*;\s*(?=[A-Za-z][A-Za-z0-9+.\-]*://)|\s*\|\s*|\s+")
# The items of a list cell ("technology | electronics", "A; B", one per line); never a comma, which names carry
# ("AITEC Co., Ltd") and the parties column uses inside an entry's parentheses.
LIST_SEPARATOR = re.compile(r"\r?\n|[;|\r]")
NO_COUNTRY = ("-", "—", "–")


class CellError(ValueError):
    """A cell's value cannot be read; the message says what to write instead."""


def neutralise(text: str) -> str:
    """The text as a spreadsheet shows it and never runs it: a formula-like start gets a leading apostrophe.

    Text that already starts with an apostrophe before such a character gets one more, so that
    `unneutralise` gives back exactly the original.
    """
    if text.startswith(FORMULA_TRIGGERS) or (text.startswith("'") and text[1:2] and text[1] in ESCAPED_STARTS):
        return f"'{text}"
    return text


def unneutralise(text: str) -> str:
    """Undo `neutralise`: drop the apostrophe an export put in front of a formula-like cell."""
    if text.startswith("'") and text[1:2] and text[1] in ESCAPED_STARTS:
        return text[1:]
    return text


def cell_text(value: Any) -> str:
    """Any cell value (spreadsheet number or date, JSON scalar) as text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


# --- dates --------------------------------------------------------------------------------------


def parse_date(text: str) -> PartialDate | None:
    """A date at the precision written (tracker/datewords.py), its refusal a problem of the cell."""
    try:
        return read_date(text)
    except PartialDateError as error:
        raise CellError(str(error)) from error


# --- choices ------------------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def choice_key(text: str) -> str:
    """A choice as compared: "In force", "in-force" and "IN_FORCE" are all "in_force"."""
    return header_key(text).replace(" ", "_")


def parse_number(raw: Any) -> int | None:
    """A whole number from a cell (60, 60.0 or "60"); None for blank; CellError otherwise."""
    if isinstance(raw, bool):
        raise CellError(str(_("Give a whole number, such as 6.")))
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    text = cell_text(raw).strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 9:
        raise CellError(str(_("Give a whole number, such as 6.")))
    return int(text)


class Vocabulary:
    """The spellings each choice accepts: its value, its label in every interface language, known synonyms.

    Built once per import (labels are translated once, not per row).
    """

    def __init__(self) -> None:
        self.tables: dict[type[enum.Enum], dict[str, enum.Enum]] = {
            enum_class: self._table(enum_class, synonyms)
            for enum_class, synonyms in (
                (InstrumentType, words.INSTRUMENTS),
                (AgreementStatus, words.STATUSES),
                (RenewalIntent, words.RENEWALS),
                (PartyRole, words.ROLES),
                (PartyKind, words.KINDS),
                (AutoRenewal, words.AUTO_RENEWALS),
                (NoticeUnit, words.NOTICE_UNITS),
                (NoticeParty, words.NOTICE_PARTIES),
                (Ratification, words.RATIFICATION_VALUES),
                (ImplementationStatus, words.IMPLEMENTATIONS),
            )
        }
        self.ratifications = {choice_key(text): status for text, status in words.RATIFICATIONS.items()}

    @staticmethod
    def _table(enum_class: type[enum.Enum], synonyms: dict[str, enum.Enum]) -> dict[str, enum.Enum]:
        """Compared spelling -> member; values and labels win over synonyms."""
        table = {choice_key(text): member for text, member in synonyms.items()}
        for locale in LABEL_LOCALES:  # a file written in either interface language reads the same for everyone
            with force_locale(locale):
                table.update((choice_key(str(label(member))), member) for member in enum_class)
        for member in enum_class:
            table[choice_key(str(label(member)))] = member  # the importer's own language wins
            table[member.value] = member
        return table

    def choice(self, enum_class: type[enum.Enum], text: str) -> Any:
        """The member the text names; None for blank; CellError naming the accepted values otherwise."""
        if not text.strip():
            return None
        member = self.tables[enum_class].get(choice_key(text))
        if member is None:
            accepted = ", ".join(member.value for member in enum_class)
            raise CellError(str(_("“%(text)s” is not one of: %(accepted)s.", text=text[:60], accepted=accepted)))
        return member

    def ratification(self, text: str) -> AgreementStatus | None:
        """The status a ratification status stands for ("Sudah diratifikasi" is in force)."""
        if not text.strip():
            return None
        status = self.ratifications.get(choice_key(text))
        if status is None:
            status = self.tables[AgreementStatus].get(choice_key(text))
        if status is None:
            raise CellError(str(_("“%(text)s” is not a ratification status this import knows.", text=text[:60])))
        return status  # type: ignore[return-value]


def instrument_from_title(title: str) -> InstrumentType | None:
    """The instrument a title names ("Memorandum of Understanding on ..." is an MoU); None if it names none."""
    lowered = title.casefold()
    for pattern, instrument in words.TITLE_INSTRUMENTS:
        if re.search(pattern, lowered):
            return instrument
    return None


# --- parties ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartyRef:
    """A party as a file names it: by name (with country and kind when given), or as the state of a country."""

    name: str
    role: PartyRole = PartyRole.SIGNATORY
    country: str | None = None
    kind: PartyKind | None = None
    # Set for "the state of this country" (the partner column, the home country): matched by country, not name.
    state_of: str | None = None
    # The acronym the name carried in brackets ("BKPM"): another name of the party.
    acronym: str | None = None


def split_list(text: str) -> list[str]:
    """The items of a ";"-separated cell, stripped, without blanks."""
    return [item.strip() for item in LIST_SEPARATOR.split(text) if item.strip()]


def parse_party_entry(entry: str, vocabulary: Vocabulary) -> PartyRef:
    """ "AITEC Co., Ltd (KR, signatory, company)": name, then country, role and kind in brackets, each optional."""
    match = _PARTY_ENTRY.match(entry)
    if match and match.group("name"):
        attributes = _attributes(match.group("attributes"), vocabulary)
        if attributes is not None:
            country, role, kind = attributes
            name, acronym = split_acronym(match.group("name"))
            return PartyRef(name, role or PartyRole.SIGNATORY, country, kind, acronym=acronym)
    name, acronym = split_acronym(entry)
    return PartyRef(name, acronym=acronym)


def split_acronym(name: str) -> tuple[str, str | None]:
    """ "Indonesia Investment Coordinating Board (BKPM)" as its name and acronym; other names as they are.

    An acronym has at least two capitals ("BKPM", "KIAT", "MoI"): "(Persero)" stays part of the name.
    """
    name = " ".join(name.split())
    match = _ACRONYM_AFTER_NAME.match(name)
    if match is None or sum(char.isupper() for char in match.group("acronym")) < 2:
        return name, None
    return match.group("name"), match.group("acronym")


def _attributes(text: str, vocabulary: Vocabulary) -> tuple[str | None, PartyRole | None, PartyKind | None] | None:
    """Country, role and kind from "KR, signatory"; None when the brackets are part of the name ("(KIAT)")."""
    tokens = [token.strip() for token in text.split(",")]
    country, role, kind, unknown = None, None, None, []
    for token in tokens:
        key = choice_key(token)
        if not token or token in NO_COUNTRY:
            continue
        if role is None and key in vocabulary.tables[PartyRole]:
            role = vocabulary.tables[PartyRole][key]
        elif kind is None and key in vocabulary.tables[PartyKind]:
            kind = vocabulary.tables[PartyKind][key]
        elif country is None and country_code_for(token):
            country = country_code_for(token)
        else:
            unknown.append(token)
    if len(tokens) == 1 and unknown:
        return None
    if unknown:
        message = _("“%(token)s” is not a country code, a role or a kind of party.", token=unknown[0][:60])
        raise CellError(str(message))
    return country, role, kind  # type: ignore[return-value]


def parse_parties(value: Any, vocabulary: Vocabulary) -> list[PartyRef]:
    """The parties of a cell: "A (ID, signatory); B (KR, funder)", or JSON objects or strings."""
    if isinstance(value, list):
        return [party for item in value for party in _json_party(item, vocabulary)]
    return [parse_party_entry(entry, vocabulary) for entry in split_list(cell_text(value))]


def _json_party(item: Any, vocabulary: Vocabulary) -> list[PartyRef]:
    """A JSON list item: {"name", "country", "role", "kind"} or an entry as text."""
    if not isinstance(item, dict):
        return parse_parties(cell_text(item), vocabulary)
    return [
        party_from_parts(
            cell_text(item.get("name")),
            cell_text(item.get("country")),
            cell_text(item.get("role")),
            cell_text(item.get("kind")),
            vocabulary,
        )
    ]


def party_from_parts(name: str, country: str, role: str, kind: str, vocabulary: Vocabulary) -> PartyRef:
    """A party from separate cells (party_1, country_1, role_1, kind_1)."""
    name = " ".join(name.split())
    if not name:
        raise CellError(str(_("A party needs a name.")))
    code = country_code_for(country) if country.strip() not in ("", *NO_COUNTRY) else None
    if country.strip() not in ("", *NO_COUNTRY) and code is None:
        raise CellError(str(_("“%(text)s” is not a country.", text=country[:60])))
    name, acronym = split_acronym(name)
    return PartyRef(
        name,
        vocabulary.choice(PartyRole, role) or PartyRole.SIGNATORY,
        code,
        vocabulary.choice(PartyKind, kind),
        acronym=acronym,
    )


def with_parallel(
    refs: list[PartyRef], countries: list[str], roles: list[str], vocabulary: Vocabulary
) -> list[PartyRef]:
    """The parties completed by parallel columns, item for item: their countries and roles ("ID | KR").

    A column that is given must name as many items as the parties column; a country fills one the entry lacks
    and may not contradict one it gives.
    """
    for given, column in ((countries, _("party countries")), (roles, _("party roles"))):
        if given and len(given) != len(refs):
            message = _(
                "The parties column names %(parties)s parties, the %(column)s column %(count)s.",
                parties=len(refs),
                column=column,
                count=len(given),
            )
            raise CellError(str(message))
    completed = []
    for index, ref in enumerate(refs):
        country = countries[index] if countries else ""
        role = roles[index] if roles else ""
        parallel = party_from_parts(ref.name, country, role, "", vocabulary)
        if ref.country and parallel.country and ref.country != parallel.country:
            message = _(
                "“%(name)s” is given two countries: %(first)s and %(second)s.",
                name=ref.name[:60],
                first=ref.country,
                second=parallel.country,
            )
            raise CellError(str(message))
        completed.append(
            dataclasses.replace(ref, country=ref.country or parallel.country, role=parallel.role if role else ref.role)
        )
    return completed


def parse_partners(text: str) -> list[PartyRef]:
    """The treaty list's partner cell: countries become their state, other names an international organisation."""
    partners = []
    for entry in split_list(text):
        code = country_code_for(entry)
        if code:
            partners.append(PartyRef(entry, state_of=code, country=code, kind=PartyKind.STATE))
        else:
            partners.append(PartyRef(" ".join(entry.split()), kind=PartyKind.INTERNATIONAL_ORGANISATION))
    return partners


# --- lists ----------------------------------------------------------------------------------------


def text_items(value: Any) -> list[str]:
    """A list cell's items: a JSON list, or ";"-separated text."""
    if isinstance(value, list):
        return [cell_text(item).strip() for item in value if cell_text(item).strip()]
    return split_list(cell_text(value))


def parallel_items(value: Any) -> list[str]:
    """A column parallel to another's list, item for item: blank items keep their place ("ID | | KR")."""
    if isinstance(value, list):
        return [cell_text(item).strip() for item in value]
    text = cell_text(value)
    return [item.strip() for item in LIST_SEPARATOR.split(text)] if text.strip() else []


def list_items(target: str, value: Any) -> list[str]:
    """The items a list column's cell holds, as the import splits them (the mapping page shows a sample)."""
    return url_items(value) if target == "sources" else split_list(cell_text(value))


def url_items(value: Any) -> list[str]:
    """The links of a sources cell: a JSON list, or text separated by ";" or whitespace."""
    if isinstance(value, list):
        return [cell_text(item).strip() for item in value if cell_text(item).strip()]
    items = _URL_SEPARATOR.split(cell_text(value).strip())
    return [item.strip().rstrip(";") for item in items if item.strip().rstrip(";")]
