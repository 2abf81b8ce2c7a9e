"""The JSON API's news inbox: editors list the items by state, read one with its reasons in words, link a waiting one
to an agreement with a note (its page becomes a linked source) or dismiss it; a triaged item is refused; every answer
checked against the OpenAPI document."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api_support import assert_problem
from tracker.ingest.extract.result import Extracted
from tracker.ingest.review import plain
from tracker.models import InboxItem, InboxState, NewsFeed, PartyRole, Source, UserRole
from tracker.services.agreements import archive_agreement

AITEC_NEWS = "Kemenperin dan AITEC Korea Lanjutkan Kerja Sama Industri Cetakan"
EV_NEWS = "Indonesia's industry ministry signs electric vehicle MoU with Korean battery maker"


@pytest.fixture
def inbox(session) -> dict[str, Any]:
    """A feed with two waiting items (Indonesian and English), one left unmatched and one dismissed."""
    feed = NewsFeed(name="Warta Industri", url="https://warta.example/rss.xml", last_result={})
    session.add(feed)

    def item(slug: str, title: str, score: float, state: InboxState, reasons: list[dict[str, Any]]) -> InboxItem:
        url = f"https://warta.example/news/{slug}"
        page = Extracted(
            title=title,
            outlet="Warta Industri",
            language="id",
            text=f"{title}. Kementerian Perindustrian ingin melanjutkan kerja sama dengan AITEC Co., Ltd sejak 2006.",
            excerpt=f"{title}: kerja sama sejak 2006.",
            url=url,
        )
        filed = InboxItem(
            feed=feed,
            url=url + "?utm_source=rss",
            url_normalized=url,
            title=title,
            outlet="Warta Industri",
            language="id",
            page={**plain(page), "final_url": url},
            score=score,
            reasons=reasons,
            state=state,
        )
        session.add(filed)
        return filed

    aitec = item(
        "aitec-cetakan",
        AITEC_NEWS,
        6.0,
        InboxState.NEW,
        [
            {"kind": "alias", "alias": "Kemenperin", "name": "Ministry of Industry"},
            {"kind": "party", "name": "AITEC Co., Ltd"},
            {"kind": "glossary", "phrase": "kerja sama", "meaning": "cooperation"},
        ],
    )
    ev = item("ev-mou", EV_NEWS, 4.5, InboxState.NEW, [{"kind": "agreement", "title": "EV battery MoU"}])
    sport = item("sepak-bola", "Timnas menang 2-0", 0.0, InboxState.UNMATCHED, [])
    old = item("lama", "Berita lama tentang AITEC", 3.0, InboxState.DISMISSED, [])
    session.commit()
    return {"aitec": aitec.id, "ev": ev.id, "sport": sport.id, "old": old.id, "feed": feed.id}


def titles(answer) -> list[str]:
    """The titles of a page of items, in order."""
    assert answer.status_code == 200, answer.get_json()
    return [item["title"] for item in answer.get_json()["items"]]


def test_editors_list_the_inbox_by_state_best_first(api_as, inbox):
    editor = api_as(UserRole.EDITOR)
    assert titles(editor.get("/inbox")) == [AITEC_NEWS, EV_NEWS]
    assert titles(editor.get("/inbox?state=unmatched")) == ["Timnas menang 2-0"]
    assert titles(editor.get("/inbox?state=dismissed&state=new")) == [AITEC_NEWS, EV_NEWS, "Berita lama tentang AITEC"]
    assert editor.get("/inbox?per_page=10&page=2").get_json()["items"] == []
    assert_problem(editor.get("/inbox?state=waiting"), 400, "state")
    assert_problem(api_as(UserRole.VIEWER).get("/inbox"), 403)
    assert_problem(api_as(None).get("/inbox"), 401)

    item = editor.get(f"/inbox/{inbox['aitec']}").get_json()
    assert item["reasons"] == [
        "names Kemenperin (alias of Ministry of Industry), AITEC Co., Ltd (party)",
        "“kerja sama” (glossary: cooperation)",
    ]
    assert item["feed"] == {"id": inbox["feed"], "name": "Warta Industri"}
    assert (item["state"], item["source_id"], item["triaged_at"]) == ("new", None, None)
    assert item["excerpt"].startswith(AITEC_NEWS)
    assert editor.get(f"/inbox/{inbox['ev']}").get_json()["reasons"] == ["may concern “EV battery MoU”"]
    assert_problem(editor.get("/inbox/999999"), 404)


def test_an_item_is_linked_to_an_agreement_with_its_note_once(api_as, inbox, session, make_agreement, make_party):
    ministry = make_party(name="Ministry of Industry", aliases=["Kemenperin"])
    agreement = make_agreement(title="Technology cooperation with AITEC", parties=[(ministry, PartyRole.SIGNATORY)])
    editor = api_as(UserRole.EDITOR)
    path = f"/inbox/{inbox['aitec']}/link"
    assert_problem(editor.post(path, {"note": "no agreement"}), 422, "agreement_id")
    assert_problem(editor.post(path, {"agreement_id": 999_999}), 422, "agreement_id")
    assert_problem(editor.post(path, {"agreement_id": agreement.id, "why": "?"}), 422, "why")
    assert_problem(editor.post(path, data="agreement", content_type="text/plain"), 415)
    assert_problem(api_as(UserRole.VIEWER).post(path, {"agreement_id": agreement.id}), 403)

    note = "Kemenperin ingin melanjutkan kerja sama dengan AITEC sejak 2006."
    linked = editor.post(path, {"agreement_id": agreement.id, "note": note})
    assert linked.status_code == 200, linked.get_json()
    item = linked.get_json()
    assert item["state"] == "linked" and item["triaged_at"] and item["source_id"]
    link = editor.get(linked.headers["Location"].removeprefix("/api/v1")).get_json()
    assert (link["agreement_id"], link["source_id"], link["note"]) == (agreement.id, item["source_id"], note)
    source = session.get(Source, item["source_id"])
    assert source.url == "https://warta.example/news/aitec-cetakan" and source.title == AITEC_NEWS
    assert "sejak 2006" in source.snapshots[0].text

    assert_problem(editor.post(path, {"agreement_id": agreement.id}), 409)
    assert_problem(editor.post(f"/inbox/{inbox['aitec']}/dismiss"), 409)
    assert titles(editor.get("/inbox")) == [EV_NEWS]
    assert titles(editor.get("/inbox?state=linked")) == [AITEC_NEWS]


def test_an_archived_agreement_is_refused_and_an_item_dismissed_once(api_as, inbox, session, make_agreement):
    agreement = make_agreement(title="Old cooperation")
    archive_agreement(session, agreement)
    session.commit()
    editor = api_as(UserRole.EDITOR)
    assert_problem(editor.post(f"/inbox/{inbox['ev']}/link", {"agreement_id": agreement.id}), 422, "agreement_id")
    dismissed = editor.post(f"/inbox/{inbox['ev']}/dismiss")
    assert dismissed.status_code == 200 and dismissed.get_json()["state"] == "dismissed"
    assert_problem(editor.post(f"/inbox/{inbox['ev']}/dismiss"), 409)
    assert_problem(editor.post(f"/inbox/{inbox['sport']}/dismiss"), 409)  # unmatched: never waited
    assert_problem(api_as(UserRole.VIEWER).post(f"/inbox/{inbox['aitec']}/dismiss"), 403)
    assert titles(editor.get("/inbox")) == [AITEC_NEWS]
