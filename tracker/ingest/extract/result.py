"""What extraction gives, and how it fails."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


class ExtractError(Exception):
    """The content cannot be read as a page or text: `code` says why, `message` says it to the user."""

    def __init__(self, code: str, message: object) -> None:
        super().__init__(code)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


@dataclass
class Extracted:
    """What a page says about itself, and its main text."""

    title: str = ""
    outlet: str = ""
    authors: list[str] = field(default_factory=list)
    language: str = ""  # primary language subtag ("id", "en", "ko"), "" if unknown
    published_on: date | None = None  # the local date of publication
    published_at: datetime | None = None  # aware, UTC; only when the page gives the time of day and its zone
    published_utc_offset: int | None = None  # minutes east of UTC of the page's own time
    text: str = ""
    excerpt: str = ""
    canonical_url: str | None = None
    url: str | None = None
