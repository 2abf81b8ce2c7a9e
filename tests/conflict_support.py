"""The seed story's two reports, as the tests of conflicting reports read them: tirto.id (4 October 2017: AITEC,
2006–2018, wants to extend) and Mahata News (14 November 2017: KITECH, an MoU of 2006, extended), each a saved page
extracted as the review screen extracts it (tests/fixtures/pages/tirto_aitec.html,
tests/fixtures/conflicts/mahata_kitech.html, written for the tests)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from tracker.ingest.extract import extract_html
from tracker.ingest.extract.decoding import decode_html
from tracker.ingest.extract.result import Extracted
from tracker.models import Agreement, Conflict, SnapshotMethod, Source, SourceKind
from tracker.services import snapshots, sources
from tracker.urls import normalize_url

FIXTURES = Path(__file__).parent / "fixtures"
TIRTO_URL = "https://tirto.id/indonesia-ingin-lanjutkan-kerja-sama-teknologi-dengan-korsel-cxYZ"
MAHATA_URL = "https://mahatanews.example/ekonomi/2017/11/kemenperin-kitech-perpanjang-kerja-sama-pusat-teknologi"
PAGES = {
    TIRTO_URL: FIXTURES / "pages" / "tirto_aitec.html",
    MAHATA_URL: FIXTURES / "conflicts" / "mahata_kitech.html",
}


def extracted(url: str) -> Extracted:
    """The saved page of this address, extracted."""
    return extract_html(decode_html(PAGES[url].read_bytes(), None), url)


def page_source(session: Session, url: str) -> Source:
    """A source made from the saved page, with its text kept as a snapshot (as "Add from news" does)."""
    page = extracted(url)
    source = Source(
        url=url,
        url_normalized=normalize_url(url),
        kind=SourceKind.NEWS_ARTICLE,
        title=page.title or url,
        outlet=page.outlet or "",
        published_on=page.published_on,
        language=page.language or "id",
        excerpt=page.excerpt or "",
    )
    session.add(source)
    session.flush()
    snapshots.add_snapshot(session, source, page, SnapshotMethod.FETCH, url)
    return source


def link_page(session: Session, agreement: Agreement, url: str, note: str = "") -> Source:
    """Keep the page as a source and link it to the agreement, through the services."""
    source = page_source(session, url)
    sources.link_source(session, agreement, source, note)
    session.commit()
    return source


def sample_conflict(agreement: Agreement, source: Source) -> Conflict:
    """An open conflict on the parties between the record and a source, as detection would keep it (not added)."""
    claims = [
        {
            "origin": "record",
            "id": None,
            "label": "",
            "value": ["Ministry of Industry", "AITEC Co., Ltd"],
            "agrees": True,
        },
        {
            "origin": "source",
            "id": source.id,
            "label": source.outlet or source.title,
            "value": ["Ministry of Industry", "Korea Institute of Industrial Technology"],
            "agrees": False,
        },
    ]
    return Conflict(agreement=agreement, fact="party", fingerprint="0" * 64, claims=claims)


def demo_story(session: Session) -> Agreement:
    """The demo loaded (tirto.id and Mahata News linked to the AITEC agreement: its conflicts found); the AITEC
    agreement."""
    from sqlalchemy import select

    from tracker import demo

    demo.load_demo(session)
    session.commit()
    return session.scalars(select(Agreement).where(Agreement.title == demo.AGREEMENTS[0].title)).one()
