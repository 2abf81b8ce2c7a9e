"""Translation markers for code outside templates: lazy, so messages follow the request's locale."""

from __future__ import annotations

from flask_babel import lazy_gettext, lazy_ngettext

_ = lazy_gettext
_n = lazy_ngettext

__all__ = ["_", "_n"]
