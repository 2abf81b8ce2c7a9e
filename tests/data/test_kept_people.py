"""Kept pages name officers as they are now (migration 0041): a change of a user's name or e-mail address moves the
data version, which every kept page goes by; a write that shows nowhere (a sign-in) does not."""

from __future__ import annotations

from datetime import UTC, datetime

from tracker.models import UserRole
from tracker.queries.dashboard import data_version

LIST = "/agreements/?sort=title"


def test_a_new_name_or_address_moves_the_data_version_and_a_sign_in_does_not(session, make_user):
    officer = make_user(UserRole.EDITOR)
    before = data_version(session)
    officer.last_sign_in_at = datetime.now(UTC)
    session.commit()
    assert data_version(session) == before
    officer.name = "Rina Wulandari, S.T."
    session.commit()
    renamed = data_version(session)
    assert renamed != before
    officer.email = "rina.wulandari@kemenperin.example"
    session.commit()
    assert data_version(session) != renamed


def test_a_kept_list_names_the_officer_by_the_new_name(app, client_as, session, make_user, make_agreement):
    officer = make_user(UserRole.EDITOR)
    officer.name = "Budi Santoso"
    make_agreement(title="Moulds and dies cooperation").owner_id = officer.id
    session.commit()
    client = client_as(UserRole.VIEWER)
    for _ in range(2):  # the second view is the kept one
        assert "Budi Santoso" in client.get(LIST).get_data(as_text=True)
    officer.name = "Budi Santoso, M.Eng."
    session.commit()
    page = client.get(LIST).get_data(as_text=True)
    assert "Budi Santoso, M.Eng." in page
