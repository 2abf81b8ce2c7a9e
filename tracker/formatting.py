"""Jinja filters and globals: dates at their precision, periods, countries, labels, query links."""

from __future__ import annotations

from datetime import date as Date
from functools import lru_cache
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_skeleton
from flask import Flask, request, url_for
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

from tracker import messages
from tracker.countries import country_name
from tracker.dates import PartialDate, Precision
from tracker.i18n import catalog, gettext, grouped_number, plural_text
from tracker.labels import RELATION_PHRASES, label

# Babel skeletons, so the order and month names follow the locale ("4 October 2017", "4 Oktober 2017").
SKELETONS = {Precision.YEAR: "y", Precision.MONTH: "yMMMM", Precision.DAY: "yMMMMd"}


def partial_date(value: PartialDate | None) -> str:
    """A date shown only as precisely as it is known: "2006", "March 2006", "4 October 2017" ("Maret 2006")."""
    if value is None:
        return ""
    if value.precision is Precision.YEAR:
        return str(value.value.year)
    return worded_date(value.precision, value.value, get_locale())


def full_date(value: Date | None, format: str | None = None) -> str:
    """A day in the interface's language, "4 October 2017" / "4 Oktober 2017"; or in a Babel `format` ("medium")."""
    if value is None:
        return ""
    if format:
        return format_date(value, format)
    return worded_date(Precision.DAY, value, get_locale())


@lru_cache(maxsize=8192)
def worded_date(precision: Precision, value: Date, locale: Locale | None) -> str:
    """A month or day written by Babel in the locale's words, remembered: Babel finds the pattern for its skeleton
    anew each time, and the same dates recur across rows and pages."""
    return format_skeleton(SKELETONS[precision], value, locale=locale)


def number(value: int | float | None) -> str:
    """A number with the locale's grouping: "1,234" in English, "1.234" in Indonesian."""
    return "" if value is None else grouped_number(value)


def file_size(size: int) -> str:
    """A file's size as people read it: "812 bytes", "34.5 kB", "2.1 MB" (decimal units, the locale's numbers)."""
    if size < 1000:
        return gettext("%(size)s bytes", size=format_decimal(size))
    if size < 1_000_000:
        return gettext("%(size)s kB", size=format_decimal(round(size / 1000, 1)))
    return gettext("%(size)s MB", size=format_decimal(round(size / 1_000_000, 1)))


def period(start: PartialDate | None, end: PartialDate | None) -> str:
    """A span such as "2006–2018", "from 2006", "until Dec 2018", or "" when neither is known."""
    if start and end:
        return f"{partial_date(start)}–{partial_date(end)}"
    if start:
        return gettext("from %(start)s", start=partial_date(start))
    if end:
        return gettext("until %(end)s", end=partial_date(end))
    return ""


def period_span(start: PartialDate | None, end: PartialDate | None) -> Markup:
    """period() for a page, in a span of class "period" whose dates keep their words together (no-break spaces): a
    table cell keeps the range on one line (static/css/tracker.css), a phone breaks it only after the dash."""
    text = period(start, end)
    return Markup('<span class="period">{}</span>').format(text.replace(" ", "\u00a0")) if text else Markup("")


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


def worded(message: dict[str, Any] | None) -> str:
    """A message kept as data, in the reader's language (tracker/messages.py)."""
    return messages.worded(message)


@pass_eval_context
def template_gettext(eval_ctx: EvalContext, string: str, **variables: Any) -> str:
    """`_()` in templates, as Jinja's new-style gettext writes it (Markup where the template escapes, a format string
    even without variables), without its two calls through the template context: a page makes hundreds."""
    text = catalog().ugettext(string)
    if eval_ctx.autoescape:
        text = Markup(text)
    # Without variables or a "%" the formatting would give the same text back.
    return text % variables if variables or "%" in text else text


def init_app(app: Flask) -> None:
    """Register the filters and globals templates use."""
    app.add_template_filter(partial_date, "pdate")
    app.add_template_filter(country_name, "country")
    app.add_template_filter(language_name, "language")
    app.add_template_filter(label, "label")
    app.add_template_filter(full_date, "date")
    app.add_template_filter(number, "number")
    app.add_template_filter(worded, "worded")
    app.add_template_filter(file_size, "filesize")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_global(period)
    app.add_template_global(period_span)
    app.add_template_global(relation_phrase)
    app.add_template_global(url_with)
    app.add_template_global(get_locale)
    from tracker.termwords import months_text, notice_text  # termwords uses this module's date wording

    app.add_template_global(months_text)
    app.add_template_global(notice_text)
    # Plural messages in templates write their count as the language groups digits, like `_n` in Python.
    app.jinja_env.install_gettext_callables(
        gettext=lambda string: catalog().ugettext(string),
        ngettext=plural_text,
        newstyle=True,
        pgettext=lambda context, string: catalog().upgettext(context, string),
        npgettext=lambda context, singular, plural, num: catalog().unpgettext(context, singular, plural, num),
    )
    app.jinja_env.globals["_"] = template_gettext
