"""Kept party pages (issue 19, tracker/http/fragments.py): the party list's content and a live party's page are kept
per data version and query, as the agreement list's are; a kept view is the same page, any write shows at once, and
what differs per user (the CSRF token, the role's actions, the language, who archived a party) is never served to
another."""

from __future__ import annotations

import pytest

from tests.web.test_kept_lists import kept_count, masked
from tracker.models import AgreementStatus, PartyAlias, PartyKind, PartyRole, UserRole

PARTIES = "/parties/"


@pytest.fixture
def japan(make_party, make_agreement):
    """A partner state with a unit, in two agreements with the ministry."""
    ministry = make_party()
    state = make_party(name="Government of Japan", kind=PartyKind.STATE, country_code="JP", aliases=["Japan"])
    unit = make_party(name="Japan International Cooperation Agency", kind=PartyKind.COMPANY, country_code="JP",
                      parent=state)  # fmt: skip
    for title, partner in (("Alpha port cooperation", state), ("Beta training cooperation", unit)):
        make_agreement(title=title, start="2015", end="2025",
                       parties=[(ministry, PartyRole.SIGNATORY), (partner, PartyRole.SIGNATORY)])  # fmt: skip
    return state


def queries_of(statements: list[str]) -> list[str]:
    """The statements but the transaction's start."""
    return [statement for statement in statements if statement != "BEGIN"]


def test_a_kept_party_page_is_the_same_page_with_fewer_statements(app, client_as, japan, count_statements):
    client = client_as(UserRole.VIEWER)
    with count_statements() as first:
        rendered = client.get(f"/parties/{japan.id}")
    with count_statements() as second:
        kept = client.get(f"/parties/{japan.id}")
    assert rendered.status_code == kept.status_code == 200
    assert masked(kept.get_data(as_text=True)) == masked(rendered.get_data(as_text=True))
    assert "Alpha port cooperation" in kept.get_data(as_text=True)
    assert kept_count(app) == 1
    # The kept view reads the user, the party with its units (the title, a 404 or an archived party) and the data
    # version; its agreements, partners, sources and timeline are not read again.
    assert len(queries_of(second)) <= 4 < len(queries_of(first)), queries_of(second)


def test_a_kept_party_list_is_the_same_page_with_fewer_statements(app, client_as, japan, count_statements):
    client = client_as(UserRole.VIEWER)
    with count_statements() as first:
        rendered = client.get(PARTIES)
    with count_statements() as second:
        kept = client.get(PARTIES)
    assert rendered.status_code == kept.status_code == 200
    assert masked(kept.get_data(as_text=True)) == masked(rendered.get_data(as_text=True))
    assert "Government of Japan" in kept.get_data(as_text=True)
    # The user and the data version: the agreement counts (which grow with the agreements) are not read again.
    assert len(queries_of(second)) <= 2 < len(queries_of(first)), queries_of(second)


def test_a_write_shows_at_once_on_both_pages(app, client_as, japan, session, make_agreement):
    client = client_as(UserRole.VIEWER)
    party_page = f"/parties/{japan.id}"
    client.get(party_page), client.get(PARTIES)
    japan.name = "Government of Japan, renamed"
    session.commit()
    assert "Government of Japan, renamed" in client.get(party_page).get_data(as_text=True)
    assert "Government of Japan, renamed" in client.get(PARTIES).get_data(as_text=True)
    make_agreement(title="Gamma signed only", status=AgreementStatus.SIGNED,
                   parties=[(japan, PartyRole.SIGNATORY)])  # fmt: skip
    assert "Gamma signed only" in client.get(party_page).get_data(as_text=True)
    japan.aliases = [*japan.aliases, PartyAlias(alias="Nippon")]  # as the party form does: recorded in the history
    session.commit()
    assert "Nippon" in client.get(PARTIES).get_data(as_text=True)
    assert "Nippon" in client.get(party_page).get_data(as_text=True)


def test_roles_and_languages_are_kept_apart(app, client_as, japan):
    viewer, editor = client_as(UserRole.VIEWER), client_as(UserRole.EDITOR)
    party_page = f"/parties/{japan.id}"
    assert ">Edit<" not in viewer.get(party_page).get_data(as_text=True)
    assert ">Edit<" in editor.get(party_page).get_data(as_text=True)
    assert "New party" not in viewer.get(PARTIES).get_data(as_text=True)
    assert "New party" in editor.get(PARTIES).get_data(as_text=True)
    english = editor.get(PARTIES, headers={"Accept-Language": "en"}).get_data(as_text=True)
    indonesian = editor.get(PARTIES, headers={"Accept-Language": "id"}).get_data(as_text=True)
    assert "New party" in english and "New party" not in indonesian


def test_an_archived_party_is_not_kept(app, client_as, make_party):
    """Its page names who archived it, and user names are outside the data version."""
    lone = make_party(name="Lone Company", kind=PartyKind.COMPANY, country_code="KR")
    admin = client_as(UserRole.ADMIN)
    assert admin.post(f"/parties/{lone.id}/delete").status_code == 302
    assert admin.get(f"/parties/{lone.id}").status_code == 200
    assert kept_count(app) == 0
    assert client_as(UserRole.VIEWER).get(f"/parties/{lone.id}").status_code == 404


def test_refused_and_past_the_end_pages_are_not_kept(app, client_as, japan):
    client = client_as(UserRole.VIEWER)
    assert client.get(f"/parties/{japan.id}?page=x").status_code == 400
    assert client.get(f"/parties/{japan.id}?page=x").status_code == 400
    past = client.get(f"/parties/{japan.id}?page=9")
    assert past.status_code == 302 and past.headers["Location"].endswith(f"/parties/{japan.id}?page=1")
    assert client.get(f"/parties/{japan.id}?page=9").status_code == 302
    assert client.get(f"{PARTIES}?page=x").status_code == 400
    assert kept_count(app) == 0
