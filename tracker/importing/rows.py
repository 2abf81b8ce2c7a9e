"""One row of a file read into values: text, choices, dates, parties named, sectors named, links; each
problem noted with its row number and the file's column."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tracker.dates import PartialDate, Precision
from tracker.datewords import place_before_date
from tracker.i18n import _
from tracker.importing.fields import NUMBERED_PARTS, PARTY_LISTS, numbered, numbered_target
from tracker.importing.mapping import Mapping
from tracker.importing.values import (
    CellError,
    PartyRef,
    Vocabulary,
    cell_text,
    instrument_from_title,
    parallel_items,
    parse_date,
    parse_number,
    parse_parties,
    parse_partners,
    parse_party_entry,
    party_from_parts,
    text_items,
    unneutralise,
    url_items,
    with_parallel,
)
from tracker.models import AgreementStatus, InstrumentType, PartyKind
from tracker.records import agreement as agreement_contract
from tracker.records import source as source_contract
from tracker.records.agreement import AgreementData
from tracker.records.fields import Kind, Spec, plain_specs
from tracker.records.problems import check_fields
from tracker.records.source import LinkData, SourceData
from tracker.urls import InvalidURLError, normalize_url


@dataclass(frozen=True)
class Problem:
    """Why a row (or, with no row, the file) cannot be imported; `column` is the file's header."""

    row: int | None
    column: str | None
    message: str


@dataclass(frozen=True)
class SourceDetails:
    """What the file says of a row's one source: title, outlet, publication day, and the quote for the link."""

    title: str = ""
    outlet: str = ""
    published_on: date | None = None
    quote: str = ""


@dataclass
class RowInput:
    """A row's values as the file gives them; parties, sectors and links not yet matched to records."""

    number: int
    # The agreement contract's plain fields by name (tracker/records/agreement.py).
    values: dict[str, Any] = field(default_factory=dict)
    # Each party with the column it came from (None for the home state the mapping adds).
    parties: list[tuple[PartyRef, str | None]] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    # (normalised URL, URL as written)
    sources: list[tuple[str, str]] = field(default_factory=list)
    source_details: SourceDetails | None = None
    # The responsible officer as written (an e-mail or a name) and the responsible unit.
    owner: str = ""
    unit: PartyRef | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def title(self) -> str:
        """The row's title, as the preview names the row."""
        return self.values.get("title", "")


# How many dates a reader remembers (PartialDate is immutable, so one can stand for every cell of the same text).
DATES_KEPT = 20_000
# The file column of each plain field, by the field's name: where a problem of the field is shown.
PLAIN_TARGETS = {spec.name: spec.file_key for spec in plain_specs(AgreementData)}


class RowReader:
    """Reads rows under one mapping; formula-neutralised cells of CSV and XLSX files are restored."""

    def __init__(self, mapping: Mapping, columns: dict[str, str], file_format: str, home_country: str | None) -> None:
        self.mapping = mapping
        self.columns = columns
        self.neutralised = file_format in ("csv", "xlsx")
        self.home_country = home_country
        self.vocabulary = Vocabulary()
        self.numbers = sorted({parts[1] for target in columns if (parts := numbered(target)) and parts[0] == "party"})
        # Dates read, by the cell's text: a file repeats its dates (reading them was a sixth of reading a row).
        self.dates: dict[str, PartialDate | None] = {}
        # Each plain field's reader, chosen once for the mapping rather than for every cell.
        self.plain_readers = [(spec.name, self.plain_reader(spec)) for spec in plain_specs(AgreementData)]

    def raw(self, cells: dict[str, Any], target: str) -> Any:
        """The cell of the column mapped to `target` (None when none is), strings restored from neutralising."""
        header = self.columns.get(target)
        value = cells.get(header) if header is not None else None
        return unneutralise(value) if self.neutralised and isinstance(value, str) else value

    def text(self, cells: dict[str, Any], target: str) -> str:
        """The cell as stripped text."""
        return cell_text(self.raw(cells, target)).strip()

    def value(self, row: RowInput, cells: dict[str, Any], target: str, parse: Callable[[Any], Any]) -> Any:
        """`parse` of the raw cell; a CellError becomes the row's problem at that column (and None)."""
        try:
            return parse(self.raw(cells, target))
        except CellError as error:
            self.problem(row, target, str(error))
            return None

    def date(self, raw: Any) -> PartialDate | None:
        """The date a cell spells (`parse_date`), read once per text while at most DATES_KEPT are remembered."""
        text = cell_text(raw)
        if text in self.dates:
            return self.dates[text]
        found = parse_date(text)  # a CellError is raised again for every cell that has it, not remembered
        if len(self.dates) >= DATES_KEPT:
            self.dates.clear()
        self.dates[text] = found
        return found

    def problem(self, row: RowInput, target: str | None, message: Any) -> None:
        """Note a problem of the row, at the column mapped to `target`."""
        row.problems.append(Problem(row.number, self.columns.get(target) if target else None, str(message)))

    def read(self, number: int, cells: dict[str, Any]) -> RowInput:
        """Every mapped cell of a row, read, then checked by the agreement's contract."""
        row = RowInput(number)
        unreadable = set()  # fields whose cell did not parse: the contract's check has nothing to add about them
        for name, read_plain in self.plain_readers:
            before = len(row.problems)
            row.values[name] = read_plain(row, cells)
            if len(row.problems) > before:
                unreadable.add(name)
        for problem in agreement_contract.check(row.values):
            if problem.field not in unreadable:
                self.problem(row, PLAIN_TARGETS[problem.field], problem.message)
        row.parties = self.parties(row, cells)
        row.sectors = self.value(row, cells, "sectors", text_items) or []
        row.sources = self.sources(row, cells)
        row.source_details = self.source_details(row, cells)
        row.owner = self.text(cells, "owner")
        row.unit = self.value(row, cells, "unit", lambda raw: self.unit(cell_text(raw)))
        return row

    def unit(self, text: str) -> PartyRef | None:
        """The responsible unit, written as a party of the parties column is ("Direktorat Industri Logam (ID)")."""
        return parse_party_entry(text.strip(), self.vocabulary) if text.strip() else None

    def source_details(self, row: RowInput, cells: dict[str, Any]) -> SourceDetails | None:
        """The source columns' values, checked by the source's and the link's contracts; they describe one source."""
        title, outlet, quote = (
            self.text(cells, target) for target in ("source_title", "source_outlet", "source_quote")
        )
        published = self.value(row, cells, "source_published", self.date)
        if not (title or outlet or quote or published):
            return None
        if published is not None and published.precision is not Precision.DAY:
            self.problem(row, "source_published", _("Give the day the source was published, such as 4 Oktober 2017."))
            published = None
        values = {"title": title, "outlet": outlet}
        for problem in check_fields(values, SourceData, {}, source_contract.too_long):
            self.problem(row, f"source_{problem.field}", problem.message)
        for problem in check_fields({"note": quote}, LinkData, {}):
            self.problem(row, "source_quote", problem.message)
        if len(row.sources) != 1:
            message = _("The source columns describe one source; this row links %(count)s.", count=len(row.sources))
            self.problem(row, "sources", message)
        return SourceDetails(title, outlet, published.value if published else None, quote)

    def plain_reader(self, spec: Spec) -> Callable[[RowInput, dict[str, Any]], Any]:
        """The reader of one of the contract's plain fields from its column (noting a problem when it does not
        parse), as (row, cells) -> value."""
        target = spec.file_key
        if spec.name == "instrument_type":
            return self.instrument
        if spec.name == "status":
            return self.status
        if spec.kind is Kind.CHOICE:
            choose = self.vocabulary.choice
            return lambda row, cells: (
                self.value(row, cells, target, lambda raw: choose(spec.choices, cell_text(raw))) or spec.default
            )
        if spec.kind is Kind.PARTIAL_DATE:
            return lambda row, cells: self.value(row, cells, target, self.date)
        if spec.kind is Kind.NUMBER:
            return lambda row, cells: self.value(row, cells, target, parse_number)
        if spec.name == "place_of_signing":  # else the place the signing date names ("Jakarta, 22-Apr-1992")
            return lambda _row, cells: (
                self.text(cells, target) or place_before_date(self.text(cells, "signed"))[: spec.max_length]
            )
        return self.text_reader(target)

    def text_reader(self, target: str) -> Callable[[RowInput, dict[str, Any]], str]:
        """`text` of the column mapped to `target`, with the column and the neutralising looked up once."""
        header = self.columns.get(target)
        if header is None:
            return lambda _row, _cells: ""
        neutralised = self.neutralised

        def read(_row: RowInput, cells: dict[str, Any]) -> str:
            value = cells.get(header)
            if isinstance(value, str):  # nearly every cell: no call to cell_text
                return (unneutralise(value) if neutralised else value).strip()
            return cell_text(value).strip()

        return read

    def instrument(self, row: RowInput, cells: dict[str, Any]) -> InstrumentType | None:
        """The instrument column, else the title's words (if the mapping says so), else the default."""
        before = len(row.problems)
        given = self.value(row, cells, "instrument", lambda raw: self.vocabulary.choice(InstrumentType, cell_text(raw)))
        if given is None and self.mapping.instrument_from_title:
            given = instrument_from_title(row.values["title"])
        given = given or self.mapping.default_instrument
        if given is None and len(row.problems) == before:
            self.problem(row, "instrument", _("Give the instrument."))
        return given

    def status(self, row: RowInput, cells: dict[str, Any]) -> AgreementStatus | None:
        """The status column wins; else the ratification status decides; else the default."""
        before = len(row.problems)
        status = self.value(row, cells, "status", lambda raw: self.vocabulary.choice(AgreementStatus, cell_text(raw)))
        if status is None:
            status = self.value(row, cells, "ratification", lambda raw: self.vocabulary.ratification(cell_text(raw)))
        status = status or self.mapping.default_status
        if status is None and len(row.problems) == before:
            target = next((target for target in ("status", "ratification") if target in self.columns), None)
            self.problem(row, target, _("Give the status."))
        return status

    def parties(self, row: RowInput, cells: dict[str, Any]) -> list[tuple[PartyRef, str | None]]:
        """The home state (if the mapping adds it), the parties column, numbered party columns, the partner column."""
        found: list[tuple[PartyRef, str | None]] = []
        if self.mapping.home_state and self.home_country:
            found.append(
                (PartyRef("", country=self.home_country, kind=PartyKind.STATE, state_of=self.home_country), None)
            )
        for target, parse in (
            ("parties", lambda raw: self.listed_parties(raw, cells)),
            ("partner", lambda raw: parse_partners(cell_text(raw))),
        ):
            refs = self.value(row, cells, target, parse) or []
            found.extend((ref, self.columns.get(target)) for ref in refs)
        for number in self.numbers:
            ref = self.numbered_party(row, cells, number)
            if ref is not None:
                found.append((ref, self.columns.get(numbered_target("party", number))))
        return found

    def listed_parties(self, raw: Any, cells: dict[str, Any]) -> list[PartyRef]:
        """The parties column's entries, completed by the party countries and roles columns beside it."""
        refs = parse_parties(raw, self.vocabulary)
        countries, roles = (parallel_items(self.raw(cells, target)) for target in PARTY_LISTS)
        return with_parallel(refs, countries, roles, self.vocabulary) if countries or roles else refs

    def numbered_party(self, row: RowInput, cells: dict[str, Any], number: int) -> PartyRef | None:
        """party_N with country_N, role_N and kind_N; None when party_N is blank."""
        name, country, role, kind = (self.text(cells, numbered_target(part, number)) for part in NUMBERED_PARTS)
        if not name:
            if country or role or kind:
                self.problem(row, numbered_target("party", number), _("Give the party's name."))
            return None
        try:
            return party_from_parts(name, country, role, kind, self.vocabulary)
        except CellError as error:
            self.problem(row, numbered_target("party", number), str(error))
            return None

    def sources(self, row: RowInput, cells: dict[str, Any]) -> list[tuple[str, str]]:
        """Each link normalised, once; a link that is not an http(s) URL is the row's problem."""
        links: dict[str, str] = {}
        for written in self.value(row, cells, "sources", url_items) or []:
            try:
                links.setdefault(normalize_url(written), written)
            except InvalidURLError as error:
                self.problem(row, "sources", _("“%(url)s”: %(reason)s", url=written[:80], reason=str(error)))
        return list(links.items())
