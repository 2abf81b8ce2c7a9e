"""The gettext catalogs under translations/: what `make messages` runs after extracting, and what tests check.

    python -m tracker.catalogs wtforms translations/messages.pot   add WTForms' own messages to the template
    python -m tracker.catalogs english                             English catalog: msgstr = msgid where empty
    python -m tracker.catalogs missing                             list what each language still lacks

The Indonesian catalog is translated by people: `make messages` leaves new entries empty there, and
`missing` (and tests/web/test_i18n.py) name them until they are filled in.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po
from wtforms.i18n import messages_path

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"
LANGUAGES = ("en", "id")
WTFORMS_LOCATION = "wtforms"


def catalog_path(language: str) -> Path:
    """translations/<language>/LC_MESSAGES/messages.po."""
    return TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"


def read(path: Path, locale: str | None = None) -> Catalog:
    """A .po or .pot file."""
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def write(path: Path, catalog: Catalog) -> None:
    """Write a catalog back in the layout pybabel uses."""
    with path.open("wb") as handle:
        write_po(handle, catalog, width=76)


def add_wtforms_messages(template: Path) -> int:
    """Copy WTForms' built-in messages into the template (WTForms has no Indonesian catalog); how many were new."""
    catalog = read(template)
    wtforms = read(Path(messages_path()) / "wtforms.pot")
    added = 0
    for message in wtforms:
        if not message.id or message.id in catalog:
            continue
        catalog[message.id] = Message(message.id, locations=[(WTFORMS_LOCATION, 0)], flags=message.flags)
        added += 1
    write(template, catalog)
    return added


def fill_english(path: Path | None = None) -> int:
    """Give every empty or fuzzy English entry its msgid as translation; how many were filled."""
    path = path or catalog_path("en")
    catalog = read(path, locale="en")
    filled = 0
    for message in catalog:
        if not message.id or (is_translated(message) and not message.fuzzy):
            continue
        message.string = tuple(message.id) if isinstance(message.id, tuple) else message.id
        message.flags.discard("fuzzy")
        filled += 1
    write(path, catalog)
    return filled


def is_translated(message: Message) -> bool:
    """Every form of the message has a translation."""
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return bool(strings) and all(strings)


def untranslated(catalog: Catalog) -> list[Message]:
    """Entries with an empty translation (or plural form), or marked fuzzy (a guess nobody checked)."""
    return [message for message in catalog if message.id and (message.fuzzy or not is_translated(message))]


def message_key(message: Message) -> tuple[str, str | None]:
    """How an entry is identified: its msgid (the singular for plurals) and context."""
    singular = message.id[0] if isinstance(message.id, tuple) else message.id
    return singular, message.context


def missing_from(template: Catalog, catalog: Catalog) -> list[str]:
    """Msgids of the template that the catalog lacks altogether (run `make messages`)."""
    present = {message_key(message) for message in catalog if message.id}
    return [message_key(message)[0] for message in template if message.id and message_key(message) not in present]


def report() -> int:
    """Print what each language lacks; the number of problems."""
    template = read(TEMPLATE)
    problems = 0
    for language in LANGUAGES:
        catalog = read(catalog_path(language), locale=language)
        for msgid in missing_from(template, catalog):
            print(f"{language}: not in the catalog (run `make messages`): {msgid!r}")
            problems += 1
        for message in untranslated(catalog):
            state = "fuzzy" if message.fuzzy else "untranslated"
            print(f"{language}: {state}: {message_key(message)[0]!r}")
            problems += 1
    print(f"{problems} catalog entr{'y' if problems == 1 else 'ies'} to fill in ({catalog_path('id')}).")
    return problems


def main(argv: list[str]) -> int:
    """The command line named in the module's docstring."""
    command = argv[0] if argv else ""
    if command == "wtforms":
        print(f"{add_wtforms_messages(Path(argv[1]) if len(argv) > 1 else TEMPLATE)} WTForms messages added.")
        return 0
    if command == "english":
        print(f"{fill_english()} English entries filled with their msgid.")
        return 0
    if command == "missing":
        return 1 if report() else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
