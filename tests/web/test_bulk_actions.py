"""Bulk actions on the agreement list: ticking rows, the page or all matching; the confirmation's count; one
transaction with one history entry per agreement; roles; bad values; a selection changed since it was listed."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select, update

from tests.web.a11y_html import problems_of
from tracker.archiving import WITH_ARCHIVED
from tracker.models import Agreement, AgreementStatus, Change, ChangeAction, InstrumentType, RenewalIntent, UserRole


def html(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def agreements(session):
    """Make `count` in-force agreements with bilingual titles at once: agreements(200)."""

    def make(count: int, prefix: str = "Nota Kesepahaman “Industri Hijau”") -> list[Agreement]:
        rows = [
            Agreement(
                title=f"{prefix} {number:03d} — Green Industry MoU",
                instrument_type=InstrumentType.MOU,
                status=AgreementStatus.IN_FORCE,
                renewal_intent=RenewalIntent.NOT_RECORDED,
            )
            for number in range(count)
        ]
        session.add_all(rows)
        session.commit()
        return rows

    return make


def rows(agreements: list[Agreement]) -> list[str]:
    """The ticked rows as the list page sends them."""
    return [f"{agreement.id}:{agreement.version}" for agreement in agreements]


def fresh(session):
    """A new transaction that sees what requests committed."""
    session.rollback()
    session.expire_all()
    return session


def updates_of(session, ids) -> list[Change]:
    statement = select(Change).where(
        Change.record_type == "agreement", Change.record_id.in_(ids), Change.action != ChangeAction.CREATE
    )
    return list(fresh(session).scalars(statement))


def test_the_list_is_a_form_with_a_tick_box_per_row_and_the_actions_of_the_role(client_as, agreements):
    agreements(3)
    page = html(client_as(UserRole.EDITOR).get("/agreements/?status=in_force"))
    assert page.count('name="selected"') == 3 and page.count('name="listed"') == 3
    assert 'action="/agreements/bulk"' in page and 'value="status=in_force"' in page
    assert "All 3 agreements matching this query" in page
    assert 'value="set_status"' in page and 'value="archive"' in page
    viewer_page = html(client_as(UserRole.VIEWER).get("/agreements/"))
    assert 'value="export"' in viewer_page and 'value="set_status"' not in viewer_page


def test_status_change_of_200_selected_agreements_is_one_action(client_as, agreements, session, count_statements):
    chosen = agreements(200)
    client = client_as(UserRole.EDITOR)
    ask = client.get("/agreements/bulk", query_string={"selected": rows(chosen), "action": "set_status"})
    assert ask.status_code == 200 and 'name="value"' in html(ask) and "200 agreements selected" in html(ask)
    args = {"selected": rows(chosen), "action": "set_status", "value": "expired", "query": "status=in_force"}
    confirm = client.get("/agreements/bulk", query_string=args)
    assert "Change the status of 200 agreements to “Expired”?" in html(confirm)
    assert html(confirm).count('name="selected"') == 200
    assert fresh(session).scalar(select(func.count()).where(Agreement.status == AgreementStatus.EXPIRED)) == 0
    with count_statements() as statements:
        done = client.post("/agreements/bulk", data=args)
    assert done.status_code == 302 and done.headers["Location"] == "/agreements/?status=in_force"
    assert len([s for s in statements if not s.startswith("UPDATE agreement SET")]) < 30
    entries = updates_of(session, [agreement.id for agreement in chosen])
    assert len(entries) == 200 and {entry.record_id for entry in entries} == {a.id for a in chosen}
    assert session.scalar(select(func.count()).where(Agreement.status == AgreementStatus.EXPIRED)) == 200
    assert "200 agreements changed." in html(client.get("/agreements/"))


def test_all_matching_the_query_takes_the_count_confirmed(client_as, agreements, session):
    agreements(7)
    agreements(3, prefix="Perjanjian Baja")
    client = client_as(UserRole.EDITOR)
    args = {"scope": "all", "query": urlencode({"q": "Hijau"}), "action": "set_renewal", "value": "intended"}
    page = html(client.get("/agreements/bulk", query_string=args))
    assert "Change the renewal of 7 agreements to “Renewal intended”?" in page
    assert 'name="count" value="7"' in page
    agreements(1)  # the query matches one more before the confirmation is posted: nothing is changed
    refused = client.post("/agreements/bulk", data={**args, "count": "7"})
    assert refused.status_code == 409 and "now matches 8 agreements, not 7" in html(refused)
    assert fresh(session).scalar(select(func.count()).where(Agreement.renewal_intent == RenewalIntent.INTENDED)) == 0
    assert client.post("/agreements/bulk", data={**args, "count": "8"}).status_code == 302
    assert fresh(session).scalar(select(func.count()).where(Agreement.renewal_intent == RenewalIntent.INTENDED)) == 8


def test_every_row_on_the_page(client_as, agreements, session):
    listed = agreements(4)
    client = client_as(UserRole.EDITOR)
    data = {"scope": "page", "listed": rows(listed), "selected": rows(listed[:1]), "action": "archive"}
    assert "Archive 4 agreements?" in html(client.get("/agreements/bulk", query_string=data))
    assert client.post("/agreements/bulk", data=data).status_code == 302
    archived = fresh(session).scalars(select(Agreement).execution_options(**WITH_ARCHIVED)).all()
    assert all(agreement.archived_at is not None for agreement in archived)


def test_a_selection_changed_since_the_list_saves_nothing_and_asks_again(client_as, agreements, session):
    chosen = agreements(5)
    seen = rows(chosen)
    session.execute(update(Agreement).where(Agreement.id == chosen[3].id).values(version=Agreement.version + 1))
    session.commit()
    client = client_as(UserRole.EDITOR)
    data = {"selected": seen, "action": "set_status", "value": "suspended"}
    refused = client.post("/agreements/bulk", data=data)
    page = html(refused)
    assert refused.status_code == 409 and "1 of the selected agreements changed since" in page
    assert "Change the status of 5 agreements to “Suspended”?" in page
    assert f'value="{chosen[3].id}:2"' in page  # confirming again applies over what is there now
    assert updates_of(session, [a.id for a in chosen]) == []
    again = re.findall(r'name="selected" value="([0-9:]+)"', page)
    assert client.post("/agreements/bulk", data={**data, "selected": again}).status_code == 302
    assert len(updates_of(session, [a.id for a in chosen])) == 5


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"action": "set_status", "value": "finished"}, 422, "Choose one of the values offered."),
        ({"action": "assign_owner", "value": "123456"}, 422, "Choose one of the values offered."),
        ({"action": "dance", "value": "x"}, 422, "Not a valid choice"),
        ({"action": "set_status", "value": "expired", "selected": ["12;3"]}, 422, "could not be read"),
        ({"action": "set_status", "value": "expired", "selected": []}, 422, "Tick at least one agreement"),
        ({"action": "set_status", "value": "expired", "selected": ["999999:1"]}, 409, "no longer exist"),
        ({"action": "set_status", "value": "expired", "scope": "all", "query": "ends_from=abc"}, 422, "filters"),
    ],
)
def test_bad_input_is_refused_with_its_message_and_nothing_changes(
    client_as, agreements, session, data, status, message
):
    chosen = agreements(2)
    data = {"selected": rows(chosen), **data}
    response = client_as(UserRole.EDITOR).post("/agreements/bulk", data=data)
    assert response.status_code == status and message in html(response)
    assert updates_of(session, [a.id for a in chosen]) == []


def test_a_value_not_offered_is_asked_again_next_to_its_field(client_as, agreements):
    chosen = agreements(2)
    args = {"selected": rows(chosen), "action": "set_status", "value": "finished"}
    response = client_as(UserRole.EDITOR).get("/agreements/bulk", query_string=args)
    assert response.status_code == 422
    assert 'aria-invalid="true"' in html(response) and "Choose one of the values offered." in html(response)


def test_viewers_only_export_and_editors_archive(client_as, agreements, session):
    chosen = agreements(3)
    viewer = client_as(UserRole.VIEWER)
    change = {"selected": rows(chosen), "action": "set_status", "value": "expired"}
    assert viewer.get("/agreements/bulk", query_string=change).status_code == 403
    assert viewer.post("/agreements/bulk", data=change).status_code == 403
    export = viewer.get(
        "/agreements/bulk", query_string={"selected": rows(chosen[:2]), "action": "export", "value": "json"}
    )
    assert export.status_code == 302 and export.headers["Location"].startswith("/agreements/export?")
    body = viewer.get(export.headers["Location"]).get_json()
    assert sorted(record["title"] for record in body) == sorted(a.title for a in chosen[:2])
    editor = client_as(UserRole.EDITOR)
    archive = {"selected": rows(chosen), "action": "archive"}
    assert editor.post("/agreements/bulk", data=archive).status_code == 302
    assert fresh(session).scalar(select(func.count()).select_from(Agreement)) == 0


def test_exporting_all_matching_is_the_query_s_export(client_as, agreements):
    agreements(2)
    agreements(2, prefix="Perjanjian Baja")
    args = {"scope": "all", "query": "q=Baja&page=2", "action": "export", "value": "csv"}
    response = client_as(UserRole.VIEWER).get("/agreements/bulk", query_string=args)
    assert (
        response.status_code == 302
        and "q=Baja" in response.headers["Location"]
        and "page" not in response.headers["Location"]
    )


def test_assigning_an_officer_and_adding_a_sector(client_as, agreements, session, make_user, make_sector):
    officer = make_user(UserRole.EDITOR, email="dewi.lestari@kemenperin.example")
    sector = make_sector("Industri Hijau", slug="industri-hijau")
    chosen = agreements(3)
    client = client_as(UserRole.EDITOR)
    owner = {"selected": rows(chosen), "action": "assign_owner", "value": str(officer.id)}
    assert "dewi.lestari@kemenperin.example" in html(client.get("/agreements/bulk", query_string=owner))
    assert client.post("/agreements/bulk", data=owner).status_code == 302
    fresh(session)
    sector_change = {"selected": rows(chosen), "action": "add_sector", "value": str(sector.id)}
    assert "File 3 agreements under the sector “Industri Hijau”?" in html(
        client.get("/agreements/bulk", query_string=sector_change)
    )
    assert client.post("/agreements/bulk", data=sector_change).status_code == 302
    stored = fresh(session).scalars(select(Agreement)).all()
    assert {agreement.owner_id for agreement in stored} == {officer.id}
    assert all([s.slug for s in agreement.sectors] == ["industri-hijau"] for agreement in stored)


def test_the_list_and_each_step_pass_the_accessibility_checks(client_as, agreements):
    chosen = agreements(3)
    client = client_as(UserRole.EDITOR)
    steps = [
        client.get("/agreements/"),
        client.get("/agreements/bulk", query_string={"selected": rows(chosen), "action": "assign_owner"}),
        client.get("/agreements/bulk", query_string={"selected": rows(chosen), "action": "archive"}),
        client.get("/agreements/bulk", query_string={"action": "archive", "scope": "all", "query": "ends_from=x"}),
    ]
    for response in steps:
        assert problems_of(html(response)) == [], html(response)
