"""Synthetic data at scale for benchmarks and trials: `flask --app app seed-synthetic --agreements N [--seed S]`
(the command: tracker/cli/demo.py).

Parties in every real country (pycountry) with the Indonesian side and a few hundred partner organisations with
aliases, every sector (the vocabulary is completed with the ministry's other sectors), every status, instrument and
renewal value, periods over 1990–2040 known to the year, month or day, and about three sources per agreement with
titles and text in Indonesian or English, each with a snapshot of its text; issue 15's terms (written out as the
service writes them), treaty-registry facts and implementation come from bench/facts.py. The same seed gives the
same data (ids included, when the database starts empty).

Rows are written with SQLAlchemy Core (executemany, in batches of agreements) with explicit ids, so links are written
without reading ids back; on PostgreSQL through COPY (psycopg's cursor.copy), with the same values. Core inserts bypass
the ORM flush listener that records history (tracker/history): synthetic data has no history entries, as if it had
been recorded before history existed. The full-text index is kept: SQLite's triggers fire row by row; on PostgreSQL
the triggers are off while loading and each agreement's document is written once, as `tracker.search.rebuild` computes
them. The command's PostgreSQL path (`seed_in_parallel`) commits the rows every CHUNK agreements and computes each
committed chunk's documents in CONNECTIONS other connections meanwhile (they are most of the database's work), then
builds the dropped indexes in parallel and runs ANALYZE. Nothing is archived, and no user is needed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate, islice
from random import Random
from time import perf_counter
from typing import Any

import pycountry
from sqlalchemy import Connection, Engine, Table, bindparam, func, insert, select, text

from bench import facts
from tracker import search
from tracker.countries import country_name
from tracker.dates import Precision
from tracker.importing import kept
from tracker.importing.countries import NAMES as INDONESIAN_COUNTRY_NAMES
from tracker.models import (
    Agreement,
    AgreementParty,
    AgreementRelation,
    AgreementSource,
    AgreementStatus,
    AgreementTerm,
    InstrumentType,
    Party,
    PartyAlias,
    PartyKind,
    PartyRole,
    RelationKind,
    RenewalIntent,
    Sector,
    SnapshotMethod,
    Source,
    SourceKind,
    SourceSnapshot,
    agreement_sector,
)
from tracker.urls import normalize_url

# Agreements generated and written per batch: large enough for fast executemany, small enough for little memory.
BATCH = 1000
# "Today" of the synthetic world, fixed so that a seed always gives the same statuses.
REFERENCE_DAY = date(2026, 11, 1)
RECORDING_SINCE = date(2017, 1, 1)
PARTY_SEED = 2017
FIRST_YEAR, LAST_YEAR = 1990, 2040
HOME = "ID"
# Words for the benchmark's free-text searches: the rare one is in about 0.1 % of the agreements' titles.
RARE_WORD = "sago"
COMMON_WORD = "technology"
# Partner organisations made besides the states and international organisations.
PARTNER_ORGANISATIONS = 300

# Sectors besides the four the first migration seeds: (slug, name, description).
EXTRA_SECTORS = (
    ("automotive", "Automotive", "Motor vehicles and their components."),
    ("textiles", "Textiles and garments", "Textiles, garments and footwear."),
    ("steel-and-metals", "Steel and metals", "Steel, aluminium, nickel and smelters."),
    ("chemicals", "Chemicals", "Petrochemicals and basic chemicals."),
    ("pharmaceuticals", "Pharmaceuticals", "Medicines, raw materials for drugs and medical devices."),
    ("food-processing", "Food processing", "Food and beverage industries."),
    ("agro-industry", "Agro-industry", "Palm oil, rubber, cocoa, sago and other agricultural products."),
    ("electronics", "Electronics", "Electronics, semiconductors and telematics."),
    ("halal-industry", "Halal industry", "Halal products, certification and industrial estates."),
    ("small-industry", "Small and medium industry", "Small and medium enterprises and craft industries."),
    ("vocational-training", "Vocational training", "Industrial skills, polytechnics and apprenticeships."),
    ("standardisation", "Standardisation", "Standards, testing, certification and accreditation."),
    ("digital-industry", "Digital industry", "Industry 4.0, automation and data."),
    ("industrial-estates", "Industrial estates", "Industrial estates and special economic zones."),
    ("green-industry", "Green industry", "Resource efficiency, emissions and the circular economy."),
)


@dataclass(frozen=True)
class Topic:
    """What an agreement is about, in English and Indonesian, with its sectors and how often it occurs."""

    english: str
    indonesian: str
    sectors: tuple[str, ...]
    weight: float


TOPICS = (
    Topic("technology development", "pengembangan teknologi", ("technology",), 8),
    Topic("technology transfer in manufacturing", "alih teknologi manufaktur", ("technology",), 5),
    Topic("electric vehicle batteries", "baterai kendaraan listrik", ("electric-vehicles", "automotive"), 6),
    Topic("electric motorcycles", "sepeda motor listrik", ("electric-vehicles",), 3),
    Topic("renewable energy equipment", "peralatan energi terbarukan", ("renewable-energy",), 5),
    Topic("solar panel manufacturing", "manufaktur panel surya", ("renewable-energy", "electronics"), 3),
    Topic("moulds and dies", "cetakan dan perkakas (moulds and dies)", ("moulds-and-dies",), 3),
    Topic("automotive components", "komponen otomotif", ("automotive",), 5),
    Topic("textile and garment industry", "industri tekstil dan produk tekstil", ("textiles",), 5),
    Topic("steel industry", "industri baja", ("steel-and-metals",), 4),
    Topic("nickel smelters", "smelter nikel", ("steel-and-metals", "electric-vehicles"), 3),
    Topic("petrochemical industry", "industri petrokimia", ("chemicals",), 3),
    Topic("pharmaceutical raw materials", "bahan baku obat", ("pharmaceuticals",), 3),
    Topic("medical devices", "alat kesehatan", ("pharmaceuticals", "electronics"), 2),
    Topic("food and beverage processing", "industri makanan dan minuman", ("food-processing",), 4),
    Topic("palm oil downstream industry", "hilirisasi kelapa sawit", ("agro-industry",), 3),
    Topic("cocoa processing", "pengolahan kakao", ("agro-industry", "food-processing"), 2),
    Topic("sago starch processing", "pengolahan pati sagu", ("agro-industry", "food-processing"), 0.1),
    Topic("semiconductor technology", "teknologi semikonduktor", ("electronics", "technology"), 2),
    Topic("halal industrial estates", "kawasan industri halal", ("halal-industry", "industrial-estates"), 3),
    Topic("small and medium industry development", "pengembangan industri kecil dan menengah", ("small-industry",), 4),
    Topic("vocational training for industry", "pendidikan vokasi industri", ("vocational-training",), 5),
    Topic("industrial standardisation", "standardisasi industri", ("standardisation",), 3),
    Topic("Industry 4.0 technology", "teknologi Industri 4.0", ("digital-industry", "technology"), 4),
    Topic("industrial estate development", "pengembangan kawasan industri", ("industrial-estates",), 3),
    Topic("green industry and emission reduction", "industri hijau dan pengurangan emisi", ("green-industry",), 3),
)

# Partner countries by how often they sign with the ministry; every other country gets weight 0.2.
COUNTRY_WEIGHTS = {
    "KR": 12, "JP": 14, "CN": 12, "DE": 8, "US": 7, "NL": 5, "AU": 5, "SG": 5, "MY": 4, "IN": 4, "TH": 3,
    "FR": 3, "GB": 4, "IT": 2, "AE": 3, "SA": 2, "TR": 2, "VN": 2, "PH": 2, "CH": 2, "SE": 1, "CA": 2, "RU": 2,
}  # fmt: skip
# Legal forms of companies by country, "Ltd" elsewhere.
LEGAL_FORMS = {
    "KR": ("Co., Ltd",), "JP": ("Corporation", "Co., Ltd"), "CN": ("Co., Ltd", "Group"), "DE": ("GmbH", "AG"),
    "US": ("Inc.", "LLC"), "NL": ("B.V.", "N.V."), "FR": ("SA", "SAS"), "IT": ("S.p.A.",), "AU": ("Pty Ltd",),
}  # fmt: skip
COMPANY_STEMS = (
    "Daesan", "Hanul", "Kyowa", "Sanwa", "Tianlong", "Huaxin", "Nordwind", "Rheinfeld", "Aurora", "Meridian",
    "Helix", "Orion", "Sakura", "Fuji", "Baekdu", "Jinhua", "Elbe", "Alpen", "Liberty", "Pioneer", "Atlas",
    "Vanguard", "Southern Cross", "Lion City", "Merlion", "Permata", "Chao Phraya", "Mekong", "Ganga", "Emirates",
    "Bosphorus", "Tulip", "Delta", "Lumen", "Vertex", "Nova", "Zenith", "Kestrel", "Sunrise", "Harbour",
)  # fmt: skip
COMPANY_TRADES = (
    "Electronics", "Motors", "Steel", "Chemicals", "Textiles", "Machinery", "Energy", "Pharma", "Foods",
    "Semiconductor", "Battery", "Precision Tools", "Solar", "Engineering", "Materials",
)  # fmt: skip
INTERNATIONAL_ORGANISATIONS = (
    ("United Nations Industrial Development Organization", ("UNIDO",)),
    ("ASEAN Secretariat", ("ASEAN", "Sekretariat ASEAN")),
    ("Asian Development Bank", ("ADB",)),
    ("World Bank", ("IBRD", "Bank Dunia")),
    ("International Labour Organization", ("ILO",)),
    ("Islamic Development Bank", ("IsDB",)),
    ("United Nations Development Programme", ("UNDP",)),
    ("Organisation for Economic Co-operation and Development", ("OECD",)),
    ("Asia-Pacific Economic Cooperation Secretariat", ("APEC",)),
    ("Global Green Growth Institute", ("GGGI",)),
)
# The Indonesian side: (name, kind, parent name, aliases).
MINISTRY = "Ministry of Industry of the Republic of Indonesia"
GOVERNMENT = "Government of the Republic of Indonesia"
HOME_PARTIES = (
    (GOVERNMENT, PartyKind.STATE, None, ("Pemerintah Republik Indonesia", "Indonesia")),
    (MINISTRY, PartyKind.MINISTRY, GOVERNMENT, ("Kementerian Perindustrian", "Kemenperin", "Ministry of Industry")),
    ("Directorate General of Metal, Machinery, Transport Equipment and Electronics Industries", PartyKind.MINISTRY,
     MINISTRY, ("Ditjen ILMATE",)),
    ("Directorate General of Chemical, Pharmaceutical and Textile Industries", PartyKind.MINISTRY, MINISTRY,
     ("Ditjen IKFT",)),
    ("Directorate General of Agro-Industry", PartyKind.MINISTRY, MINISTRY, ("Ditjen Industri Agro",)),
    ("Directorate General of Small, Medium and Miscellaneous Industries", PartyKind.MINISTRY, MINISTRY,
     ("Ditjen IKMA",)),
    ("Directorate General for Resilience and Development of International Industrial Access", PartyKind.MINISTRY,
     MINISTRY, ("Ditjen KPAII",)),
    ("Industrial Human Resources Development Agency", PartyKind.MINISTRY, MINISTRY, ("BPSDMI",)),
    ("Agency for Industrial Standardisation and Services Policy", PartyKind.MINISTRY, MINISTRY, ("BSKJI",)),
    ("Ministry of Foreign Affairs of the Republic of Indonesia", PartyKind.MINISTRY, GOVERNMENT, ("Kemlu",)),
    ("Ministry of Energy and Mineral Resources of the Republic of Indonesia", PartyKind.MINISTRY, GOVERNMENT,
     ("Kementerian ESDM",)),
    ("Ministry of Trade of the Republic of Indonesia", PartyKind.MINISTRY, GOVERNMENT, ("Kemendag",)),
    ("National Research and Innovation Agency", PartyKind.RESEARCH_INSTITUTE, GOVERNMENT, ("BRIN",)),
    ("PT Krakatau Steel (Persero) Tbk", PartyKind.COMPANY, None, ("Krakatau Steel",)),
    ("PT Pindad (Persero)", PartyKind.COMPANY, None, ("Pindad",)),
    ("PT Len Industri (Persero)", PartyKind.COMPANY, None, ("Len Industri",)),
    ("PT Industri Kereta Api (Persero)", PartyKind.COMPANY, None, ("INKA",)),
    ("Bandung Institute of Technology", PartyKind.RESEARCH_INSTITUTE, None, ("ITB", "Institut Teknologi Bandung")),
    ("Universitas Indonesia", PartyKind.RESEARCH_INSTITUTE, None, ("UI",)),
    ("Indonesian Chamber of Commerce and Industry", PartyKind.ASSOCIATION, None, ("Kadin Indonesia", "KADIN")),
    ("Association of Indonesia Automotive Industries", PartyKind.ASSOCIATION, None, ("GAIKINDO",)),
)  # fmt: skip
OUTLETS = (
    ("Antara", "www.antaranews.com", "berita", "id", SourceKind.NEWS_ARTICLE, 6),
    ("tirto.id", "tirto.id", "ekonomi", "id", SourceKind.NEWS_ARTICLE, 3),
    ("Kompas", "money.kompas.com", "read", "id", SourceKind.NEWS_ARTICLE, 4),
    ("Bisnis Indonesia", "ekonomi.bisnis.com", "read", "id", SourceKind.NEWS_ARTICLE, 4),
    ("Kontan", "industri.kontan.co.id", "news", "id", SourceKind.NEWS_ARTICLE, 3),
    ("CNN Indonesia", "www.cnnindonesia.com", "ekonomi", "id", SourceKind.NEWS_ARTICLE, 3),
    ("Kementerian Perindustrian", "kemenperin.go.id", "artikel", "id", SourceKind.PRESS_RELEASE, 4),
    ("JDIH Kemenperin", "jdih.kemenperin.go.id", "dokumen", "id", SourceKind.OFFICIAL_DOCUMENT, 2),
    ("The Jakarta Post", "www.thejakartapost.com", "business", "en", SourceKind.NEWS_ARTICLE, 4),
    ("Jakarta Globe", "jakartaglobe.id", "business", "en", SourceKind.NEWS_ARTICLE, 2),
    ("Antara English", "en.antaranews.com", "news", "en", SourceKind.NEWS_ARTICLE, 3),
    ("The Korea Herald", "www.koreaherald.com", "view", "en", SourceKind.NEWS_ARTICLE, 1),
    ("Nikkei Asia", "asia.nikkei.com", "Business", "en", SourceKind.NEWS_ARTICLE, 1),
    ("UNIDO", "www.unido.org", "news", "en", SourceKind.PRESS_RELEASE, 1),
)
AUTHORS = (
    "Dipna Videlia Putsanra", "Sella Panduarsa Gareta", "Ahmad Wijaya", "Rina Kusuma", "Budi Santoso", "Dewi Lestari",
    "Agus Salim", "Maria Ulfa", "Kim Ji-hoon", "Tanaka Hiroshi", "Li Wei", "Sarah Johnson", "",
)  # fmt: skip
CITIES = ("Jakarta", "Bandung", "Surabaya", "Batam", "Seoul", "Tokyo", "Beijing", "Berlin", "Singapore", "Bali")
INSTRUMENT_WEIGHTS = {
    InstrumentType.MOU: 45, InstrumentType.AGREEMENT: 20, InstrumentType.IMPLEMENTING_ARRANGEMENT: 10,
    InstrumentType.LETTER_OF_INTENT: 8, InstrumentType.JOINT_STATEMENT: 7, InstrumentType.CONTRACT: 5,
    InstrumentType.OTHER: 5,
}  # fmt: skip
INSTRUMENT_WORDS = {  # English title lead, Indonesian title lead, Indonesian name in running text
    InstrumentType.MOU: ("Memorandum of Understanding on", "Nota Kesepahaman tentang", "nota kesepahaman (MoU)"),
    InstrumentType.AGREEMENT: ("Agreement on cooperation in", "Perjanjian Kerja Sama", "perjanjian kerja sama"),
    InstrumentType.IMPLEMENTING_ARRANGEMENT: (
        "Implementing Arrangement on", "Pengaturan Pelaksanaan tentang", "pengaturan pelaksanaan"),
    InstrumentType.LETTER_OF_INTENT: ("Letter of Intent on", "Surat Pernyataan Kehendak tentang", "letter of intent"),
    InstrumentType.JOINT_STATEMENT: ("Joint Statement on", "Pernyataan Bersama tentang", "pernyataan bersama"),
    InstrumentType.CONTRACT: ("Contract on", "Kontrak", "kontrak"),
    InstrumentType.OTHER: ("Cooperation on", "Kerja sama", "kerja sama"),
}  # fmt: skip
# Statuses by where the period stands against REFERENCE_DAY: ended, not started, running, or no dates known.
STATUS_WEIGHTS = {
    "ended": {"expired": 55, "in_force": 10, "terminated": 10, "superseded": 10, "signed": 5, "cancelled": 5,
              "suspended": 5},
    "future": {"announced": 35, "under_negotiation": 35, "signed": 25, "cancelled": 5},
    "running": {"in_force": 70, "signed": 10, "suspended": 8, "terminated": 5, "superseded": 3, "announced": 2,
                "under_negotiation": 2},
    "undated": {"announced": 50, "under_negotiation": 40, "cancelled": 10},
}  # fmt: skip
RELATION_WEIGHTS = {RelationKind.RENEWS: 40, RelationKind.AMENDS: 25, RelationKind.SUPERSEDES: 15,
                    RelationKind.IMPLEMENTS: 20}  # fmt: skip
# Territories without a government to sign with.
UNINHABITED = frozenset({"AQ", "BV", "GS", "HM", "IO", "TF", "UM"})
TOPIC_CUMULATIVE = list(accumulate(topic.weight for topic in TOPICS))
OUTLET_CUMULATIVE = list(accumulate(outlet[5] for outlet in OUTLETS))
ID_TABLES = ("party", "party_alias", "agreement", "agreement_party", "agreement_relation", "source", "source_snapshot")


@dataclass(frozen=True)
class PartyRef:
    """A party as the generator uses it: id, full and short name, country, kind."""

    id: int
    name: str
    short: str
    country: str | None
    kind: PartyKind


@dataclass
class World:
    """Everything the agreements are drawn from, and the state of one run."""

    rng: Random
    # The parties do not depend on the seed: runs with other seeds (--append) share them.
    party_rng: Random
    # Issue 15's facts, drawn apart so that the rest of a seed's data stays as it was before them.
    facts_rng: Random
    next_ids: dict[str, int]
    sector_ids: dict[str, int]
    home: list[PartyRef] = field(default_factory=list)
    partners: list[PartyRef] = field(default_factory=list)
    partner_weights: list[float] = field(default_factory=list)
    partner_cumulative: list[float] = field(default_factory=list)
    organisations: list[PartyRef] = field(default_factory=list)
    states: dict[str, PartyRef] = field(default_factory=dict)
    titles: set[str] = field(default_factory=set)
    first_agreement_id: int = 0
    recent_sources: list[int] = field(default_factory=list)

    def take(self, table: str) -> int:
        """The next free id of a table."""
        value = self.next_ids[table]
        self.next_ids[table] = value + 1
        return value


@dataclass
class Rows:
    """The rows of one batch, per table, in the order they are written (parents first)."""

    source: list[dict[str, Any]] = field(default_factory=list)
    source_snapshot: list[dict[str, Any]] = field(default_factory=list)
    agreement: list[dict[str, Any]] = field(default_factory=list)
    agreement_term: list[dict[str, Any]] = field(default_factory=list)
    agreement_party: list[dict[str, Any]] = field(default_factory=list)
    agreement_sector: list[dict[str, Any]] = field(default_factory=list)
    agreement_source: list[dict[str, Any]] = field(default_factory=list)
    agreement_relation: list[dict[str, Any]] = field(default_factory=list)


TABLES: dict[str, Table] = {
    "source": Source.__table__,  # type: ignore[dict-item]
    "source_snapshot": SourceSnapshot.__table__,  # type: ignore[dict-item]
    "agreement": Agreement.__table__,  # type: ignore[dict-item]
    "agreement_term": AgreementTerm.__table__,  # type: ignore[dict-item]
    "agreement_party": AgreementParty.__table__,  # type: ignore[dict-item]
    "agreement_sector": agreement_sector,
    "agreement_source": AgreementSource.__table__,  # type: ignore[dict-item]
    "agreement_relation": AgreementRelation.__table__,  # type: ignore[dict-item]
}


# --- the run ----------------------------------------------------------------------------------------------------


def has_agreements(connection: Connection) -> bool:
    """Whether the database holds any agreement (archived ones too)."""
    return connection.scalar(select(Agreement.id).limit(1)) is not None


def new_world(connection: Connection, seed_value: int) -> World:
    """The generator's state for `seed_value`, its ids following what the database holds."""
    return World(
        rng=Random(seed_value),
        party_rng=Random(PARTY_SEED),
        facts_rng=facts.facts_random(seed_value),
        next_ids=next_ids(connection),
        sector_ids=ensure_sectors(connection),
    )


def seed(
    connection: Connection, agreements: int, seed_value: int = 0, progress: Callable[[int], None] | None = None
) -> dict[str, int]:
    """Write `agreements` synthetic agreements with everything around them; returns the rows written per table."""
    world = new_world(connection, seed_value)
    counts = write_parties(connection, world)
    world.first_agreement_id = world.next_ids["agreement"]
    # A trigger per link row rewrote the agreement's document up to ten times; `search.index_agreements` writes each
    # once, batch by batch, while the next batch is drawn.
    with search.triggers_off(connection), kept.insert_triggers_off(connection), indexes_built_after(connection):
        for rows in drawn_batches(world, agreements):
            write_batch(connection, rows, counts)
            if progress:
                progress(len(rows.agreement))
    reset_sequences(connection)
    return counts


# --- PostgreSQL in parallel connections: rows committed in chunks, their search documents computed alongside ---

# Agreements per committed chunk: each chunk's search documents are computed in another connection once it is
# committed, so the documents of the first chunks are done while the last are still being copied.
CHUNK = 10 * BATCH
# Connections computing search documents (and building indexes at the end): one per core of the 2-core machine.
CONNECTIONS = 2


def seed_in_parallel(
    engine: Engine,
    agreements: int,
    seed_value: int = 0,
    progress: Callable[[int], None] | None = None,
    connections: int = CONNECTIONS,
    phase: Callable[[str, float], None] | None = None,
) -> dict[str, int]:
    """PostgreSQL: `seed`'s rows, committed chunk by chunk, with each chunk's search documents written in one of
    `connections` other connections and the plain indexes built after loading, also in parallel; then ANALYZE.

    The result is the same as `seed`'s; not one transaction: a failure leaves what was committed (the triggers and
    indexes are put back). For an empty database that nothing else writes to meanwhile: the search triggers are off
    until the end.
    """
    timer = Phases(phase)
    with engine.begin() as connection:
        indexes = plain_indexes(connection)
        for name, _definition in indexes:
            connection.execute(text(f"DROP INDEX {name}"))
        triggers = search.disable_triggers(connection)
    try:
        with ThreadPoolExecutor(connections) as indexers:
            pending: list[Future[None]] = []

            def committed(first: int, last: int) -> None:
                pending.append(indexers.submit(index_range, engine, first, last))

            counts = write_rows_in_chunks(engine, agreements, seed_value, progress, committed)
            timer.done("rows")
            for future in pending:
                future.result()
            timer.done("search documents (after the rows)")
    finally:
        with engine.begin() as connection:
            search.enable_triggers(connection, triggers)
        build_indexes(engine, [definition for _name, definition in indexes], connections)
        timer.done("indexes")
    analyze(engine, connections)
    timer.done("ANALYZE")
    return counts


class Phases:
    """Reports the seconds since the last phase ended to an optional callback."""

    def __init__(self, report: Callable[[str, float], None] | None) -> None:
        self.report = report
        self.last = perf_counter()

    def done(self, label: str) -> None:
        """The phase named `label` ended now."""
        now = perf_counter()
        if self.report:
            self.report(label, now - self.last)
        self.last = now


def write_rows_in_chunks(
    engine: Engine,
    agreements: int,
    seed_value: int,
    progress: Callable[[int], None] | None,
    committed: Callable[[int, int], None],
) -> dict[str, int]:
    """Write the parties, then the agreements with everything around them, committing every CHUNK agreements and
    telling `committed` the range of agreement ids just committed; returns the rows written per table."""
    with engine.connect() as connection:
        world = new_world(connection, seed_value)
        counts = write_parties(connection, world)
        connection.commit()
        world.first_agreement_id = world.next_ids["agreement"]
        batches = drawn_batches(world, agreements)
        for chunk in range(0, agreements, CHUNK):
            # An explicit transaction: COPY goes through the driver's cursor, which SQLAlchemy does not see begin
            # one, so a bare commit() would commit nothing until the next statement of its own.
            with connection.begin(), kept.insert_triggers_off(connection):
                for rows in islice(batches, len(range(chunk, min(chunk + CHUNK, agreements), BATCH))):
                    write_tables(connection, rows, counts)
                    if progress:
                        progress(len(rows.agreement))
            first = world.first_agreement_id + chunk
            committed(first, first + min(CHUNK, agreements - chunk) - 1)
        reset_sequences(connection)
        connection.commit()
    return counts


def index_range(engine: Engine, first: int, last: int) -> None:
    """Write the search documents of the committed agreements first..last, in a connection of its own."""
    with engine.begin() as connection:
        search.index_agreements(connection, first, last)


def build_indexes(engine: Engine, definitions: list[str], connections: int) -> None:
    """Run the CREATE INDEX statements, spread over `connections` connections."""

    def build(definition: str) -> None:
        with engine.begin() as connection:
            connection.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))  # the GIN build's sort in memory
            connection.exec_driver_sql(definition)

    # The full-text GIN index is the longest build: started first, the others share the other connections.
    ordered = sorted(definitions, key=lambda definition: "USING gin" not in definition)
    with ThreadPoolExecutor(connections) as builders:
        for future in [builders.submit(build, definition) for definition in ordered]:
            future.result()


def analyze(engine: Engine, connections: int) -> None:
    """Fresh planner statistics for every table the generator writes, spread over `connections` connections."""

    def run(table: str) -> None:
        with engine.begin() as connection:
            connection.execute(text(f'ANALYZE "{table}"'))

    tables = ["sector", "party", "party_alias", *TABLES, "agreement_search"]
    with ThreadPoolExecutor(connections) as workers:
        for future in [workers.submit(run, table) for table in tables]:
            future.result()


def drawn_batches(world: World, agreements: int) -> Iterator[Rows]:
    """The rows of `agreements` agreements, BATCH at a time, each batch drawn in a thread while the caller writes the
    last (the server's work overlaps the drawing); one thread draws, in order, so a seed always gives the same rows."""
    with ThreadPoolExecutor(1) as drawer:
        pending = drawer.submit(draw_batch, world, 0, min(BATCH, agreements))
        for start in range(0, agreements, BATCH):
            rows = pending.result()
            following = start + BATCH
            if following < agreements:
                pending = drawer.submit(draw_batch, world, following, min(following + BATCH, agreements))
            yield rows


def draw_batch(world: World, start: int, stop: int) -> Rows:
    """The rows of the agreements numbered start to stop - 1."""
    rows = Rows()
    for index in range(start, stop):
        add_agreement(world, rows, index)
    return rows


def write_batch(connection: Connection, rows: Rows, counts: dict[str, int]) -> None:
    """Write one batch, parents first, and (PostgreSQL) index its agreements; add to the counts per table."""
    write_tables(connection, rows, counts)
    if connection.dialect.name == "postgresql" and rows.agreement:
        search.index_agreements(connection, rows.agreement[0]["id"], rows.agreement[-1]["id"])


def write_tables(connection: Connection, rows: Rows, counts: dict[str, int]) -> None:
    """Write one batch's rows, parents first, and its kept counts (their insert triggers are off inside
    `kept.insert_triggers_off`, which every caller is in); add to the counts per table."""
    for name, table in TABLES.items():
        batch = getattr(rows, name)
        if batch:
            write(connection, table, batch)
            counts[name] = counts.get(name, 0) + len(batch)
    if rows.agreement:
        first, last = rows.agreement[0]["id"], rows.agreement[-1]["id"]
        kept.count_agreements(connection, first, last)
        kept.count_sources(connection, len(rows.source))
        kept.move_versions(connection, first, last, len(rows.agreement), len(rows.agreement_term))


# Tables whose secondary indexes are built once after loading on PostgreSQL: the search documents' statement reads
# agreements and sources by primary key only (the link tables' indexes serve it and stay).
REINDEXED_TABLES = ("agreement", "source", "agreement_search")


@contextmanager
def indexes_built_after(connection: Connection) -> Iterator[None]:
    """PostgreSQL: drop the plain (not unique, no constraint) indexes of REINDEXED_TABLES and create them again, with
    their own definitions, after loading: one sorted build each instead of a million random inserts (the full-text
    GIN index most of all). The schema is the same at the end; it all happens in the seed's transaction."""
    if connection.dialect.name != "postgresql":
        yield
        return
    indexes = plain_indexes(connection)
    for name, _definition in indexes:
        connection.execute(text(f"DROP INDEX {name}"))
    yield
    connection.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))  # the GIN build's sort in memory
    for _name, definition in indexes:
        connection.exec_driver_sql(definition)


def plain_indexes(connection: Connection) -> list[Any]:
    """(quoted name, CREATE INDEX statement) of the plain (not unique, no constraint) indexes of REINDEXED_TABLES."""
    return connection.execute(
        text(
            "SELECT quote_ident(c.relname), pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid "
            "JOIN pg_namespace n ON n.oid = t.relnamespace "
            "WHERE n.nspname = current_schema() AND t.relname IN :tables AND NOT i.indisunique "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = i.indexrelid)"
        ).bindparams(bindparam("tables", expanding=True)),
        {"tables": list(REINDEXED_TABLES)},
    ).all()


def write(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows of one table: COPY on PostgreSQL (several times faster at a million agreements), else executemany.

    Both paths store the same values: COPY is given each column's Python-side default where a row leaves it out and
    each value through the column type's bind processing, as the INSERT would.
    """
    if connection.dialect.name != "postgresql" or not rows:
        connection.execute(insert(table), rows)
        return
    columns = [column for column in table.columns if column.name in rows[0] or python_default(column)]
    names = ", ".join(f'"{column.name}"' for column in columns)
    cells = [cell_maker(connection, column) for column in columns]
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([cell(row) for cell in cells])


def python_default(column: Any) -> bool:
    """Whether the column has a default SQLAlchemy computes in Python (a value or a function, not SQL)."""
    return column.default is not None and (column.default.is_scalar or column.default.is_callable)


def cell_maker(connection: Connection, column: Any) -> Callable[[dict[str, Any]], Any]:
    """A function of a row giving the column's value as the INSERT would bind it (default, then bind processing)."""
    process = column.type.dialect_impl(connection.dialect).bind_processor(connection.dialect) or (lambda value: value)
    default = column.default
    if default is None or not (default.is_scalar or default.is_callable):
        return lambda row: process(row.get(column.name))
    if default.is_scalar:
        return lambda row: process(row.get(column.name, default.arg))
    return lambda row: process(row[column.name] if column.name in row else default.arg(None))


def next_ids(connection: Connection) -> dict[str, int]:
    """The first free id of every table the generator numbers itself."""
    return {name: (connection.scalar(text(f"SELECT MAX(id) FROM {name}")) or 0) + 1 for name in ID_TABLES}


def reset_sequences(connection: Connection) -> None:
    """PostgreSQL: move the id sequences past the explicit ids, so that the app's next insert gets a free id."""
    if connection.dialect.name != "postgresql":
        return
    for name in ID_TABLES:
        connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT MAX(id) FROM {name}))"))


def ensure_sectors(connection: Connection) -> dict[str, int]:
    """Add the extra sectors that are missing; every live sector by slug."""
    sector = Sector.__table__
    present = set(connection.scalars(select(Sector.slug)))
    now = datetime.combine(REFERENCE_DAY, time(), tzinfo=UTC)
    missing = [
        {"slug": slug, "name": name, "description": description, "keywords": "", "created_at": now, "updated_at": now}
        for slug, name, description in EXTRA_SECTORS
        if slug not in present
    ]
    names = set(connection.scalars(select(func.lower(Sector.name))))
    missing = [row for row in missing if row["name"].lower() not in names]  # a user may have named one already
    if missing:
        connection.execute(insert(sector), missing)
    live = select(Sector.slug, Sector.id).where(Sector.archived_at.is_(None)).order_by(Sector.id)
    return {row.slug: row.id for row in connection.execute(live)}


# --- parties ----------------------------------------------------------------------------------------------------


def write_parties(connection: Connection, world: World) -> dict[str, int]:
    """Make (or, in a database that has them, reuse) the home side, the states and the partner organisations."""
    existing = {
        (name, country): party_id
        for party_id, name, country in connection.execute(select(Party.id, Party.name, Party.country_code))
    }
    party_rows: list[dict[str, Any]] = []
    alias_rows: list[dict[str, Any]] = []

    def add(name: str, kind: PartyKind, country: str | None, aliases: Sequence[str], parent: int | None) -> PartyRef:
        short = aliases[0] if aliases else name
        created = moment(world.party_rng, date(2017, 1, 1), date(2020, 12, 31))  # drawn always: same sequence
        if (name, country) in existing:
            return PartyRef(existing[(name, country)], name, short, country, kind)
        ref = PartyRef(world.take("party"), name, short, country, kind)
        party_rows.append(party_row(ref, parent, created))
        for alias in dict.fromkeys(aliases):  # unique per party, in order
            alias_rows.append({"id": world.take("party_alias"), "party_id": ref.id, "alias": alias})
        return ref

    make_home(world, add)
    make_states(world, add)
    make_organisations(world, add)
    world.partner_cumulative = list(accumulate(world.partner_weights))
    if party_rows:
        write(connection, Party.__table__, party_rows)  # type: ignore[arg-type]
    if alias_rows:
        write(connection, PartyAlias.__table__, alias_rows)  # type: ignore[arg-type]
    return {"party": len(party_rows), "party_alias": len(alias_rows)}


def party_row(ref: PartyRef, parent: int | None, created: datetime) -> dict[str, Any]:
    """A party table row."""
    return {
        "id": ref.id,
        "name": ref.name,
        "kind": ref.kind.value,
        "country_code": ref.country,
        "parent_id": parent,
        "notes": "",
        "version": 1,
        "created_at": created,
        "updated_at": created,
        "archived_at": None,
        "archived_by_id": None,
    }


def make_home(world: World, add: Callable[..., PartyRef]) -> None:
    """The Indonesian state, the ministry with its units, other ministries, state companies and universities."""
    ids: dict[str, int] = {}
    for name, kind, parent, aliases in HOME_PARTIES:
        ref = add(name, kind, HOME, aliases, ids.get(parent) if parent else None)
        ids[name] = ref.id
        world.home.append(ref)
    world.states[HOME] = world.home[0]


def make_states(world: World, add: Callable[..., PartyRef]) -> None:
    """The government of every other country pycountry knows, with its short and Indonesian names as aliases."""
    for country in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        code = country.alpha_2
        if code == HOME or code in UNINHABITED:
            continue
        official = getattr(country, "official_name", None)
        name = (
            f"Government of the {official}"
            if official and official != country.name
            else f"Government of {country.name}"
        )
        aliases = [country_name(code, "en"), *INDONESIAN_COUNTRY_NAMES.get(code, ())]
        ref = add(name[:300], PartyKind.STATE, code, [alias for alias in aliases if alias != name], None)
        world.states[code] = ref
        world.partners.append(ref)
        world.partner_weights.append(COUNTRY_WEIGHTS.get(code, 0.2) * 0.5)


def make_organisations(world: World, add: Callable[..., PartyRef]) -> None:
    """International organisations, then companies, associations and institutes in the partner countries."""
    for name, aliases in INTERNATIONAL_ORGANISATIONS:
        ref = add(name, PartyKind.INTERNATIONAL_ORGANISATION, None, aliases, None)
        world.organisations.append(ref)
        world.partners.append(ref)
        world.partner_weights.append(1.5)
    codes = list(COUNTRY_WEIGHTS)
    weights = list(COUNTRY_WEIGHTS.values())
    names: set[str] = set()
    while len(names) < PARTNER_ORGANISATIONS:
        code = world.party_rng.choices(codes, weights)[0]
        name, kind, aliases = organisation_name(world.party_rng, code)
        if name in names:
            continue
        names.add(name)
        world.partners.append(add(name, kind, code, aliases, None))
        world.partner_weights.append(COUNTRY_WEIGHTS[code] / 4)


def organisation_name(rng: Random, code: str) -> tuple[str, PartyKind, list[str]]:
    """A company (mostly), association or research institute of a country, with its short name and acronym."""
    roll = rng.random()
    country = country_name(code, "en")
    trade = rng.choice(COMPANY_TRADES)
    if roll < 0.08:
        name = f"{country} {trade} Industry Association"
        return name, PartyKind.ASSOCIATION, [acronym(name)]
    if roll < 0.16:
        name = f"{country} Institute of {trade} Technology"
        return name, PartyKind.RESEARCH_INSTITUTE, [acronym(name)]
    stem = rng.choice(COMPANY_STEMS)
    form = rng.choice(LEGAL_FORMS.get(code, ("Ltd",)))
    short = f"{stem} {trade}"
    return f"{short} {form}", PartyKind.COMPANY, [short, acronym(short)]


def the(ref: PartyRef) -> str:
    """The name as it reads in a sentence: "the Government of Japan", but "Daesan Motors Co., Ltd"."""
    bare = ref.kind is PartyKind.COMPANY or ref.name.startswith(("Universitas", "PT "))
    return ref.name if bare else f"the {ref.name}"


def capital(text: str) -> str:
    """The text with its first letter upper-cased (str.capitalize would lower the rest)."""
    return text[:1].upper() + text[1:]


def acronym(name: str) -> str:
    """The capitals of a name's words ("Korea Institute of Steel Technology" -> "KIST")."""
    return "".join(word[0] for word in name.replace("-", " ").split() if word[0].isupper())


# --- agreements -------------------------------------------------------------------------------------------------


def add_agreement(world: World, rows: Rows, index: int) -> None:
    """One agreement with its parties, sectors, sources, snapshots and perhaps a relation to an earlier one."""
    rng = world.rng
    agreement_id = world.take("agreement")
    topic = rng.choices(TOPICS, cum_weights=TOPIC_CUMULATIVE)[0]
    home = pick_home(rng, world)
    partner = rng.choices(world.partners, cum_weights=world.partner_cumulative)[0]
    instrument = forced(index, InstrumentType) or rng.choices(list(INSTRUMENT_WEIGHTS), INSTRUMENT_WEIGHTS.values())[0]
    start, end, signed = period(rng)
    status = forced(index, AgreementStatus) or pick_status(rng, start, end)
    renewal = forced(index, RenewalIntent) or pick_renewal(rng, end)
    english, local = titles(world, instrument, topic, home, partner)
    # Reported around the signing (or start); recorded in the tracker since 2017, when the team started it.
    reported = min((signed or start or (REFERENCE_DAY, None))[0], REFERENCE_DAY)
    created = moment(rng, max(reported, RECORDING_SINCE), REFERENCE_DAY)
    rows.agreement.append(
        {
            "id": agreement_id,
            "title": english,
            "title_local": local,
            "instrument_type": instrument.value,
            "summary": summary(rng, instrument, topic, home, partner, start, end),
            "notes": notes(rng, partner, start, end, signed),
            "status": status.value,
            "renewal_intent": renewal.value,
            **date_columns("signed", signed),
            **date_columns("start", start),
            **date_columns("end", end),
            "version": 1,
            "created_at": created,
            "updated_at": min(created + timedelta(days=rng.randint(0, 400)), moment_at(REFERENCE_DAY)),
            "archived_at": None,
            "archived_by_id": None,
        }
    )
    columns, terms = facts.draw(world.facts_rng, agreement_id, instrument, status, (start, end, signed), REFERENCE_DAY)
    rows.agreement[-1].update(columns)
    rows.agreement_term.extend(terms)
    add_parties(world, rows, agreement_id, index, home, partner)
    add_sectors(world, rows, agreement_id, index, topic)
    add_sources(world, rows, agreement_id, Story(english, local, topic, home, partner, start, end), reported, created)
    add_relation(world, rows, agreement_id, index)


def forced(index: int, enum_class: Any) -> Any:
    """The index-th member for the first agreements, so that even a small run has every value; None after."""
    members = list(enum_class)
    return members[index] if index < len(members) else None


def pick_home(rng: Random, world: World) -> PartyRef:
    """The Indonesian signatory: mostly the ministry, else one of its units or another Indonesian body."""
    roll = rng.random()
    if roll < 0.5:
        return world.home[1]
    if roll < 0.8:
        return rng.choice(world.home[2:9])
    return rng.choice(world.home[9:])


DatePart = tuple[date, Precision]


def period(rng: Random) -> tuple[DatePart | None, DatePart | None, DatePart | None]:
    """Start, end and signing day: mostly recent years, some open-ended, some not yet dated, mixed precision."""
    if rng.random() < 0.06:
        return None, None, None
    start_year = int(rng.triangular(FIRST_YEAR, LAST_YEAR - 1, 2021))
    start = partial(rng, start_year, rng.choice((0.3, 0.3, 0.4)))
    signed = (start[0] - timedelta(days=rng.randint(0, 90)), Precision.DAY) if rng.random() < 0.7 else None
    if signed and signed[0].year < FIRST_YEAR:
        signed = None
    if rng.random() < 0.1:
        return start, None, signed
    end_year = min(start_year + rng.choice((1, 2, 3, 5, 5, 5, 10, 10, 15)), LAST_YEAR)
    end = partial(rng, end_year, 0.3)
    if end[0] < start[0]:
        end = (start[0], start[1])
    return start, end, signed


def partial(rng: Random, year: int, year_share: float) -> DatePart:
    """A date in the year known to the year (year_share of the time), the month or the day."""
    roll = rng.random()
    if roll < year_share:
        return date(year, 1, 1), Precision.YEAR
    month = rng.randint(1, 12)
    if roll < year_share + (1 - year_share) / 3:
        return date(year, month, 1), Precision.MONTH
    return date(year, month, rng.randint(1, 28)), Precision.DAY


def date_columns(name: str, part: DatePart | None) -> dict[str, Any]:
    """The stored pair of a partial date: earliest day and precision."""
    if part is None:
        return {f"{name}_on": None, f"{name}_precision": None}
    return {f"{name}_on": part[0], f"{name}_precision": part[1].value}


def pick_status(rng: Random, start: DatePart | None, end: DatePart | None) -> AgreementStatus:
    """A status that fits where the period stands against the reference day."""
    if start is None:
        stage = "undated"
    elif end is not None and end[0] < REFERENCE_DAY:
        stage = "ended"
    elif start[0] > REFERENCE_DAY:
        stage = "future"
    else:
        stage = "running"
    weights = STATUS_WEIGHTS[stage]
    return AgreementStatus(rng.choices(list(weights), list(weights.values()))[0])


def pick_renewal(rng: Random, end: DatePart | None) -> RenewalIntent:
    """Renewal plans are common near or after the end, rare before."""
    near = end is not None and end[0] < REFERENCE_DAY + timedelta(days=3 * 365)
    # Not recorded, none planned, intended, in negotiation, renewed: the first two share what "none" alone had.
    weights = (30, 20, 20, 15, 15) if near else (60, 25, 10, 5, 0)
    return rng.choices(list(RenewalIntent), weights)[0]


def titles(
    world: World, instrument: InstrumentType, topic: Topic, home: PartyRef, partner: PartyRef
) -> tuple[str, str]:
    """English and Indonesian titles, made unique with a phase number (an import tells agreements apart by title)."""
    lead, lead_local, _running = INSTRUMENT_WORDS[instrument]
    english = f"{lead} {topic.english} between {the(home)} and {the(partner)}"
    local = f"{lead_local} {topic.indonesian} antara {home.short} dan {partner.short}"
    base, phase = english, 1
    while english.casefold() in world.titles:
        phase += 1
        english = f"{base} (phase {phase})"
    world.titles.add(english.casefold())
    return english[:500], (local if phase == 1 else f"{local} (tahap {phase})")[:500]


def summary(
    rng: Random,
    instrument: InstrumentType,
    topic: Topic,
    home: PartyRef,
    partner: PartyRef,
    start: DatePart | None,
    end: DatePart | None,
) -> str:
    """Two or three English sentences on what the agreement does."""
    where = f" ({country_name(partner.country, 'en')})" if partner.country else ""
    sentences = [
        f"{INSTRUMENT_WORDS[instrument][0].split(' on')[0]} between {the(home)} and {the(partner)}{where} "
        f"on {topic.english}.",
        rng.choice(
            (
                "It covers joint research, the training of industrial workers and technology transfer.",
                "The parties exchange experts and information and develop pilot projects.",
                f"Investment of USD {rng.randint(5, 900)} million is planned in {rng.choice(CITIES)}.",
                "It supports local content and supply chains for Indonesian manufacturers.",
                "It sets up a working group that meets once a year.",
            )
        ),
    ]
    if start and end:
        sentences.append(f"It runs from {start[0].year} to {end[0].year}.")
    return " ".join(sentences)


def notes(rng: Random, partner: PartyRef, start: DatePart | None, end: DatePart | None, signed: DatePart | None) -> str:
    """Short working notes, in Indonesian or English, as staff write them."""
    choices = ["", "Follow up with the partner's embassy.", f"Kontak: atase perindustrian di {rng.choice(CITIES)}."]
    if signed:
        choices.append(f"Ditandatangani di {rng.choice(CITIES)} pada {signed[0].isoformat()}.")
    if start and start[1] is Precision.YEAR:
        choices.append("Only the years of the start and end are reported.")
    if end and end[0] < REFERENCE_DAY:
        choices.append(f"Evaluasi kerja sama dengan {partner.short} diperlukan sebelum perpanjangan.")
    return rng.choice(choices)


def add_parties(world: World, rows: Rows, agreement_id: int, index: int, home: PartyRef, partner: PartyRef) -> None:
    """Both signatories, and sometimes an implementing agency, a funder, a witness or another party."""
    rng = world.rng
    links = [(home, PartyRole.SIGNATORY), (partner, PartyRole.SIGNATORY)]
    if rng.random() < 0.3:
        links.append((rng.choice(world.home[2:9]), PartyRole.IMPLEMENTING_AGENCY))
    if rng.random() < 0.1:
        links.append((rng.choice(world.organisations), PartyRole.FUNDER))
    if rng.random() < 0.05 and partner.country:
        links.append((world.states[partner.country], PartyRole.WITNESS))
    if rng.random() < 0.03:
        links.append((world.states[HOME], PartyRole.OTHER))
    role = forced(index, PartyRole)
    if role is not None:
        links.append((world.home[0], role))
    for party_id, link_role in dict.fromkeys((ref.id, role) for ref, role in links):
        rows.agreement_party.append(
            {
                "id": world.take("agreement_party"),
                "agreement_id": agreement_id,
                "party_id": party_id,
                "role": link_role.value,
            }
        )


def add_sectors(world: World, rows: Rows, agreement_id: int, index: int, topic: Topic) -> None:
    """The topic's sectors, sometimes one more; the first agreements take every sector in turn."""
    ids = [world.sector_ids[slug] for slug in topic.sectors if slug in world.sector_ids]
    every = list(world.sector_ids.values())
    if world.rng.random() < 0.15 or not ids:
        ids.append(world.rng.choice(every))
    if index < len(every):
        ids.append(every[index])
    for sector_id in dict.fromkeys(ids):
        rows.agreement_sector.append({"agreement_id": agreement_id, "sector_id": sector_id})


def add_relation(world: World, rows: Rows, agreement_id: int, index: int) -> None:
    """About one agreement in twenty renews, amends, supersedes or implements an earlier one."""
    kinds = list(RelationKind)
    earlier = agreement_id - world.first_agreement_id
    if 1 <= index <= len(kinds):
        kind = kinds[index - 1]
    elif earlier > 0 and world.rng.random() < 0.05:
        kind = world.rng.choices(kinds, [RELATION_WEIGHTS[kind] for kind in kinds])[0]
    else:
        return
    other = world.first_agreement_id + world.rng.randrange(earlier) if earlier > 0 else None
    if other is None:
        return
    rows.agreement_relation.append(
        {"id": world.take("agreement_relation"), "subject_id": agreement_id, "object_id": other, "kind": kind.value,
         "note": world.rng.choice(("", "Continues the earlier cooperation.", "Melanjutkan kerja sama sebelumnya."))}
    )  # fmt: skip


# --- sources ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Story:
    """What the sources of one agreement report."""

    english: str
    local: str
    topic: Topic
    home: PartyRef
    partner: PartyRef
    start: DatePart | None
    end: DatePart | None


def add_sources(world: World, rows: Rows, agreement_id: int, story: Story, reported: date, created: datetime) -> None:
    """About three sources, mostly new ones with a snapshot each; now and then one that reports earlier news too."""
    rng = world.rng
    source_ids: list[int] = []
    for _number in range(rng.choice((1, 2, 3, 3, 3, 4, 5))):
        if world.recent_sources and rng.random() < 0.08:
            source_ids.append(rng.choice(world.recent_sources))
            continue
        source_ids.append(add_source(world, rows, story, reported))
    for source_id in dict.fromkeys(source_ids):
        rows.agreement_source.append(
            {"agreement_id": agreement_id, "source_id": source_id, "note": link_note(rng, story.start, story.end),
             "created_at": created}
        )  # fmt: skip


def add_source(world: World, rows: Rows, story: Story, around: date) -> int:
    """A new source and its snapshot; returns its id."""
    rng = world.rng
    source_id = world.take("source")
    outlet, host, section, language, kind, _weight = rng.choices(OUTLETS, cum_weights=OUTLET_CUMULATIVE)[0]
    published = min(around + timedelta(days=rng.randint(-20, 20)), REFERENCE_DAY)
    title = source_title(rng, story, language)
    url = f"https://{host}/{section}/{published.year}/{slug(title)}-{source_id}"
    body = snapshot_text(rng, story, language, published)
    rows.source.append(
        {
            "id": source_id,
            "url": url,
            "url_normalized": normalize_url(url),
            "kind": kind.value,
            "title": title[:500],
            "outlet": outlet,
            "author": "" if kind is SourceKind.OFFICIAL_DOCUMENT else rng.choice(AUTHORS),
            "published_on": published,
            "published_at": None,
            "published_utc_offset": None,
            "canonical_url": None,
            "language": language,
            "excerpt": body.split("\n\n")[0],
            "version": 1,
            "created_at": moment_at(published),
            "updated_at": moment_at(published),
            "archived_at": None,
            "archived_by_id": None,
        }
    )
    rows.source_snapshot.append(
        {
            "id": world.take("source_snapshot"),
            "source_id": source_id,
            "retrieved_at": moment_at(published) + timedelta(hours=rng.randint(1, 72)),
            "method": SnapshotMethod.FETCH.value,
            "final_url": url,
            "title": title[:500],
            "text": body,
            "content_hash": hashlib.sha256(body.encode()).hexdigest(),
            "retrieved_by_id": None,
        }
    )
    world.recent_sources = [*world.recent_sources[-49:], source_id]
    return source_id


def source_title(rng: Random, story: Story, language: str) -> str:
    """A headline in the source's language."""
    topic, partner = story.topic, story.partner
    country = country_name(partner.country, "en") if partner.country else partner.short
    if language == "id":
        return rng.choice(
            (
                f"Kemenperin dan {partner.short} teken kerja sama {topic.indonesian}",
                f"Indonesia-{country} perkuat kerja sama {topic.indonesian}",
                f"{partner.short} siap investasi di sektor {topic.indonesian}",
                f"Indonesia ingin perpanjang kerja sama {topic.indonesian} dengan {partner.short}",
            )
        )
    return rng.choice(
        (
            f"Indonesia, {country} sign deal on {topic.english}",
            f"Ministry of Industry and {partner.short} to cooperate on {topic.english}",
            f"{partner.short} eyes investment in Indonesian {topic.english}",
            f"Indonesia seeks to extend {topic.english} cooperation with {partner.short}",
        )
    )


def snapshot_text(rng: Random, story: Story, language: str, published: date) -> str:
    """The article's text: who, what, the period as reported, and a quote."""
    city = rng.choice(CITIES)
    when = f"{published.day}/{published.month}/{published.year}"
    years = (story.start[0].year, story.end[0].year) if story.start and story.end else None
    if language == "id":
        paragraphs = [
            f"{story.home.short} dan {story.partner.short} menandatangani {story.local} di {city}, ({when}).",
            f"Kerja sama di bidang {story.topic.indonesian} ini mencakup pelatihan tenaga kerja industri, riset "
            f"bersama dan alih teknologi.",
            f"“Kerja samanya sudah berlangsung dari {years[0]} dan akan berakhir {years[1]},” kata pejabat "
            f"{story.home.short}."
            if years
            else "Jadwal pelaksanaan akan dibahas dalam pertemuan berikutnya.",
        ]
    else:
        paragraphs = [
            f"{capital(the(story.home))} and {the(story.partner)} signed the {story.english} in {city} on {when}.",
            f"The cooperation on {story.topic.english} covers training of industrial workers, joint research and "
            f"technology transfer.",
            f"The cooperation runs from {years[0]} to {years[1]}, an official said."
            if years
            else "The timetable will be discussed at the next meeting.",
        ]
    return "\n\n".join(paragraphs)


def link_note(rng: Random, start: DatePart | None, end: DatePart | None) -> str:
    """What the source supports."""
    choices = ["Reports the signing.", "Parties and topic.", "Melaporkan penandatanganan."]
    if start and end:
        choices.append(f"Period: {start[0].year} to {end[0].year}.")
    return rng.choice(choices)


def slug(title: str) -> str:
    """A URL path segment from a headline."""
    return re.sub(r"[^a-z0-9]+", "-", title.casefold()).strip("-")[:80]


def moment(rng: Random, low: date, high: date) -> datetime:
    """A UTC moment on a day between low and high."""
    days = max((high - low).days, 0)
    return moment_at(low + timedelta(days=rng.randint(0, days))) + timedelta(seconds=rng.randint(0, 36_000))


def moment_at(day: date) -> datetime:
    """Two o'clock UTC (nine in Jakarta) on a day."""
    return datetime.combine(day, time(2, 0), tzinfo=UTC)


def count_rows(connection: Connection, tables: Iterable[str]) -> dict[str, int]:
    """How many rows each table holds."""
    return {name: connection.scalar(text(f"SELECT COUNT(*) FROM {name}")) or 0 for name in tables}
