"""Application-wide behaviour: CSRF, error pages, configuration, translation markers."""

import subprocess
import sys
from pathlib import Path

import pytest

from tracker import create_app

ROOT = Path(__file__).resolve().parents[2]


def test_csrf_is_required_on_posts(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(
        "/agreements/new", data={"title": "No token", "instrument_type": "mou", "status": "announced"}
    )
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)


def test_csrf_token_accepted(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    html = client.get("/agreements/new").get_data(as_text=True)
    token = html.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/agreements/new",
        data={"csrf_token": token, "title": "With token", "instrument_type": "mou", "status": "announced"},
    )
    assert response.status_code == 302


def test_unknown_page_and_method(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "nothing at this address" in response.get_data(as_text=True)
    assert client.delete("/agreements/").status_code == 405


def test_sqlite_pragmas(app):
    """SQLite really enforces the schema and copes with concurrent writers (PostgreSQL needs nothing)."""
    with app.extensions["tracker.engine"].connect() as connection:
        if connection.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000


def test_secret_key_generated_once_into_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    from tracker import config

    first = config.load_config(str(tmp_path), debug=True)["SECRET_KEY"]
    second = config.load_config(str(tmp_path), debug=True)["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_production_refuses_to_start_without_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    from tracker.config import ConfigError

    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    app = create_app()
    assert app.config["SECRET_KEY"] == "s" * 40
    app.extensions["tracker.engine"].dispose()


def test_database_url_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["DATABASE_URL"].endswith("env.db")
    app.extensions["tracker.engine"].dispose()


def test_translatable_strings_extract(tmp_path):
    """pybabel finds the marked strings in code and templates (the catalog of issue 7 builds on this)."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_",
            "-k",
            "_n:1,2",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    text = pot.read_text()
    for message in ("Agreements", "The end (%(end)s) is before the start (%(start)s).", "Renewal intended"):
        assert f'msgid "{message}"' in text


def test_language_names(app):
    from tracker.formatting import language_name

    with app.test_request_context():
        assert language_name("id") == "Indonesian"
        assert language_name("en-GB") == "English (United Kingdom)"
        assert language_name("ko") == "Korean"
        assert language_name("xx-Zzzz") == "xx-Zzzz"
        assert language_name("") == ""
