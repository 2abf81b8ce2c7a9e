"""The JSON API under /api/v1: agreements, parties, sources, sectors and links, authenticated by bearer tokens.

Views are thin, as in tracker/web, and one kit serves every resource (tracker/api/resources.py): parse and check
the input (tracker/api/bodies.py, against the OpenAPI schemas; tracker/api/codecs.py), call a service, commit,
answer with a representation (tracker/api/representations.py). Each resource module declares only what is its own.
Every failure is answered as problem+json (tracker/http/problems.py, tracker/api/problems.py).
"""

from __future__ import annotations

from flask import Flask

# The blueprint lives in tracker/api/blueprint.py: tracker.auth imports this package's auth module, so importing
# the package must not pull in the views (which import tracker.auth back).


def init_app(app: Flask) -> None:
    """Mount the API (exempt from CSRF: no cookie authenticates it) and its documentation page."""
    from tracker import csrf
    from tracker.api import (  # noqa: F401  (routes)
        actions,
        agreements,
        bulk_changes,
        citations,
        conflicts,
        docs,
        documents,
        inbox,
        links,
        outcomes,
        parties,
        saved_queries,
        sectors,
        sources,
    )
    from tracker.api.blueprint import bp

    csrf.exempt(bp)
    app.register_blueprint(bp)
    app.register_blueprint(docs.bp)
