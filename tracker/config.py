"""Configuration: defaults in code, overrides from the environment or a dict in tests."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any


def default_database_url(instance_path: str) -> str:
    """SQLite file in the instance folder, the embedded default."""
    return f"sqlite:///{Path(instance_path) / 'tracker.db'}"


def local_secret_key(instance_path: str) -> str:
    """Read, or generate once, a secret key kept in the instance folder for local use."""
    key_file = Path(instance_path) / "secret_key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def load_config(instance_path: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the settings dict: code defaults, then environment, then explicit overrides."""
    overrides = overrides or {}
    config: dict[str, Any] = {
        "DATABASE_URL": os.environ.get("DATABASE_URL") or default_database_url(instance_path),
        "SECRET_KEY": os.environ.get("SECRET_KEY"),
        "BABEL_DEFAULT_LOCALE": os.environ.get("TRACKER_LOCALE", "en_GB"),
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("TRACKER_TIMEZONE", "Asia/Jakarta"),
        "TRACKER_PAGE_SIZE": int(os.environ.get("TRACKER_PAGE_SIZE", "25")),
        "TRACKER_HOME_COUNTRY": os.environ.get("TRACKER_HOME_COUNTRY", "ID"),
        "TRACKER_EXPIRING_MONTHS": int(os.environ.get("TRACKER_EXPIRING_MONTHS", "12")),
        "SQL_ECHO": bool(os.environ.get("TRACKER_SQL_ECHO")),
    }
    config.update(overrides)
    if not config["SECRET_KEY"]:
        config["SECRET_KEY"] = local_secret_key(instance_path)
    return config
