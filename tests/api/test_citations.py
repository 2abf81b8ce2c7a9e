"""The JSON API's citations: cite a fact of an agreement to its source or document, read, patch, remove; the
agreement's evidence level; every answer checked against the OpenAPI document."""

from __future__ import annotations

from tests.api_support import assert_problem
from tracker.models import Citation, PartyKind, PartyRole, SnapshotMethod, SourceSnapshot, UserRole

TEXT = "“Kita dengan AITEC kan kerja samanya sudah berlangsung dari 2006 dan akan berakhir 2018,” kata Harjanto."


def story(session, make_party, make_agreement, make_source):
    """The AITEC agreement, its tirto.id source linked with a snapshot."""
    ministry = make_party("Kementerian Perindustrian")
    aitec = make_party("AITEC Co., Ltd", kind=PartyKind.COMPANY, country_code="KR")
    agreement = make_agreement(
        start="2006", end="2018", parties=[(ministry, PartyRole.SIGNATORY), (aitec, PartyRole.SIGNATORY)]
    )
    source = make_source(agreements=[(agreement, "")])
    session.add(SourceSnapshot(source=source, method=SnapshotMethod.PASTE, text=TEXT, content_hash="x"))
    session.commit()
    return agreement, source, aitec


def test_a_fact_is_cited_read_changed_and_removed(api_as, session, make_party, make_agreement, make_source):
    editor = api_as(UserRole.EDITOR)
    agreement, source, aitec = story(session, make_party, make_agreement, make_source)
    base = f"/agreements/{agreement.id}/citations"
    assert editor.get(f"/agreements/{agreement.id}").get_json()["evidence"] == "none"
    created = editor.post(base, json={"fact": "end", "source_id": source.id, "quote": "akan berakhir 2018"})
    assert created.status_code == 201, created.get_json()
    citation = created.get_json()
    assert citation["quote_found"] is True and citation["stance"] == "supports" and citation["snapshot_id"]
    path = f"{base}/{citation['id']}"
    assert created.headers["Location"].endswith(path)
    assert editor.get(f"/agreements/{agreement.id}").get_json()["evidence"] == "news"
    patched = editor.patch(path, json={"stance": "differs", "says": "2016"}, etag=created.headers["ETag"])
    assert patched.status_code == 200, patched.get_json()
    assert patched.get_json()["quote"] == "akan berakhir 2018"  # the rest stays
    assert editor.get(f"/agreements/{agreement.id}").get_json()["evidence"] == "none"
    assert_problem(editor.patch(path, json={"says": "2017"}, etag=created.headers["ETag"]), 412)
    party = editor.post(base, json={"fact": "party", "party_id": aitec.id, "source_id": source.id, "quote": "AITEC"})
    assert party.status_code == 201, party.get_json()
    listed = editor.get(base).get_json()
    assert [item["fact"] for item in listed["items"]] == ["end", "party"]
    assert editor.delete(path, etag=patched.headers["ETag"]).status_code == 204
    assert session.get(Citation, citation["id"]) is None
    assert_problem(editor.get(path), 404)


def test_refusals_name_their_fields(api_as, session, make_party, make_agreement, make_source):
    editor = api_as(UserRole.EDITOR)
    agreement, source, _aitec = story(session, make_party, make_agreement, make_source)
    unlinked = make_source(title="Unlinked", url="https://example.org/unlinked")
    base = f"/agreements/{agreement.id}/citations"
    assert_problem(editor.post(base, json={"fact": "end"}), 422, "source_id")
    assert_problem(editor.post(base, json={"fact": "end", "source_id": unlinked.id}), 422, "source_id")
    assert_problem(editor.post(base, json={"fact": "party", "source_id": source.id}), 422, "party_id")
    assert_problem(editor.post(base, json={"fact": "end", "source_id": source.id, "stance": "differs"}), 422, "says")
    assert_problem(editor.post(base, json={"fact": "ending", "source_id": source.id}), 422, "fact")
    assert_problem(editor.post(base, json={"fact": "end", "source_id": source.id, "quote": "x" * 2001}), 422, "quote")
    assert editor.post(base, json={"fact": "end", "source_id": source.id}).status_code == 201
    assert_problem(editor.post(base, json={"fact": "end", "source_id": source.id}), 409)
    link = f"/agreements/{agreement.id}/sources/{source.id}"
    assert_problem(editor.delete(link, etag=editor.etag(link)), 409)  # a cited source stays linked


def test_viewers_read_citations_and_cannot_write_them(api_as, session, make_party, make_agreement, make_source):
    agreement, source, _aitec = story(session, make_party, make_agreement, make_source)
    other = make_agreement(title="Another agreement")
    citation = Citation(agreement_id=agreement.id, fact="start", source_id=source.id)
    session.add(citation)
    session.commit()
    viewer = api_as(UserRole.VIEWER)
    assert viewer.get(f"/agreements/{agreement.id}/citations/{citation.id}").status_code == 200
    assert_problem(viewer.post(f"/agreements/{agreement.id}/citations", json={"fact": "end"}), 403)
    assert_problem(viewer.get(f"/agreements/{other.id}/citations/{citation.id}"), 404)
