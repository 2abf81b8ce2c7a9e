"""The tracker's clock: today as the officers' calendar says, in the tracker's time zone."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import get_timezone


def local_today() -> date:
    """Today in the tracker's time zone (Jakarta by default): the officer's calendar day, not the server's."""
    return datetime.now(get_timezone()).date()
