"""Services and queries of the sources area: checks, duplicate URLs, links, deletion, the list."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tracker.errors import DuplicateError, InUseError, ValidationError
from tracker.models import AgreementSource, Source, SourceKind
from tracker.queries import sources as queries
from tracker.queries.sources import SourceFilters
from tracker.records.source import SourceData
from tracker.services import sources as services
from tracker.services.sources import DuplicateSourceError

TIRTO = "https://tirto.id/indonesia-ingin-lanjutkan-kerja-sama-teknologi-dengan-korsel-cxYZ"


def count_sources(session) -> int:
    return session.scalar(select(func.count()).select_from(Source))


def count_links(session) -> int:
    return session.scalar(select(func.count()).select_from(AgreementSource))


def data(**fields) -> SourceData:
    fields.setdefault("title", "Kemenperin dan AITEC perpanjang kerja sama")
    return SourceData(**fields)


# --- creating and checking ---------------------------------------------------------------------


def test_create_source_stores_normalised_url_and_every_field(session):
    source = services.create_source(
        session,
        data(
            url="HTTPS://Tirto.ID:443/artikel?utm_source=twitter&id=7&fbclid=abc#komentar",
            kind=SourceKind.PRESS_RELEASE,
            outlet="tirto.id",
            author="Dewi Adhitya",
            published_on=date(2017, 10, 4),
            language="id",
            excerpt="Kerja sama dimulai pada 2006.",
        ),
    )
    session.commit()
    stored = session.get(Source, source.id)
    assert stored.url == "HTTPS://Tirto.ID:443/artikel?utm_source=twitter&id=7&fbclid=abc#komentar"
    assert stored.url_normalized == "https://tirto.id/artikel?id=7"
    assert (stored.kind, stored.outlet, stored.author) == (SourceKind.PRESS_RELEASE, "tirto.id", "Dewi Adhitya")
    assert (stored.published_on, stored.language, stored.excerpt) == (
        date(2017, 10, 4),
        "id",
        "Kerja sama dimulai pada 2006.",
    )
    assert stored.created_at.tzinfo is not None


def test_documents_without_url_are_allowed_and_not_duplicates(session):
    first = services.create_source(session, data(title="Nota kesepahaman (scan)", kind=SourceKind.OFFICIAL_DOCUMENT))
    second = services.create_source(session, data(title="Nota kesepahaman (scan)", kind=SourceKind.OFFICIAL_DOCUMENT))
    session.commit()
    assert first.url is None and first.url_normalized is None
    assert second.id != first.id


def test_title_is_required(session):
    with pytest.raises(ValidationError) as caught:
        services.create_source(session, data(title="", url=TIRTO))
    assert caught.value.field == "title"
    assert count_sources(session) == 0


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "ftp://example.org/file",
        "https://user:secret@example.org/",
        "https://",
    ],
)
def test_hostile_or_unusable_urls_are_refused(session, url):
    with pytest.raises(ValidationError) as caught:
        services.create_source(session, data(url=url))
    assert caught.value.field == "url"
    assert count_sources(session) == 0


def test_only_http_and_https_message(session):
    with pytest.raises(ValidationError) as caught:
        services.create_source(session, data(url="javascript:alert(1)"))
    assert "http://" in str(caught.value.message)


@pytest.mark.parametrize(("given", "stored"), [("id", "id"), ("EN", "en"), ("en-GB", "en-GB"), ("ko", "ko"), ("", "")])
def test_language_tags_are_accepted_and_normalised(session, given, stored):
    source = services.create_source(session, data(language=given))
    assert source.language == stored


@pytest.mark.parametrize("tag", ["english", "e", "en_US", "id-", "12", "ko-KR-x-very-long-subtag"])
def test_language_tags_that_are_not_tags_are_refused(session, tag):
    with pytest.raises(ValidationError) as caught:
        services.create_source(session, data(language=tag))
    assert caught.value.field == "language"


def test_publication_year_out_of_range_is_refused(session):
    with pytest.raises(ValidationError) as caught:
        services.create_source(session, data(published_on=date(1, 1, 1)))
    assert caught.value.field == "published_on"


@pytest.mark.parametrize(("field", "limit"), [("title", 500), ("outlet", 200), ("author", 300), ("url", 2000)])
def test_overlong_text_is_refused_before_the_database(session, field, limit):
    value = "https://example.org/" + "a" * limit if field == "url" else "a" * (limit + 1)
    with pytest.raises(ValidationError) as caught:
        services.create_source(session, data(**{field: value}))
    assert caught.value.field == field


def test_text_in_any_script_round_trips(session):
    title = "산업통상자원부 · Kemenperin's “kerja sama” <script>alert(1)</script>"
    source = services.create_source(session, data(title=title, excerpt="협력 협정 — l'accord", language="ko"))
    session.commit()
    session.expire_all()
    stored = session.get(Source, source.id)
    assert stored.title == title
    assert stored.excerpt == "협력 협정 — l'accord"


# --- duplicate URLs ----------------------------------------------------------------------------


def test_find_source_by_url_matches_any_spelling(session, make_source):
    source = make_source(url="https://tirto.id/artikel-abc")
    assert services.find_source_by_url(session, "HTTPS://TIRTO.ID/artikel-abc?utm_medium=social#top") == source
    assert services.find_source_by_url(session, "https://tirto.id/other") is None
    assert services.find_source_by_url(session, "") is None
    assert services.find_source_by_url(session, "javascript:alert(1)") is None


def test_known_url_raises_duplicate_naming_the_known_source(session, make_source):
    known = make_source(url="https://tirto.id/artikel-abc", title="Artikel")
    with pytest.raises(DuplicateSourceError) as caught:
        services.create_source(session, data(url="https://TIRTO.id:443/artikel-abc?utm_source=x"))
    assert caught.value.source_id == known.id
    assert caught.value.field == "url"
    assert isinstance(caught.value, DuplicateError)
    assert "This URL is already known as source “Artikel”" in caught.value.message
    assert count_sources(session) == 1


def test_concurrent_insert_of_same_url_becomes_duplicate_error(session, make_source, monkeypatch):
    known = make_source(url="https://tirto.id/artikel-abc")
    # Pretend the check ran before the other request committed: only the unique constraint sees it.
    monkeypatch.setattr(services, "find_source_by_url", lambda session, url: None)
    with pytest.raises(DuplicateSourceError) as caught:
        services.create_source(session, data(url="https://tirto.id/artikel-abc"))
    assert caught.value.source_id == known.id
    # The savepoint kept the transaction usable.
    services.create_source(session, data(url="https://tirto.id/another"))
    session.commit()
    assert count_sources(session) == 2


def test_update_to_another_sources_url_is_refused(session, make_source):
    first = make_source(url="https://tirto.id/a", title="A")
    second = make_source(url="https://tirto.id/b", title="B")
    with pytest.raises(DuplicateSourceError) as caught:
        services.update_source(session, second, data(title="B", url="https://TIRTO.id/a#x"))
    assert caught.value.field == "url"
    assert caught.value.source_id == first.id
    session.rollback()
    assert session.get(Source, second.id).url_normalized == "https://tirto.id/b"


def test_update_keeps_own_url_in_another_spelling(session, make_source):
    source = make_source(url="https://tirto.id/a", title="A")
    services.update_source(session, source, data(title="A, revised", url="https://tirto.id/a?utm_campaign=z"))
    session.commit()
    assert (source.title, source.url_normalized) == ("A, revised", "https://tirto.id/a")


def test_concurrent_update_to_same_url_becomes_duplicate_error(session, make_source, monkeypatch):
    first = make_source(url="https://tirto.id/a")
    second = make_source(url="https://tirto.id/b")
    monkeypatch.setattr(services, "find_source_by_url", lambda session, url: None)
    with pytest.raises(DuplicateSourceError) as caught:
        services.update_source(session, second, data(url="https://tirto.id/a"))
    assert caught.value.source_id == first.id


def test_update_can_remove_the_url(session, make_source):
    source = make_source(url="https://tirto.id/a")
    services.update_source(session, source, data(title="Scanned copy", url=""))
    session.commit()
    assert (source.url, source.url_normalized) == (None, None)


# --- archiving (what "delete" does) ------------------------------------------------------------


def test_unused_source_can_be_archived(session, make_source):
    source = make_source()
    services.archive_source(session, source)
    session.commit()
    assert count_sources(session) == 0


def test_cited_source_cannot_be_archived_and_the_message_names_agreements(session, make_source, make_agreement):
    mou = make_agreement(title="MoU on moulds and dies")
    tech = make_agreement(title="Technology development cooperation")
    source = make_source(agreements=[(mou, ""), (tech, "")])
    with pytest.raises(InUseError) as caught:
        services.archive_source(session, source)
    assert "cannot be archived" in caught.value.message
    assert "“MoU on moulds and dies”" in caught.value.message
    assert "“Technology development cooperation”" in caught.value.message
    assert "more" not in caught.value.message
    session.rollback()
    assert count_sources(session) == 1


def test_many_citing_agreements_are_named_up_to_five_then_counted(session, make_source, make_agreement):
    agreements = [make_agreement(title=f"Agreement {n}") for n in range(1, 8)]
    source = make_source(agreements=[(agreement, "") for agreement in agreements])
    with pytest.raises(InUseError) as caught:
        services.archive_source(session, source)
    message = caught.value.message
    assert all(f"“Agreement {n}”" in message for n in range(1, 6))
    assert "Agreement 6" not in message
    assert "and 2 more" in message


# --- links -------------------------------------------------------------------------------------


def test_link_source_records_the_note(session, make_source, make_agreement):
    agreement = make_agreement()
    source = make_source()
    link = services.link_source(session, agreement, source, "Signed on 4 October 2017; runs five years.")
    session.commit()
    assert (link.agreement_id, link.source_id) == (agreement.id, source.id)
    assert link.note == "Signed on 4 October 2017; runs five years."


def test_linking_the_same_pair_twice_is_refused(session, make_source, make_agreement):
    agreement = make_agreement(title="MoU")
    source = make_source(title="Artikel", agreements=[(agreement, "first")])
    with pytest.raises(DuplicateError) as caught:
        services.link_source(session, agreement, source, "again")
    assert "already linked" in caught.value.message
    assert "“Artikel”" in caught.value.message and "“MoU”" in caught.value.message
    session.rollback()
    assert count_links(session) == 1


def test_concurrent_link_of_the_same_pair_becomes_duplicate_error(session, make_source, make_agreement, monkeypatch):
    agreement = make_agreement()
    source = make_source(agreements=[(agreement, "first")])
    real = services._link_between
    calls = iter([None])
    monkeypatch.setattr(services, "_link_between", lambda s, a, src: next(calls, None) or real(s, a, src))
    with pytest.raises(DuplicateError):
        services.link_source(session, agreement, source, "again")
    session.rollback()
    assert count_links(session) == 1


def test_link_new_source_creates_and_links(session, make_agreement):
    agreement = make_agreement()
    link, known = services.link_new_source(session, agreement, data(url=TIRTO, outlet="tirto.id"), "2006 to 2018")
    session.commit()
    assert known is False
    assert link.source.url == TIRTO and link.note == "2006 to 2018"
    assert count_sources(session) == 1


def test_link_new_source_with_known_url_links_the_known_source(session, make_agreement, make_source):
    agreement = make_agreement()
    known_source = make_source(url=TIRTO)
    link, known = services.link_new_source(session, agreement, SourceData(title="", url=TIRTO + "?utm_source=wa"), "")
    session.commit()
    assert known is True
    assert link.source_id == known_source.id
    assert count_sources(session) == 1


def test_link_new_source_with_unknown_url_needs_a_title(session, make_agreement):
    agreement = make_agreement()
    with pytest.raises(ValidationError) as caught:
        services.link_new_source(session, agreement, SourceData(title="", url=TIRTO), "")
    assert caught.value.field == "title"


def test_unlink_removes_only_the_link(session, make_source, make_agreement):
    agreement = make_agreement()
    source = make_source(agreements=[(agreement, "note")])
    services.unlink_source(session, queries.agreement_link(session, agreement.id, source.id))
    session.commit()
    assert count_links(session) == 0
    assert count_sources(session) == 1


def test_update_link_note(session, make_source, make_agreement):
    agreement = make_agreement()
    source = make_source(agreements=[(agreement, "old")])
    link = queries.agreement_link(session, agreement.id, source.id)
    services.update_link_note(session, link, "“Kerja sama ini berlaku sampai 2018.”")
    session.commit()
    session.expire_all()
    assert queries.agreement_link(session, agreement.id, source.id).note == "“Kerja sama ini berlaku sampai 2018.”"


# --- queries -----------------------------------------------------------------------------------


def titles(page) -> list[str]:
    return [source.title for source in page.items]


def test_list_is_newest_published_first_with_undated_last(session, make_source):
    make_source(title="Old", url="https://a.example/1", published_on=date(2006, 3, 1))
    make_source(title="Undated", url="https://a.example/2", published_on=None)
    make_source(title="New", url="https://a.example/3", published_on=date(2017, 10, 4))
    assert titles(queries.source_list(session, SourceFilters())) == ["New", "Old", "Undated"]
    assert titles(queries.source_list(session, SourceFilters(sort="published_asc"))) == ["Old", "New", "Undated"]
    assert titles(queries.source_list(session, SourceFilters(sort="title"))) == ["New", "Old", "Undated"]


def test_list_sorted_by_date_added(session, make_source):
    for n, title in enumerate(["first", "second", "third"]):
        source = make_source(title=title, url=f"https://a.example/{n}")
        source.created_at = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=n)
    session.commit()
    assert titles(queries.source_list(session, SourceFilters(sort="added"))) == ["third", "second", "first"]


def test_text_search_covers_title_outlet_author_and_url(session, make_source):
    make_source(title="Kerja sama teknologi", url="https://tirto.id/x", outlet="tirto.id", author="")
    make_source(title="Other", url="https://antaranews.com/berita/aitec", outlet="Antara", author="Budi")
    make_source(title="Third", url="https://example.org/3", outlet="Kompas", author="Siti Nurbaya")

    def search(text):
        return sorted(titles(queries.source_list(session, SourceFilters(text=text))))

    assert search("KERJA") == ["Kerja sama teknologi"]
    assert search("antara") == ["Other"]
    assert search("aitec") == ["Other"]
    assert search("nurbaya") == ["Third"]
    assert search("kerja tirto") == ["Kerja sama teknologi"]
    assert search("100%") == []


def test_filters_by_outlet_language_and_year(session, make_source):
    make_source(title="A", url="https://a.example/1", outlet="tirto.id", language="id", published_on=date(2017, 10, 4))
    make_source(
        title="B", url="https://a.example/2", outlet="Korea Herald", language="en-GB", published_on=date(2018, 1, 1)
    )
    make_source(title="C", url="https://a.example/3", outlet="Yonhap", language="ko", published_on=date(2017, 12, 31))

    def listed(**filters):
        return sorted(titles(queries.source_list(session, SourceFilters(**filters))))

    assert listed(outlet="TIRTO.ID") == ["A"]
    assert listed(language="en") == ["B"]
    assert listed(language="ko") == ["C"]
    assert listed(year=2017) == ["A", "C"]
    assert listed(year=2017, language="id") == ["A"]


def test_list_is_paginated_and_clamps_past_the_end(session, make_source):
    for n in range(5):
        make_source(title=f"S{n}", url=f"https://a.example/{n}", published_on=date(2010 + n, 1, 1))
    page = queries.source_list(session, SourceFilters(), page=2, per_page=2)
    assert (titles(page), page.pages, page.total) == (["S2", "S1"], 3, 5)
    assert titles(queries.source_list(session, SourceFilters(), page=99, per_page=2)) == ["S0"]


def test_recent_sources_newest_added_first(session, make_source):
    for n in range(7):
        source = make_source(title=f"S{n}", url=f"https://a.example/{n}")
        source.created_at = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(hours=n)
    session.commit()
    assert [s.title for s in queries.recent_sources(session)] == ["S6", "S5", "S4", "S3", "S2"]
    assert len(queries.recent_sources(session, limit=2)) == 2


def test_agreement_suggestions_are_the_latest_updated_few(session, make_agreement):
    agreements = [make_agreement(title=f"Agreement {n}") for n in range(4)]
    agreements[0].summary = "Edited last"
    session.commit()
    suggested = queries.recent_agreement_suggestions(session, limit=3)
    assert suggested == [
        (agreements[0].id, "Agreement 0"),
        (agreements[3].id, "Agreement 3"),
        (agreements[2].id, "Agreement 2"),
    ]


def test_source_suggestions_show_outlet(session, make_source):
    source = make_source(title="Artikel", outlet="tirto.id")
    untitled = make_source(title="Dokumen", outlet="", url="https://kemenperin.go.id/dokumen")
    assert queries.recent_source_suggestions(session) == [(untitled.id, "Dokumen"), (source.id, "Artikel — tirto.id")]


def test_sources_named_by_number_address_or_title(session, make_source):
    source = make_source(title="Artikel tirto")
    make_source(title="Shared", url="https://a.example/1")
    make_source(title="Shared", url="https://a.example/2")
    assert queries.sources_named(session, source.id, f"#{source.id}") == [source.id]
    assert queries.sources_named(session, 99999, "#99999") == []
    assert queries.sources_named(session, 2**40, "#1099511627776") == []
    assert queries.sources_named(session, None, source.url.replace("https://", "HTTPS://") + "#baca") == [source.id]
    assert queries.sources_named(session, None, "ARTIKEL TIRTO") == [source.id]
    assert len(queries.sources_named(session, None, "shared")) == 2
    assert queries.sources_named(session, None, "not a url or title") == []


def test_known_outlets_and_languages_each_once_in_order_without_blanks(session, make_source):
    for number, (outlet, language) in enumerate(
        [("tirto.id", "id"), ("Kompas", "id"), ("", ""), ("Antara", "en"), ("Kompas", "en"), ("tirto.id", "ko")]
    ):
        make_source(url=f"https://news.example/{number}", outlet=outlet, language=language)
    session.commit()
    assert queries.known_outlets(session) == ["Antara", "Kompas", "tirto.id"]
    assert queries.known_languages(session) == ["en", "id", "ko"]
