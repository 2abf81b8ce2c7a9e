"""Which language a request is answered in: the user's choice, else the browser's, else English.

Order: the signed-in user's `User.locale`; the `locale` kept in the session (a visitor who has not signed
in yet, e.g. on the sign-in page); the best match of the browser's Accept-Language; TRACKER_LOCALE's language
(English by default). The JSON API always answers in the latter: its clients are programs, which match on
problem types rather than words, and should not get other words because a browser sent another Accept-Language.
"""

from __future__ import annotations

from flask import current_app, has_request_context, request, session
from flask_login import current_user

# The interface languages, each named in its own language (the switch shows these words).
LANGUAGES = {"en": "English", "id": "Bahasa Indonesia"}
DEFAULT_LANGUAGE = "en"
# Where a visitor's choice is kept until they sign in.
SESSION_KEY = "locale"
# The formats each language uses when the configured TRACKER_LOCALE is of another language.
LOCALES = {"en": "en_GB", "id": "id"}
API_PREFIX = "/api/"


def language_of(value: str | None) -> str | None:
    """The supported language a tag names ("id", "id-ID", "en_GB" → "id", "id", "en"); None otherwise."""
    if not value:
        return None
    language = value.replace("-", "_").split("_")[0].lower()
    return language if language in LANGUAGES else None


def locale_for(language: str) -> str:
    """The Babel locale of a language: the configured TRACKER_LOCALE when it is of that language ("en_GB")."""
    configured = current_app.config.get("BABEL_DEFAULT_LOCALE") or ""
    return configured if language_of(configured) == language else LOCALES[language]


def chosen_language() -> str:
    """The language of the current request, by the order in the module's docstring."""
    if not has_request_context() or request.path.startswith(API_PREFIX):
        return default_language()
    user_language = language_of(current_user.locale) if current_user.is_authenticated else None
    browser = request.accept_languages.best_match(list(LANGUAGES))
    return user_language or language_of(session.get(SESSION_KEY)) or browser or default_language()


def default_language() -> str:
    """The language of TRACKER_LOCALE when it is supported, else English."""
    return language_of(current_app.config.get("BABEL_DEFAULT_LOCALE")) or DEFAULT_LANGUAGE


def user_locale(user: object) -> str:
    """The locale of things made for a user outside their own request (digest, calendar feed): their choice."""
    return locale_for(language_of(getattr(user, "locale", None)) or default_language())


def select_locale() -> str:
    """Flask-Babel's locale selector."""
    return locale_for(chosen_language())
