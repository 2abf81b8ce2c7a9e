"""Extraction of saved pages (tests/fixtures/pages): decoding, metadata, main text and excerpt."""

from __future__ import annotations

import codecs
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.i18n import EscapedLazyString
from tracker.ingest.extract import extract_html, extract_text
from tracker.ingest.extract.body import make_excerpt
from tracker.ingest.extract.dates import parse_published
from tracker.ingest.extract.decoding import decode_html
from tracker.ingest.extract.language import guess_language, normalize_language
from tracker.ingest.extract.result import Extracted, ExtractError

PAGES = Path(__file__).parents[1] / "fixtures" / "pages"
TIRTO = "https://tirto.id/indonesia-ingin-lanjutkan-kerja-sama-teknologi-dengan-korsel-cxYZ"
ANTARA = (
    "https://en.antaranews.com/news/112233/indonesia-wants-to-extend-technology-cooperation-with-south-koreas-aitec"
)
PAYWALL_AMP = "https://www.jakartabusinessdaily.example/amp/business/2017/10/05/ri-korea-to-renew-tech-pact.html"
PAYWALL = "https://www.jakartabusinessdaily.example/business/2017/10/05/ri-korea-to-renew-tech-pact.html"
WIB = timezone(timedelta(hours=7))


def body(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def extract(name: str, url: str | None = None, charset: str | None = None) -> Extracted:
    return extract_html(decode_html(body(name), charset), url)


def page(head: str = "", content: str = "", lang: str = "") -> str:
    """A small page with an article long enough for trafilatura."""
    paragraph = (
        "Kementerian Perindustrian akan memperpanjang kerja sama teknologi dengan AITEC yang sudah berjalan "
        "sejak tahun 2006 dan akan berakhir pada tahun 2018, kata pejabat kementerian itu di Jakarta."
    )
    content = content or f"<p>{paragraph}</p><p>{paragraph.replace('AITEC', 'Korea Selatan')}</p>"
    lang_attribute = f' lang="{lang}"' if lang else ""
    return f"<html{lang_attribute}><head>{head}</head><body><article><h1>Judul</h1>{content}</article></body></html>"


# --- the saved pages ---------------------------------------------------------------------------


def test_seed_article_with_full_metadata():
    extracted = extract("tirto_aitec.html", f"{TIRTO}?utm_source=twitter&utm_medium=social")
    assert extracted.title == "Indonesia Ingin Lanjutkan Kerja Sama Teknologi dengan Korsel"
    assert extracted.outlet == "tirto.id"
    # The facebook page in article:author is not a person; meta and JSON-LD name the same author once.
    assert extracted.authors == ["Dipna Videlia Putsanra"]
    assert extracted.language == "id"
    assert extracted.published_at == datetime(2017, 10, 4, 15, 32, tzinfo=WIB)
    assert extracted.published_at.tzinfo is UTC and extracted.published_at.hour == 8
    assert extracted.published_utc_offset == 420
    assert extracted.published_on == date(2017, 10, 4)
    assert extracted.url == TIRTO  # tracking parameters dropped
    assert extracted.canonical_url == TIRTO
    assert "kerja samanya sudah berlangsung dari 2006 dan akan berakhir 2018" in extracted.text
    assert "energi terbarukan dan kendaraan listrik" in extracted.text
    assert "Kita siapkan Memorandum of Understanding (MoU)" in extracted.text
    assert "Pedoman Media Siber" not in extracted.text and "Artikel Terkait" not in extracted.text
    assert extracted.excerpt.startswith("Indonesia berencana untuk memperpanjang kerja sama teknologi")
    assert "tirto.id - Dirjen Ketahanan" in extracted.excerpt
    assert len(extracted.excerpt) <= 1000


def test_english_wire_report_of_the_same_story():
    extracted = extract("antara_en_aitec.html", f"{ANTARA}?utm_source=rss&utm_medium=feed")
    assert extracted.title == "Indonesia wants to extend technology cooperation with South Korea's AITEC"
    assert extracted.outlet == "Antara News"
    assert extracted.authors == ["Rina Wulandari", "Bambang Santoso"]
    assert extracted.language == "en"  # from og:locale en_US
    # The <time> of the article, not those of the "most read" list before it.
    assert extracted.published_at == datetime(2017, 10, 4, 10, 5, tzinfo=UTC)
    assert extracted.published_utc_offset == 420
    assert extracted.published_on == date(2017, 10, 4)
    assert extracted.canonical_url == ANTARA  # relative href resolved against the page
    assert extracted.url == ANTARA
    assert "has been running from 2006 and will end in 2018" in extracted.text
    assert "renewable energy and electric vehicles" in extracted.text
    assert "moulds and dies industry" in extracted.text
    assert extracted.excerpt.startswith("Jakarta (ANTARA News) - Indonesia wants to extend")


def test_page_without_any_metadata():
    url = "https://www.kemenperin.go.id/artikel/18301/Kemenperin-Jajaki-Kerja-Sama-Teknologi-dengan-Korea"
    extracted = extract("no_metadata.html", url)
    assert extracted.title == "Kemenperin Jajaki Kerja Sama Cetakan dan Perkakas dengan Korea Selatan"
    assert extracted.outlet == "kemenperin.go.id"
    assert extracted.authors == []
    assert extracted.language == "id"  # guessed from the words
    # "sejak tahun 2006" in the text is not a publication date.
    assert (extracted.published_on, extracted.published_at, extracted.published_utc_offset) == (None, None, None)
    assert extracted.canonical_url is None
    assert extracted.url == url
    assert "kerja sama yang sudah berjalan dengan AITEC sejak tahun 2006" in extracted.text
    assert extracted.excerpt.startswith("Kementerian Perindustrian terus mendorong kerja sama")


def test_page_without_metadata_nor_url_has_no_outlet():
    extracted = extract("no_metadata.html")
    assert extracted.outlet == "" and extracted.url is None and extracted.canonical_url is None


def test_windows_1252_page_declared_in_meta():
    extracted = extract("legacy_cp1252.html")
    assert extracted.title == "L’Indonésie veut prolonger sa coopération technologique avec la Corée du Sud"
    assert extracted.outlet == "Le Courrier de l’Asie"  # application-name; also cut from the <title>
    assert extracted.authors == ["Hélène Dupré"]
    assert extracted.language == "fr"
    assert extracted.published_on == date(2017, 10, 5)
    assert extracted.published_at is None and extracted.published_utc_offset is None  # no time of day given
    assert "« Cette coopération est toujours nécessaire »" in extracted.text
    assert "l’industrie des moules et matrices — « la mère de l’industrie »" in extracted.text
    assert "20 millions d’€" in extracted.text


def test_latin1_page_without_declaration():
    extracted = extract("legacy_latin1_undeclared.html")
    assert extracted.title == "Indonesia y Corea del Sur amplían su cooperación tecnológica"
    assert "las pequeñas empresas tecnológicas del país" in extracted.text
    assert "«madre de la industria»" in extracted.text
    assert extracted.language == ""  # neither Indonesian nor English, and not declared
    assert extracted.published_on is None


def test_page_with_only_json_ld():
    url = "https://www.koreaindustrydaily.example/news/articleView.html?idxno=40512"
    extracted = extract("jsonld_only_ko.html", url)
    assert extracted.title == "인도네시아, 에이텍과 기술협력 연장 추진"
    assert extracted.outlet == "Korea Industry Daily"  # the publisher, not the WebSite's name
    assert extracted.authors == ["김민준", "이지은"]
    assert extracted.language == "ko"
    # 08:30 in Seoul is 23:30 UTC the day before; the page was published on the 5th, its own day.
    assert extracted.published_at == datetime(2017, 10, 4, 23, 30, tzinfo=UTC)
    assert extracted.published_utc_offset == 540
    assert extracted.published_on == date(2017, 10, 5)
    assert extracted.canonical_url is None
    assert "에이텍(AITEC)과의 기술개발 협력을 2018년 만료 이후에도 연장" in extracted.text
    assert "코리아산업일보 | 서울특별시" not in extracted.text
    assert extracted.excerpt.startswith("인도네시아 산업부가 2006년부터")


def test_paywall_stub_keeps_what_little_text_there_is():
    extracted = extract("paywall_stub.html", PAYWALL_AMP)
    assert extracted.title == "RI, Korea to renew tech pact"  # og:title without " | Jakarta Business Daily"
    assert extracted.outlet == "Jakarta Business Daily"
    assert extracted.authors == ["Andi Pratama"]  # "By " dropped
    assert extracted.language == "en"  # en-US
    assert extracted.published_at == datetime(2017, 10, 4, 23, 0, tzinfo=UTC)
    assert extracted.published_utc_offset == 0
    assert extracted.published_on == date(2017, 10, 4)
    assert extracted.url == PAYWALL_AMP
    assert extracted.canonical_url == PAYWALL  # og:url, utm parameters dropped
    assert "renew a technology cooperation agreement with South Korea's AITEC" in extracted.text
    assert len(extracted.text) < 400
    assert extracted.excerpt == (
        "Indonesia intends to renew a technology cooperation agreement with South Korea's AITEC that expires "
        "next year, the Industry Ministry said."
    )


def test_list_of_links_is_not_an_article():
    extracted = extract("link_list.html", "https://tirto.id/q/kerja-sama-bilateral-abc?page=1")
    assert extracted.title == "Kerja Sama Bilateral"
    assert extracted.outlet == "tirto.id"
    assert extracted.text == "" and extracted.excerpt == ""
    assert extracted.published_on is None and extracted.published_at is None
    assert extracted.canonical_url == "https://tirto.id/q/kerja-sama-bilateral-abc"


def test_pdf_is_refused_politely():
    with pytest.raises(ExtractError) as raised:
        decode_html(body("press_release.pdf"), None)
    assert raised.value.code == "not_html"
    assert isinstance(raised.value.message, EscapedLazyString)  # translated when shown
    assert "PDF" in str(raised.value)


def test_pdf_given_as_text_is_refused_too():
    with pytest.raises(ExtractError, match="PDF"):
        extract_html(body("press_release.pdf").decode("latin-1"))
    with pytest.raises(ExtractError, match="PDF"):
        extract_text("  %PDF-1.7\n...")


@pytest.mark.parametrize("start", [b"\x89PNG\r\n\x1a\n", b"GIF89a", b"\xff\xd8\xff\xe0", b"PK\x03\x04", b"ab\x00cd"])
def test_other_binary_content_is_refused(start):
    with pytest.raises(ExtractError) as raised:
        decode_html(start + b"\x00" * 20, None)
    assert raised.value.code == "not_html"


@pytest.mark.parametrize("content", ["", "   \n  "])
def test_empty_content_is_refused(content):
    with pytest.raises(ExtractError) as raised:
        extract_html(content)
    assert raised.value.code == "empty"
    with pytest.raises(ExtractError):
        extract_text(content)


# --- decoding ----------------------------------------------------------------------------------


def test_http_charset_wins_over_guessing():
    latin = "<p>Señor Muñoz: año, acción</p>".encode("latin-1")
    assert decode_html(latin, "ISO-8859-1") == "<p>Señor Muñoz: año, acción</p>"


def test_latin1_label_is_read_as_windows_1252_like_browsers():
    assert decode_html("“Déjà vu” — 5 €".encode("cp1252"), "iso-8859-1") == "“Déjà vu” — 5 €"


def test_utf8_page_mislabelled_latin1_by_the_server():
    assert (
        decode_html("<p>Kerja sama “AITEC” — Séoul</p>".encode(), "ISO-8859-1") == "<p>Kerja sama “AITEC” — Séoul</p>"
    )


def test_utf8_label_on_legacy_bytes_falls_back_to_meta():
    raw = '<meta charset="windows-1252"><p>Coopération – énergie</p>'.encode("cp1252")
    assert "Coopération – énergie" in decode_html(raw, "utf-8")


def test_meta_charset_and_http_equiv():
    text = "<p>Corée du Sud, coopération</p>"
    assert text in decode_html(('<meta charset="iso-8859-1">' + text).encode("latin-1"), None)
    http_equiv = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
    assert text in decode_html((http_equiv + text).encode("cp1252"), None)


def test_unknown_charset_label_is_ignored():
    assert decode_html("<p>Jeju — 2030</p>".encode(), "x-no-such-charset") == "<p>Jeju — 2030</p>"


@pytest.mark.parametrize(
    ("bom", "codec"),
    [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")],
)
def test_byte_order_mark_wins(bom, codec):
    assert decode_html(bom + "<p>인도네시아 é</p>".encode(codec), "iso-8859-1") == "<p>인도네시아 é</p>"


def test_extraction_of_decoded_legacy_page_keeps_accents_in_metadata():
    extracted = extract("legacy_cp1252.html", charset="windows-1252")
    assert extracted.authors == ["Hélène Dupré"] and "énergies renouvelables" in extracted.text


# --- metadata details --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2017-10-04T15:32:00+07:00", datetime(2017, 10, 4, 15, 32, tzinfo=WIB)),
        ("2017-10-04T15:32:00.000+0700", datetime(2017, 10, 4, 15, 32, tzinfo=WIB)),
        ("2017-10-04 15:32 +07:00", datetime(2017, 10, 4, 15, 32, tzinfo=WIB)),
        ("2017-10-04T08:32:00Z", datetime(2017, 10, 4, 8, 32, tzinfo=UTC)),
        ("Wed, 04 Oct 2017 15:32:00 +0700", datetime(2017, 10, 4, 15, 32, tzinfo=WIB)),
        ("2017-10-04T15:32:00", datetime(2017, 10, 4, 15, 32)),
        ("2017-10-04", date(2017, 10, 4)),
        ("20171004", date(2017, 10, 4)),
        ("2017-13-04", None),
        ("0001-01-01T00:00:00Z", None),
        ("04/10/2017", None),
        ("kemarin", None),
        ("", None),
    ],
)
def test_publication_dates_parsed(value, expected):
    assert parse_published(value) == expected


def test_date_only_meta_completed_by_a_time_on_the_same_day():
    head = (
        '<meta property="article:published_time" content="2017-10-04">'
        '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2017-10-04T15:32:00+07:00"}'
        "</script>"
    )
    extracted = extract_html(page(head))
    assert extracted.published_at == datetime(2017, 10, 4, 8, 32, tzinfo=UTC)
    assert extracted.published_on == date(2017, 10, 4) and extracted.published_utc_offset == 420


def test_time_without_zone_gives_the_day_only():
    extracted = extract_html(page('<meta name="pubdate" content="2017-10-04T15:32:00">'))
    assert extracted.published_on == date(2017, 10, 4)
    assert extracted.published_at is None and extracted.published_utc_offset is None


def test_negative_offset_and_local_date():
    extracted = extract_html(page('<meta property="article:published_time" content="2017-10-04T21:00:00-05:00">'))
    assert extracted.published_on == date(2017, 10, 4)
    assert extracted.published_at == datetime(2017, 10, 5, 2, 0, tzinfo=UTC)
    assert extracted.published_utc_offset == -300


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("id", "id"), ("id_ID", "id"), ("en-US", "en"), ("EN-gb", "en"), ("in", "id"), ("ko-KR", "ko"), ("und", "")],
)
def test_language_tags_normalised(tag, expected):
    assert normalize_language(tag) == expected


def test_language_guess():
    assert (
        guess_language("Kami ingin memperpanjang kerja sama ini karena masih dibutuhkan, kata dia di Jakarta.")[0]
        == "id"
    )
    assert guess_language("The ministry said that it wants to extend the cooperation with the company.")[0] == "en"
    assert guess_language("인도네시아 산업부가 기술개발 협력을 연장한다") == ("ko", True)
    assert guess_language("2006–2018") == ("", False)


def test_template_default_lang_en_on_indonesian_text_is_overridden():
    assert extract_html(page(lang="en")).language == "id"


def test_declared_language_kept_when_text_agrees_or_is_other():
    assert extract_html(page(lang="ms")).language == "ms"  # Malay: the guess knows only id/en
    head = '<meta http-equiv="content-language" content="id, en">'
    assert extract_html(page(head)).language == "id"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ("<title>Judul Berita | Antara</title><meta property='og:site_name' content='ANTARA'>", "Judul Berita"),
        ("<title>Antara - Judul Berita</title><meta property='og:site_name' content='Antara'>", "Judul Berita"),
        ("<title>Satu - Dua - Tiga</title>", "Satu - Dua - Tiga"),  # no site name to strip
        ("<title>Berita - news.example</title>", "Berita"),  # the host name serves as the site's name
    ],
)
def test_title_without_site_name(head, expected):
    assert extract_html(page(head), "https://www.news.example/berita/1").title == expected


def test_json_ld_headline_before_title_and_unescaped():
    head = (
        "<title>Tag title</title>"
        '<script type="application/ld+json">[{"@type": "schema:NewsArticle", "headline": "AITEC &amp; Kemenperin"}]'
        "</script>"
    )
    assert extract_html(page(head)).title == "AITEC & Kemenperin"


def test_broken_json_ld_is_skipped():
    head = '<script type="application/ld+json">{"@type": "NewsArticle", "headline": </script><title>Judul</title>'
    assert extract_html(page(head)).title == "Judul"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ('<link rel="canonical" href="/berita/1?utm_source=x">', "https://news.example/berita/1"),
        ('<link rel="Canonical" href="https://NEWS.example:443/berita/1#top">', "https://news.example/berita/1"),
        ('<meta property="og:url" content="https://news.example/berita/1">', "https://news.example/berita/1"),
        ('<link rel="canonical" href="javascript:alert(1)">', None),
        ('<link rel="canonical" href="https://news.example/">', None),  # every page pointing at the home page
    ],
)
def test_canonical_url(head, expected):
    assert extract_html(page(head), "https://news.example/berita/1?amp=1").canonical_url == expected


def test_relative_canonical_without_page_url_is_ignored():
    assert extract_html(page('<link rel="canonical" href="/berita/1">')).canonical_url is None


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ("Dipna Videlia Putsanra, Rina Wulandari", ["Dipna Videlia Putsanra", "Rina Wulandari"]),
        ("Putsanra, Dipna", ["Putsanra, Dipna"]),
        ("Oleh: Dipna Videlia Putsanra; Tim Redaksi", ["Dipna Videlia Putsanra", "Tim Redaksi"]),
        ("Rina Wulandari dan Andi Pratama", ["Rina Wulandari", "Andi Pratama"]),
        ("https://www.facebook.com/someone", []),
        ("news.example", []),  # the outlet is not an author
    ],
)
def test_authors_from_meta(meta, expected):
    assert extract_html(page(f'<meta name="author" content="{meta}">'), "https://news.example/a").authors == expected


def test_invalid_page_url_is_dropped():
    assert extract_html(page(), "javascript:alert(1)").url is None


def test_excerpt_cut_at_a_word_within_1000_characters():
    long = " ".join(["kerjasama"] * 300)
    excerpt = make_excerpt(f"Judul\n{long}\nMore.", title="Judul")
    assert len(excerpt) <= 1000 and excerpt.endswith("…") and "kerjasama kerjasama" in excerpt


def test_excerpt_takes_paragraphs_until_long_enough():
    paragraphs = [f"Paragraph {n} " + "x" * 150 for n in range(1, 6)]
    excerpt = make_excerpt("\n".join(paragraphs))
    assert excerpt == "\n\n".join(paragraphs[:2])


def test_xml_declaration_and_control_characters_do_not_break_parsing():
    html = '<?xml version="1.0" encoding="utf-8"?>' + page("<title>Judul\x0b berita</title>")
    assert extract_html(html).title == "Judul berita"


# --- plain text --------------------------------------------------------------------------------


def test_plain_text_first_line_is_the_title():
    text = (
        "\n\n  Indonesia Ingin Lanjutkan Kerja Sama Teknologi dengan Korsel  \n\n"
        "Indonesia berencana untuk memperpanjang kerja sama teknologi dengan Korea Selatan yang akan berakhir pada "
        "2018.\r\n\r\n\r\n\r\n“Kita dengan AITEC kan kerja samanya sudah berlangsung dari 2006 dan akan berakhir 2018.”"
    )
    extracted = extract_text(text)
    assert extracted.title == "Indonesia Ingin Lanjutkan Kerja Sama Teknologi dengan Korsel"
    assert extracted.text.startswith("Indonesia berencana untuk memperpanjang")
    assert "\n\n“Kita dengan AITEC" in extracted.text and "\r" not in extracted.text and "\n\n\n" not in extracted.text
    assert extracted.language == "id"
    assert (extracted.published_on, extracted.published_at, extracted.published_utc_offset) == (None, None, None)
    assert extracted.outlet == "" and extracted.authors == [] and extracted.url is None
    assert extracted.excerpt.startswith("Indonesia berencana")


def test_plain_text_of_one_line_keeps_it_as_the_text():
    extracted = extract_text("Indonesia wants to extend its technology cooperation with AITEC.")
    assert extracted.title == extracted.text == "Indonesia wants to extend its technology cooperation with AITEC."


def test_plain_text_starting_with_a_paragraph_keeps_it_whole():
    paragraph = "Indonesia wants to extend the cooperation " * 20
    extracted = extract_text(paragraph)
    assert len(extracted.title) <= 150 and extracted.title.endswith("…")
    assert extracted.text == paragraph.strip()
    assert extracted.language == "en"


def test_plain_text_is_nfc():
    assert extract_text("Corée\nCoope\u0301ration").text == "Coopération"


def test_svg_title_in_the_body_is_not_the_page_title():
    html = "<html><body><svg><title>Facebook icon</title></svg><h1>Kerja sama AITEC</h1>" + page()[6:]
    assert extract_html(html).title != "Facebook icon"


def test_json_ld_references_and_main_entity():
    head = """<script type="application/ld+json">{"@graph": [
        {"@type": "Organization", "@id": "#org", "name": "Kantor Berita"},
        {"@type": "Person", "@id": "#p1", "name": "Rina Wulandari"},
        {"@type": "WebPage", "mainEntity": {"@type": "ReportageNewsArticle", "headline": "Judul utama",
            "publisher": {"@id": "#org"}, "author": [{"@id": "#p1"}, {"@id": ["odd"]}, 42],
            "datePublished": ["2017-10-04T15:32:00+07:00"]}}]}</script>"""
    extracted = extract_html(page(head))
    assert (extracted.title, extracted.outlet, extracted.authors) == (
        "Judul utama",
        "Kantor Berita",
        ["Rina Wulandari"],
    )
    assert extracted.published_utc_offset == 420


def test_deeply_nested_json_ld_is_harmless():
    head = '<script type="application/ld+json">' + "[" * 5000 + "]" * 5000 + "</script><title>Judul</title>"
    assert extract_html(page(head)).title == "Judul"


def test_utf16_declared_by_the_server_without_bom():
    assert decode_html("<p>Kerja sama</p>".encode("utf-16-le"), "UTF-16LE") == "<p>Kerja sama</p>"


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_decode_or_are_refused(raw):
    try:
        assert isinstance(decode_html(raw, None), str)
    except ExtractError as error:
        assert error.code == "not_html"


@settings(max_examples=40, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=200).map(lambda s: f"<html><p>{s}</p>"))
def test_any_markup_extracts_or_is_refused(html):
    try:
        extracted = extract_html(html, "https://news.example/a")
    except ExtractError as error:
        assert error.code in ("not_html", "empty")
    else:
        assert len(extracted.excerpt) <= 1000 and extracted.url == "https://news.example/a"
