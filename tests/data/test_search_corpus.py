"""What officers type finds the agreements they mean, the same on SQLite and PostgreSQL.

A small bilingual corpus (batteries, nickel, electric vehicles, renewable energy, moulds and dies; titles and
summaries in English and Indonesian, some agreements filed under a sector and some not) and the queries a desk officer
types, each with the agreements it must find: no more, no fewer. The suite runs this file once per engine, with the
same expectations, so both engines answer each query alike.
"""

from __future__ import annotations

import pytest

from tests.data.test_search_index import found
from tracker.models import PartyKind, PartyRole
from tracker.records.sector import SectorData
from tracker.services import sectors as sector_services

# title: (title in Indonesian, summary, slugs of the sectors it is filed under)
CORPUS = {
    "Electric vehicle battery plant in Karawang": (
        "Pabrik baterai kendaraan listrik di Karawang",
        "Cell production for electric cars, with a joint venture of state-owned companies.",
        ["batteries", "electric-vehicles"],
    ),
    "Framework agreement on EV batteries supply chain": (
        "",
        "Precursor, cathode and cell manufacturing; offtake by Korean carmakers.",
        [],
    ),
    "Nota Kesepahaman Pengembangan Ekosistem Baterai": (
        "",
        "Kerja sama riset baterai litium antara universitas dan industri.",
        ["batteries"],
    ),
    "Nickel smelter investment in Morowali": (
        "Investasi smelter nikel di Morowali",
        "Rotary kiln electric furnace lines producing ferronickel.",
        ["nickel"],
    ),
    "Kerja Sama Hilirisasi Nikel di Sulawesi Tenggara": (
        "",
        "Pembangunan fasilitas pemurnian bijih nikel dan pelatihan tenaga kerja lokal.",
        ["nickel"],
    ),
    "High-pressure acid leaching project in Obi": (
        "Proyek HPAL di Pulau Obi",
        "Processing laterite nickel ore into mixed hydroxide precipitate.",
        [],
    ),
    "Memorandum on electric vehicles charging infrastructure": (
        "Nota kesepahaman infrastruktur pengisian kendaraan listrik",
        "Public charging stations along the Trans-Java toll road.",
        ["electric-vehicles"],
    ),
    "Electric motorcycle conversion programme": (
        "Program konversi motor listrik",
        "Workshops converting petrol motorbikes; certification of technicians.",
        ["electric-vehicles"],
    ),
    "Kendaraan dinas listrik untuk kementerian": (
        "",
        "Pengadaan kendaraan dinas bertenaga listrik secara bertahap.",
        [],
    ),
    "Floating solar power plant on Cirata reservoir": (
        "PLTS Terapung Cirata",
        "A 145 MW photovoltaic plant on a hydropower reservoir.",
        ["renewable-energy"],
    ),
    "Kerja Sama Energi Terbarukan Indonesia–Denmark": (
        "",
        "Energi angin, tenaga surya dan perencanaan sistem kelistrikan.",
        ["renewable-energy"],
    ),
    "Geothermal exploration in West Java": (
        "Eksplorasi panas bumi di Jawa Barat",
        "Shared drilling risk for two working areas.",
        ["renewable-energy"],
    ),
    "Moulds and dies training centre in Bekasi": (
        "Pusat pelatihan cetakan di Bekasi",
        "Instructors seconded from Japanese toolmakers.",
        ["moulds-and-dies"],
    ),
    "Technical cooperation on mould design": (
        "",
        "Die casting and mould design for automotive parts suppliers.",
        [],
    ),
    "Pelatihan Industri Cetakan dan Perkakas": (
        "",
        "Pelatihan vokasi bagi operator mesin CNC.",
        ["moulds-and-dies"],
    ),
    "Battery recycling pilot": (
        "Percontohan daur ulang baterai",
        "Recovery of lithium and nickel from spent cells.",
        [],
    ),
    "Cathode precursor plant in Weda Bay": (
        "",
        "Nickel-based battery materials for export.",
        ["batteries", "nickel"],
    ),
    "Textile industry vocational training": (
        "Pelatihan vokasi industri tekstil",
        "Garment workers and dyeing technicians.",
        [],
    ),
    "Coal-fired power plant early retirement": (
        "Pensiun dini PLTU batu bara",
        "Just energy transition partnership financing.",
        [],
    ),
    "Electricity grid interconnection Sumatra–Malaysia": (
        "Interkoneksi jaringan listrik Sumatra–Malaysia",
        "A high-voltage direct current cable across the Strait of Malacca.",
        [],
    ),
    # Indonesian words under their affixes: perjanjian / berjanji (janji), berinvestasi / investasi,
    # pembangunan / membangun / bangun, and short roots that must not spread (pengadaan → ada, keadaan).
    "Bilateral investment treaty with Singapore": (
        "Perjanjian Investasi Bilateral Indonesia–Singapura",
        "Protection of investors and settlement of disputes.",
        [],
    ),
    "Forum Bisnis Indonesia–Korea": (
        "",
        "Perusahaan Korea berinvestasi di kawasan industri Batang.",
        [],
    ),
    "Deep-sea port in Patimban": (
        "Pembangunan Pelabuhan Patimban",
        "Japanese loan for the port and its access toll road.",
        [],
    ),
    "Membangun Kawasan Industri Terpadu Batang": (
        "",
        "Pemerintah daerah berjanji menyediakan lahan siap bangun.",
        [],
    ),
    "Transmission grid condition survey": (
        "Kajian keadaan jaringan transmisi Sumatra",
        "Laporan ini adalah dasar rencana penguatan jaringan.",
        [],
    ),
}

BATTERIES = [
    "Battery recycling pilot",
    "Cathode precursor plant in Weda Bay",
    "Electric vehicle battery plant in Karawang",
    "Framework agreement on EV batteries supply chain",
    "Nota Kesepahaman Pengembangan Ekosistem Baterai",
]
ELECTRIC_VEHICLES = [
    "Electric motorcycle conversion programme",
    "Electric vehicle battery plant in Karawang",
    "Kendaraan dinas listrik untuk kementerian",
    "Memorandum on electric vehicles charging infrastructure",
]
NICKEL = [
    "Battery recycling pilot",
    "Cathode precursor plant in Weda Bay",
    "High-pressure acid leaching project in Obi",
    "Kerja Sama Hilirisasi Nikel di Sulawesi Tenggara",
    "Nickel smelter investment in Morowali",
]
RENEWABLE_ENERGY = [
    "Floating solar power plant on Cirata reservoir",
    "Geothermal exploration in West Java",
    "Kerja Sama Energi Terbarukan Indonesia–Denmark",
]
INVESTMENT = [
    "Bilateral investment treaty with Singapore",
    "Forum Bisnis Indonesia–Korea",
    "Nickel smelter investment in Morowali",
]
BUILDING = [
    "Deep-sea port in Patimban",
    "Kerja Sama Hilirisasi Nikel di Sulawesi Tenggara",
    "Membangun Kawasan Industri Terpadu Batang",
]
MOULDS = [
    "Moulds and dies training centre in Bekasi",
    "Pelatihan Industri Cetakan dan Perkakas",
    "Technical cooperation on mould design",
]

QUERIES = {
    # Plural and singular, and the Indonesian word through the sector's keywords.
    "batteries": BATTERIES,
    "battery": BATTERIES,
    "Baterai": BATTERIES,
    # Words of a sector's name find the agreements filed under it; its keywords stand for it in either language.
    "electric vehicles": ELECTRIC_VEHICLES,
    "electric vehicle": ELECTRIC_VEHICLES,
    "kendaraan listrik": ELECTRIC_VEHICLES,
    "vehicles": [
        "Electric motorcycle conversion programme",
        "Electric vehicle battery plant in Karawang",
        "Memorandum on electric vehicles charging infrastructure",
    ],
    "nickel": NICKEL,
    "nikel": NICKEL,
    "smelters": [
        "Cathode precursor plant in Weda Bay",
        "Kerja Sama Hilirisasi Nikel di Sulawesi Tenggara",
        "Nickel smelter investment in Morowali",
    ],
    "renewable energy": RENEWABLE_ENERGY,
    "energi terbarukan": RENEWABLE_ENERGY,
    "moulds": MOULDS,
    "mould": MOULDS,
    "cetakan": MOULDS,
    # Words the glossary does not know keep to their own forms (and, from three letters, longer words they begin).
    "pelatihan vokasi": ["Pelatihan Industri Cetakan dan Perkakas", "Textile industry vocational training"],
    "electric": [
        "Electric motorcycle conversion programme",
        "Electric vehicle battery plant in Karawang",
        "Electricity grid interconnection Sumatra–Malaysia",
        "Memorandum on electric vehicles charging infrastructure",
        "Nickel smelter investment in Morowali",
    ],
    "nickel batteries": ["Battery recycling pilot", "Cathode precursor plant in Weda Bay"],
    "kendaraan listrik morowali": [],
    # An Indonesian word finds its root and the root's other affixed forms, whichever is typed.
    "perjanjian": ["Bilateral investment treaty with Singapore", "Membangun Kawasan Industri Terpadu Batang"],
    "janji": ["Bilateral investment treaty with Singapore", "Membangun Kawasan Industri Terpadu Batang"],
    "berinvestasi": INVESTMENT,
    "investasi": INVESTMENT,
    "pembangunan": BUILDING,
    "bangun": BUILDING,
    "membangun pelabuhan": ["Deep-sea port in Patimban"],
    "pelatihan": [
        "Kerja Sama Hilirisasi Nikel di Sulawesi Tenggara",
        "Moulds and dies training centre in Bekasi",
        "Pelatihan Industri Cetakan dan Perkakas",
        "Textile industry vocational training",
    ],
    "terpadu": ["Membangun Kawasan Industri Terpadu Batang"],
    # A root under four letters is not searched for: "pengadaan" (ada) finds neither "keadaan" nor "adalah".
    "pengadaan": ["Kendaraan dinas listrik untuk kementerian"],
    "keadaan": ["Transmission grid condition survey"],
    # The glossary's seeded entries (migration 0015): one spelling finds the other.
    "kerjasama": [
        "Kerja Sama Energi Terbarukan Indonesia–Denmark",
        "Kerja Sama Hilirisasi Nikel di Sulawesi Tenggara",
        "Nota Kesepahaman Pengembangan Ekosistem Baterai",
    ],
    # English words Sastrawi does not know keep to their own forms.
    "treaty": ["Bilateral investment treaty with Singapore"],
}


@pytest.fixture
def corpus(session, get_sector, make_agreement, make_party):
    """The corpus, with sectors for batteries and nickel next to the seeded ones."""
    sectors = {
        "batteries": sector_services.create_sector(
            session, SectorData(name="Batteries", keywords=["baterai", "battery", "sel baterai"])
        ),
        "nickel": sector_services.create_sector(
            session, SectorData(name="Nickel", keywords=["nikel", "smelter nikel", "nickel smelter"])
        ),
    }
    session.commit()
    ministry = make_party(name="Ministry of Industry", aliases=["Kemenperin"])
    partner = make_party(name="Korea Trade-Investment Promotion Agency", kind=PartyKind.ASSOCIATION, country_code="KR")
    for number, (title, (title_local, summary, slugs)) in enumerate(CORPUS.items()):
        make_agreement(
            title=title,
            title_local=title_local,
            summary=summary,
            sectors=[sectors.get(slug) or get_sector(slug) for slug in slugs],
            parties=[(ministry, PartyRole.SIGNATORY), *([(partner, PartyRole.SIGNATORY)] if number % 3 else [])],
        )


@pytest.mark.parametrize(("words", "expected"), QUERIES.items(), ids=list(QUERIES))
def test_a_query_finds_the_agreements_meant(session, corpus, words, expected):
    assert sorted(found(session, words)) == expected


def test_the_words_typed_in_a_title_rank_first(session, corpus):
    assert found(session, "nickel smelter")[0] == "Nickel smelter investment in Morowali"


@pytest.mark.parametrize(
    ("words", "typed", "synonyms_only"),
    [
        ("baterai", 4, ["Framework agreement on EV batteries supply chain"]),
        ("nikel", 3, ["Battery recycling pilot", "High-pressure acid leaching project in Obi"]),
    ],
)
def test_the_phrase_typed_ranks_above_its_glossary_synonyms(session, corpus, words, typed, synonyms_only):
    # Those with the word typed (in a title, a summary or their sector's keywords) first, whatever the ranks of the
    # others ("nickel" in a title); then those found through the glossary alone.
    hits = found(session, words)
    assert sorted(hits[typed:]) == synonyms_only
    assert not set(hits[:typed]) & set(synonyms_only)


@pytest.mark.parametrize("words", ["nikel", "pomalaa", "studi", "info", "battery", "nickel", "ai-tec", "co.id", "4.2"])
def test_words_inside_addresses_paths_and_compounds_are_words(session, make_agreement, words):
    # PostgreSQL's parser alone keeps a host, an e-mail address or a path as one token; unicode61 does not.
    make_agreement(
        title="Smelter feasibility study",
        summary="See www.nikel.co.id/pomalaa/studi, write to info@nikel.co.id; battery/nickel ratio 4.2; Ai-Tec",
    )
    assert found(session, words) == ["Smelter feasibility study"]
