"""Suggestions from every saved page (tests/fixtures/pages): decode, extract, then suggest against the demo data.

tests/unit/test_extract.py asserts what each page yields as a source; this module asserts what the review screen
would suggest from it (tracker/web/ingest.py calls suggest with the extracted title and text).

The suggestions read Indonesian and English (docs/ingest.md). On the French, Spanish and Korean pages only
what is written alike in every language is found: the name AITEC, the abbreviation "MoU", and the French
"coopération" (its accent dropped, it is the English word). Parties are found by their recorded names and
aliases only, so "the Industry Ministry" (English pages) is not the Ministry of Industry until someone records
that alias, and "Dirjen …" or "Direktur Jenderal …" (the director general, a person) is not the directorate.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tracker.demo import AITEC, GOVERNMENT_KR, MINISTRY, load_demo
from tracker.ingest.extract import extract_html
from tracker.ingest.extract.decoding import decode_html
from tracker.ingest.extract.result import ExtractError
from tracker.models import AgreementStatus, InstrumentType, RenewalIntent
from tracker.queries.suggestions import Suggestions, suggest

PAGES = Path(__file__).parents[1] / "fixtures" / "pages"
AITEC_AGREEMENT = "Technology development cooperation between the Ministry of Industry and AITEC Co., Ltd"
ALL_SECTORS = {"technology", "renewable-energy", "electric-vehicles", "moulds-and-dies"}

MOU, AGREEMENT = InstrumentType.MOU, InstrumentType.AGREEMENT
ANNOUNCED = AgreementStatus.ANNOUNCED
INTENDED = RenewalIntent.INTENDED


@dataclass(frozen=True)
class Expected:
    """What a careful reader of the page expects the review screen to suggest."""

    url: str | None  # where the page would have been fetched from, as in tests/unit/test_extract.py
    parties: set[str]
    sectors: set[str]
    periods: list[tuple[str | None, str | None]]
    instruments: set[InstrumentType]
    statuses: set[AgreementStatus]
    renewals: set[RenewalIntent]
    top_agreement: str | None


EXPECTED = {
    # The seed article: the AITEC cooperation "dari 2006 dan akan berakhir 2018" that Indonesia wants to extend
    # ("memperpanjang"), and a planned MoU ("Kita siapkan Memorandum of Understanding") on renewable energy
    # and electric vehicles; moulds and dies too. "Pada 2030" (Jeju) and "25-29 September" are no period.
    "tirto_aitec.html": Expected(
        url="https://tirto.id/indonesia-ingin-lanjutkan-kerja-sama-teknologi-dengan-korsel-cxYZ",
        parties={MINISTRY, AITEC, GOVERNMENT_KR},
        sectors=ALL_SECTORS,
        periods=[("2006", "2018")],
        instruments={MOU, AGREEMENT},  # "Memorandum of Understanding (MoU)", "ada agreement"
        statuses={ANNOUNCED},
        renewals={INTENDED},
        top_agreement=AITEC_AGREEMENT,
    ),
    # The same story in English. "An official of the Industry Ministry" is not a recorded alias of the
    # ministry (demo aliases: "Ministry of Industry", "Kementerian Perindustrian", "Kemenperin").
    "antara_en_aitec.html": Expected(
        url="https://en.antaranews.com/news/112233/indonesia-wants-to-extend-technology-cooperation-with-south-koreas-aitec",
        parties={AITEC, GOVERNMENT_KR},
        sectors=ALL_SECTORS,
        periods=[("2006", "2018")],  # "from 2006 and will end in 2018"; "September 25 to 29" is no period
        instruments={MOU, AGREEMENT},  # "Memorandum of Understanding", "cooperation"
        statuses={ANNOUNCED},  # "We are preparing a Memorandum of Understanding"
        renewals={INTENDED},  # "extend", "extension"; "renewable energy" is no renewal
        top_agreement=AITEC_AGREEMENT,
    ),
    # A press note about moulds and dies ("cetakan dan perkakas") that also gives the AITEC period
    # ("sejak tahun 2006 … berakhir pada tahun 2018", to be extended) and a memorandum being prepared.
    "no_metadata.html": Expected(
        url="https://www.kemenperin.go.id/artikel/18301/Kemenperin-Jajaki-Kerja-Sama-Teknologi-dengan-Korea",
        parties={MINISTRY, AITEC, GOVERNMENT_KR},
        sectors=ALL_SECTORS,  # cetakan / moulds and dies, energi terbarukan, kendaraan listrik, teknologi
        periods=[("2006", "2018")],
        instruments={MOU, AGREEMENT},  # "nota kesepahaman", "kerja sama"
        statuses={ANNOUNCED},  # "sedang menyiapkan nota kesepahaman"
        renewals={INTENDED},  # "akan diperpanjang": to be extended, not extended already
        # Both its parties, its sector, both its years: the AITEC agreement outranks the moulds-and-dies one.
        top_agreement=AITEC_AGREEMENT,
    ),
    # French: only AITEC and "coopération" read; the ministry, Korea, "conclu en 2006 … échéance en 2018",
    # "protocole d'accord" (an MoU) and "prolonger" are French and not looked for.
    "legacy_cp1252.html": Expected(
        url=None,
        parties={AITEC},
        sectors=set(),
        periods=[],
        instruments={AGREEMENT},
        statuses=set(),
        renewals=set(),
        top_agreement=AITEC_AGREEMENT,
    ),
    # Spanish: only AITEC; "cooperación", "memorando de entendimiento", "prorrogar" are not looked for.
    "legacy_latin1_undeclared.html": Expected(
        url=None,
        parties={AITEC},
        sectors=set(),
        periods=[],
        instruments=set(),
        statuses=set(),
        renewals=set(),
        top_agreement=AITEC_AGREEMENT,
    ),
    # Korean: "에이텍(AITEC)" and "양해각서(MoU)" give AITEC and an MoU; "2006년부터 … 2018년 만료" is Korean.
    "jsonld_only_ko.html": Expected(
        url="https://www.koreaindustrydaily.example/news/articleView.html?idxno=40512",
        parties={AITEC},
        sectors=set(),
        periods=[],
        instruments={MOU},
        statuses=set(),
        renewals=set(),
        top_agreement=AITEC_AGREEMENT,
    ),
    # One lead paragraph: renewing ("renew") a technology cooperation agreement with South Korea's AITEC that
    # "expires next year" (no year written, so no period); "the Industry Ministry" is no recorded alias.
    "paywall_stub.html": Expected(
        url="https://www.jakartabusinessdaily.example/amp/business/2017/10/05/ri-korea-to-renew-tech-pact.html",
        parties={AITEC, GOVERNMENT_KR},
        sectors={"technology"},
        periods=[],
        instruments={AGREEMENT},
        statuses=set(),  # intends to renew; nothing signed nor planned to be signed
        renewals={INTENDED},
        top_agreement=AITEC_AGREEMENT,
    ),
    # A tag page: no article text, so only its heading "Kerja Sama Bilateral" is read, and it says no more than
    # the weak "cooperation" cue (the review form's default instrument anyway). The linked headlines name
    # Kemenperin, Korsel and electric vehicles, but they are other articles and must suggest nothing.
    "link_list.html": Expected(
        url="https://tirto.id/q/kerja-sama-bilateral-abc?page=1",
        parties=set(),
        sectors=set(),
        periods=[],
        instruments={AGREEMENT},
        statuses=set(),
        renewals=set(),
        top_agreement=None,
    ),
}
NOT_PAGES = {"press_release.pdf"}


@pytest.fixture
def demo(session):
    """The demo story, committed."""
    load_demo(session)
    session.commit()


def suggestions_for(session, name: str, url: str | None) -> Suggestions:
    """Decode, extract and suggest, as the review screen does for an uploaded or fetched page."""
    extracted = extract_html(decode_html((PAGES / name).read_bytes(), None), url)
    return suggest(session, extracted.title, extracted.text)


def spans(found: Suggestions) -> list[tuple[str | None, str | None]]:
    """Periods as (start, end) in ISO form."""
    return [(p.start.iso() if p.start else None, p.end.iso() if p.end else None) for p in found.periods]


def test_every_saved_page_has_its_expectations():
    pages = {path.name for path in PAGES.iterdir() if path.suffix in (".html", ".htm", ".pdf")}
    assert pages == set(EXPECTED) | NOT_PAGES
    assert len(pages) >= 8


@pytest.mark.parametrize("name", list(EXPECTED))
def test_suggestions_from_saved_page(session, demo, name):
    expected = EXPECTED[name]
    found = suggestions_for(session, name, expected.url)
    assert {s.party.name for s in found.parties} == expected.parties, name
    assert {s.sector.slug for s in found.sectors} == expected.sectors, name
    assert spans(found) == expected.periods, name
    assert {c.value for c in found.instruments} == expected.instruments, name
    assert {c.value for c in found.statuses} == expected.statuses, name
    assert {c.value for c in found.renewals} == expected.renewals, name
    top = found.agreements[0].agreement.title if found.agreements else None
    assert top == expected.top_agreement, name
    # Agreements are suggested only through a party the text names, and only agreements of such parties.
    named = {s.party.id for s in found.parties}
    assert all(named & {link.party_id for link in a.agreement.party_links} for a in found.agreements), name


def test_link_list_suggests_only_the_weak_cue_of_its_heading(session, demo):
    found = suggestions_for(session, "link_list.html", EXPECTED["link_list.html"].url)
    assert [(c.value, c.phrase) for c in found.instruments] == [(AGREEMENT, "Kerja Sama")]
    assert (found.parties, found.agreements, found.periods, found.sectors) == ([], [], [], [])
    assert (found.statuses, found.renewals) == ([], [])


def test_pdf_is_refused_so_nothing_is_suggested():
    body = (PAGES / "press_release.pdf").read_bytes()
    with pytest.raises(ExtractError) as raised:
        decode_html(body, None)
    assert raised.value.code == "not_html"
    # Even when something decoded it anyway, extraction refuses it: there is no title or text to suggest from.
    with pytest.raises(ExtractError) as raised:
        extract_html(body.decode("latin-1"))
    assert raised.value.code == "not_html"
