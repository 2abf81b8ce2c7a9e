"""Two people edit the same record: the second save is refused with 409, shows the first person's change,
keeps the second person's input, and saving that form again deliberately applies it. Never a silent overwrite."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from werkzeug.datastructures import MultiDict

from tests.conftest import postgres_url, sign_in_client
from tests.html_forms import form_values, replaced, value_of
from tracker import create_app
from tracker.errors import ConflictError
from tracker.models import Agreement, FollowUpAction, Party, PartyKind, PartyRole, Source, UserRole
from tracker.records.agreement import AgreementData
from tracker.records.party import PartyData
from tracker.services import agreements as agreement_service
from tracker.services.agreements import update_agreement
from tracker.services.parties import update_party


def load_form(client, path: str) -> list[tuple[str, str]]:
    """The edit form at `path` as the browser would submit it unchanged."""
    response = client.get(path)
    assert response.status_code == 200
    return form_values(response.get_data(as_text=True), path)


def post(client, path: str, pairs: list[tuple[str, str]]):
    """Submit form pairs (repeated names allowed)."""
    return client.post(path, data=MultiDict(pairs))


def reloaded(session, model, record_id):
    """The record as committed now (ending the test session's snapshot first)."""
    session.rollback()
    session.expire_all()
    return session.get(model, record_id)


@pytest.fixture
def two_editors(client_as):
    """Two editors with their own browsers."""
    return client_as(UserRole.EDITOR), client_as(UserRole.EDITOR)


def check_conflict_flow(session, two_editors, path, model, record_id, field, first_value, second_value, prefix=""):
    """Both open the form; the first saves; the second is refused with the first's change shown, then saves.

    `field` is the record's attribute; the form's inputs are named with the form's `prefix` ("action-")."""
    first, second = two_editors
    first_form, second_form = load_form(first, path), load_form(second, path)
    old_value = value_of(first_form, prefix + field)

    assert post(first, path, replaced(first_form, **{prefix + field: first_value})).status_code == 302
    response = post(second, path, replaced(second_form, **{prefix + field: second_value}))

    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone else saved this record while you were editing it" in html
    assert first_value in html and old_value in html  # what the other person changed, before → after
    conflict_form = form_values(html, path)
    assert value_of(conflict_form, prefix + field) == second_value  # the second person's input is kept
    current = reloaded(session, model, record_id)
    assert getattr(current, field) == first_value  # nothing of the second save was written
    assert value_of(conflict_form, prefix + "version") == str(current.version)

    # Saving the conflict form again is a deliberate choice: it applies the second person's input.
    assert post(second, path, conflict_form).status_code == 302
    assert getattr(reloaded(session, model, record_id), field) == second_value


def test_agreement_conflict_is_shown_and_resolved(session, two_editors, make_party, make_agreement):
    ministry = make_party()
    agreement = make_agreement(notes="Original notes", parties=[(ministry, PartyRole.SIGNATORY)])
    path = f"/agreements/{agreement.id}/edit"
    check_conflict_flow(
        session, two_editors, path, Agreement, agreement.id, "notes", "Notes of the first", "Of the second"
    )


def test_party_conflict_is_shown_and_resolved(session, two_editors, make_party):
    party = make_party(name="AITEC Co., Ltd", kind=PartyKind.COMPANY, country_code="KR", notes="Moulds")
    path = f"/parties/{party.id}/edit"
    check_conflict_flow(session, two_editors, path, Party, party.id, "notes", "Moulds and dies", "Tooling")


def test_source_conflict_is_shown_and_resolved(session, two_editors, make_source):
    source = make_source(title="Kerja sama teknologi")
    path = f"/sources/{source.id}/edit"
    check_conflict_flow(session, two_editors, path, Source, source.id, "title", "Kerja sama AITEC", "Judul kedua")


def test_action_conflict_is_shown_and_resolved(session, two_editors, make_agreement):
    action = FollowUpAction(agreement=make_agreement(), title="Laporan pelaksanaan tahunan", note="Draft by KOICA")
    session.add(action)
    session.commit()
    path = f"/actions/{action.id}/edit"
    first, second = "Draft received 3 Nov", "Menunggu masukan KOICA"
    check_conflict_flow(session, two_editors, path, FollowUpAction, action.id, "note", first, second, "action-")


def test_conflict_page_names_who_changed_what(app, session, make_user, make_agreement):
    ani, budi = make_user(UserRole.EDITOR), make_user(UserRole.EDITOR)
    ani.name = "Ani Wijaya"
    session.commit()
    agreement = make_agreement(notes="Before")
    path = f"/agreements/{agreement.id}/edit"
    first, second = sign_in_client(app.test_client(), ani), sign_in_client(app.test_client(), budi)
    stale_form = load_form(second, path)
    assert post(first, path, replaced(load_form(first, path), notes="After")).status_code == 302
    html = post(second, path, replaced(stale_form, title="My title")).get_data(as_text=True)
    assert "Ani Wijaya" in html
    assert "Notes" in html and "Before" in html and "After" in html


def test_conflict_page_escapes_what_the_other_person_wrote(session, two_editors, make_agreement):
    agreement = make_agreement(notes="")
    path = f"/agreements/{agreement.id}/edit"
    first, second = two_editors
    stale_form = load_form(second, path)
    post(first, path, replaced(load_form(first, path), notes="<script>alert(1)</script>"))
    html = post(second, path, stale_form).get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html


def test_saving_only_links_still_checks_and_bumps_the_version(session, two_editors, make_party, make_agreement):
    ministry = make_party()
    aitec = make_party(name="AITEC Co., Ltd", kind=PartyKind.COMPANY, country_code="KR")
    agreement = make_agreement(parties=[(ministry, PartyRole.SIGNATORY)])
    path = f"/agreements/{agreement.id}/edit"
    first, second = two_editors
    first_form, second_form = load_form(first, path), load_form(second, path)
    with_aitec = [*first_form, ("parties-1-party", str(aitec.id)), ("parties-1-role", "signatory")]
    assert post(first, path, with_aitec).status_code == 302
    assert reloaded(session, Agreement, agreement.id).version == 2
    assert post(second, path, second_form).status_code == 409  # an unchanged form is refused too


def test_an_edit_without_a_version_is_refused(session, client, make_agreement):
    agreement = make_agreement(notes="Kept")
    path = f"/agreements/{agreement.id}/edit"
    pairs = [(name, value) for name, value in load_form(client, path) if name != "version"]
    response = post(client, path, replaced(pairs, notes="Overwritten"))
    assert response.status_code == 422
    assert "does not say which version" in response.get_data(as_text=True)
    assert reloaded(session, Agreement, agreement.id).notes == "Kept"


@pytest.mark.parametrize("version", ["abc", "0", "99999999999999999999", "", "-1"])
def test_a_nonsense_version_is_refused(session, client, make_agreement, version):
    agreement = make_agreement(notes="Kept")
    path = f"/agreements/{agreement.id}/edit"
    response = post(client, path, replaced(load_form(client, path), notes="Changed", version=version))
    assert response.status_code == 422
    assert reloaded(session, Agreement, agreement.id).notes == "Kept"


def test_service_refuses_a_stale_expected_version(session, make_agreement, make_party):
    agreement = make_agreement(notes="v1")
    data = AgreementData(title=agreement.title, instrument_type=agreement.instrument_type, status=agreement.status)
    with pytest.raises(ConflictError):
        update_agreement(session, agreement, data, expected_version=agreement.version + 1)
    session.rollback()
    party = make_party(notes="x")
    with pytest.raises(ConflictError):
        update_party(session, party, PartyData(name=party.name, kind=party.kind), expected_version=7)


def test_service_turns_a_lost_race_into_a_conflict(app, session, make_agreement):
    agreement = make_agreement(notes="v1")
    with app.extensions["tracker.sessionmaker"]() as other:  # someone saves after our read, before our write
        other.get(Agreement, agreement.id).notes = "theirs"
        other.commit()
    data = AgreementData(title=agreement.title, instrument_type=agreement.instrument_type, status=agreement.status)
    with pytest.raises(ConflictError):
        update_agreement(session, agreement, data, expected_version=1)  # our loaded copy still says version 1
    session.rollback()
    assert reloaded(session, Agreement, agreement.id).notes == "theirs"


class SerializationFailure(Exception):
    """Stands in for psycopg's error of that name: what the database says when it cancels a transaction."""

    sqlstate = "40001"


def test_a_cancelled_transaction_is_retried(session, client, make_agreement, monkeypatch):
    agreement = make_agreement(notes="v1")
    path = f"/agreements/{agreement.id}/edit"
    real_update, calls = agreement_service.update_agreement, []

    def failing_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("UPDATE agreement ...", {}, SerializationFailure())
        return real_update(*args, **kwargs)

    monkeypatch.setattr(agreement_service, "update_agreement", failing_once)
    assert post(client, path, replaced(load_form(client, path), notes="v2")).status_code == 302
    assert len(calls) == 2
    assert reloaded(session, Agreement, agreement.id).notes == "v2"


def test_a_transaction_cancelled_every_time_is_a_503_not_a_500(session, client, make_agreement, monkeypatch):
    agreement = make_agreement(notes="v1")
    path = f"/agreements/{agreement.id}/edit"

    def always_failing(*args, **kwargs):
        raise OperationalError("UPDATE agreement ...", {}, SerializationFailure())

    monkeypatch.setattr(agreement_service, "update_agreement", always_failing)
    response = post(client, path, replaced(load_form(client, path), notes="v2"))
    assert response.status_code == 503
    assert "Nothing was saved" in response.get_data(as_text=True)
    assert response.headers["Retry-After"]
    assert reloaded(session, Agreement, agreement.id).notes == "v1"


@pytest.fixture
def short_lock_wait_client(database_url, make_user):
    """A signed-in editor's client of an app that waits only 0.3 s for SQLite's write lock."""
    config = {"DATABASE_URL": database_url, "TESTING": True, "WTF_CSRF_ENABLED": False, "TRACKER_SQLITE_BUSY_MS": 300}
    impatient = create_app(config)
    yield sign_in_client(impatient.test_client(), make_user(UserRole.EDITOR))
    impatient.extensions["tracker.engine"].dispose()


def hold_write_lock(database_url: str, seconds: float) -> threading.Thread:
    """Another program takes SQLite's write lock and keeps it for `seconds`."""
    connection = sqlite3.connect(make_url(database_url).database, check_same_thread=False, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")

    def release() -> None:
        time.sleep(seconds)
        connection.execute("ROLLBACK")
        connection.close()

    thread = threading.Thread(target=release)
    thread.start()
    return thread


@pytest.mark.skipif(postgres_url() is not None, reason="SQLite's write lock")
def test_sqlite_writer_waits_for_the_write_lock(session, short_lock_wait_client, database_url, make_agreement):
    agreement = make_agreement(notes="v1")
    path = f"/agreements/{agreement.id}/edit"
    pairs = replaced(load_form(short_lock_wait_client, path), notes="v2")
    holder = hold_write_lock(database_url, 0.1)
    assert post(short_lock_wait_client, path, pairs).status_code == 302
    holder.join()
    assert reloaded(session, Agreement, agreement.id).notes == "v2"


@pytest.mark.skipif(postgres_url() is not None, reason="SQLite's write lock")
def test_sqlite_write_lock_held_too_long_is_a_503(session, short_lock_wait_client, database_url, make_agreement):
    agreement = make_agreement(notes="v1")
    path = f"/agreements/{agreement.id}/edit"
    pairs = replaced(load_form(short_lock_wait_client, path), notes="v2")
    holder = hold_write_lock(database_url, 0.8)
    response = post(short_lock_wait_client, path, pairs)
    holder.join()
    assert response.status_code == 503
    assert "Nothing was saved" in response.get_data(as_text=True)
    assert reloaded(session, Agreement, agreement.id).notes == "v1"
