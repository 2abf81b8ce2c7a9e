"""A bulk change of "all matching" above TRACKER_BULK_JOB_ROWS is a job, run for real by a Huey consumer: it changes
every agreement in one transaction with the job's "done", records who asked, and says what it did; a query that
matches another count by the time it runs changes nothing and says why."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Engine, func, select

from tests.jobs_support import finished, job_of, job_settings, jobs_app, queue_url_for, running_worker, wait_for
from tracker.models import Agreement, AgreementStatus, Change, ChangeAction, InstrumentType, Job, JobState, UserRole


@pytest.fixture
def jobs_config(tmp_path: Path) -> dict[str, Any]:
    """A SQLite queue of the test's own; "all matching" of more than 3 agreements is a job."""
    return job_settings(queue_url_for("sqlite", tmp_path, ""), tmp_path, TRACKER_BULK_JOB_ROWS=3)


@pytest.fixture
def app(database_url: str, engine: Engine, seed_rows: dict, jobs_config: dict[str, Any]) -> Iterator[Flask]:
    yield from jobs_app(database_url, engine, seed_rows, jobs_config)


def add_agreements(engine: Engine, count: int) -> None:
    with engine.begin() as connection:
        connection.execute(
            Agreement.__table__.insert(),
            [
                {
                    "title": f"Nota Kesepahaman Logistik “Pelabuhan” {n}",
                    "instrument_type": InstrumentType.MOU,
                    "status": AgreementStatus.SIGNED,
                    "version": 1,
                }
                for n in range(count)
            ],
        )


CHANGE = {"scope": "all", "query": "q=Pelabuhan", "action": "set_status", "value": "in_force"}


def test_a_large_all_matching_change_is_a_job_that_says_what_it_did(app, engine, client_as):
    add_agreements(engine, 6)
    editor = client_as(UserRole.EDITOR)
    confirm = editor.get("/agreements/bulk", query_string=CHANGE).get_data(as_text=True)
    assert "Change the status of 6 agreements to “In force”?" in confirm and "in the background" in confirm
    submitted = editor.post("/agreements/bulk", data={**CHANGE, "count": "6"})
    assert submitted.status_code == 303
    job_id = int(submitted.headers["Location"].rsplit("/", 1)[1])
    with running_worker(app):
        wait_for(finished(engine, job_id), "the bulk change job to finish")
    row = job_of(engine, job_id)
    assert (row.state, row.done, row.total) == (JobState.DONE, 6, 6)
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).where(Agreement.status == AgreementStatus.IN_FORCE)) == 6
        actors = connection.execute(
            select(Change.user_id, Job.user_id).join(Job, Job.id == job_id).where(Change.action == ChangeAction.UPDATE)
        ).all()
    assert len(actors) == 6 and all(actor == asker for actor, asker in actors)
    assert "6 agreements changed." in editor.get(f"/jobs/{job_id}").get_data(as_text=True)


def test_a_job_finding_another_count_changes_nothing(app, engine, client_as):
    add_agreements(engine, 5)
    editor = client_as(UserRole.EDITOR)
    submitted = editor.post("/agreements/bulk", data={**CHANGE, "count": "5"})
    job_id = int(submitted.headers["Location"].rsplit("/", 1)[1])
    add_agreements(engine, 1)  # before the worker runs it
    with running_worker(app):
        wait_for(finished(engine, job_id), "the bulk change job to finish")
    page = editor.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "now matches 6 agreements, not 5 as confirmed; nothing was changed." in page
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).where(Agreement.status == AgreementStatus.IN_FORCE)) == 0
