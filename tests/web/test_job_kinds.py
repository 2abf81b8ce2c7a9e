"""The kinds of background jobs besides the export, and the queue's housekeeping, for real: a Huey consumer runs them,
with the SQLite queue and with Redis (a database of this file's own, flushed), on SQLite and PostgreSQL.

A large web import: the job imports all or nothing, says what it created or lists the rows' problems; on SQLite its
progress is kept in a file while it holds the write lock, and the stale-job check honours that file; a worker process
killed mid-import leaves nothing imported and the job marked failed by the next worker. A job the queue lost is sent
again once, then marked failed. Fetching a source again, and the digest sent on demand (to a real SMTP server), are
jobs whose pages say what happened.
"""

from __future__ import annotations

import errno
import io
import os
import re
import signal
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from tests.cli.test_digest import SENDER, Mailbox, free_port
from tests.conftest import TEST_PASSWORD_HASH, sign_in_client
from tests.html_forms import form_values
from tests.import_support import AITEC_ROW, csv_file, generated_rows, rows_of
from tests.jobs_support import (
    DEADLINE,
    REDIS_URL,
    finished,
    job_of,
    job_settings,
    jobs_app,
    queue_url_for,
    running_worker,
    start_worker,
    wait_for,
)
from tests.web.test_ingest import SEED_PAGE, PageHandler
from tracker import jobs
from tracker.models import Agreement, Change, Job, JobState, Sector, SourceSnapshot, User, UserRole, utcnow


@pytest.fixture(params=["sqlite", "redis"])
def queue_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The queue's URL: a SQLite file, or the Redis server the CI machines run."""
    return queue_url_for(request.param, tmp_path, REDIS_URL)


@pytest.fixture
def jobs_config(queue_url: str, tmp_path: Path) -> dict[str, Any]:
    """The test's queue, results and upload folders; files of more than 3 rows are imported by a job."""
    return job_settings(queue_url, tmp_path, TRACKER_IMPORT_DIR=str(tmp_path / "imports"), TRACKER_IMPORT_JOB_ROWS=3)


@pytest.fixture
def app(database_url: str, engine: Engine, seed_rows: dict, jobs_config: dict[str, Any]) -> Iterator[Flask]:
    """The application on the fresh test database, with the test's queue."""
    yield from jobs_app(database_url, engine, seed_rows, jobs_config)


@pytest.fixture
def worker(app: Flask) -> Iterator[None]:
    """A real Huey consumer on the app's queue, in a thread of this process."""
    with running_worker(app):
        yield


def company_rows(count: int) -> list[dict[str, str]]:
    """Rows naming Indonesian and Korean partners, year-only dates."""
    names = ("PT Hyundai Motor Manufacturing Indonesia", "Kementerian Perindustrian", "LG Energy Solution")
    return [
        {
            **AITEC_ROW,
            "title": f"Nota Kesepahaman kendaraan listrik {number} — EV cooperation",
            "start": str(2010 + number % 10),
            "end": "",
            "parties": f"Ministry of Industry (ID, signatory, ministry); {names[number % 3]} (KR, signatory, company)",
            "sources": f"https://kemenperin.go.id/artikel/{number}",
        }
        for number in range(count)
    ]


def commit_form(client, data: bytes) -> tuple[str, MultiDict]:
    """Upload the file, open its preview as the mapping page submits it; the preview's commit form."""
    action, fields, _html = previewed(client, data)
    return action, fields


def previewed(client, data: bytes) -> tuple[str, MultiDict, str]:
    """Upload the file and open its preview: the commit form's action and values, and the preview page."""
    # Encoded here in memory: the test client would spool a large body to a temporary file it never closes.
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), "kerja_sama.csv")})
    response = client.post("/import", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 302, response.get_data(as_text=True)
    mapping = client.get(response.headers["Location"]).get_data(as_text=True)
    action = re.search(r'<form method="get" action="([^"]+)"', mapping).group(1)
    preview = client.get(f"{action}?{urlencode(form_values(mapping, action))}")
    assert preview.status_code == 200, preview.get_data(as_text=True)[:3000]
    html = preview.get_data(as_text=True)
    action = re.search(r'<form method="post" action="([^"]+/commit)"', html).group(1)
    return action, MultiDict(form_values(html, action)), html


def start_import(client, data: bytes) -> int:
    """Commit a previewed file above the threshold; the job's id."""
    action, fields = commit_form(client, data)
    response = client.post(action, data=fields)
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    return int(response.headers["Location"].rsplit("/", 1)[1])


def agreement_count(engine: Engine) -> int:
    """The agreements recorded now."""
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(Agreement))


def test_a_large_import_is_a_job_that_imports_all_and_says_so(app, engine, client_as, worker, jobs_config):
    editor = client_as(UserRole.EDITOR)
    job_id = start_import(editor, csv_file(rows_of(company_rows(5))))
    assert os.listdir(jobs_config["TRACKER_IMPORT_DIR"]) == []  # handed over to the job
    wait_for(finished(engine, job_id), "the import job to finish")
    row = job_of(engine, job_id)
    assert (row.state, row.done, row.total, row.message) == (JobState.DONE, 5, 5, "")
    assert agreement_count(engine) == 5
    with engine.connect() as connection:  # the history names the editor who asked for the import
        actors = set(connection.scalars(select(Change.user_id).where(Change.record_type == "agreement")))
        editor_id = connection.scalar(select(Job.user_id).where(Job.id == job_id))
    assert actors == {editor_id}
    page = editor.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "Imported 5 agreements, with 4 new parties and 5 new sources." in page
    assert "/agreements/?sort=-updated" in page and "<progress" not in page
    assert editor.get(f"/jobs/{job_id}/download").status_code == 404  # a report, not a file
    assert f"/jobs/{job_id}" in editor.get("/jobs").get_data(as_text=True)
    assert not (Path(jobs_config["TRACKER_JOBS_DIR"]) / str(job_id) / "upload.bin").exists()


def test_the_preview_says_which_files_are_imported_in_the_background(app, client_as):
    editor = client_as(UserRole.EDITOR)
    assert "imported in the background" in previewed(editor, csv_file(rows_of(company_rows(4))))[2]
    assert "imported in the background" not in previewed(editor, csv_file(rows_of(company_rows(3))))[2]


def test_a_small_import_stays_synchronous(app, engine, client_as):
    action, fields = commit_form(client_as(UserRole.EDITOR), csv_file(rows_of(company_rows(3))))
    response = client_as(UserRole.EDITOR).post(action, data=fields)
    assert response.status_code == 302  # not this editor's upload: nothing imported, no job
    editor = client_as(UserRole.EDITOR)
    action, fields = commit_form(editor, csv_file(rows_of(company_rows(3))))
    response = editor.post(action, data=fields)
    assert response.status_code == 302 and "/agreements/" in response.headers["Location"]
    assert agreement_count(engine) == 3
    with engine.connect() as connection:
        assert connection.execute(select(Job.__table__)).all() == []


def test_a_job_whose_rows_fail_the_second_check_imports_nothing_and_lists_them(app, engine, client_as, worker):
    editor = client_as(UserRole.EDITOR)
    action, fields = commit_form(editor, csv_file(rows_of(company_rows(4))))
    with engine.begin() as connection:  # between the preview and the commit, the sector is archived
        sector = connection.execute(select(Sector.__table__).where(Sector.slug == "technology")).one()
        connection.execute(update(Sector).where(Sector.id == sector.id).values(archived_at=utcnow()))
    response = editor.post(action, data=fields)
    job_id = int(response.headers["Location"].rsplit("/", 1)[1])
    wait_for(finished(engine, job_id), "the import job to finish")
    assert job_of(engine, job_id).state == JobState.DONE and agreement_count(engine) == 0
    page = editor.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "Nothing was imported: the file has problems" in page
    assert page.count("The sector “Technology” is archived") == 4


def test_the_same_preview_cannot_be_committed_twice(app, engine, client_as):
    editor = client_as(UserRole.EDITOR)
    action, fields = commit_form(editor, csv_file(rows_of(company_rows(4))))
    assert editor.post(action, data=fields).status_code == 303
    again = editor.post(action, data=fields)
    assert again.status_code == 302 and again.headers["Location"].endswith("/import")
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Job)) == 1


def test_a_job_keeping_its_progress_in_a_file_is_not_failed_while_the_file_is_fresh(app, engine, client_as):
    editor = client_as(UserRole.EDITOR)
    job_id = start_import(editor, csv_file(rows_of(company_rows(4))))  # no worker: the test plays it
    with app.app_context():
        assert jobs.claim(job_id)
        progress = jobs.Progress(job_id)
        progress.in_file = True
        progress.start(4)
        progress.step(2)
        progress.write(done=progress.done)
        with engine.begin() as connection:  # its row has not been written for an hour
            connection.execute(update(Job).where(Job.id == job_id).values(heartbeat_at=utcnow().replace(year=2020)))
        assert editor.get(f"/jobs/{job_id}/status").get_json() == {
            "state": "running",
            "done": 2,
            "total": 4,
            "finished": False,
        }
        assert "2 of 4" in editor.get(f"/jobs/{job_id}").get_data(as_text=True)
        app.config["TRACKER_JOBS_STALE_SECONDS"] = 60
        jobs.tidy()
        assert job_of(engine, job_id).state == JobState.RUNNING  # its worker is alive
        old = utcnow().timestamp() - 3600
        os.utime(jobs.progress_file(job_id), (old, old))
        jobs.tidy()
    row = job_of(engine, job_id)
    assert (row.state, row.message) == (JobState.FAILED, jobs.INTERRUPTED)


def test_a_step_that_cannot_get_sqlite_s_write_lock_goes_to_the_file(database_url, engine, seed_rows, jobs_config):
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's one write lock")
    quick = {**jobs_config, "TRACKER_SQLITE_BUSY_MS": 100}  # another job's lock is given up on soon
    for app in jobs_app(database_url, engine, seed_rows, quick):
        editor = sign_in_client(app.test_client(), make_editor(engine))
        job_id = start_import(editor, csv_file(rows_of(company_rows(4))))
        with app.app_context():
            assert jobs.claim(job_id)
            progress = jobs.Progress(job_id)
            progress.start(10)
            with engine.execution_options(tracker_writes=True).begin():  # another job (an import) holds the lock
                progress.step(3)
                progress.write(done=progress.done)
                assert progress.in_file
                assert editor.get(f"/jobs/{job_id}/status").get_json()["done"] == 3
            progress.write(state=JobState.DONE, finished_at=utcnow())
        row = job_of(engine, job_id)
        assert (row.state, row.done, row.total) == (JobState.DONE, 3, 10)
        assert not (Path(jobs_config["TRACKER_JOBS_DIR"]) / str(job_id) / jobs.PROGRESS_FILE).exists()


def make_editor(engine: Engine) -> User:
    """An editor, written straight to the database."""
    with Session(engine, expire_on_commit=False) as session:
        user = User(email="rina@kemenperin.example", role=UserRole.EDITOR, password_hash=TEST_PASSWORD_HASH)
        user.session_version = 1
        session.add(user)
        session.commit()
        return user


def freeze_at_next_step(engine: Engine, job_id: int, results: Path):
    """Stop the running job at its next progress step, so that it is mid-import when killed.

    On PostgreSQL its progress goes to its row: holding the row's lock stops it. On SQLite it goes to its progress
    file, written under a temporary name first: a named pipe in that name's place stops it, since opening a pipe to
    write waits for a reader. The returned connection (PostgreSQL) holds the lock until closed.
    """
    if engine.dialect.name == "postgresql":
        connection = engine.connect()
        connection.begin()
        connection.execute(select(Job.__table__).where(Job.id == job_id).with_for_update())
        return connection
    partial = results / str(job_id) / (jobs.PROGRESS_FILE + jobs.PARTIAL)

    def made() -> bool:
        try:
            os.mkfifo(partial)
        except OSError as error:  # the worker is writing it now: try again once it has renamed it
            if error.errno != errno.EEXIST:
                raise
            return False
        return True

    wait_for(made, "a moment between two progress writes")
    return None


def test_a_worker_killed_mid_import_leaves_nothing_imported_and_the_job_failed(
    app, engine, database_url, jobs_config, client_as, tmp_path
):
    editor = client_as(UserRole.EDITOR)
    job_id = start_import(editor, csv_file(generated_rows(4000)))
    results = Path(jobs_config["TRACKER_JOBS_DIR"])
    log = (tmp_path / "workers.log").open("wb")
    first = start_worker(database_url, jobs_config, log)
    held = None
    try:
        # Past the first batch of 1,000 rows: written in the job's transaction, not committed. The page shows it.
        wait_for(lambda: editor.get(f"/jobs/{job_id}/status").get_json()["done"] > 1000, "the import to progress")
        held = freeze_at_next_step(engine, job_id, results)
        status = editor.get(f"/jobs/{job_id}/status").get_json()
        assert status["state"] == "running" and 1000 < status["done"] < 4000 and status["total"] == 4000
        first.send_signal(signal.SIGKILL)
        first.wait(DEADLINE)
    finally:
        if first.poll() is None:
            first.kill()
        if held is not None:
            held.close()
    assert agreement_count(engine) == 0
    assert job_of(engine, job_id).state == JobState.RUNNING  # until a worker finds it
    for leftover in results.glob(f"{job_id}/*{jobs.PARTIAL}"):
        leftover.unlink()  # the pipe, which a real crash would not leave

    second = start_worker(database_url, jobs_config, log, TRACKER_JOBS_STALE_SECONDS="0")
    try:
        wait_for(finished(engine, job_id), "the next worker to mark the job failed")
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(DEADLINE)
        log.close()
    row = job_of(engine, job_id)
    assert (row.state, row.message, row.result_path) == (JobState.FAILED, jobs.INTERRUPTED, None)
    assert agreement_count(engine) == 0 and not (results / str(job_id)).exists()
    assert "The worker stopped before the job finished" in editor.get(f"/jobs/{job_id}").get_data(as_text=True)


def test_a_job_the_queue_lost_is_sent_again_and_runs(app, engine, client_as):
    editor = client_as(UserRole.EDITOR)
    job_id = start_import(editor, csv_file(rows_of(company_rows(4))))
    app.config["TRACKER_JOBS_LOST_MINUTES"] = 0
    with app.app_context():
        jobs.tidy()  # in the queue: waiting, not lost
        assert job_of(engine, job_id).heartbeat_at is None
        app.extensions["tracker.jobs"].huey.flush()  # the queue loses it
        jobs.tidy()
        assert jobs.queued_ids() == {job_id}
    assert job_of(engine, job_id).heartbeat_at is not None
    with running_worker(app):
        wait_for(finished(engine, job_id), "the job sent again to finish")
    assert job_of(engine, job_id).state == JobState.DONE and agreement_count(engine) == 4


def test_a_job_the_queue_lost_twice_is_failed_saying_so(app, engine, client_as, jobs_config):
    editor = client_as(UserRole.EDITOR)
    job_id = start_import(editor, csv_file(rows_of(company_rows(4))))
    app.config["TRACKER_JOBS_LOST_MINUTES"] = 0
    huey = app.extensions["tracker.jobs"].huey
    with app.app_context():
        huey.flush()
        jobs.tidy()
        huey.flush()
        jobs.tidy()
    row = job_of(engine, job_id)
    assert (row.state, row.message) == (JobState.FAILED, jobs.LOST)
    assert not (Path(jobs_config["TRACKER_JOBS_DIR"]) / str(job_id)).exists()  # nor the upload it was given
    page = editor.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "The queue lost this job before a worker could run it" in page
    with running_worker(app):  # a late message of a failed job runs nothing
        jobs_app_send(app, job_id)
        wait_for(lambda: not huey.pending(), "the worker to take the message")
    assert job_of(engine, job_id).state == JobState.FAILED and agreement_count(engine) == 0


def jobs_app_send(app: Flask, job_id: int) -> None:
    """Put "run job `job_id`" in the app's queue."""
    with app.app_context():
        jobs.send(job_id)


# --- fetching a source again -------------------------------------------------------------------------


@pytest.fixture
def news_site(app: Flask) -> Iterator[str]:
    """A local web server with the saved news pages, which the app may fetch from."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), PageHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    app.config.update(TRACKER_FETCH_PORTS=f"80,443,{port}", TRACKER_FETCH_ALLOWED_NETWORKS="127.0.0.1/32")
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    server.server_close()


def job_page_when_finished(client, response) -> str:
    """Follow a job-submitting response to the job's page, once a worker has finished the job."""
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    url = response.headers["Location"]

    def finished_page() -> str:
        page = client.get(url).get_data(as_text=True)
        return "" if "<progress" in page else page

    return wait_for(finished_page, "the job to finish")


def snapshot_count(engine: Engine) -> int:
    """The snapshots kept now."""
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(SourceSnapshot))


def test_fetching_a_source_again_is_a_job_that_keeps_a_snapshot(app, engine, client_as, make_source, news_site, worker):
    source = make_source(url=f"{news_site}/{SEED_PAGE}")
    editor = client_as(UserRole.EDITOR)
    page = job_page_when_finished(editor, editor.post(f"/sources/{source.id}/refetch"))
    assert "New snapshot kept: the text is unchanged." in page and f"/sources/{source.id}" in page
    assert snapshot_count(engine) == 1
    page = job_page_when_finished(editor, editor.post(f"/sources/{source.id}/refetch"))
    assert "New snapshot kept: the text is unchanged." in page and snapshot_count(engine) == 2


def test_a_page_that_cannot_be_fetched_again_is_reported_and_nothing_kept(
    app, engine, client_as, make_source, news_site, worker
):
    source = make_source(url=f"{news_site}/hilang.html")
    editor = client_as(UserRole.EDITOR)
    page = job_page_when_finished(editor, editor.post(f"/sources/{source.id}/refetch"))
    assert "The page could not be fetched again:" in page and "404" in page
    assert snapshot_count(engine) == 0


# --- the digest on demand ----------------------------------------------------------------------------


@pytest.fixture
def mailbox(app: Flask) -> Iterator[Mailbox]:
    """A real SMTP server on 127.0.0.1 for the app (and its worker) to send to."""
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(TRACKER_SMTP_HOST="127.0.0.1", TRACKER_SMTP_PORT=port, TRACKER_MAIL_FROM=SENDER)
    yield box
    controller.stop()


@pytest.fixture
def ending_soon(make_agreement, make_user, session) -> dict[str, User]:
    """An agreement ending in two months; two users opted in to the digest."""
    make_agreement(title="MoU kendaraan listrik dengan Hyundai", end=(date.today() + timedelta(days=60)).isoformat())
    users = {
        "ana": make_user(UserRole.VIEWER, email="ana@kemenperin.example"),
        "citra": make_user(UserRole.ADMIN, email="citra@kemenperin.example"),
    }
    for user in users.values():
        user.digest_opt_in, user.digest_months = True, 12
    session.commit()
    return users


@pytest.fixture
def app_client(app: Flask):
    """A new client of the app signed in as the given user."""
    return lambda user: sign_in_client(app.test_client(), user)


def test_a_user_sends_their_own_digest_now(app, mailbox, ending_soon, app_client, worker):
    client = app_client(ending_soon["ana"])
    assert "Send me my digest now" in client.get("/account/digest").get_data(as_text=True)
    page = job_page_when_finished(client, client.post("/account/digest/send"))
    assert "was sent to 1 address" in page and "ana@kemenperin.example" in page
    assert list(mailbox.messages()) == ["ana@kemenperin.example"]
    assert "MoU kendaraan listrik" in mailbox.messages()["ana@kemenperin.example"].get_body(("plain",)).get_content()


def test_an_admin_sends_everyones_digest_now_and_others_may_not(app, mailbox, ending_soon, app_client, worker):
    assert app_client(ending_soon["ana"]).post("/account/digest/send-all").status_code == 403
    admin = app_client(ending_soon["citra"])
    page = job_page_when_finished(admin, admin.post("/account/digest/send-all"))
    assert "was sent to 2 addresses" in page
    assert sorted(mailbox.messages()) == ["ana@kemenperin.example", "citra@kemenperin.example"]


def test_an_unreachable_mail_server_is_reported(app, ending_soon, app_client, worker):
    app.config.update(TRACKER_SMTP_HOST="127.0.0.1", TRACKER_SMTP_PORT=free_port(), TRACKER_MAIL_FROM=SENDER)
    client = app_client(ending_soon["ana"])
    page = job_page_when_finished(client, client.post("/account/digest/send"))
    assert "No digest was sent: cannot reach the SMTP server" in page


def test_no_digest_job_without_a_sender_address(app, engine, ending_soon, app_client):
    client = app_client(ending_soon["ana"])
    assert "Send me my digest now" not in client.get("/account/digest").get_data(as_text=True)
    response = client.post("/account/digest/send", follow_redirects=True)
    assert "this installation has no sender address" in response.get_data(as_text=True)
    with engine.connect() as connection:
        assert connection.execute(select(Job.__table__)).all() == []
