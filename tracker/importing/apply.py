"""Committing an import: the rows to create written in batches with Core, in the caller's transaction.

Every check ran in the plan (bulk look-ups, one catalogue per import); the writer receives each row to create as
soon as it is checked and writes a batch of BATCH rows at a time: new parties and sources first (ids come back
with RETURNING), then the agreements, their party, sector and source links, the citations of the facts a row's
quote states (importing/citations.py) and their evidence level, and their history. Nothing is an ORM object, so
memory stays flat however long the file is. On SQLite the search triggers are dropped for the import
(`search.sqlite_triggers_dropped`, in the import's savepoint) and each batch's agreements are indexed in one
statement once their links are written: a trigger per row, run from an executemany, cost nearly three times as much.

The history says what the session listeners would have said, in fewer rows (one `Change` row per record, not
one per link on the agreement's side): a CREATE entry per agreement (every field, its parties, sectors, sources
and the facts cited), per new party, and per new source (naming the first agreement citing it); a LINK entry on a source
for each further agreement citing it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from flask_babel import gettext
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from tracker import search
from tracker.bulk import insert_rows
from tracker.history.recorder import ACTOR, blank, plain
from tracker.history.text import SUMMARY_MAX
from tracker.i18n import _
from tracker.importing import kept
from tracker.importing.catalogue import Catalogue, KnownParty, chunks
from tracker.importing.citations import quoted_facts
from tracker.importing.plan import NewParty, NewSector, PartyTarget, RowData, SectorTarget
from tracker.importing.rows import SourceDetails
from tracker.models import (
    Agreement,
    AgreementParty,
    AgreementSource,
    AgreementTerm,
    Change,
    ChangeAction,
    Citation,
    CitationStance,
    Party,
    PartyAlias,
    PartyKind,
    Source,
    SourceKind,
    agreement_sector,
    utcnow,
)
from tracker.queries.columns import column_values, columns_of
from tracker.records.agreement import AgreementData
from tracker.records.fields import Kind, max_length, plain_specs
from tracker.records.sector import SectorData
from tracker.records.source import SourceData
from tracker.services.citations import refresh_evidence
from tracker.services.sectors import create_sector
from tracker.services.terms import term_rows
from tracker.terms import terms_of

TITLE_MAX = max_length(SourceData, "title")
# Rows written per batch: large enough for few round trips, small enough that a batch's rows stay small.
BATCH = 1000


@dataclass(frozen=True)
class ImportResult:
    """What a committed import created."""

    agreements: int
    parties: int
    sources: int
    sectors: int = 0


@dataclass
class Writer:
    """Writes the rows it is given in batches; `finish` writes the last batch and says what was created."""

    session: Session
    catalogue: Catalogue
    pending: list[RowData] = field(default_factory=list)
    # New parties by `id()` of their NewParty: the id written and the kind written with it.
    party_ids: dict[int, tuple[NewParty, int, PartyKind]] = field(default_factory=dict)
    # Sources this import wrote that the batch being written links: id by normalised URL. Only the batch's: an
    # earlier batch's source is looked up in the database when a later row links it again (`write_sources`), so
    # that memory does not grow with the file.
    source_ids: dict[str, int] = field(default_factory=dict)
    sources: int = 0
    sector_names: dict[int, str] = field(default_factory=dict)
    # Sectors this import added to the vocabulary: id by `id()` of their NewSector.
    new_sector_ids: dict[int, int] = field(default_factory=dict)
    # Recorded parties' names and aliases by id, for finding them in quotes (built when first needed).
    known_names: dict[int, list[str]] | None = None
    agreements: int = 0
    # Whether the search triggers are off (search.sqlite_triggers_dropped) and each batch's agreements are indexed
    # here, once each with all their links, in one statement.
    indexes_batches: bool = False
    # Whether the kept counts' insert triggers are off (kept.insert_triggers_off) and each batch is
    # counted here.
    counts_batches: bool = False

    def __post_init__(self) -> None:
        self.user_id = self.session.info.get(ACTOR)
        self.sector_names = {sector.id: sector.name for sector in self.catalogue.sectors.values()}
        self.connection = self.session.connection()
        self.on_sqlite = self.connection.dialect.name == "sqlite"
        if self.on_sqlite:
            # Links are written before their agreements (see `flush`); the keys are checked at commit instead.
            self.connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        # The summaries the history shows, translated once rather than once per row.
        self.created = str(_("Created"))
        # The message of tracker.history.text's LINK_SUMMARIES, translated with its placeholder left to fill.
        self.linked = gettext("Linked to agreement “%(name)s”")

    def add(self, data: RowData) -> None:
        """Take a row to create; write the batch when it is full."""
        self.pending.append(data)
        if len(self.pending) >= BATCH:
            self.flush()

    def finish(self) -> ImportResult:
        """Write what is pending; parties whose kind a later row gave are corrected, units of new parties placed."""
        self.flush()
        for party, party_id, kind in self.party_ids.values():
            changed: dict[str, Any] = {"kind": party.kind} if party.kind is not kind else {}
            if isinstance(party.parent, NewParty):  # known once every row was read, after the unit was written
                changed["parent_id"] = self.party_ids[id(party.parent)][1]
            if changed:
                self.connection.execute(update(Party).where(Party.id == party_id).values(**changed))
        self.write_party_history()
        return ImportResult(self.agreements, len(self.party_ids), self.sources, len(self.new_sector_ids))

    # --- one batch -------------------------------------------------------------------------------

    def flush(self) -> None:
        """Write the pending rows: new parties and sources, agreements, links, history."""
        if not self.pending:
            return
        rows, self.pending = self.pending, []
        self.write_parties(rows)
        self.write_sectors(rows)
        new_sources = self.write_sources(rows)
        values = [self.agreement_values(data) for data in rows]
        if self.on_sqlite:
            # Links first, then the agreements (SQLite checks the keys at commit): where the search triggers are on,
            # each agreement's own trigger then indexes it once with all its links (not once per link).
            ids = self.next_ids(Agreement, len(values))
            cited = self.write_links(rows, ids)
            self.inserted_ids(Agreement, values, ids)
        else:
            ids = self.inserted_ids(Agreement, values)
            cited = self.write_links(rows, ids)
        if self.indexes_batches:
            search.index_agreements(self.connection, ids[0], ids[-1])
        if self.counts_batches:
            kept.count_agreements(self.connection, ids[0], ids[-1])
            kept.count_sources(self.connection, len(new_sources))
        refresh_evidence(self.session, cited)
        terms = term_rows(
            (agreement_id, terms_of(SimpleNamespace(**data.values)))
            for data, agreement_id in zip(rows, ids, strict=True)
        )
        insert_rows(self.connection, AgreementTerm.__table__, terms)
        if self.counts_batches:
            kept.move_versions(self.connection, ids[0], ids[-1], len(ids), len(terms))
        changes = [self.agreement_change(data, agreement_id) for data, agreement_id in zip(rows, ids, strict=True)]
        self.write_history(changes + self.source_link_changes(rows, new_sources))
        self.agreements += len(rows)

    def inserted_ids(self, model: type, values: list[dict[str, Any]], ids: list[int] | None = None) -> list[int]:
        """INSERT the rows with one statement (batched by the driver) and return their ids in order.

        PostgreSQL returns the ids of a batch in order. SQLite's driver would send one INSERT ... RETURNING per
        row to keep the order, so there the ids are given (`next_ids`) and the rows go in one executemany.
        """
        if not values:
            return []
        table = model.__table__
        if not self.on_sqlite:
            statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
            return list(self.connection.execute(statement, values).scalars())
        ids = ids if ids is not None else self.next_ids(model, len(values))
        insert_rows(self.connection, table, [{"id": id_, **row} for row, id_ in zip(values, ids, strict=True)])
        return ids

    def next_ids(self, model: type, count: int) -> list[int]:
        """The ids SQLite would give the next `count` rows (the largest id plus one, and on).

        Safe because SQLite has one writer at a time: a writer that committed after this transaction began
        makes this transaction's first write fail (SQLITE_BUSY), and the import rolls back as a whole.
        """
        largest = self.connection.scalar(select(func.max(model.__table__.c.id))) or 0
        return list(range(largest + 1, largest + 1 + count))

    def write_parties(self, rows: list[RowData]) -> None:
        """The new parties these rows name for the first time."""
        fresh: dict[int, NewParty] = {}
        for data in rows:
            for party in data.named_parties():
                if isinstance(party, NewParty) and id(party) not in self.party_ids:
                    fresh.setdefault(id(party), party)
        values = [
            {
                "name": party.name,
                "kind": party.kind,
                "country_code": party.country,
                "parent_id": party.parent.id if isinstance(party.parent, KnownParty) else None,
                "notes": "",
            }
            for party in fresh.values()
        ]
        aliases = []
        for (key, party), party_id in zip(fresh.items(), self.inserted_ids(Party, values), strict=True):
            self.party_ids[key] = (party, party_id, party.kind)
            aliases += [{"party_id": party_id, "alias": alias} for alias in party.aliases]
        insert_rows(self.connection, PartyAlias.__table__, aliases)

    def write_sectors(self, rows: list[RowData]) -> None:
        """The sectors these rows add to the vocabulary, through the sector service (so its history is kept)."""
        for data in rows:
            for sector in data.sector_ids:
                if isinstance(sector, NewSector) and id(sector) not in self.new_sector_ids:
                    created = create_sector(self.session, SectorData(name=sector.name, slug=sector.slug))
                    self.new_sector_ids[id(sector)] = created.id
                    self.sector_names[created.id] = created.name

    def sector_name(self, sector: SectorTarget) -> str:
        """A sector's name, for the history."""
        return self.sector_names[self.sector_id(sector)]

    def sector_id(self, sector: SectorTarget) -> int:
        """The id of a recorded sector or of one this import added."""
        return self.new_sector_ids[id(sector)] if isinstance(sector, NewSector) else sector

    def write_sources(self, rows: list[RowData]) -> dict[str, dict[str, Any]]:
        """The sources these rows link that are neither recorded nor written yet; their CREATE entries by URL."""
        fresh: dict[str, tuple[str, SourceDetails | None]] = {}
        for data in rows:
            for url, written in data.source_links():
                if url not in self.catalogue.sources:
                    fresh.setdefault(url, (written, data.source_details))
        self.source_ids = self.written_sources(list(fresh))
        values = [
            source_values(url, written, details)
            for url, (written, details) in fresh.items()
            if url not in self.source_ids
        ]
        changes = {}
        for row, source_id in zip(values, self.inserted_ids(Source, values), strict=True):
            self.source_ids[row["url_normalized"]] = source_id
            self.sources += 1
            fields = {key: [None, plain(row[key])] for key in SOURCE_HISTORY if not blank(row.get(key))}
            change = self.change("source", source_id, ChangeAction.CREATE, fields, 1, self.created)
            changes[row["url_normalized"]] = change
        return changes

    def written_sources(self, urls: list[str]) -> dict[str, int]:
        """The ids of the sources among these URLs that earlier batches of this import wrote (by URL)."""
        found: dict[str, int] = {}
        for chunk in chunks(urls):
            statement = select(Source.url_normalized, Source.id).where(Source.url_normalized.in_(chunk))
            found.update(dict(self.connection.execute(statement).all()))
        return found

    def write_links(self, rows: list[RowData], ids: list[int]) -> list[int]:
        """Each agreement's parties with their roles, sectors, sources, and the facts its quote cites to them;
        returns the agreements given citations."""
        parties, sectors, sources, citations = [], [], [], []
        now = utcnow()
        for data, agreement_id in zip(rows, ids, strict=True):
            parties += [
                {"agreement_id": agreement_id, "party_id": self.party_id(party), "role": role}
                for party, role in data.parties
            ]
            sectors += [
                {"agreement_id": agreement_id, "sector_id": self.sector_id(sector)} for sector in data.sector_ids
            ]
            note = data.source_details.quote if data.source_details else ""
            sources += [
                {"agreement_id": agreement_id, "source_id": self.source_id(url), "note": note, "created_at": now}
                for url in data.sources
            ]
            citations += self.citation_rows(data, agreement_id, note, now)
        for table, values in ((AgreementParty.__table__, parties), (agreement_sector, sectors)):
            insert_rows(self.connection, table, values)
        insert_rows(self.connection, AgreementSource.__table__, sources)
        insert_rows(self.connection, Citation.__table__, citations)
        return sorted({row["agreement_id"] for row in citations})

    def citation_rows(self, data: RowData, agreement_id: int, quote: str, now: Any) -> list[dict[str, Any]]:
        """A citation of each of the row's sources for each fact its quote states (importing/citations.py)."""
        if not quote or not data.sources:
            return []
        named = {id(party): party for party, _role in data.parties}
        facts = quoted_facts(quote, data.values, [(party, self.names_of(party)) for party in named.values()])
        data.cited = [fact.value if party is None else f"{fact.value}: {party.name}" for fact, party in facts]
        return [
            {
                "agreement_id": agreement_id,
                "fact": fact,
                "party_id": self.party_id(party) if party is not None else None,
                "source_id": self.source_id(url),
                "document_id": None,
                "snapshot_id": None,
                "quote": quote,
                "stance": CitationStance.SUPPORTS,
                "says": "",
                "quote_found": False,
                "created_by_id": self.user_id,
                "created_at": now,
                "updated_at": now,
            }
            for url in data.sources
            for fact, party in facts
        ]

    def names_of(self, party: PartyTarget) -> list[str]:
        """A party's name and aliases: a new party's from the file, a recorded one's from the catalogue."""
        if isinstance(party, NewParty):
            return [party.name, *party.aliases]
        if self.known_names is None:  # built once, for the first quote
            self.known_names = defaultdict(list)
            for key, owners in self.catalogue.names.items():
                for owner in owners:
                    self.known_names[owner.id].append(key)
        return [party.name, *self.known_names[party.id]]

    def agreement_values(self, data: RowData) -> dict[str, Any]:
        """An agreement row's columns: its plain fields, its officer and its unit."""
        owner_id = data.owner.id if data.owner is not None else None
        unit_id = self.party_id(data.unit) if data.unit is not None else None
        return {**column_values(data.values, plain_specs(AgreementData)), "owner_id": owner_id, "unit_id": unit_id}

    def party_id(self, party: PartyTarget) -> int:
        """The id of a recorded party or of a party this import wrote."""
        return party.id if isinstance(party, KnownParty) else self.party_ids[id(party)][1]

    def source_id(self, url: str) -> int:
        """The id of a recorded source or of a source this import wrote."""
        known = self.catalogue.sources.get(url)
        return known[0] if known is not None else self.source_ids[url]

    # --- history ---------------------------------------------------------------------------------

    def change(
        self, record_type: str, record_id: int, action: ChangeAction, fields: dict, version: int | None, summary: str
    ) -> dict[str, Any]:
        """A Change row, as the session listeners write them."""
        return {
            "user_id": self.user_id,
            "record_type": record_type,
            "record_id": record_id,
            "action": action,
            "version": version,
            "summary": summary[:SUMMARY_MAX],
            "changes": fields,
        }

    def write_history(self, changes: list[dict[str, Any]]) -> None:
        """Insert Change rows with one statement, all at one time."""
        if changes:
            now = utcnow()
            insert_rows(self.connection, Change.__table__, [{**change, "occurred_at": now} for change in changes])

    def agreement_change(self, data: RowData, agreement_id: int) -> dict[str, Any]:
        """The CREATE entry the session listener would write: each field, the parties, sectors and sources."""
        values = {
            **{spec.name: plain(data.values[spec.name]) for spec in HISTORY_FIELDS},
            "sectors": sorted(
                (self.sector_names[self.sector_id(sector)] for sector in data.sector_ids), key=str.casefold
            ),
            "parties": sorted((f"{party.name} ({role.value})" for party, role in data.parties), key=str.casefold),
            "source": list(data.written_sources),
            "owner": data.owner.email if data.owner is not None else None,
            "unit": data.unit.name if data.unit is not None else None,
            "citations": sorted(data.cited, key=str.casefold),
        }
        fields = {key: [None, value] for key, value in values.items() if not blank(value)}
        return self.change("agreement", agreement_id, ChangeAction.CREATE, fields, 1, self.created)

    def source_link_changes(self, rows: list[RowData], created: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
        """A LINK entry on each linked source, naming the agreement (as linking a source records it).

        A source this batch created has its first agreement in its CREATE entry instead: one row, not two.
        """
        changes = []
        for data in rows:
            for url in data.sources:
                if url in created:
                    change = created.pop(url)
                    change["changes"]["agreement"] = [None, data.title]
                    changes.append(change)
                    continue
                version = 1 if url in self.source_ids else None  # a recorded source's version is not loaded
                summary = self.linked % {"name": data.title}
                fields = {"agreement": [None, data.title]}
                changes.append(self.change("source", self.source_id(url), ChangeAction.LINK, fields, version, summary))
        return changes

    def write_party_history(self) -> None:
        """A CREATE entry per new party, with the kind it ended with."""
        changes = []
        for party, party_id, _kind in self.party_ids.values():
            values = {"name": party.name, "kind": plain(party.kind), "country_code": party.country}
            values["aliases"] = list(party.aliases)
            values["parent"] = party.parent.name if party.parent else None
            fields = {key: [None, value] for key, value in values.items() if not blank(value)}
            changes.append(self.change("party", party_id, ChangeAction.CREATE, fields, 1, self.created))
        self.write_history(changes)


# An agreement's fields in the order the session listener records them: the table's column order, the partial
# dates (read from two columns each) after the rest.
HISTORY_FIELDS = sorted(
    plain_specs(AgreementData),
    key=lambda spec: (
        spec.kind is Kind.PARTIAL_DATE,
        Agreement.__table__.columns.keys().index(columns_of(Agreement, [spec])[0].key),
    ),
)
# The fields of a new source its CREATE history entry names, as the session listener would.
SOURCE_HISTORY = ("url", "kind", "title", "outlet", "published_on")


def source_values(url: str, written: str, details: SourceDetails | None) -> dict[str, Any]:
    """A new source's row: titled, described and dated by the file's source columns, else titled with its URL.

    Every row has the same keys, as one INSERT of many rows needs.
    """
    details = details or SourceDetails()
    return {
        "url": written,
        "url_normalized": url,
        "title": details.title or written[:TITLE_MAX],
        "kind": SourceKind.OTHER,
        "outlet": details.outlet,
        "published_on": details.published_on,
    }
