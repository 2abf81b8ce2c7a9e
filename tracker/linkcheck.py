"""Link health: what one fetch of a source's page says about its link, and how much its text changed.

A check is alive (unchanged, or changed: a new snapshot is kept and the characters added and removed are counted),
moved (the page answered only after redirects to another address, which is noted; its text is compared too), gone
(404, 410, or the site's name is not found) or failing (anything else: a timeout, a server error, an address the
fetch policy refuses — perhaps passing, so the list of links to look at waits for a second one). Used by the
re-check schedule (tracker/recheck.py) and by fetching a source again on demand (tracker/web/ingest.py).
"""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from tracker.ingest.extract.result import ExtractError
from tracker.ingest.fetch.policy import FetchError
from tracker.messages import message_data
from tracker.models import SourceCheck, SourceCheckOutcome
from tracker.services.snapshots import MAX_URL_LENGTH, normalized_text

GONE_STATUSES = frozenset({404, 410})
# A word-by-word diff costs up to the product of the texts' lengths in words; past this, words are counted instead.
DIFF_BUDGET = 25_000_000


@dataclass(frozen=True)
class Health:
    """One check's findings, as a `source_check` row records them."""

    outcome: SourceCheckOutcome
    url: str
    reason: str = ""
    http_status: int | None = None
    moved_to: str | None = None
    chars_added: int | None = None
    chars_removed: int | None = None
    message: dict[str, Any] | None = None


def failure(url: str, error: FetchError | ExtractError) -> Health:
    """A fetch of `url` that failed: gone when the page or the site's name is not found, failing otherwise."""
    status = getattr(error, "status", None)
    gone = error.code == "dns" or status in GONE_STATUSES
    outcome = SourceCheckOutcome.GONE if gone else SourceCheckOutcome.FAILING
    return Health(outcome, url, error.code[:32], status, message=message_data(error.message))


def answered(url: str, final_url: str, difference: tuple[int, int] | None) -> Health:
    """A page that answered at `final_url`; `difference` is (added, removed) when its text changed, else None."""
    moved = moved_to(url, final_url)
    added, removed = difference if difference is not None else (None, None)
    if moved is not None:
        outcome = SourceCheckOutcome.MOVED
    elif difference is not None:
        outcome = SourceCheckOutcome.CHANGED
    else:
        outcome = SourceCheckOutcome.UNCHANGED
    # A moved page whose address is too long to note is still moved: the outcome says so, the address is left out.
    noted = moved if moved and len(moved) <= MAX_URL_LENGTH else None
    return Health(outcome, url, moved_to=noted, chars_added=added, chars_removed=removed)


def moved_to(url: str, final_url: str) -> str | None:
    """Where the redirects ended, when not at the address asked for (the fetch drops its fragment too)."""
    asked = urlsplit(url.strip())._replace(fragment="").geturl()
    return final_url if final_url and final_url != asked else None


def text_difference(old: str | None, new: str) -> tuple[int, int]:
    """Characters added and removed between two texts as snapshots compare them (normalised), word by word."""
    before, after = normalized_text(old or "").split(), normalized_text(new).split()
    if len(before) * len(after) > DIFF_BUDGET:
        return counted_difference(before, after)
    added = removed = 0
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if tag != "equal":
            removed += words_length(before[old_start:old_end])
            added += words_length(after[new_start:new_end])
    return added, removed


def counted_difference(before: list[str], after: list[str]) -> tuple[int, int]:
    """Added and removed characters of two long texts, by counting words (order ignored): linear in their length."""
    old, new = Counter(before), Counter(after)
    return words_length(list((new - old).elements())), words_length(list((old - new).elements()))


def words_length(words: list[str]) -> int:
    """The characters of the words written with one space between them."""
    return len(" ".join(words))


def record(session: Session, source_id: int, health: Health) -> SourceCheck:
    """Add the check's row (the caller's transaction commits it)."""
    check = SourceCheck(
        source_id=source_id,
        outcome=health.outcome,
        url=health.url if len(health.url) <= MAX_URL_LENGTH else None,
        reason=health.reason,
        http_status=health.http_status,
        moved_to=health.moved_to,
        chars_added=health.chars_added,
        chars_removed=health.chars_removed,
        message=health.message,
    )
    session.add(check)
    return check
