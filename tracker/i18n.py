"""Translation markers for code outside templates: lazy, so messages follow the request's locale."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext, ngettext
from flask_babel.speaklater import LazyString
from markupsafe import escape


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


__all__ = ["EscapedLazyString", "_", "_n"]
