"""Following redirects: up to the policy's number of hops, each checked and resolved afresh."""

from __future__ import annotations

import http.client
from urllib.parse import urljoin

from tracker.i18n import _
from tracker.ingest.fetch.addresses import Resolver, checked_addresses
from tracker.ingest.fetch.answer import page
from tracker.ingest.fetch.pinned import exchange
from tracker.ingest.fetch.policy import Deadline, FetchedPage, FetchError, FetchPolicy
from tracker.ingest.fetch.targets import Target, check_url

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


def follow(url: str, policy: FetchPolicy, resolver: Resolver, deadline: Deadline) -> FetchedPage:
    """Request the URL and follow up to `max_redirects` redirects, checking every hop afresh."""
    current = url
    for hop in range(policy.max_redirects + 1):
        target, addresses = _check_hop(current, hop, policy, resolver, deadline)
        with exchange(target, addresses, policy, deadline) as response:
            location = _redirect_location(response, target.url)
            if location is None:
                return page(url, target, response, policy)
        current = location
    raise FetchError(
        "too_many_redirects",
        _(
            "The link redirects more than %(limit)s times; open it in a browser and use the address it ends at.",
            limit=policy.max_redirects,
        ),
    )


def _check_hop(
    url: str, hop: int, policy: FetchPolicy, resolver: Resolver, deadline: Deadline
) -> tuple[Target, list[str]]:
    """Check one hop and resolve its host; a refused redirect says where it led, since the user never typed that."""
    try:
        target = check_url(url, policy)
        return target, checked_addresses(target, policy, resolver, deadline)
    except FetchError as error:
        if hop == 0:
            raise
        message = _(
            "The link redirects to %(url)s, which cannot be fetched: %(reason)s", url=url[:200], reason=error.message
        )
        raise FetchError(error.code, message, error.status) from error


def _redirect_location(response: http.client.HTTPResponse, current_url: str) -> str | None:
    """The absolute URL a redirect points to, or None when the answer is not a redirect."""
    if response.status not in REDIRECT_STATUSES:
        return None
    location = response.getheader("Location")
    if not location:
        raise FetchError(
            "http_status",
            _("The site redirected the link without saying where to (%(status)s).", status=response.status),
        )
    # http.client decodes headers as Latin-1; servers send UTF-8 there, which becomes percent-encoded later.
    raw = location.strip().encode("latin-1", "replace")
    return urljoin(current_url, raw.decode("utf-8", "replace"))
