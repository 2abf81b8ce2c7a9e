"""Keeping the evidence: sources made from extracted pages, snapshots over time, and known pages."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tracker.errors import ValidationError
from tracker.ingest.extract import extract_html
from tracker.ingest.extract.decoding import decode_html
from tracker.ingest.extract.result import Extracted
from tracker.models import SnapshotMethod, Source, SourceKind, SourceSnapshot, UserRole
from tracker.queries import snapshots as queries
from tracker.services import snapshots as services
from tracker.services.sources import DuplicateSourceError, archive_source
from tracker.urls import normalize_url

PAGES = Path(__file__).parents[1] / "fixtures" / "pages"
TIRTO = "https://tirto.id/indonesia-ingin-lanjutkan-kerja-sama-teknologi-dengan-korsel-cxYZ"
PAYWALL_AMP = "https://www.jakartabusinessdaily.example/amp/business/2017/10/05/ri-korea-to-renew-tech-pact.html"
PAYWALL = "https://www.jakartabusinessdaily.example/business/2017/10/05/ri-korea-to-renew-tech-pact.html"


def extracted_page(name: str, url: str | None) -> Extracted:
    return extract_html(decode_html((PAGES / name).read_bytes(), None), url)


def tirto(url: str | None = f"{TIRTO}?utm_source=twitter") -> Extracted:
    return extracted_page("tirto_aitec.html", url)


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


# --- content hash ------------------------------------------------------------------------------


def test_content_hash_ignores_whitespace_and_unicode_composition():
    assert services.content_hash("Kerja  sama\n\nAITEC ") == services.content_hash("Kerja sama AITEC")
    assert services.content_hash("Coope\u0301ration") == services.content_hash("Coopération")
    assert services.content_hash("Kerja sama AITEC") != services.content_hash("Kerja sama AITEC 2018")
    assert len(services.content_hash("")) == 64


# --- creating a source -------------------------------------------------------------------------


def test_create_source_from_extracted_page_with_first_snapshot(session, make_user):
    editor = make_user(UserRole.EDITOR)
    session.info["actor_id"] = editor.id
    page = tirto()
    source = services.create_source_from_extracted(session, page, SnapshotMethod.FETCH, f"{TIRTO}?utm_source=twitter")
    session.commit()
    session.expire_all()
    source = session.get_one(Source, source.id)
    assert source.title == "Indonesia Ingin Lanjutkan Kerja Sama Teknologi dengan Korsel"
    assert source.outlet == "tirto.id"
    assert source.author == "Dipna Videlia Putsanra"
    assert source.kind is SourceKind.NEWS_ARTICLE
    assert source.published_on == date(2017, 10, 4)
    assert source.published_at == datetime(2017, 10, 4, 8, 32, tzinfo=UTC)
    assert source.published_utc_offset == 420
    assert source.language == "id"
    assert source.url == source.url_normalized == TIRTO
    assert source.canonical_url is None  # the same as the URL
    assert source.excerpt == page.excerpt
    [snapshot] = source.snapshots
    assert snapshot.method is SnapshotMethod.FETCH
    assert snapshot.final_url == f"{TIRTO}?utm_source=twitter"
    assert snapshot.title == source.title
    assert snapshot.text == page.text and "AITEC Co.Ltd" in snapshot.text
    assert snapshot.content_hash == services.content_hash(page.text)
    assert snapshot.retrieved_by_id == editor.id
    assert snapshot.retrieved_at.tzinfo is not None


def test_canonical_url_kept_when_it_differs(session):
    page = extracted_page("paywall_stub.html", PAYWALL_AMP)
    source = services.create_source_from_extracted(session, page, SnapshotMethod.FETCH, PAYWALL_AMP, SourceKind.OTHER)
    assert (source.url, source.kind) == (PAYWALL_AMP, SourceKind.OTHER)
    assert (source.url_normalized, source.canonical_url) == (normalize_url(PAYWALL_AMP), normalize_url(PAYWALL))
    assert source.author == "Andi Pratama" and source.published_utc_offset == 0


def test_pasted_page_without_url_goes_by_its_canonical_url(session):
    source = services.create_source_from_extracted(session, tirto(url=None), SnapshotMethod.PASTE, None)
    assert source.url == source.url_normalized == TIRTO and source.canonical_url is None
    assert source.snapshots[0].final_url is None and source.snapshots[0].method is SnapshotMethod.PASTE


def test_pasted_text_without_any_url(session):
    page = Extracted(title="Catatan rapat", text="Kerja sama AITEC diperpanjang.", language="id")
    source = services.create_source_from_extracted(session, page, SnapshotMethod.UPLOAD, None)
    session.commit()
    assert source.url is None and source.url_normalized is None and source.canonical_url is None
    assert source.published_on is None and source.published_at is None and source.published_utc_offset is None
    # Several sources without a URL are allowed.
    other = services.create_source_from_extracted(session, page, SnapshotMethod.UPLOAD, None)
    session.commit()
    assert other.id != source.id


def test_long_values_are_cut_to_their_columns(session):
    page = dataclasses.replace(
        tirto(),
        title="Kerja sama " * 100,
        outlet="Outlet " * 50,
        authors=[f"Penulis Nomor {n}" for n in range(40)],
    )
    source = services.create_source_from_extracted(
        session, page, SnapshotMethod.FETCH, "https://x.example/" + "a" * 2100
    )
    session.commit()
    assert len(source.title) <= 500 and source.title.endswith("…")
    assert len(source.outlet) <= 200
    assert len(source.author) <= 300 and source.author.startswith("Penulis Nomor 0, Penulis Nomor 1")
    assert not source.author.endswith(",") and "Penulis Nomor 39" not in source.author
    assert source.snapshots[0].final_url is None  # a cut URL would point elsewhere
    assert len(source.snapshots[0].title) <= 500


def test_one_very_long_author_is_shortened():
    assert services._authors(["A" * 400]) == "A" * 299 + "…"
    assert services._authors([]) == ""


def test_naive_publication_time_is_not_stored(session):
    page = dataclasses.replace(tirto(), published_at=datetime(2017, 10, 4, 15, 32))
    source = services.create_source_from_extracted(session, page, SnapshotMethod.FETCH, None)
    session.flush()
    assert source.published_at is None and source.published_utc_offset is None
    assert source.published_on == date(2017, 10, 4)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"language": "bahasa indonesia"}, "language"),
        ({"published_on": date(1066, 1, 1)}, "published_on"),
    ],
)
def test_unusable_values_are_refused_next_to_their_field(session, changes, field):
    with pytest.raises(ValidationError) as raised:
        services.create_source_from_extracted(
            session, dataclasses.replace(tirto(), **changes), SnapshotMethod.FETCH, None
        )
    assert raised.value.field == field
    assert count(session, Source) == 0


def test_known_page_is_not_recorded_twice(session, make_source):
    known = make_source(url=TIRTO)
    with pytest.raises(DuplicateSourceError) as raised:
        services.create_source_from_extracted(session, tirto(), SnapshotMethod.FETCH, TIRTO)
    assert raised.value.source_id == known.id
    assert count(session, Source) == 1 and count(session, SourceSnapshot) == 0


def test_known_archived_page_says_so(session, make_source):
    known = make_source(url="https://tirto.id/amp/cxYZ", canonical_url=TIRTO)
    archive_source(session, known)
    session.commit()
    with pytest.raises(DuplicateSourceError) as raised:
        services.create_source_from_extracted(session, tirto(), SnapshotMethod.FETCH, TIRTO)
    assert raised.value.source_id == known.id and "archived" in raised.value.message


# --- snapshots over time -----------------------------------------------------------------------


def snapshot_at(session, source, text: str, minutes: int) -> SourceSnapshot:
    snapshot = services.add_snapshot(
        session, source, Extracted(title=source.title, text=text), SnapshotMethod.FETCH, TIRTO
    )
    snapshot.retrieved_at = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)
    session.flush()
    return snapshot


def test_resnapshot_with_same_text_is_unchanged_and_changed_text_is_changed(session, make_source, make_user):
    source = make_source(url=TIRTO)
    first = snapshot_at(session, source, "Kerja sama AITEC 2006–2018.", 0)
    same = snapshot_at(session, source, "Kerja sama  AITEC\n2006–2018. ", 1)
    changed = snapshot_at(session, source, "Kerja sama AITEC 2006–2018, diperpanjang.", 2)
    again = snapshot_at(session, source, "Kerja sama AITEC 2006–2018, diperpanjang.", 3)
    session.commit()
    entries = queries.snapshots_of(session, source.id)
    assert [entry.snapshot.id for entry in entries] == [again.id, changed.id, same.id, first.id]  # newest first
    assert [entry.changed for entry in entries] == [False, True, False, None]
    assert first.content_hash == same.content_hash != changed.content_hash


def test_snapshots_name_who_retrieved_them(session, make_source, make_user):
    editor = make_user(UserRole.EDITOR)
    source = make_source(url=TIRTO)
    snapshot_at(session, source, "by the command line", 0)
    session.info["actor_id"] = editor.id
    snapshot_at(session, source, "by an editor", 1)
    session.commit()
    assert [entry.retrieved_by for entry in queries.snapshots_of(session, source.id)] == [editor.email, ""]


def test_latest_snapshot_has_its_text(session, make_source):
    source = make_source(url=TIRTO)
    assert queries.latest_snapshot(session, source.id) is None and queries.snapshots_of(session, source.id) == []
    snapshot_at(session, source, "lama", 0)
    newest = snapshot_at(session, source, "baru", 5)
    session.commit()
    session.expire_all()
    queries.snapshots_of(session, source.id)  # loads the snapshots without their text first
    latest = queries.latest_snapshot(session, source.id)
    assert latest.id == newest.id and latest.text == "baru"


# --- known pages -------------------------------------------------------------------------------


def test_known_source_by_url_in_any_spelling(session, make_source):
    known = make_source(url=TIRTO)
    assert (
        services.find_known_source(
            session,
            "HTTPS://TIRTO.ID:443/indonesia-ingin-lanjutkan-kerja-sama-teknologi-dengan-korsel-cxYZ?utm_source=x#a",
            None,
        )
        == known
    )
    assert services.find_known_source(session, "https://tirto.id/other", None) is None


def test_known_source_whose_canonical_url_is_the_new_url(session, make_source):
    known = make_source(url="https://tirto.id/amp/cxYZ", canonical_url=TIRTO)
    assert services.find_known_source(session, TIRTO, None) == known


def test_known_source_whose_url_is_the_new_canonical_url(session, make_source):
    known = make_source(url=TIRTO)
    assert services.find_known_source(session, "https://m.tirto.id/cxYZ", TIRTO) == known
    assert services.find_known_source(session, None, TIRTO) == known


def test_known_source_by_both_canonical_urls(session, make_source):
    known = make_source(url="https://tirto.id/amp/cxYZ", canonical_url=TIRTO)
    assert services.find_known_source(session, "https://m.tirto.id/cxYZ", TIRTO) == known


def test_own_url_match_wins_over_a_canonical_match(session, make_source):
    by_canonical = make_source(url="https://tirto.id/amp/cxYZ", canonical_url=TIRTO)
    by_url = make_source(url=TIRTO, title="Salinan")
    assert services.find_known_source(session, TIRTO, None) == by_url
    assert services.find_known_source(session, "https://tirto.id/amp/cxYZ", TIRTO) == by_canonical


def test_archived_known_source_is_found_and_reported_archived(session, make_source):
    known = make_source(url=TIRTO)
    archive_source(session, known)
    session.commit()
    session.expire_all()
    found = services.find_known_source(session, TIRTO, None)
    assert found is not None and found.id == known.id and found.is_archived


@pytest.mark.parametrize(("url", "canonical"), [(None, None), ("", ""), ("javascript:alert(1)", "not a url")])
def test_no_usable_url_knows_nothing(session, make_source, url, canonical):
    make_source(url=TIRTO)
    assert services.find_known_source(session, url, canonical) is None


def test_page_then_found_by_its_extraction(session):
    services.create_source_from_extracted(
        session, extracted_page("paywall_stub.html", PAYWALL_AMP), SnapshotMethod.FETCH, PAYWALL_AMP
    )
    session.commit()
    # The same article fetched from its canonical address, or pasted with only its og:url.
    assert services.find_known_source(session, PAYWALL, None) is not None
    assert services.find_known_source(session, None, f"{PAYWALL}?utm_source=x") is not None


# --- the source page ---------------------------------------------------------------------------


def test_source_page_shows_latest_text_and_snapshot_list(app, client, session, make_source):
    source = make_source(url=TIRTO)
    snapshot_at(session, source, "Teks lama <script>alert(1)</script>", 0)
    snapshot_at(session, source, "Teks lama <script>alert(1)</script>", 1)
    snapshot_at(session, source, "Teks baru\n\n<script>alert(2)</script>", 2)
    session.commit()
    page = client.get(f"/sources/{source.id}").get_data(as_text=True)
    section = page[page.index("<details") : page.index("Agreements this source supports")]
    assert '<div class="evidence-text" lang="id">Teks baru\n\n&lt;script&gt;alert(2)&lt;/script&gt;</div>' in section
    assert "alert(1)" not in section  # only the latest text is shown
    assert "<script>" not in section and "style=" not in section
    assert section.count("Text changed") == 1 and section.count("Unchanged") == 1 and "First snapshot" in section
    assert section.index("Text changed") < section.index("Unchanged") < section.index("First snapshot")
    assert section.count("Fetched from the web") == 3


def test_source_page_without_snapshots(client, make_source):
    source = make_source(url=TIRTO)
    page = client.get(f"/sources/{source.id}").get_data(as_text=True)
    assert "No text of this source has been saved." in page and "<details" not in page


def test_source_page_statements_do_not_grow_with_snapshots(client, session, make_source, count_statements):
    source = make_source(url=TIRTO)
    snapshot_at(session, source, "satu", 0)
    session.commit()
    with count_statements() as few:
        client.get(f"/sources/{source.id}")
    for minutes in range(1, 6):
        snapshot_at(session, source, f"teks {minutes}", minutes)
    session.commit()
    with count_statements() as many:
        client.get(f"/sources/{source.id}")
    assert len(many) == len(few)


def test_page_recorded_meanwhile_is_reported_not_a_crash(session, make_source, monkeypatch):
    known = make_source(url=TIRTO)
    real = services.find_known_source
    calls = []

    def missed_first(*args):
        calls.append(args)
        return None if len(calls) == 1 else real(*args)  # someone saved it between our look and our write

    monkeypatch.setattr(services, "find_known_source", missed_first)
    with pytest.raises(DuplicateSourceError) as raised:
        services.create_source_from_extracted(session, tirto(), SnapshotMethod.FETCH, TIRTO)
    assert raised.value.source_id == known.id and len(calls) == 2
    assert count(session, Source) == 1 and count(session, SourceSnapshot) == 0  # the transaction is still usable
