"""Safe fetching of the pages users link to: public addresses only, pinned, bounded in time and size.

The server fetches URLs that users type, so a URL is an attack on the network the server sits in until
proven otherwise (server-side request forgery). Every hop of a fetch is checked the same way:

- only http and https, on the allowed ports (80 and 443 unless an admin allows more);
- the host is a name or a canonical IP literal: numbers in odd forms ("2130706433", "0x7f000001",
  "0177.0.0.1", "127.1") and "localhost" are refused, because resolvers and browsers read them as local;
- every address the name resolves to must be public (embedded IPv4 in IPv6 forms included): one private
  address is enough to refuse, since the connection could go to any of them;
- the connection goes to an address that was checked, never to a second look-up (no DNS rebinding),
  while the Host header and TLS (SNI and certificate checks) still use the host name;
- one deadline covers the whole fetch (look-ups, connects, headers, body, redirects), the body is cut at
  `max_bytes` (after decompression too), and only HTML and plain text are accepted.

`FetchPolicy.allowed_networks` exempts networks from the public-address rule. It exists for tests and
special deployments only: any network listed there becomes reachable by every user who can add a source.

policy.py      what a fetch may do (FetchPolicy, from the settings), its deadline, what it gives and how it fails
targets.py     checking a URL: scheme, port, user info, and a host that cannot hide a local address
addresses.py   resolving the host, every address public
pinned.py      HTTP(S) to a checked address, each send and receive bounded by the deadline
redirects.py   following redirects, each hop checked afresh
answer.py      the answer: status, media type and charset
body.py        the body: size limit, compressed or not
"""

from __future__ import annotations

import http.client
import ssl
import zlib

from tracker.i18n import _
from tracker.ingest.fetch.addresses import Resolver, system_resolver
from tracker.ingest.fetch.body import TooLarge, too_large_error
from tracker.ingest.fetch.policy import DEFAULT_POLICY, Deadline, FetchedPage, FetchError, FetchPolicy
from tracker.ingest.fetch.redirects import follow


def fetch(url: str, policy: FetchPolicy = DEFAULT_POLICY, resolver: Resolver = system_resolver) -> FetchedPage:
    """Fetch an HTML or text page safely; every failure is a FetchError."""
    deadline = Deadline(policy.timeout)
    try:
        return follow(url.strip(), policy, resolver, deadline)
    except TooLarge as exc:
        raise too_large_error(policy) from exc
    except TimeoutError as exc:
        raise FetchError(
            "timeout",
            _("The site took too long to answer (more than %(seconds)s seconds).", seconds=format(policy.timeout, "g")),
        ) from exc
    except (ssl.SSLError, ssl.CertificateError) as exc:
        raise FetchError(
            "tls", _("The site's secure connection could not be verified, so the page was not fetched.")
        ) from exc
    except http.client.IncompleteRead as exc:
        raise FetchError("connection", _("The connection ended before the whole page arrived.")) from exc
    except (OSError, http.client.HTTPException, ValueError, zlib.error) as exc:
        raise FetchError("connection", _("The site could not be reached or its answer could not be read.")) from exc
