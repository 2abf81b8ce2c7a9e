"""Documents attached to an agreement over HTTP: the signed MoU as a PDF is attached, found by a word of its text and
suggests its parties and period; files are kept by hash, checked by content, downloaded as attachments, archived."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.document_support import MOU_LINES, PROGRAM, SCAN_PNG, mou_pdf, word_docx
from tracker.dates import PartialDate
from tracker.models import Agreement, Change, ChangeAction, Document, DocumentKind, PartyKind, PartyRole, UserRole
from tracker.queries.documents import document_of
from tracker.queries.suggestions import suggest

KITECH_TITLE = "Technology cooperation with KITECH"


@pytest.fixture
def kitech(make_party, make_agreement):
    """The KITECH memorandum as recorded before its signed text is attached: parties, no period."""
    ministry = make_party(
        name="Ministry of Industry of the Republic of Indonesia",
        aliases=["Kementerian Perindustrian", "Kemenperin", "Ministry of Industry"],
    )
    kitech = make_party(
        name="Korea Institute of Industrial Technology",
        kind=PartyKind.RESEARCH_INSTITUTE,
        country_code="KR",
        aliases=["KITECH"],
    )
    assert kitech.aliases  # recorded, but not yet on the agreement: the document's text names it
    return make_agreement(title=KITECH_TITLE, parties=[(ministry, PartyRole.SIGNATORY)])


def attach(client, agreement_id: int, data: bytes, filename: str = "MoU KITECH 2006.pdf", **fields):
    """Post the attach form of the agreement's page."""
    form = {"kind": "signed_text", "language": "id", "dated": "15 Maret 2006", **fields}
    values = {f"document-{name}": value for name, value in form.items()}
    values["document-file"] = FileStorage(io.BytesIO(data), filename, content_type="application/octet-stream")
    # Encoded here: the test client spools a large body to a temporary file it never closes.
    boundary, body = encode_multipart(values)
    return client.post(
        f"/agreements/{agreement_id}/documents", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def stored_documents(session, include_archived: bool = True) -> list[Document]:
    """The documents as committed now."""
    session.rollback()
    session.expire_all()
    statement = select(Document).order_by(Document.id)
    return list(session.scalars(statement, execution_options={"include_archived": include_archived}))


def fresh(session, agreement_id: int) -> Agreement:
    """The agreement as committed now."""
    session.rollback()
    session.expire_all()
    return session.get(Agreement, agreement_id)


def downloaded(response) -> bytes:
    """The body of a file's download, its file closed."""
    data = response.get_data()
    response.close()
    return data


def folder_files(app) -> list[Path]:
    """The files kept in the documents folder (temporary files included, which must not stay)."""
    folder = Path(app.config["TRACKER_DOCUMENTS_DIR"])
    return sorted(path for path in folder.rglob("*") if path.is_file()) if folder.exists() else []


def test_a_signed_mou_pdf_is_attached_found_by_a_word_and_suggests_its_parties_and_period(
    app, client_as, session, kitech
):
    editor = client_as(UserRole.EDITOR)
    response = attach(editor, kitech.id, mou_pdf())
    assert response.status_code == 302 and response.location.endswith(f"/agreements/{kitech.id}#documents")
    [document] = stored_documents(session)
    digest = hashlib.sha256(mou_pdf()).hexdigest()
    assert (document.kind, document.language, document.dated.iso()) == (DocumentKind.SIGNED_TEXT, "id", "2006-03-15")
    assert (document.media_type, document.size, document.sha256) == ("application/pdf", len(mou_pdf()), digest)
    assert document.filename == "MoU KITECH 2006.pdf" and "PENGECORAN LOGAM" in document.text
    assert folder_files(app) == [Path(app.config["TRACKER_DOCUMENTS_DIR"]) / digest[:2] / digest]

    page = editor.get(f"/agreements/{kitech.id}").get_data(as_text=True)
    for shown in ("MoU KITECH 2006.pdf", "Signed text", "Indonesian", "15 March 2006", digest, "1.5 kB"):
        assert shown in page, shown
    # A word found only in the document's text finds the agreement, in either language of the text.
    for word in ("pengecoran", "casting"):
        listing = editor.get("/agreements/", query_string={"q": word}).get_data(as_text=True)
        assert KITECH_TITLE in listing, word

    found = suggest(session, "", document_of(session, document.id).text)
    assert {s.party.name for s in found.parties} == {
        "Ministry of Industry of the Republic of Indonesia",
        "Korea Institute of Industrial Technology",
    }
    assert (found.periods[0].start.iso(), found.periods[0].end.iso()) == ("2006-03-15", "2018-03-14")
    html = editor.get(f"/documents/{document.id}/suggestions").get_data(as_text=True)
    assert "Korea Institute of Industrial Technology" in html and "not on this agreement" in html
    assert "15\u00a0March\u00a02006–14\u00a0March\u00a02018" in html  # a date's words kept together (period_span)
    assert "differs from the record" in html


def test_the_same_file_twice_is_kept_once(app, client_as, session, kitech, make_agreement):
    editor = client_as(UserRole.EDITOR)
    other = make_agreement(title="Implementing arrangement on metal casting")
    assert attach(editor, kitech.id, mou_pdf()).status_code == 302
    assert attach(editor, other.id, mou_pdf(), filename="lampiran.pdf", kind="annex").status_code == 302
    assert [d.sha256 for d in stored_documents(session)] == [hashlib.sha256(mou_pdf()).hexdigest()] * 2
    assert len(folder_files(app)) == 1


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (PROGRAM, "MoU.pdf", "This file is not a PDF, a Word document (.docx), an image (PNG, JPEG, TIFF) or text."),
        (b"%PDF-1.4\nnot really a PDF", "rusak.pdf", "This PDF could not be read: it may be damaged."),
        (b"", "kosong.pdf", "Choose a file to attach."),
    ],
)
def test_a_file_of_another_type_is_refused_next_to_the_field(app, client_as, session, kitech, data, filename, message):
    response = attach(client_as(UserRole.EDITOR), kitech.id, data, filename=filename)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="document-file-error"' in html and message in html
    assert stored_documents(session) == [] and folder_files(app) == []


def test_the_document_limit_bounds_an_upload_whatever_max_content_length(app, client_as, session, kitech):
    megabyte = 1024 * 1024
    app.config["TRACKER_DOCUMENT_MAX_BYTES"] = 8 * megabyte  # above MAX_CONTENT_LENGTH, which other forms keep
    assert app.config["MAX_CONTENT_LENGTH"] < 7 * megabyte
    editor = client_as(UserRole.EDITOR)
    text = "Pasal 1. Para Pihak sepakat bekerja sama di bidang pengecoran logam.\n" * 110_000
    assert 7 * megabyte < len(text) < 8 * megabyte
    assert attach(editor, kitech.id, text.encode(), filename="naskah.txt").status_code == 302
    over = attach(editor, kitech.id, b"x" * (8 * megabyte + 1), filename="naskah2.txt")
    assert over.status_code == 422 and "The file is larger than 8 MB." in over.get_data(as_text=True)
    # Far beyond the limit and its allowance for the form, the request itself is refused; and so is a large post
    # to any other form.
    assert attach(editor, kitech.id, b"x" * (10 * megabyte)).status_code == 413
    assert editor.post("/agreements/new", data={"title": "x" * (7 * megabyte)}).status_code == 413
    [document] = stored_documents(session)
    assert document.media_type == "text/plain" and len(folder_files(app)) == 1


def test_a_word_document_and_a_scan_are_kept_as_they_are(app, client_as, session, kitech):
    editor = client_as(UserRole.EDITOR)
    docx = word_docx(MOU_LINES)
    assert attach(editor, kitech.id, docx, filename="Surat KITECH.docx", kind="letter", language="en").status_code
    assert attach(editor, kitech.id, SCAN_PNG, filename="pindaian", kind="other", dated="2006").status_code == 302
    word, scan = stored_documents(session)
    assert word.media_type.endswith("wordprocessingml.document") and "berlaku sejak tanggal 15 Maret" in word.text
    assert (scan.media_type, scan.text, scan.dated.iso()) == ("image/png", "", "2006")
    download = editor.get(f"/documents/{scan.id}/download")
    assert downloaded(download) == SCAN_PNG and download.mimetype == "image/png"
    assert download.headers["Content-Disposition"] == "attachment; filename=pindaian.png"


def test_downloads_are_attachments_for_whoever_sees_the_agreement(app, client_as, anonymous_client, session, kitech):
    attach(client_as(UserRole.EDITOR), kitech.id, mou_pdf())
    [document] = stored_documents(session)
    response = client_as(UserRole.VIEWER).get(f"/documents/{document.id}/download")
    assert response.status_code == 200 and downloaded(response) == mou_pdf()
    assert response.headers["Content-Disposition"] == 'attachment; filename="MoU KITECH 2006.pdf"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"  # its own, not the pages'
    assert response.mimetype == "application/pdf"
    assert anonymous_client.get(f"/documents/{document.id}/download").status_code == 302  # to the sign-in
    assert client_as(UserRole.VIEWER).get("/documents/999999/download").status_code == 404


def test_archiving_keeps_the_file_and_takes_the_text_out_of_search(app, client_as, session, kitech):
    editor, viewer = client_as(UserRole.EDITOR), client_as(UserRole.VIEWER)
    attach(editor, kitech.id, mou_pdf())
    [document] = stored_documents(session)
    assert viewer.post(f"/documents/{document.id}/archive").status_code == 403
    response = editor.post(f"/documents/{document.id}/archive")
    assert response.status_code == 302
    [archived] = stored_documents(session)
    assert archived.archived_at is not None and len(folder_files(app)) == 1
    assert stored_documents(session, include_archived=False) == []
    assert f"/documents/{document.id}/download" not in editor.get(f"/agreements/{kitech.id}").get_data(as_text=True)
    assert KITECH_TITLE not in editor.get("/agreements/", query_string={"q": "pengecoran"}).get_data(as_text=True)
    # Viewers no longer reach it; editors, who see the archive, still download it.
    assert viewer.get(f"/documents/{document.id}/download").status_code == 404
    assert downloaded(editor.get(f"/documents/{document.id}/download")) == mou_pdf()
    changes = session.scalars(select(Change).where(Change.record_type == "agreement").order_by(Change.id)).all()
    assert [change.summary for change in changes][-2:] == [
        "Document attached: “MoU KITECH 2006.pdf”",
        "Document archived: “MoU KITECH 2006.pdf”",
    ]
    history = editor.get(f"/documents/{document.id}/history").get_data(as_text=True)
    assert "Signed text" in history and "Archived" in history
    activity = client_as(UserRole.ADMIN).get("/activity", query_string={"record_type": "document"})
    assert activity.status_code == 200 and "MoU KITECH 2006.pdf" in activity.get_data(as_text=True)


def test_an_archived_agreement_takes_no_document(app, client_as, session, kitech):
    editor = client_as(UserRole.EDITOR)
    assert editor.post(f"/agreements/{kitech.id}/delete").status_code == 302
    response = attach(editor, kitech.id, mou_pdf())
    assert response.status_code == 404
    assert stored_documents(session) == []


def test_file_names_as_people_write_them_are_kept_and_downloaded(app, client_as, session, kitech):
    editor = client_as(UserRole.EDITOR)
    for name in ("Nota Kesepahaman – KITECH “2006”.pdf", "/home/staf/Dokumen/MoU\tKITECH\x7f.pdf"):
        assert attach(editor, kitech.id, mou_pdf(), filename=name).status_code == 302
    dashed, windows = stored_documents(session)
    assert dashed.filename == "Nota Kesepahaman – KITECH “2006”.pdf" and windows.filename == "MoUKITECH.pdf"
    response = editor.get(f"/documents/{dashed.id}/download")
    assert downloaded(response) == mou_pdf()
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="Nota Kesepahaman  KITECH 2006.pdf"; '
        "filename*=UTF-8''Nota%20Kesepahaman%20%E2%80%93%20KITECH%20%E2%80%9C2006%E2%80%9D.pdf"
    )
    response = editor.get(f"/documents/{windows.id}/download")
    assert downloaded(response) == mou_pdf() and response.headers["Content-Disposition"].endswith("=MoUKITECH.pdf")


def test_the_record_is_filled_in_from_the_document_replacing_nothing(app, client_as, session, kitech):
    editor = client_as(UserRole.EDITOR)
    attach(editor, kitech.id, mou_pdf())
    [document] = stored_documents(session)
    page = editor.get(f"/documents/{document.id}/suggestions").get_data(as_text=True)
    assert "Fill in what the record lacks" in page
    stale = editor.post(f"/documents/{document.id}/fill", data={"version": str(kitech.version - 1 or 99)})
    assert stale.status_code == 302 and stale.location.endswith(f"/documents/{document.id}/suggestions")
    response = editor.post(f"/documents/{document.id}/fill", data={"version": str(kitech.version)})
    assert response.status_code == 302 and response.location.endswith(f"/agreements/{kitech.id}")
    agreement = fresh(session, kitech.id)
    assert (agreement.start.iso(), agreement.end.iso()) == ("2006-03-15", "2018-03-14")
    assert {link.party.name for link in agreement.party_links} == {
        "Ministry of Industry of the Republic of Indonesia",
        "Korea Institute of Industrial Technology",
    }
    flashed = editor.get(f"/agreements/{kitech.id}").get_data(as_text=True)
    assert "Filled in from “MoU KITECH 2006.pdf”: start, end, parties." in flashed
    [change] = session.scalars(
        select(Change).where(Change.record_type == "agreement", Change.action == ChangeAction.UPDATE)
    ).all()
    assert set(change.changes) == {"start", "end", "parties"}
    # Nothing left to fill in: no button; a recorded end that differs is shown, never replaced.
    agreement.end = PartialDate.parse("2016")
    session.commit()
    page = editor.get(f"/documents/{document.id}/suggestions").get_data(as_text=True)
    assert "Fill in what the record lacks" not in page and "differs from the record" in page
    again = editor.post(f"/documents/{document.id}/fill", data={"version": str(agreement.version)})
    assert again.status_code == 302
    assert fresh(session, kitech.id).end.iso() == "2016"


def test_an_admin_restores_an_archived_document_from_the_archive(app, client_as, session, kitech):
    editor, admin = client_as(UserRole.EDITOR), client_as(UserRole.ADMIN)
    attach(editor, kitech.id, mou_pdf())
    [document] = stored_documents(session)
    editor.post(f"/documents/{document.id}/archive")
    archive = admin.get("/archive").get_data(as_text=True)
    assert 'id="archived-documents"' in archive and "MoU KITECH 2006.pdf" in archive and KITECH_TITLE in archive
    assert f"/documents/{document.id}/restore" in archive
    assert f"/documents/{document.id}/restore" not in editor.get("/archive").get_data(as_text=True)
    assert editor.post(f"/documents/{document.id}/restore").status_code == 403

    response = admin.post(f"/documents/{document.id}/restore", data={"next": "archive"})
    assert response.status_code == 302 and response.location.endswith("/archive")
    [restored] = stored_documents(session)
    assert restored.archived_at is None and restored.archived_by_id is None
    assert KITECH_TITLE in editor.get("/agreements/", query_string={"q": "pengecoran"}).get_data(as_text=True)
    assert f"/documents/{document.id}/download" in editor.get(f"/agreements/{kitech.id}").get_data(as_text=True)
    assert "Restored" in editor.get(f"/documents/{document.id}/history").get_data(as_text=True)
    again = admin.post(f"/documents/{document.id}/restore")
    assert again.status_code == 409 and "is not archived" in again.get_data(as_text=True)


def test_a_document_waits_for_its_agreement_to_be_restored(app, client_as, session, kitech):
    editor, admin = client_as(UserRole.EDITOR), client_as(UserRole.ADMIN)
    attach(editor, kitech.id, mou_pdf())
    [document] = stored_documents(session)
    editor.post(f"/documents/{document.id}/archive")
    assert editor.post(f"/agreements/{kitech.id}/delete").status_code == 302
    assert "badge archived" in admin.get("/archive").get_data(as_text=True).split('id="archived-documents"')[1]
    refused = admin.post(f"/documents/{document.id}/restore")
    assert refused.status_code == 409
    assert f"Restore the agreement “{KITECH_TITLE}” first." in refused.get_data(as_text=True)
    assert stored_documents(session)[0].archived_at is not None
    assert admin.post(f"/agreements/{kitech.id}/restore").status_code == 302
    assert admin.post(f"/documents/{document.id}/restore").status_code == 302
    assert stored_documents(session, include_archived=False)[0].id == document.id
    assert admin.post("/documents/999999/restore").status_code == 404
