"""Logs an operator can use: one line per event on standard error, each with its time, level, logger and request id.

The process configures logging once, where it starts (app.py for `flask` and every WSGI server, and
deploy/gunicorn.conf.py for gunicorn's own lines), before the app exists: `create_app` leaves the process's logging
alone, so that tests and scripts that build apps keep theirs. `TRACKER_LOG_FORMAT=json` writes one JSON object per
line for log shippers; `TRACKER_LOG_LEVEL` (INFO) is the least level of the tracker's own loggers, among them
`tracker.security` (sign-ins, failures, lock-outs, sign-outs, password and role changes, tokens and calendar feeds).

A request's id is the reverse proxy's `X-Request-ID` when it is well formed (nginx's `$request_id`, a UUID), else
a new one; it is sent back in the same header, shown on error pages, and written on every line logged while the
request is handled, so that a user's "reference" on a 500 page leads to the lines of that request.
"""

from __future__ import annotations

import json
import logging
import logging.config
import os
import re
import uuid
from datetime import datetime
from typing import Any

from flask import Flask, g, has_request_context, request

from tracker.config import ConfigError

REQUEST_ID_HEADER = "X-Request-ID"
# An id from outside is kept only when it is short and made of characters that are safe in a log line, a JSON string
# and a page: UUIDs, nginx's 32 hex digits and most tracing ids are; anything else is replaced by a new id.
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._:+=/-]{1,128}")
NO_REQUEST = "-"
FORMATS = ("text", "json")  # the first is the default
LEVELS = ("INFO", "DEBUG", "WARNING", "ERROR")  # the first is the default
TEXT_LINE = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
# Path parameters that are secrets (a calendar feed's token): logged by name, never by value.
SECRET_PATH_PARAMETERS = frozenset({"token"})


def request_id() -> str:
    """The id of the request being handled, taken or made on first use; "-" outside a request."""
    if not has_request_context():
        return NO_REQUEST
    if "request_id" not in g:
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = offered if REQUEST_ID_PATTERN.fullmatch(offered) else uuid.uuid4().hex
    return g.request_id


def secret_path_parameters() -> dict[str, str]:
    """The request's secret path parameters (a calendar feed's token) by name."""
    arguments = request.view_args or {}
    return {name: str(arguments[name]) for name in SECRET_PATH_PARAMETERS.intersection(arguments)}


def hide_secrets(text: str) -> str:
    """The text with the request's secret path parameters replaced by their names."""
    for name, value in secret_path_parameters().items():
        text = text.replace(value, f"<{name}>")
    return text


def request_path() -> str:
    """The request's path for a log line, with secret path parameters (a calendar's token) named, not shown."""
    return hide_secrets(request.path)


class RequestFilter(logging.Filter):
    """Give every record the id of its request, and hide the request's secret path parameters in its message (Flask
    logs a failed request's path). On the handler, so that the lines of libraries and Flask get both too."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id()
        if has_request_context() and secret_path_parameters():
            record.msg, record.args = hide_secrets(record.getMessage()), None
        return True


class Formatter(logging.Formatter):
    """Times as ISO 8601 in the server's time zone, to the millisecond: 2026-12-06T10:42:13.123+07:00."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="milliseconds")


class TextFormatter(Formatter):
    """One line per event; line breaks inside a message (user input) are escaped, so no line can be forged."""

    def __init__(self) -> None:
        super().__init__(TEXT_LINE)

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = record.message.replace("\r", "\\r").replace("\n", "\\n")
        return super().formatMessage(record)


class JsonFormatter(Formatter):
    """One JSON object per line: time, level, logger, request_id, message, and the traceback if there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", NO_REQUEST),
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)


def make_handler(stream: Any, log_format: str = "text") -> logging.Handler:
    """A handler writing each record as one line in the chosen format to `stream`, with its request id."""
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestFilter())
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    return handler


def choice(name: str, choices: tuple[str, ...]) -> str:
    """One of `choices` (the first by default) from the environment, in any case; else the start stops and says why."""
    value = os.environ.get(name, "").strip() or choices[0]
    for member in choices:
        if member.lower() == value.lower():
            return member
    raise ConfigError(f"{name} must be one of {', '.join(choices)}, not {value!r}.")


def logging_config() -> dict[str, Any]:
    """The dictConfig of the process: everything to standard error; the tracker's loggers from TRACKER_LOG_LEVEL."""
    log_format, level = choice("TRACKER_LOG_FORMAT", FORMATS), choice("TRACKER_LOG_LEVEL", LEVELS)
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "handlers": {
            "stderr": {"()": make_handler, "stream": "ext://sys.stderr", "log_format": log_format},
        },
        # Libraries (SQLAlchemy, the page readers) say only what matters; gunicorn's master and workers say what
        # they do (started, booting, a worker timed out or crashed) through the same handler. Its access lines are
        # left to nginx, whose log has the request id too and never a calendar's token (deploy/nginx/tracker.conf).
        "root": {"level": "WARNING", "handlers": ["stderr"]},
        "loggers": {
            "tracker": {"level": level},
            "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
            "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": True},
        },
    }


def configure() -> None:
    """Configure the process's logging from the environment (TRACKER_LOG_FORMAT, TRACKER_LOG_LEVEL)."""
    logging.config.dictConfig(logging_config())


def send_request_id(response):
    """Answer with the request's id, so a client or the proxy can quote it."""
    response.headers[REQUEST_ID_HEADER] = request_id()
    return response


def init_app(app: Flask) -> None:
    """Return the request id on every answer and offer it to templates (the error pages show it)."""
    app.after_request(send_request_id)
    app.add_template_global(request_id)
