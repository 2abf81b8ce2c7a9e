"""The digest at scale (issue 19): each list shows its first DIGEST_ROWS with its total and a link to the whole list
in the app (whose rows are the same, in the same order), and a user's digest costs a fixed number of statements."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

import pytest

from tests.conftest import sign_in_client
from tracker.digest import build_digests
from tracker.models import AgreementStatus, RenewalIntent, UserRole
from tracker.queries.digest import DIGEST_ROWS

AS_OF = date(2017, 10, 4)
BASE_URL = "http://localhost"


@pytest.fixture
def reader(app, make_user):
    """An opted-in user with a 12-month window."""
    app.config.update(TRACKER_BASE_URL=BASE_URL)
    user = make_user(UserRole.VIEWER, email="reader@kemenperin.example")
    user.digest_opt_in, user.digest_months, user.owner_digest = True, 12, False
    return user


def add(make_agreement, count: int, first: int = 0) -> None:
    """`count` agreements ending within the window, and as many past their end with no renewal under way."""
    for n in range(first, first + count):
        make_agreement(title=f"Ending {n:02d}", end=f"2018-{1 + n % 9:02d}-{1 + n // 9:02d}")
        make_agreement(
            title=f"Stale {n:02d}", end=f"2016-{1 + n % 12:02d}-{1 + n // 12:02d}", renewal_intent=RenewalIntent.NONE
        )


def text_of(app, user) -> tuple[str, str]:
    """The subject and plain-text body of the user's digest as of AS_OF."""
    [digest] = build_digests(app, AS_OF, "tracker@localhost", only=user.id).digests
    return digest.message["Subject"], digest.message.get_body(("plain",)).get_content()


def test_more_than_the_rows_shown_names_the_totals_and_links_to_the_same_rows(app, session, reader, make_agreement):
    add(make_agreement, DIGEST_ROWS + 3)
    session.commit()
    subject, body = text_of(app, reader)
    total = DIGEST_ROWS + 3
    assert subject == f"Expiring agreements: {total} ending soon, {total} needing attention"
    assert f"{total} agreements ending within your window (the first {DIGEST_ROWS})" in body
    assert f"Past the end, no renewal under way: {total} agreements (the first {DIGEST_ROWS})" in body
    shown = re.findall(r"^\* (Ending \d+)$", body, re.M)
    stale = re.findall(r"^\* (Stale \d+)$", body, re.M)
    assert len(shown) == DIGEST_ROWS and len(stale) == DIGEST_ROWS
    client = sign_in_client(app.test_client(), reader)
    for titles, pattern in ((shown, r"The expiring list: (\S+)"), (stale, r"^  (\S+show=attention\S*)$")):
        link = urlsplit(re.search(pattern, body, re.M).group(1))
        page = client.get(f"{link.path}?{link.query}").text
        positions = [page.index(f">{title}<") for title in titles]
        assert positions == sorted(positions), link  # the page lists the same rows first, in the same order
        listed = [title for title in re.findall(r">((?:Ending|Stale) \d+)<", page) if title[:5] == titles[0][:5]]
        assert listed[: len(titles)] == titles  # the page opens with the same rows


def test_a_digest_costs_the_same_statements_whatever_the_rows(app, session, reader, make_agreement, count_statements):
    add(make_agreement, 3)
    session.commit()
    with count_statements() as statements:
        text_of(app, reader)
    few = len(statements)
    add(make_agreement, DIGEST_ROWS * 2, first=3)
    session.commit()
    with count_statements() as statements:
        _subject, body = text_of(app, reader)
    assert f"{DIGEST_ROWS * 2 + 3} agreements ending within your window" in body
    assert len(statements) <= few + 2  # the two totals, counted once a list is full


def test_statuses_after_which_nothing_is_due_stay_out(app, session, reader, make_agreement):
    make_agreement(title="Ending soon", end="2018-01-31")
    make_agreement(title="Expired already", end="2018-01-31", status=AgreementStatus.EXPIRED)
    session.commit()
    _subject, body = text_of(app, reader)
    assert "1 agreement ending within your window" in body and "Expired already" not in body
