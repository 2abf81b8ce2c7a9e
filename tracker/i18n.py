"""Translation markers for code outside templates: lazy, so messages follow the request's locale."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from babel import Locale
from babel.numbers import format_decimal
from babel.support import NullTranslations
from flask import g
from flask_babel import get_locale, get_translations
from flask_babel.speaklater import LazyString
from markupsafe import escape

# Where a request keeps the catalog it found, beside Flask-Babel's own per-request values: (locale, catalog).
CATALOG_KEY = "tracker_catalog"


def catalog() -> NullTranslations:
    """The request's translations, found once per request and locale.

    Flask-Babel finds them anew for every message (some ten context look-ups and the locale written out as a
    string), and a page shows hundreds of messages: a tenth of a list page's time. They are kept in Flask-Babel's
    per-request namespace (`g._flask_babel`, where `get_locale` keeps the locale) for the locale object they were
    found for: `force_locale` and `refresh` put another locale object there, which finds its own.
    """
    try:
        babel = g._flask_babel
        locale = babel.babel_locale or get_locale()
    except (AttributeError, RuntimeError):  # before the request's first get_locale, or outside an app context
        locale = get_locale()
        if locale is None:
            return get_translations()  # Flask-Babel's untranslated catalog
        babel = g._flask_babel
    kept = getattr(babel, CATALOG_KEY, None)
    if kept is None or kept[0] is not locale:
        kept = (locale, get_translations())
        setattr(babel, CATALOG_KEY, kept)
    return kept[1]


def gettext(string: str, **variables: Any) -> str:
    """Flask-Babel's gettext (the message translated, then `variables` filled in), from the kept catalog."""
    text = catalog().ugettext(string)
    return text % variables if variables else text


class EscapedLazyString(LazyString):
    """A lazy translation that templates escape like any other text.

    Flask-Babel's LazyString declares itself safe HTML, so a message quoting user input
    ("“%(title)s” cannot be deleted") would reach the page unescaped; this one does not.
    """

    def __html__(self) -> str:
        return str(escape(str(self)))


def _(string: str, **variables: Any) -> EscapedLazyString:
    """Mark `string` for translation; translated, with `variables` filled in, when shown."""
    return EscapedLazyString(gettext, string, **variables)


def _n(singular: str, plural: str, num: int, **variables: Any) -> EscapedLazyString:
    """Mark a message with singular and plural forms for translation."""
    return EscapedLazyString(ngettext, singular, plural, num, **variables)


# The count of a plural message: written with the language's digit grouping ("1,234" / "1.234").
NUM_PLACEHOLDER = re.compile(r"%\(num\)[ds]")


def current_language() -> str:
    """The request's language ("en", "id"); English outside a request (commands, stored data)."""
    locale = get_locale()
    return locale.language if locale else "en"


def grouped_number(num: float, locale: Locale | str | None = None) -> str:
    """A number with the digit grouping of `locale` (default: the request's): "1,234", "1.234"."""
    locale = locale or get_locale() or "en"
    return grouped_integer(num, locale) if type(num) is int else format_decimal(num, locale=locale)


@lru_cache(maxsize=4096)
def grouped_integer(num: int, locale: Locale | str) -> str:
    """A whole number written out by Babel, remembered: pages write the same counts and days over and over."""
    return format_decimal(num, locale=locale)


def plural_text(singular: str, plural: str, num: int) -> str:
    """The translated form for `num`, its count already written out ("1.234 perjanjian"), other placeholders left."""
    grouped = grouped_number(num)
    return NUM_PLACEHOLDER.sub(lambda match: grouped, catalog().ungettext(singular, plural, num))


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """Flask-Babel's ngettext, with the count grouped as the language writes numbers."""
    text = plural_text(singular, plural, num)
    return text % variables if variables else text


class FormTranslations:
    """WTForms' own messages ("This field is required.") from our catalogs, in the request's language.

    WTForms ships no Indonesian catalog, so `make messages` copies its messages into ours; WTForms fills
    in their placeholders itself, hence the raw catalog look-ups rather than Flask-Babel's formatting.
    """

    def gettext(self, string: str) -> str:
        return catalog().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return catalog().ungettext(singular, plural, n)


# Flask-WTF's reasons for refusing a form's CSRF token, as the error page words them.
CSRF_REASONS = {
    "The CSRF token is missing.": _("The CSRF token is missing."),
    "The CSRF session token is missing.": _("The CSRF session token is missing."),
    "The CSRF token has expired.": _("The CSRF token has expired."),
    "The CSRF token is invalid.": _("The CSRF token is invalid."),
    "The CSRF tokens do not match.": _("The CSRF tokens do not match."),
}


def csrf_reason(description: str) -> object:
    """Flask-WTF's CSRF refusal in the interface's language (the English text when unknown)."""
    return CSRF_REASONS.get(description, description)


__all__ = [
    "CSRF_REASONS",
    "EscapedLazyString",
    "FormTranslations",
    "_",
    "_n",
    "catalog",
    "csrf_reason",
    "gettext",
    "grouped_number",
    "ngettext",
    "plural_text",
]
