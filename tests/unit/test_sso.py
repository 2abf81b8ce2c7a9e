"""Single sign-on settings and claims, without an app: what starts, what stops the app, what a claim maps to."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tracker.config import ConfigError, load_config
from tracker.models import UserRole
from tracker.sso.identity import claim_values, identity_of, role_from
from tracker.sso.settings import SsoSettings, sso_settings

PROVIDER = {
    "TRACKER_OIDC_ISSUER": "https://sso.kemlu.example/realms/kemlu",
    "TRACKER_OIDC_CLIENT_ID": "cooperation-tracker",
    "TRACKER_OIDC_CLIENT_SECRET": "s3cret-from-the-provider",
}
ROLES = {"tracker-admins": "admin", "/Kemlu/Direktorat Kerja Sama Teknik": "editor"}


def test_no_issuer_no_single_sign_on():
    assert sso_settings({}) is None
    assert sso_settings({"TRACKER_OIDC_ISSUER": "  ", "TRACKER_OIDC_CLIENT_ID": "x"}) is None


def test_the_defaults():
    settings = sso_settings(PROVIDER)
    assert settings == SsoSettings(
        issuer="https://sso.kemlu.example/realms/kemlu",
        client_id="cooperation-tracker",
        client_secret="s3cret-from-the-provider",
        name="sso.kemlu.example",
        scope="openid email profile",
        create_users=False,
        role_claim="",
        role_map={},
    )
    assert settings.discovery_url == "https://sso.kemlu.example/realms/kemlu/.well-known/openid-configuration"


def test_every_setting_read():
    settings = sso_settings(
        {
            **PROVIDER,
            "TRACKER_OIDC_ISSUER": "https://login.kemlu.example/",
            "TRACKER_OIDC_NAME": " Kemlu ID ",
            "TRACKER_OIDC_SCOPE": "openid  email profile\tgroups",
            "TRACKER_OIDC_NEW_USERS": "Viewer",
            "TRACKER_OIDC_ROLE_CLAIM": "groups",
            "TRACKER_OIDC_ROLE_MAP": json.dumps(ROLES),
        }
    )
    assert settings.issuer == "https://login.kemlu.example/", "kept as written: the iss claim must equal it"
    assert settings.discovery_url == "https://login.kemlu.example/.well-known/openid-configuration"
    assert (settings.name, settings.scope, settings.create_users) == ("Kemlu ID", "openid email profile groups", True)
    assert settings.role_map == {
        "tracker-admins": UserRole.ADMIN,
        "/Kemlu/Direktorat Kerja Sama Teknik": UserRole.EDITOR,
    }


@pytest.mark.parametrize(
    ("changes", "complaint"),
    [
        ({"TRACKER_OIDC_CLIENT_SECRET": ""}, "TRACKER_OIDC_CLIENT_SECRET"),
        ({"TRACKER_OIDC_CLIENT_ID": " "}, "TRACKER_OIDC_CLIENT_ID"),
        ({"TRACKER_OIDC_ISSUER": "http://sso.kemlu.example"}, "https"),
        ({"TRACKER_OIDC_ISSUER": "sso.kemlu.example"}, "https"),
        ({"TRACKER_OIDC_ISSUER": "https://sso.kemlu.example/?tenant=1"}, "https"),
        ({"TRACKER_OIDC_SCOPE": "email profile"}, "openid"),
        ({"TRACKER_OIDC_NEW_USERS": "editor"}, "refuse, viewer"),
        ({"TRACKER_OIDC_ROLE_CLAIM": "groups"}, "TRACKER_OIDC_ROLE_MAP must map"),
        ({"TRACKER_OIDC_ROLE_MAP": json.dumps(ROLES)}, "TRACKER_OIDC_ROLE_CLAIM must name"),
        ({"TRACKER_OIDC_ROLE_CLAIM": "groups", "TRACKER_OIDC_ROLE_MAP": "tracker-admins=admin"}, "not JSON"),
        ({"TRACKER_OIDC_ROLE_CLAIM": "groups", "TRACKER_OIDC_ROLE_MAP": '{"staff": "owner"}'}, "viewer, editor, admin"),
        ({"TRACKER_OIDC_ROLE_CLAIM": "groups", "TRACKER_OIDC_ROLE_MAP": '["admin"]'}, "JSON object"),
    ],
)
def test_a_wrong_setting_stops_the_app_starting(tmp_path: Path, changes: dict[str, str], complaint: str):
    with pytest.raises(ValueError, match=complaint):
        sso_settings({**PROVIDER, **changes})
    with pytest.raises(ConfigError, match=complaint):
        load_config(str(tmp_path), {"TESTING": True, "SECRET_KEY": "x", **PROVIDER, **changes})


@pytest.mark.parametrize("issuer", ["http://127.0.0.1:8080", "http://localhost:9000/realms/test", "http://[::1]:80"])
def test_plain_http_only_on_this_machine(issuer: str):
    assert sso_settings({**PROVIDER, "TRACKER_OIDC_ISSUER": issuer}).issuer == issuer


def test_password_sign_in_off_needs_a_provider(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    base = {"TESTING": True, "SECRET_KEY": "x"}
    monkeypatch.setenv("TRACKER_PASSWORD_SIGN_IN", "0")
    with pytest.raises(ConfigError, match="TRACKER_PASSWORD_SIGN_IN is off but single sign-on is not set up"):
        load_config(str(tmp_path), base)
    config = load_config(str(tmp_path), {**base, **PROVIDER})
    assert config["TRACKER_PASSWORD_SIGN_IN"] is False and config["TRACKER_SSO"].client_id == "cooperation-tracker"
    monkeypatch.setenv("TRACKER_PASSWORD_SIGN_IN", "nein")
    with pytest.raises(ConfigError, match="TRACKER_PASSWORD_SIGN_IN must be 1 or 0"):
        load_config(str(tmp_path), base)
    monkeypatch.delenv("TRACKER_PASSWORD_SIGN_IN")
    assert load_config(str(tmp_path), base)["TRACKER_PASSWORD_SIGN_IN"] is True


def test_claim_values_as_providers_send_them():
    claims = {
        "groups": ["tracker-editors", 7, None, "Biro Hukum"],
        "role": "admin",
        "realm_access": {"roles": ["offline_access", "tracker-admins"]},
        "https://kemlu.example/roles": ["tracker-editors"],
        "nested": "not a dict",
    }
    assert claim_values(claims, "groups") == ["tracker-editors", "Biro Hukum"]
    assert claim_values(claims, "role") == ["admin"]
    assert claim_values(claims, "realm_access.roles") == ["offline_access", "tracker-admins"]
    assert claim_values(claims, "https://kemlu.example/roles") == ["tracker-editors"], "a URL's dots are no path"
    assert claim_values(claims, "nested.roles") == claim_values(claims, "missing") == []


def test_the_highest_mapped_role_wins_and_nothing_mapped_is_a_viewer():
    roles = {"staf": UserRole.VIEWER, "penyunting": UserRole.EDITOR, "pengelola": UserRole.ADMIN}
    assert role_from(["staf", "pengelola", "penyunting"], roles) is UserRole.ADMIN
    assert role_from(["penyunting", "tamu"], roles) is UserRole.EDITOR
    assert role_from(["tamu"], roles) is role_from([], roles) is UserRole.VIEWER


def test_identity_of_the_claims():
    settings = sso_settings(
        {**PROVIDER, "TRACKER_OIDC_ROLE_CLAIM": "groups", "TRACKER_OIDC_ROLE_MAP": json.dumps(ROLES)}
    )
    claims = {"sub": "8d2f", "email": " Rina.Wulandari@Kemlu.example ", "email_verified": True, "name": " Rina W. "}
    identity = identity_of({**claims, "groups": ["tracker-admins"]}, settings)
    assert (identity.subject, identity.email, identity.name) == ("8d2f", "Rina.Wulandari@Kemlu.example", "Rina W.")
    assert identity.email_verified and identity.role is UserRole.ADMIN
    assert identity_of(claims, settings).role is UserRole.VIEWER
    assert identity_of(claims, sso_settings(PROVIDER)).role is None, "no role claim: the tracker keeps the role"
    for verified in (False, "false", "yes", 1, None):
        assert not identity_of({**claims, "email_verified": verified}, settings).email_verified
    assert identity_of({**claims, "email_verified": "true"}, settings).email_verified
    assert identity_of({"sub": "x", "email": ["a@b.example"]}, settings).email == ""
