"""Kept list results (issue 19): the agreement list's rendered results and the API list's answer, per data version.

At 100,000 agreements one view of a filtered list costs ~20-30 ms of CPU in Python (the query, loading the rows,
the filter form, the table and the facets), while what it shows changes only when the data does. A view whose
query, language, time zone, day, role and data version are those of a kept one is answered from the kept text; a
write anywhere moves `data_version` and the next view renders afresh. The per-request shell (the signed-in user,
the sign-out form's CSRF token, flashed messages) is always rendered; a CSRF token inside a kept fragment is swapped
for the current one.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from flask import current_app, g, request
from flask_babel import get_locale, get_timezone
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy.orm import Session

from tracker.clock import local_today
from tracker.forms.agreements import ME
from tracker.http.counts import request_data_version
from tracker.queries.dashboard import VersionedCache

# Stands for the request's CSRF token in a kept fragment; no rendered page contains it otherwise.
TOKEN_MARK = "\x00csrf-token\x00"
# Query parameters whose meaning depends on who asks: the view is kept for that user alone.
PERSONAL = ("saved",)


class FragmentCache(VersionedCache):
    """Rendered list results per request key, kept while the data stays the same (`data_version`)."""

    SIZE = 256


def fragment_cache() -> FragmentCache:
    """The process's kept fragments, one cache per app."""
    return current_app.extensions.setdefault("tracker.fragments", FragmentCache())


def request_key(name: str, path: str | None = None, query_string: bytes | None = None) -> Hashable | None:
    """What the kept text depends on besides the data; None when the view must not be kept.

    The raw query string (not the parsed arguments): the page's links repeat it as written. An officer chosen by id
    is not kept: user names are outside the data version. A text shown on several pages (the list's facet panel)
    names the path and query string it is kept under."""
    owner = request.args.get("owner", "")
    if owner and owner != ME:
        return None
    personal = owner == ME or any(param in request.args for param in PERSONAL)
    signed_in = current_user.is_authenticated
    return (
        name,
        request.host_url,
        request.script_root,
        request.path if path is None else path,
        request.query_string if query_string is None else query_string,
        str(get_locale()),
        str(get_timezone()),
        local_today(),
        current_user.role if signed_in else None,
        current_user.id if signed_in and personal else None,
    )


def kept(session: Session, name: str, render: Callable[[], tuple[str, int]]) -> tuple[str, int]:
    """The text and status `render` gives for this request; a 200 is kept per data version and served while the
    data stays the same."""
    key = request_key(name)
    if key is None:
        return render()
    cache = fragment_cache()
    version = request_data_version(session)
    found, text = cache.current(key, version)
    if found:
        return with_token(text), 200
    text, status = render()
    if status == 200:
        cache.keep(key, version, without_token(str(text)))
    return text, status


def without_token(text: str) -> str:
    """The text with this request's CSRF token (when rendered into it) marked, to put the next request's in."""
    token = g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    return text.replace(token, TOKEN_MARK) if token else text


def with_token(text: str) -> str:
    """A kept text with the current request's CSRF token where it had one (the token is made only then, as the
    rendering would have)."""
    return text.replace(TOKEN_MARK, generate_csrf()) if TOKEN_MARK in text else text
