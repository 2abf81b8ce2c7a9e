"""Jinja filters and globals: dates at their precision, periods, countries, labels, query links."""

from __future__ import annotations

from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_skeleton
from flask import Flask, request, url_for
from flask_babel import format_date, format_datetime, get_locale, gettext

from tracker.countries import country_name
from tracker.dates import PartialDate, Precision
from tracker.labels import RELATION_PHRASES, label

# Babel skeletons, so the order and month names follow the locale ("4 Oct 2017", "4 Okt 2017").
SKELETONS = {Precision.YEAR: "y", Precision.MONTH: "yMMM", Precision.DAY: "yMMMd"}


def partial_date(value: PartialDate | None) -> str:
    """A date shown only as precisely as it is known: "2006", "Mar 2006", "4 Oct 2017"."""
    if value is None:
        return ""
    if value.precision is Precision.YEAR:
        return str(value.value.year)
    return format_skeleton(SKELETONS[value.precision], value.value, locale=get_locale())


def period(start: PartialDate | None, end: PartialDate | None) -> str:
    """A span such as "2006–2018", "from 2006", "until Dec 2018", or "" when neither is known."""
    if start and end:
        return f"{partial_date(start)}–{partial_date(end)}"
    if start:
        return gettext("from %(start)s", start=partial_date(start))
    if end:
        return gettext("until %(end)s", end=partial_date(end))
    return ""


def language_name(tag: str | None) -> str:
    """A language tag in words, in the interface's language ("id" → "Indonesian"); the tag if unknown."""
    if not tag:
        return ""
    try:
        return Locale.parse(tag, sep="-").get_display_name(get_locale()) or tag
    except (ValueError, UnknownLocaleError):
        return tag


def relation_phrase(kind: Any, incoming: bool = False) -> object:
    """How a relation reads from the subject's side, or the object's side when `incoming`."""
    outgoing_phrase, incoming_phrase = RELATION_PHRASES[kind]
    return incoming_phrase if incoming else outgoing_phrase


def url_with(**changes: Any) -> str:
    """The current URL with some query parameters changed; None removes a parameter."""
    args = request.args.copy()
    for key, value in changes.items():
        args.pop(key, None)
        if value is not None and value != "":
            args[key] = value
    return url_for(request.endpoint, **(request.view_args or {}), **args.to_dict(flat=False))


def init_app(app: Flask) -> None:
    """Register the filters and globals templates use."""
    app.add_template_filter(partial_date, "pdate")
    app.add_template_filter(country_name, "country")
    app.add_template_filter(language_name, "language")
    app.add_template_filter(label, "label")
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_global(period)
    app.add_template_global(relation_phrase)
    app.add_template_global(url_with)
    app.add_template_global(get_locale)
