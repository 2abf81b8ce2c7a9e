"""Background jobs for real: a Huey consumer runs them, with the SQLite queue and with Redis at 127.0.0.1:6379.

A large agreement export becomes a job whose page shows its progress and then the file (the same bytes as the direct
download); users see only their own jobs; a failed job shows its error and keeps nothing; a real worker process
killed mid-job leaves no file, and the next worker marks the job failed. Waits are on conditions with deadlines.
"""

from __future__ import annotations

import re
import signal
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, insert, select

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
from tracker import jobs
from tracker.models import Agreement, Job, JobState, UserRole, utcnow
from tracker.services.archive import archive


@pytest.fixture(params=["sqlite", "redis"])
def queue_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The queue's URL: a SQLite file, or the Redis server the CI machines run."""
    return queue_url_for(request.param, tmp_path, REDIS_URL)


@pytest.fixture
def jobs_config(queue_url: str, tmp_path: Path) -> dict[str, Any]:
    """Job settings of a test: its own queue (a fresh name in Redis), results folder, and a threshold of 3 rows."""
    return job_settings(queue_url, tmp_path, TRACKER_EXPORT_JOB_ROWS=3)


@pytest.fixture
def app(database_url: str, engine: Engine, seed_rows: dict, jobs_config: dict[str, Any]) -> Iterator[Flask]:
    """The application on the fresh test database, with the test's queue."""
    yield from jobs_app(database_url, engine, seed_rows, jobs_config)


@pytest.fixture
def worker(app: Flask) -> Iterator[None]:
    """A real Huey consumer on the app's queue, in a thread of this process."""
    with running_worker(app):
        yield


def add_agreements(engine: Engine, count: int) -> None:
    """Agreements with bilingual titles, inserted at once."""
    rows = [
        {
            "title": f"Kerja sama teknologi baterai {n} — battery cooperation “{n}”",
            "instrument_type": "mou",
            "status": "in_force",
            "renewal_intent": "none",
            "start_on": date(2019, 1 + n % 12, 1),
            "start_precision": "month",
        }
        for n in range(count)
    ]
    with engine.begin() as connection:
        connection.execute(insert(Agreement.__table__), rows)


def start_export(client: FlaskClient, query: str = "format=csv") -> int:
    """Ask for an export above the threshold and confirm it as a job; the job's id."""
    page = client.get(f"/agreements/export?{query}")
    assert page.status_code == 200 and b"in the background" in page.data
    response = client.post("/agreements/export/job", data={"query": "", "format": "csv"})
    assert response.status_code == 303
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_large_export_is_a_job_with_progress_and_the_same_file(app, engine, client, worker):
    add_agreements(engine, 7)
    job_id = start_export(client)
    wait_for(finished(engine, job_id), "the export job to finish")
    row = job_of(engine, job_id)
    assert (row.state, row.done, row.total, row.message) == (JobState.DONE, 7, 7, "")
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "The file is ready." in page and f"/jobs/{job_id}/download" in page and "<progress" not in page
    assert client.get(f"/jobs/{job_id}/status").get_json() == {
        "state": "done",
        "done": 7,
        "total": 7,
        "finished": True,
    }
    with client.get(f"/jobs/{job_id}/download") as job_file:
        job_data = job_file.data
    assert job_file.headers["Content-Disposition"].startswith("attachment")
    app.config["TRACKER_EXPORT_JOB_ROWS"] = 100  # now small enough for the direct download
    assert job_data == client.get("/agreements/export?format=csv").data
    assert "battery cooperation “6”" in job_data.decode("utf-8-sig")
    assert not list(Path(app.config["TRACKER_JOBS_DIR"]).rglob("*" + jobs.PARTIAL))


def test_small_export_stays_a_direct_download(engine, client):
    add_agreements(engine, 3)
    response = client.get("/agreements/export?format=json")
    assert response.status_code == 200 and len(response.get_json()) == 3


def test_a_queued_job_shows_a_progress_bar_and_refreshes_itself(engine, client):
    add_agreements(engine, 5)
    job_id = start_export(client)  # no worker: it waits
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "<progress" in page and 'http-equiv="refresh"' in page and "Waiting for a worker" in page
    assert f'data-job-status="/jobs/{job_id}/status"' in page
    assert client.get(f"/jobs/{job_id}/status").get_json()["finished"] is False
    assert f"/jobs/{job_id}" in client.get("/jobs").get_data(as_text=True)


def test_users_see_only_their_own_jobs_and_admins_all(app, engine, client_as):
    add_agreements(engine, 5)
    owner, other, admin = client_as(UserRole.VIEWER), client_as(UserRole.EDITOR), client_as(UserRole.ADMIN)
    job_id = start_export(owner)
    for path in (f"/jobs/{job_id}", f"/jobs/{job_id}/status", f"/jobs/{job_id}/download"):
        assert other.get(path).status_code == 404
        assert admin.get(path).status_code == (404 if path.endswith("download") else 200)
    assert f"/jobs/{job_id}" not in other.get("/jobs").get_data(as_text=True)
    assert f"/jobs/{job_id}" in admin.get("/jobs").get_data(as_text=True)


def test_a_failing_job_shows_its_error_and_keeps_nothing(app, engine, client, make_party, session):
    add_agreements(engine, 5)
    party = make_party(name="PT Pindad (Persero)")
    client.get("/agreements/export?format=csv")
    response = client.post("/agreements/export/job", data={"query": f"party={party.id}", "format": "csv"})
    job_id = int(response.headers["Location"].rsplit("/", 1)[1])
    archive(session, party)  # gone before a worker reads the query: it no longer holds
    session.commit()
    with running_worker(app):
        wait_for(finished(engine, job_id), "the failing job to finish")
    assert job_of(engine, job_id).state == JobState.FAILED
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "The job failed; nothing of it was kept." in page
    assert not (Path(app.config["TRACKER_JOBS_DIR"]) / str(job_id)).exists()


def test_an_invalid_query_is_refused_as_the_direct_download_refuses_it_and_makes_no_job(engine, client):
    add_agreements(engine, 5)
    direct = client.get("/agreements/export?format=csv&signed_from=bukan+tanggal")
    response = client.post("/agreements/export/job", data={"query": "signed_from=bukan+tanggal", "format": "csv"})
    assert response.status_code == direct.status_code == 400
    html = response.get_data(as_text=True)
    field = html[html.index('name="signed_from"') - 1500 : html.index('name="signed_from"') + 1500]
    assert 'value="bukan tanggal"' in field and 'class="error' in field
    assert error_messages(html) == error_messages(direct.get_data(as_text=True)) != []
    with engine.connect() as connection:
        assert connection.execute(select(Job.__table__)).all() == []


def error_messages(html: str) -> list[str]:
    """The error messages a page shows next to its fields."""
    return re.findall(r'class="error[^"]*"[^>]*>([^<]+)<', html)


def test_results_are_purged_after_a_day(app, engine, client, worker):
    add_agreements(engine, 5)
    job_id = start_export(client)
    wait_for(finished(engine, job_id), "the export job to finish")
    with app.app_context(), jobs.job_session() as session, session.begin():
        assert jobs.purge_results(session, utcnow() - timedelta(hours=1)) == []
        assert jobs.purge_results(session, utcnow() + timedelta(seconds=1)) == [job_id]
    assert not (Path(app.config["TRACKER_JOBS_DIR"]) / str(job_id)).exists()
    assert "no longer kept" in client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert client.get(f"/jobs/{job_id}/download").status_code == 404


def test_a_killed_worker_leaves_no_file_and_its_job_is_marked_failed(
    app, engine, database_url, jobs_config, client, tmp_path
):
    add_agreements(engine, 4000)
    job_id = start_export(client)
    results = Path(app.config["TRACKER_JOBS_DIR"]) / str(job_id)
    log = (tmp_path / "workers.log").open("wb")
    first = start_worker(database_url, jobs_config, log)
    try:
        wait_for(lambda: job_of(engine, job_id).done > 0, "the job to make progress")
        # Holding the job's row (SQLite: the write lock) stops the job at its next progress step, so it is
        # still mid-way when killed.
        with engine.execution_options(tracker_writes=True).begin() as connection:
            row = connection.execute(select(Job.__table__).where(Job.id == job_id).with_for_update()).one()
            assert row.state == JobState.RUNNING and 0 < row.done < row.total
            first.send_signal(signal.SIGKILL)
            first.wait(DEADLINE)
    finally:
        if first.poll() is None:
            first.kill()
    assert [path.name for path in results.iterdir()] == [f"agreements-{date.today()}.csv{jobs.PARTIAL}"]
    assert job_of(engine, job_id).state == JobState.RUNNING  # until a worker finds it

    second = start_worker(database_url, jobs_config, log, TRACKER_JOBS_STALE_SECONDS="0")
    try:
        wait_for(finished(engine, job_id), "the next worker to mark the job failed")
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(DEADLINE)
        log.close()
    row = job_of(engine, job_id)
    assert (row.state, row.message, row.result_path) == (JobState.FAILED, jobs.INTERRUPTED, None)
    assert not results.exists()
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "The worker stopped before the job finished" in page


def test_a_job_is_refused_for_an_unknown_format_or_an_overlong_query(engine, client):
    assert client.post("/agreements/export/job", data={"query": "", "format": "pdf"}).status_code == 400
    assert client.post("/agreements/export/job", data={"query": "q=" + "x" * 4000, "format": "csv"}).status_code == 400
    with engine.connect() as connection:
        assert connection.execute(select(Job.__table__)).all() == []
