"""Files attached to agreements: what a file is (from its bytes), the text read from it, and where its bytes are kept.

No queries here (the services record the rows). A file is stored once under its SHA-256 in the documents folder
(`TRACKER_DOCUMENTS_DIR`, by default instance/documents), as `ab/abcdef…`, written to a temporary file beside it
and renamed, so a reader never meets half a file and the same file attached twice is one file on disk.

What a file is comes from its first bytes, never from its name or the type the browser claims: a renamed program
is refused, a PDF called "scan.jpg" is a PDF. The check is written out here because the signatures needed are a
handful (PDF, a ZIP holding word/document.xml, PNG, JPEG, TIFF, UTF-8 text) and the libraries that know thousands
need libmagic (a C library) or guess from names.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from tracker.i18n import _

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"
# Always UTF-8 (checked); served with that charset.
TEXT = "text/plain"
# Every type accepted, in the order the form's hint names them.
DOCUMENT_TYPES = (PDF, DOCX, PNG, JPEG, TIFF, TEXT)
# The file name extension a download suggests when the uploaded name had none.
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx", PNG: ".png", JPEG: ".jpg", TIFF: ".tif", TEXT: ".txt"}
IMAGE_SIGNATURES = ((b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG), (b"II*\x00", TIFF), (b"MM\x00*", TIFF))
# A DOCX expands to far more than its size; past this, it is refused before python-docx reads it (a "zip bomb").
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
# Bytes no text file holds: the C0 controls but tab, line feed, form feed and carriage return; and DEL.
CONTROLS = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# The text kept per document: far more than a treaty; the search index reads its first 100,000 characters.
MAX_TEXT_CHARS = 2_000_000


class DocumentError(ValueError):
    """The file cannot be attached: an unknown type, or a known one that cannot be read."""

    def __init__(self, message: object) -> None:
        super().__init__(str(message))
        self.message = str(message)


@dataclass(frozen=True)
class ReadFile:
    """An uploaded file as the tracker keeps it: its type from its content, its text, size and hash."""

    media_type: str
    text: str
    size: int
    sha256: str


def media_type(data: bytes) -> str | None:
    """The type of a file from its bytes: PDF, DOCX, PNG, JPEG, TIFF or UTF-8 text; None for anything else."""
    if data.startswith(b"%PDF-"):
        return PDF
    for signature, kind in IMAGE_SIGNATURES:
        if data.startswith(signature):
            return kind
    if data.startswith(b"PK\x03\x04"):
        return DOCX if _is_docx(data) else None
    return TEXT if _is_text(data) else None


def _is_docx(data: bytes) -> bool:
    """A ZIP archive holding a Word document's main part."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, ValueError):
        return False


def _is_text(data: bytes) -> bool:
    """Plain text: UTF-8 (a byte-order mark allowed) without control characters besides tabs, line and page breaks:
    programs and other binary files have NUL bytes and other controls, text files do not."""
    if not data or CONTROLS.search(data):
        return False
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return True


def read(data: bytes) -> ReadFile:
    """The file's type, text, size and hash; DocumentError when it is of no accepted type or cannot be read."""
    kind = media_type(data)
    if kind is None:
        raise DocumentError(_("This file is not a PDF, a Word document (.docx), an image (PNG, JPEG, TIFF) or text."))
    text = extract_text(data, kind)[:MAX_TEXT_CHARS]
    return ReadFile(kind, text, len(data), hashlib.sha256(data).hexdigest())


def extract_text(data: bytes, kind: str) -> str:
    """The text of a PDF (pypdf), a Word document (python-docx) or a text file; none from an image (a scan)."""
    if kind == PDF:
        return _pdf_text(data)
    if kind == DOCX:
        return _docx_text(data)
    if kind == TEXT:
        return data.decode("utf-8-sig").replace("\r\n", "\n")
    return ""


def _pdf_text(data: bytes) -> str:
    """Every page's text; a PDF pypdf cannot open (damaged, encrypted with a password) is refused."""
    from pypdf import PdfReader  # imported when needed: most requests never read a PDF
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError(_("This PDF is protected by a password; attach a copy without one."))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise DocumentError(_("This PDF could not be read: it may be damaged.")) from exc
    return "\n\n".join(page.strip() for page in pages if page.strip())


def _docx_text(data: bytes) -> str:
    """The paragraphs of the body, then the cells of its tables (python-docx)."""
    from docx import Document as WordDocument

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(item.file_size for item in archive.infolist()) > MAX_UNZIPPED_BYTES:
                raise DocumentError(_("This Word document expands to too much data to be read."))
        document = WordDocument(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DocumentError(_("This Word document could not be read: it may be damaged.")) from exc
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(text for text in [*paragraphs, *cells] if text.strip())


# --- the folder ---------------------------------------------------------------------------------------------


def stored_path(folder: Path, sha256: str) -> Path:
    """Where the file with this hash is kept."""
    return folder / sha256[:2] / sha256


def store(folder: Path, data: bytes, sha256: str) -> Path:
    """Keep the bytes under their hash, unless a file with that hash is kept already; written whole or not at all."""
    path = stored_path(folder, sha256)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".partial")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def download_name(filename: str, kind: str) -> str:
    """The name a download suggests: the uploaded one, with the extension of its real type when it had none."""
    return filename if Path(filename).suffix else filename + EXTENSIONS.get(kind, "")
