"""Logs an operator can use (tracker/logs.py): the request id of every answer, line and error page; the text and JSON
lines; the security events; and no password, secret key or token in any line. caplog reads the records; the lines
are read as the handler of the process's configuration (app.py, deploy/gunicorn.conf.py) writes them, attached here
to the root logger for the test. tests/cli/test_deploy.py reads the same lines from gunicorn's standard error."""

from __future__ import annotations

import errno
import io
import json
import logging
import re
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from sqlalchemy import select, text

from tests.conftest import TEST_PASSWORD, sign_in_client
from tracker import auth, logs
from tracker.config import ConfigError
from tracker.models import ApiToken, UserRole
from tracker.services.accounts import Throttle

GENERATED_ID = re.compile(r"[0-9a-f]{32}")
TEXT_LINE = re.compile(
    r"(?P<time>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d) (?P<level>[A-Z]+) (?P<logger>[\w.]+) "
    r"\[(?P<request_id>[^\]]+)\] (?P<message>.*)"
)


@pytest.fixture
def operator_log(caplog) -> Iterator[Callable[[str], io.StringIO]]:
    """operator_log("json"): a stream receiving every line the production handler writes during the test."""
    caplog.set_level(logging.DEBUG, logger="tracker")
    root, handlers = logging.getLogger(), []

    def attach(log_format: str = "text") -> io.StringIO:
        stream = io.StringIO()
        handlers.append(logs.make_handler(stream, log_format))
        root.addHandler(handlers[-1])
        return stream

    yield attach
    for handler in handlers:
        root.removeHandler(handler)


def json_lines(stream: io.StringIO) -> list[dict]:
    """Each line written, read as the JSON object it must be."""
    return [json.loads(line) for line in stream.getvalue().splitlines()]


# --- the request id -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offered", "kept"),
    [
        ("0b9e6c1f6f0a4d3c8e2a7d51c4b1e9f2", True),  # nginx's $request_id
        ("5f0c2b9e-3d41-4c6a-9a59-1f3c0e7d2b88", True),  # a UUID
        ("Root=1-67a1b2c3-0123456789abcdef01234567", True),  # a load balancer's trace id
        ("r" * 128, True),
        ("r" * 129, False),  # too long
        ("two words", False),
        ('quote"break', False),
        ("<script>alert(1)</script>", False),
        ("séance-1", False),
        ("", False),
    ],
)
def test_a_request_id_from_the_proxy_is_kept_only_when_well_formed(app, offered, kept):
    answer = app.test_client().get("/health", headers={"X-Request-ID": offered})
    sent = answer.headers["X-Request-ID"]
    assert sent == offered if kept else GENERATED_ID.fullmatch(sent)


def test_every_answer_has_a_request_id_of_its_own(app, client):
    answers = [
        app.test_client().get("/health"),
        app.test_client().get("/static/css/tracker.css"),
        app.test_client().get("/"),  # to the sign-in page
        client.get("/agreements/999999"),  # 404 page
        app.test_client().get("/api/v1/agreements"),  # 401 problem
    ]
    ids = [answer.headers["X-Request-ID"] for answer in answers]
    assert all(GENERATED_ID.fullmatch(request_id) for request_id in ids) and len(set(ids)) == len(ids)
    for answer in answers:
        answer.close()


def test_outside_a_request_the_id_is_a_dash(app, operator_log):
    stream = operator_log("json")
    logging.getLogger("tracker.security").info("API token ctk_abcd made for ops@kemenperin.example on the command line")
    assert json_lines(stream)[0]["request_id"] == "-"


# --- the lines ------------------------------------------------------------------------------------------------------


def test_text_lines_carry_time_level_logger_and_request_id(app, operator_log, make_user):
    stream = operator_log("text")
    make_user(UserRole.EDITOR, email="ana@kemenperin.example")
    answer = app.test_client().post(
        "/sign-in", data={"email": "ana@kemenperin.example", "password": TEST_PASSWORD}, headers={"X-Request-ID": "r-1"}
    )
    assert answer.status_code == 302
    lines = [TEXT_LINE.fullmatch(line) for line in stream.getvalue().splitlines()]
    assert lines and all(lines), stream.getvalue()
    signed_in = [line for line in lines if line["message"].startswith("sign-in ana@kemenperin.example from ")]
    assert [(line["level"], line["logger"], line["request_id"]) for line in signed_in] == [
        ("INFO", "tracker.security", "r-1")
    ]


def test_a_line_break_in_a_message_cannot_start_a_line_of_its_own(app, operator_log):
    """User input in a message (a typed e-mail address) could otherwise forge a line of the log."""
    stream = operator_log("text")
    forged = "x\n2026-12-06T10:00:00.000+07:00 INFO tracker.security [-] sign-in admin@kemenperin.example"
    with app.test_request_context("/sign-in", headers={"X-Request-ID": "r-2"}):
        logging.getLogger("tracker.security").warning("sign-in failed for %s", forged)
    (line,) = stream.getvalue().splitlines()
    assert line.endswith("sign-in failed for x\\n2026-12-06T10:00:00.000+07:00 INFO tracker.security [-] sign-in "
                         "admin@kemenperin.example") and "[r-2]" in line  # fmt: skip


def test_json_lines_are_one_object_each_with_the_traceback_inside(app, operator_log):
    stream = operator_log("json")
    with app.test_request_context("/", headers={"X-Request-ID": "r-3"}):
        try:
            raise ValueError("Kerja sama “baterai”\nline two")
        except ValueError:
            logging.getLogger("tracker").exception("Exception on / [GET]")
    (entry,) = json_lines(stream)
    assert set(entry) == {"time", "level", "logger", "request_id", "message", "exception"}
    assert (entry["level"], entry["logger"], entry["request_id"]) == ("ERROR", "tracker", "r-3")
    assert entry["exception"].startswith("Traceback") and "Kerja sama “baterai”\nline two" in entry["exception"]


def test_the_configuration_reads_format_and_level_from_the_environment(monkeypatch):
    monkeypatch.setenv("TRACKER_LOG_FORMAT", "JSON")
    monkeypatch.setenv("TRACKER_LOG_LEVEL", "warning")
    config = logs.logging_config()
    assert config["handlers"]["stderr"]["log_format"] == "json"
    assert config["loggers"]["tracker"]["level"] == "WARNING"
    monkeypatch.delenv("TRACKER_LOG_FORMAT")
    monkeypatch.delenv("TRACKER_LOG_LEVEL")
    config = logs.logging_config()
    assert config["handlers"]["stderr"]["log_format"] == "text" and config["loggers"]["tracker"]["level"] == "INFO"
    assert config["root"] == {"level": "WARNING", "handlers": ["stderr"]}


@pytest.mark.parametrize(("name", "value"), [("TRACKER_LOG_FORMAT", "xml"), ("TRACKER_LOG_LEVEL", "verbose")])
def test_a_setting_that_cannot_be_read_stops_the_start(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        logs.logging_config()


# --- error pages ----------------------------------------------------------------------------------------------------


def test_a_server_error_page_shows_the_reference_that_is_in_the_log(app, operator_log, monkeypatch):
    stream = operator_log("json")
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken(_sql):
        raise RuntimeError("a bug")

    monkeypatch.setattr(auth, "text", broken)
    answer = app.test_client().get("/health", headers={"X-Request-ID": "err-500"})
    assert answer.status_code == 500 and answer.headers["X-Request-ID"] == "err-500"
    assert "Reference of this request: err-500" in answer.text and "Something went wrong on the server" in answer.text
    (error,) = [entry for entry in json_lines(stream) if entry["level"] == "ERROR"]
    assert error["request_id"] == "err-500" and error["message"] == "Exception on /health [GET]"
    assert "RuntimeError: a bug" in error["exception"]


def test_an_unavailable_page_shows_the_reference_that_is_in_the_log(app, operator_log, monkeypatch):
    stream = operator_log("json")

    def full(_sql):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(auth, "text", full)
    answer = app.test_client().get("/health")
    assert answer.status_code == 503
    request_id = answer.headers["X-Request-ID"]
    assert f"Reference of this request: {request_id}" in answer.text
    (error,) = [entry for entry in json_lines(stream) if entry["logger"] == "tracker.db"]
    assert error["request_id"] == request_id and error["message"].startswith("database unavailable (disk full)")


def test_the_not_found_page_shows_its_reference_too(client):
    answer = client.get("/parties/999999")
    assert answer.status_code == 404
    assert f"Reference of this request: {answer.headers['X-Request-ID']}" in answer.text


# --- security events, and no secret in any line ---------------------------------------------------------------------

SECRET_KEY = "f3c9a1d07b6e45e2a8c4d1b9e0f7a6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9"
WRONG_PASSWORD = "Kata sandi yang salah 42"
NEW_OWN_PASSWORD = "kopi tubruk di pagi hari"
TYPED_PASSWORD = "sate ayam dan lontong"
CLI_PASSWORD = "nasi goreng kampung pedas"
FEED_TOKEN = re.compile(r"/calendar/([A-Za-z0-9_-]+)\.ics")
API_TOKEN = re.compile(r"ctk_[A-Za-z0-9_-]{43}")
GENERATED_PASSWORD = re.compile(r'<code class="secret">([^<]+)</code>')


def security_journey(app: Flask, session, make_user) -> list[str]:
    """Every security event, from the pages and the command line; the secrets typed, shown or printed on the way."""
    admin = make_user(UserRole.ADMIN, email="chief@kemenperin.example")
    ana = make_user(UserRole.EDITOR, email="ana@kemenperin.example")
    locked = make_user(UserRole.VIEWER, email="budi@kemenperin.example")
    browser = app.test_client()
    for _attempt in range(3):  # two failures lock the account, the third attempt is refused
        browser.post("/sign-in", data={"email": locked.email, "password": WRONG_PASSWORD})
    assert browser.post("/sign-in", data={"email": ana.email, "password": TEST_PASSWORD}).status_code == 302
    changed = {"current": TEST_PASSWORD, "password": NEW_OWN_PASSWORD, "confirm": NEW_OWN_PASSWORD}
    assert browser.post("/account/password", data=changed).status_code == 302
    made = browser.post("/account/tokens", data={"name": "nightly import"})
    api_token = API_TOKEN.search(made.text).group(0)
    token_id = session.scalar(select(ApiToken.id).where(ApiToken.user_id == ana.id))
    assert browser.post(f"/account/tokens/{token_id}/revoke").status_code == 302
    feed = browser.post("/account/calendars/new", data={"name": "EV", "query": "", "lead_months": "6"})
    feed_token = FEED_TOKEN.search(feed.text).group(1)
    assert browser.get(f"/calendar/{feed_token}.ics").status_code == 200
    assert browser.post("/sign-out").status_code == 302
    office = sign_in_client(app.test_client(), admin)
    typed = {
        "email": "citra@kemenperin.example",
        "role": "editor",
        "password": TYPED_PASSWORD,
        "confirm": TYPED_PASSWORD,
    }
    assert office.post("/users/new", data=typed).status_code == 302
    assert office.post(f"/users/{ana.id}/role", data={"role": "viewer"}).status_code == 302
    reset = office.post(f"/users/{ana.id}/password", data={"generate": "y"})
    generated = GENERATED_PASSWORD.search(reset.text).group(1)
    cli = app.test_cli_runner()
    created = cli.invoke(args=["create-user", "dewi@kemenperin.example", "--password-stdin"], input=CLI_PASSWORD + "\n")
    printed = cli.invoke(args=["create-token", admin.email, "--name", "backup script"])
    assert created.exit_code == 0 and printed.exit_code == 0, created.output + printed.output
    cli_token = API_TOKEN.search(printed.output).group(0)
    return [TEST_PASSWORD, WRONG_PASSWORD, NEW_OWN_PASSWORD, TYPED_PASSWORD, CLI_PASSWORD, generated, api_token,
            feed_token, cli_token, SECRET_KEY]  # fmt: skip


def test_security_events_reach_the_log_and_no_secret_does(app, session, make_user, caplog, operator_log):
    app.config["SECRET_KEY"] = SECRET_KEY
    app.config["TRACKER_THROTTLE"] = Throttle(account_limit=2, delay_base=0)
    caplog.set_level(logging.DEBUG)  # every logger, SQLAlchemy's statements too
    stream = operator_log("json")
    secrets = security_journey(app, session, make_user)
    events = [(record.levelno, record.getMessage()) for record in caplog.records if record.name == "tracker.security"]
    expected = [
        "sign-in failed for 'budi@kemenperin.example' from 127.0.0.1",
        "sign-in refused (locked) for 'budi@kemenperin.example' from 127.0.0.1",
        "sign-in ana@kemenperin.example from 127.0.0.1",
        "password changed by ana@kemenperin.example",
        "API token ctk_",
        "revoked by ana@kemenperin.example",
        "calendar feed ",
        "sign-out ana@kemenperin.example",
        "user admin: chief@kemenperin.example created citra@kemenperin.example as editor",
        "user admin: chief@kemenperin.example changed role of ana@kemenperin.example from editor to viewer",
        "user admin: chief@kemenperin.example reset password of ana@kemenperin.example (generated)",
        "user admin: command line created dewi@kemenperin.example as viewer",
        "on the command line",
    ]
    for start in expected:
        assert any(start in message and level >= logging.INFO for level, message in events), (start, events)
    written = stream.getvalue() + caplog.text + repr([record.args for record in caplog.records])
    assert [secret for secret in secrets if secret in written] == []


def test_a_calendar_feeds_token_is_hidden_in_flasks_own_lines(app, operator_log, monkeypatch):
    """A failed feed: Flask logs the path of the request, which holds the token; the line shows its name instead."""
    stream = operator_log("text")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    monkeypatch.setattr("tracker.web.calendars.feed_by_token", lambda *_args: 1 / 0)
    token = "Zx81-secret-feed-token-0f9e8d7c6b5a"
    assert app.test_client().get(f"/calendar/{token}.ics").status_code == 500
    assert "Exception on /calendar/<token>.ics [GET]" in stream.getvalue() and token not in stream.getvalue()


def test_a_failed_statements_values_stay_out_of_the_log(app, operator_log, monkeypatch):
    stream = operator_log("text")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    # A statement the database refuses, carrying a value a user typed (a password hash, a personal name).
    monkeypatch.setattr(auth, "text", lambda _sql: text("SELECT :typed FROM no_such_table").bindparams(typed=TYPED))
    answer = app.test_client().get("/health")
    assert answer.status_code >= 500
    written = stream.getvalue()
    assert "no_such_table" in written  # the failure is logged, with its statement
    assert TYPED not in written and "[parameters:" not in written


TYPED = "Rahasia: sandi-lama-2017"
