"""Look-ups for the pickers: the records a few typed letters name, ranked and limited (GET /lookup/<kind>).

Parties are found by their names and aliases (English and Indonesian alike), accents and case folded. No column holds
a folded name (SQL cannot fold accents the same way on SQLite and PostgreSQL), so each process keeps the live
parties' folded names in memory (`PartyNames`), read again only when `party_version` — one statement on indexes —
says a party or an alias was written: a warm look-up is that one statement and a scan of the folded keys (5,000
parties with their aliases: about 2 ms). Agreements are found by number or through the full-text index of the list
page's search; sources by number, address or title.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.archiving import WITH_ARCHIVED
from tracker.countries import country_name
from tracker.forms.base import reference_id
from tracker.models import MAX_ID, Agreement, Party, PartyAlias, PartyKind, Source
from tracker.queries.agreements import AgreementFilters, SortOrder, search_agreements
from tracker.queries.parties import party_label
from tracker.queries.sources import SourceFilters, source_list
from tracker.text import normalise_name

DEFAULT_LIMIT = 10
MAX_LIMIT = 50
LANGUAGES = ("en", "id")
# Between two parties' names in the string searched: no folded name holds it.
SEPARATOR = "\x00"
# How a typed text meets a name, best first: the whole name, its start, the start of one of its words, inside it.
EXACT, PREFIX, WORD_PREFIX, INSIDE, ALL_WORDS = range(5)


@dataclass(frozen=True)
class PartyEntry:
    """One live party as the look-up knows it: its names, and their folded forms (the name first)."""

    id: int
    name: str
    country_code: str | None
    kind: PartyKind
    aliases: tuple[str, ...]
    keys: tuple[str, ...]
    # The keys in one string, so that a typed text is first tested once per party, in C.
    blob: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "blob", "\n".join(self.keys))

    @property
    def names(self) -> tuple[str, ...]:
        """The name, then the aliases, as written."""
        return (self.name, *self.aliases)

    @property
    def label(self) -> str:
        """ "Name (Country)" in the interface language, as pickers show it."""
        return party_label(self.name, self.country_code)

    def is_named(self, text: str) -> bool:
        """Whether `text` is exactly this party's name, an alias or its label (folded)."""
        key = normalise_name(text)
        return key in self.keys or bool(by_label([self], key))


@dataclass(frozen=True)
class PartyHit:
    """A party the text found, with the name or alias it matched and how well."""

    party: PartyEntry
    matched: str
    rank: int


def party_version(session: Session) -> tuple:
    """A value that changes whenever a party or an alias is written, archived or restored: maxima and a count in one
    statement (aliases are only ever added or deleted, never rewritten in place)."""
    party, alias = Party.__table__, PartyAlias.__table__
    # Parties are never deleted, and every write of one (archiving and restoring too) moves its `updated_at`.
    statement = select(
        select(func.max(party.c.id)).scalar_subquery(),
        select(func.max(party.c.updated_at)).scalar_subquery(),
        select(func.count(alias.c.id)).scalar_subquery(),
        select(func.max(alias.c.id)).scalar_subquery(),
    ).execution_options(**WITH_ARCHIVED)
    return tuple(session.execute(statement).one())


def load_party_entries(session: Session) -> list[PartyEntry]:
    """Every live party with its aliases and folded keys, in two statements."""
    aliases: dict[int, list[str]] = {}
    for party_id, alias in session.execute(select(PartyAlias.party_id, PartyAlias.alias).order_by(PartyAlias.alias)):
        aliases.setdefault(party_id, []).append(alias)
    rows = session.execute(select(Party.id, Party.name, Party.country_code, Party.kind))
    entries = []
    for row in rows:
        own = tuple(aliases.get(row.id, ()))
        keys = tuple(normalise_name(text) for text in (row.name, *own))
        entries.append(PartyEntry(row.id, row.name, row.country_code, row.kind, own, keys))
    return entries


class PartyFinder:
    """One snapshot of the live parties' names: find by typed text, by exact name, by id.

    The folded names are kept sorted, so the names a text begins (the best matches) are a range found by bisection;
    only when fewer than the limit begin with it are the others searched, in one string of every name (in C).
    """

    def __init__(self, entries: list[PartyEntry]) -> None:
        self.entries = entries
        self.by_id = {entry.id: entry for entry in entries}
        pairs = sorted((key, position) for position, entry in enumerate(entries) for key in entry.keys)
        self.keys = [key for key, _position in pairs]
        self.owners = [position for _key, position in pairs]
        self.text = SEPARATOR.join(entry.blob for entry in entries)
        self.starts = list(accumulate((len(entry.blob) + 1 for entry in entries[:-1]), initial=0))

    def get(self, party_id: int) -> PartyEntry | None:
        """The live party with this id."""
        return self.by_id.get(party_id)

    def starting_with(self, query: str) -> dict[int, PartyHit]:
        """Party id -> its best name among those that begin with `query` (exact or prefix)."""
        found: dict[int, PartyHit] = {}
        index = bisect_left(self.keys, query)
        while index < len(self.keys) and self.keys[index].startswith(query):
            entry = self.entries[self.owners[index]]
            key = self.keys[index]
            hit = PartyHit(entry, entry.names[entry.keys.index(key)], EXACT if key == query else PREFIX)
            known = found.get(entry.id)
            if known is None or (hit.rank, len(hit.matched)) < (known.rank, len(known.matched)):
                found[entry.id] = hit
            index += 1
        return found

    def containing(self, word: str) -> list[PartyEntry]:
        """The parties one of whose names holds `word`."""
        found: list[PartyEntry] = []
        position = self.text.find(word)
        while position != -1:
            owner = bisect_right(self.starts, position) - 1
            found.append(self.entries[owner])
            following = self.starts[owner + 1] if owner + 1 < len(self.starts) else len(self.text)
            position = self.text.find(word, following)
        return found

    def find(self, text: str, limit: int = DEFAULT_LIMIT) -> list[PartyHit]:
        """The parties whose name or an alias matches `text` (folded), best first: exact, then the start of a name,
        then the start of a word, then anywhere, then every word anywhere; shorter names first; at most `limit`."""
        query = normalise_name(text)
        if not query:
            return []
        hits = self.starting_with(query)
        if len(hits) < limit:
            words = query.split()
            near = [entry for entry in self.containing(max(words, key=len)) if all(w in entry.blob for w in words)]
            hits = {entry.id: hit for entry in near if (hit := best_match(entry, query, words)) is not None}
        return sorted(hits.values(), key=lambda hit: (hit.rank, len(hit.matched), hit.party.keys[0], hit.party.id))[
            :limit
        ]

    def exact(self, text: str) -> list[PartyEntry]:
        """The parties the text names exactly (`exact_parties`)."""
        return exact_parties(self.entries, text)


class PartyNames:
    """The live parties' folded names, kept per process while `party_version` stays the same."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: tuple | None = None
        self._finder = PartyFinder([])

    def finder(self, session: Session) -> PartyFinder:
        """The current snapshot, read again from the database when a party or alias changed since."""
        version = party_version(session)
        with self._lock:
            if version == self._version:
                return self._finder
        finder = PartyFinder(load_party_entries(session))
        with self._lock:
            self._version, self._finder = version, finder
        return finder


def rank_of(key: str, query: str, words: list[str]) -> int | None:
    """How well one folded name matches the folded query (None: not at all)."""
    if key == query:
        return EXACT
    if key.startswith(query):
        return PREFIX
    position = key.find(query)
    if position > 0:
        return WORD_PREFIX if not key[position - 1].isalnum() else INSIDE
    if len(words) > 1 and all(word in key for word in words):
        return ALL_WORDS
    return None


def best_match(entry: PartyEntry, query: str, words: list[str]) -> PartyHit | None:
    """The entry's best-matching name: the best rank, then the shortest name."""
    best: tuple[int, int, str] | None = None
    for text, key in zip(entry.names, entry.keys, strict=True):
        rank = rank_of(key, query, words)
        if rank is not None and (best is None or (rank, len(key)) < best[:2]):
            best = (rank, len(key), text)
    return PartyHit(entry, best[2], best[0]) if best else None


def find_parties(entries: Iterable[PartyEntry], text: str, limit: int = DEFAULT_LIMIT) -> list[PartyHit]:
    """The parties among `entries` that `text` matches, best first (`PartyFinder.find`)."""
    return PartyFinder(list(entries)).find(text, limit)


def exact_parties(entries: Iterable[PartyEntry], text: str) -> list[PartyEntry]:
    """The parties `text` names exactly: by name if any has it (names are unique within a country), else by an
    alias, else by the label "Name (Country)" the pickers show, the country in English or Indonesian."""
    entries = list(entries)
    key = normalise_name(text)
    by_name = [entry for entry in entries if entry.keys[0] == key]
    by_alias = [entry for entry in entries if key in entry.keys[1:]]
    return by_name or by_alias or by_label(entries, key)


def by_label(entries: list[PartyEntry], key: str) -> list[PartyEntry]:
    """The parties whose "Name (Country)" is the folded `key`."""
    name, bracket, country = key.rpartition(" (")
    if not bracket or not country.endswith(")"):
        return []
    country = country[:-1]
    return [
        entry
        for entry in entries
        if entry.keys[0] == name
        and entry.country_code
        and country in {normalise_name(country_name(entry.country_code, language)) for language in LANGUAGES}
    ]


def find_agreements(session: Session, text: str, limit: int = DEFAULT_LIMIT) -> list[Agreement]:
    """Agreements by number ("123", "#123") or by the words of the list page's search, best match first."""
    number = reference_id(text.strip())
    if number is not None:
        if not 1 <= number <= MAX_ID:
            return []
        found = session.get(Agreement, number)
        return [found] if found is not None else []
    if not text.strip():
        return []
    filters = AgreementFilters(text=text, sort=SortOrder.RELEVANCE)
    return list(search_agreements(session, filters, page=1, per_page=limit).items)


def find_sources(session: Session, text: str, limit: int = DEFAULT_LIMIT) -> list[Source]:
    """Sources by number, else by every word in their title, outlet or address, newest first."""
    number = reference_id(text.strip())
    if number is not None:
        if not 1 <= number <= MAX_ID:
            return []
        found = session.get(Source, number)
        return [found] if found is not None else []
    if not text.strip():
        return []
    return list(source_list(session, SourceFilters(text=text), page=1, per_page=limit).items)
