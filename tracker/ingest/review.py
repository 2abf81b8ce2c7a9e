"""The extracted page between the review screen and its confirmation: signed, so nothing is saved before."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer

from tracker.ingest.extract.result import Extracted
from tracker.models import SnapshotMethod

SALT = "tracker.ingest.review"
# A review left open longer than this must be started again (the page may have changed meanwhile).
MAX_AGE_SECONDS = 6 * 3600
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


def plain(extracted: Extracted) -> dict[str, Any]:
    """The extraction as JSON-friendly values."""
    data = dataclasses.asdict(extracted)
    for name in (*DATE_FIELDS, *DATETIME_FIELDS):
        data[name] = data[name].isoformat() if data[name] else None
    return data


def restored(data: dict[str, Any]) -> Extracted:
    """The extraction back from JSON-friendly values (a copy: the given dict is left as it was)."""
    data = dict(data)
    for name in DATE_FIELDS:
        data[name] = date.fromisoformat(data[name]) if data[name] else None
    for name in DATETIME_FIELDS:
        data[name] = datetime.fromisoformat(data[name]) if data[name] else None
    return Extracted(**data)


def seal(pending: PendingSource, secret_key: str) -> str:
    """The pending source as a signed, compressed token for a hidden form field."""
    body = {"extracted": plain(pending.extracted), "method": pending.method.value, "final_url": pending.final_url}
    return URLSafeTimedSerializer(secret_key, salt=SALT).dumps(body)


def unseal(token: str, secret_key: str, max_age: int = MAX_AGE_SECONDS) -> PendingSource:
    """Read back a token made by `seal`, refusing tampered or expired ones."""
    try:
        body = URLSafeTimedSerializer(secret_key, salt=SALT).loads(token or "", max_age=max_age)
        return PendingSource(restored(body["extracted"]), SnapshotMethod(body["method"]), body["final_url"])
    except (BadSignature, KeyError, TypeError, ValueError) as exc:
        raise ReviewExpired(str(exc)) from exc
