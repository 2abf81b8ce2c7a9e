"""HTML boundary: blueprints, the id converter and error pages."""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from tracker.db import get_session
from tracker.http import problems
from tracker.i18n import _, csrf_reason
from tracker.models import MAX_ID
from tracker.web import faults


class IdConverter(IntegerConverter):
    """A positive database id in a URL: `<id:agreement_id>`."""

    def __init__(self, map, *args, **kwargs):
        super().__init__(map, min=1, max=MAX_ID)


def register_blueprints(app: Flask) -> None:
    """Mount every area of the interface."""
    from tracker.web import (
        actions,
        agreements,
        archive,
        bulk_actions,
        calendars,
        citations,
        conflict_reports,
        dashboard,
        dates,
        digest,
        documents,
        expiring,
        exports,
        glossary,
        history,
        imports,
        inbox,
        ingest,
        jobs,
        lookup,
        mine,
        newsfeeds,
        outcomes,
        parties,
        saved_queries,
        schedules,
        sectors,
        sources,
        sso,
        tokens,
        users,
    )

    app.url_map.converters["id"] = IdConverter
    for module in (dashboard, agreements, expiring, parties, sectors, sources, ingest, archive, history, users):
        app.register_blueprint(module.bp)
    for module in (calendars, digest, dates, lookup, saved_queries):
        app.register_blueprint(module.bp)
    for module in (imports, exports, tokens, glossary):
        app.register_blueprint(module.bp)
    for module in (actions, mine, outcomes, sso, jobs, schedules, documents, inbox, newsfeeds, bulk_actions):
        app.register_blueprint(module.bp)
    app.register_blueprint(conflict_reports.bp)  # conflicting reports (issue 17)
    app.register_blueprint(citations.bp)


def register_error_handlers(app: Flask) -> None:
    """Roll back and render a friendly page for every HTTP error and a save that lost a race."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        get_session().rollback()
        logging.getLogger("tracker.security").warning(
            "refused %s %s from %s: %s", request.method, request.path, request.remote_addr, error.description
        )
        return render_template("error.html", error=error, reason=csrf_reason(error.description)), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        get_session().rollback()
        if problems.is_api_path():  # no API route matched (404, 405): answer as the API does
            return problems.from_http_exception(error)
        return render_template("error.html", error=error, reason=None), error.code

    @app.errorhandler(StaleDataError)
    def stale(error: StaleDataError):
        """A save that lost a race outside the edit forms (which show their own conflict page)."""
        get_session().rollback()
        logging.getLogger("tracker.db").info("stale write refused: %s", error)
        title = _("Changed by someone else")
        message = _("Someone else changed this record at the same moment, so nothing was saved. Reload and try again.")
        return render_template("try_again.html", title=title, message=message), 409

    faults.init_app(app)  # a database that is busy, full, read-only or gone: 503, never a 500
