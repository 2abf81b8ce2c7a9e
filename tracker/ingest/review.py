"""The extracted page between the review screen and its confirmation: signed, so nothing is saved before."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer

from tracker.ingest.extract import Extracted
from tracker.ingest.suggest import Suggestions
from tracker.models import SnapshotMethod

SALT = "tracker.ingest.review"
# A review left open longer than this must be started again (the page may have changed meanwhile).
MAX_AGE_SECONDS = 6 * 3600
SENTENCE_END = re.compile(r"(?<=[.!?”\"])\s+")
DATE_FIELDS = ("published_on",)
DATETIME_FIELDS = ("published_at",)


class ReviewExpired(ValueError):
    """The review form's payload is missing, tampered with or too old."""


@dataclass(frozen=True)
class PendingSource:
    """What a review screen shows and its confirmation saves: the extraction and how it was obtained."""

    extracted: Extracted
    method: SnapshotMethod
    final_url: str | None


def _plain(extracted: Extracted) -> dict[str, Any]:
    """The extraction as JSON-friendly values."""
    data = dataclasses.asdict(extracted)
    for name in (*DATE_FIELDS, *DATETIME_FIELDS):
        data[name] = data[name].isoformat() if data[name] else None
    return data


def _restored(data: dict[str, Any]) -> Extracted:
    """The extraction back from JSON-friendly values."""
    for name in DATE_FIELDS:
        data[name] = date.fromisoformat(data[name]) if data[name] else None
    for name in DATETIME_FIELDS:
        data[name] = datetime.fromisoformat(data[name]) if data[name] else None
    return Extracted(**data)


def seal(pending: PendingSource, secret_key: str) -> str:
    """The pending source as a signed, compressed token for a hidden form field."""
    body = {"extracted": _plain(pending.extracted), "method": pending.method.value, "final_url": pending.final_url}
    return URLSafeTimedSerializer(secret_key, salt=SALT).dumps(body)


def unseal(token: str, secret_key: str, max_age: int = MAX_AGE_SECONDS) -> PendingSource:
    """Read back a token made by `seal`, refusing tampered or expired ones."""
    try:
        body = URLSafeTimedSerializer(secret_key, salt=SALT).loads(token or "", max_age=max_age)
        return PendingSource(_restored(body["extracted"]), SnapshotMethod(body["method"]), body["final_url"])
    except (BadSignature, KeyError, TypeError, ValueError) as exc:
        raise ReviewExpired(str(exc)) from exc


def quote_for(text: str, found: Suggestions) -> str:
    """A note for the link: the first sentence naming the period or a party the suggestions found."""
    phrases = [p.phrase for p in found.periods] + [m for s in found.parties for m in s.matched]
    return best_quote(text, phrases)


def best_quote(text: str, phrases: list[str]) -> str:
    """The first sentence of the text that contains one of the phrases."""
    sentences = SENTENCE_END.split(text or "")
    for phrase in phrases:
        for sentence in sentences:
            if phrase and phrase.lower() in sentence.lower():
                return sentence.strip()[:1000]
    return ""
