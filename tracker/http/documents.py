"""What both boundaries need to take and serve documents: the folder, the size limit, a larger upload allowed."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

from flask import Response, current_app, request
from werkzeug.http import dump_options_header

from tracker import documents as files
from tracker.models import Document

# The bytes read at a time when a file is sent.
CHUNK = 64 * 1024
# Room for the form's other fields and the multipart boundaries around a file of the largest size accepted, so that
# a file just over the limit gets the message next to its field rather than a bare 413.
FORM_ALLOWANCE = 1024 * 1024


def documents_folder() -> Path:
    """Where documents are kept by their hash: TRACKER_DOCUMENTS_DIR, else instance/documents."""
    configured = current_app.config["TRACKER_DOCUMENTS_DIR"]
    return Path(configured) if configured else Path(current_app.instance_path) / "documents"


def max_document_bytes() -> int:
    """The largest file accepted (TRACKER_DOCUMENT_MAX_MB)."""
    return current_app.config["TRACKER_DOCUMENT_MAX_BYTES"]


def allow_document_upload(*endpoints: str) -> Callable[[str | None, dict | None], None]:
    """A URL value preprocessor letting the upload endpoints' requests exceed MAX_CONTENT_LENGTH up to the document
    limit; set before anything reads the form (the CSRF check does, early)."""

    def preprocess(endpoint: str | None, _values: dict | None) -> None:
        if endpoint in endpoints:
            allowed = max_document_bytes() + FORM_ALLOWANCE
            request.max_content_length = max(allowed, current_app.config.get("MAX_CONTENT_LENGTH") or 0)

    return preprocess


def attachment(path: Path, document: Document) -> Response:
    """The stored file as a download: its recorded type (never sniffed), as an attachment, kept by no shared cache.

    Streamed by a generator that holds the file open only while it is read, so that a client that reads the whole
    body (or a server that closes the answer) leaves no file open behind it.
    """
    size = path.stat().st_size
    response = Response(_chunks(path), mimetype=document.media_type, direct_passthrough=True)
    response.content_length = size
    response.headers["Content-Disposition"] = disposition(files.download_name(document.filename, document.media_type))
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def disposition(name: str) -> str:
    """`attachment` with the file's name: as is when ASCII, else an ASCII fallback and the UTF-8 name (RFC 6266), as
    Flask's send_file writes it, since a header holds only Latin-1 ("Nota Kesepahaman – KITECH.pdf")."""
    try:
        name.encode("ascii")
    except UnicodeEncodeError:
        simple = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
        return dump_options_header("attachment", {"filename": simple, "filename*": f"UTF-8''{quote(name, safe='')}"})
    return dump_options_header("attachment", {"filename": name})


def _chunks(path: Path) -> Iterator[bytes]:
    """The file's bytes, a chunk at a time, the file closed when done or abandoned."""
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            yield chunk
