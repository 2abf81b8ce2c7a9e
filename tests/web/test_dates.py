"""The date reading: what a typed date is read as, as JSON for the script and as the hint of a form shown again."""

import re

import pytest

from tests.web.test_agreements import form_data
from tests.web.test_ingest import PAGES, SEED_PAGE, confirm_with
from tracker.models import UserRole

INDONESIAN = {"Accept-Language": "id-ID,id;q=0.9,en;q=0.5"}


def reading(client, text, **headers):
    """The response to `GET /dates/reading?text=...`."""
    return client.get("/dates/reading", query_string={"text": text}, headers=headers)


@pytest.mark.parametrize(
    ("text", "shown", "precision", "iso"),
    [
        ("4 October 2017", "4 October 2017", "day", "2017-10-04"),
        ("4 Oktober 2017", "4 October 2017", "day", "2017-10-04"),
        ("Jakarta, 22-Apr-1992", "22 April 1992", "day", "1992-04-22"),
        ("  2017 ", "2017", "year", "2017"),
        ("Agustus 2019", "August 2019", "month", "2019-08"),
        ("2019-08", "August 2019", "month", "2019-08"),
    ],
)
def test_a_date_is_read_at_its_precision(client, text, shown, precision, iso):
    response = reading(client, text, **{"Accept-Language": "en"})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["text"], body["reading"], body["precision"], body["iso"]) == (text.strip(), shown, precision, iso)
    assert body["line"].startswith(f"Read as: {shown} (")


def test_the_line_names_the_precision(client):
    lines = [reading(client, text).get_json()["line"] for text in ("2017", "Oct 2017", "4 Oct 2017")]
    assert lines == [
        "Read as: 2017 (year only)",
        "Read as: October 2017 (month only)",
        "Read as: 4 October 2017 (exact day)",
    ]


def test_the_reading_is_in_the_interface_language(client):
    body = reading(client, "4 October 2017", **INDONESIAN).get_json()
    assert body["reading"] == "4 Oktober 2017" and body["iso"] == "2017-10-04"
    assert "4 Oktober 2017" in body["line"]
    assert reading(client, "March 2006", **INDONESIAN).get_json()["reading"] == "Maret 2006"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sometime soon", "“sometime soon” is not a date"),
        ("2017-13", "The month must be between 01 and 12."),
        ("31 Februari 2017", "That day does not exist in that month."),
        ("1800", "The year must be between 1900 and 2100."),
        ("Jakarta " * 20 + "2017", "80"),
    ],
)
def test_a_text_that_is_no_date_is_a_bad_request_with_the_forms_message(client, text, message):
    response = reading(client, text)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == 400 and message in problem["detail"]


def test_the_message_is_in_the_interface_language(client):
    english = reading(client, "2017-13", **{"Accept-Language": "en"}).get_json()["detail"]
    indonesian = reading(client, "2017-13", **INDONESIAN).get_json()["detail"]
    assert indonesian and indonesian != english


@pytest.mark.parametrize("query", [{"text": ""}, {"text": "   "}, {}])
def test_a_blank_text_reads_as_no_date(client, query):
    response = client.get("/dates/reading", query_string=query)
    assert response.status_code == 200
    body = response.get_json()
    assert body["reading"] is None and body["precision"] is None and body["iso"] is None and body["line"] is None


def test_the_reading_is_for_editors(client_as, anonymous_client):
    assert reading(client_as(UserRole.EDITOR), "2017").status_code == 200
    assert reading(client_as(UserRole.VIEWER), "2017").status_code == 403
    assert reading(anonymous_client, "2017").status_code in (302, 401)


def hint_of(html, field_id):
    """The text of a field's hint paragraph."""
    match = re.search(rf'<p class="hint" id="{field_id}-hint">(.*?)</p>', html, re.S)
    return match.group(1).strip() if match else None


def test_the_date_inputs_ask_for_their_reading(client):
    html = client.get("/agreements/new").get_data(as_text=True)
    for name in ("signed", "start", "end"):
        tag = re.search(rf'<input[^>]*id="{name}"[^>]*>', html).group(0)
        assert 'data-date-reading="/dates/reading"' in tag and "data-date-hint=" in tag
        assert hint_of(html, name).startswith("Only as precise as is known")


def test_a_form_shown_again_shows_what_each_date_was_read_as(client):
    data = form_data(title="", signed="4 Oktober 2017", start="Jakarta, 22-Apr-1992", end="2017-13")
    response = client.post("/agreements/new", data=data, headers={"Accept-Language": "en"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert hint_of(html, "signed") == "Read as: 4 October 2017 (exact day)"
    assert hint_of(html, "start") == "Read as: 22 April 1992 (exact day)"
    assert hint_of(html, "end").startswith("Only as precise as is known")  # refused: its error says why
    assert 'value="4 Oktober 2017"' in html  # what was typed stays as typed


def test_a_blank_date_keeps_its_hint_when_shown_again(client):
    html = client.post("/agreements/new", data=form_data(title="", start="", end="")).get_data(as_text=True)
    assert hint_of(html, "start").startswith("Only as precise as is known")
    assert hint_of(html, "signed").startswith("Only as precise as is known")


def test_the_reading_of_a_form_shown_again_is_in_the_interface_language(client):
    data = form_data(title="", start="March 2006", end="2018")
    html = client.post("/agreements/new", data=data, headers=INDONESIAN).get_data(as_text=True)
    assert "Maret 2006" in hint_of(html, "start")


def test_the_review_of_a_page_shown_again_shows_what_its_dates_were_read_as(client_as):
    editor = client_as(UserRole.EDITOR)
    page = editor.post("/sources/add", data={"pasted": (PAGES / SEED_PAGE).read_text(encoding="utf-8")})
    assert 'data-date-reading="/dates/reading"' in page.get_data(as_text=True)
    fields = {"create_new": "y", "new_title": "Kerja sama pengembangan teknologi dengan AITEC"}
    refused = confirm_with(editor, page.get_data(as_text=True), **fields, new_start="Maret 2006", new_end="31 Pebruari")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert hint_of(html, "new_start") == "Read as: March 2006 (month only)"
    assert hint_of(html, "new_end").startswith("Only as precise as is known")
