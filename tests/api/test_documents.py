"""The JSON API's documents of an agreement: upload the signed MoU (multipart), list, read, download, the
suggestions from its text, archive by DELETE; every answer checked against the OpenAPI document."""

from __future__ import annotations

import hashlib
import io

from tests.api_support import assert_problem
from tests.document_support import PROGRAM, mou_pdf, word_docx
from tracker.models import PartyKind, PartyRole, UserRole


def upload(client, agreement_id: int, data: bytes, filename: str = "MoU KITECH 2006.pdf", **fields):
    """POST the file as multipart/form-data."""
    form = {"kind": "signed_text", "language": "id", "dated": "2006-03-15", **fields}
    form["file"] = (io.BytesIO(data), filename)
    return client.post(f"/agreements/{agreement_id}/documents", data=form, content_type="multipart/form-data")


def test_the_signed_mou_is_uploaded_listed_downloaded_suggested_and_archived(api_as, make_party, make_agreement):
    ministry = make_party(
        name="Ministry of Industry of the Republic of Indonesia", aliases=["Kementerian Perindustrian"]
    )
    make_party(name="Korea Institute of Industrial Technology", kind=PartyKind.RESEARCH_INSTITUTE, aliases=["KITECH"])
    agreement = make_agreement(title="Technology cooperation with KITECH", parties=[(ministry, PartyRole.SIGNATORY)])
    editor, viewer = api_as(UserRole.EDITOR), api_as(UserRole.VIEWER)
    created = upload(editor, agreement.id, mou_pdf())
    assert created.status_code == 201, created.get_json()
    document = created.get_json()
    assert document["sha256"] == hashlib.sha256(mou_pdf()).hexdigest() and document["media_type"] == "application/pdf"
    assert (document["kind"], document["language"], document["dated"]) == ("signed_text", "id", "2006-03-15")
    path = f"/agreements/{agreement.id}/documents/{document['id']}"
    assert created.headers["Location"].endswith(path)

    listed = viewer.get(f"/agreements/{agreement.id}/documents").get_json()
    assert [item["filename"] for item in listed["items"]] == ["MoU KITECH 2006.pdf"]
    found = viewer.get("/agreements?q=pengecoran").get_json()
    assert [item["id"] for item in found["items"]] == [agreement.id]
    download = viewer.get(document["file_url"].removeprefix("/api/v1"))
    assert download.get_data() == mou_pdf() and download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    download.close()

    assert viewer.get(f"{path}/suggestions").status_code == 403
    suggestions = editor.get(f"{path}/suggestions").get_json()
    assert {party["name"] for party in suggestions["parties"]} == {
        "Ministry of Industry of the Republic of Indonesia",
        "Korea Institute of Industrial Technology",
    }
    assert suggestions["periods"][0] | {"phrase": ""} == {"start": "2006-03-15", "end": "2018-03-14", "phrase": ""}
    assert "mou" in [cue["value"] for cue in suggestions["instruments"]]

    assert_problem(editor.delete(path), 428)
    assert_problem(viewer.delete(path, etag=editor.etag(path)), 403)
    assert editor.delete(path, etag=editor.etag(path)).status_code == 204
    assert viewer.get(f"/agreements/{agreement.id}/documents").get_json()["items"] == []
    assert viewer.get("/agreements?q=pengecoran").get_json()["items"] == []
    assert_problem(viewer.get(path), 404)
    assert editor.get(path).get_json()["archived"] is True  # editors see the archive

    admin = api_as(UserRole.ADMIN)
    assert_problem(editor.post(f"{path}/restore"), 403)
    restored = admin.post(f"{path}/restore")
    assert restored.status_code == 200 and restored.get_json()["archived"] is False
    assert restored.headers["ETag"] == viewer.etag(path)
    assert [item["id"] for item in viewer.get("/agreements?q=pengecoran").get_json()["items"]] == [agreement.id]
    assert_problem(admin.post(f"{path}/restore"), 409)
    assert_problem(admin.post(f"/agreements/{agreement.id}/documents/999999/restore"), 404)


def test_uploads_are_checked_by_content(api_as, make_agreement):
    editor = api_as(UserRole.EDITOR)
    agreement = make_agreement()
    assert_problem(upload(editor, agreement.id, PROGRAM, filename="MoU.pdf"), 422, "file")
    assert_problem(upload(editor, agreement.id, mou_pdf(), kind="treaty"), 422, "kind")
    assert_problem(upload(editor, agreement.id, mou_pdf(), dated="2006-13"), 422, "dated")
    assert_problem(upload(editor, agreement.id, mou_pdf(), language="not a language"), 422, "language")
    assert_problem(editor.post(f"/agreements/{agreement.id}/documents", json={"file": "MoU"}), 415)
    assert_problem(upload(api_as(UserRole.VIEWER), agreement.id, mou_pdf()), 403)
    assert_problem(upload(editor, 999_999, mou_pdf()), 404)
    letter = upload(editor, agreement.id, word_docx(["Surat dukungan KITECH"]), filename="surat", kind="letter")
    assert letter.status_code == 201 and letter.get_json()["media_type"].endswith("wordprocessingml.document")
    assert editor.get(f"/agreements/{agreement.id}/documents").get_json()["total"] == 1


def test_the_record_is_filled_in_from_the_document_replacing_nothing(api_as, make_party, make_agreement):
    ministry = make_party(
        name="Ministry of Industry of the Republic of Indonesia", aliases=["Kementerian Perindustrian"]
    )
    make_party(name="Korea Institute of Industrial Technology", kind=PartyKind.RESEARCH_INSTITUTE, aliases=["KITECH"])
    agreement = make_agreement(title="Technology cooperation with KITECH", parties=[(ministry, PartyRole.SIGNATORY)])
    editor = api_as(UserRole.EDITOR)
    document = upload(editor, agreement.id, mou_pdf()).get_json()
    fill = f"/agreements/{agreement.id}/documents/{document['id']}/fill"
    record = f"/agreements/{agreement.id}"
    before = editor.etag(record)
    assert_problem(editor.post(fill), 428)
    assert_problem(editor.post(fill, headers={"If-Match": 'W/"999"'}), 412)
    assert_problem(api_as(UserRole.VIEWER).post(fill, headers={"If-Match": before}), 403)
    assert_problem(editor.post(f"{record}/documents/999999/fill", headers={"If-Match": before}), 404)

    filled = editor.post(fill, headers={"If-Match": before})
    assert filled.status_code == 200, filled.get_json()
    answer = filled.get_json()
    assert answer["filled"] == ["start", "end", "parties"]
    assert (answer["agreement"]["start"], answer["agreement"]["end"]) == ("2006-03-15", "2018-03-14")
    assert {party["name"] for party in answer["agreement"]["parties"]} == {
        "Ministry of Industry of the Republic of Indonesia",
        "Korea Institute of Industrial Technology",
    }
    assert filled.headers["ETag"] == editor.etag(record) != before

    # A recorded end that differs stays; nothing left to fill in.
    editor.patch(record, {"end": "2016"}, etag=filled.headers["ETag"])
    again = editor.post(fill, headers={"If-Match": editor.etag(record)})
    assert again.get_json()["filled"] == [] and again.get_json()["agreement"]["end"] == "2016"
    assert_problem(editor.post(fill, headers={"If-Match": before}), 412)
