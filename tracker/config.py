"""Configuration: defaults in code, overrides from the environment or a dict in tests."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from tracker import cadence
from tracker.ingest.fetch.policy import policy_from_config
from tracker.services.accounts import Throttle
from tracker.sso.settings import sso_settings

# Each schedule's cadence setting and its default (tracker/schedules.py).
CADENCE_DEFAULTS = {
    "TRACKER_SCHEDULE_DIGEST": "mon 07:00",
    "TRACKER_SCHEDULE_BACKUP": "02:30",
    "TRACKER_SCHEDULE_RECHECK": "03:30",
    "TRACKER_SCHEDULE_PURGE": "hourly :15",
    "TRACKER_SCHEDULE_FEEDS": "hourly :40",
}


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete; the app refuses to start."""


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


def minutes(name: str, default: int) -> timedelta:
    """A duration in minutes from the environment."""
    return timedelta(minutes=int(os.environ.get(name, str(default))))


def whole_number(name: str, default: int) -> int:
    """A count of zero or more from the environment; anything else stops the app at start-up."""
    value = os.environ.get(name, str(default)).strip()
    if not value.isdigit():
        raise ConfigError(f"{name} must be a whole number of zero or more, not {value!r}.")
    return int(value)


def switch(name: str, default: bool) -> bool:
    """An on/off setting from the environment: 1/0, on/off, yes/no or true/false; anything else stops the app."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value not in ("1", "0", "on", "off", "yes", "no", "true", "false"):
        raise ConfigError(f"{name} must be 1 or 0 (on or off), not {value!r}.")
    return value in ("1", "on", "yes", "true")


def load_config(instance_path: str, overrides: dict[str, Any] | None = None, debug: bool = False) -> dict[str, Any]:
    """Build the settings dict: code defaults, then environment, then explicit overrides."""
    overrides = overrides or {}
    https = os.environ.get("PREFERRED_URL_SCHEME", "http") == "https"
    config: dict[str, Any] = {
        "DATABASE_URL": os.environ.get("DATABASE_URL") or default_database_url(instance_path),
        "SECRET_KEY": os.environ.get("SECRET_KEY", "").strip() or None,
        "BABEL_DEFAULT_LOCALE": os.environ.get("TRACKER_LOCALE", "en_GB"),
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("TRACKER_TIMEZONE", "Asia/Jakarta"),
        "TRACKER_PAGE_SIZE": int(os.environ.get("TRACKER_PAGE_SIZE", "25")),
        "TRACKER_HOME_COUNTRY": os.environ.get("TRACKER_HOME_COUNTRY", "ID"),
        "TRACKER_EXPIRING_MONTHS": int(os.environ.get("TRACKER_EXPIRING_MONTHS", "12")),
        "SQL_ECHO": bool(os.environ.get("TRACKER_SQL_ECHO")),
        # How long a SQLite writer waits for another's lock before the request is retried or answered 503.
        "TRACKER_SQLITE_BUSY_MS": int(os.environ.get("TRACKER_SQLITE_BUSY_MS", "10000")),
        # Sessions: signed cookies that scripts cannot read, not sent cross-site, https-only over https.
        "PREFERRED_URL_SCHEME": "https" if https else "http",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": https,
        "PERMANENT_SESSION_LIFETIME": minutes("TRACKER_SESSION_MINUTES", 12 * 60),
        "TRACKER_IDLE_TIMEOUT": minutes("TRACKER_IDLE_MINUTES", 60),
        "TRACKER_THROTTLE": Throttle(),
        # Reverse proxies in front of the app whose X-Forwarded-* headers are trusted (tracker/__init__.py).
        "TRACKER_PROXY_COUNT": whole_number("TRACKER_PROXY_COUNT", 0),
        # Uploads and pasted pages: a saved article is far below this.
        "MAX_CONTENT_LENGTH": 6 * 1024 * 1024,
        # Fetching the pages users link to (tracker/ingest/fetch/): the ports allowed (the full list, e.g.
        # "80,443,8080"), and networks exempt from the public-addresses-only rule, as comma-separated CIDRs.
        # DANGER: an exempt network becomes reachable by every user who can add a source (internal services,
        # cloud metadata at 169.254.169.254, databases): leave it empty except in tests and special deployments.
        # A fetch gives up after TRACKER_FETCH_TIMEOUT seconds (at least one), look-ups and redirects included.
        "TRACKER_FETCH_TIMEOUT": whole_number("TRACKER_FETCH_TIMEOUT", 10),
        "TRACKER_FETCH_PORTS": os.environ.get("TRACKER_FETCH_PORTS", "80,443"),
        "TRACKER_FETCH_ALLOWED_NETWORKS": os.environ.get("TRACKER_FETCH_ALLOWED_NETWORKS", ""),
        # Expiry alerts: the CLI has no request, so links in mails are built on this address.
        "TRACKER_BASE_URL": os.environ.get("TRACKER_BASE_URL", "http://127.0.0.1:5000"),
        "TRACKER_SMTP_HOST": os.environ.get("TRACKER_SMTP_HOST", "localhost"),
        "TRACKER_SMTP_PORT": int(os.environ.get("TRACKER_SMTP_PORT", "25")),
        "TRACKER_SMTP_USER": os.environ.get("TRACKER_SMTP_USER", ""),
        "TRACKER_SMTP_PASSWORD": os.environ.get("TRACKER_SMTP_PASSWORD", ""),
        "TRACKER_SMTP_STARTTLS": os.environ.get("TRACKER_SMTP_STARTTLS", "") == "1",
        "TRACKER_MAIL_FROM": os.environ.get("TRACKER_MAIL_FROM", ""),
        # Imports: the largest file accepted (MB), where uploads wait between preview and commit (default
        # instance/imports), and for how long.
        "TRACKER_IMPORT_MAX_BYTES": int(os.environ.get("TRACKER_IMPORT_MAX_MB", "50")) * 1024 * 1024,
        "TRACKER_IMPORT_DIR": os.environ.get("TRACKER_IMPORT_DIR", ""),
        "TRACKER_IMPORT_MAX_AGE": minutes("TRACKER_IMPORT_MAX_AGE_MINUTES", 120),
        # Documents attached to agreements (tracker/documents.py): the largest file accepted (MB; its upload may
        # exceed MAX_CONTENT_LENGTH by that much), and where files are kept by their SHA-256 (default
        # instance/documents; back it up with the database).
        "TRACKER_DOCUMENT_MAX_BYTES": whole_number("TRACKER_DOCUMENT_MAX_MB", 25) * 1024 * 1024,
        "TRACKER_DOCUMENTS_DIR": os.environ.get("TRACKER_DOCUMENTS_DIR", ""),
        # Background jobs (tracker/jobs.py): the queue (empty: a SQLite file in the instance folder; redis://… for
        # Redis) and its name there, where results are written (default instance/jobs) and for how many hours they
        # are kept, after how many seconds without progress a running job counts as lost with its worker, after how
        # many minutes a queued job missing from the queue is sent again (and failed when missing again), and from
        # how many agreements an export, and from how many rows a web import's commit, becomes a job. An export
        # streams in the same memory whatever its size, so it becomes a job only where it would hold a web worker
        # for long: 100,000 agreements take about 10 s (bench/exports.py).
        "TRACKER_JOBS_URL": os.environ.get("TRACKER_JOBS_URL", ""),
        "TRACKER_JOBS_QUEUE": os.environ.get("TRACKER_JOBS_QUEUE", "tracker"),
        "TRACKER_JOBS_DIR": os.environ.get("TRACKER_JOBS_DIR", ""),
        "TRACKER_JOBS_KEEP_HOURS": whole_number("TRACKER_JOBS_KEEP_HOURS", 24),
        "TRACKER_JOBS_STALE_SECONDS": whole_number("TRACKER_JOBS_STALE_SECONDS", 120),
        "TRACKER_JOBS_LOST_MINUTES": whole_number("TRACKER_JOBS_LOST_MINUTES", 10),
        "TRACKER_EXPORT_JOB_ROWS": whole_number("TRACKER_EXPORT_JOB_ROWS", 250_000),
        # The most agreements one bulk action changes (the list's "all matching"; tracker/web/bulk_actions.py), and
        # above how many the page's change is a job (measured on a loaded 2-core machine: 200 in 0.3-1.5 s, 5,000 in
        # 10-19 s; the ORM's versioned UPDATE and the history's listeners cost per agreement).
        "TRACKER_BULK_MAX_ROWS": whole_number("TRACKER_BULK_MAX_ROWS", 20000),
        "TRACKER_BULK_JOB_ROWS": whole_number("TRACKER_BULK_JOB_ROWS", 500),
        # Schedules (tracker/schedules.py), run by the jobs worker: when each runs ("off", "HH:MM", "mon HH:MM",
        # "mon,thu HH:MM" or "hourly :MM", in TRACKER_TIMEZONE); the nightly SQLite backup's folder (default
        # instance/backups) and how many it keeps; re-checking sources last checked over so many days ago, at most so
        # many per run; and for how many days the runs' records are kept.
        **{setting: os.environ.get(setting, default) for setting, default in CADENCE_DEFAULTS.items()},
        "TRACKER_BACKUP_DIR": os.environ.get("TRACKER_BACKUP_DIR", ""),
        "TRACKER_BACKUP_KEEP": whole_number("TRACKER_BACKUP_KEEP", 14),
        "TRACKER_RECHECK_DAYS": whole_number("TRACKER_RECHECK_DAYS", 30),
        "TRACKER_RECHECK_BATCH": whole_number("TRACKER_RECHECK_BATCH", 100),
        # ... and at most so many of one site per run (0: no such bound).
        "TRACKER_RECHECK_PER_HOST": whole_number("TRACKER_RECHECK_PER_HOST", 20),
        # The news inbox (tracker/inbox.py): the score from which a feed's item is filed in the inbox, and how many new
        # items' pages each feed's run fetches at most (the rest wait for the next run); for how many days an item
        # left out keeps its page and is scored again by each run (0: never scored again, no page kept).
        "TRACKER_INBOX_THRESHOLD": whole_number("TRACKER_INBOX_THRESHOLD", 4),
        "TRACKER_INBOX_BATCH": whole_number("TRACKER_INBOX_BATCH", 20),
        "TRACKER_INBOX_RESCORE_DAYS": whole_number("TRACKER_INBOX_RESCORE_DAYS", 30),
        "TRACKER_RUNS_KEEP_DAYS": whole_number("TRACKER_RUNS_KEEP_DAYS", 90),
        "TRACKER_IMPORT_JOB_ROWS": whole_number("TRACKER_IMPORT_JOB_ROWS", 2000),
        # Single sign-on with an OpenID Connect provider (tracker/sso/): off while no issuer is set. The issuer's
        # discovery document gives the endpoints and keys; the client is registered at the provider with the
        # redirect URI <site>/sign-in/sso/callback. Unknown people are refused, or become viewers ("viewer"); a
        # role claim, when named, decides the role at every sign-in through the JSON map of its values to roles.
        "TRACKER_OIDC_ISSUER": os.environ.get("TRACKER_OIDC_ISSUER", ""),
        "TRACKER_OIDC_CLIENT_ID": os.environ.get("TRACKER_OIDC_CLIENT_ID", ""),
        "TRACKER_OIDC_CLIENT_SECRET": os.environ.get("TRACKER_OIDC_CLIENT_SECRET", ""),
        "TRACKER_OIDC_NAME": os.environ.get("TRACKER_OIDC_NAME", ""),
        "TRACKER_OIDC_SCOPE": os.environ.get("TRACKER_OIDC_SCOPE", ""),
        "TRACKER_OIDC_NEW_USERS": os.environ.get("TRACKER_OIDC_NEW_USERS", ""),
        "TRACKER_OIDC_ROLE_CLAIM": os.environ.get("TRACKER_OIDC_ROLE_CLAIM", ""),
        "TRACKER_OIDC_ROLE_MAP": os.environ.get("TRACKER_OIDC_ROLE_MAP", ""),
        # Off (0) once everyone signs in through the provider: the sign-in page then offers only single sign-on.
        "TRACKER_PASSWORD_SIGN_IN": switch("TRACKER_PASSWORD_SIGN_IN", True),
    }
    config.update(overrides)
    if config["DATABASE_URL"] == default_database_url(instance_path):
        Path(instance_path).mkdir(parents=True, exist_ok=True)  # SQLite makes the file but not its folder
    check_fetch_settings(config)
    check_sign_in_settings(config)
    check_schedule_settings(config)
    if "SESSION_COOKIE_SECURE" not in overrides:
        # Follows the scheme however it was set, so an https site never sends its cookie in the clear.
        config["SESSION_COOKIE_SECURE"] = config["PREFERRED_URL_SCHEME"] == "https"
    if not config["SECRET_KEY"]:
        config["SECRET_KEY"] = fallback_secret_key(instance_path, config, debug)
    return config


def check_fetch_settings(config: dict[str, Any]) -> None:
    """Refuse to start with a fetch setting that cannot be read, rather than fail at the first fetch."""
    try:
        policy_from_config(config)
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc


def check_schedule_settings(config: dict[str, Any]) -> None:
    """Read the time zone and the schedules' cadences into TRACKER_ZONE and TRACKER_CADENCES; refuse unreadable ones
    (a schedule that silently never runs would be found out only when its backup is needed)."""
    try:
        config["TRACKER_ZONE"] = cadence.zone(config["BABEL_DEFAULT_TIMEZONE"])
        config["TRACKER_CADENCES"] = {setting: cadence.parse(setting, config[setting]) for setting in CADENCE_DEFAULTS}
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc
    if config["TRACKER_BACKUP_KEEP"] < 1:
        raise ConfigError("TRACKER_BACKUP_KEEP must be 1 or more: the backup schedule keeps that many backups.")


def check_sign_in_settings(config: dict[str, Any]) -> None:
    """Read the single sign-on settings into TRACKER_SSO; refuse a configuration nobody could sign in with."""
    try:
        config["TRACKER_SSO"] = sso_settings(config)
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc
    if not config["TRACKER_PASSWORD_SIGN_IN"] and config["TRACKER_SSO"] is None:
        raise ConfigError("TRACKER_PASSWORD_SIGN_IN is off but single sign-on is not set up (TRACKER_OIDC_ISSUER).")


def fallback_secret_key(instance_path: str, config: dict[str, Any], debug: bool) -> str | None:
    """A generated key for local use and tests; otherwise none, never a made-up one (tracker/signing.py)."""
    if not (debug or config.get("TESTING")):
        return None
    return local_secret_key(instance_path)
