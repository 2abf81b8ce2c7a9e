"""Calendar feeds: creating a secret feed URL (the token is returned once, only its hash is kept) and revoking it."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from sqlalchemy.orm import Session

from tracker.errors import NotFoundError, StateError, ValidationError
from tracker.i18n import _
from tracker.models import CalendarFeed, User, utcnow
from tracker.queries.calendars import hash_token

TOKEN_BYTES = 32
MIN_LEAD_MONTHS = 1
MAX_LEAD_MONTHS = 60
MAX_LEADS = 10
# Parameters of the query page that do not choose agreements: a feed lists every match, by end.
NOT_FILTERS = frozenset({"page", "per_page", "sort"})
_NUMBER = re.compile(r"[0-9]{1,3}")


def parse_lead_months(text: str) -> list[int]:
    """ "12, 6, 3" as [12, 6, 3]: distinct whole months from 1 to 60, longest first; blank means no reminders."""
    parts = [part for part in re.split(r"[\s,;]+", text or "") if part]
    if not all(_NUMBER.fullmatch(part) and MIN_LEAD_MONTHS <= int(part) <= MAX_LEAD_MONTHS for part in parts):
        raise ValidationError(
            _(
                "Give whole numbers of months from %(low)s to %(high)s, separated by commas, for example 12, 6, 3.",
                low=MIN_LEAD_MONTHS,
                high=MAX_LEAD_MONTHS,
            ),
            field="lead_months",
        )
    months = sorted({int(part) for part in parts}, reverse=True)
    if len(months) > MAX_LEADS:
        raise ValidationError(_("Give at most %(count)s reminders.", count=MAX_LEADS), field="lead_months")
    return months


def format_lead_months(months: list[int]) -> str:
    """Lead times as stored: "12,6,3"."""
    return ",".join(str(month) for month in months)


def normalize_query(text: str, dropped: frozenset[str] = NOT_FILTERS) -> str:
    """The filters of an agreement query as a query string, without blank values and the `dropped` parameters; a
    pasted link keeps only its part after "?"."""
    text = (text or "").strip().split("#", 1)[0]
    if "?" in text:
        text = text.split("?", 1)[1]
    pairs = [(key, value) for key, value in parse_qsl(text) if key not in dropped and value.strip()]
    return urlencode(pairs)


@dataclass(frozen=True)
class FeedData:
    """What the user chose for a new feed; the query is already normalised and checked."""

    name: str
    query: str
    lead_months: list[int]
    include_actions: bool = False  # the follow-up actions of its agreements too


def create_feed(session: Session, user: User, data: FeedData) -> tuple[CalendarFeed, str]:
    """A new feed of the user and its secret token, which exists nowhere else: show it once."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    feed = CalendarFeed(
        user_id=user.id,
        name=data.name,
        token_hash=hash_token(token),
        query=data.query,
        lead_months=format_lead_months(data.lead_months),
        include_actions=data.include_actions,
    )
    session.add(feed)
    session.flush()
    return feed, token


def revoke_feed(session: Session, user: User, feed_id: int) -> CalendarFeed:
    """Stop a feed of the user's for good: its URL answers 404 from now on."""
    feed = session.get(CalendarFeed, feed_id)
    if feed is None or feed.user_id != user.id:
        raise NotFoundError(_("There is no such calendar."))
    if feed.revoked_at is not None:
        raise StateError(_("This calendar was already revoked."))
    feed.revoked_at = utcnow()
    session.flush()
    return feed
