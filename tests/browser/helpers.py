"""What the browser journeys share: signing in, Playwright's `expect`, and the README's screenshots.

Playwright is imported only when used, so that the suite still collects (and skips these tests with a reason)
on a machine without it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.conftest import TEST_PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Page

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def expect(actual: Any, message: str | None = None) -> Any:
    """Playwright's auto-waiting assertions."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(actual, message)


def sign_in(page: Page, email: str, password: str = TEST_PASSWORD) -> None:
    """Sign in through the form, as a person would, and wait until the browser has left the sign-in page."""
    page.goto("/sign-in")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/sign-in"))


def write_screenshots() -> bool:
    """Screenshots are written on the SQLite run only, so the committed pictures come from one setup."""
    return not os.environ.get("TEST_DATABASE_URL")


def screenshot(page: Page, name: str, clip_above: Any = None) -> None:
    """Save the visible page as docs/screenshots/<name>.png (only on the SQLite run), or only what lies above the
    element `clip_above` (a locator) when the page has it."""
    if not write_screenshots():
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    clip = None
    if clip_above is not None and clip_above.count():
        viewport = page.viewport_size or {"width": 1280, "height": 900}
        top = clip_above.bounding_box()["y"]
        clip = {"x": 0, "y": 0, "width": viewport["width"], "height": min(top - 8, viewport["height"])}
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), clip=clip, animations="disabled")


def tab_to(page: Page, target: Any, limit: int = 120) -> None:
    """Press Tab until `target` (a locator) has the focus, as a keyboard user would; fail if it never gets it."""
    target.wait_for()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{target} never got the focus after {limit} presses of Tab")
