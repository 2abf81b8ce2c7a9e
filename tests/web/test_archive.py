"""Archiving through the interface: "Delete" archives, archived pages, the archive page, restoring."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import sign_in_client
from tracker.archiving import WITH_ARCHIVED
from tracker.models import Agreement, AgreementRelation, Base, Party, PartyRole, RelationKind, Sector, Source, UserRole
from tracker.services import agreements as agreement_services
from tracker.services import parties as party_services
from tracker.services import sectors as sector_services
from tracker.services import sources as source_services

AS_OF = "2017-10-04"
HOSTILE = "<script>alert(1)</script>"


def html(response) -> str:
    return response.get_data(as_text=True)


def stored(session, model, record_id):
    """A record as stored now, archived or not: read in a new transaction, which sees what requests committed."""
    session.rollback()
    session.expire_all()
    return session.get(model, record_id, execution_options=WITH_ARCHIVED)


def row_counts(session) -> dict[str, int]:
    """Rows in every table but the history, counted without any archive filter, in a new transaction."""
    session.rollback()
    tables = [table for table in Base.metadata.sorted_tables if table.name != "change"]
    return {table.name: session.scalar(select(func.count()).select_from(table)) for table in tables}


@pytest.fixture
def signed_in(app, make_user):
    """A client signed in as a new user of the role, with that user: signed_in(UserRole.EDITOR)."""

    def make(role: UserRole):
        user = make_user(role)
        return sign_in_client(app.test_client(), user), user

    return make


@pytest.fixture
def world(session, make_party, make_agreement, make_source, make_sector, get_sector, make_user):
    """A live agreement, and an archived agreement, party, source and sector (archived by an editor)."""
    archivist = make_user(UserRole.EDITOR, email="archivist@kemenperin.example")
    ministry = make_party(name="Ministry of Industry", country_code="ID")
    old_partner = make_party(name="Old Partner", country_code="JP")
    textiles = make_sector(name="Textiles")
    live = make_agreement(
        title="Live cooperation",
        end="2018-03",
        parties=[(ministry, PartyRole.SIGNATORY)],
        sectors=[get_sector("technology")],
    )
    gone = make_agreement(
        title="Archived cooperation",
        end="2018-02",
        parties=[(ministry, PartyRole.SIGNATORY), (old_partner, PartyRole.SIGNATORY)],
        sectors=[textiles],
    )
    live_source = make_source(title="Live source", url="https://tirto.id/live", agreements=[(live, "")])
    gone_source = make_source(title="Archived source", url="https://tirto.id/gone", agreements=[(gone, "")])
    session.add(AgreementRelation(subject=live, object=gone, kind=RelationKind.RENEWS))
    session.commit()
    session.info["actor_id"] = archivist.id
    agreement_services.archive_agreement(session, gone)
    source_services.archive_source(session, gone_source)
    party_services.archive_party(session, old_partner)
    sector_services.archive_sector(session, textiles)
    session.commit()
    ids = {
        "ministry": ministry.id,
        "old_partner": old_partner.id,
        "textiles": textiles.id,
        "live": live.id,
        "gone": gone.id,
        "live_source": live_source.id,
        "gone_source": gone_source.id,
    }
    session.expunge_all()
    return ids


# --- "Delete" archives -------------------------------------------------------------------------

ARCHIVE_CASES = [
    # (model, confirmation URL, archive URL, list page), "{id}" filled with the record's id.
    (Agreement, "/agreements/{id}/delete", "/agreements/{id}/delete", "/agreements/"),
    (Party, "/parties/{id}/delete", "/parties/{id}/delete", "/parties/"),
    (Source, "/sources/{id}/delete", "/sources/{id}/delete", "/sources/"),
    (Sector, "/sectors/{id}/delete", "/sectors/{id}/delete", "/sectors/"),
]


def unused_record(model, make_agreement, make_party, make_source, make_sector):
    """A record of the kind that nothing uses, with a recognisable name."""
    makers = {
        Agreement: lambda: make_agreement(title="Unused record"),
        Party: lambda: make_party(name="Unused record"),
        Source: lambda: make_source(title="Unused record"),
        Sector: lambda: make_sector(name="Unused record"),
    }
    return makers[model]()


@pytest.mark.parametrize(
    ("model", "confirm", "action", "listing"), ARCHIVE_CASES, ids=lambda v: getattr(v, "__name__", None)
)
def test_delete_button_archives_and_deletes_nothing(
    session, signed_in, model, confirm, action, listing, make_agreement, make_party, make_source, make_sector
):
    client, admin = signed_in(UserRole.ADMIN)  # sectors are the admins'; the rest is allowed to editors too
    record = unused_record(model, make_agreement, make_party, make_source, make_sector)
    record_id = record.id
    before = row_counts(session)
    page = client.get(confirm.format(id=record_id))
    assert page.status_code == 200
    assert "Archive" in html(page) and "an admin can restore it from the archive" in html(page)
    assert stored(session, model, record_id).archived_at is None  # GET changes nothing
    response = client.post(action.format(id=record_id))
    assert response.status_code == 302
    kept = stored(session, model, record_id)
    assert kept.is_archived and kept.archived_by_id == admin.id
    assert row_counts(session) == before
    listed = html(client.get(listing))
    assert "archived. An admin can restore it" in listed  # the flash message
    assert "Unused record</a>" not in listed and "<td>\n              Unused record" not in listed


def test_editor_archives_agreements_parties_and_sources(session, signed_in, make_agreement, make_party, make_source):
    client, editor = signed_in(UserRole.EDITOR)
    agreement, party, source = make_agreement(), make_party(), make_source()
    ids = agreement.id, party.id, source.id
    assert client.post(f"/agreements/{ids[0]}/delete").status_code == 302
    assert client.post(f"/parties/{ids[1]}/delete").status_code == 302
    assert client.post(f"/sources/{ids[2]}/delete").status_code == 302
    for model, record_id in zip((Agreement, Party, Source), ids, strict=True):
        assert stored(session, model, record_id).archived_by_id == editor.id


def test_archiving_a_used_record_is_refused_naming_what_uses_it(client, session, make_party, make_agreement):
    party = make_party(name="AITEC")
    make_agreement(title=f"MoU {HOSTILE}", parties=[(party, PartyRole.SIGNATORY)])
    response = client.post(f"/parties/{party.id}/delete")
    assert response.status_code == 409
    assert "cannot be archived" in html(response) and HOSTILE not in html(response)
    assert stored(session, Party, party.id).archived_at is None


@pytest.mark.parametrize(
    ("key", "confirm", "action"),
    [
        ("gone", "/agreements/{id}/delete", "/agreements/{id}/delete"),
        ("old_partner", "/parties/{id}/delete", "/parties/{id}/delete"),
        ("gone_source", "/sources/{id}/delete", "/sources/{id}/delete"),
        ("textiles", "/sectors/{id}/delete", "/sectors/{id}/delete"),
    ],
)
def test_archiving_an_archived_record_is_a_clear_conflict(client, world, key, confirm, action):
    for response in (client.get(confirm.format(id=world[key])), client.post(action.format(id=world[key]))):
        assert response.status_code == 409
        assert "is archived already" in html(response)


# --- archived records' pages -------------------------------------------------------------------

DETAIL_PAGES = [("gone", "/agreements/{id}"), ("old_partner", "/parties/{id}"), ("gone_source", "/sources/{id}")]


@pytest.mark.parametrize(("key", "path"), DETAIL_PAGES)
def test_editor_sees_an_archived_page_with_its_banner_and_no_restore_button(signed_in, world, key, path):
    client, _editor = signed_in(UserRole.EDITOR)
    response = client.get(path.format(id=world[key]))
    assert response.status_code == 200
    page = html(response)
    assert "Archived on" in page and "by archivist@kemenperin.example" in page
    assert "/restore" not in page
    assert "/edit" not in page.split("</header>")[1]  # no editing of an archived record


@pytest.mark.parametrize(("key", "path"), DETAIL_PAGES)
def test_admin_sees_a_restore_button_on_an_archived_page(client, world, key, path):
    page = html(client.get(path.format(id=world[key])))
    assert "Archived on" in page and f'action="{path.format(id=world[key])}/restore"' in page


@pytest.mark.parametrize(("key", "path"), DETAIL_PAGES)
def test_viewer_gets_404_for_an_archived_page(signed_in, world, key, path):
    client, _viewer = signed_in(UserRole.VIEWER)
    assert client.get(path.format(id=world[key])).status_code == 404


def test_live_pages_have_no_banner(client, world):
    assert "Archived on" not in html(client.get(f"/agreements/{world['live']}"))


def test_archived_agreement_page_marks_archived_links(client, world):
    page = html(client.get(f"/agreements/{world['gone']}"))
    assert 'Old Partner</a> <span class="badge archived">' in page
    assert 'Archived source</a> <span class="badge archived">' in page
    assert 'Textiles <span class="badge archived">' in page
    assert "Live cooperation</a> " in page  # the live agreement that renews it


def test_archived_records_cannot_be_edited_or_linked(client, world):
    assert client.get(f"/agreements/{world['gone']}/edit").status_code == 404
    assert client.get(f"/parties/{world['old_partner']}/edit").status_code == 404
    assert client.get(f"/sources/{world['gone_source']}/edit").status_code == 404
    assert client.get(f"/sectors/{world['textiles']}/edit").status_code == 404
    assert client.get(f"/agreements/{world['gone']}/sources/new").status_code == 404
    assert client.get(f"/sources/{world['gone_source']}/links/new").status_code == 404


# --- hidden from every page --------------------------------------------------------------------


def test_lists_hide_archived_records(client, world):
    assert "Archived cooperation" not in html(client.get("/agreements/"))
    assert "Archived cooperation" not in html(client.get("/agreements/?q=cooperation"))
    assert "Old Partner" not in html(client.get("/parties/"))
    assert "Archived source" not in html(client.get("/sources/"))
    assert "Textiles" not in html(client.get("/sectors/"))
    assert "Live cooperation" in html(client.get("/agreements/"))


def test_choices_hide_archived_records(client, world):
    form = html(client.get("/agreements/new"))
    assert "Old Partner" not in form and "Textiles" not in form and "Ministry of Industry" in form
    assert "Archived source" not in html(client.get(f"/agreements/{world['live']}/sources/new"))
    assert "Archived cooperation" not in html(client.get(f"/sources/{world['live_source']}/links/new"))
    assert client.get("/agreements/?sector=textiles").status_code == 400  # no longer a choice


def test_dashboard_and_expiring_hide_archived_records(client, world):
    for path in (f"/?as_of={AS_OF}", f"/expiring/?as_of={AS_OF}&months=12"):
        page = html(client.get(path))
        assert "Live cooperation" in page and "Archived cooperation" not in page
    assert "Archived source" not in html(client.get(f"/?as_of={AS_OF}"))


def test_record_pages_hide_archived_neighbours(client, world):
    agreement = html(client.get(f"/agreements/{world['live']}"))
    assert "Archived cooperation" not in agreement  # the relation to the archived agreement
    party = html(client.get(f"/parties/{world['ministry']}"))
    assert "Live cooperation" in party and "Archived cooperation" not in party


def test_live_agreement_with_an_archived_source_still_renders(client, session, world):
    # Only a race can leave a live agreement citing an archived source; the page must not break.
    stored(session, Source, world["live_source"]).archived_at = stored(
        session, Source, world["gone_source"]
    ).archived_at
    session.commit()
    response = client.get(f"/agreements/{world['live']}")
    assert response.status_code == 200 and "Live source" not in html(response)


def test_new_source_with_the_url_of_an_archived_one_says_so(client, world):
    form = {"url": "https://tirto.id/gone", "title": "Again", "kind": "news_article", "language": "id"}
    response = client.post("/sources/new", data=form, follow_redirects=True)
    assert "An archived source, “Archived source”" in html(response) and "an admin can restore it" in html(response)
    assert "Archived on" in html(response)  # shown the archived source rather than a second copy


# --- the archive page --------------------------------------------------------------------------


def test_archive_page_lists_archived_records_with_who_and_when(signed_in, world):
    client, _editor = signed_in(UserRole.EDITOR)
    response = client.get("/archive")
    assert response.status_code == 200
    page = html(response)
    for name in ("Archived cooperation", "Old Partner", "Archived source", "Textiles"):
        assert name in page
    assert "Live cooperation" not in page
    assert page.count("archivist@kemenperin.example") == 4
    assert "/restore" not in page  # editors look; admins restore


def test_archive_page_offers_restore_to_admins(client, world):
    page = html(client.get("/archive"))
    assert f'action="/agreements/{world["gone"]}/restore?next=archive"' in page
    assert f'action="/sectors/{world["textiles"]}/restore?next=archive"' in page


def test_archive_page_is_for_editors_and_the_nav_link_too(signed_in, world):
    viewer, _user = signed_in(UserRole.VIEWER)
    assert viewer.get("/archive").status_code == 403
    assert 'href="/archive"' not in html(viewer.get("/agreements/"))
    editor, _user = signed_in(UserRole.EDITOR)
    assert 'href="/archive"' in html(editor.get("/agreements/"))


def test_empty_archive(client):
    assert "Nothing is archived." in html(client.get("/archive"))


# --- restoring ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "key", "path", "back"),
    [
        (Source, "gone_source", "/sources/{id}/restore", "/sources/{id}"),
        (Party, "old_partner", "/parties/{id}/restore", "/parties/{id}"),
        (Sector, "textiles", "/sectors/{id}/restore", "/sectors/"),
    ],
)
def test_admin_restores_with_post_redirect_get(client, session, world, model, key, path, back):
    record_id = world[key]
    response = client.post(path.format(id=record_id))
    assert response.status_code == 302 and response.headers["Location"] == back.format(id=record_id)
    restored = stored(session, model, record_id)
    assert (restored.archived_at, restored.archived_by_id) == (None, None)
    assert "restored." in html(client.get(response.headers["Location"]))


def test_restoring_an_agreement_waits_for_what_it_names(client, session, world):
    response = client.post(f"/agreements/{world['gone']}/restore")
    assert response.status_code == 409
    page = html(response)
    assert "“Old Partner”" in page and "“Archived source”" in page and "“Textiles”" in page
    assert stored(session, Agreement, world["gone"]).is_archived
    for path in ("/parties/{}/restore", "/sources/{}/restore", "/sectors/{}/restore"):
        key = {"/parties/{}/restore": "old_partner", "/sources/{}/restore": "gone_source"}.get(path, "textiles")
        assert client.post(path.format(world[key]), data={"next": "archive"}).headers["Location"] == "/archive"
    response = client.post(f"/agreements/{world['gone']}/restore")
    assert response.status_code == 302
    assert "Archived cooperation" in html(client.get("/agreements/"))


def test_restoring_a_live_record_is_a_clear_conflict(client, world):
    response = client.post(f"/agreements/{world['live']}/restore")
    assert response.status_code == 409 and "is not archived" in html(response)
    assert client.post("/parties/999999/restore").status_code == 404


def test_only_admins_restore(signed_in, session, world):
    editor, _user = signed_in(UserRole.EDITOR)
    assert editor.post(f"/sources/{world['gone_source']}/restore").status_code == 403
    assert stored(session, Source, world["gone_source"]).is_archived


def test_get_never_restores(client, session, world):
    assert client.get(f"/sources/{world['gone_source']}/restore").status_code == 405
    for path in ("/archive", f"/agreements/{world['gone']}", f"/agreements/{world['gone']}/delete"):
        client.get(path)
    assert stored(session, Source, world["gone_source"]).is_archived
    assert stored(session, Agreement, world["gone"]).is_archived
