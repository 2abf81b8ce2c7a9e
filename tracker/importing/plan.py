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
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from tracker.countries import country_name
from tracker.dates import PartialDate
from tracker.i18n import _
from tracker.importing.catalogue import Catalogue, KnownAgreement, KnownParty, name_key
from tracker.importing.fields import target_label
from tracker.importing.mapping import Mapping
from tracker.importing.reading import Table
from tracker.importing.rows import Problem, RowInput, RowReader
from tracker.importing.values import CellError, PartyRef
from tracker.labels import label
from tracker.models import AgreementStatus, InstrumentType, PartyKind, PartyRole, RenewalIntent

PARTY_NAME_MAX = 300


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

    @property
    def key(self) -> tuple[str, str | None]:
        """Normalised name and country: one new party per key."""
        return name_key(self.name), self.country


PartyTarget = KnownParty | NewParty


def identity(party: PartyTarget) -> tuple[Any, ...]:
    """What makes two rows name the same party."""
    return ("known", party.id) if isinstance(party, KnownParty) else ("new", *party.key)


@dataclass
class RowData:
    """A valid row: everything to create its agreement."""

    title: str
    title_local: str
    instrument: InstrumentType
    status: AgreementStatus
    renewal: RenewalIntent
    signed: PartialDate | None
    start: PartialDate | None
    end: PartialDate | None
    summary: str
    notes: str
    parties: list[tuple[PartyTarget, PartyRole]]
    sector_ids: list[int]
    sources: list[str]

    def key(self) -> tuple[Any, ...]:
        """Title, parties and start: the same agreement when these agree."""
        return name_key(self.title), frozenset(identity(party) for party, _role in self.parties), self.start

    def values(self) -> dict[str, Any]:
        """Every field, comparable between rows."""
        return {
            "title": self.title,
            "title_local": self.title_local,
            "instrument": self.instrument,
            "status": self.status,
            "renewal_intent": self.renewal,
            "signed": self.signed,
            "end": self.end,
            "summary": self.summary,
            "notes": self.notes,
            "parties": sorted((identity(party), role.value) for party, role in self.parties),
            "sectors": sorted(self.sector_ids),
            "sources": sorted(self.sources),
        }


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
    """The dry run's result: rows, problems, and the parties and sources the import would create."""

    format: str
    encoding: str | None
    columns: dict[str, str]
    rows: list[RowPlan] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    new_parties: list[NewParty] = field(default_factory=list)
    matched_parties: list[KnownParty] = field(default_factory=list)
    new_sources: dict[str, str] = field(default_factory=dict)
    linked_sources: set[int] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        """Whether the import may commit: not one problem."""
        return not self.problems

    def count(self, outcome: Outcome) -> int:
        """How many rows have this outcome."""
        return sum(1 for row in self.rows if row.outcome is outcome)

    def to_create(self) -> list[RowPlan]:
        """The rows that become new agreements, in file order."""
        return [row for row in self.rows if row.outcome is Outcome.CREATE]


class Planner:
    """Checks a table under a mapping against one catalogue of recorded records."""

    def __init__(
        self,
        session: Session,
        mapping: Mapping,
        home_country: str | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        self.session = session
        self.mapping = mapping
        self.home_country = home_country
        self.progress = progress or (lambda _done: None)
        self.catalogue = Catalogue()
        self.new_parties: dict[tuple[str, str | None], NewParty] = {}
        self.new_by_name: dict[str, list[NewParty]] = {}
        self.seen: dict[tuple[Any, ...], tuple[int, RowData]] = {}
        self.source_urls: dict[str, str] = {}
        self.columns: dict[str, str] = {}

    def plan(self, table: Table) -> ImportPlan:
        """Read, check and match every row; nothing is written."""
        columns = self.columns = self.mapping.bind(table.headers)
        plan = ImportPlan(table.format, table.encoding, columns)
        if "title" not in columns:
            plan.problems.append(Problem(None, None, str(_("No column of the file is mapped to the title."))))
            return plan
        if not table.rows:
            plan.problems.append(Problem(None, None, str(_("The file has no rows to import."))))
            return plan
        self.catalogue = Catalogue.load(self.session)
        reader = RowReader(self.mapping, columns, table.format, self.home_country)
        position = {header: index for index, header in enumerate(table.headers)}
        for number, cells in table.rows:
            row = self.resolve(reader.read(number, cells))
            row.problems.sort(key=lambda problem: position.get(problem.column, len(position)))  # type: ignore[arg-type]
            plan.rows.append(row)
            plan.problems.extend(row.problems)
            self.progress(1)
        self.finish(plan)
        return plan

    # --- one row ---------------------------------------------------------------------------------

    def resolve(self, row: RowInput) -> RowPlan:
        """Match the row's parties, sectors, sources and agreement; invalid if anything is wrong."""
        problems = list(row.problems)
        parties = self.attempt(row, problems, [(ref, column, self.party) for ref, column in row.parties])
        sectors_column, sources_column = self.columns.get("sectors"), self.columns.get("sources")
        sector_ids = self.attempt(row, problems, [(text, sectors_column, self.sector) for text in row.sectors])
        sources = self.attempt(row, problems, [(link, sources_column, self.source) for link in row.sources])
        if problems:
            return RowPlan(row.number, Outcome.INVALID, row.title, problems=problems)
        data = RowData(
            title=row.title,
            title_local=row.title_local,
            instrument=row.instrument,  # type: ignore[arg-type]
            status=row.status,  # type: ignore[arg-type]
            renewal=row.renewal,
            signed=row.signed,
            start=row.start,
            end=row.end,
            summary=row.summary,
            notes=row.notes,
            parties=list(dict.fromkeys(zip(parties, [ref.role for ref, _column in row.parties], strict=True))),
            sector_ids=list(dict.fromkeys(sector_ids)),
            sources=list(dict.fromkeys(sources)),
        )
        return self.match(row.number, data)

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
        key = data.key()
        earlier = self.seen.get(key)
        if earlier is not None:
            return self.repeat(number, data, *earlier)
        self.seen[key] = (number, data)
        existing = self.existing(data)
        if existing is not None:
            differences = differing_fields(data, existing)
            return RowPlan(number, Outcome.PRESENT, data.title, data, existing=existing, differences=differences)
        return RowPlan(number, Outcome.CREATE, data.title, data)

    def repeat(self, number: int, data: RowData, first: int, earlier: RowData) -> RowPlan:
        """A row naming the same agreement as an earlier row: skipped if identical, refused if not."""
        before, now = earlier.values(), data.values()
        differences = [target_label(name) for name in now if now[name] != before[name]]
        if not differences:
            return RowPlan(number, Outcome.REPEAT, data.title, data, repeat_of=first)
        message = _(
            "This row names the same agreement as row %(row)s (title, parties and start) but differs in: %(fields)s.",
            row=first,
            fields=", ".join(differences),
        )
        return RowPlan(number, Outcome.INVALID, data.title, problems=[Problem(number, None, str(message))])

    def existing(self, data: RowData) -> KnownAgreement | None:
        """The recorded agreement with the row's title, parties and start, archived ones included."""
        if any(isinstance(party, NewParty) for party, _role in data.parties):
            return None  # a recorded agreement names only recorded parties
        party_ids = frozenset(party.id for party, _role in data.parties)
        for known in self.catalogue.agreements.get(name_key(data.title), []):
            if known.party_ids == party_ids and known.start == data.start:
                return known
        return None

    # --- parties, sectors, sources ---------------------------------------------------------------

    def party(self, ref: PartyRef) -> PartyTarget:
        """The recorded party the reference names, or the new party it makes."""
        if ref.state_of:
            return self.state(ref.state_of)
        name = " ".join(ref.name.split())
        known = self.catalogue.names.get(name_key(name), [])
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
        return self.new_party(name, ref.country, ref.kind)

    def state(self, code: str) -> PartyTarget:
        """The state party of a country: recorded as a state, or named like the country, or new."""
        states = self.catalogue.states.get(code)
        if states:
            return states[0]
        name = country_name(code)
        named = [party for party in self.catalogue.names.get(name_key(name), []) if party.country == code]
        if named:
            return live(named[0])
        return self.new_party(name, code, PartyKind.STATE)

    def new_party(self, name: str, country: str | None, kind: PartyKind | None) -> NewParty:
        """The party this file creates under the name (and country): one per name, its kind given once."""
        if len(name) > PARTY_NAME_MAX:
            raise CellError(str(_("A party's name has at most %(max)s characters.", max=PARTY_NAME_MAX)))
        party = self.new_parties.get((name_key(name), country))
        if party is None and country is None and len(self.new_by_name.get(name_key(name), [])) == 1:
            party = self.new_by_name[name_key(name)][0]
        if party is None:
            party = NewParty(name, country, kind or PartyKind.OTHER, kind is not None)
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

    def sector(self, text: str) -> int:
        """A sector's id by slug or name; an unknown or archived sector is refused."""
        sector = self.catalogue.sectors.get(text.strip().lower()) or self.catalogue.sectors.get(name_key(text))
        if sector is None:
            message = _(
                "There is no sector “%(text)s”; use a slug or name of the sector list: %(slugs)s.",
                text=text[:60],
                slugs=", ".join(self.catalogue.sector_slugs()),
            )
            raise CellError(str(message))
        if sector.archived:
            raise CellError(str(_("The sector “%(name)s” is archived; an admin can restore it.", name=sector.name)))
        return sector.id

    def source(self, link: tuple[str, str]) -> str:
        """A link's normalised URL; a link to an archived source is refused."""
        normalised, written = link
        known = self.catalogue.sources.get(normalised)
        if known is not None and known[1]:
            raise CellError(str(_("The source %(url)s is archived; an admin can restore it.", url=written[:80])))
        self.source_urls.setdefault(normalised, written)
        return normalised

    def finish(self, plan: ImportPlan) -> None:
        """List the parties and sources the rows to create would make or link."""
        new: dict[int, NewParty] = {}
        matched: dict[int, KnownParty] = {}
        for row in plan.to_create():
            for party, _role in row.data.parties:  # type: ignore[union-attr]
                if isinstance(party, NewParty):
                    new.setdefault(id(party), party)
                else:
                    matched.setdefault(party.id, party)
            for url in row.data.sources:  # type: ignore[union-attr]
                known = self.catalogue.sources.get(url)
                if known is None:
                    plan.new_sources.setdefault(url, self.source_urls[url])
                else:
                    plan.linked_sources.add(known[0])
        plan.new_parties = list(new.values())
        plan.matched_parties = sorted(matched.values(), key=lambda party: name_key(party.name))


def live(party: KnownParty) -> KnownParty:
    """The party, unless it is archived: a live agreement never names an archived party."""
    if party.archived:
        message = _("The party “%(name)s” is archived; an admin can restore it first.", name=party.name)
        raise CellError(str(message))
    return party


def differing_fields(data: RowData, known: KnownAgreement) -> list[str]:
    """The labels of the fields where the row and the recorded agreement disagree."""
    pairs = {
        "title_local": (data.title_local, known.title_local),
        "instrument": (data.instrument, known.instrument),
        "status": (data.status, known.status),
        "renewal_intent": (data.renewal, known.renewal),
        "signed": (data.signed, known.signed),
        "end": (data.end, known.end),
    }
    return [target_label(name) for name, (mine, theirs) in pairs.items() if mine != theirs]


def plan_import(
    session: Session,
    table: Table,
    mapping: Mapping,
    home_country: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportPlan:
    """The dry run of importing `table` under `mapping`."""
    return Planner(session, mapping, home_country, progress).plan(table)
