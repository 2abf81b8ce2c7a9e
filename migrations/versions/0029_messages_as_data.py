"""Why a link check failed and why a feed could not be read, kept as message data worded in the reader's language;
and what a news feed's address gives.

`source_check.message` and `news_feed.last_error_message` (JSON) hold the message's msgid and values
(tracker/messages.py); the text columns (`detail`, `last_error`) were written in the language of the worker that ran
the check. Existing texts that read as one of the fetcher's messages, in English or Indonesian, become data and their
text is emptied; any other text stays and is shown as it is. Downgrading writes each message back as English text.

`news_feed.kind` says what the feed's address gives: an RSS or Atom feed, a sitemap, a listing page of article links,
or "auto" (told apart at each run); existing feeds become "auto", which reads RSS and Atom as before.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06 20:30:00
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0029"
down_revision: str | Sequence[str] | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, message column, text column)
COLUMNS = (("source_check", "message", "detail"), ("news_feed", "last_error_message", "last_error"))
# The fetcher's messages as they were when this revision was written (msgid: its Indonesian translation), frozen
# here whatever the catalogs become, one message a line.
# ruff: noqa: E501
MESSAGES = {
    "The link redirects more than %(limit)s times; open it in a browser and use the address it ends at.": "Tautan dialihkan lebih dari %(limit)s kali; buka di peramban dan gunakan alamat akhirnya.",
    "The link redirects to %(url)s, which cannot be fetched: %(reason)s": "Tautan dialihkan ke %(url)s, yang tidak dapat diambil: %(reason)s",
    "%(host)s leads to a private or local network address; such links cannot be fetched.": "%(host)s mengarah ke alamat jaringan privat atau lokal; tautan seperti itu tidak dapat diambil.",
    "A link with a user name or password cannot be fetched.": "Tautan yang memuat nama pengguna atau kata sandi tidak dapat diambil.",
    "Links to port %(port)s cannot be fetched (allowed: %(allowed)s).": "Tautan ke port %(port)s tidak dapat diambil (yang diizinkan: %(allowed)s).",
    "Links to this computer (localhost) cannot be fetched.": "Tautan ke komputer ini (localhost) tidak dapat diambil.",
    "Only http:// and https:// links can be fetched.": "Hanya tautan http:// dan https:// yang dapat diambil.",
    "The connection ended before the whole page arrived.": "Koneksi terputus sebelum seluruh halaman diterima.",
    "The link has no host name.": "Tautan tidak memiliki nama host.",
    "The link's host is a number in an unusual form; use the site's name or a plain address.": "Host tautan berupa angka dalam bentuk yang tidak lazim; gunakan nama situs atau alamat biasa.",
    "The link's host name is not valid.": "Nama host tautan tidak sah.",
    "The link's port number is not valid.": "Nomor port tautan tidak sah.",
    "The page has been removed (410).": "Halaman telah dihapus (410).",
    "The page is larger than %(size)s; copy its text and paste it instead.": "Halaman lebih besar dari %(size)s; salin teksnya lalu tempel.",
    "The page was not found (404).": "Halaman tidak ditemukan (404).",
    "The site answered with status %(status)s instead of the page.": "Situs menjawab dengan status %(status)s, bukan halaman yang diminta.",
    "The site could not be reached or its answer could not be read.": "Situs tidak dapat dihubungi atau jawabannya tidak dapat dibaca.",
    "The site did not say what kind of document this is; copy the page's text and paste it instead.": "Situs tidak menyebutkan jenis dokumen ini; salin teks halaman lalu tempel.",
    "The site had a problem (%(status)s); try again later.": "Situs mengalami masalah (%(status)s); coba lagi nanti.",
    "The site is receiving too many requests (429); try again later.": "Situs menerima terlalu banyak permintaan (429); coba lagi nanti.",
    "The site redirected the link without saying where to (%(status)s).": "Situs mengalihkan tautan tanpa menyebutkan tujuannya (%(status)s).",
    "The site refused access to the page (%(status)s).": "Situs menolak akses ke halaman (%(status)s).",
    "The site sent the page compressed in a way we cannot read (%(encoding)s).": "Situs mengirim halaman dengan kompresi yang tidak dapat dibaca (%(encoding)s).",
    "The site took too long to answer (more than %(seconds)s seconds).": "Situs terlalu lama menjawab (lebih dari %(seconds)s detik).",
    "The site's name could not be found (%(host)s).": "Nama situs tidak ditemukan (%(host)s).",
    "The site's secure connection could not be verified, so the page was not fetched.": "Koneksi aman situs tidak dapat diverifikasi, sehingga halaman tidak diambil.",
    "There is no text to read.": "Tidak ada teks untuk dibaca.",
    "This address gives no RSS or Atom feed.": "Alamat ini tidak memberikan umpan RSS atau Atom.",
    "This is a PDF file, not a web page. Copy its text and paste it instead.": "Ini berkas PDF, bukan halaman web. Salin teksnya lalu tempel.",
    "This is not a valid link.": "Tautan ini tidak sah.",
    "This is not a web page or plain text. Use a saved page (.html) or a text file (.txt).": "Ini bukan halaman web atau teks biasa. Gunakan halaman tersimpan (.html) atau berkas teks (.txt).",
    "This link is a PDF document, not a web page; save it and paste or upload its text instead.": "Tautan ini dokumen PDF, bukan halaman web; simpan lalu tempel atau unggah teksnya.",
    "This link is an audio or video file, not a web page.": "Tautan ini berkas audio atau video, bukan halaman web.",
    "This link is an image, not a web page.": "Tautan ini gambar, bukan halaman web.",
    "This link is an office document, not a web page; save it and paste or upload its text instead.": "Tautan ini dokumen perkantoran, bukan halaman web; simpan lalu tempel atau unggah teksnya.",
    "This link is not a web page (%(type)s); only HTML and plain-text pages can be read.": "Tautan ini bukan halaman web (%(type)s); hanya halaman HTML dan teks biasa yang dapat dibaca.",
}
NUMBERS = ("status", "limit", "port")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def pattern(template: str) -> re.Pattern[str]:
    """A regular expression matching the message's text with any values in its placeholders."""
    parts = PLACEHOLDER.split(template)
    # split gives literal, name, literal, name, ...: literals at even positions.
    regex = "".join(re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)" for index, part in enumerate(parts))
    return re.compile(f"^{regex}$", re.DOTALL)


PATTERNS = [(msgid, pattern(text)) for msgid, translated in MESSAGES.items() for text in (msgid, translated)]


def recognised(text: str) -> dict[str, Any] | None:
    """The message data of a text that reads as one of the messages, else None."""
    for msgid, regex in PATTERNS:
        found = regex.match(text)
        if found:
            params = {name: value_of(name, value) for name, value in found.groupdict().items()}
            return {"msgid": msgid, "params": params}
    return None


def value_of(name: str, value: str) -> Any:
    """A placeholder's value: a number where the message gave one, a nested message (a redirect's reason), text."""
    if name in NUMBERS and value.isdigit():
        return int(value)
    if name == "reason":
        return recognised(value) or {"text": value}
    return value


def in_english(data: dict[str, Any]) -> str:
    """The message's English text, for a downgrade."""
    if "msgid" not in data:
        return str(data.get("text", ""))
    values = {name: in_english(value) if isinstance(value, dict) else value for name, value in data["params"].items()}
    try:
        return data["msgid"] % values
    except (KeyError, ValueError, TypeError):
        return data["msgid"]


def upgrade() -> None:
    """Apply this revision."""
    op.add_column("news_feed", sa.Column("kind", sa.String(16), server_default="auto", nullable=False))
    bind = op.get_bind()
    for table, message, text in COLUMNS:
        op.add_column(table, sa.Column(message, sa.JSON(), nullable=True))
        rows = bind.execute(sa.text(f"SELECT id, {text} FROM {table} WHERE {text} <> ''")).all()
        for row_id, old in rows:
            data = recognised(old)
            if data is not None:
                update = sa.text(f"UPDATE {table} SET {message} = :data, {text} = '' WHERE id = :id")
                bind.execute(update.bindparams(sa.bindparam("data", type_=sa.JSON())), {"data": data, "id": row_id})


def downgrade() -> None:
    """Revert this revision: every message back as English text."""
    bind = op.get_bind()
    for table, message, text in COLUMNS:
        rows = bind.execute(sa.text(f"SELECT id, {message} FROM {table} WHERE {message} IS NOT NULL")).all()
        for row_id, data in rows:
            value = json.loads(data) if isinstance(data, str) else data
            if value:
                bind.execute(
                    sa.text(f"UPDATE {table} SET {text} = :text WHERE id = :id"),
                    {"text": in_english(value)[:1000], "id": row_id},
                )
        op.execute(f"ALTER TABLE {table} DROP COLUMN {message}")  # in place on SQLite too (3.35+)
    op.execute("ALTER TABLE news_feed DROP COLUMN kind")
