"""The pages show only the actions the user's role allows: no link or form a click would see refused."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from werkzeug.exceptions import HTTPException

from tracker.access import role_allows
from tracker.models import AgreementRelation, PartyKind, PartyRole, RelationKind, UserRole
from tracker.services import agreements as agreement_services
from tracker.services import parties as party_services
from tracker.services import sources as source_services


class TargetReader(HTMLParser):
    """Collects what a page can lead to: (method, path) of every link and every form."""

    def __init__(self) -> None:
        super().__init__()
        self.targets: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "a" and "href" in attributes:
            self._add("GET", attributes["href"])
        elif tag == "form":
            self._add(attributes.get("method", "get").upper(), attributes.get("action", ""))

    def _add(self, method: str, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path:
            return  # another site (a source's article) or a fragment of this page
        self.targets.append((method, parts.path))


def endpoints_on(app, client, url: str) -> set[str]:
    """The endpoints the links and forms of the page at `url` call."""
    response = client.get(url)
    assert response.status_code == 200, url
    reader = TargetReader()
    reader.feed(response.get_data(as_text=True))
    adapter = app.url_map.bind("localhost")
    found = set()
    for method, path in reader.targets:
        try:
            endpoint, _args = adapter.match(path, method=method)
        except HTTPException as error:  # pragma: no cover - a broken link is a failure of its own
            pytest.fail(f"{url}: {method} {path} matches no route ({error})")
        found.add(endpoint)
    return found


@pytest.fixture
def world(session, make_user, make_party, make_agreement, make_source, get_sector):
    """Live records with every kind of link (party, unit, sector, relation, source note), and archived ones."""
    ministry = make_party(name="Ministry of Industry", country_code="ID")
    unit = make_party(name="Directorate of Electronics", kind=PartyKind.MINISTRY, parent=ministry)
    partner = make_party(name="AITEC Co., Ltd", kind=PartyKind.COMPANY, country_code="KR", aliases=["AITEC"])
    sector = get_sector("technology")
    earlier = make_agreement(title="Earlier cooperation", start="2006", end="2012")
    agreement = make_agreement(
        title="Technology development cooperation",
        start="2012",
        end="2018",
        parties=[(unit, PartyRole.SIGNATORY), (partner, PartyRole.SIGNATORY)],
        sectors=[sector],
        summary="Training and technology transfer.",
    )
    session.add(AgreementRelation(subject=agreement, object=earlier, kind=RelationKind.RENEWS, note="renewed"))
    source = make_source(agreements=[(agreement, "Reports the renewal.")])

    old_agreement = make_agreement(title="Archived cooperation", parties=[(ministry, PartyRole.SIGNATORY)])
    old_party = make_party(name="Archived partner", country_code="JP")
    old_source = make_source(title="Archived source", url="https://tirto.id/archived")
    session.commit()
    session.info["actor_id"] = make_user(UserRole.EDITOR, email="archivist@kemenperin.example").id
    agreement_services.archive_agreement(session, old_agreement)
    party_services.archive_party(session, old_party)
    source_services.archive_source(session, old_source)
    session.commit()
    ids = {
        "agreement": agreement.id,
        "earlier": earlier.id,
        "ministry": ministry.id,
        "unit": unit.id,
        "partner": partner.id,
        "source": source.id,
        "sector": sector.id,
        "old_agreement": old_agreement.id,
        "old_party": old_party.id,
        "old_source": old_source.id,
    }
    session.expunge_all()
    return ids


# Pages every signed-in user may open; "{name}" is filled with the world's ids.
READING_PAGES = [
    "/",
    "/expiring/?months=240&as_of=2017-10-04",
    "/agreements/",
    "/agreements/{agreement}",
    "/agreements/{earlier}",
    "/agreements/{agreement}/history",
    "/parties/",
    "/parties/{ministry}",
    "/parties/{unit}",
    "/parties/{partner}",
    "/parties/{partner}/history",
    "/sources/",
    "/sources/links",
    "/sources/{source}",
    "/sources/{source}/history",
    "/sectors/",
    "/sectors/{sector}/history",
]

# Pages only editors and admins may open.
EDITING_PAGES = [
    "/archive",
    "/agreements/{old_agreement}",
    "/parties/{old_party}",
    "/sources/{old_source}",
    "/agreements/new",
    "/agreements/{agreement}/edit",
    "/agreements/{agreement}/delete",
    "/agreements/{agreement}/sources/new",
    "/agreements/{agreement}/sources/{source}/edit",
    "/parties/new",
    "/parties/{partner}/edit",
    "/parties/{partner}/delete",
    "/sources/new",
    "/sources/{source}/edit",
    "/sources/{source}/delete",
    "/sources/{source}/links/new",
]


@pytest.mark.parametrize("page", READING_PAGES)
def test_viewer_sees_only_what_a_viewer_may_do(app, client_as, world, page):
    url = page.format(**world)
    found = endpoints_on(app, client_as(UserRole.VIEWER), url)
    refused = sorted(endpoint for endpoint in found if not role_allows(UserRole.VIEWER, endpoint))
    assert refused == [], f"{url} offers a viewer {refused}"


@pytest.mark.parametrize("page", READING_PAGES + EDITING_PAGES)
def test_editor_sees_no_admin_action(app, client_as, world, page):
    url = page.format(**world)
    found = endpoints_on(app, client_as(UserRole.EDITOR), url)
    refused = sorted(endpoint for endpoint in found if not role_allows(UserRole.EDITOR, endpoint))
    assert refused == [], f"{url} offers an editor {refused}"


# What each page offers, at the least, to the role: the checks above must not pass by showing nothing.
OFFERED = {
    "/agreements/": {
        UserRole.VIEWER: {"agreements.detail"},
        UserRole.EDITOR: {"agreements.new"},
    },
    "/agreements/{agreement}": {
        UserRole.VIEWER: {"history.agreement", "parties.detail", "sources.detail", "agreements.detail"},
        UserRole.EDITOR: {
            "agreements.edit",
            "agreements.confirm_delete",
            "sources.link_to_agreement",
            "sources.unlink",
            "agreements.add_relation",
            "agreements.remove_relation",
        },
    },
    "/agreements/{earlier}": {
        UserRole.VIEWER: {"history.agreement", "agreements.detail"},
        UserRole.EDITOR: {"agreements.edit", "agreements.remove_relation", "agreements.add_relation"},
    },
    "/parties/": {
        UserRole.VIEWER: {"parties.detail"},
        UserRole.EDITOR: {"parties.new"},
    },
    "/parties/{partner}": {
        UserRole.VIEWER: {"history.party", "agreements.detail"},
        UserRole.EDITOR: {"parties.edit", "parties.confirm_delete"},
    },
    "/sources/": {
        UserRole.VIEWER: {"sources.detail"},
        UserRole.EDITOR: {"sources.new"},
    },
    "/sources/{source}": {
        UserRole.VIEWER: {"history.source", "agreements.detail"},
        UserRole.EDITOR: {
            "sources.edit",
            "sources.delete",
            "sources.link_from_source",
            "sources.edit_link",
            "sources.unlink",
        },
    },
    "/sectors/": {
        UserRole.VIEWER: {"history.sector", "agreements.index"},
        UserRole.ADMIN: {"sectors.new", "sectors.edit", "sectors.confirm_delete"},
    },
    # A new party is made from the form itself (issue 18's pickers), not on the parties' page.
    "/agreements/new": {UserRole.EDITOR: {"agreements.create"}},
    "/archive": {
        UserRole.EDITOR: {"agreements.detail", "parties.detail", "sources.detail"},
        UserRole.ADMIN: {"archive.restore_agreement", "archive.restore_party", "archive.restore_source"},
    },
    "/agreements/{old_agreement}": {
        UserRole.EDITOR: {"history.agreement"},
        UserRole.ADMIN: {"archive.restore_agreement"},
    },
    "/parties/{old_party}": {UserRole.EDITOR: {"history.party"}, UserRole.ADMIN: {"archive.restore_party"}},
    "/sources/{old_source}": {UserRole.EDITOR: {"history.source"}, UserRole.ADMIN: {"archive.restore_source"}},
}

# Each page with each role that may open it (the lowest role listed for the page).
PAGE_ROLES = [(page, role) for page in OFFERED for role in UserRole if any(role.allows(need) for need in OFFERED[page])]


@pytest.mark.parametrize(("page", "role"), PAGE_ROLES, ids=lambda value: getattr(value, "value", value))
def test_each_role_sees_exactly_its_actions(app, client_as, world, page, role):
    """Every action of the roles up to `role` is shown; none of a higher role is."""
    offered = OFFERED[page]
    found = endpoints_on(app, client_as(role), page.format(**world))
    for needed, endpoints in offered.items():
        if role.allows(needed):
            assert endpoints <= found, f"{page} hides from {role.value} {sorted(endpoints - found)}"
        else:
            assert not endpoints & found, f"{page} offers {role.value} {sorted(endpoints & found)}"


def test_admin_still_sees_edit_and_archive_buttons(app, client_as, world):
    client = client_as(UserRole.ADMIN)
    for url in ("/agreements/{agreement}", "/parties/{partner}", "/sources/{source}"):
        page = client.get(url.format(**world)).get_data(as_text=True)
        assert ">Edit</a>" in page, url
        assert ">Archive</a>" in page, url
    sectors = client.get("/sectors/").get_data(as_text=True)
    assert ">Edit</a>" in sectors
    assert ">Archive</a>" in sectors
    assert ">New sector</a>" in sectors


def test_source_links_table_drops_its_empty_actions_column_for_viewers(client_as, world):
    url = f"/sources/{world['source']}"
    viewer_page = client_as(UserRole.VIEWER).get(url).get_data(as_text=True)
    editor_page = client_as(UserRole.EDITOR).get(url).get_data(as_text=True)
    assert "Reports the renewal." in viewer_page
    assert ">Actions</th>" not in viewer_page
    viewer_rows = viewer_page.split("<tbody>")[1].split("</tbody>")[0]
    assert viewer_rows.count("<td") == 2  # agreement and note: no empty third cell under a missing header
    assert ">Actions</th>" in editor_page
    assert ">Edit note</a>" in editor_page
