"""Cooperation Tracker: record international cooperation agreements and the evidence for them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from tracker import archiving, db, jobs, logs, orm_states, routing, schedules, signing
from tracker.config import load_config
from tracker.http import transactions
from tracker.locale import select_locale

csrf = CSRFProtect()
babel = Babel()
# The gettext catalogs (translations/<lang>/LC_MESSAGES), compiled by `make translations`.
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application: config, database, translations, CSRF, blueprints, CLI."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    app.url_rule_class = routing.LazyBuildRule  # before any rule is added: URL builders made when first used
    app.config.from_mapping(load_config(app.instance_path, test_config, debug=app.debug))
    signing.init_app(app)  # first: a server without SECRET_KEY stops here
    trust_proxies(app)
    logs.init_app(app)  # the request id in every answer and on error pages (the process's logging: app.py)
    orm_states.keep_state_dicts()  # before any object is loaded: a crash of CPython 3.11 (tracker/orm_states.py)
    db.init_app(app)
    transactions.init_app(app)  # every view, of any blueprint, retried after a transient database failure
    archiving.init_app(app)
    jobs.init_app(app)  # the background jobs' queue (a worker runs them: `flask --app app jobs-worker`)
    schedules.init_app(app)  # the periodic work on that queue: digest, backup, re-check, purge (tracker/schedules.py)
    babel.init_app(app, locale_selector=select_locale, default_translation_directories=str(TRANSLATIONS))
    csrf.init_app(app)

    from tracker import api, auth, cli, faults, formatting, sso
    from tracker.web import language, register_blueprints, register_error_handlers

    formatting.init_app(app)
    auth.init_app(app)
    sso.init_app(app)  # single sign-on, when TRACKER_OIDC_ISSUER names a provider
    register_blueprints(app)
    language.init_app(app)  # the language switch on every page
    api.init_app(app)  # the JSON API and its documentation page
    register_error_handlers(app)
    cli.init_app(app)
    faults.guard_commands(app.cli)  # a database fault is a message and exit status 1, not a traceback
    return app


def trust_proxies(app: Flask) -> None:
    """Behind TRACKER_PROXY_COUNT reverse proxies, take the client's address, scheme and host from their headers.

    Without it every request seems to come from the proxy: one address for all, so the sign-in lock-out per address
    would count the whole office's failures together. Each proxy must set (not pass on) X-Forwarded-For, -Proto and
    -Host: the headers are trusted for exactly that many hops, and a client could forge any more.
    """
    count = app.config["TRACKER_PROXY_COUNT"]
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
