"""A page's bytes as text, as browsers decode them; PDFs, images and other binary content refused."""

from __future__ import annotations

import codecs
import re

import charset_normalizer

from tracker.i18n import _
from tracker.ingest.extract.result import ExtractError

PRESCAN_BYTES = 8192
CHARSET_ALIASES = {"utf8mb4": "utf-8", "unicode": "utf-8", "x-sjis": "shift_jis", "win-1252": "cp1252"}
# Browsers read pages labelled Latin-1 or ASCII as windows-1252 (WHATWG Encoding): so do we.
WINDOWS_1252_LABELS = {"latin-1", "iso8859-1", "ascii", "cp1252"}
META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_:.+-]+)", re.IGNORECASE)
BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
BINARY_SIGNATURES = (b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\x1f\x8b")


def refuse_non_text(content: bytes | str) -> None:
    """Raise ExtractError for PDFs, images, archives and other binary content."""
    sample = content[:1024] if isinstance(content, bytes) else content[:1024].encode("utf-8", "replace")
    if sample.lstrip().startswith(b"%PDF"):
        raise ExtractError("not_html", _("This is a PDF file, not a web page. Copy its text and paste it instead."))
    if sample.startswith(BINARY_SIGNATURES) or b"\x00" in sample:
        raise ExtractError(
            "not_html", _("This is not a web page or plain text. Use a saved page (.html) or a text file (.txt).")
        )


def _codec(label: str | bytes | None) -> str | None:
    """Python's name for a charset label, or None when the label is unknown."""
    if not label:
        return None
    text = (label.decode("ascii", "replace") if isinstance(label, bytes) else label).strip().strip("\"'").lower()
    try:
        name = codecs.lookup(CHARSET_ALIASES.get(text, text)).name
    except LookupError:
        return None
    return "cp1252" if name in WINDOWS_1252_LABELS else name


def _meta_charset(body: bytes) -> str | None:
    """The charset a <meta> tag declares near the top of the page."""
    match = META_CHARSET.search(body[:PRESCAN_BYTES])
    codec = _codec(match.group(1)) if match else None
    # A page whose declaration we read as ASCII cannot really be UTF-16 (WHATWG says to use UTF-8).
    return "utf-8" if codec and codec.startswith("utf-16") else codec


def _utf8(body: bytes) -> str | None:
    """The body as UTF-8, or None when it is not valid UTF-8."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _detected(body: bytes) -> str:
    """Guess the charset; among equally good guesses prefer windows-1252, the web's legacy default."""
    matches = list(charset_normalizer.from_bytes(body))
    if not matches:
        return "cp1252"
    best = min(match.chaos for match in matches)
    good = [match.encoding for match in matches if match.chaos <= best + 0.01]
    return "cp1252" if "cp1252" in good else good[0]


def decode_html(body: bytes, declared_charset: str | None) -> str:
    """The page as text: BOM, then the HTTP charset, then <meta>, then UTF-8, then a guess."""
    for bom, codec in BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(codec, errors="replace")
    declared = _codec(declared_charset)
    if declared and declared.startswith(("utf-16", "utf-32")):
        return body.decode(declared, errors="replace")  # its zero bytes are not those of a binary file
    refuse_non_text(body)
    for codec in (declared, _meta_charset(body)):
        if codec is None:
            continue
        if codec in ("utf-8", "cp1252"):
            # Servers often label UTF-8 pages Latin-1 by default; valid UTF-8 beyond ASCII is never an accident.
            text = _utf8(body)
            if text is not None:
                return text
            if codec == "utf-8":
                continue  # mislabelled the other way: look further
        return body.decode(codec, errors="replace")
    text = _utf8(body)
    return text if text is not None else body.decode(_detected(body), errors="replace")
