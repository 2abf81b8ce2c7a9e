"""What the browser journeys share: signing in, Playwright's `expect`, and the README's screenshots.

Playwright is imported only when used, so that the suite still collects (and skips these tests with a reason)
on a machine without it.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.conftest import TEST_PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Page

# The README's pictures: only `make screenshots` writes here (TRACKER_SCREENSHOTS_DIR), so `make test` leaves the
# committed files alone and writes its pictures to a temporary folder.
README_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


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


def screenshots_folder(temporary: Path) -> Path:
    """Where the screenshots go: TRACKER_SCREENSHOTS_DIR when set (`make screenshots`), else `temporary`."""
    chosen = os.environ.get("TRACKER_SCREENSHOTS_DIR")
    return Path(chosen) if chosen else temporary


def screenshot(page: Page, folder: Path, name: str, clip_above: Any = None) -> None:
    """Save the visible page as <folder>/<name>.png, or only what lies above the element `clip_above` (a locator)
    when the page has it."""
    folder.mkdir(parents=True, exist_ok=True)
    clip = None
    if clip_above is not None and clip_above.count():
        viewport = page.viewport_size or {"width": 1280, "height": 900}
        top = clip_above.bounding_box()["y"]
        clip = {"x": 0, "y": 0, "width": viewport["width"], "height": min(top - 8, viewport["height"])}
    page.screenshot(path=str(folder / f"{name}.png"), clip=clip, animations="disabled")


def tab_to(page: Page, target: Any, limit: int = 120) -> None:
    """Press Tab until `target` (a locator) has the focus, as a keyboard user would; fail if it never gets it."""
    target.wait_for()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{target} never got the focus after {limit} presses of Tab")


def wait_until_scrolled_past(page: Page, pixels: int, seconds: float = 10) -> None:
    """Wait until the page has scrolled more than `pixels` down.

    Polled from here: Playwright's wait_for_function polls by evaluating a string in the page, which the app's
    content security policy (no 'unsafe-eval') refuses whenever the first check is not already true.
    """
    deadline = time.monotonic() + seconds
    while page.evaluate("window.scrollY") <= pixels:
        assert time.monotonic() < deadline, f"the page did not scroll past {pixels} px in {seconds} s"
        page.wait_for_timeout(50)
