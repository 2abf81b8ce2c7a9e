"""What a file is, from its bytes; the text read from it; and how it is kept (tracker/documents.py)."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.document_support import MOU_LINES, PROGRAM, SCAN_PNG, mou_pdf, text_pdf, word_docx
from tracker import documents
from tracker.documents import DOCX, JPEG, PDF, PNG, TEXT, TIFF, DocumentError


def zipped(names: list[str]) -> bytes:
    """A ZIP archive holding empty files of these names."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n...", PDF),
        (SCAN_PNG, PNG),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", JPEG),
        (b"II*\x00\x08\x00\x00\x00", TIFF),
        (b"MM\x00*\x00\x00\x00\x08", TIFF),
        ("Nota Kesepahaman — berlaku sejak 2006".encode(), TEXT),
        ("\ufeffSurat dukungan".encode(), TEXT),
        (zipped(["[Content_Types].xml", "word/document.xml"]), DOCX),
    ],
)
def test_the_type_comes_from_the_content(data, kind):
    assert documents.media_type(data) == kind


@pytest.mark.parametrize(
    "data",
    [
        PROGRAM,  # a Windows program, whatever its name
        b"\x7fELF\x02\x01\x01",  # a Linux one
        zipped(["xl/workbook.xml"]),  # a spreadsheet is a ZIP too
        b"PK\x03\x04 not a real archive",
        "Teks Latin-1: kerja sama".encode("utf-16"),  # NUL bytes
        b"caf\xe9",  # not UTF-8
        b"",
    ],
)
def test_anything_else_is_refused(data):
    assert documents.media_type(data) is None
    with pytest.raises(DocumentError, match="This file is not a PDF"):
        documents.read(data)


def test_the_text_of_a_pdf_and_a_word_document():
    assert documents.read(mou_pdf()).text.splitlines()[:2] == ["NOTA KESEPAHAMAN", "ANTARA"]
    assert documents.read(text_pdf(["(Pasal 1) \\ ruang lingkup"])).text == "(Pasal 1) \\ ruang lingkup"
    assert documents.read(word_docx(MOU_LINES)).text.splitlines() == MOU_LINES
    assert documents.read(SCAN_PNG).text == ""


def test_a_damaged_pdf_is_refused():
    with pytest.raises(DocumentError, match="could not be read"):
        documents.read(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\n%%EOF")


def test_files_are_kept_once_by_hash_and_whole(tmp_path):
    read = documents.read(mou_pdf())
    first = documents.store(tmp_path, mou_pdf(), read.sha256)
    again = documents.store(tmp_path, mou_pdf(), read.sha256)
    assert first == again == tmp_path / read.sha256[:2] / read.sha256
    assert first.read_bytes() == mou_pdf()
    assert [path.name for path in tmp_path.rglob("*") if path.is_file()] == [read.sha256]  # no temporary file left


@pytest.mark.parametrize(
    ("filename", "kind", "name"),
    [("MoU.pdf", PDF, "MoU.pdf"), ("pindaian", PNG, "pindaian.png"), ("surat", DOCX, "surat.docx")],
)
def test_a_download_name_has_an_extension(filename, kind, name):
    assert documents.download_name(filename, kind) == name
