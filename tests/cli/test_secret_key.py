"""Only serving needs SECRET_KEY: the `flask` commands that sign nothing run without it, a server never does, and an
app without a key can sign nothing at all (tracker/signing.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from flask import session
from flask.cli import FlaskGroup, ScriptInfo
from flask_wtf.csrf import generate_csrf
from itsdangerous import URLSafeTimedSerializer

from tracker import create_app
from tracker.config import ConfigError
from tracker.ingest import review
from tracker.web import devices

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def production(monkeypatch, tmp_path) -> Path:
    """The environment of a production machine that forgot SECRET_KEY, with a database of its own."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'tracker.db'}")
    return tmp_path


def flask_command(*args: str) -> click.testing.Result:
    """`flask --app app <args>`, in this process, loading the app as the command line does."""
    return CliRunner().invoke(FlaskGroup(create_app=create_app), list(args))


def test_a_command_that_signs_nothing_runs_without_a_secret_key(production):
    result = flask_command("upgrade-db")
    assert result.exit_code == 0, result.output
    assert "Database at revision head." in result.output


def test_flask_run_is_refused_without_a_secret_key(production):
    result = flask_command("run", "--port", "1")
    assert isinstance(result.exception, ConfigError)
    assert "SECRET_KEY is not set" in str(result.exception)


def test_a_wsgi_server_is_refused_without_a_secret_key(production):
    """gunicorn, uWSGI and mod_wsgi import `app:app`: the import itself fails, so no worker ever serves."""
    env = {key: value for key, value in os.environ.items() if key not in ("SECRET_KEY", "FLASK_DEBUG")}
    result = subprocess.run(
        [sys.executable, "-c", "import app"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "ConfigError: SECRET_KEY is not set" in result.stderr


def app_built_for_a_command():
    """The app as the command line builds it for one of its own commands: without any key."""
    group = FlaskGroup(create_app=create_app)
    with click.Context(group, obj=ScriptInfo(create_app=create_app)):
        app = create_app()
    app.testing = True  # let the refusal surface as the exception it is
    return app


def test_an_app_built_for_a_command_has_no_key_and_serves_nothing(production):
    app = app_built_for_a_command()
    try:
        assert app.secret_key is None
        with pytest.raises(ConfigError, match="SECRET_KEY"):
            app.test_client().get("/health")
        with pytest.raises(ConfigError, match="SECRET_KEY"):
            app.test_client().post("/sign-in", data={"email": "a@example.org", "password": "x" * 12})
    finally:
        app.extensions["tracker.engine"].dispose()


def test_nothing_can_be_signed_without_a_key(production):
    """Sessions, CSRF tokens, the sealed review form and the known-browser cookie all refuse rather than sign."""
    app = app_built_for_a_command()
    try:
        with app.test_request_context("/sign-in"):
            with pytest.raises(RuntimeError, match="secret key"):
                session["user"] = 1
            with pytest.raises(RuntimeError, match="secret key"):
                generate_csrf()
            with pytest.raises(TypeError):  # what seal() does with the key
                URLSafeTimedSerializer(app.secret_key, salt=review.SALT).dumps({"extracted": {}})
            with pytest.raises(TypeError):
                devices.serializer().dumps([1])
    finally:
        app.extensions["tracker.engine"].dispose()


@pytest.mark.parametrize("secret", ["", "   "])
def test_a_blank_secret_key_counts_as_none(production, monkeypatch, secret):
    monkeypatch.setenv("SECRET_KEY", secret)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()
