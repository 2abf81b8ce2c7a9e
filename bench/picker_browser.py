"""Issue 18's "done": in a real browser, typing "kemenp" in a party picker offers the ministry within 300 ms, with
100,000 agreements and 5,000 parties. Measures the time from the last keystroke to the moment the ministry's option
is shown, in the agreement form's party row, the list filter's party field and the news review's "Another party".

    cp /work/notes/bench/100k.db /tmp/review-100k.db      # a copy: parties and a user are added to it
    DATABASE_URL=sqlite:////tmp/review-100k.db PYTHONPATH=. .venv/bin/python -m bench.picker_browser [TRIES (20)]

The database must be upgraded and hold `flask --app app seed-synthetic` data; parties are added up to 5,000 as
bench/lookup.py adds them, and an editor to sign in as. The app is served in this process (werkzeug, threaded, as
the browser tests serve it) and driven by Playwright in Debian's Chromium (tests/browser/conftest.py). The script's
wait before asking (150 ms after the last key, static/js/enhance.js section 7) is part of what is measured: it is
what a person waits. Prints the median and the 95th percentile per picker, in milliseconds; the first try of each
picker (the process reads the names) is printed apart.
"""

from __future__ import annotations

import logging
import math
import os
import statistics
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url
from werkzeug.security import generate_password_hash
from werkzeug.serving import make_server

from bench.lookup import fill_parties
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP, answered_whole
from tracker import create_app
from tracker.db import get_session
from tracker.models import User, UserRole

logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line a request would bury the results

PARTIES = 5000
TYPED = "kemenp"
MINISTRY = "Ministry of Industry of the Republic of Indonesia"
EMAIL = "picker-bench@example.org"
PASSWORD = "picker-bench-password"
REVIEW_TIMEOUT_MS = 300_000
KEY_DELAY_MS = 40  # faster than the script's 150 ms wait: one question per word typed, as a quick typist asks
ORIGINAL = Path("/work/notes/bench/100k.db")
SEED_PAGE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "pages" / "tirto_aitec.html"

# Installed in the page: the time of the last input event, and of the first moment after it that the picker's
# listbox is shown holding the ministry while the field still says what was typed.
WATCH = """([inputId, wanted, shown]) => {
  const input = document.getElementById(inputId);
  const bench = {last: 0, shown: 0};
  window.__pickerBench = bench;
  input.addEventListener("input", () => { bench.last = performance.now(); bench.shown = 0; });
  const check = () => {
    const list = document.getElementById(inputId + "-options");
    if (list && !list.hidden && !bench.shown && input.value === wanted && list.textContent.includes(shown)) {
      bench.shown = performance.now();
    }
  };
  new MutationObserver(check).observe(document.body, {subtree: true, childList: true, attributes: true});
}"""


def refuse_the_original(url: str) -> None:
    """Parties and a user are written: never into the shared database the copies come from."""
    database = make_url(url).database or ""
    if database and Path(database).resolve() == ORIGINAL.resolve():
        sys.exit(f"{ORIGINAL} is the original: copy it (cp {ORIGINAL} /tmp/review-100k.db) and bench the copy")


def prepare(app) -> None:
    """Parties up to 5,000 and an editor to sign in as."""
    with app.test_request_context("/"):
        session = get_session()
        print(f"{fill_parties(session, PARTIES)} parties")
        if session.scalar(select(User).where(User.email == EMAIL)) is None:
            hashed = generate_password_hash(PASSWORD, method="scrypt")
            session.add(User(email=EMAIL, role=UserRole.EDITOR, password_hash=hashed, active=True, session_version=1))
            session.commit()


def serve(app) -> tuple[str, object]:
    """The app on a free port of 127.0.0.1, in a background thread."""
    server = make_server("127.0.0.1", 0, answered_whole(app), threaded=True)
    threading.Thread(target=server.serve_forever, name="bench-server", daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


def sign_in(page) -> None:
    """Through the form, as a person would."""
    page.goto("/sign-in")
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in" not in url)


def agreement_form(page) -> str:
    """The new agreement's first party row."""
    page.goto("/agreements/new")
    return "parties-0-party"


def list_filter(page) -> str:
    """The agreement list's party filter (folded away below the text search)."""
    page.goto("/agreements/")
    page.get_by_text("More filters and sorting").click()
    return "party"


def review_screen(page) -> str:
    """The news review's "Another party", after reading the seed article pasted."""
    page.goto("/sources/add")
    page.get_by_label("Or paste the page or its text").fill(SEED_PAGE.read_text(encoding="utf-8"))
    started = time.perf_counter()
    page.get_by_role("button", name="Read the page").click(timeout=REVIEW_TIMEOUT_MS)
    page.wait_for_selector("#add_party", timeout=REVIEW_TIMEOUT_MS)
    print(f"(the review screen took {time.perf_counter() - started:.1f} s to arrive)")
    return "add_party"


def one_try(page, input_id: str) -> float:
    """Type the text afresh; milliseconds from the last keystroke to the ministry's option shown."""
    field = page.locator(f"#{input_id}")
    field.fill("")
    page.wait_for_timeout(250)  # past the script's wait: the emptied field's list is closed
    field.press_sequentially(TYPED, delay=KEY_DELAY_MS)
    page.wait_for_function("() => window.__pickerBench.shown > 0", timeout=10_000)
    return page.evaluate("() => window.__pickerBench.shown - window.__pickerBench.last")


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def measure(context, opener, tries: int) -> tuple[float, list[float]]:
    """The first try and the following ones, on a page `opener` opened."""
    page = context.new_page()
    input_id = opener(page)
    page.evaluate(WATCH, [input_id, TYPED, MINISTRY])
    first = one_try(page, input_id)
    times = [one_try(page, input_id) for _ in range(tries)]
    page.close()
    return first, times


def main(tries: int = 20) -> None:
    from playwright.sync_api import sync_playwright

    url = os.environ.get("DATABASE_URL", "sqlite:////tmp/review-100k.db")
    refuse_the_original(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "picker-bench"})
    prepare(app)
    base, server = serve(app)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=base, locale="en-GB", viewport=DESKTOP)
        page = context.new_page()
        sign_in(page)
        page.close()
        print(
            f"typing {TYPED!r} ({KEY_DELAY_MS} ms between keys), {tries} tries each; ms from the last key to the option"
        )
        for name, opener in (
            ("agreement form", agreement_form),
            ("list filter", list_filter),
            ("review screen", review_screen),
        ):
            first, times = measure(context, opener, tries)
            print(
                f"{name:15} median {statistics.median(times):6.1f}  p95 {percentile(times, 0.95):6.1f}  "
                f"max {max(times):6.1f}  (first try {first:6.1f})"
            )
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main(*(int(argument) for argument in sys.argv[1:]))
