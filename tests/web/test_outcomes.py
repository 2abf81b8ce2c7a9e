"""Recording a renewal, a termination and a non-renewal through the agreement's pages (issue 15)."""

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from tests.html_forms import form_values, replaced, value_of
from tracker.models import (
    Agreement,
    AgreementRelation,
    AgreementStatus,
    PartyRole,
    RelationKind,
    RenewalIntent,
    UserRole,
)


def fresh(session, model, record_id):
    """A record as committed now."""
    session.rollback()
    session.expire_all()
    return session.get(model, record_id)


def test_the_renewal_form_is_pre_filled_and_saving_builds_the_chain(client_as, session, make_agreement, make_party):
    ministry = make_party()
    old = make_agreement(
        start="2006",
        end="2018",
        renewal_intent=RenewalIntent.INTENDED,
        parties=[(ministry, PartyRole.SIGNATORY)],
        duration_months=144,
        renewal_months=60,
    )
    editor = client_as(UserRole.EDITOR)
    assert "Record renewal" in editor.get(f"/agreements/{old.id}").get_data(as_text=True)
    action = f"/agreements/{old.id}/renewal"
    pairs = form_values(editor.get(action).get_data(as_text=True), action)
    assert value_of(pairs, "title") == old.title and (value_of(pairs, "start"), value_of(pairs, "end")) == (
        "2019",
        "2023",
    )
    assert (value_of(pairs, "duration_months-years"), value_of(pairs, "duration_months-months")) == ("5", "0")
    assert value_of(pairs, "parties-0-party_id") == str(ministry.id) and value_of(pairs, "version") == str(old.version)
    response = editor.post(action, data=MultiDict(replaced(pairs, old_status="superseded")))
    assert response.status_code == 302
    old = fresh(session, Agreement, old.id)
    assert (old.status, old.renewal_intent) == (AgreementStatus.SUPERSEDED, RenewalIntent.RENEWED)
    relation = session.scalars(select(AgreementRelation)).one()
    assert relation.object_id == old.id and relation.kind is RelationKind.RENEWS
    assert response.location.endswith(f"/agreements/{relation.subject_id}")
    new_page = editor.get(response.location).get_data(as_text=True)
    assert "Renews" in new_page or "renews" in new_page


def test_a_refused_or_stale_renewal_saves_nothing(client_as, session, make_agreement):
    old = make_agreement(end="2018")
    editor = client_as(UserRole.EDITOR)
    action = f"/agreements/{old.id}/renewal"
    pairs = form_values(editor.get(action).get_data(as_text=True), action)
    response = editor.post(action, data=MultiDict(replaced(pairs, title="")))
    assert response.status_code == 422 and 'id="title-error"' in response.get_data(as_text=True)
    stale = editor.post(action, data=MultiDict(replaced(pairs, version=str(old.version - 1 or 99))))
    assert stale.status_code == 409
    assert len(session.scalars(select(Agreement)).all()) == 1
    assert fresh(session, Agreement, old.id).renewal_intent is RenewalIntent.NONE


def test_recording_a_termination(client_as, session, make_agreement):
    agreement = make_agreement(start="2020-01-01", end="2025-12-31")
    editor = client_as(UserRole.EDITOR)
    action = f"/agreements/{agreement.id}/termination"
    pairs = form_values(editor.get(action).get_data(as_text=True), action)
    refused = editor.post(action, data=MultiDict(replaced(pairs, on="2024-02-30")))
    assert refused.status_code == 422 and "That day does not exist" in refused.get_data(as_text=True)
    response = editor.post(
        action, data=MultiDict(replaced(pairs, on="2024-03-01", notice_by="partner", reason="Funding ended"))
    )
    assert response.status_code == 302
    agreement = fresh(session, Agreement, agreement.id)
    assert agreement.status is AgreementStatus.TERMINATED and agreement.end.iso() == "2024-03-01"
    assert "Terminated 2024-03-01 (notice given by: The partner): Funding ended" in agreement.notes


def test_recording_a_non_renewal_and_viewers_cannot(client_as, session, make_agreement):
    agreement = make_agreement(end="2018", renewal_intent=RenewalIntent.INTENDED)
    viewer = client_as(UserRole.VIEWER)
    assert "Record renewal" not in viewer.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert viewer.post(f"/agreements/{agreement.id}/non-renewal", data={}).status_code == 403
    editor = client_as(UserRole.EDITOR)
    action = f"/agreements/{agreement.id}/non-renewal"
    pairs = form_values(editor.get(action).get_data(as_text=True), action)
    assert editor.post(action, data=MultiDict(replaced(pairs, reason="Partner withdrew"))).status_code == 302
    agreement = fresh(session, Agreement, agreement.id)
    assert (agreement.renewal_intent, agreement.status) == (RenewalIntent.NONE, AgreementStatus.EXPIRED)
    assert "Partner withdrew" in agreement.notes


# --- a stale save shows what others changed, as the edit page does -------------------------------------------


def open_form(client, path):
    """The form at `path` as the browser would submit it unchanged."""
    return form_values(client.get(path).get_data(as_text=True), path)


def edit_meanwhile(client, agreement_id, **values):
    """Someone else saves the agreement through its edit page."""
    path = f"/agreements/{agreement_id}/edit"
    assert client.post(path, data=MultiDict(replaced(open_form(client, path), **values))).status_code == 302


def refused_with_their_change(response, path, *shown):
    """A 409 page naming the other person's change, with the form still posting to `path`; its pairs."""
    html = response.get_data(as_text=True)
    assert response.status_code == 409, html[:2000]
    assert "Someone else saved this record while you were editing it" in html
    assert "This is what changed since you opened the form:" in html
    for text in shown:
        assert text in html, text
    return form_values(html, path)


def test_a_stale_renewal_shows_the_other_change_keeps_the_input_and_saves_when_sent_again(
    client_as, session, make_agreement
):
    old = make_agreement(start="2006", end="2018", notes="Signed in Jakarta.", renewal_intent=RenewalIntent.INTENDED)
    mine, theirs = client_as(UserRole.EDITOR), client_as(UserRole.EDITOR)
    path = f"/agreements/{old.id}/renewal"
    pairs = replaced(open_form(mine, path), title="Kerja sama AITEC 2019–2023", old_status="superseded")
    edit_meanwhile(theirs, old.id, notes="Renewal draft sent to Seoul.")
    conflict = refused_with_their_change(
        mine.post(path, data=MultiDict(pairs)), path, "Notes", "Signed in Jakarta.", "Renewal draft sent to Seoul."
    )
    assert value_of(conflict, "title") == "Kerja sama AITEC 2019–2023"  # the input is kept
    assert value_of(conflict, "old_status") == "superseded"
    assert value_of(conflict, "version") == str(fresh(session, Agreement, old.id).version)
    assert len(session.scalars(select(Agreement)).all()) == 1  # nothing of the stale save was written
    assert mine.post(path, data=MultiDict(conflict)).status_code == 302
    old = fresh(session, Agreement, old.id)
    assert (old.status, old.notes) == (AgreementStatus.SUPERSEDED, "Renewal draft sent to Seoul.")


def test_a_stale_termination_shows_the_other_change_and_saves_when_sent_again(client_as, session, make_agreement):
    agreement = make_agreement(start="2020-01-01", end="2030-12-31", renewal_intent=RenewalIntent.INTENDED)
    mine, theirs = client_as(UserRole.EDITOR), client_as(UserRole.EDITOR)
    path = f"/agreements/{agreement.id}/termination"
    pairs = replaced(open_form(mine, path), on="1 Maret 2024", notice_by="partner", reason="Dana tidak tersedia")
    non_renewal = f"/agreements/{agreement.id}/non-renewal"
    assert theirs.post(non_renewal, data=MultiDict(open_form(theirs, non_renewal))).status_code == 302
    conflict = refused_with_their_change(
        mine.post(path, data=MultiDict(pairs)), path, "Renewal", "Renewal intended", "No renewal planned"
    )
    assert (value_of(conflict, "on"), value_of(conflict, "reason")) == ("1 Maret 2024", "Dana tidak tersedia")
    assert fresh(session, Agreement, agreement.id).status is AgreementStatus.IN_FORCE
    assert mine.post(path, data=MultiDict(conflict)).status_code == 302
    agreement = fresh(session, Agreement, agreement.id)
    assert (agreement.status, agreement.end.iso()) == (AgreementStatus.TERMINATED, "2024-03-01")


def test_a_stale_non_renewal_shows_the_other_change_and_saves_when_sent_again(client_as, session, make_agreement):
    agreement = make_agreement(end="2018", renewal_intent=RenewalIntent.INTENDED)
    mine, theirs = client_as(UserRole.EDITOR), client_as(UserRole.EDITOR)
    path = f"/agreements/{agreement.id}/non-renewal"
    pairs = replaced(open_form(mine, path), reason="Mitra mengundurkan diri")
    edit_meanwhile(theirs, agreement.id, title="Technology cooperation (AITEC)")
    conflict = refused_with_their_change(
        mine.post(path, data=MultiDict(pairs)), path, "Title", "Technology cooperation (AITEC)"
    )
    assert value_of(conflict, "reason") == "Mitra mengundurkan diri"
    assert fresh(session, Agreement, agreement.id).renewal_intent is RenewalIntent.INTENDED
    assert mine.post(path, data=MultiDict(conflict)).status_code == 302
    agreement = fresh(session, Agreement, agreement.id)
    assert (agreement.renewal_intent, agreement.title) == (RenewalIntent.NONE, "Technology cooperation (AITEC)")


# --- the history names each operation, in the language of the person who recorded it ----------------------


def history_page(client, agreement_id):
    """The agreement's History tab."""
    return client.get(f"/agreements/{agreement_id}/history").get_data(as_text=True)


def test_the_history_names_each_operation_in_both_languages(client_as, session, make_agreement):
    old = make_agreement(title="Kerja sama AITEC", start="2006", end="2018", renewal_intent=RenewalIntent.INTENDED)
    ended = make_agreement(title="Kerja sama cetakan", start="2020-01-01", end="2030-12-31")
    english, indonesian = client_as(UserRole.EDITOR), client_as(UserRole.EDITOR)
    assert indonesian.post("/language", data={"locale": "id", "next": "/"}).status_code == 302
    path = f"/agreements/{old.id}/renewal"
    pairs = replaced(open_form(english, path), title="Kerja sama AITEC 2019–2023")
    assert english.post(path, data=MultiDict(pairs)).status_code == 302
    assert "Renewal recorded: renewed by “Kerja sama AITEC 2019–2023”" in history_page(english, old.id)
    path = f"/agreements/{ended.id}/termination"
    pairs = replaced(open_form(indonesian, path), on="1 Maret 2024", notice_by="partner")
    assert indonesian.post(path, data=MultiDict(pairs)).status_code == 302
    assert "Diakhiri pada 2024-03-01 (pemberitahuan oleh: Pihak mitra)" in history_page(indonesian, ended.id)
    running = make_agreement(title="Kerja sama KOICA", end="2030", renewal_intent=RenewalIntent.INTENDED)
    path = f"/agreements/{running.id}/non-renewal"
    assert english.post(path, data=MultiDict(open_form(english, path))).status_code == 302
    page = history_page(english, running.id)
    assert "<p>Not renewed" in page and "<p>Edited" not in page
