"""Conflicting reports over HTTP: the AITEC agreement's page shows the seed story's conflicts side by side, editors
resolve one (the history says so, the resolved one stays visible), the conflicts list and the dashboard's panel."""

from __future__ import annotations

import re
from html import unescape

from tests.conflict_support import demo_story
from tracker.models import Conflict, UserRole


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
    assert (
        "Record tirto.id Mahata News Ministry of Industry of the Republic of Indonesia; AITEC Co., Ltd;"
        in page
    )
    assert "Ministry of Industry of the Republic of Indonesia; Korea Institute of Industrial Technology differs" in page
    assert "Instrument Open" in page and "Agreement Memorandum of understanding differs" in page
    assert "Renewal Open" in page

    prefix = f"conflict-{conflict.id}-"
    refused = editor.post(f"/conflicts/{conflict.id}/resolve", data={prefix + "preferred": "record", prefix + "reason": ""})
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
    editor.post(f"/conflicts/{conflict.id}/resolve", data={prefix + "preferred": "record", prefix + "reason": "Signed text."})
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
