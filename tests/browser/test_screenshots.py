"""The main pages with the demo story, seen as of 4 October 2017: each must open and is photographed (desktop width
1280, one at phone width) into a temporary folder, or by `make screenshots` into docs/screenshots/ for the README."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select, update

from tracker.demo import load_demo
from tracker.models import Agreement, AgreementSource, Party, Source, UserRole

from .helpers import README_SCREENSHOTS, expect, screenshot, screenshots_folder, sign_in

AS_OF = "2017-10-04"
# The demo as if recorded that morning, so that the pictures do not change from one run to the next.
RECORDED = datetime(2017, 10, 4, 9, 30, tzinfo=UTC)
PHONE = {"width": 390, "height": 844}


def test_main_pages_open_and_are_photographed(session, new_context, make_user, tmp_path):
    """Dashboard, query, agreement, timeline, expiring list, party page, the Indonesian dashboard, and a phone."""
    folder = screenshots_folder(tmp_path)
    load_demo(session)
    for model in (Agreement, Party, Source):
        session.execute(update(model).values(created_at=RECORDED, updated_at=RECORDED))
    session.execute(update(AgreementSource).values(created_at=RECORDED))
    session.commit()
    aitec = session.scalars(select(Agreement).where(Agreement.title.startswith("Technology development"))).one()
    party = session.scalars(select(Party).where(Party.name.startswith("AITEC"))).one()
    user = make_user(UserRole.EDITOR, email="ana@kemenperin.example")
    page = new_context().new_page()
    sign_in(page, user.email)

    shots = [
        ("dashboard", f"/?as_of={AS_OF}"),
        ("agreements", "/agreements/?sector=technology&country=KR&sort=start"),
        ("agreement", f"/agreements/{aitec.id}"),
        ("timeline", f"/agreements/timeline?as_of={AS_OF}"),
        ("expiring", f"/expiring/?months=24&as_of={AS_OF}"),
        ("party", f"/parties/{party.id}"),
    ]
    problems = [problem for name, path in shots if (problem := photograph(page, folder, name, path))]

    phone = new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True).new_page()
    sign_in(phone, user.email)
    problems.append(photograph(phone, folder, "agreement-phone", f"/agreements/{aitec.id}"))

    page.get_by_role("button", name="Bahasa Indonesia").click()
    expect(page.locator("html")).to_have_attribute("lang", "id")
    problems.append(photograph(page, folder, "dashboard-id", f"/?as_of={AS_OF}"))
    assert [problem for problem in problems if problem] == []
    # Every picture the README shows is one this test takes.
    assert {path.name for path in README_SCREENSHOTS.glob("*.png")} <= {path.name for path in folder.glob("*.png")}


def photograph(page, folder: Path, name: str, path: str) -> str | None:
    """Open the page and save its picture; what went wrong, or None."""
    response = page.goto(path)
    if response is None or not response.ok:
        return f"{path} answered {response.status if response else 'nothing'}"
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    if name == "timeline":
        chart = page.locator("main svg").filter(has=page.locator("a")).first
        chart.scroll_into_view_if_needed()
    if name == "party":
        # Its timeline is drawn up to today (the page has no ?as_of=): leave it out, so the picture stays the same.
        screenshot(page, folder, name, clip_above=page.get_by_role("heading", name="Timeline", exact=True))
    else:
        screenshot(page, folder, name)
    return None
