"""Demo data: the 2017 story of the Ministry of Industry's cooperation with AITEC and Korea, from tirto.id.

Loaded through the models like any other record. Records that already exist (same party name, agreement
title, source URL, sector slug) are reused, so loading twice adds nothing. The Antara URL is illustrative; the
Mahata News report (November 2017) names KITECH and an extended MoU for the same years, so the AITEC agreement shows
its conflicting reports.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.archiving import WITH_ARCHIVED
from tracker.dates import PartialDate
from tracker.models import (
    Agreement,
    AgreementParty,
    AgreementSource,
    AgreementStatus,
    CitedFact,
    ImplementationStatus,
    InstrumentType,
    Party,
    PartyAlias,
    PartyKind,
    PartyRole,
    RenewalIntent,
    Sector,
    Source,
    SourceKind,
)
from tracker.records.citation import CitationData
from tracker.services.citations import cite
from tracker.services.conflicts import detect_conflicts
from tracker.urls import normalize_url

GOVERNMENT_ID = "Government of the Republic of Indonesia"
MINISTRY = "Ministry of Industry of the Republic of Indonesia"
DIRECTORATE = "Directorate General for Resilience and Development of International Industrial Access"
AITEC = "AITEC Co., Ltd"
GOVERNMENT_KR = "Government of the Republic of Korea"
KITECH = "Korea Institute of Industrial Technology"

TIRTO_URL = "https://tirto.id/indonesia-ingin-lanjutkan-kerja-sama-teknologi-dengan-korsel-cxcL"
ANTARA_URL = "https://www.antaranews.com/berita/656400/indonesia-ingin-perpanjang-kerja-sama-teknologi-dengan-korea"
MAHATA_URL = "https://mahatanews.example/ekonomi/2017/11/kemenperin-kitech-perpanjang-kerja-sama-pusat-teknologi"


@dataclass(frozen=True)
class PartySpec:
    """A demo party; `parent` names another demo party listed before it."""

    name: str
    kind: PartyKind
    country_code: str
    parent: str | None = None
    aliases: tuple[str, ...] = ()
    notes: str = ""


@dataclass(frozen=True)
class SourceSpec:
    """A demo source."""

    url: str
    title: str
    outlet: str
    published_on: date
    author: str = ""
    excerpt: str = ""
    language: str = "id"


@dataclass(frozen=True)
class CitationSpec:
    """A fact of a demo agreement cited to a demo source with the passage that says it; a party's fact names it."""

    fact: CitedFact
    source_url: str
    quote: str
    party: str | None = None


@dataclass(frozen=True)
class AgreementSpec:
    """A demo agreement; parties by name, sectors by slug, evidence as (source URL, note) pairs."""

    title: str
    instrument_type: InstrumentType
    status: AgreementStatus
    summary: str
    notes: str = ""
    title_local: str = ""
    renewal_intent: RenewalIntent = RenewalIntent.NOT_RECORDED
    start: str | None = None
    end: str | None = None
    parties: tuple[tuple[str, PartyRole], ...] = ()
    sectors: tuple[str, ...] = ()
    evidence: tuple[tuple[str, str], ...] = ()
    # How far the cooperation is carried out, apart from the legal status, with a note and the day it was assessed.
    implementation: ImplementationStatus = ImplementationStatus.NOT_RECORDED
    implementation_note: str = ""
    implementation_as_of: str | None = None
    citations: tuple[CitationSpec, ...] = ()


PARTIES = (
    PartySpec(GOVERNMENT_ID, PartyKind.STATE, "ID"),
    PartySpec(
        MINISTRY,
        PartyKind.MINISTRY,
        "ID",
        parent=GOVERNMENT_ID,
        aliases=("Kementerian Perindustrian", "Kemenperin", "Ministry of Industry"),
    ),
    PartySpec(
        DIRECTORATE,
        PartyKind.MINISTRY,
        "ID",
        parent=MINISTRY,
        aliases=("Ditjen KPAII", "Direktorat Jenderal Ketahanan dan Pengembangan Akses Industri Internasional"),
        notes="Led by Director General Harjanto in 2017.",
    ),
    PartySpec(
        AITEC,
        PartyKind.COMPANY,
        "KR",
        aliases=("AITEC", "AITEC Co.Ltd"),
        notes="South Korean electronics company.",
    ),
    PartySpec(GOVERNMENT_KR, PartyKind.STATE, "KR", aliases=("Korea Selatan", "Korsel", "South Korea")),
    PartySpec(
        KITECH, PartyKind.RESEARCH_INSTITUTE, "KR", aliases=("KITECH",), notes="South Korean research institute."
    ),
)

SOURCES = (
    SourceSpec(
        url=TIRTO_URL,
        title="Indonesia Ingin Lanjutkan Kerja Sama Teknologi dengan Korsel",
        outlet="tirto.id",
        author="Dipna Videlia Putsanra",
        published_on=date(2017, 10, 4),
        excerpt=(
            "Dirjen Ketahanan dan Pengembangan Akses Industri Internasional Kementerian Perindustrian, Harjanto "
            "mengungkapkan akan melanjutkan kerja sama antara Indonesia dengan industri elektronika Korea Selatan "
            "AITEC Co.Ltd dalam bidang pengembangan teknologi.\n\n"
            "“Kita dengan AITEC kan kerja samanya sudah berlangsung dari 2006 dan akan berakhir 2018. Kami ingin "
            "memperpanjang kerja sama pengembangan teknologi ini, karena masih dibutuhkan,” kata Harjanto di "
            "Jakarta, Rabu (4/10/2017) sebagaimana dilansir dari Antara."
        ),
    ),
    SourceSpec(
        url=ANTARA_URL,
        title="Indonesia ingin perpanjang kerja sama teknologi dengan Korea",
        outlet="Antara",
        published_on=date(2017, 10, 4),
    ),
    SourceSpec(
        url=MAHATA_URL,
        title="Kemenperin dan KITECH Perpanjang Kerja Sama Pusat Teknologi",
        outlet="Mahata News",
        author="Rina Kusumawardani",
        published_on=date(2017, 11, 14),
        excerpt=(
            "Kementerian Perindustrian (Kemenperin) dan Korea Institute of Industrial Technology (KITECH) sepakat "
            "melanjutkan kerja sama pengembangan pusat teknologi industri di Indonesia.\n\n"
            "Kerja sama Kemenperin dengan KITECH telah berjalan sejak 2006, ketika kedua pihak menandatangani nota "
            "kesepahaman (MoU) tentang pembangunan pusat teknologi bagi industri kecil dan menengah. MoU tersebut "
            "telah diperpanjang dan kini mencakup pelatihan tenaga ahli serta uji mutu produk."
        ),
    ),
)

AGREEMENTS = (
    AgreementSpec(
        title="Technology development cooperation between the Ministry of Industry and AITEC Co., Ltd",
        title_local="Kerja sama pengembangan teknologi Kemenperin – AITEC",
        instrument_type=InstrumentType.AGREEMENT,
        status=AgreementStatus.IN_FORCE,
        renewal_intent=RenewalIntent.INTENDED,
        start="2006",
        end="2018",
        summary=(
            "Technology development cooperation between Indonesia's Ministry of Industry and the South Korean "
            "electronics company AITEC Co., Ltd, running since 2006 and due to end in 2018. Indonesia wants to "
            "extend it because it is still needed: high-technology start-ups in Indonesia need supporting "
            "technology infrastructure that is often limited in Indonesia but exists in Korea."
        ),
        notes=(
            "Director General Harjanto announced the wish to extend in Jakarta on 4 October 2017, after a working "
            "visit to South Korea on 25–29 September 2017. The ministry also wants a technology network, so that "
            "high-technology industrial problems that cannot be solved in Indonesia can be solved in Korea. "
            "Only the years of the start and end are reported."
        ),
        parties=(
            (MINISTRY, PartyRole.SIGNATORY),
            (AITEC, PartyRole.SIGNATORY),
            (DIRECTORATE, PartyRole.IMPLEMENTING_AGENCY),
        ),
        sectors=("technology",),
        implementation=ImplementationStatus.IMPLEMENTED,
        implementation_note=(
            "Carried out since 2006: the ministry reports the technology development cooperation as working and "
            "still needed, and wants to extend it (Harjanto, Jakarta, 4 October 2017)."
        ),
        implementation_as_of="2017-10-04",
        evidence=(
            (
                TIRTO_URL,
                "Start, end and the wish to extend: “Kita dengan AITEC kan kerja samanya sudah berlangsung dari "
                "2006 dan akan berakhir 2018. Kami ingin memperpanjang kerja sama pengembangan teknologi ini, "
                "karena masih dibutuhkan,” (Harjanto, Jakarta, 4 October 2017).",
            ),
            (
                ANTARA_URL,
                "The original report: tirto.id quotes Harjanto’s statement “sebagaimana dilansir dari Antara”.",
            ),
            (
                MAHATA_URL,
                "Reports the 2006 cooperation as an MoU with KITECH on a technology centre, since extended: another "
                "counterpart and instrument than tirto.id's.",
            ),
        ),
        # Each fact the report states, with its words (looked up in the source's excerpt: no page is fetched).
        citations=(
            CitationSpec(
                CitedFact.PARTY,
                TIRTO_URL,
                "Kementerian Perindustrian, Harjanto mengungkapkan akan melanjutkan kerja sama",
                party=MINISTRY,
            ),
            CitationSpec(
                CitedFact.PARTY,
                TIRTO_URL,
                "kerja sama antara Indonesia dengan industri elektronika Korea Selatan AITEC Co.Ltd dalam bidang "
                "pengembangan teknologi",
                party=AITEC,
            ),
            CitationSpec(CitedFact.START, TIRTO_URL, "Kita dengan AITEC kan kerja samanya sudah berlangsung dari 2006"),
            CitationSpec(CitedFact.END, TIRTO_URL, "kerja samanya sudah berlangsung dari 2006 dan akan berakhir 2018"),
            CitationSpec(CitedFact.STATUS, TIRTO_URL, "Kita dengan AITEC kan kerja samanya sudah berlangsung"),
            CitationSpec(
                CitedFact.RENEWAL_INTENT,
                TIRTO_URL,
                "Kami ingin memperpanjang kerja sama pengembangan teknologi ini, karena masih dibutuhkan",
            ),
        ),
    ),
    AgreementSpec(
        title="MoU with Korea on renewable energy and electric vehicles",
        title_local="MoU energi terbarukan dan kendaraan listrik dengan Korea Selatan",
        instrument_type=InstrumentType.MOU,
        status=AgreementStatus.ANNOUNCED,
        summary=(
            "Indonesia is preparing a memorandum of understanding with South Korea on renewable energy and "
            "electric vehicles. South Korea aims to make Jeju Island the first carbon-free region by 2030, "
            "with electric vehicles for its transport."
        ),
        notes="Announced by Director General Harjanto on 4 October 2017; the Korean signatory is not named yet.",
        parties=((MINISTRY, PartyRole.SIGNATORY), (GOVERNMENT_KR, PartyRole.SIGNATORY)),
        sectors=("renewable-energy", "electric-vehicles"),
        implementation=ImplementationStatus.NOT_STARTED,
        implementation_note="Being prepared, not yet signed: no joint activity under it yet.",
        implementation_as_of="2017-10",
        evidence=(
            (
                TIRTO_URL,
                "Renewable energy and electric vehicles, with Jeju carbon-free by 2030, then: “Kita siapkan "
                "Memorandum of Understanding (MoU).”",
            ),
        ),
    ),
    AgreementSpec(
        title="Cooperation on moulds and dies with Korea",
        instrument_type=InstrumentType.OTHER,
        status=AgreementStatus.ANNOUNCED,
        summary=(
            "Indonesia is exploring cooperation with South Korea on moulds and dies, which the ministry calls "
            "the “mother of industry”, needed to create new products."
        ),
        notes="Being explored as of October 2017; the form of the instrument and the Korean party are not known.",
        parties=((MINISTRY, PartyRole.SIGNATORY), (GOVERNMENT_KR, PartyRole.OTHER)),
        sectors=("moulds-and-dies",),
        evidence=(
            (
                TIRTO_URL,
                "“Kami juga melihat industri moulds and die yang menjadi mother of industry. Kita perlu itu untuk "
                "menciptakan produk baru. Saya coba jajaki dan ada agreement,”",
            ),
        ),
    ),
)

# The migration seeds these sectors; the names are used only if a user has deleted one.
SECTOR_NAMES = {
    "technology": "Technology",
    "renewable-energy": "Renewable energy",
    "electric-vehicles": "Electric vehicles",
    "moulds-and-dies": "Moulds and dies",
}


def is_empty(session: Session) -> bool:
    """True when the database holds no agreement yet."""
    return session.scalar(select(Agreement.id).limit(1)) is None


def _party(session: Session, spec: PartySpec, parties: dict[str, Party], added: Counter[str]) -> Party:
    """The party with this name, created with its aliases when missing."""
    lookup = select(Party).where(Party.name == spec.name).order_by(Party.id)
    party = session.scalars(lookup, execution_options=WITH_ARCHIVED).first()
    if party is None:
        party = Party(
            name=spec.name,
            kind=spec.kind,
            country_code=spec.country_code,
            parent=parties[spec.parent] if spec.parent else None,
            notes=spec.notes,
            aliases=[PartyAlias(alias=alias) for alias in spec.aliases],
        )
        session.add(party)
        added["parties"] += 1
    return party


def _sector(session: Session, slug: str, added: Counter[str]) -> Sector:
    """The sector with this slug, created when a user has removed it."""
    # Archived records count as existing: their names, slugs and URLs are taken, and the demo restores nothing.
    sector = session.scalars(select(Sector).where(Sector.slug == slug), execution_options=WITH_ARCHIVED).first()
    if sector is None:
        sector = Sector(slug=slug, name=SECTOR_NAMES[slug])
        session.add(sector)
        added["sectors"] += 1
    return sector


def _source(session: Session, spec: SourceSpec, added: Counter[str]) -> Source:
    """The source at this URL (compared in normal form), created when missing."""
    normalized = normalize_url(spec.url)
    lookup = select(Source).where(Source.url_normalized == normalized)
    source = session.scalars(lookup, execution_options=WITH_ARCHIVED).first()
    if source is None:
        source = Source(
            url=spec.url,
            url_normalized=normalized,
            kind=SourceKind.NEWS_ARTICLE,
            title=spec.title,
            outlet=spec.outlet,
            author=spec.author,
            published_on=spec.published_on,
            language=spec.language,
            excerpt=spec.excerpt,
        )
        session.add(source)
        added["sources"] += 1
    return source


def _agreement(
    session: Session,
    spec: AgreementSpec,
    parties: dict[str, Party],
    sources: dict[str, Source],
    added: Counter[str],
) -> Agreement | None:
    """Create the agreement with its parties, sectors and evidence, unless one with its title exists."""
    existing = select(Agreement.id).where(Agreement.title == spec.title)
    if session.scalars(existing, execution_options=WITH_ARCHIVED).first() is not None:
        return None
    # Sectors first: looking them up flushes, and the new agreement's links must not be half-built then.
    sectors = [_sector(session, slug, added) for slug in spec.sectors]
    agreement = Agreement(
        title=spec.title,
        title_local=spec.title_local,
        instrument_type=spec.instrument_type,
        status=spec.status,
        renewal_intent=spec.renewal_intent,
        summary=spec.summary,
        notes=spec.notes,
        implementation=spec.implementation,
        implementation_note=spec.implementation_note,
    )
    agreement.implementation_as_of = PartialDate.parse(spec.implementation_as_of) if spec.implementation_as_of else None
    agreement.start = PartialDate.parse(spec.start) if spec.start else None
    agreement.end = PartialDate.parse(spec.end) if spec.end else None
    agreement.party_links = [AgreementParty(party=parties[name], role=role) for name, role in spec.parties]
    agreement.sectors = sectors
    agreement.source_links = [AgreementSource(source=sources[url], note=note) for url, note in spec.evidence]
    session.add(agreement)
    added["agreements"] += 1
    return agreement


def _cite(
    session: Session, agreement: Agreement, spec: AgreementSpec, parties: dict[str, Party], sources: dict[str, Source]
) -> None:
    """Cite the new agreement's facts to its sources, as an editor would (the quotes looked up, the level kept)."""
    for citation in spec.citations:
        data = CitationData(
            fact=citation.fact,
            party_id=parties[citation.party].id if citation.party else None,
            source_id=sources[citation.source_url].id,
            quote=citation.quote,
        )
        cite(session, agreement, data)


def _summary(added: Counter[str]) -> str:
    """What was added, such as "3 agreements, 5 parties, 2 sources"."""
    if not added:
        return "nothing new, every demo record already exists"
    words = {"agreements": "agreement", "parties": "party", "sources": "source", "sectors": "sector"}
    return ", ".join(
        f"{added[plural]} {singular if added[plural] == 1 else plural}"
        for plural, singular in words.items()
        if added[plural]
    )


def load_demo(session: Session) -> str:
    """Add the demo story through the models and flush (the caller commits); returns what was added."""
    added: Counter[str] = Counter()
    parties: dict[str, Party] = {}
    for spec in PARTIES:
        parties[spec.name] = _party(session, spec, parties, added)
    sources = {spec.url: _source(session, spec, added) for spec in SOURCES}
    made = [(spec, _agreement(session, spec, parties, sources, added)) for spec in AGREEMENTS]
    session.flush()
    for spec, agreement in made:
        if agreement is not None:
            _cite(session, agreement, spec, parties, sources)
    titles = [spec.title for spec in AGREEMENTS]
    detect_conflicts(session, session.scalars(select(Agreement.id).where(Agreement.title.in_(titles))))
    return _summary(added)
