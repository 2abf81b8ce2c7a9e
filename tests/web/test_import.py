"""The import pages: upload, mapping, preview, commit, presets; per role; files kept on the server and checked
again at the commit, whatever the browser sends."""

from __future__ import annotations

import io
import re
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from tests.html_forms import form_values, replaced
from tests.import_support import (
    AITEC_ROW,
    LIST_HEADERS,
    LIST_ROWS,
    READING_HEADERS,
    READING_ROWS,
    TREATY_LIST,
    csv_file,
    rows_of,
    xlsx_file,
)
from tracker.models import Agreement, ImportPreset, Party, Sector, UserRole
from tracker.services.archive import archive


@pytest.fixture(autouse=True)
def import_folder(app, tmp_path):
    """Uploads wait in a folder of the test's own."""
    folder = tmp_path / "imports"
    app.config["TRACKER_IMPORT_DIR"] = str(folder)
    return folder


@pytest.fixture
def editor(client_as):
    """A signed-in editor."""
    return client_as(UserRole.EDITOR)


def upload(client, data: bytes, name: str = "agreements.csv", **fields: str):
    """POST a file to the upload form."""
    return client.post("/import", data={"file": (io.BytesIO(data), name), **fields}, content_type="multipart/form-data")


def preview_url(client, response) -> str:
    """From an upload's redirect to the mapping page, the preview link its form submits as shown."""
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    action = re.search(r'<form method="get" action="([^"]+)"', html).group(1)
    return f"{action}?{urlencode(form_values(html, action))}"


def post_form(html: str, ending: str) -> tuple[str, MultiDict]:
    """The action and values of the page's POST form whose action ends with `ending`."""
    action = re.search(rf'<form method="post" action="([^"]+{ending})"', html).group(1)
    return action, MultiDict(form_values(html, action))


def agreements(session) -> int:
    """How many agreements are recorded."""
    session.rollback()
    return session.scalar(select(func.count()).select_from(Agreement))


def test_upload_map_preview_commit(editor, session, import_folder):
    url = preview_url(editor, upload(editor, csv_file(rows_of([AITEC_ROW]))))
    preview = editor.get(url)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "will be created" in html and "AITEC Co., Ltd" in html and "dry run" in html
    assert agreements(session) == 0
    action, fields = post_form(html, "/commit")
    response = editor.post(action, data=fields)
    assert response.status_code == 302
    assert agreements(session) == 1
    assert list(import_folder.iterdir()) == []  # the committed upload is deleted
    assert "Imported 1 agreement, with 2 new parties" in editor.get(response.headers["Location"]).get_data(as_text=True)


def test_the_preview_names_the_columns_it_does_not_import(editor):
    html = editor.get(preview_url(editor, upload(editor, csv_file([LIST_HEADERS, *LIST_ROWS])))).get_data(as_text=True)
    assert "These 2 columns are not imported (no field reads them): Nomor arsip, Catatan internal." in html


def test_an_xlsx_upload(editor, session):
    url = preview_url(editor, upload(editor, xlsx_file(rows_of([AITEC_ROW])), "agreements.xlsx"))
    assert "will be created" in editor.get(url).get_data(as_text=True)


def test_viewers_may_not_import(client_as):
    viewer = client_as(UserRole.VIEWER)
    assert viewer.get("/import").status_code == 403
    assert upload(viewer, csv_file(rows_of([AITEC_ROW]))).status_code == 403
    assert viewer.get("/agreements/export?format=csv").status_code == 200
    assert "Import from a file" not in viewer.get("/agreements/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "agreements.csv", "named as CSV but it is a PNG image"),
        (b"title\r\nA\r\n", "agreements.xlsx", "named as XLSX but it is a text file"),
        (b'[{"title": ', "agreements.json", "not valid JSON"),
    ],
)
def test_bad_files_are_refused_with_a_message(editor, data, name, message):
    response = upload(editor, data, name)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_no_file(editor):
    response = editor.post("/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 422 and "Choose a file to import." in response.get_data(as_text=True)


def test_a_file_larger_than_allowed(app, editor):
    app.config["TRACKER_IMPORT_MAX_BYTES"] = 1000
    assert upload(editor, csv_file(rows_of([AITEC_ROW] * 20))).status_code == 413


def test_problems_are_listed_and_nothing_can_be_committed(editor, session):
    rows = [AITEC_ROW, {**AITEC_ROW, "title": "Broken", "signed": "31-Feb-2001"}]
    preview = editor.get(preview_url(editor, upload(editor, csv_file(rows_of(rows)))))
    html = preview.get_data(as_text=True)
    assert preview.status_code == 422
    assert re.search(r"<td>3</td><td>signed</td><td>That day does not exist in that month.</td>", html)
    assert "/commit" not in html


def test_the_commit_checks_the_file_again(editor, session, make_user):
    url = preview_url(editor, upload(editor, csv_file(rows_of([AITEC_ROW]))))
    action, fields = post_form(editor.get(url).get_data(as_text=True), "/commit")
    session.info["actor_id"] = make_user().id
    archive(session, session.scalars(select(Sector).where(Sector.slug == "technology")).one())
    session.commit()
    response = editor.post(action, data=fields)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Nothing was imported" in html and "The sector “Technology” is archived" in html
    assert agreements(session) == 0


def test_a_tampered_mapping_is_refused(editor, session):
    url = preview_url(editor, upload(editor, csv_file(rows_of([AITEC_ROW]))))
    action, fields = post_form(editor.get(url).get_data(as_text=True), "/commit")
    two_for_one = MultiDict(replaced(list(fields.items(multi=True)), **{"columns-1": "title"}))
    assert editor.post(action, data=two_for_one).status_code == 422
    too_many = MultiDict([*fields.items(multi=True), ("columns-40", "notes")])
    assert editor.post(action, data=too_many).status_code == 422
    assert agreements(session) == 0


def test_uploads_are_the_uploaders_and_expire(app, editor, client_as, session):
    response = upload(editor, csv_file(rows_of([AITEC_ROW])))
    mapping = response.headers["Location"]
    other = client_as(UserRole.EDITOR)
    assert other.get(mapping).status_code == 302
    token = urlsplit(mapping).path.rsplit("/", 1)[1]
    assert other.post(f"/import/{token}/commit", data={}).status_code == 302
    app.config["TRACKER_IMPORT_MAX_AGE"] = app.config["TRACKER_IMPORT_MAX_AGE"] * 0
    gone = editor.get(mapping)
    assert gone.status_code == 302 and gone.headers["Location"].endswith("/import")
    assert agreements(session) == 0


def test_the_treaty_list_is_recognised_and_previewed(editor):
    response = upload(editor, TREATY_LIST.read_bytes(), TREATY_LIST.name)
    assert dict(parse_qsl(urlsplit(response.headers["Location"]).query)) == {"preset": "kemlu-treaty-list"}
    mapping = editor.get(response.headers["Location"]).get_data(as_text=True)
    assert "Mapped with the preset “Treaty list of Indonesia&#39;s foreign ministry (built in)”" in mapping
    html = editor.get(preview_url(editor, response)).get_data(as_text=True)
    assert "Indonesia" in html and "South Korea" in html and "UNIDO" in html
    assert "Import 7 agreements" in html


def test_presets_are_saved_and_deleted(editor, client, session):
    url = preview_url(editor, upload(editor, csv_file(rows_of([AITEC_ROW]))))
    action, fields = post_form(editor.get(url).get_data(as_text=True), "/preset")
    response = editor.post(action, data=MultiDict(replaced(list(fields.items(multi=True)), name="Our list")))
    assert response.status_code == 302
    preset = session.scalars(select(ImportPreset)).one()
    assert preset.mapping["fields"]["title"] == "title"
    again = editor.post(action, data=MultiDict(replaced(list(fields.items(multi=True)), name="our LIST")))
    assert "There is already a preset named" in editor.get(again.headers["Location"]).get_data(as_text=True)
    assert "Our list" in editor.get("/import").get_data(as_text=True)
    assert editor.post(f"/import/presets/{preset.id}/delete").status_code == 403
    assert client.post(f"/import/presets/{preset.id}/delete").status_code == 302
    session.rollback()
    assert session.scalars(select(ImportPreset)).all() == []


def test_a_saved_preset_maps_the_next_upload(editor, session):
    session.add(
        ImportPreset(
            name="Judul",
            mapping={
                "fields": {"title": "Judul"},
                "options": {"default_status": "signed", "default_instrument": "mou"},
            },
        )
    )
    session.commit()
    response = upload(editor, csv_file([["Judul", "Lain"], ["Satu", "x"]]), preset="Judul")
    html = editor.get(preview_url(editor, response)).get_data(as_text=True)
    assert "Import 1 agreement" in html


def test_uploads_may_be_larger_than_other_requests(app, editor):
    padding = "x" * 10_000
    rows = [["title", "padding"], *([f"Agreement {number}", padding] for number in range(700))]
    data = csv_file(rows)
    assert len(data) > app.config["MAX_CONTENT_LENGTH"]
    # Encoded here in memory: the test client would spool a large body to a temporary file it never closes.
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), "big.csv")})
    response = editor.post("/import", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 302


def readings_form(html: str) -> tuple[str, MultiDict]:
    """The action and values of the preview's form of readings to check."""
    start = html.index('id="readings"')
    action = re.search(r'<form method="get" action="([^"]+)"', html[start:]).group(1)
    return action, MultiDict(form_values(html[start:], action))


def test_the_preview_shows_each_row_as_the_import_reads_it(editor):
    html = editor.get(preview_url(editor, upload(editor, csv_file([READING_HEADERS, *READING_ROWS])))).get_data(
        as_text=True
    )
    assert "Signed 22 April 2021, Jakarta" in html and "exact day" in html
    assert "2006–2018" in html and "year only" in html
    assert "LG Energy Solution, Ltd (KR)" in html and "Signatory" in html
    assert "Electric vehicles" in html and "Technology" in html
    assert "Indonesia, LG sign battery pact · Antara" in html
    assert "<q>The agreement covers an integrated battery plant, from mining to cells.</q>" in html
    assert "a unit of Ministry of Industry" in html


def test_readings_of_names_are_confirmed_or_refused_on_the_preview(editor, session):
    html = editor.get(preview_url(editor, upload(editor, csv_file([READING_HEADERS, *READING_ROWS])))).get_data(
        as_text=True
    )
    assert "“BKPM” is not Indonesia Investment Coordinating Board: keep it as a party of its own" in html
    assert "“Directorate General ILMATE, Ministry of Industry” is not a unit of Ministry of Industry" in html
    action, fields = readings_form(html)
    fields.add("keep_apart", "BKPM")
    fields.add("not_unit", "Directorate General ILMATE, Ministry of Industry")
    refused = editor.get(f"{action}?{urlencode(list(fields.items(multi=True)))}").get_data(as_text=True)
    assert "“BKPM” is kept as a party of its own" in refused
    assert "“Directorate General ILMATE, Ministry of Industry” is kept as a party under no other" in refused
    commit_action, commit_fields = post_form(refused, "/commit")
    assert editor.post(commit_action, data=commit_fields).status_code == 302
    session.rollback()
    parents = dict(session.execute(select(Party.name, Party.parent_id)).all())
    assert "BKPM" in parents and "Indonesia Investment Coordinating Board" in parents
    assert parents["Directorate General ILMATE, Ministry of Industry"] is None


def test_readings_of_names_confirmed_by_importing(editor, session):
    html = editor.get(preview_url(editor, upload(editor, csv_file([READING_HEADERS, *READING_ROWS])))).get_data(
        as_text=True
    )
    action, fields = post_form(html, "/commit")
    assert editor.post(action, data=fields).status_code == 302
    session.rollback()
    parties = {party.name: party for party in session.scalars(select(Party))}
    assert "BKPM" not in parties and [
        alias.alias for alias in parties["Indonesia Investment Coordinating Board"].aliases
    ] == ["BKPM"]
    assert parties["Directorate General ILMATE, Ministry of Industry"].parent is parties["Ministry of Industry"]


def test_the_mapping_page_shows_how_a_list_cell_splits(editor):
    response = upload(editor, csv_file([READING_HEADERS, *READING_ROWS]))
    html = editor.get(response.headers["Location"]).get_data(as_text=True)
    parties = (
        'Read as 2 items: <span class="chip">Indonesia Investment Coordinating Board (BKPM)</span>'
        '<span class="chip">LG Energy Solution, Ltd</span>'
    )
    assert parties in html  # the comma inside the company's name does not split it
    assert 'Read as 2 items: <span class="chip">electric-vehicles</span><span class="chip">technology</span>' in html
    assert html.count("Read as") == 3  # parties, party countries and sectors; not the quote, nor the title
