"""Conflicting reports over HTTP: the AITEC agreement's page shows the seed story's conflicts side by side, editors
resolve one (the history says so, the resolved one stays visible), the conflicts list and the dashboard's panel."""

from __future__ import annotations

import re
from html import unescape

from tests.conflict_support import FIXTURES, MAHATA_URL, demo_story, extracted
from tracker.models import Conflict, UserRole
from tracker.services import sources


def party_conflict(session, agreement) -> Conflict:
    """The seed story's conflict about the parties."""
    return next(c for c in session.query(Conflict).filter_by(agreement_id=agreement.id, fact="party"))


def text_of(html: str) -> str:
    """The page's text, tags dropped and spaces collapsed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_the_agreement_page_shows_the_conflicts_side_by_side_and_an_editor_resolves_one(session, client_as):
    aitec = demo_story(session)
    conflict = party_conflict(session, aitec)
    editor = client_as(UserRole.EDITOR)
    page = text_of(editor.get(f"/agreements/{aitec.id}").get_data(as_text=True))
    assert "Conflicting reports" in page
    assert "Record tirto.id Mahata News Ministry of Industry of the Republic of Indonesia; AITEC Co., Ltd;" in page
    assert "Ministry of Industry of the Republic of Indonesia; Korea Institute of Industrial Technology differs" in page
    assert "Instrument Open" in page and "Agreement Memorandum of understanding differs" in page
    assert "Renewal intent Open" in page

    prefix = f"conflict-{conflict.id}-"
    blank = {prefix + "preferred": "record", prefix + "reason": ""}
    refused = editor.post(f"/conflicts/{conflict.id}/resolve", data=blank)
    assert refused.status_code == 422
    assert "Say why this claim is preferred." in refused.get_data(as_text=True)
    mahata = next(claim for claim in conflict.claims if claim["label"] == "Mahata News")
    data = {prefix + "preferred": f"source:{mahata['id']}", prefix + "reason": "Kemenperin's 2017 report names KITECH."}
    done = editor.post(f"/conflicts/{conflict.id}/resolve", data=data)
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/agreements/{aitec.id}#conflicts")

    page = text_of(editor.get(f"/agreements/{aitec.id}").get_data(as_text=True))
    assert "Parties Resolved" in page
    assert "preferred Mahata News. Why: Kemenperin's 2017 report names KITECH." in page
    history = text_of(editor.get(f"/agreements/{aitec.id}/history").get_data(as_text=True))
    assert "Conflict resolved: Parties, preferred Mahata News" in history
    assert "Conflict — Parties Preferred — Mahata News Reason — Kemenperin's 2017 report names KITECH." in history
    again = editor.post(f"/conflicts/{conflict.id}/resolve", data=data)
    assert again.status_code == 409 and "already resolved" in again.get_data(as_text=True)


def test_viewers_see_conflicts_without_the_form_and_may_not_resolve(session, client_as):
    aitec = demo_story(session)
    conflict = party_conflict(session, aitec)
    viewer = client_as(UserRole.VIEWER)
    page = viewer.get(f"/agreements/{aitec.id}").get_data(as_text=True)
    assert "Conflicting reports" in page and "/resolve" not in page
    data = {f"conflict-{conflict.id}-preferred": "record", f"conflict-{conflict.id}-reason": "x"}
    assert viewer.post(f"/conflicts/{conflict.id}/resolve", data=data).status_code == 403


def test_the_list_shows_open_first_and_filters_by_state(session, client_as):
    aitec = demo_story(session)
    conflict = party_conflict(session, aitec)
    editor = client_as(UserRole.EDITOR)
    prefix = f"conflict-{conflict.id}-"
    data = {prefix + "preferred": "record", prefix + "reason": "Signed text."}
    editor.post(f"/conflicts/{conflict.id}/resolve", data=data)
    open_page = text_of(editor.get("/conflicts").get_data(as_text=True))
    assert open_page.count("Open") >= 2 and "Parties :" not in open_page
    resolved = text_of(editor.get("/conflicts?state=resolved").get_data(as_text=True))
    assert "Parties : Technology development cooperation" in resolved and "preferred the record" in resolved
    everything = text_of(editor.get(f"/conflicts?state=all&agreement={aitec.id}").get_data(as_text=True))
    assert everything.index("Instrument :") < everything.index("Parties :")  # open ones first
    assert editor.get("/conflicts?state=nonsense").status_code == 400
    assert editor.get(f"/conflicts/{conflict.id}").status_code == 200
    assert editor.get("/conflicts/999999").status_code == 404


def test_the_dashboard_counts_the_open_conflicts(session, client_as):
    demo_story(session)
    page = text_of(client_as(UserRole.VIEWER).get("/?as_of=2017-12-01").get_data(as_text=True))
    assert "Conflicting reports 3 conflicts are open." in page
    assert "Technology development cooperation between the Ministry of Industry and AITEC Co., Ltd : Parties" in page


def test_the_review_screen_shows_where_a_page_differs_before_linking(session, client_as):
    aitec = demo_story(session)
    pasted = extracted(MAHATA_URL).text
    # Only tirto.id linked: the Mahata report is the page under review.
    mahata = next(link for link in aitec.source_links if link.source.outlet == "Mahata News")
    sources.unlink_source(session, mahata)
    session.commit()
    editor = client_as(UserRole.EDITOR)
    page = text_of(editor.post("/sources/add", data={"pasted": pasted}).get_data(as_text=True))
    assert "Where this page differs from what is recorded" in page
    section = page[page.index("Where this page differs") : page.index("Link the source to existing agreements")]
    assert aitec.title in section
    assert "Parties What each says about: Parties Record tirto.id This page" in section
    assert "Korea Institute of Industrial Technology differs" in section
    assert "Record tirto.id This page Renewal intended Renewal intended fits the record Renewed differs" in section
    # The moulds and dies cooperation records its instrument as "other": the page's MoU is no disagreement.
    assert "Other instrument" not in section


def test_the_review_screen_says_nothing_where_the_page_agrees(session, client_as):
    demo_story(session)
    pasted = (FIXTURES / "seed_article.txt").read_text(encoding="utf-8")
    page = client_as(UserRole.EDITOR).post("/sources/add", data={"pasted": pasted}).get_data(as_text=True)
    assert "Where this page differs" not in page
