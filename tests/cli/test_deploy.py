"""The deployment's files (deploy/, README "Deploying"), read by the programs that read them on a server: the systemd
units by `systemd-analyze verify`, the nginx site by Debian's nginx (`nginx -t`, then nginx itself in front of
gunicorn, with a certificate made for the test), and gunicorn serving the app with the web unit's own command and the
example settings file. Paths of the server (/srv/tracker, /etc/ssl/tracker, /var/log/nginx, ports) are replaced by the
test's, each replacement checked to be there.

A program missing here skips its tests and says which; with CI=true (.ci/run, which installs them) it fails instead.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tracker.config import load_config

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").iterdir())
SITE = DEPLOY / "nginx" / "tracker.conf"
SERVER_NAME = "tracker.kemenperin.go.id"
STARTUP_SECONDS = 150  # a worker imports the app: seconds on a busy machine


def program(name: str) -> str:
    """The path of a program the test needs; skipped without it, failed in CI."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if found:
        return found
    message = f"{name} is not installed (apt-get install {'systemd' if name.startswith('systemd') else name})"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}; CI must run the deployment tests", pytrace=False)
    pytest.skip(message)


def replaced(text: str, replacements: dict[str, str]) -> str:
    """The text with each placeholder replaced; each must be there, so that a changed file fails loudly."""
    for old, new in replacements.items():
        assert old in text, f"{old!r} is no longer in the file"
        text = text.replace(old, new)
    return text


def free_port() -> int:
    """A TCP port of 127.0.0.1 nobody listens on at the moment."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- systemd -------------------------------------------------------------------------------------------------------


def unit_copies(folder: Path) -> list[Path]:
    """The units with the release's folder at this checkout, whose .venv holds the programs they start."""
    copies = []
    for unit in UNITS:
        copy = folder / unit.name
        copy.write_text(unit.read_text().replace("/srv/tracker/", f"{ROOT}/"))
        copies.append(copy)
    return copies


def verify(units: list[Path]) -> subprocess.CompletedProcess[str]:
    """`systemd-analyze verify` on the unit files; it reports unknown keys and bad values as warnings only."""
    command = [program("systemd-analyze"), "verify", *map(str, units)]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def test_the_units_verify_without_a_word(tmp_path):
    assert {unit.name for unit in UNITS} >= {"tracker-web.service", "tracker-backup.service", "tracker-backup.timer"}
    result = verify(unit_copies(tmp_path))
    assert result.returncode == 0 and result.stdout + result.stderr == "", result.stdout + result.stderr


def test_the_check_of_the_units_catches_a_mistake(tmp_path):
    """A misspelt key is only a warning to systemd: the test above fails on any output, so it catches it."""
    web = next(copy for copy in unit_copies(tmp_path) if copy.name == "tracker-web.service")
    web.write_text(web.read_text().replace("Restart=on-failure", "Restart=on-failure\nRestartSecs=5"))
    assert "Unknown key 'RestartSecs'" in verify([web]).stderr


def unit_setting(name: str, key: str) -> str:
    """The value of `key=` in the unit `name`."""
    text = (DEPLOY / "systemd" / name).read_text()
    return re.search(rf"^{key}=(.*)$", text, flags=re.M).group(1)


def test_the_backup_runs_nightly_on_the_backup_command():
    schedule = unit_setting("tracker-backup.timer", "OnCalendar")
    result = subprocess.run(
        [program("systemd-analyze"), "calendar", schedule], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and "Normalized form: *-*-* 02:30:00" in result.stdout, result.stdout + result.stderr
    command = unit_setting("tracker-backup.service", "ExecStart")
    assert command == "/srv/tracker/.venv/bin/flask --app app backup /var/backups/tracker --keep 14"
    # README "Deploying" shows it; tests/cli/test_readme.py runs it (a dated copy, the oldest beyond 14 deleted).
    assert command.removeprefix("/srv/tracker/") in (ROOT / "README.md").read_text()


# --- gunicorn with the web unit's command and the example settings -------------------------------------------------


def settings_file() -> dict[str, str]:
    """deploy/tracker.env as systemd reads it: NAME=value lines, quotes removed, comments and blanks skipped."""
    settings = {}
    for line in (DEPLOY / "tracker.env").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _equals, value = shlex.split(line)[0].partition("=")
            settings[name] = value
    return settings


def server_environment(database_url: str, port: int, **overrides: str) -> dict[str, str]:
    """The web unit's environment: a clean one, the settings file, the unit's own variables, the test's database."""
    keep = ("PATH", "HOME", "LANG", "TMPDIR")
    unit = dict(pair.split("=", 1) for pair in unit_setting("tracker-web.service", "Environment").split())
    environment = {name: os.environ[name] for name in keep if name in os.environ}
    environment |= settings_file() | unit
    environment |= {"DATABASE_URL": database_url, "TRACKER_BIND": f"127.0.0.1:{port}", **overrides}
    return environment


def web_command() -> list[str]:
    """The web unit's ExecStart, with the release's folder at this checkout."""
    assert unit_setting("tracker-web.service", "WorkingDirectory") == "/srv/tracker"
    return shlex.split(unit_setting("tracker-web.service", "ExecStart").replace("/srv/tracker/", f"{ROOT}/"))


@contextmanager
def gunicorn(environment: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    """The web unit's command running until the block ends, its standard error in `log`; it answers /health."""
    port = int(environment["TRACKER_BIND"].rsplit(":", 1)[1])
    with log.open("w") as stderr:
        server = subprocess.Popen(web_command(), cwd=ROOT, env=environment, stdout=stderr, stderr=stderr)
    try:
        wait_for_health(server, port, log)
        yield server
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)


def wait_for_health(server: subprocess.Popen, port: int, log: Path) -> None:
    """Until gunicorn's worker answers /health (200); fail if the server stops first or takes too long."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        assert server.poll() is None, f"gunicorn stopped:\n{log.read_text()}"
        try:
            status, _headers, _body = fetch(http.client.HTTPConnection("127.0.0.1", port, timeout=10), "/health")
            if status == 200:
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer within {STARTUP_SECONDS} s:\n{log.read_text()}")


def fetch(connection: http.client.HTTPConnection, path: str, method: str = "GET", **options):
    """One request: (status, headers, body)."""
    try:
        connection.request(method, path, **options)
        answer = connection.getresponse()
        return answer.status, answer.headers, answer.read()
    finally:
        connection.close()


def test_gunicorn_refuses_to_start_without_a_secret_key(database_url):
    """The example settings leave SECRET_KEY empty: the server stops at once with one clear line, no worker starts."""
    environment = server_environment(database_url, free_port())
    assert environment["SECRET_KEY"] == ""
    result = subprocess.run(web_command(), cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr.startswith("SECRET_KEY is not set") and "Traceback" not in result.stderr, result.stderr
    assert "Booting worker" not in result.stderr


def test_gunicorn_serves_the_app_with_the_units_command(database_url, tmp_path):
    port = free_port()
    log = tmp_path / "gunicorn.log"
    environment = server_environment(database_url, port, SECRET_KEY="a" * 64)
    with gunicorn(environment, log):
        status, headers, _body = fetch(http.client.HTTPConnection("127.0.0.1", port, timeout=30), "/")
        assert status == 302 and headers["Location"] == "/sign-in?next=%2F"
        request_id = headers["X-Request-ID"]
        css = fetch(http.client.HTTPConnection("127.0.0.1", port, timeout=30), "/static/css/tracker.css")
        assert css[0] == 200 and css[1]["Content-Type"].startswith("text/css") and b"--muted" in css[2]
    lines = log.read_text().splitlines()
    # The example settings' text format: time, level, logger, request id, message; gunicorn's lines alike.
    line = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d (INFO|WARNING|ERROR) [\w.]+ \[[^\]]+\] .+")
    assert lines and all(line.fullmatch(text) for text in lines), lines
    assert f"INFO tracker.security [{request_id}] refused anonymous GET /" in "\n".join(lines)
    assert any(" INFO gunicorn.error [-] Booting worker with pid: " in text for text in lines)
    assert not any("Traceback" in text for text in lines)


# --- nginx ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def certificate(tmp_path) -> tuple[Path, Path]:
    """A self-signed certificate for the site's name and 127.0.0.1, and its key."""
    cert, key = tmp_path / "fullchain.pem", tmp_path / "privkey.pem"
    subject = ["-subj", f"/CN={SERVER_NAME}", "-addext", f"subjectAltName=DNS:{SERVER_NAME},IP:127.0.0.1"]
    command = [program("openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", *subject]
    result = subprocess.run([*command, "-keyout", key, "-out", cert], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return cert, key


def nginx_config(folder: Path, site: str) -> Path:
    """What Debian's nginx.conf gives a site (an `http` block with the MIME types), around it, in `folder`."""
    (folder / "site.conf").write_text(site)
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    config = folder / "nginx.conf"
    config.write_text(
        f"daemon off;\nmaster_process off;\npid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'} info;\n"
        f"events {{}}\nhttp {{\n    include /etc/nginx/mime.types;\n    access_log off;\n{temp}\n"
        f"    include {folder / 'site.conf'};\n}}\n"
    )
    return config


def site_for_test(folder: Path, certificate: tuple[Path, Path], ports: dict[str, int] | None = None) -> str:
    """The site with the test's certificate and log folder, and, to run it, its ports and upstream here."""
    cert, key = certificate
    paths = {
        "/etc/ssl/tracker/fullchain.pem": str(cert),
        "/etc/ssl/tracker/privkey.pem": str(key),
        "/var/log/nginx/": f"{folder}/",
        "/srv/tracker/static/": f"{ROOT}/static/",
    }
    if ports:
        paths |= {
            "listen 80;": f"listen 127.0.0.1:{ports['http']};",
            "listen [::]:80;": "",
            "listen 443 ssl http2;": f"listen 127.0.0.1:{ports['https']} ssl http2;",
            "listen [::]:443 ssl http2;": "",
            "server 127.0.0.1:8000;": f"server 127.0.0.1:{ports['app']};",
        }
    return replaced(SITE.read_text(), paths)


def test_the_site_passes_nginx_t(tmp_path, certificate):
    config = nginx_config(tmp_path, site_for_test(tmp_path, certificate))
    result = subprocess.run(
        [program("nginx"), "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0 and "test is successful" in output, output
    assert "[warn]" not in output and "[emerg]" not in output, output


def megabytes(size: str) -> int:
    """An nginx size such as "7m" in bytes."""
    assert size.endswith("m"), size
    return int(size[:-1]) * 1024 * 1024


def test_the_sites_upload_limits_are_the_apps_with_room_for_the_form(tmp_path, monkeypatch):
    """The app answers a file too large itself (its page, in the user's language); nginx stops what is far larger."""
    monkeypatch.delenv("TRACKER_IMPORT_MAX_MB", raising=False)
    monkeypatch.delenv("TRACKER_DOCUMENT_MAX_MB", raising=False)
    config = load_config(str(tmp_path))
    site = SITE.read_text()
    general = megabytes(re.search(r"^    client_max_body_size (\w+);", site, flags=re.M).group(1))
    imports = re.search(r"location = /import \{\s*client_max_body_size (\w+);", site).group(1)
    documents = re.search(r"/documents\$ \{\s*client_max_body_size (\w+);", site).group(1)
    for app_limit, nginx_limit in ((config["MAX_CONTENT_LENGTH"], general),
                                   (config["TRACKER_IMPORT_MAX_BYTES"], megabytes(imports)),
                                   (config["TRACKER_DOCUMENT_MAX_BYTES"], megabytes(documents))):  # fmt: skip
        assert app_limit < nginx_limit <= app_limit + 2 * 1024 * 1024


@pytest.fixture
def served_behind_nginx(database_url, tmp_path, certificate) -> Iterator[dict]:
    """gunicorn with the unit's command and settings (JSON log), behind nginx running the site on ports of its own."""
    ports = {"http": free_port(), "https": free_port(), "app": free_port()}
    # http here, so that HSTS and secure cookies can only come from nginx's X-Forwarded-Proto, trusted by ProxyFix.
    environment = server_environment(
        database_url, ports["app"], SECRET_KEY="c" * 64, TRACKER_LOG_FORMAT="json", PREFERRED_URL_SCHEME="http"
    )
    assert environment["TRACKER_PROXY_COUNT"] == "1"
    config = nginx_config(tmp_path, site_for_test(tmp_path, certificate, ports))
    app_log = tmp_path / "gunicorn.log"
    with gunicorn(environment, app_log):
        nginx = subprocess.Popen(
            [program("nginx"), "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            context = ssl.create_default_context(cafile=str(certificate[0]))
            wait_for_port(nginx, ports["https"], tmp_path / "error.log")
            yield {"ports": ports, "context": context, "folder": tmp_path, "app_log": app_log}
        finally:
            nginx.send_signal(signal.SIGQUIT)
            nginx.wait(timeout=60)


def text_once_written(log: Path, needle: str) -> str:
    """The log's text once it holds `needle`, waited for with a deadline."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while needle not in (text := log.read_text() if log.exists() else "") and time.monotonic() < deadline:
        time.sleep(0.05)
    return text


def wait_for_port(server: subprocess.Popen, port: int, log: Path) -> None:
    """Until something accepts connections on the port; fail if the server stops first or takes too long."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        assert server.poll() is None, f"the server stopped:\n{log.read_text()}"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=5).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"nothing listens on {port} after {STARTUP_SECONDS} s:\n{log.read_text()}")


def secure(served: dict, path: str, method: str = "GET", **options):
    """A request to the site over https, the certificate checked: (status, headers, body)."""
    connection = http.client.HTTPSConnection(
        "127.0.0.1", served["ports"]["https"], context=served["context"], timeout=60
    )
    headers = {"Host": SERVER_NAME, **options.pop("headers", {})}
    return fetch(connection, path, method, headers=headers, **options)


def test_nginx_in_front_of_gunicorn(served_behind_nginx):
    served = served_behind_nginx
    plain = http.client.HTTPConnection("127.0.0.1", served["ports"]["http"], timeout=30)
    status, headers, _body = fetch(plain, "/agreements/?q=nikel", headers={"Host": SERVER_NAME})
    assert status == 301 and headers["Location"] == f"https://{SERVER_NAME}/agreements/?q=nikel"

    # The proxy sets the request id (a client's own is replaced) and says https: the app, behind ProxyFix, sends HSTS.
    status, headers, _body = secure(served, "/", headers={"X-Request-ID": "chosen-by-the-client"})
    assert status == 302 and headers["Location"] == "/sign-in?next=%2F"
    page_id = headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", page_id)
    assert headers["Strict-Transport-Security"].startswith("max-age=")

    status, headers, body = secure(served, "/static/css/tracker.css")  # from the release's folder, by nginx
    assert status == 200 and b"--muted" in body and "X-Request-ID" not in headers
    assert headers["Strict-Transport-Security"] and headers["X-Content-Type-Options"] == "nosniff"
    assert (
        headers["Content-Security-Policy"].startswith("default-src 'self'") and headers["Cache-Control"] == "no-cache"
    )

    # A body over the app's 6 MB but within nginx's 7 MB reaches the app, which refuses it with its own page.
    too_large = b"x" * (6 * 1024 * 1024 + 1)
    form = {"Content-Type": "application/x-www-form-urlencoded", "Accept-Language": "en"}  # the default is Indonesian
    status, headers, body = secure(served, "/sign-in", "POST", body=too_large, headers=form)
    assert status == 413 and headers["X-Request-ID"] and b"Reference of this request" in body
    status, headers, _body = secure(served, "/sign-in", "POST", body=b"x" * (8 * 1024 * 1024), headers=form)
    assert status == 413 and "X-Request-ID" not in headers  # nginx's own refusal: the app never saw it

    status, _headers, _body = secure(served, "/calendar/a-secret-feed-token-0123456789.ics")
    assert status == 404

    # nginx writes a request's access line as it finishes the request, after the answer is on its way: wait for it.
    access = text_once_written(served["folder"] / "tracker.access.log", "/calendar/")
    assert '"GET / HTTP/1.1" 302 ' in access and f"id={page_id}" in access
    assert "/calendar/<token>.ics" in access and "a-secret-feed-token" not in access
    app_lines = [json.loads(line) for line in served["app_log"].read_text().splitlines()]
    refused = [line for line in app_lines if line["message"] == "refused anonymous GET /"]
    assert [line["request_id"] for line in refused] == [page_id] and refused[0]["logger"] == "tracker.security"
    assert not any("a-secret-feed-token" in json.dumps(line) for line in app_lines)


# A WSGI app whose download fails after its first piece, as an export whose database goes away midway.
CUT_SHORT_APP = """
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/csv"), ("X-Accel-Buffering", "no")])

    def pieces():
        yield b"title\\r\\nfirst row\\r\\n"
        raise RuntimeError("the database went away")

    return pieces()
"""


def test_a_download_cut_short_behind_nginx_fails_at_the_browser(tmp_path, certificate):
    ports = {"http": free_port(), "https": free_port(), "app": free_port()}
    (tmp_path / "cut_short.py").write_text(CUT_SHORT_APP)
    config = nginx_config(tmp_path, site_for_test(tmp_path, certificate, ports))
    command = [str(Path(sys.executable).with_name("gunicorn")), "-b", f"127.0.0.1:{ports['app']}", "cut_short:app"]
    with (tmp_path / "gunicorn.log").open("w") as log:
        app = subprocess.Popen(command, cwd=tmp_path, stdout=log, stderr=log)
    nginx = subprocess.Popen(
        [program("nginx"), "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(app, ports["app"], tmp_path / "gunicorn.log")
        wait_for_port(nginx, ports["https"], tmp_path / "error.log")
        context = ssl.create_default_context(cafile=str(certificate[0]))
        connection = http.client.HTTPSConnection("127.0.0.1", ports["https"], context=context, timeout=60)
        connection.request("GET", "/agreements/export?format=csv", headers={"Host": SERVER_NAME})
        answer = connection.getresponse()
        assert answer.status == 200 and answer.headers["Transfer-Encoding"] == "chunked"
        # Over HTTP/1.1 gunicorn cuts the chunked body, and nginx passes the cut on: the client cannot take the
        # first rows for the whole file (over HTTP/1.0 the cut would end the response as if it were complete).
        with pytest.raises(http.client.IncompleteRead) as cut:
            answer.read()
        assert cut.value.partial.startswith(b"title\r\nfirst row")
        connection.close()
    finally:
        nginx.send_signal(signal.SIGQUIT)
        nginx.wait(timeout=60)
        app.terminate()
        app.wait(timeout=60)
