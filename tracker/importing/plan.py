"""The dry run: every row read, matched against what is recorded and against earlier rows, with each problem.

Matching rules (README, "Import and export"):
- a party by its name or an alias (compared as `normalise_name`), within the country the file gives; without
  a country, the one party of that name in any country; otherwise a new party (kind "other" unless given);
- the state of a country (partner column, home country) is the country's recorded state party, else a party
  named like the country in it, else a new state party named after the country;
- a sector by slug or name; a source by its normalised URL, otherwise a new source titled with its URL;
- an agreement by title (compared like names), the same set of parties and the same start: such a row is
  "already present" and skipped (the preview names the fields that differ); recorded agreements are never
  changed by an import. A row repeating an earlier row is skipped if identical and refused if not.

The rows stream through: the plan keeps the first KEPT_ROWS rows and the first LISTED_SKIPPED skipped rows in
full, counts the rest, and remembers of each row only what finds repeats (a hash of its identity and of each
field), so that memory does not grow with the rows' text. A commit hands each row to create to a `RowSink` as it
is checked (tracker/importing/apply.py writes them in batches).
"""

from __future__ import annotations

import enum
import re
import struct
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy.orm import Session

from tracker.countries import country_name
from tracker.i18n import _
from tracker.importing.catalogue import (
    COMPARED,
    Catalogue,
    KnownAgreement,
    KnownParty,
    KnownSector,
    KnownUser,
    name_key,
)
from tracker.importing.fields import target_label
from tracker.importing.mapping import Mapping
from tracker.importing.reading import Table
from tracker.importing.rows import Problem, RowInput, RowReader, SourceDetails
from tracker.importing.values import CellError, PartyRef
from tracker.labels import label
from tracker.models import PartyKind, PartyRole
from tracker.records import sector as sector_contract
from tracker.records.agreement import AgreementData
from tracker.records.fields import max_length, plain_specs
from tracker.records.party import PartyData
from tracker.records.sector import SectorData
from tracker.text import normalise_name

PARTY_NAME_MAX = max_length(PartyData, "name")
# Rows the plan keeps whole, for the preview's table (which shows 200) and for tests of small files.
KEPT_ROWS = 1000
# Stands for the file's one problem listing the unknown sectors, until the last row says which they are.
UNKNOWN_SECTORS_PENDING = Problem(None, None, "")
# Skipped rows the plan keeps whole, for the command line's report (which names 50).
LISTED_SKIPPED = 100
# New sources the plan lists by URL (as many as the preview names); the rest are counted.
LISTED_NEW = 100


class Tally:
    """Distinct keys counted, the first LISTED_NEW kept with their values for the report ("…and 270,000 more").

    Reads like the dict it stood for (`len`, `values`, truth) without keeping every key: a key is remembered by its
    64-bit hash (about 60 bytes in the set) instead of the string and a dict entry (about 150 bytes for a URL).
    """

    def __init__(self) -> None:
        self.listed: dict[str, str] = {}
        self.hashes: set[int] = set()

    def setdefault(self, key: str, value: str) -> None:
        """Count the key once; keep it while the list has room."""
        if len(self.listed) < LISTED_NEW and key not in self.listed:
            self.listed[key] = value
        self.hashes.add(hash(key))

    def values(self) -> Iterable[str]:
        """The values of the first keys."""
        return self.listed.values()

    def __len__(self) -> int:
        return len(self.hashes)

    def __bool__(self) -> bool:
        return bool(self.hashes)


class Outcome(enum.Enum):
    """What an import does with a row."""

    CREATE = "create"
    PRESENT = "present"
    REPEAT = "repeat"
    INVALID = "invalid"


@dataclass(eq=False)
class NewParty:
    """A party the import creates; rows naming it share this one object."""

    name: str
    country: str | None
    kind: PartyKind
    kind_given: bool
    # Other names the file gives it (an acronym in brackets), written as its aliases.
    aliases: list[str] = field(default_factory=list)
    # The party its name says it comes under ("Directorate General ILMATE, Ministry of Industry"): a recorded one,
    # or one this file creates (found once every row is read: the ministry may first appear in a later row).
    parent: KnownParty | NewParty | None = None

    @property
    def key(self) -> tuple[str, str | None]:
        """Normalised name and country: one new party per key."""
        return name_key(self.name), self.country


PartyTarget = KnownParty | NewParty


@dataclass(eq=False)
class NewSector:
    """A sector the import adds to the vocabulary (`create_sectors`); rows naming it share this one object."""

    name: str
    slug: str


# A sector id, or a sector this import adds.
SectorTarget = int | NewSector


def sector_key(sector: SectorTarget) -> tuple[Any, ...]:
    """What makes two rows name the same sector."""
    return ("new", sector.slug) if isinstance(sector, NewSector) else ("known", sector)


def sector_name(text: str) -> str:
    """The name of a sector a file names: as written, or for a slug (an export's "steel-and-metals", a sheet's
    "electronics") words with a capital ("Steel and metals"): the slug made from that name is the same."""
    words = " ".join(text.split())
    if words == sector_contract.slugify(words):
        return words.replace("-", " ").capitalize()
    return words


def identity(party: PartyTarget) -> tuple[Any, ...]:
    """What makes two rows name the same party."""
    return ("known", party.id) if isinstance(party, KnownParty) else ("new", *party.key)


@dataclass
class RowData:
    """A valid row: everything to create its agreement."""

    # The agreement contract's plain fields by name (tracker/records/agreement.py).
    values: dict[str, Any]
    parties: list[tuple[PartyTarget, PartyRole]]
    sector_ids: list[SectorTarget]
    # Normalised URLs, and the same links as the file writes them.
    sources: list[str]
    written_sources: list[str] = field(default_factory=list)
    # What the file says of the row's one source (title, outlet, publication day, the link's quote).
    source_details: SourceDetails | None = None
    # The responsible officer and unit.
    owner: KnownUser | None = None
    unit: PartyTarget | None = None
    # The facts the quote cites, as the history names them; set when the row is written.
    cited: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        """The agreement's title."""
        return self.values["title"]

    def source_links(self) -> list[tuple[str, str]]:
        """(normalised, as written) of each source."""
        return list(zip(self.sources, self.written_sources or self.sources, strict=True))

    def key(self) -> tuple[Any, ...]:
        """Title, parties and start: the same agreement when these agree."""
        # Not the cached name_key: titles rarely repeat, and caching each would keep it in memory.
        parties = frozenset(identity(party) for party, _role in self.parties)
        return normalise_name(self.title), parties, self.values["start"]

    def comparable(self) -> dict[str, Any]:
        """Every field by its column, comparable between rows."""
        return {
            **{spec.file_key: self.values[spec.name] for spec in plain_specs(AgreementData)},
            "parties": sorted((identity(party), role.value) for party, role in self.parties),
            "sectors": sorted(sector_key(sector) for sector in self.sector_ids),
            "sources": sorted(self.sources),
            "owner": self.owner.id if self.owner is not None else None,
            "unit": identity(self.unit) if self.unit is not None else None,
            "source_details": self.source_details,
        }

    def named_parties(self) -> list[PartyTarget]:
        """The parties the row names: its parties, then its responsible unit."""
        return [party for party, _role in self.parties] + ([self.unit] if self.unit is not None else [])


@dataclass(frozen=True)
class Proposal:
    """A reading of a name for the person importing to confirm: a party matched by another of its names
    ("BKPM" is the recorded "Indonesia Investment Coordinating Board (BKPM)"), or a new unit placed under the party
    its name ends with. `accepted` is False once they said no (Mapping.kept_apart / not_units)."""

    written: str
    target: str
    accepted: bool = True
    new: bool = False  # the matched party or the unit's parent is one this file creates


@dataclass
class RowPlan:
    """One row's outcome, with what it creates or matches and its problems."""

    number: int
    outcome: Outcome
    title: str
    data: RowData | None = None
    problems: list[Problem] = field(default_factory=list)
    existing: KnownAgreement | None = None
    repeat_of: int | None = None
    differences: list[str] = field(default_factory=list)


@dataclass
class ImportPlan:
    """The dry run's result: rows, problems, and the parties and sources the import would create.

    `rows` holds the first KEPT_ROWS rows and `skipped` the first LISTED_SKIPPED skipped ones; `total` and
    `count()` cover every row of the file.
    """

    format: str
    encoding: str | None
    columns: dict[str, str]
    # The file's columns no field reads, named in every report so that nothing is dropped silently.
    ignored: list[str] = field(default_factory=list)
    # Sectors the file names that the vocabulary lacks: added by the import (`create_sectors`), or listed once.
    new_sectors: list[NewSector] = field(default_factory=list)
    unknown_sectors: list[str] = field(default_factory=list)
    rows: list[RowPlan] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    new_parties: list[NewParty] = field(default_factory=list)
    matched_parties: list[KnownParty] = field(default_factory=list)
    # Readings of names to confirm, in the order first met: parties matched by another name, units placed.
    matches: list[Proposal] = field(default_factory=list)
    units: list[Proposal] = field(default_factory=list)
    # Sectors named by one of a sector's keywords ("Energi terbarukan" is Renewable energy), to confirm likewise.
    sector_matches: list[Proposal] = field(default_factory=list)
    new_sources: Tally = field(default_factory=Tally)
    linked_sources: set[int] = field(default_factory=set)
    skipped: list[RowPlan] = field(default_factory=list)
    total: int = 0
    counts: Counter = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        """Whether the import may commit: not one problem."""
        return not self.problems

    def count(self, outcome: Outcome) -> int:
        """How many rows have this outcome."""
        return self.counts[outcome]

    def add(self, row: RowPlan) -> None:
        """Count a checked row; keep it whole while there is room."""
        self.total += 1
        self.counts[row.outcome] += 1
        self.problems.extend(row.problems)
        if len(self.rows) < KEPT_ROWS:
            self.rows.append(row)
        if row.outcome in (Outcome.PRESENT, Outcome.REPEAT) and len(self.skipped) < LISTED_SKIPPED:
            self.skipped.append(row)


class RowSink(Protocol):
    """Where a commit sends each row to create, as soon as it is checked."""

    def add(self, data: RowData) -> None:
        """Take a row to create."""


def field_hashes(data: RowData) -> tuple[int, ...]:
    """A hash of each field of `RowData.comparable()`, to tell an identical repeat from a differing one."""
    return tuple(map(field_hash, data.comparable().values()))


def field_hash(value: Any) -> int:
    """A value's hash: text hashed itself, a list as a tuple, any other value with its type (so that the text "None"
    and None, or 1 and True, do not hash alike); by its repr only when it cannot be hashed. The hashes are compared
    within one import, one process. (Every value by its repr made a text of each enum, date and list of each row:
    a tenth of reading a row.)"""
    if isinstance(value, str):
        return hash(value)
    if isinstance(value, list):
        value = tuple(value)
    try:
        return hash((type(value), value))
    except TypeError:  # a list inside a value
        return hash((repr(value),))


def packed(number: int, hashes: tuple[int, ...]) -> bytes:
    """A row's number and field hashes in 8 bytes each: a tuple of ints would take five times the memory."""
    return struct.pack(f"<{1 + len(hashes)}q", number, *hashes)


def unpacked(record: bytes) -> tuple[int, tuple[int, ...]]:
    """The row number and field hashes `packed` holds."""
    number, *hashes = struct.unpack(f"<{len(record) // 8}q", record)
    return number, tuple(hashes)


class Planner:
    """Checks a table under a mapping against one catalogue of recorded records."""

    def __init__(
        self,
        session: Session,
        mapping: Mapping,
        home_country: str | None = None,
        progress: Callable[[int], None] | None = None,
        catalogue: Catalogue | None = None,
    ) -> None:
        self.session = session
        self.mapping = mapping
        self.home_country = home_country
        self.progress = progress or (lambda _done: None)
        self.given_catalogue = catalogue
        self.catalogue = Catalogue()
        self.new_parties: dict[tuple[str, str | None], NewParty] = {}
        self.new_by_name: dict[str, list[NewParty]] = {}
        # hash of a row's identity (title, parties, start) -> its row number and field hashes, packed
        self.seen: dict[int, bytes] = {}
        self.columns: dict[str, str] = {}
        self.new_used: dict[int, NewParty] = {}
        self.matched: dict[int, KnownParty] = {}
        # Names written otherwise than the party (or sector) they matched, by their key: the proposal to confirm.
        self.matches: dict[str, Proposal] = {}
        self.sector_matches: dict[str, Proposal] = {}
        # Sectors the vocabulary lacks, by the name's key: to add (create_sectors), or unknown (their names).
        self.new_sectors: dict[str, NewSector] = {}
        self.unknown_sectors: dict[str, str] = {}
        # What each unknown sector would be, were it added: rows name these while the file's problem stands.
        self.unlisted_sectors: dict[str, NewSector] = {}
        self.unknown_sectors_noted = False

    def plan(self, table: Table, sink: RowSink | None = None) -> ImportPlan:
        """Read, check and match every row; each row to create goes to `sink` while no row has a problem."""
        columns = self.columns = self.mapping.bind(table.headers)
        mapped = set(columns.values())
        ignored = [header for header in table.headers if header not in mapped]
        plan = ImportPlan(table.format, table.encoding, columns, ignored)
        if "title" not in columns:
            plan.problems.append(Problem(None, None, str(_("No column of the file is mapped to the title."))))
            return plan
        if not table.rows:
            plan.problems.append(Problem(None, None, str(_("The file has no rows to import."))))
            return plan
        self.catalogue = self.given_catalogue or Catalogue.load(self.session)
        reader = RowReader(self.mapping, columns, table.format, self.home_country)
        position = {header: index for index, header in enumerate(table.headers)}
        for number, cells in table.rows:
            row = self.resolve(reader.read(number, cells))
            row.problems.sort(key=lambda problem: position.get(problem.column, len(position)))  # type: ignore[arg-type]
            plan.add(row)
            if self.unknown_sectors and not self.unknown_sectors_noted:
                plan.problems.append(UNKNOWN_SECTORS_PENDING)  # at once: no later row reaches the sink
                self.unknown_sectors_noted = True
            if row.outcome is Outcome.CREATE:
                self.note_created(plan, row.data)  # type: ignore[arg-type]
                if sink is not None and plan.ok:
                    sink.add(row.data)  # type: ignore[arg-type]
            self.progress(1)
        self.place_units_under_new_parties()
        plan.new_parties = list(self.new_used.values())
        plan.matches = list(self.matches.values())
        plan.units = self.unit_proposals()
        plan.sector_matches = list(self.sector_matches.values())
        plan.matched_parties = sorted(self.matched.values(), key=lambda party: name_key(party.name))
        plan.new_sectors = list(self.new_sectors.values())
        self.list_unknown_sectors(plan)
        return plan

    def list_unknown_sectors(self, plan: ImportPlan) -> None:
        """One problem for the file naming every sector the vocabulary lacks, instead of one per row."""
        if not self.unknown_sectors:
            return
        plan.unknown_sectors = sorted(self.unknown_sectors.values(), key=str.casefold)
        message = _(
            "These sectors are not in the sector list: %(names)s. Add them to it, or let the import add them "
            "(flask import --create-sectors, or the option on the mapping page).",
            names=", ".join(plan.unknown_sectors),
        )
        plan.problems[plan.problems.index(UNKNOWN_SECTORS_PENDING)] = Problem(None, None, str(message))

    # --- one row ---------------------------------------------------------------------------------

    def resolve(self, row: RowInput) -> RowPlan:
        """Match the row's parties, sectors, sources and agreement; invalid if anything is wrong."""
        problems = list(row.problems)
        parties = self.attempt(row, problems, [(ref, column, self.party) for ref, column in row.parties])
        sectors_column, sources_column = self.columns.get("sectors"), self.columns.get("sources")
        sector_ids = self.attempt(row, problems, [(text, sectors_column, self.sector) for text in row.sectors])
        sources = self.attempt(row, problems, [(link, sources_column, self.source) for link in row.sources])
        links = list(dict(sources).items())
        owner, unit = self.responsible(row, problems)
        if problems:
            return RowPlan(row.number, Outcome.INVALID, row.title, problems=problems)
        data = RowData(
            values=row.values,
            parties=list(dict.fromkeys(zip(parties, [ref.role for ref, _column in row.parties], strict=True))),
            sector_ids=list({sector_key(sector): sector for sector in sector_ids}.values()),
            sources=[normalised for normalised, _written in links],
            written_sources=[written for _normalised, written in links],
            source_details=row.source_details,
            owner=owner,
            unit=unit,
        )
        return self.match(row.number, data)

    def responsible(self, row: RowInput, problems: list[Problem]) -> tuple[KnownUser | None, PartyTarget | None]:
        """The row's officer and unit; (None, None), with the problem noted, when one of them is not found."""
        items = [(row.owner, self.columns.get("owner"), self.owner), (row.unit, self.columns.get("unit"), self.unit)]
        found = self.attempt(row, problems, items)
        return (found[0], found[1]) if len(found) == len(items) else (None, None)

    def attempt(self, row: RowInput, problems: list[Problem], items: list[tuple[Any, Any, Callable]]) -> list[Any]:
        """Each item resolved; a CellError becomes a problem at the item's column (the file's header)."""
        found = []
        for item, column, resolve in items:
            try:
                found.append(resolve(item))
            except CellError as error:
                problems.append(Problem(row.number, column, str(error)))
        return found

    def match(self, number: int, data: RowData) -> RowPlan:
        """Present already, repeating an earlier row, or new."""
        identity_key = data.key()
        key = hash(identity_key)  # 64 bits: a false repeat among 200,000 rows is about as likely as 1 in 10⁹
        earlier = self.seen.get(key)
        if earlier is not None:
            return self.repeat(number, data, *unpacked(earlier))
        self.seen[key] = packed(number, field_hashes(data))
        existing = self.existing(data, identity_key[0])
        if existing is not None:
            differences = differing_fields(data, existing, self.columns)
            return RowPlan(number, Outcome.PRESENT, data.title, data, existing=existing, differences=differences)
        return RowPlan(number, Outcome.CREATE, data.title, data)

    def repeat(self, number: int, data: RowData, first: int, earlier: tuple[int, ...]) -> RowPlan:
        """A row naming the same agreement as an earlier row: skipped if identical, refused if not."""
        pairs = zip(data.comparable(), earlier, field_hashes(data), strict=True)
        differences = [target_label(name) for name, was, now in pairs if was != now]
        if not differences:
            return RowPlan(number, Outcome.REPEAT, data.title, data, repeat_of=first)
        message = _(
            "This row names the same agreement as row %(row)s (title, parties and start) but differs in: %(fields)s.",
            row=first,
            fields=", ".join(differences),
        )
        return RowPlan(number, Outcome.INVALID, data.title, problems=[Problem(number, None, str(message))])

    def existing(self, data: RowData, title_key: str) -> KnownAgreement | None:
        """The recorded agreement with the row's title (`title_key`), parties and start, archived ones included."""
        if any(isinstance(party, NewParty) for party, _role in data.parties):
            return None  # a recorded agreement names only recorded parties
        party_ids = frozenset(party.id for party, _role in data.parties)
        for known in self.catalogue.agreements.get(title_key, []):
            if known.party_ids == party_ids and known.values["start"] == data.values["start"]:
                return known
        return None

    # --- parties, sectors, sources ---------------------------------------------------------------

    def party(self, ref: PartyRef) -> PartyTarget:
        """The recorded party the reference names, or the new party it makes; a match by another of its names is
        noted for the person importing to confirm."""
        if ref.state_of:
            return self.state(ref.state_of)
        name = " ".join(ref.name.split())
        found = self.named_party(ref, name)
        if name_key(found.name) != name_key(name):
            self.note_match(name, found)
        return found

    def unit(self, ref: PartyRef | None) -> PartyTarget | None:
        """The responsible unit: a party as the parties column names one (recorded, or new with this file)."""
        return self.party(ref) if ref is not None else None

    def owner(self, written: str) -> KnownUser | None:
        """The user the officer cell names by e-mail or by name; none for a blank cell."""
        if not written:
            return None
        found = self.catalogue.users.get(written.casefold(), [])
        if len(found) > 1:
            raise CellError(str(_("Several accounts are named “%(name)s”; give the e-mail.", name=written)))
        if not found:
            message = _(
                "No account has the e-mail or name “%(name)s”: an admin can add it first, or leave the cell blank.",
                name=written,
            )
            raise CellError(str(message))
        return found[0]

    def note_match(self, written: str, party: PartyTarget) -> None:
        """Note that a name was read as another party's (once per name)."""
        self.matches.setdefault(name_key(written), Proposal(written, party.name, new=isinstance(party, NewParty)))

    def named_party(self, ref: PartyRef, name: str) -> PartyTarget:
        """The party a name stands for: recorded, or created by this file; a name kept apart matches only itself."""
        if name_key(name) in self.mapping.kept_apart:
            self.matches.setdefault(name_key(name), Proposal(name, "", accepted=False))
            known = [party for party in self.catalogue.names.get(name_key(name), []) if self.same_name(party, name)]
            if ref.country:
                known = [party for party in known if party.country == ref.country]
            return live(known[0]) if known else self.new_party(name, ref.country, ref.kind, exact=True)
        known = self.known_by_names(name, ref.acronym)
        if ref.country:
            known = [party for party in known if party.country == ref.country]
        elif len({party.country for party in known}) > 1:
            countries = ", ".join(sorted(party.country or "—" for party in known))
            message = _(
                "“%(name)s” names parties in several countries (%(countries)s); add the country: %(name)s (KR).",
                name=name,
                countries=countries,
            )
            raise CellError(str(message))
        if known:
            return live(known[0])
        new = self.new_by_acronym(name, ref.country)
        if new is not None:
            return new
        party = self.new_party(name, ref.country, ref.kind)
        if ref.acronym and ref.acronym not in party.aliases:
            party.aliases.append(ref.acronym)
            self.new_by_name.setdefault(name_key(ref.acronym), []).append(party)
        return party

    def parent_in(self, name: str) -> KnownParty | None:
        """The live recorded party a unit's name ends with: "X, Ministry of Industry of the Republic of Indonesia" or
        "X of the Ministry of Industry" comes under the recorded "Ministry of Industry"."""
        for tail in unit_tails(name):
            found = [party for party in self.catalogue.names.get(name_key(tail), []) if not party.archived]
            if len(found) == 1:
                return found[0]
        return None

    @staticmethod
    def same_name(party: PartyTarget, name: str) -> bool:
        """Whether the party goes by this very name (not by an alias or acronym)."""
        return name_key(party.name) == name_key(name)

    def place_units_under_new_parties(self) -> None:
        """A new unit whose name ends with the name of a party this file creates comes under that party."""
        for party in self.new_used.values():
            if party.parent is None and name_key(party.name) not in self.mapping.not_units:
                party.parent = self.new_parent_of(party)

    def unit_proposals(self) -> list[Proposal]:
        """The new parties placed under another (to confirm) and those the person importing kept apart."""
        proposals = []
        for party in self.new_used.values():
            if party.parent is not None:
                proposals.append(Proposal(party.name, party.parent.name, new=isinstance(party.parent, NewParty)))
            elif name_key(party.name) in self.mapping.not_units:
                proposals.append(Proposal(party.name, "", accepted=False))
        return proposals

    def new_parent_of(self, unit: NewParty) -> NewParty | None:
        """The one party of this file a unit's name ends with, if any."""
        for tail in unit_tails(unit.name):
            found = [party for party in self.new_by_name.get(name_key(tail), []) if party is not unit]
            if len(found) == 1 and id(found[0]) in self.new_used:
                return found[0]
        return None

    def known_by_names(self, name: str, acronym: str | None) -> list[KnownParty]:
        """Recorded parties going by the name (or an alias), else by its acronym, else by one of its "/"-separated
        names ("Ministry of Investment/BKPM")."""
        for candidate in (name, acronym, *slash_names(name)):
            found = self.catalogue.names.get(name_key(candidate), []) if candidate else []
            if found:
                return found
        return []

    def new_by_acronym(self, name: str, country: str | None) -> NewParty | None:
        """The party an earlier row of this file created with this acronym ("BKPM", "Ministry of Investment/BKPM")."""
        for candidate in (name, *slash_names(name)):
            owners = [
                party
                for party in self.new_by_name.get(name_key(candidate), [])
                if name_key(candidate) in {name_key(alias) for alias in party.aliases}
                and country in (None, party.country)
            ]
            if len(owners) == 1:
                return owners[0]
        return None

    def state(self, code: str) -> PartyTarget:
        """The state party of a country: recorded as a state, or named like the country, or new."""
        states = self.catalogue.states.get(code)
        if states:
            return states[0]
        name = country_name(code, "en")  # stored data is named in English, whoever imports it
        named = [party for party in self.catalogue.names.get(name_key(name), []) if party.country == code]
        if named:
            return live(named[0])
        return self.new_party(name, code, PartyKind.STATE)

    def new_party(self, name: str, country: str | None, kind: PartyKind | None, exact: bool = False) -> NewParty:
        """The party this file creates under the name (and country): one per name, its kind given once; `exact`
        leaves out the parties this name is an acronym of."""
        if len(name) > PARTY_NAME_MAX:
            raise CellError(str(_("A party's name has at most %(max)s characters.", max=PARTY_NAME_MAX)))
        party = self.new_parties.get((name_key(name), country))
        namesakes = self.new_by_name.get(name_key(name), [])
        if exact:
            namesakes = [found for found in namesakes if self.same_name(found, name)]
        if party is None and country is None and len(namesakes) == 1:
            party = namesakes[0]
        if party is None:
            parent = None if name_key(name) in self.mapping.not_units else self.parent_in(name)
            party = NewParty(name, country, kind or PartyKind.OTHER, kind is not None, parent=parent)
            self.new_parties[party.key] = party
            self.new_by_name.setdefault(name_key(name), []).append(party)
        elif kind is not None and not party.kind_given:
            party.kind, party.kind_given = kind, True
        elif kind is not None and party.kind is not kind:
            message = _(
                "The file gives “%(name)s” two kinds: %(first)s and %(second)s.",
                name=party.name,
                first=label(party.kind),
                second=label(kind),
            )
            raise CellError(str(message))
        return party

    def sector(self, text: str) -> SectorTarget:
        """A sector's id by slug or name; one to add, or None (noted) when the vocabulary lacks it; an archived
        sector is refused."""
        sector = self.catalogue.sectors.get(text.strip().lower()) or self.catalogue.sectors.get(name_key(text))
        if sector is None:
            sector = self.sector_by_keyword(text)
        if sector is None:
            return self.missing_sector(text)
        if sector.archived:
            raise CellError(str(_("The sector “%(name)s” is archived; an admin can restore it.", name=sector.name)))
        return sector.id

    def sector_by_keyword(self, text: str) -> KnownSector | None:
        """The one live sector with this keyword ("energi terbarukan"), noted for the person importing to confirm;
        None when no sector or several have it, or when they kept the name apart."""
        key = name_key(text)
        found = self.catalogue.sector_keywords.get(key, [])
        if key in self.mapping.kept_apart:
            if found:
                self.sector_matches.setdefault(key, Proposal(" ".join(text.split()), "", accepted=False))
            return None
        if len(found) != 1:
            return None
        self.sector_matches.setdefault(key, Proposal(" ".join(text.split()), found[0].name))
        return found[0]

    def missing_sector(self, text: str) -> NewSector:
        """A sector to add when the mapping says so (checked by the sector's contract). Otherwise the file's one
        problem lists it, and the row is planned as it would be with the sector added, so that a dry run shows
        everything else the import would do (no row reaches the writer while the file has a problem)."""
        key = name_key(text)
        if not self.mapping.create_sectors:
            self.unknown_sectors.setdefault(key, " ".join(text.split()))
            name = sector_name(text)
            return self.unlisted_sectors.setdefault(key, NewSector(name, sector_contract.slugify(name)))
        if key not in self.new_sectors:
            self.new_sectors[key] = self.new_sector(text)
        return self.new_sectors[key]

    def new_sector(self, text: str) -> NewSector:
        """A new sector named as the file writes it; its slug made from the name must be free."""
        data = sector_contract.cleaned(SectorData(name=sector_name(text)))
        problems = sector_contract.check(data)
        if problems:
            raise CellError(str(problems[0].message))
        taken = self.catalogue.sectors.get(data.slug)
        if taken is not None or any(sector.slug == data.slug for sector in self.new_sectors.values()):
            message = _(
                "A new sector “%(name)s” would take the slug “%(slug)s”, which is taken.", name=text, slug=data.slug
            )
            raise CellError(str(message))
        return NewSector(data.name, data.slug)

    def source(self, link: tuple[str, str]) -> tuple[str, str]:
        """A link (normalised, as written); a link to an archived source is refused."""
        normalised, written = link
        known = self.catalogue.sources.get(normalised)
        if known is not None and known[1]:
            raise CellError(str(_("The source %(url)s is archived; an admin can restore it.", url=written[:80])))
        return link

    def note_created(self, plan: ImportPlan, data: RowData) -> None:
        """The parties and sources a row to create makes or links."""
        for party in data.named_parties():
            if isinstance(party, NewParty):
                self.new_used.setdefault(id(party), party)
            else:
                self.matched.setdefault(party.id, party)
        for url, written in data.source_links():
            known = self.catalogue.sources.get(url)
            if known is None:
                plan.new_sources.setdefault(url, url if written == url else written)  # one string, not two
            else:
                plan.linked_sources.add(known[0])


# How a unit's name names what it comes under: after a comma, or after " of the ".
UNIT_JOINS = re.compile(r",\s*|\s+of\s+the\s+", re.IGNORECASE)
# The state's name that often ends a ministry's name, and may be missing from the recorded one.
STATE_SUFFIX = re.compile(r"\s+(?:of\s+the\s+Republic\s+of\s+Indonesia|Republik\s+Indonesia|RI)$", re.IGNORECASE)


def unit_tails(name: str) -> list[str]:
    """The names a unit's name may end with, longest first, each also without the state's name."""
    tails = []
    for match in UNIT_JOINS.finditer(name):
        tail = name[match.end() :].strip()
        tails += [tail, STATE_SUFFIX.sub("", tail)] if tail else []
    return list(dict.fromkeys(tail for tail in tails if tail))


def slash_names(name: str) -> list[str]:
    """The names a "/" joins ("Ministry of Investment/BKPM"); none for a name without one."""
    return [part.strip() for part in name.split("/") if part.strip()] if "/" in name else []


def live(party: KnownParty) -> KnownParty:
    """The party, unless it is archived: a live agreement never names an archived party."""
    if party.archived:
        message = _("The party “%(name)s” is archived; an admin can restore it first.", name=party.name)
        raise CellError(str(message))
    return party


def differing_fields(data: RowData, known: KnownAgreement, mapped: Iterable[str]) -> list[str]:
    """The labels of the fields where the row and the recorded agreement disagree (the officer and the unit only
    when the file has their columns: a file without them says nothing of them)."""
    differing = [spec.file_key for spec in COMPARED if data.values[spec.name] != known.values[spec.name]]
    unit_id = data.unit.id if isinstance(data.unit, KnownParty) else None if data.unit is None else 0
    owner_id = data.owner.id if data.owner is not None else None
    responsible = {"owner": owner_id == known.owner_id, "unit": unit_id == known.unit_id}
    differing += [key for key, same in responsible.items() if key in mapped and not same]
    return [target_label(key) for key in differing]


def plan_import(
    session: Session,
    table: Table,
    mapping: Mapping,
    home_country: str | None = None,
    progress: Callable[[int], None] | None = None,
    sink: RowSink | None = None,
    catalogue: Catalogue | None = None,
) -> ImportPlan:
    """The dry run of importing `table` under `mapping` (and, given a sink, the rows to create sent to it)."""
    return Planner(session, mapping, home_country, progress, catalogue).plan(table, sink)
