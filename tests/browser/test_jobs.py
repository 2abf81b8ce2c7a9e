"""Journey: a viewer exports a list too large for a download at once: the export becomes a background job, whose
page follows it (its script polls the job's progress) until the file is ready, and the file downloads; "My jobs"
lists it."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.jobs_support import running_worker
from tracker.models import UserRole

from .helpers import expect


@pytest.fixture
def app(app: Flask) -> Flask:
    """The app with a threshold of 3 agreements for an export to become a job (the live server takes it over)."""
    app.config["TRACKER_EXPORT_JOB_ROWS"] = 3
    return app


def test_a_large_export_is_prepared_in_the_background_and_downloaded(app, make_agreement, page_as):
    for number in range(5):
        make_agreement(title=f"Kerja sama industri baterai {number} — battery industry cooperation")
    page, _viewer = page_as(UserRole.VIEWER)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Agreements").click()
    page.get_by_role("link", name="CSV", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Export agreements")
    expect(page.get_by_text("This export has 5 agreements")).to_be_visible()
    page.get_by_role("button", name="Prepare the file (CSV)").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Agreement export")
    expect(page.locator(".job-state")).to_have_text("Waiting for a worker")
    expect(page.locator("progress")).to_be_attached()
    with running_worker(app):
        # The page's script sees the job finish and loads the page again, with the file.
        expect(page.get_by_text("The file is ready.")).to_be_visible(timeout=60_000)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download agreements-").click()
    assert download.value.suggested_filename.endswith(".csv")
    assert "battery industry cooperation" in download.value.path().read_text(encoding="utf-8-sig")

    page.get_by_role("link", name="My jobs").first.click()
    expect(page.get_by_role("table", name="My jobs")).to_contain_text("Done")
