"""Reading the final answer: only status 200, and only an HTML or plain-text page, with its charset."""

from __future__ import annotations

import http.client
import re

from tracker.i18n import EscapedLazyString, _
from tracker.ingest.fetch.body import read_body
from tracker.ingest.fetch.policy import FetchedPage, FetchError, FetchPolicy
from tracker.ingest.fetch.targets import Target

PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
CHARSET = re.compile(r"[a-z0-9._:-]{1,40}")


def page(url: str, target: Target, response: http.client.HTTPResponse, policy: FetchPolicy) -> FetchedPage:
    """The final answer, if it is a page we accept."""
    _check_status(response.status)
    content_type, charset = _content_type_of(response, policy)
    body = read_body(response, policy)
    return FetchedPage(url, target.url, response.status, content_type, charset, body)


def _check_status(status: int) -> None:
    """Only 200 is a page; every other status gets a message the user can act on."""
    if status == 200:
        return
    if status == 404:
        message = _("The page was not found (404).")
    elif status == 410:
        message = _("The page has been removed (410).")
    elif status in (401, 403):
        message = _("The site refused access to the page (%(status)s).", status=status)
    elif status == 429:
        message = _("The site is receiving too many requests (429); try again later.")
    elif status >= 500:
        message = _("The site had a problem (%(status)s); try again later.", status=status)
    else:
        message = _("The site answered with status %(status)s instead of the page.", status=status)
    raise FetchError("http_status", message, status)


def _content_type_of(response: http.client.HTTPResponse, policy: FetchPolicy) -> tuple[str, str | None]:
    """The media type and charset, if the media type is a page (or another type the policy accepts) we can read."""
    header = response.getheader("Content-Type") or ""
    media_type = header.split(";", 1)[0].strip().lower()
    if media_type not in PAGE_TYPES and media_type not in policy.extra_types:
        raise FetchError("content_type", _wrong_type_message(media_type))
    charset = (response.headers.get_content_charset() or "").strip().lower()
    return media_type, charset if CHARSET.fullmatch(charset) else None


def _wrong_type_message(media_type: str) -> EscapedLazyString:
    """Say what the link is instead of a page, and what to do about it."""
    if not media_type:
        return _("The site did not say what kind of document this is; copy the page's text and paste it instead.")
    if media_type == "application/pdf":
        return _("This link is a PDF document, not a web page; save it and paste or upload its text instead.")
    if media_type.startswith("image/"):
        return _("This link is an image, not a web page.")
    if media_type.startswith(("audio/", "video/")):
        return _("This link is an audio or video file, not a web page.")
    if any(word in media_type for word in ("msword", "officedocument", "opendocument", "ms-excel", "rtf")):
        return _("This link is an office document, not a web page; save it and paste or upload its text instead.")
    return _("This link is not a web page (%(type)s); only HTML and plain-text pages can be read.", type=media_type)
