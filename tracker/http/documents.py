"""What both boundaries need to take and serve documents: the folder, the size limit, a larger upload allowed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import current_app, request

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
