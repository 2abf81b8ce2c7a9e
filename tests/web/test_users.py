"""User administration: the guard rails in the services, and every page and form over HTTP."""

from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from tests.conftest import TEST_PASSWORD, sign_in_client
from tracker.errors import DuplicateError, ValidationError
from tracker.models import User, UserRole
from tracker.services import accounts

NEW_PASSWORD = "a long and new passphrase"


def stored_user(session, email: str) -> User | None:
    """The user as the database now has it (after what a request committed)."""
    session.rollback()
    session.expire_all()
    return session.scalar(select(User).where(User.email == email))


@pytest.fixture
def admin(make_user) -> User:
    """The admin who administers in these tests."""
    return make_user(UserRole.ADMIN, email="chief@kemenperin.example")


@pytest.fixture
def admin_client(app, admin):
    """A client signed in as `admin`."""
    return sign_in_client(app.test_client(), admin)


@pytest.fixture
def security_log(caplog):
    """Captured records of the security log."""
    caplog.set_level(logging.INFO, logger="tracker.security")
    return caplog


def security_messages(caplog) -> list[str]:
    """The security log's messages so far."""
    return [record.getMessage() for record in caplog.records if record.name == "tracker.security"]


def shown_password(html: str) -> str:
    """The generated password the page shows once."""
    return re.search(r'<code class="secret">([^<]+)</code>', html).group(1)


# --- services -------------------------------------------------------------------------------------


def test_admin_cannot_remove_own_admin_role(session, admin):
    with pytest.raises(ValidationError, match="your own admin role"):
        accounts.change_role(session, admin, admin, UserRole.EDITOR)
    accounts.change_role(session, admin, admin, UserRole.ADMIN)  # keeping it is fine
    assert admin.role is UserRole.ADMIN


def test_last_active_admin_cannot_be_demoted_or_deactivated(session, admin, make_user):
    other = make_user(UserRole.EDITOR)
    make_user(UserRole.ADMIN, active=False)  # a deactivated admin does not count
    with pytest.raises(ValidationError, match="last active admin"):
        accounts.change_role(session, other, admin, UserRole.VIEWER)
    with pytest.raises(ValidationError, match="last active admin"):
        accounts.deactivate(session, other, admin)
    session.rollback()
    second = make_user(UserRole.ADMIN)
    accounts.deactivate(session, second, admin)
    assert not admin.active


def test_admin_cannot_deactivate_self_or_reset_own_password(session, admin, make_user):
    make_user(UserRole.ADMIN)
    with pytest.raises(ValidationError, match="your own account"):
        accounts.deactivate(session, admin, admin)
    with pytest.raises(ValidationError, match="your own password"):
        accounts.reset_password(session, admin, admin, NEW_PASSWORD)


def test_deactivation_and_reset_end_sessions_and_reactivation_keeps_them_ended(session, admin, make_user):
    user = make_user(UserRole.VIEWER)
    accounts.deactivate(session, admin, user)
    accounts.reactivate(session, user)
    assert user.active and user.session_version == 2
    accounts.reset_password(session, admin, user, NEW_PASSWORD)
    assert user.session_version == 3 and check_password_hash(user.password_hash, NEW_PASSWORD)


def test_create_user_refuses_duplicates_bad_addresses_and_short_passwords(session, admin):
    with pytest.raises(DuplicateError):
        accounts.create_user(session, "CHIEF@kemenperin.example", NEW_PASSWORD, UserRole.VIEWER)
    with pytest.raises(ValidationError, match="valid e-mail"):
        accounts.create_user(session, "not an address", NEW_PASSWORD, UserRole.VIEWER)
    with pytest.raises(ValidationError, match="at least 12"):
        accounts.create_user(session, "new@kemenperin.example", "short", UserRole.VIEWER)


# --- pages ----------------------------------------------------------------------------------------


def test_index_lists_accounts_and_the_nav_links_it_for_admins_only(admin_client, client_as, make_user):
    make_user(UserRole.VIEWER, email="gone@kemenperin.example", active=False)
    response = admin_client.get("/users/")
    assert response.status_code == 200
    for text in ("chief@kemenperin.example", "gone@kemenperin.example", "Deactivated", "Never", "Viewer", "Admin"):
        assert text in response.text
    assert 'href="/users/"' in admin_client.get("/").text
    assert 'href="/users/"' not in client_as(UserRole.EDITOR).get("/").text


def test_last_sign_in_is_listed(app, admin_client, make_user):
    make_user(UserRole.EDITOR, email="editor@kemenperin.example")
    app.test_client().post("/sign-in", data={"email": "editor@kemenperin.example", "password": TEST_PASSWORD})
    row = admin_client.get("/users/").text.split("editor@kemenperin.example")[1].split("</tr>")[0]
    assert "Never" not in row


def test_new_user_form_renders(admin_client):
    response = admin_client.get("/users/new")
    assert response.status_code == 200
    for name in ("email", "name", "role", "password", "confirm", "generate"):
        assert f'name="{name}"' in response.text


def test_create_user_with_typed_password(admin_client, session, security_log):
    response = admin_client.post(
        "/users/new",
        data={
            "email": " New.Person@Kemenperin.example ",
            "name": "New Person",
            "role": "editor",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    user = stored_user(session, "new.person@kemenperin.example")
    assert (user.name, user.role, user.active) == ("New Person", UserRole.EDITOR, True)
    assert check_password_hash(user.password_hash, NEW_PASSWORD)
    assert response.headers["Location"].endswith(f"/users/{user.id}")
    assert any("chief@kemenperin.example created new.person@" in m for m in security_messages(security_log))


def test_create_user_with_generated_password_shows_it_once(admin_client, session):
    response = admin_client.post(
        "/users/new", data={"email": "gen@kemenperin.example", "role": "viewer", "generate": "y"}
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    password = shown_password(response.text)
    user = stored_user(session, "gen@kemenperin.example")
    assert check_password_hash(user.password_hash, password) and len(password) >= 12
    assert password not in admin_client.get(f"/users/{user.id}").text
    assert password not in admin_client.get("/users/").text


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        ({"email": "", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, 422, "This field is required"),
        ({"email": "x@kemenperin.example", "password": "short", "confirm": "short"}, 422, "at least 12"),
        ({"email": "x@kemenperin.example", "password": NEW_PASSWORD, "confirm": "other"}, 422, "do not match"),
        ({"email": "x@kemenperin.example"}, 422, "or generate one"),
        ({"email": "no-at-sign", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, 422, "valid e-mail"),
        ({"email": "x@kemenperin.example", "role": "owner", "generate": "y"}, 422, "Not a valid choice"),
        ({"email": "CHIEF@kemenperin.example", "generate": "y"}, 409, "already an account"),
    ],
)
def test_create_user_with_invalid_input_creates_nothing(admin_client, session, fields, status, message):
    data = {"role": "viewer", **fields}
    response = admin_client.post("/users/new", data=data)
    assert response.status_code == status
    assert message in response.text
    assert NEW_PASSWORD not in response.text  # a typed password is never sent back
    assert stored_user(session, "x@kemenperin.example") is None
    assert len(session.scalars(select(User)).all()) == 1


def test_detail_page_shows_the_account_and_its_actions(admin_client, make_user):
    user = make_user(UserRole.VIEWER)
    response = admin_client.get(f"/users/{user.id}")
    assert response.status_code == 200
    assert user.email in response.text
    assert f'action="/users/{user.id}/role"' in response.text
    assert f'action="/users/{user.id}/deactivate"' in response.text
    assert f'href="/users/{user.id}/password"' in response.text


def test_own_detail_page_offers_no_deactivation_or_reset(admin_client, admin):
    response = admin_client.get(f"/users/{admin.id}")
    assert "/deactivate" not in response.text
    assert f"/users/{admin.id}/password" not in response.text
    assert "You cannot deactivate your own account." in response.text


def test_unknown_user_is_404(admin_client):
    assert admin_client.get("/users/999999").status_code == 404
    assert admin_client.post("/users/999999/deactivate").status_code == 404


def test_change_role_takes_effect_on_the_next_request(app, admin_client, make_user, session, security_log):
    user = make_user(UserRole.VIEWER)
    user_client = sign_in_client(app.test_client(), user)
    assert user_client.get("/agreements/new").status_code == 403
    response = admin_client.post(f"/users/{user.id}/role", data={"role": "editor"})
    assert response.status_code == 302
    assert stored_user(session, user.email).role is UserRole.EDITOR
    assert user_client.get("/agreements/new").status_code == 200
    assert any(f"changed role of {user.email} from viewer to editor" in m for m in security_messages(security_log))


def test_admin_cannot_demote_self_over_http(admin_client, admin, session, security_log):
    response = admin_client.post(f"/users/{admin.id}/role", data={"role": "viewer"})
    assert response.status_code == 422
    assert "You cannot remove your own admin role" in response.text
    assert stored_user(session, admin.email).role is UserRole.ADMIN
    assert any("refused" in m and "change role" in m for m in security_messages(security_log))


def test_change_role_refuses_an_unknown_role(admin_client, make_user, session):
    user = make_user(UserRole.VIEWER)
    response = admin_client.post(f"/users/{user.id}/role", data={"role": "root"})
    assert response.status_code == 422
    assert stored_user(session, user.email).role is UserRole.VIEWER


def test_deactivation_ends_the_users_sessions_and_sign_in(app, admin_client, make_user, session, security_log):
    user = make_user(UserRole.EDITOR)
    user_client = sign_in_client(app.test_client(), user)
    assert user_client.get("/").status_code == 200
    response = admin_client.post(f"/users/{user.id}/deactivate")
    assert response.status_code == 302
    assert not stored_user(session, user.email).active
    assert "/sign-in" in user_client.get("/").headers["Location"]
    refused = app.test_client().post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD})
    assert refused.status_code == 401
    assert any(f"deactivated {user.email}" in m for m in security_messages(security_log))


def test_reactivation_lets_the_user_sign_in_again(app, admin_client, make_user, session):
    user = make_user(UserRole.EDITOR, active=False)
    assert admin_client.post(f"/users/{user.id}/reactivate").status_code == 302
    assert stored_user(session, user.email).active
    response = app.test_client().post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302


def test_admin_cannot_deactivate_self_over_http(admin_client, admin, session, security_log):
    response = admin_client.post(f"/users/{admin.id}/deactivate")
    assert response.status_code == 422
    assert "You cannot deactivate your own account." in response.text
    assert stored_user(session, admin.email).active
    assert admin_client.get("/").status_code == 200
    assert any("refused" in m and "deactivate" in m for m in security_messages(security_log))


def test_reset_password_form_renders(admin_client, make_user):
    user = make_user(UserRole.VIEWER)
    response = admin_client.get(f"/users/{user.id}/password")
    assert response.status_code == 200
    assert 'name="generate"' in response.text


def test_reset_password_ends_sessions_and_the_new_one_works(app, admin_client, make_user, session, security_log):
    user = make_user(UserRole.VIEWER)
    user_client = sign_in_client(app.test_client(), user)
    response = admin_client.post(f"/users/{user.id}/password", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert "/sign-in" in user_client.get("/").headers["Location"]
    assert check_password_hash(stored_user(session, user.email).password_hash, NEW_PASSWORD)
    assert any(f"reset password of {user.email}" in m for m in security_messages(security_log))
    assert all(NEW_PASSWORD not in m for m in security_messages(security_log))


def test_reset_password_generated_is_shown_once(admin_client, make_user, session):
    user = make_user(UserRole.VIEWER)
    response = admin_client.post(f"/users/{user.id}/password", data={"generate": "y"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    password = shown_password(response.text)
    assert check_password_hash(stored_user(session, user.email).password_hash, password)


def test_reset_password_refuses_mismatch_and_own_account(admin_client, admin, make_user, session):
    user = make_user(UserRole.VIEWER)
    response = admin_client.post(f"/users/{user.id}/password", data={"password": NEW_PASSWORD, "confirm": "x"})
    assert response.status_code == 422 and "do not match" in response.text
    own = admin_client.post(f"/users/{admin.id}/password", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert own.status_code == 422 and "your own password" in own.text
    assert check_password_hash(stored_user(session, admin.email).password_hash, TEST_PASSWORD)
