"""Every command the README shows, run as a newcomer would: as a subprocess, in a checkout of their own, with only the
environment the README gives (no SECRET_KEY, no FLASK_DEBUG, none of the app's settings from this machine).

The checkout is a temporary folder linking to this one's code and `.venv`, so its `instance/` (the SQLite database,
the secret key of `make run`) is new and this tree is left alone. `make run` starts there first, as the quick start
says, and keeps serving for the `curl` lines of the API section; every other command runs against the database it
made. On the PostgreSQL pass (TEST_DATABASE_URL set) the README's `createdb` and `DATABASE_URL=... make run` lines make
and fill a database of their own on that server instead, and every command runs against it.

Each README command is either run here (the module's constants, checked to be the README's own words) or listed in
NOT_RUN with the reason; a README command that is neither fails `test_every_readme_command_is_run_or_listed`, and so
does a command listed here that the README no longer shows. Where a command holds a placeholder (`PATH`, `EMAIL`,
`ctk_...`) or names something of the reader's (a port, `/srv/tracker`, a file to import), the test says what it puts
in its place.
"""

from __future__ import annotations

import http.server
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TypeVar

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import make_url, update
from sqlalchemy.orm import Session

from tests.cli.test_digest import Mailbox
from tests.data.test_migrations import recreate_postgres_database
from tracker.db import make_engine
from tracker.importing import presets
from tracker.importing.mapping import Mapping
from tracker.models import InstrumentType, User

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
FIXTURES = ROOT / "tests" / "fixtures"
# What a newcomer's checkout holds (the rest of this tree is tests and docs); bench/ holds seed-synthetic's generator.
CHECKOUT = (
    "app.py",
    "tracker",
    "bench",
    "templates",
    "static",
    "translations",
    "migrations",
    "alembic.ini",
    "Makefile",
    "requirements.txt",
    "requirements-dev.txt",
    "babel.cfg",
    "pyproject.toml",
    "deploy",
    ".venv",
)
# Programs whose mention in `inline code` is a command to check (a bare program name is not).
PROGRAMS = {
    "make", "flask", "python", "python3", "pip", "curl", "createdb", "psql", "apt-get", "sudo", "gunicorn",
    "sqlite3", "sqlite-utils", "pg_dump", "pg_restore", "jq", "printf",
}  # fmt: skip
T = TypeVar("T")
ADMIN = "admin@example.org"  # the demo admin that `make run` creates
FLASK = ".venv/bin/flask --app app"

# --- the README's commands this test runs, in the README's words ------------------------------------------------

MAKE_RUN = "make run"
UPGRADE_DB = f"{FLASK} upgrade-db"
LOAD_DEMO = f"{FLASK} load-demo"
LOAD_DEMO_IF_EMPTY = f"{FLASK} load-demo --if-empty"
BACKUP_PATH = f"{FLASK} backup PATH"
CREATE_TOKEN = f"{FLASK} create-token EMAIL --name NAME"
SEED_SYNTHETIC = f"{FLASK} seed-synthetic --agreements 100000 --seed 1"
CREATEDB = "createdb -h 127.0.0.1 -U postgres tracker"
MAKE_RUN_POSTGRES = "DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/tracker make run"
CREATE_USER = f'{FLASK} create-user ana@kemenperin.go.id --role editor --name "Ana"'
CREATE_USER_STDIN = (
    f"printf '%s\\n' \"$PASSWORD\" | {FLASK} create-user ops@kemenperin.go.id --role admin --password-stdin"
)
ADD_SOURCE_URL = f"{FLASK} add-source https://example.org/article --link-suggested"
ADD_SOURCE_FILE = f'{FLASK} add-source saved-article.html --link 1 --note "2006 to 2018"'
BACKUP_DATED = f"{FLASK} backup /var/backups/tracker/tracker-$(date +%F).db"
DIGEST_CRON = (
    "0 7 * * 1 cd /srv/tracker && TRACKER_MAIL_FROM='Cooperation Tracker <tracker@kemenperin.go.id>' "
    f"TRACKER_BASE_URL=https://tracker.kemenperin.go.id {FLASK} send-digest"
)
DIGEST_DRY_RUN = f"{FLASK} send-digest --as-of 2017-10-04 --dry-run"
TOKEN_LINE = "TOKEN=ctk_..."
API_LINE = "API=http://127.0.0.1:5000/api/v1"
CURL_LIST = 'curl -H "Authorization: Bearer $TOKEN" "$API/agreements?country=KR&status=in_force&per_page=50"'
CURL_CREATE = (
    'curl -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" -d \'{"name": "Korea Electronics '
    'Technology Institute", "kind": "research_institute", "country_code": "KR"}\' "$API/parties"'
)
CURL_READ = 'curl -i -H "Authorization: Bearer $TOKEN" "$API/agreements/1"'
CURL_PATCH = (
    'curl -X PATCH -H "Authorization: Bearer $TOKEN" -H \'If-Match: W/"3"\' -H "Content-Type: application/json" '
    '-d \'{"status": "expired", "end": "2018"}\' "$API/agreements/1"'
)
CURL_DELETE = 'curl -X DELETE -H "Authorization: Bearer $TOKEN" -H \'If-Match: W/"4"\' "$API/agreements/1"'
EXPORT_XLSX = f"{FLASK} export agreements.xlsx"
EXPORT_CSV = f'{FLASK} export --format csv --query "sector=technology&country=KR" korea.csv'
EXPORT_JSON = f"{FLASK} export --format json - | jq length"
IMPORT_TREATIES = f"{FLASK} import treaties.csv"
IMPORT_XLSX = f"{FLASK} import agreements.xlsx --commit"
IMPORT_PRESET = f'{FLASK} import list.csv --preset "Our list" --default-status signed --commit'
IMPORT_SHEET = f"{FLASK} import kerja_sama.csv --create-sectors --commit"
MAKE_TRANSLATIONS = "make translations"
MAKE_LINT = "make lint"
CATALOGS_MISSING = ".venv/bin/python -m tracker.catalogs missing"
NEW_SECRET = 'python3 -c "import secrets; print(secrets.token_hex(32))"'
MAKE_SERVE = "make serve"
MAKE_UPGRADE_DB = "make upgrade-db"
BACKUP_KEEP = f"{FLASK} backup /var/backups/tracker --keep 14"
TRACKER_FUNCTION = (
    "tracker() { sudo -u tracker sh -c 'cd /srv/tracker && set -a && . /etc/tracker/tracker.env && exec "
    '.venv/bin/flask --app app "$@"\' tracker "$@"; }'
)
TRACKER_UPGRADE_DB = "tracker upgrade-db"

RUN = {
    MAKE_RUN, UPGRADE_DB, LOAD_DEMO, LOAD_DEMO_IF_EMPTY, BACKUP_PATH, CREATE_TOKEN, SEED_SYNTHETIC, CREATE_USER,
    CREATE_USER_STDIN, ADD_SOURCE_URL, ADD_SOURCE_FILE, BACKUP_DATED, DIGEST_CRON, DIGEST_DRY_RUN, TOKEN_LINE,
    API_LINE, CURL_LIST, CURL_CREATE, CURL_READ, CURL_PATCH, CURL_DELETE, EXPORT_XLSX, EXPORT_CSV, EXPORT_JSON,
    IMPORT_TREATIES, IMPORT_XLSX, IMPORT_PRESET, IMPORT_SHEET, MAKE_TRANSLATIONS, MAKE_LINT, CATALOGS_MISSING,
    NEW_SECRET, MAKE_SERVE, MAKE_UPGRADE_DB, BACKUP_KEEP, TRACKER_FUNCTION, TRACKER_UPGRADE_DB,
}  # fmt: skip
# Run on the PostgreSQL pass only: they need a PostgreSQL server.
RUN_ON_POSTGRES = {CREATEDB, MAKE_RUN_POSTGRES}

# --- the README's commands this test does not run, and why ---------------------------------------------------------

NOT_RUN = {
    "make test": "this test is part of `make test`",
    "TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/tracker_test make test": (
        "this test is part of `make test`; its PostgreSQL pass is this command"
    ),
    "createdb -h 127.0.0.1 -U postgres tracker_test": (
        "makes the database of `make test` on PostgreSQL; the PostgreSQL pass runs the README's other `createdb`"
    ),
    ".ci/run": "runs `make test`, which holds this test",
    "make screenshots": (
        "rewrites the committed pictures; tests/browser/test_screenshots.py takes the same ones into a temporary "
        "folder on every run"
    ),
    "make messages": "rewrites the committed catalogs (translations/)",
    ".venv/bin/ruff format": "rewrites the source files",
    "make oidc-provider": "runs as a prerequisite of every `make test` (npm ci of tests/oidc_provider)",
    "make bench": "builds databases of 10,000 and 100,000 agreements on both engines: about an hour",
    "make bench BENCH_SIZES=2000": "installs the benchmark's tools (wrk, Datasette) and takes minutes",
    "sqlite-utils insert": "names the benchmark's point of comparison; `make bench` runs it",
    "pg_dump --format=custom": "names the option; `backup` prints the whole command on PostgreSQL (run here)",
    "apt-get install chromium": "installs system packages (as root, from the network)",
    "sudo apt-get install python3.11 python3.11-venv make chromium curl jq": "installs system packages (network)",
    "sudo apt-get install postgresql": "installs system packages (from the network)",
    "flask --app app create-token EMAIL [--name NAME]": "the synopsis of create-token; run as the README shows it",
    "flask --app app seed-synthetic --agreements N [--seed S]": "the synopsis of seed-synthetic; run likewise",
    ".venv/bin/flask --app app jobs-worker --threads 2": (
        "runs until stopped; tests/web/test_jobs.py starts it as a process of its own, kills it mid-job and starts "
        "another, and `make run` (run here) starts one beside the server"
    ),
    "flask --app app import agreements.csv --commit --create-sectors": (
        "an export imported into an empty database: tests/cli/test_export_round_trip.py runs it on every format"
    ),
}
# "Deploying": a server's own setup, as root, with systemd as PID 1, the user `tracker` and /etc. What these lines
# install is checked by tests/cli/test_deploy.py with the programs that read it (systemd-analyze, nginx, gunicorn);
# the `tracker` shell function and the commands it runs are run here (test_the_tracker_function).
SERVER_SETUP = "sets up a server (root, systemd, the user tracker); tests/cli/test_deploy.py checks what it installs"
NOT_RUN |= dict.fromkeys(
    (
        "apt-get install python3.11 python3.11-venv make nginx",
        "adduser --system --group --home /srv/tracker tracker",
        "sudo -u tracker git clone REPOSITORY_URL /srv/tracker",
        "cd /srv/tracker && sudo -u tracker make install",
        "install -d -m 750 -o root -g tracker /etc/tracker",
        "install -m 640 -o root -g tracker deploy/tracker.env /etc/tracker/tracker.env",
        "install -d -m 700 -o tracker -g tracker /var/backups/tracker",
        "install -m 644 deploy/systemd/tracker-web.service deploy/systemd/tracker-worker.service /etc/systemd/system/",
        "systemctl daemon-reload && systemctl enable --now tracker-web.service tracker-worker.service",
        "install -m 644 deploy/nginx/tracker.conf /etc/nginx/sites-available/tracker.conf",
        "ln -s ../sites-available/tracker.conf /etc/nginx/sites-enabled/tracker.conf",
        "nginx -t && systemctl reload nginx",
        "cd /srv/tracker && sudo -u tracker git pull && sudo -u tracker make install",
        "systemctl stop tracker-web tracker-worker && systemctl start tracker-backup",
        "systemctl start tracker-web tracker-worker",
    ),
    SERVER_SETUP,
)
NOT_RUN['tracker create-user ana@kemenperin.go.id --role admin --name "Ana"'] = (
    "the `tracker` function is run with upgrade-db; create-user is run as the command line section shows it"
)


# --- reading the README --------------------------------------------------------------------------------------------


def strip_comment(line: str) -> str:
    """The line without a trailing `# comment` (a # outside quotes, after a space)."""
    for match in re.finditer(r"\s#", line):
        before = line[: match.start()]
        if before.count("'") % 2 == 0 and before.count('"') % 2 == 0:
            return before
    return line


def block_commands(text: str) -> list[str]:
    """The commands of the ```sh blocks: continuation lines joined, comments dropped, spaces collapsed."""
    commands = []
    for block in re.findall(r"^```(?:sh|bash|shell)\n(.*?)^```", text, flags=re.S | re.M):
        logical = re.sub(r"\\\n", " ", block)
        for line in logical.splitlines():
            command = " ".join(strip_comment(line).split())
            if command:
                commands.append(command)
    return commands


def inline_commands(text: str) -> list[str]:
    """`inline code` outside the blocks that is a command: a known program with arguments, or a path to run."""
    prose = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    found = []
    for span in re.findall(r"`([^`\n]+)`", prose):
        words = span.split()
        program = words[0]
        if program.startswith((".venv/bin/", ".ci/", "./")) or (program in PROGRAMS and len(words) > 1):
            found.append(" ".join(words))
    return found


def readme_commands() -> list[str]:
    """Every command the README shows, once each, in order."""
    text = README.read_text(encoding="utf-8")
    return list(dict.fromkeys([*block_commands(text), *inline_commands(text)]))


def test_every_readme_command_is_run_or_listed():
    shown = set(readme_commands())
    covered = RUN | RUN_ON_POSTGRES | set(NOT_RUN)
    assert sorted(shown - covered) == [], "README commands this test neither runs nor lists in NOT_RUN"
    assert sorted(covered - shown) == [], "commands this test runs or lists that the README no longer shows"
    assert not (RUN | RUN_ON_POSTGRES) & set(NOT_RUN)


def test_the_readme_pictures_exist():
    text = README.read_text(encoding="utf-8")
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert pictures and [picture for picture in pictures if not (ROOT / picture).is_file()] == []


# --- the newcomer's machine ------------------------------------------------------------------------------------------


def together(*calls: Callable[[], T]) -> list[T]:
    """Run independent commands at once (each is mostly Python starting up): their results in order."""
    with ThreadPoolExecutor(len(calls)) as pool:
        return [future.result() for future in [pool.submit(call) for call in calls]]


def free_port() -> int:
    """A TCP port of 127.0.0.1 nobody listens on at the moment."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def newcomer_environment() -> dict[str, str]:
    """This machine's environment without the app's settings or an outer make's: a newcomer's shell."""
    dropped = ("SECRET_KEY", "FLASK_", "DATABASE_URL", "TEST_DATABASE_URL", "TRACKER_", "PREFERRED_URL_SCHEME")
    make = ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES")
    return {key: value for key, value in os.environ.items() if not key.startswith(dropped) and key not in make}


@dataclass
class Newcomer:
    """A checkout of their own, the environment the README gives, and the server `make run` started."""

    home: Path
    env: dict[str, str]
    port: int
    database_url: str | None  # None: the SQLite file in the checkout's instance/
    postgres: bool
    make_run_output: str = ""
    token: str = ""
    ran: list[str] = field(default_factory=list)

    def run(
        self, command: str, replace: dict[str, str] | None = None, env: dict[str, str] | None = None, **options
    ) -> subprocess.CompletedProcess[str]:
        """Run a README command in the checkout, with `replace` put in place of its placeholders."""
        assert command in readme_commands(), f"not a README command: {command}"
        for placeholder, value in (replace or {}).items():
            assert placeholder in command, placeholder
            command = command.replace(placeholder, value)
        self.ran.append(command)
        # No controlling terminal (a new session): a password prompt reads standard input, as under cron or ssh -T.
        return subprocess.run(
            ["bash", "-o", "pipefail", "-c", command],
            cwd=options.pop("cwd", self.home),
            env=env if env is not None else self.env,
            capture_output=True,
            text=True,
            timeout=options.pop("timeout", 180),
            start_new_session=True,
            **options,
        )

    def ok(self, command: str, **options) -> str:
        """Run the command; it must succeed without a traceback. Its standard output and error together."""
        result = self.run(command, **options)
        output = result.stdout + result.stderr
        assert result.returncode == 0, f"{command} exited with {result.returncode}:\n{output}"
        assert "Traceback" not in output, output
        return output

    def flask(self, *args: str, env: dict[str, str] | None = None) -> str:
        """A `flask` command the test needs for its own setup (not one of the README's)."""
        result = subprocess.run(
            [".venv/bin/flask", "--app", "app", *args],
            cwd=self.home,
            env=env or self.env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def api_token(self) -> str:
        """The demo admin's API token, made once with the README's create-token line."""
        if not self.token:
            output = self.ok(CREATE_TOKEN, replace={"EMAIL": ADMIN, "NAME": "readme"})
            self.token = re.search(r"^(ctk_\S{20,})$", output, re.M).group(1)
        return self.token

    def engine(self):
        """An engine on the newcomer's database, for setting up what a person would click."""
        return make_engine(self.database_url or f"sqlite:///{self.home / 'instance' / 'tracker.db'}")


def make_checkout(home: Path) -> None:
    """A checkout of this tree's code in `home`, sharing its `.venv`."""
    home.mkdir()
    for name in CHECKOUT:
        (home / name).symlink_to(ROOT / name)


def serve_make_run(newcomer: Newcomer, command: str, replace: dict[str, str] | None = None) -> subprocess.Popen:
    """Start the README's `make run` in the background and wait until the app answers."""
    for placeholder, value in (replace or {}).items():
        command = command.replace(placeholder, value)
    server = start_server(newcomer, command, newcomer.port, newcomer.home / "make-run.log")
    newcomer.make_run_output = (newcomer.home / "make-run.log").read_text()
    return server


def start_server(
    newcomer: Newcomer, command: str, port: int, log_path: Path, env: dict[str, str] | None = None
) -> subprocess.Popen:
    """Start a README command that serves on PORT (`make run`, `make serve`) in the background; wait for the app."""
    newcomer.ran.append(command)
    log = open(log_path, "w")  # noqa: SIM115 (the server writes it for as long as it runs)
    server = subprocess.Popen(
        ["bash", "-c", command],
        cwd=newcomer.home,
        env={**(env or newcomer.env), "PORT": str(port)},  # the make targets' port (default 5000, likely taken here)
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    deadline = time.monotonic() + 150
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"`{command}` stopped:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as answer:
                if answer.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        stop(server)
        pytest.fail(f"`{command}` did not serve within 150 s:\n{log_path.read_text()}")
    return server


def stop(server: subprocess.Popen) -> None:
    """Stop `make run` and the server it started (its own process group)."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=20)


def check_make_is_offline(home: Path, env: dict[str, str]) -> None:
    """`make run` must not need to install anything here (no network): the venv's stamps are up to date."""
    result = subprocess.run(["make", "-q", ".venv/.runtime"], cwd=home, env=env, capture_output=True, timeout=60)
    if result.returncode != 0:
        pytest.fail(".venv is not up to date with requirements.txt: run `make test` (it installs them) first")


@pytest.fixture(scope="module")
def newcomer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Newcomer]:
    """A newcomer's checkout after `make run`, whose server keeps running for the module."""
    home = tmp_path_factory.mktemp("newcomer") / "tracker"
    make_checkout(home)
    env = newcomer_environment()
    check_make_is_offline(home, env)
    postgres = os.environ.get("TEST_DATABASE_URL")
    newcomer = Newcomer(home=home, env=env, port=free_port(), database_url=None, postgres=bool(postgres))
    if postgres:
        server_url = make_url(postgres)
        name = f"{server_url.database}_readme"
        recreate_postgres_database(postgres, name, drop_only=True)
        newcomer.database_url = server_url.set(database=name).render_as_string(hide_password=False)
        newcomer.ok(CREATEDB, replace=postgres_names(server_url, name), env={**env, **pg_environment(server_url)})
        replace = {"postgresql+psycopg://postgres@127.0.0.1/tracker": newcomer.database_url}
        server = serve_make_run(newcomer, MAKE_RUN_POSTGRES, replace)
        newcomer.env = {**env, "DATABASE_URL": newcomer.database_url}  # as the README says: point DATABASE_URL at it
    else:
        server = serve_make_run(newcomer, MAKE_RUN)
    try:
        yield newcomer
    finally:
        stop(server)
        if postgres:
            recreate_postgres_database(postgres, name, drop_only=True)


def postgres_names(server_url, name: str) -> dict[str, str]:
    """The README's `createdb` line aimed at the test's server and a database of the test's own."""
    return {
        "-h 127.0.0.1": f"-h {server_url.host or '127.0.0.1'}",
        "-U postgres": f"-U {server_url.username or 'postgres'}",
        " tracker": f" {name}",
    }


def pg_environment(server_url) -> dict[str, str]:
    """Port and password of the test's server for the PostgreSQL client programs."""
    env = {"PGPORT": str(server_url.port or 5432)}
    if server_url.password:
        env["PGPASSWORD"] = server_url.password
    return env


# --- the quick start and the command line ------------------------------------------------------------------------


def test_make_run_migrates_loads_the_demo_and_serves(newcomer):
    output = newcomer.make_run_output
    assert "Database at revision head." in output
    assert "Demo data loaded: 3 agreements, 6 parties, 3 sources." in output
    assert re.search(rf"Sign in as {re.escape(ADMIN)} with the password \S{{12,}}", output)
    with urllib.request.urlopen(f"http://127.0.0.1:{newcomer.port}/sign-in") as page:
        assert page.status == 200 and "Sign in" in page.read().decode()


def test_command_line(newcomer, tmp_path):
    """After `make run` these do not depend on one another: they run at once."""
    upgraded, loaded, not_loaded, result, token = together(
        partial(newcomer.ok, UPGRADE_DB),
        partial(newcomer.ok, LOAD_DEMO),
        partial(newcomer.ok, LOAD_DEMO_IF_EMPTY),
        partial(newcomer.run, BACKUP_PATH, replace={"PATH": str(tmp_path / "copy.db")}),
        newcomer.api_token,
    )
    assert "Database at revision head." in upgraded
    assert "every demo record already exists" in loaded  # what `make run` loaded is reused
    assert "demo data not loaded" in not_loaded
    if newcomer.postgres:  # a consistent copy of PostgreSQL is pg_dump's: the command says how, and writes nothing
        assert result.returncode == 1 and "--format=custom" in result.stdout, result.stdout + result.stderr
        dump = next(line.strip() for line in result.stdout.splitlines() if line.strip().startswith("pg_dump "))
        copied = subprocess.run(dump, shell=True, cwd=newcomer.home, env=newcomer.env, capture_output=True, timeout=120)
        assert copied.returncode == 0 and (newcomer.home / "tracker.dump").stat().st_size > 0, copied.stderr
    else:
        assert result.returncode == 0, result.stdout + result.stderr
        assert (tmp_path / "copy.db").stat().st_size > 0
    assert token.startswith("ctk_")


def test_seed_synthetic(newcomer, tmp_path):
    """It fills an empty database only: a database of its own, and 300 agreements rather than 100,000 (minutes)."""
    url = f"sqlite:///{tmp_path / 'synthetic.db'}"
    if newcomer.postgres:
        url = make_url(newcomer.database_url).set(database=f"{make_url(newcomer.database_url).database}_synthetic")
        url = url.render_as_string(hide_password=False)
        recreate_postgres_database(newcomer.database_url, make_url(url).database)
    env = {**newcomer.env, "DATABASE_URL": url}
    try:
        newcomer.flask("upgrade-db", env=env)
        output = newcomer.ok(SEED_SYNTHETIC, replace={"100000": "300"}, env=env)
        assert "300 agreement" in output
    finally:
        if newcomer.postgres:
            recreate_postgres_database(newcomer.database_url, make_url(url).database, drop_only=True)


def test_make_targets_and_tools(newcomer):
    newcomer.ok(MAKE_TRANSLATIONS)
    assert "Database at revision head." in newcomer.ok(MAKE_UPGRADE_DB)
    assert "All checks passed!" in newcomer.ok(MAKE_LINT, cwd=ROOT)  # ruff checks the real tree, not the links
    missing = newcomer.run(CATALOGS_MISSING)
    assert missing.returncode in (0, 1) and "to fill in" in missing.stdout, missing.stdout + missing.stderr
    assert re.fullmatch(r"[0-9a-f]{64}\n", newcomer.ok(NEW_SECRET))


def test_accounts_on_the_command_line(newcomer):
    typed = "a few unrelated words\n" * 2  # the prompt asks twice
    env = {**newcomer.env, "PASSWORD": "another few unrelated words"}
    prompted, piped = together(
        partial(newcomer.ok, CREATE_USER, input=typed), partial(newcomer.ok, CREATE_USER_STDIN, env=env)
    )
    assert "Created ana@kemenperin.go.id (editor)." in prompted
    assert "Created ops@kemenperin.go.id (admin)." in piped


# --- sources, import and export, backup, digest ---------------------------------------------------------------------


class Article(http.server.BaseHTTPRequestHandler):
    """A news site on 127.0.0.1 serving one article (the tirto.id page of the demo story)."""

    def do_GET(self) -> None:
        body = (FIXTURES / "pages" / "tirto_aitec.html").read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        """Quiet."""


@pytest.fixture
def news_site() -> Iterator[str]:
    """The article's address on a local server."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Article)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/berita/aitec"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


def test_add_source(newcomer, news_site):
    """The link is the local site's, which the fetch settings allow (only public addresses are fetched otherwise)."""
    port = news_site.split(":")[2].split("/")[0]
    env = {**newcomer.env, "TRACKER_FETCH_ALLOWED_NETWORKS": "127.0.0.0/8", "TRACKER_FETCH_PORTS": port}
    shutil.copy(FIXTURES / "pages" / "antara_en_aitec.html", newcomer.home / "saved-article.html")
    fetched, saved = together(
        partial(newcomer.ok, ADD_SOURCE_URL, replace={"https://example.org/article": news_site}, env=env),
        partial(newcomer.ok, ADD_SOURCE_FILE),
    )
    assert "agreement 1: Technology development cooperation" in fetched and "linked to 1." in fetched
    assert "Antara News" in saved and "linked to 1." in saved


def test_export_and_import(newcomer):
    shutil.copy(FIXTURES / "imports" / "kemlu_treaty_list.csv", newcomer.home / "treaties.csv")
    jq = {} if shutil.which("jq") else {"jq length": PYTHON_JSON_LENGTH}
    _xlsx, _csv, count, dry_run = together(  # they only read
        partial(newcomer.ok, EXPORT_XLSX),
        partial(newcomer.ok, EXPORT_CSV),
        partial(newcomer.ok, EXPORT_JSON, replace=jq),
        partial(newcomer.ok, IMPORT_TREATIES),
    )
    assert (newcomer.home / "agreements.xlsx").stat().st_size > 0
    assert "AITEC" in (newcomer.home / "korea.csv").read_text(encoding="utf-8-sig")
    assert int(count.strip().splitlines()[-1]) >= 3
    assert "Preset: kemlu-treaty-list" in dry_run and "Dry run: nothing was written." in dry_run
    write_our_list(newcomer)
    again, ours = together(partial(newcomer.ok, IMPORT_XLSX), partial(newcomer.ok, IMPORT_PRESET))
    assert "Imported 0 agreements" in again  # its own export: every row already present
    assert "Imported 2 agreements" in ours
    write_ministry_sheet(newcomer)
    sheet = newcomer.ok(IMPORT_SHEET)
    assert "Imported 2 agreements" in sheet and "Added 2 sectors to the sector list." in sheet
    assert "Not imported (no field reads these columns): No." in sheet


def write_ministry_sheet(newcomer: Newcomer) -> None:
    """A ministry's own spreadsheet: lists separated by "|", the parties' countries beside them, the source's
    columns and its quote, sectors the vocabulary lacks, a column no field reads."""
    (newcomer.home / "kerja_sama.csv").write_text(
        "No.,Judul,Bentuk,Status,Para pihak,Negara para pihak,Sektor,Source URL,Judul berita,Kutipan\n"
        '1,Kerja sama baterai kendaraan listrik,mou,signed,"Kementerian Perindustrian | LG Energy Solution",'
        '"ID | KR","Baterai | technology",https://example.org/berita/1,"Kemenperin gandeng LG","pabrik baterai"\n'
        '2,Nickel smelter partnership,mou,signed,"Indonesia Investment Coordinating Board (BKPM) | Tsingshan",'
        '"ID | CN","Nickel",https://example.org/berita/2,"BKPM and Tsingshan sign MoU","smelter nikel"\n',
        encoding="utf-8",
    )


PYTHON_JSON_LENGTH = "python3 -c 'import json, sys; print(len(json.load(sys.stdin)))'"


def write_our_list(newcomer: Newcomer) -> None:
    """A spreadsheet with headers of its own, and the preset "Our list" an editor saved for it."""
    (newcomer.home / "list.csv").write_text(
        "Nama kerja sama;Mitra;Mulai;Selesai\n"
        "Vocational training in moulds and dies;Korea Institute of Industrial Technology (KR);2019;2022\n"
        "Joint study on electric vehicle batteries;UNIDO (funder);2020;\n",
        encoding="utf-8",
    )
    columns = {"title": "Nama kerja sama", "parties": "Mitra", "start": "Mulai", "end": "Selesai"}
    mapping = Mapping(columns, home_state=True, default_instrument=InstrumentType.MOU)
    engine = newcomer.engine()
    try:
        with Session(engine) as session:
            presets.save_preset(session, "Our list", mapping, None)
            session.commit()
    finally:
        engine.dispose()


def test_backup(newcomer, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    result = newcomer.run(BACKUP_DATED, replace={"/var/backups/tracker": str(folder)})
    if newcomer.postgres:
        assert result.returncode == 1 and "pg_restore" in result.stdout + result.stderr
    else:
        assert result.returncode == 0, result.stdout + result.stderr
        # The copy, and the documents folder beside it (the demo has no documents yet: empty).
        assert sorted(path.name for path in folder.iterdir()) == [
            "documents",
            f"tracker-{time.strftime('%Y-%m-%d')}.db",
        ]


def test_backup_with_retention(newcomer, tmp_path):
    """The nightly timer's command: a dated copy in the folder, the oldest beyond 14 deleted, other files kept."""
    older = [f"tracker-2026-01-{day:02d}T023000Z.db" for day in range(1, 16)]  # 15 nights before
    for name in [*older, "notes.txt"]:
        (tmp_path / name).write_bytes(b"")
    result = newcomer.run(BACKUP_KEEP, replace={"/var/backups/tracker": str(tmp_path)})
    if newcomer.postgres:  # nothing written, nothing deleted: the service fails, and says to use pg_dump
        assert result.returncode == 1 and "pg_dump" in result.stdout, result.stdout + result.stderr
        assert len(list(tmp_path.iterdir())) == 16
        return
    assert result.returncode == 0, result.stdout + result.stderr
    documents, notes, *kept = sorted(path.name for path in tmp_path.iterdir())
    assert (documents, notes) == ("documents", "notes.txt") and kept[:-1] == older[2:]
    assert re.fullmatch(r"tracker-\d{4}-\d\d-\d\dT\d{6}Z\.db", kept[-1]) and (tmp_path / kept[-1]).stat().st_size
    assert "Kept the newest 14 backups" in result.stdout and older[0] in result.stdout


# --- "Deploying": the production server and the operator's shell function ------------------------------------------


def test_make_serve(newcomer):
    """gunicorn with deploy/gunicorn.conf.py on PORT: refused at once without SECRET_KEY, then serving pages and
    static files with the request id in the answer and in the log."""
    port = free_port()
    refused = newcomer.run(MAKE_SERVE, env={**newcomer.env, "PORT": str(port)}, timeout=120)
    assert refused.returncode != 0 and "SECRET_KEY is not set" in refused.stderr, refused.stdout + refused.stderr
    assert "Traceback" not in refused.stdout + refused.stderr
    log = newcomer.home / "make-serve.log"
    server = start_server(newcomer, MAKE_SERVE, port, log, env={**newcomer.env, "SECRET_KEY": "b" * 64})
    try:
        page = urllib.request.Request(f"http://127.0.0.1:{port}/", headers={"X-Request-ID": "readme-serve-1"})
        with urllib.request.urlopen(page, timeout=30) as answer:  # redirected to the sign-in page
            assert answer.url.endswith("/sign-in?next=%2F") and answer.headers["X-Request-ID"]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/css/tracker.css", timeout=30) as answer:
            assert answer.status == 200 and answer.headers["Content-Type"].startswith("text/css")
    finally:
        stop(server)
    output = log.read_text()
    assert "Booting worker" in output and "[readme-serve-1] refused anonymous GET /" in output, output


def test_the_tracker_function(newcomer, tmp_path):
    """The operator's shell function runs a command as the server does: in the checkout, with the settings file
    (here deploy/tracker.env with the newcomer's database, and without `sudo -u tracker`)."""
    settings = (ROOT / "deploy" / "tracker.env").read_text()
    database = newcomer.database_url or f"sqlite:///{newcomer.home / 'instance' / 'tracker.db'}"
    default = "DATABASE_URL=sqlite:////srv/tracker/instance/tracker.db\n"
    assert default in settings
    (tmp_path / "tracker.env").write_text(settings.replace(default, f"DATABASE_URL={database}\n"))
    function = TRACKER_FUNCTION
    for placeholder, value in {
        "sudo -u tracker ": "",
        "/srv/tracker": str(newcomer.home),
        "/etc/tracker/tracker.env": str(tmp_path / "tracker.env"),
    }.items():
        assert placeholder in function
        function = function.replace(placeholder, value)
    result = subprocess.run(
        ["bash", "-c", f"{function}\n{TRACKER_UPGRADE_DB}"],
        cwd=tmp_path,
        env=newcomer.env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0 and "Database at revision head." in result.stdout, result.stdout + result.stderr


@pytest.fixture
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    """A real SMTP server on 127.0.0.1."""
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


def test_digest_from_cron(newcomer, smtp_server):
    """The cron line in cron's own environment (PATH=/usr/bin:/bin, nothing else), with the mail server's address."""
    box, port = smtp_server
    ending = {"title": "Joint research on mould steels", "instrument_type": "mou", "status": "in_force"}
    ending |= {"start": "2020", "end": str(time.localtime().tm_year + 1)}  # within the window whatever today is
    assert api(newcomer, "POST", "/agreements", ending)[0] == 201
    engine = newcomer.engine()
    try:
        with engine.begin() as connection:
            connection.execute(update(User).where(User.email == ADMIN).values(digest_opt_in=True, digest_months=24))
    finally:
        engine.dispose()
    cron = {"PATH": "/usr/bin:/bin", "HOME": str(newcomer.home), "SHELL": "/bin/sh"}
    cron |= {"TRACKER_SMTP_HOST": "127.0.0.1", "TRACKER_SMTP_PORT": str(port)}
    if newcomer.database_url:
        cron["DATABASE_URL"] = newcomer.database_url
    dry_run, sent = together(
        partial(newcomer.ok, DIGEST_DRY_RUN),
        partial(newcomer.ok, DIGEST_CRON, replace={"0 7 * * 1 cd /srv/tracker": f"cd {newcomer.home}"}, env=cron),
    )
    assert "1 digest(s) would be sent" in dry_run
    assert [envelope.rcpt_tos for envelope in box.envelopes] == [[ADMIN]], sent
    assert b"https://tracker.kemenperin.go.id/" in box.envelopes[0].content


# --- the API with curl, against the server `make run` started -----------------------------------------------------


def api(newcomer: Newcomer, method: str, path: str, body: dict | None = None, headers: dict | None = None):
    """A request to the running server's API with the newcomer's token: (status, headers, JSON or None)."""
    sent = {"Authorization": f"Bearer {newcomer.api_token()}", "Content-Type": "application/json", **(headers or {})}
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"http://127.0.0.1:{newcomer.port}/api/v1{path}", data, sent, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            data = answer.read()
            return answer.status, answer.headers, json.loads(data) if data else None
    except urllib.error.HTTPError as error:
        return error.code, error.headers, json.loads(error.read() or b"null")


def test_api_with_curl(newcomer):
    bring_agreement_1_to_version(newcomer, 3)  # the README's example ETags: W/"3", then W/"4"
    lines = (TOKEN_LINE, API_LINE)
    replace = {"ctk_...": newcomer.api_token(), "127.0.0.1:5000": f"127.0.0.1:{newcomer.port}"}

    def curl(command: str) -> str:
        assert command in readme_commands()
        for line in lines:
            assert line in readme_commands()
        script = "\n".join([*lines, command])
        for placeholder, value in replace.items():
            script = script.replace(placeholder, value)
        result = subprocess.run(
            ["bash", "-c", script], cwd=newcomer.home, env=newcomer.env, capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    listed = json.loads(curl(CURL_LIST))
    assert listed["total"] >= 1 and {"items", "page", "per_page", "pages"} <= set(listed)
    created = json.loads(curl(CURL_CREATE))
    assert created["name"] == "Korea Electronics Technology Institute" and created["id"] > 0
    read = curl(CURL_READ)
    assert read.startswith("HTTP/1.1 200") and 'ETag: W/"3"' in read
    patched = json.loads(curl(CURL_PATCH))
    assert patched["status"] == "expired" and patched["end"] == "2018" and patched["version"] == 4
    assert curl(CURL_DELETE) == ""
    status, _headers, archived = api(newcomer, "GET", "/agreements/1")  # an admin still sees it, archived
    assert status == 200 and archived["archived_at"]


def bring_agreement_1_to_version(newcomer: Newcomer, version: int) -> None:
    """Edit agreement 1 through the API until its version is `version`, as colleagues' edits would."""
    status, headers, agreement = api(newcomer, "GET", "/agreements/1")
    assert status == 200, agreement
    while agreement["version"] < version:
        note = f"Checked against the source, round {agreement['version']}."
        status, headers, agreement = api(
            newcomer, "PATCH", "/agreements/1", {"notes": note}, {"If-Match": headers["ETag"]}
        )
        assert status == 200, agreement
    assert agreement["version"] == version
