"""Cooperation Tracker: record international cooperation agreements and the evidence for them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect

from tracker import archiving, db
from tracker.config import load_config
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
    app.config.from_mapping(load_config(app.instance_path, test_config, debug=app.debug))
    db.init_app(app)
    archiving.init_app(app)
    babel.init_app(app, locale_selector=select_locale, default_translation_directories=str(TRANSLATIONS))
    csrf.init_app(app)

    from tracker import api, auth, cli, formatting
    from tracker.web import language, register_blueprints, register_error_handlers, transactions

    formatting.init_app(app)
    auth.init_app(app)
    register_blueprints(app)
    language.init_app(app)  # the language switch on every page
    api.init_app(app)  # the JSON API, its documentation page and the API token pages
    register_error_handlers(app)
    cli.init_app(app)
    transactions.init_app(app)  # last: it wraps every view registered above
    return app
