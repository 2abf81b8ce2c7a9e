"""The columns of the agreement file format: stable machine keys, translatable labels, header synonyms.

The labels are the header row of CSV and XLSX exports, in the exporting user's language, and what the mapping
screen and messages show; an import recognises the labels in every interface language, the stable keys (the
JSON export's names, and the headers of files written by programs) and the synonyms below.
"""

from __future__ import annotations

import re
import unicodedata

from flask_babel import force_locale

from tracker.i18n import _
from tracker.records import agreement as agreement_contract
from tracker.records.agreement import AgreementData
from tracker.records.fields import plain_specs

# The export's columns, in order: exactly what an import reads back (the agreement contract's, tracker/records/).
COLUMNS = tuple(agreement_contract.file_columns())
# The columns of the contract's plain fields, by their key in files.
PLAIN = {spec.file_key: spec for spec in plain_specs(AgreementData)}
# The columns that describe a row's one source: its title, outlet and publication day, and the quote of it that
# supports the agreement (the link's note).
SOURCE_DETAILS = ("source_title", "source_outlet", "source_published", "source_quote")
# Columns parallel to the parties column, item for item ("ID | KR").
PARTY_LISTS = ("party_countries", "party_roles")
# The columns whose cells are lists (split on "|", ";" and new lines; sources on white space too).
LIST_TARGETS = ("parties", "sectors", "sources", *PARTY_LISTS)
# Targets an import can also fill: the treaty list's partner column. (Its ratification status is a field of the
# contract now; rows.py also reads the status from it when no status column is given.)
EXTRA_TARGETS = ("partner", *PARTY_LISTS, *SOURCE_DETAILS)
# Repeated party columns: party_1, country_1, role_1, kind_1, party_2, ...
NUMBERED_PARTS = ("party", "country", "role", "kind")
NUMBERED_PATTERN = re.compile(r"^(party|country|role|kind) ?([0-9]{1,2})$")
MAX_NUMBERED = 20
# How many numbered parties the mapping screen offers when the file names fewer.
OFFERED_NUMBERED = 3

LABELS = {
    **{key: spec.label for key, spec in PLAIN.items()},
    "parties": _("Parties"),
    "sectors": _("Sectors"),
    "sources": _("Source URLs"),
    "owner": _("Responsible officer"),
    "unit": _("Responsible unit"),
    "partner": _("Partner country or organisation"),
    "party_countries": _("Countries of the parties"),
    "party_roles": _("Roles of the parties"),
    "source_title": _("Source title"),
    "source_outlet": _("Source outlet"),
    "source_published": _("Source published on"),
    "source_quote": _("Quote from the source"),
}

# Header spellings recognised without a preset (compared by `header_key`), besides keys and labels.
SYNONYMS = {
    **{key: spec.synonyms for key, spec in PLAIN.items()},
    "parties": ("party list", "pihak", "para pihak"),
    "partner": (
        "partner country or organisation",
        "negara/organisasi",
        "negara",
        "country/organisation",
        "country/organization",
        "partner country",
    ),
    "sectors": ("sector", "sektor"),
    "sources": ("source", "source urls", "urls", "sumber", "source url", "article url", "url berita", "tautan"),
    # The officer's e-mail or name; the unit on the home side ("Direktorat Industri Logam").
    "owner": ("owner", "officer", "responsible officer", "pic", "penanggung jawab", "pejabat penanggung jawab"),
    "unit": ("responsible unit", "unit kerja", "unit penanggung jawab", "satuan kerja", "satker", "unit pengampu"),
    "party_countries": ("party countries", "countries of parties", "negara pihak", "negara para pihak", "countries"),
    "party_roles": ("party roles", "roles of parties", "peran pihak", "peran para pihak", "roles"),
    "source_title": ("article title", "judul berita", "judul artikel", "judul sumber", "headline"),
    "source_outlet": ("outlet", "media", "publisher", "news outlet", "nama media", "penerbit"),
    "source_published": (
        "published",
        "publication date",
        "date published",
        "article date",
        "tanggal berita",
        "tanggal terbit",
        "source date",
    ),
    "source_quote": ("quote", "evidence", "evidence quote", "kutipan", "bukti", "supporting quote"),
}


def header_key(text: str) -> str:
    """A header as compared: no accents, case folded, "_", "-", brackets, ":" and "." as spaces ("Title
    (Indonesian)" is "title indonesian"), no spaces around "/"."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    spaced = " ".join(re.sub(r"[_\-()\[\]:.]+", " ", bare).split())
    return re.sub(r"\s*/\s*", "/", spaced)


def numbered(target: str) -> tuple[str, int] | None:
    """("party", 2) for "party_2"; None for other targets."""
    match = NUMBERED_PATTERN.match(header_key(target))
    if not match or not 1 <= int(match.group(2)) <= MAX_NUMBERED:
        return None
    return match.group(1), int(match.group(2))


def target_label(target: str) -> str:
    """The translated label of a target field ("Role of party 2")."""
    parts = numbered(target)
    if parts is None:
        return str(LABELS[target])
    part, number = parts
    labels = {
        "party": _("Party %(n)s", n=number),
        "country": _("Country of party %(n)s", n=number),
        "role": _("Role of party %(n)s", n=number),
        "kind": _("Kind of party %(n)s", n=number),
    }
    return str(labels[part])


def is_target(target: str) -> bool:
    """Whether an import can fill this target."""
    parts = numbered(target)
    return target in LABELS or (parts is not None and target == numbered_target(*parts))


def numbered_target(part: str, number: int) -> str:
    """The target key of a numbered party column: "role_2"."""
    return f"{part}_{number}"


def targets(highest_numbered: int = OFFERED_NUMBERED) -> list[str]:
    """Every target the mapping screen offers, numbered parties up to `highest_numbered`."""
    parts = [numbered_target(part, n) for n in range(1, highest_numbered + 1) for part in NUMBERED_PARTS]
    return [*COLUMNS, *EXTRA_TARGETS, *parts]


# The interface languages whose labels an import recognises, whoever imports: an Indonesian export re-imports
# in English and the other way round.
LABEL_LOCALES = ("en", "id")


def label_spellings() -> dict[str, set[str]]:
    """Each target's labels in every interface language, as compared."""
    spellings: dict[str, set[str]] = {target: set() for target in (*COLUMNS, *EXTRA_TARGETS)}
    for locale in LABEL_LOCALES:
        with force_locale(locale):
            for target, found in spellings.items():
                found.add(header_key(str(LABELS[target])))
    return spellings


def guess_target(header: str) -> str | None:
    """The target a header names by key, label (in any interface language) or a known synonym."""
    key = header_key(header)
    parts = NUMBERED_PATTERN.match(key)
    if parts and 1 <= int(parts.group(2)) <= MAX_NUMBERED:
        return numbered_target(parts.group(1), int(parts.group(2)))
    for target, labels in label_spellings().items():
        spellings = {header_key(target), *labels}
        spellings.update(header_key(synonym) for synonym in SYNONYMS.get(target, ()))
        if key in spellings:
            return target
    return None
