"""Journeys: signing in (a wrong password first), and a viewer who can neither see nor use the edit actions."""

from __future__ import annotations

import re

from tracker.models import UserRole

from .helpers import expect


def test_sign_in_after_a_wrong_password_then_sign_out(page, make_user):
    """A wrong password is refused with a message announced to screen readers; the right one opens the dashboard."""
    user = make_user(UserRole.VIEWER)
    page.goto("/agreements/")
    expect(page).to_have_url(re.compile(r"/sign-in"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")

    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill("not the right password at all")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("The e-mail address or the password is not right.")
    expect(page).to_have_url(re.compile(r"/sign-in"))

    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    # Back where the user was going, signed in.
    expect(page).to_have_url(re.compile(r"/agreements/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Agreements")
    expect(page.get_by_role("banner")).to_contain_text(user.email)

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in"))
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in"))


def test_a_viewer_sees_no_edit_actions_and_is_refused_when_posting(page_as, make_agreement):
    """The page offers a viewer no edit action; posting the edit form anyway, with a valid CSRF token, gets 403."""
    agreement = make_agreement(title="Technology development cooperation", start="2006", end="2018")
    page, _viewer = page_as(UserRole.VIEWER)

    page.goto(f"/agreements/{agreement.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Technology development cooperation")
    main = page.get_by_role("main")
    for name in ("Edit", "Archive", "Link a source"):
        expect(main.get_by_role("link", name=name, exact=True)).to_have_count(0)
    page.goto("/agreements/")
    expect(page.get_by_role("link", name="Add agreement")).to_have_count(0)

    # The viewer's own session and a valid token (from the sign-out form): only the role is missing.
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    response = page.request.post(
        f"/agreements/{agreement.id}/edit",
        form={
            "csrf_token": token,
            "version": "1",
            "title": "Changed by a viewer",
            "instrument_type": "agreement",
            "status": "in_force",
            "renewal_intent": "none",
        },
    )
    assert response.status == 403
    assert page.goto(f"/agreements/{agreement.id}/edit").status == 403
    expect(page.get_by_label("Title", exact=True)).to_have_count(0)
    page.goto(f"/agreements/{agreement.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Technology development cooperation")
