"""The interface language: chosen by the user (kept on the account), else the browser's, else English; the switch
on every page; whole pages, validation messages, dates, numbers, the digest and exports in Indonesian."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from html.parser import HTMLParser

import icalendar
import pytest
from flask import render_template_string
from flask_babel import force_locale
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.conftest import TEST_PASSWORD, reset_database, sign_in_client
from tracker import catalogs, create_app
from tracker.countries import country_name
from tracker.dates import PartialDate
from tracker.digest import build_digests
from tracker.formatting import full_date, number, partial_date, period, period_span
from tracker.i18n import _n
from tracker.importing import run_import
from tracker.importing.fields import COLUMNS, EXTRA_TARGETS, guess_target, target_label
from tracker.importing.mapping import automatic
from tracker.importing.reading import read_table
from tracker.importing.values import Vocabulary, choice_key
from tracker.labels import label
from tracker.models import (
    Agreement,
    AgreementStatus,
    InstrumentType,
    PartyKind,
    PartyRole,
    RenewalIntent,
    User,
    UserRole,
)
from tracker.services.calendars import FeedData, create_feed

INDONESIAN = {"Accept-Language": "id-ID,id;q=0.9,en;q=0.5"}


def html_lang(html: str) -> str:
    """The page's <html lang>."""
    return re.search(r'<html lang="([^"]*)"', html).group(1)


class VisibleText(HTMLParser):
    """The text a reader sees (and the attributes a screen reader reads), without scripts and styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.hidden += 1
        self.parts += [value for name, value in attrs if name in ("placeholder", "title", "aria-label") and value]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The page's words, whitespace folded."""
    parser = VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def english_left_in(text: str) -> list[str]:
    """Interface phrases that appear in English in a page meant to be Indonesian.

    Every message of the catalog without placeholders, of two words or more, whose Indonesian differs: if its
    English stands in the page, something was not translated (or not marked).
    """
    catalog = catalogs.read(catalogs.catalog_path("id"), locale="id")
    leftovers = []
    for message in catalog:
        if not message.id or message.pluralizable or "%" in message.id or len(message.id.split()) < 2:
            continue
        if message.string != message.id and re.search(rf"(?<!\w){re.escape(message.id)}(?!\w)", text):
            leftovers.append(message.id)
    return leftovers


# --- choosing the language -----------------------------------------------------------------------------------------


def test_english_without_a_choice_or_a_browser_preference(anonymous_client):
    html = anonymous_client.get("/sign-in").get_data(as_text=True)
    assert html_lang(html) == "en-GB"
    assert ">Sign in<" in html


def test_the_browsers_language_is_the_default(anonymous_client):
    html = anonymous_client.get("/sign-in", headers=INDONESIAN).get_data(as_text=True)
    assert html_lang(html) == "id"
    assert "Alamat e-mail" in html and "Kata sandi" in html


@pytest.mark.parametrize(
    ("header", "lang"),
    [("fr-FR,fr;q=0.9", "en-GB"), ("fr, id;q=0.5", "id"), ("en-US,en;q=0.9,id;q=0.8", "en-GB"), ("id", "id")],
)
def test_the_best_supported_match_of_accept_language(anonymous_client, header, lang):
    assert (
        html_lang(anonymous_client.get("/sign-in", headers={"Accept-Language": header}).get_data(as_text=True)) == lang
    )


def test_the_switch_is_on_the_sign_in_page_and_every_signed_in_page(anonymous_client, client):
    for html in (anonymous_client.get("/sign-in").get_data(as_text=True), client.get("/").get_data(as_text=True)):
        form = re.search(r'<form method="post" action="/language".*?</form>', html, re.S).group(0)
        assert 'name="csrf_token"' in form
        assert re.search(r'<button type="submit" name="locale" value="en" lang="en"[^>]*>English</button>', form)
        assert re.search(r'value="id" lang="id"[^>]*>Bahasa Indonesia</button>', form)


def test_a_visitor_switches_before_signing_in(anonymous_client):
    response = anonymous_client.post("/language", data={"locale": "id", "next": "/sign-in?next=%2Fparties%2F"})
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in?next=%2Fparties%2F"
    html = anonymous_client.get("/sign-in", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert html_lang(html) == "id" and "Alamat e-mail" in html
    assert 'aria-current="true">Bahasa Indonesia' in html
    anonymous_client.post("/language", data={"locale": "en", "next": "/sign-in"})
    assert html_lang(anonymous_client.get("/sign-in", headers=INDONESIAN).get_data(as_text=True)) == "en-GB"


def test_the_choice_is_kept_on_the_account(app, client_as, session):
    editor = client_as(UserRole.EDITOR)
    response = editor.post("/language", data={"locale": "id", "next": "/agreements/?q=AITEC"})
    assert response.headers["Location"] == "/agreements/?q=AITEC"
    user = session.scalars(select(User).where(User.role == UserRole.EDITOR)).one()
    session.refresh(user)
    assert user.locale == "id"
    # Another browser, which prefers English, signed in as the same user: Indonesian.
    other = sign_in_client(app.test_client(), user)
    assert html_lang(other.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)) == "id"


def test_signing_in_keeps_the_visitors_choice_and_signing_out_the_users(app, anonymous_client, make_user, session):
    user = make_user(UserRole.VIEWER, email="ana@kemenperin.example")
    anonymous_client.post("/language", data={"locale": "id", "next": "/sign-in"})
    response = anonymous_client.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD, "next": "/"})
    assert response.status_code == 302
    assert html_lang(anonymous_client.get("/").get_data(as_text=True)) == "id"
    anonymous_client.post("/sign-out")
    page = anonymous_client.get("/sign-in").get_data(as_text=True)
    assert html_lang(page) == "id" and "Anda telah keluar." in page


def test_an_idle_session_ends_in_the_users_language(app, make_user, session):
    user = make_user(UserRole.VIEWER)
    user.locale = "id"
    session.commit()
    client = sign_in_client(app.test_client(), user)
    with client.session_transaction() as cookie_session:
        cookie_session["seen"] = 0  # long ago
    client.get("/")
    page = client.get("/sign-in").get_data(as_text=True)
    assert html_lang(page) == "id" and "Anda telah dikeluarkan karena tidak aktif" in page


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"])
def test_the_switch_only_returns_to_this_site(anonymous_client, target):
    response = anonymous_client.post("/language", data={"locale": "id", "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_an_unknown_language_is_refused(anonymous_client):
    assert anonymous_client.post("/language", data={"locale": "fr", "next": "/"}).status_code == 400
    assert html_lang(anonymous_client.get("/sign-in").get_data(as_text=True)) == "en-GB"


def test_the_switch_needs_the_forms_csrf_token(database_url):
    app = create_app({"DATABASE_URL": database_url, "TESTING": True, "SECRET_KEY": "test"})
    client = app.test_client()
    assert client.post("/language", data={"locale": "id", "next": "/"}).status_code == 400
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'action="/language".*?name="csrf_token" value="([^"]+)"', page, re.S).group(1)
    assert client.post("/language", data={"locale": "id", "next": "/", "csrf_token": token}).status_code == 302
    app.extensions["tracker.engine"].dispose()


def test_after_a_refused_form_the_switch_returns_to_a_page_that_opens(client):
    html = client.post("/agreements/new", data={"title": ""}).get_data(as_text=True)
    assert re.search(r'name="next" value="(/agreements/new)"', html)


def test_the_api_answers_in_english_whatever_the_browser_says(anonymous_client):
    response = anonymous_client.get("/api/v1/agreements", headers=INDONESIAN)
    assert response.status_code == 401
    assert response.json["title"] == "A valid API token is needed"


# --- pages in Indonesian -------------------------------------------------------------------------------------------


@pytest.fixture
def story(make_party, make_agreement, make_source, get_sector):
    """The AITEC cooperation, ending in 2018, and a source."""
    ministry = make_party("Kementerian Perindustrian")
    aitec = make_party("AITEC Co., Ltd", PartyKind.COMPANY, "KR")
    agreement = make_agreement(
        title="Technology development cooperation",
        start="2006",
        end="2018-03",
        signed="2006-03-15",
        parties=[(ministry, PartyRole.SIGNATORY), (aitec, PartyRole.SIGNATORY)],
        sectors=[get_sector("technology")],
    )
    make_source(
        url="https://tirto.id/aitec", title="Indonesia Ingin Lanjutkan Kerja Sama", agreements=[(agreement, "")]
    )
    return agreement


def indonesian_client(client):
    """The signed-in admin, switched to Indonesian."""
    client.post("/language", data={"locale": "id", "next": "/"})
    return client


def test_the_leftover_check_finds_english_phrases():
    assert english_left_in("Dasbor · Skip to content · Perjanjian") == ["Skip to content"]
    assert english_left_in("Langsung ke konten") == []


def test_the_dashboard_is_wholly_indonesian(client, story):
    html = indonesian_client(client).get("/?as_of=2017-10-04").get_data(as_text=True)
    text = visible_text(html)
    assert html_lang(html) == "id"
    for words in ("Dasbor", "Perjanjian", "Para Pihak", "Sumber", "Sektor", "Keluar", "4 Oktober 2017"):
        assert words in text
    assert english_left_in(text) == []
    for english in ("Dashboard", "Sign out", "Expiring", "Parties", "October"):
        assert not re.search(rf"\b{english}\b", text), english


@pytest.mark.parametrize("path", ["/agreements/", "/expiring/?as_of=2017-10-04", "/parties/", "/sources/", "/sectors/"])
def test_lists_are_indonesian(client, story, path):
    text = visible_text(indonesian_client(client).get(path).get_data(as_text=True))
    assert english_left_in(text) == []


def test_the_agreement_page_shows_dates_in_indonesian(client, story):
    text = visible_text(indonesian_client(client).get(f"/agreements/{story.id}").get_data(as_text=True))
    assert "15 Maret 2006" in text and "2006–Maret 2018" in text
    assert english_left_in(text) == []


def test_a_refused_agreement_form_speaks_indonesian(client):
    data = {"title": "", "start": "2006-13", "parties-0-party": "", "parties-0-role": "bogus"}
    response = indonesian_client(client).post("/agreements/new", data=data)
    assert response.status_code == 422
    text = visible_text(response.get_data(as_text=True))
    assert "Isian ini wajib diisi." in text  # WTForms' own message, from our catalog
    assert "Bukan pilihan yang sah." in text  # ...in a party row's sub-form too
    assert "Bulan harus antara 01 dan 12." in text
    assert "This field is required." not in text
    assert english_left_in(text) == []


def test_sign_in_errors_in_indonesian(anonymous_client, make_user):
    response = anonymous_client.post(
        "/sign-in", data={"email": "nobody@example.org", "password": "x"}, headers=INDONESIAN
    )
    assert "Alamat e-mail atau kata sandi tidak benar." in response.get_data(as_text=True)


# --- dates and numbers ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "day", "month", "year", "span"),
    [
        ("en", "4 October 2017", "October 2017", "2017", "until October 2017"),
        ("id", "4 Oktober 2017", "Oktober 2017", "2017", "sampai Oktober 2017"),
    ],
)
def test_partial_dates_in_each_language(app, language, day, month, year, span):
    with app.test_request_context(headers={"Accept-Language": language}):
        assert partial_date(PartialDate.parse("2017-10-04")) == day
        assert partial_date(PartialDate.parse("2017-10")) == month
        assert partial_date(PartialDate.parse("2017")) == year
        assert period(None, PartialDate.parse("2017-10")) == span
        assert full_date(date(2017, 10, 4)) == day


def test_a_period_on_a_page_keeps_each_date_whole(app):
    """period_span: the text of period() in a span for the stylesheet, its words joined by no-break spaces, so that
    only the dash may end a line; nothing known, nothing."""
    with app.test_request_context(headers=INDONESIAN):
        both = period_span(PartialDate.parse("2006-03-15"), PartialDate.parse("2018"))
        assert both == '<span class="period">15\u00a0Maret\u00a02006–2018</span>'
        until = period_span(None, PartialDate.parse("2017-10"))
        assert until == '<span class="period">sampai\u00a0Oktober\u00a02017</span>'
        assert period_span(None, None) == ""


def test_numbers_are_grouped_as_the_language_writes_them(app):
    with app.test_request_context(headers=INDONESIAN):
        assert number(1234567) == "1.234.567"
    with app.test_request_context():
        assert number(1234567) == "1,234,567"


def test_plural_messages_group_their_count(app):
    template = "{{ ngettext('%(num)d agreement', '%(num)d agreements', n) }}"
    with app.test_request_context(headers=INDONESIAN):
        assert render_template_string(template, n=12345) == "12.345 perjanjian"
        assert str(_n("%(num)d ending soon", "%(num)d ending soon", 2345)) == "2.345 segera berakhir"
    with app.test_request_context():
        assert render_template_string(template, n=12345) == "12,345 agreements"
        assert render_template_string(template, n=1) == "1 agreement"


# --- the digest goes out in each recipient's language --------------------------------------------------------------


def test_each_digest_is_in_its_recipients_language(app, session, make_user, make_agreement):
    make_agreement(title="MoU on batteries", status=AgreementStatus.IN_FORCE, end="2017-12-31")
    ana, budi = make_user(UserRole.VIEWER), make_user(UserRole.VIEWER)
    for user, locale in ((ana, "id"), (budi, None)):
        user.digest_opt_in, user.locale = True, locale
    session.commit()
    run = build_digests(app, date(2017, 10, 4), "tracker@kemenperin.example")
    messages = {digest.email: digest.message for digest in run.digests}
    indonesian, english = messages[ana.email], messages[budi.email]
    assert indonesian["Subject"] == "Perjanjian yang akan berakhir: 1 segera berakhir, 0 perlu perhatian"
    text = indonesian.get_body(("plain",)).get_content()
    assert "Berikut ringkasan perjanjian kerja sama per 4 Oktober 2017." in text and "31 Desember 2017" in text
    assert 'lang="id"' in indonesian.get_body(("html",)).get_content()
    assert english["Subject"] == "Expiring agreements: 1 ending soon, 0 needing attention"
    assert "as of 4 October 2017" in english.get_body(("plain",)).get_content()


# --- exports follow the language; imports read either ---------------------------------------------------------------


def test_each_column_label_names_one_column_in_both_languages(app):
    targets = (*COLUMNS, *EXTRA_TARGETS)
    with app.test_request_context():
        for language in ("en", "id"):
            with force_locale(language):
                labels = [target_label(target) for target in targets]
                assert len(set(labels)) == len(labels), labels
                assert [guess_target(label) for label in labels] == list(targets)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_indonesian_export_has_indonesian_headers_and_imports_back(
    app, engine, seed_rows, client, story, file_format
):
    data = indonesian_client(client).get(f"/agreements/export?format={file_format}").data
    if file_format == "csv":
        header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    else:
        header = list(next(load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True)))
    assert header[:3] == ["Judul", "Judul dalam bahasa lokal", "Instrumen"]
    assert "Para Pihak" in header and "URL sumber" in header
    reset_database(engine, seed_rows)
    # Imported by someone whose interface is English: the Indonesian headers are recognised all the same.
    with app.test_request_context(), app.extensions["tracker.sessionmaker"]() as session:
        mapping = automatic(read_table(data, f"agreements.{file_format}").headers)
        assert set(mapping.columns) == set(COLUMNS)
        plan, result = run_import(session, data, f"agreements.{file_format}", mapping, "ID")
        assert plan.ok, plan.problems
        session.commit()
        agreement = session.scalars(select(Agreement)).one()
        assert agreement.title == "Technology development cooperation" and agreement.end.iso() == "2018-03"
        assert session.scalar(select(func.count()).select_from(Agreement)) == result.agreements == 1


def test_party_and_source_lists_follow_the_language(client, story):
    data = indonesian_client(client).get("/parties/export?format=csv").data
    assert next(csv.reader(io.StringIO(data.decode("utf-8-sig")))) == [
        "Nama",
        "Jenis",
        "Negara",
        "Nama lain",
        "Bagian dari",
        "Catatan",
    ]


def test_choice_labels_of_either_language_import_for_everyone(app):
    for language, status, instrument, role in (
        ("en", "Berlaku", "Nota Kesepahaman (MoU)", "Penanda tangan"),
        ("id", "In force", "Memorandum of understanding", "Signatory"),
    ):
        with app.test_request_context(headers={"Accept-Language": language}):
            vocabulary = Vocabulary()
            assert vocabulary.choice(AgreementStatus, status) is AgreementStatus.IN_FORCE
            assert vocabulary.choice(InstrumentType, instrument) is InstrumentType.MOU
            assert vocabulary.choice(PartyRole, role) is PartyRole.SIGNATORY


@pytest.mark.parametrize("enum_class", [InstrumentType, AgreementStatus, RenewalIntent, PartyRole, PartyKind])
def test_each_choice_label_names_one_member_in_both_languages(app, enum_class):
    named: dict[str, object] = {}
    with app.test_request_context():
        for language in ("en", "id"):
            with force_locale(language):
                for member in enum_class:
                    key = choice_key(str(label(member)))
                    assert named.setdefault(key, member) is member, (key, member)


# --- a calendar feed speaks its owner's language, whatever the calendar app asks for ---------------------------------


def test_a_calendar_feed_is_in_its_owners_language(app, session, make_user, make_agreement, feed_today):
    feed_today(date(2018, 1, 1))  # the end in 2019 is within the feed's horizon
    make_agreement(title="Textile LoI", end="2019-03")
    owner = make_user(UserRole.VIEWER)
    owner.locale = "id"
    _feed, token = create_feed(session, owner, FeedData(name="Kalender", query="", lead_months=[]))
    session.commit()
    response = app.test_client().get(f"/calendar/{token}.ics", headers={"Accept-Language": "en"})
    summaries = [str(event["SUMMARY"]) for event in icalendar.Calendar.from_ical(response.data).walk("VEVENT")]
    assert summaries == ["Textile LoI berakhir Maret 2019 (hanya bulan: ditampilkan pada 1 Mar)"]


def test_country_names_follow_the_language_and_stored_names_stay_english(app, client, make_party):
    make_party(name="AITEC Co., Ltd", country_code="KR")
    client.post("/language", data={"locale": "id", "next": "/parties/"})
    indonesian = client.get("/parties/").get_data(as_text=True)
    assert "Korea Selatan" in indonesian and "South Korea" not in indonesian
    with app.test_request_context(), force_locale("id"):
        assert country_name("KR") == "Korea Selatan"
        assert country_name("KR", "en") == "South Korea"  # what imports and synthetic data store
    client.post("/language", data={"locale": "en", "next": "/parties/"})
    assert "South Korea" in client.get("/parties/").get_data(as_text=True)
