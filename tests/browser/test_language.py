"""Journey: switch the interface to Bahasa Indonesia and see it everywhere, and on the next sign-in too."""

from __future__ import annotations

import re

from flask_babel import force_locale, get_translations, gettext

from tracker.demo import load_demo
from tracker.models import UserRole

from .helpers import expect, sign_in

AS_OF = "2017-10-04"
# The words of the interface itself (not the data): headings, captions, column heads, buttons, summaries, menus.
INTERFACE_WORDS = "h1, h2, h3, caption, thead th, legend, button, summary, nav a, .account a"


def indonesian(app, message: str) -> str:
    """The Indonesian catalog's translation of a message, which must exist and differ from the English."""
    with app.test_request_context(), force_locale("id"):
        translated = gettext(message)
    assert translated and translated != message, f"no Indonesian translation of {message!r}"
    return translated


def same_in_both(app, text: str) -> bool:
    """A word the Indonesian catalog deliberately keeps as it is in English ("Status", "Token API"...)."""
    with app.test_request_context(), force_locale("id"):
        return text in get_translations()._catalog and gettext(text) == text


def untranslated(app, english: list[str], indonesian_page: list[str]) -> list[str]:
    """Interface words that read the same on the Indonesian page as on the English one (and should not)."""
    names = {"English", "Bahasa Indonesia"}  # each language's button is named in its own language
    return [
        en
        for en, id_ in zip(english, indonesian_page, strict=True)
        if en == id_ and re.search(r"[A-Za-z]{3}", en) and en not in names and not same_in_both(app, en)
    ]


def interface_words(page) -> list[str]:
    """The texts of the page's interface elements, in document order."""
    return page.locator(INTERFACE_WORDS).evaluate_all("elements => elements.map(e => e.innerText.trim())")


def test_switch_to_indonesian_everywhere(app, session, page_as, new_context):
    """Header, dashboard, a form's validation message and dates follow the switch; the choice stays on the account."""
    load_demo(session)
    session.commit()
    page, user = page_as(UserRole.EDITOR)
    page.goto(f"/?as_of={AS_OF}")
    expect(page.locator("html")).to_have_attribute("lang", re.compile(r"^en"))
    english = interface_words(page)

    page.get_by_role("button", name="Bahasa Indonesia").click()
    expect(page).to_have_url(re.compile(rf"as_of={AS_OF}"))  # back on the same page
    expect(page.locator("html")).to_have_attribute("lang", re.compile(r"^id"))
    expect(page.get_by_role("button", name="Bahasa Indonesia")).to_have_attribute("aria-current", "true")
    nav = page.get_by_role("navigation").first
    for message in ("Dashboard", "Agreements", "Expiring", "Parties", "Sources"):
        expect(nav.get_by_role("link", name=indonesian(app, message), exact=True)).to_be_visible()
    expect(page.get_by_role("button", name=indonesian(app, "Sign out"))).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(indonesian(app, "Dashboard"))
    expect(page.get_by_role("main")).to_contain_text(re.compile(r"4 Okt(ober)? 2017"))
    assert untranslated(app, english, interface_words(page)) == []

    # A form: its heading, buttons and the validation message of an empty title.
    nav.get_by_role("link", name=indonesian(app, "Agreements"), exact=True).click()
    page.get_by_role("link", name=indonesian(app, "Add agreement")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(indonesian(app, "New agreement"))
    page.get_by_role("button", name=indonesian(app, "Save"), exact=True).click()
    expect(page.get_by_label(indonesian(app, "Title"), exact=True)).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("alert").filter(has_text=indonesian(app, "This field is required."))).to_be_visible()

    # The choice is kept on the account: another browser, signing in, gets Indonesian at once; and back.
    other = new_context().new_page()
    sign_in(other, user.email)
    expect(other.get_by_role("heading", level=1)).to_have_text(indonesian(app, "Dashboard"))
    other.get_by_role("button", name="English").click()
    expect(other.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(other.locator("html")).to_have_attribute("lang", re.compile(r"^en"))
