"""Only the web server signs (session cookies, CSRF tokens, the sealed review form of a new source), so only serving
needs SECRET_KEY: the `flask` commands that sign nothing (upgrade-db, import, send-digest, backup, ...) run without
it, as the README shows them.

Without SECRET_KEY (outside debug mode and tests) the app gets no key at all, never a generated one: Flask then
refuses to write a session, Flask-WTF to make a CSRF token and itsdangerous to sign, so nothing is ever signed with a
key that could be guessed or that differs between workers. Serving is refused twice over: building the app for
anything but a `flask` command that does not serve (a WSGI server importing `app:app`, `flask run`, a script) raises
ConfigError at start-up, and a request that still reaches an app without a key (a test client in `flask shell`) is
refused before any view runs.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import ScriptInfo, run_command

from tracker.config import ConfigError

MISSING = (
    "SECRET_KEY is not set. Set it in the environment for production, "
    "or run with FLASK_DEBUG=1 (as `make run` does) for local use."
)


def init_app(app: Flask) -> None:
    """Refuse to serve without a secret key; let the commands that sign nothing run without one."""
    if app.config["SECRET_KEY"]:
        return
    if not built_for_a_command():
        raise ConfigError(MISSING)
    app.before_request(refuse_to_serve)


def built_for_a_command() -> bool:
    """Whether the `flask` command line is loading the app for a command other than `run`, which serves.

    The command line loads the app within the click context of `run` (likewise `shell`, `routes`) or, for the app's
    own commands, of the `flask` group; a WSGI server (gunicorn, uWSGI, mod_wsgi) or a script has no such context.
    """
    context = click.get_current_context(silent=True)
    if context is None or context.find_object(ScriptInfo) is None:
        return False
    return context.command is not run_command


def refuse_to_serve() -> None:
    """A request reached an app without a secret key: nothing can be signed, so nothing is served."""
    raise ConfigError(MISSING)
