"""Kept list results (issue 19, tracker/http/fragments.py): the agreement list's content and the API list's answer are
kept per data version and query; a kept view is the same page, any write shows at once, and what differs per user
(the CSRF token, the role's actions, the language, "me") is never served to another."""

from __future__ import annotations

import re

import pytest

from tests.conftest import sign_in_client
from tracker.models import UserRole

LIST = "/agreements/?status=in_force&sort=title"
API_LIST = "/agreements?status=in_force&sort=title"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def masked(html: str) -> str:
    """The page without what differs on every request: CSRF tokens and the printed sheet's time."""
    html = TOKEN.sub("csrf", html)
    return re.sub(r" · (as of|per) [^<]*<br>", " · T<br>", html)


def kept_count(app) -> int:
    """How many texts the app keeps."""
    cache = app.extensions.get("tracker.fragments")
    return len(cache._entries) if cache else 0


def test_a_kept_list_is_the_same_page_with_fewer_statements(app, client_as, listed, count_statements):
    client = client_as(UserRole.VIEWER)
    client.get("/")
    with count_statements() as first:
        rendered = client.get(LIST)
    with count_statements() as second:
        kept = client.get(LIST)
    assert rendered.status_code == kept.status_code == 200
    assert masked(kept.get_data(as_text=True)) == masked(rendered.get_data(as_text=True))
    assert "Alpha steel cooperation" in kept.get_data(as_text=True)
    assert kept_count(app) == 1
    # The kept view reads the signed-in user and the data version, nothing else.
    queries = [statement for statement in second if statement != "BEGIN"]
    assert len(queries) <= 2 < len(first), queries


def test_a_write_shows_at_once(app, client_as, listed, session):
    client = client_as(UserRole.VIEWER)
    assert "Alpha steel cooperation" in client.get(LIST).get_data(as_text=True)
    listed[0].title = "Alpha steel cooperation, renamed"
    session.commit()
    assert "Alpha steel cooperation, renamed" in client.get(LIST).get_data(as_text=True)


def test_an_edit_through_the_api_shows_in_both_lists(app, api_as, client_as, listed):
    api = api_as(UserRole.EDITOR)
    client = client_as(UserRole.VIEWER)
    titles = [item["title"] for item in api.get(API_LIST).get_json()["items"]]
    assert titles == ["Alpha steel cooperation", "Beta textile cooperation"]
    client.get(LIST)
    path = f"/agreements/{listed[1].id}"
    assert api.patch(path, json={"title": "Aardvark textile cooperation"}, etag=api.etag(path)).status_code == 200
    titles = [item["title"] for item in api.get(API_LIST).get_json()["items"]]
    assert titles == ["Aardvark textile cooperation", "Alpha steel cooperation"]
    assert "Aardvark textile cooperation" in client.get(LIST).get_data(as_text=True)


def test_a_kept_api_answer_is_the_same(app, api_as, listed):
    api = api_as(UserRole.VIEWER)
    first, second = api.get(API_LIST), api.get(API_LIST)
    assert first.status_code == second.status_code == 200
    assert first.get_data() == second.get_data()
    assert first.headers["Content-Type"] == second.headers["Content-Type"] == "application/json"
    assert kept_count(app) == 1


def test_a_refused_query_is_not_kept(app, client_as, api_as, listed):
    client, api = client_as(UserRole.VIEWER), api_as(UserRole.VIEWER)
    assert client.get("/agreements/?status=bogus").status_code == 400
    assert api.get("/agreements?status=bogus").status_code == 400
    assert kept_count(app) == 0


def test_each_request_gets_its_own_csrf_token(app, make_user, listed):
    """The save-query form on a kept page carries the viewer's own token, which the form's POST accepts."""
    app.config["WTF_CSRF_ENABLED"] = True
    tokens = []
    for _ in range(2):
        client = sign_in_client(app.test_client(), make_user(UserRole.EDITOR))
        html = client.get(LIST).get_data(as_text=True)
        save_form = html[html.index('class="save-query"') :]
        found = TOKEN.search(save_form)
        token = found.group(1) or found.group(2)
        tokens.append(token)
        form = {"csrf_token": token, "name": f"mine {len(tokens)}", "query": "status=in_force"}
        saved = client.post("/saved-queries/new", data=form)
        assert saved.status_code == 302, saved.get_data(as_text=True)
    assert tokens[0] != tokens[1]
    assert "\x00" not in html


def test_roles_and_languages_are_kept_apart(app, client_as, listed):
    viewer, editor = client_as(UserRole.VIEWER), client_as(UserRole.EDITOR)
    assert "Add agreement" not in viewer.get(LIST).get_data(as_text=True)
    assert "Add agreement" in editor.get(LIST).get_data(as_text=True)
    english = editor.get(LIST, headers={"Accept-Language": "en"}).get_data(as_text=True)
    indonesian = editor.get(LIST, headers={"Accept-Language": "id"}).get_data(as_text=True)
    assert "Add agreement" in english and "Add agreement" not in indonesian


def test_my_agreements_are_kept_per_user(app, make_user, make_agreement, listed):
    first, second = make_user(UserRole.EDITOR), make_user(UserRole.EDITOR)
    make_agreement(title="Owned by the first", owner_id=first.id)
    make_agreement(title="Owned by the second", owner_id=second.id)
    mine = "/agreements/?owner=me"
    assert "Owned by the first" in sign_in_client(app.test_client(), first).get(mine).get_data(as_text=True)
    seen_by_second = sign_in_client(app.test_client(), second).get(mine).get_data(as_text=True)
    assert "Owned by the second" in seen_by_second and "Owned by the first" not in seen_by_second


def test_an_officer_chosen_by_id_is_not_kept(app, client_as, make_user, listed):
    """The officer's name is shown in the filter, and user names are outside the data version."""
    officer = make_user(UserRole.EDITOR)
    assert client_as(UserRole.VIEWER).get(f"/agreements/?owner={officer.id}").status_code == 200
    assert kept_count(app) == 0


@pytest.mark.parametrize("path", ["/agreements/timeline?status=in_force", "/expiring/?as_of=2020-01-01&months=120"])
def test_timeline_and_expiring_are_kept_until_a_write(app, client_as, listed, session, count_statements, path):
    client = client_as(UserRole.VIEWER)
    client.get("/")
    rendered = client.get(path)
    with count_statements() as second:
        kept = client.get(path)
    assert rendered.status_code == kept.status_code == 200
    assert masked(kept.get_data(as_text=True)) == masked(rendered.get_data(as_text=True))
    assert len([statement for statement in second if statement != "BEGIN"]) <= 2
    listed[0].title = "Alpha steel cooperation, renamed"
    session.commit()
    with count_statements() as after_a_write:
        client.get(path)
    assert len([statement for statement in after_a_write if statement != "BEGIN"]) > 2  # rendered afresh
