"""Pages and forms of the sources area, through HTTP."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tracker.models import AgreementSource, Source
from tracker.services import sources as services

TIRTO = "https://tirto.id/indonesia-ingin-lanjutkan-kerja-sama-teknologi-dengan-korsel-cxYZ"
HOSTILE = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def count(session, model) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def source_form(**fields) -> dict[str, str]:
    form = {
        "url": "https://www.antaranews.com/berita/aitec-kemenperin",
        "title": "Kemenperin gandeng AITEC",
        "kind": "news_article",
        "outlet": "Antara",
        "author": "",
        "published_on": "2017-10-04",
        "language": "id",
        "excerpt": "",
    }
    form.update(fields)
    return form


def html(response) -> str:
    return response.get_data(as_text=True)


# --- list --------------------------------------------------------------------------------------


def test_list_shows_sources_newest_first(client, make_source):
    make_source(title="Lama", url="https://a.example/1", published_on=date(2006, 1, 1))
    make_source(title="Baru", url="https://a.example/2", published_on=date(2017, 10, 4))
    response = client.get("/sources/")
    assert response.status_code == 200
    page = html(response)
    assert page.index("Baru") < page.index("Lama")


def test_list_filters_from_the_query_string(client, make_source):
    make_source(title="Artikel Indonesia", url="https://a.example/1", language="id", published_on=date(2017, 1, 1))
    make_source(title="Korean article", url="https://a.example/2", language="ko", published_on=date(2018, 1, 1))
    page = html(client.get("/sources/?q=artikel&language=ID&year=2017&sort=title&outlet=&page=1"))
    assert "Artikel Indonesia" in page and "Korean article" not in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("year=abc", "Not a valid integer value"),
        ("year=99999999999999999999", "Number must be between"),
        ("sort=DROP%20TABLE", "Not a valid choice"),
        ("language=%3Cscript%3E", "Use a language code"),
        ("page=0", "Number must be between 1"),
        ("page=-5", "Number must be between 1"),
        ("q=" + "x" * 300, "Field cannot be longer"),
    ],
)
def test_list_with_unreadable_filters_is_400_with_message_next_to_field(client, query, message):
    response = client.get(f"/sources/?{query}")
    assert response.status_code == 400
    assert message in html(response)


def test_list_escapes_titles(client, make_source):
    make_source(title=HOSTILE)
    page = html(client.get("/sources/"))
    assert HOSTILE not in page and ESCAPED in page


# --- detail ------------------------------------------------------------------------------------


def test_detail_shows_every_field_and_the_agreements(client, make_source, make_agreement):
    agreement = make_agreement(title="Technology development cooperation")
    source = make_source(
        url=TIRTO, author="Dewi", excerpt="Kerja sama sejak 2006.", agreements=[(agreement, "Ran from 2006 to 2018")]
    )
    response = client.get(f"/sources/{source.id}")
    assert response.status_code == 200
    page = html(response)
    assert f'<a href="{TIRTO}" rel="noopener noreferrer nofollow">' in page
    for text in ("tirto.id", "Dewi", "Kerja sama sejak 2006.", "Technology development cooperation"):
        assert text in page
    assert "Ran from 2006 to 2018" in page
    assert f"/agreements/{agreement.id}/sources/{source.id}/unlink?next=source" in page


def test_detail_of_unknown_or_absurd_id_is_404(client):
    assert client.get("/sources/999").status_code == 404
    assert client.get("/sources/99999999999999").status_code == 404
    assert client.get("/sources/abc").status_code == 404


def test_detail_escapes_hostile_text(client, make_source, make_agreement):
    agreement = make_agreement(title=HOSTILE)
    source = make_source(title=HOSTILE, excerpt=HOSTILE, agreements=[(agreement, HOSTILE)])
    page = html(client.get(f"/sources/{source.id}"))
    assert HOSTILE not in page and ESCAPED in page


# --- new ---------------------------------------------------------------------------------------


def test_new_form_page(client):
    response = client.get("/sources/new")
    assert response.status_code == 200
    assert 'name="url"' in html(response) and 'type="date"' in html(response)


def test_create_source_redirects_to_it(client, session):
    response = client.post("/sources/new", data=source_form(title="  Kemenperin dan AITEC  ", excerpt="a\x00b"))
    assert response.status_code == 302
    source = session.scalars(select(Source)).one()
    assert response.headers["Location"].endswith(f"/sources/{source.id}")
    assert (source.title, source.excerpt, source.published_on) == ("Kemenperin dan AITEC", "ab", date(2017, 10, 4))
    assert source.url_normalized == "https://antaranews.com/berita/aitec-kemenperin"


def test_create_document_without_url(client, session):
    response = client.post("/sources/new", data=source_form(url="", kind="official_document"))
    assert response.status_code == 302
    assert session.scalars(select(Source)).one().url is None


def test_create_without_title_is_422_and_saves_nothing(client, session):
    response = client.post("/sources/new", data=source_form(title="   "))
    assert response.status_code == 422
    assert 'id="title-error"' in html(response) and "Enter a title." in html(response)
    assert count(session, Source) == 0


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<b>x</b>", "file:///etc/passwd"])
def test_create_with_hostile_url_scheme_is_refused_next_to_url(client, session, url):
    response = client.post("/sources/new", data=source_form(url=url))
    assert response.status_code == 422
    assert 'id="url-error"' in html(response)
    assert "Only http:// and https:// links are accepted." in html(response)
    assert count(session, Source) == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("published_on", "2017-02-30", "That day does not exist in that month."),
        ("published_on", "2017-10", "Give the full date as YYYY-MM-DD."),
        ("published_on", "4 Oktober 2017", "Use YYYY"),
        ("language", "Bahasa Indonesia", "Use a language code such as id, en or ko."),
        ("kind", "tweet", "Invalid Choice"),
        ("title", "x" * 501, "Field cannot be longer than 500 characters."),
        ("outlet", "x" * 201, "Field cannot be longer than 200 characters."),
    ],
)
def test_create_with_invalid_field_is_422_with_message_next_to_it(client, session, field, value, message):
    response = client.post("/sources/new", data=source_form(**{field: value}))
    assert response.status_code == 422
    assert f'id="{field}-error"' in html(response)
    assert message in html(response)
    assert count(session, Source) == 0


def test_create_with_known_url_opens_the_known_source_and_says_so(client, session, make_source):
    known = make_source(url="https://www.antaranews.com/berita/aitec-kemenperin", title=HOSTILE)
    response = client.post(
        "/sources/new", data=source_form(url="HTTPS://WWW.antaranews.com/berita/aitec-kemenperin?utm_source=wa")
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/sources/{known.id}")
    page = html(client.get(response.headers["Location"]))
    assert f"This URL is already known as source “{ESCAPED}” (#{known.id})" in page
    assert HOSTILE not in page
    assert count(session, Source) == 1


def test_create_racing_another_save_of_the_url_is_a_clear_message(client, session, make_source, monkeypatch):
    known = make_source(url="https://www.antaranews.com/berita/aitec-kemenperin")
    monkeypatch.setattr(services, "find_source_by_url", lambda session, url: None)
    response = client.post("/sources/new", data=source_form())
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/sources/{known.id}")
    assert count(session, Source) == 1


# --- edit --------------------------------------------------------------------------------------


def test_edit_form_is_filled_in(client, make_source):
    source = make_source(title="Indonesia Ingin Lanjutkan Kerja Sama", published_on=date(2017, 10, 4))
    response = client.get(f"/sources/{source.id}/edit")
    assert response.status_code == 200
    assert 'value="Indonesia Ingin Lanjutkan Kerja Sama"' in html(response)
    assert 'value="2017-10-04"' in html(response)
    assert '<option selected value="news_article">' in html(response)


def test_update_source(client, session, make_source):
    source = make_source()
    response = client.post(
        f"/sources/{source.id}/edit", data=source_form(title="Judul baru", language="ko", version="1")
    )
    assert response.status_code == 302
    session.expire_all()
    assert (session.get(Source, source.id).title, session.get(Source, source.id).language) == ("Judul baru", "ko")


def test_update_to_another_sources_url_is_refused_next_to_url(client, session, make_source):
    make_source(url="https://tirto.id/a", title="Artikel A")
    second = make_source(url="https://tirto.id/b", title="Artikel B")
    data = source_form(url="https://tirto.id/a#top", title="B2", version="1")
    response = client.post(f"/sources/{second.id}/edit", data=data)
    assert response.status_code == 409
    assert 'id="url-error"' in html(response)
    assert "This URL is already known as source “Artikel A”" in html(response)
    session.expire_all()
    assert session.get(Source, second.id).title == "Artikel B"


def test_update_with_hostile_url_is_refused(client, session, make_source):
    source = make_source()
    response = client.post(f"/sources/{source.id}/edit", data=source_form(url="javascript:alert(1)"))
    assert response.status_code == 422
    session.expire_all()
    assert session.get(Source, source.id).url == TIRTO


def test_edit_unknown_source_is_404(client):
    assert client.get("/sources/404/edit").status_code == 404
    assert client.post("/sources/404/edit", data=source_form()).status_code == 404


# --- archive ("delete") ------------------------------------------------------------------------


def test_delete_confirmation_changes_nothing(client, session, make_source):
    source = make_source()
    response = client.get(f"/sources/{source.id}/delete")
    assert response.status_code == 200
    assert "Nothing is deleted" in html(response)
    assert count(session, Source) == 1


def test_delete_unused_source(client, session, make_source):
    source = make_source()
    response = client.post(f"/sources/{source.id}/delete")
    assert response.status_code == 302
    assert count(session, Source) == 0


def test_delete_cited_source_is_refused_naming_the_agreements(client, session, make_source, make_agreement):
    agreement = make_agreement(title=f"MoU {HOSTILE}")
    source = make_source(agreements=[(agreement, "")])
    assert "cannot be archived" in html(client.get(f"/sources/{source.id}/delete"))
    response = client.post(f"/sources/{source.id}/delete")
    assert response.status_code == 409
    page = html(response)
    assert f"“MoU {ESCAPED}”" in page and HOSTILE not in page
    assert count(session, Source) == 1


def test_delete_unknown_source_is_404(client):
    assert client.post("/sources/404/delete").status_code == 404


# --- link from the source's side ---------------------------------------------------------------


def test_link_from_source_form_lists_agreements(client, make_source, make_agreement):
    make_agreement(title="Technology development cooperation")
    source = make_source()
    response = client.get(f"/sources/{source.id}/links/new")
    assert response.status_code == 200
    assert "Technology development cooperation" in html(response)


def test_link_from_source(client, session, make_source, make_agreement):
    agreement = make_agreement()
    source = make_source()
    data = {"agreement_id": str(agreement.id), "note": "Signed 2006"}
    response = client.post(f"/sources/{source.id}/links/new", data=data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/sources/{source.id}")
    link = session.scalars(select(AgreementSource)).one()
    assert (link.agreement_id, link.source_id, link.note) == (agreement.id, source.id, "Signed 2006")


def test_link_from_source_twice_is_409(client, session, make_source, make_agreement):
    agreement = make_agreement(title="MoU")
    source = make_source(agreements=[(agreement, "first")])
    response = client.post(f"/sources/{source.id}/links/new", data={"agreement_id": str(agreement.id), "note": ""})
    assert response.status_code == 409
    assert "is already linked to “MoU”" in html(response)
    assert count(session, AgreementSource) == 1


@pytest.mark.parametrize("value", ["", "abc", "999999", "99999999999999999999999"])
def test_link_from_source_with_bad_agreement_is_422(client, session, make_source, make_agreement, value):
    make_agreement()
    source = make_source()
    response = client.post(f"/sources/{source.id}/links/new", data={"agreement_id": value, "note": ""})
    assert response.status_code == 422
    assert 'id="agreement_id-error"' in html(response)
    assert count(session, AgreementSource) == 0


def test_link_from_source_names_the_agreement_by_title_or_suggestion(client, session, make_source, make_agreement):
    first, second = make_agreement(title="Technology development cooperation"), make_agreement(title="EV MoU")
    source = make_source()
    page = html(client.get(f"/sources/{source.id}/links/new"))
    assert 'list="agreement_id-suggestions"' in page and f'value="#{second.id} EV MoU"' in page
    for value in ("  technology DEVELOPMENT cooperation ", f"#{second.id} EV MoU"):
        response = client.post(f"/sources/{source.id}/links/new", data={"agreement_id": value, "note": ""})
        assert response.status_code == 302, html(response)
    linked = sorted(link.agreement_id for link in session.scalars(select(AgreementSource)))
    assert linked == sorted([first.id, second.id])


def test_link_from_source_with_a_shared_title_asks_for_the_number(client, session, make_source, make_agreement):
    make_agreement(title="MoU")
    make_agreement(title="MoU")
    source = make_source()
    response = client.post(f"/sources/{source.id}/links/new", data={"agreement_id": "MoU", "note": ""})
    assert response.status_code == 422
    assert "Several agreements have this title: give the number of the one you mean." in html(response)
    assert count(session, AgreementSource) == 0


def test_link_forms_suggest_a_few_records_not_all(client, make_source, make_agreement):
    agreements = [make_agreement(title=f"Agreement {n}") for n in range(30)]
    sources = [make_source(title=f"Article {n}", url=f"https://news.example/{n}") for n in range(30)]
    from_source = html(client.get(f"/sources/{sources[0].id}/links/new"))
    to_agreement = html(client.get(f"/agreements/{agreements[0].id}/sources/new"))
    assert from_source.count('<option value="#') == 25 and "Agreement 29" in from_source
    assert to_agreement.count('<option value="#') == 25 and "Article 29" in to_agreement


def test_link_from_unknown_source_is_404(client):
    assert client.get("/sources/404/links/new").status_code == 404


# --- link from the agreement's side ------------------------------------------------------------


def test_link_to_agreement_form(client, make_agreement, make_source):
    agreement = make_agreement(title="Technology development cooperation")
    make_source(title="Artikel tirto")
    response = client.get(f"/agreements/{agreement.id}/sources/new")
    assert response.status_code == 200
    assert "Artikel tirto" in html(response) and 'name="url"' in html(response)


def link_form(**fields) -> dict[str, str]:
    form = dict.fromkeys(("source_id", "url", "title", "outlet", "author", "published_on", "language"), "")
    form.update(kind="news_article", note="")
    form.update(fields)
    return form


def test_link_existing_source_to_agreement(client, session, make_agreement, make_source):
    agreement = make_agreement()
    source = make_source()
    response = client.post(
        f"/agreements/{agreement.id}/sources/new", data=link_form(source_id=str(source.id), note="2006–2018")
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/agreements/{agreement.id}")
    assert session.scalars(select(AgreementSource)).one().note == "2006–2018"


@pytest.mark.parametrize("named_by", ["address", "title"])
def test_link_recorded_source_named_by_address_or_title(client, session, make_agreement, make_source, named_by):
    agreement = make_agreement()
    source = make_source(title="Indonesia Ingin Lanjutkan Kerja Sama", url=TIRTO)
    text = {"address": TIRTO.replace("tirto.id", "TIRTO.ID") + "?utm_source=wa", "title": source.title.lower()}
    response = client.post(f"/agreements/{agreement.id}/sources/new", data=link_form(source_id=text[named_by]))
    assert response.status_code == 302, html(response)
    assert session.scalars(select(AgreementSource)).one().source_id == source.id


def test_create_and_link_new_source_in_one_step(client, session, make_agreement):
    agreement = make_agreement()
    response = client.post(
        f"/agreements/{agreement.id}/sources/new",
        data=link_form(url=TIRTO, title="Indonesia Ingin Lanjutkan Kerja Sama", language="id", note="Renewal intended"),
    )
    assert response.status_code == 302
    link = session.scalars(select(AgreementSource)).one()
    assert (link.source.url, link.source.language, link.note) == (TIRTO, "id", "Renewal intended")


def test_link_with_known_url_links_the_known_source_and_says_so(client, session, make_agreement, make_source):
    agreement = make_agreement()
    known = make_source(url=TIRTO, title=HOSTILE)
    response = client.post(f"/agreements/{agreement.id}/sources/new", data=link_form(url=TIRTO + "#baca", title="New"))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/agreements/{agreement.id}"
    # The message waits in the session for the next page shown.
    page = html(client.get("/sources/"))
    assert f"This URL is already known as source “{ESCAPED}”" in page and HOSTILE not in page
    assert session.scalars(select(AgreementSource)).one().source_id == known.id
    assert count(session, Source) == 1


def test_link_with_known_url_already_linked_is_409(client, session, make_agreement, make_source):
    agreement = make_agreement()
    make_source(url=TIRTO, agreements=[(agreement, "")])
    response = client.post(f"/agreements/{agreement.id}/sources/new", data=link_form(url=TIRTO))
    assert response.status_code == 409
    assert "already linked" in html(response)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({}, "source_id", "Choose a recorded source, or give the URL or title of a new one."),
        ({"source_id": "SOURCE", "title": "New"}, "source_id", "not both"),
        ({"url": "javascript:alert(1)", "title": "x"}, "url", "Only http:// and https:// links are accepted."),
        ({"url": TIRTO}, "title", "Enter a title."),
        ({"source_id": "abc"}, "source_id", "No recorded source has this number, address or title."),
        ({"source_id": "#99999"}, "source_id", "No recorded source has this number, address or title."),
    ],
)
def test_link_to_agreement_invalid_input_is_refused(
    client, session, make_agreement, make_source, fields, field, message
):
    agreement = make_agreement()
    source = make_source(url="https://a.example/known")
    fields = {key: str(source.id) if value == "SOURCE" else value for key, value in fields.items()}
    response = client.post(f"/agreements/{agreement.id}/sources/new", data=link_form(**fields))
    assert response.status_code == 422
    assert f'id="{field}-error"' in html(response)
    assert message in html(response)
    assert count(session, AgreementSource) == 0
    assert count(session, Source) == 1


def test_link_to_unknown_agreement_is_404(client):
    assert client.get("/agreements/404/sources/new").status_code == 404
    assert client.post("/agreements/404/sources/new", data=link_form(title="x")).status_code == 404


# --- unlink and note ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("next_page", "expected"),
    [
        ("", "/agreements/{a}"),
        ("agreement", "/agreements/{a}"),
        ("source", "/sources/{s}"),
        ("https://evil.example/", "/agreements/{a}"),
    ],
)
def test_unlink_returns_to_a_known_page_only(client, session, make_agreement, make_source, next_page, expected):
    agreement = make_agreement()
    source = make_source(agreements=[(agreement, "")])
    response = client.post(f"/agreements/{agreement.id}/sources/{source.id}/unlink?next={next_page}")
    assert response.status_code == 302
    assert response.headers["Location"] == expected.format(a=agreement.id, s=source.id)
    assert count(session, AgreementSource) == 0
    assert count(session, Source) == 1


def test_unlink_needs_post_and_a_link(client, make_agreement, make_source):
    agreement = make_agreement()
    source = make_source()
    assert client.get(f"/agreements/{agreement.id}/sources/{source.id}/unlink").status_code == 405
    assert client.post(f"/agreements/{agreement.id}/sources/{source.id}/unlink").status_code == 404
    assert client.post(f"/agreements/404/sources/{source.id}/unlink").status_code == 404


def test_edit_link_note(client, session, make_agreement, make_source):
    agreement = make_agreement()
    source = make_source(agreements=[(agreement, "old note")])
    url = f"/agreements/{agreement.id}/sources/{source.id}/edit"
    page = client.get(f"{url}?next=source")
    assert page.status_code == 200 and "old note" in html(page)
    response = client.post(f"{url}?next=source", data={"note": "“Berlaku sampai 2018”"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/sources/{source.id}"
    session.expire_all()
    assert session.scalars(select(AgreementSource)).one().note == "“Berlaku sampai 2018”"


def test_edit_link_note_too_long_is_422(client, session, make_agreement, make_source):
    agreement = make_agreement()
    source = make_source(agreements=[(agreement, "old")])
    response = client.post(f"/agreements/{agreement.id}/sources/{source.id}/edit", data={"note": "x" * 5001})
    assert response.status_code == 422
    assert 'id="note-error"' in html(response)
    session.expire_all()
    assert session.scalars(select(AgreementSource)).one().note == "old"


def test_edit_unknown_link_is_404(client):
    assert client.get("/agreements/1/sources/1/edit").status_code == 404


# --- safety nets -------------------------------------------------------------------------------


def test_blank_filters_from_a_submitted_form_are_accepted(client, make_source):
    make_source(title="Artikel")
    response = client.get("/sources/?q=&outlet=&language=&year=&sort=published&page=")
    assert response.status_code == 200
    assert "Artikel" in html(response)


@pytest.mark.parametrize("path", ["/sources/{s}/edit", "/sources/{s}/delete", "/sources/{s}/links/new"])
def test_source_pages_escape_hostile_titles(client, make_source, make_agreement, path):
    make_agreement(title=HOSTILE)
    source = make_source(title=HOSTILE)
    page = html(client.get(path.format(s=source.id)))
    assert HOSTILE not in page and ESCAPED in page


def test_agreement_side_pages_escape_hostile_titles(client, make_source, make_agreement):
    agreement = make_agreement(title=HOSTILE)
    source = make_source(title=HOSTILE, agreements=[(agreement, HOSTILE)])
    for path in (f"/agreements/{agreement.id}/sources/new", f"/agreements/{agreement.id}/sources/{source.id}/edit"):
        page = html(client.get(path))
        assert HOSTILE not in page and ESCAPED in page


def test_duplicate_link_message_is_escaped(client, make_source, make_agreement):
    agreement = make_agreement(title=HOSTILE)
    source = make_source(title=HOSTILE, agreements=[(agreement, "")])
    response = client.post(f"/sources/{source.id}/links/new", data={"agreement_id": str(agreement.id)})
    assert response.status_code == 409
    assert HOSTILE not in html(response) and f"“{ESCAPED}” is already linked" in html(response)


def test_database_conflict_during_a_write_is_a_message_not_a_500(
    client, session, make_source, make_agreement, monkeypatch
):
    agreement = make_agreement()
    source = make_source()

    def conflict(*args, **kwargs):
        raise IntegrityError("INSERT ...", {}, Exception("duplicate key"))

    monkeypatch.setattr(services, "link_source", conflict)
    response = client.post(f"/sources/{source.id}/links/new", data={"agreement_id": str(agreement.id)})
    assert response.status_code == 409
    assert "conflicts with one saved at the same moment" in html(response)
    assert count(session, AgreementSource) == 0


def test_forms_carry_and_require_the_csrf_token(app, client, make_source, make_agreement):
    app.config["WTF_CSRF_ENABLED"] = True
    agreement = make_agreement()
    source = make_source(agreements=[(agreement, "")])
    unused = make_source(url=None, title="Unused")
    for path in ("/sources/new", f"/sources/{source.id}", f"/sources/{unused.id}/delete"):
        assert 'name="csrf_token"' in html(client.get(path))
    assert client.post("/sources/new", data=source_form()).status_code == 400
    assert client.post(f"/agreements/{agreement.id}/sources/{source.id}/unlink").status_code == 400


def test_list_pages_keep_the_filters(client, make_source):
    for n in range(26):
        make_source(title=f"Artikel {n}", url=f"https://a.example/{n}", outlet="tirto.id")
    page = html(client.get("/sources/?outlet=tirto.id"))
    assert "Page 1 of 2" in page
    assert 'href="/sources/?outlet=tirto.id&amp;page=2"' in page
    assert "Page 2 of 2" in html(client.get("/sources/?outlet=tirto.id&page=2"))
