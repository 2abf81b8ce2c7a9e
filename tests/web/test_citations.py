"""Facts with citations on the agreement's page (issue 17): each fact with its numbered marks, "not sourced" where
nothing supports it, the forms that cite, edit and remove (editors only, refused on an archived agreement), a
source's kept text at the quote, and the evidence level in the lists, their filter and the API."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.citation_support import aitec_story, attached
from tracker.models import (
    Change,
    ChangeAction,
    Citation,
    CitationStance,
    CitedFact,
    Document,
    DocumentKind,
    EvidenceLevel,
    PartyKind,
    PartyRole,
    UserRole,
)
from tracker.records.citation import CitationData
from tracker.records.problems import InvalidRecord, Problem
from tracker.services.citations import cite
from tracker.services.documents import archive_document

# Typed as a person would: straight quotes, another case.
END_QUOTE = '"Kita dengan AITEC kan kerja samanya sudah berlangsung dari 2006 dan akan BERAKHIR 2018.'


@pytest.fixture
def story(session, make_party, make_agreement, make_source):
    """The AITEC agreement with its parties and its tirto.id source, linked, with the page's text kept."""
    return aitec_story(session, make_party, make_agreement, make_source)


def row(html: str, fact: str, name: str = "") -> str:
    """The facts table's row of a fact (of the named party, for a party's fact)."""
    rows = re.findall(rf'<tr class="fact-{fact}">.*?</tr>', html, re.S)
    (found,) = [found for found in rows if name in found]
    return found


def text(fragment: str) -> str:
    """The fragment's text, tags removed and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def stored(session) -> list[Citation]:
    """The citations as committed now."""
    session.rollback()
    session.expire_all()
    return list(session.scalars(select(Citation).order_by(Citation.id)))


def test_every_fact_is_listed_not_sourced_until_cited(client_as, story):
    html = client_as(UserRole.VIEWER).get(f"/agreements/{story['agreement'].id}").text
    assert '<h2 id="facts">Facts and evidence</h2>' in html
    assert "Kementerian Perindustrian (Signatory)" in text(row(html, "party", "Kementerian"))
    assert "AITEC Co., Ltd (Signatory)" in text(row(html, "party", "AITEC"))
    for fact, recorded in [("signed", "not known"), ("start", "2006"), ("end", "2018"), ("status", "In force")]:
        assert text(row(html, fact)).startswith(f"{CitedFact(fact).name.title()} {recorded} not sourced")
    assert text(row(html, "renewal_intent")) == "Renewal intent No renewal planned not sourced"
    assert 'class="fact-terms"' not in html  # no terms recorded, none cited
    assert "<dt>Evidence</dt>" in html and 'evidence-none"><span class="visually-hidden">Evidence: </span>None' in html
    assert "Cite" not in text(html.split('<h2 id="facts">')[1].split("</table>")[0])  # a viewer cites nothing


def test_an_editor_cites_the_end_and_its_mark_opens_on_the_quote(client_as, session, story):
    agreement, snapshot = story["agreement"], story["snapshot"]
    editor = client_as(UserRole.EDITOR)
    page = editor.get(f"/agreements/{agreement.id}").text
    assert f'href="/agreements/{agreement.id}/citations/new?fact=end"' in row(page, "end")

    form = editor.get(f"/agreements/{agreement.id}/citations/new?fact=end").text
    assert '<option selected value="end">End</option>' in form
    # The only source is chosen already; the parties are facts of their own.
    assert f'<option selected value="source:{story["source"].id}">Source: Indonesia Ingin' in form
    assert f'<option value="party:{story["aitec"].id}">Party: AITEC Co., Ltd (Signatory)</option>' in form

    data = {"fact": "end", "origin": f"source:{story['source'].id}", "quote": END_QUOTE, "stance": "supports"}
    saved = editor.post(f"/agreements/{agreement.id}/citations/new", data=data)
    assert saved.status_code == 302 and saved.headers["Location"] == f"/agreements/{agreement.id}#facts"
    html = editor.get(saved.headers["Location"]).text
    assert "Citation added." in html
    end = row(html, "end")
    assert "not sourced" not in end and "not sourced" in row(html, "start")
    assert (
        '<span class="mark-number" aria-hidden="true">[1]</span><span class="visually-hidden">Citation 1:</span>' in end
    )
    assert "Quote found in the kept text" in end
    source = (
        f'Source: <a href="/sources/{story["source"].id}">Indonesia Ingin Lanjutkan Kerja Sama Teknologi dengan Korsel'
    )
    assert f"{source}</a>, tirto.id, 4 Oct 2017" in end
    link = f"/sources/{story['source'].id}/snapshots/{snapshot.id}"
    assert f'href="{link}#:~:text=Kita%20dengan%20AITEC%20kan%20kerja%20samanya%20sudah%20berlangsung"' in end
    assert 'evidence-news"><span class="visually-hidden">Evidence: </span>News report' in html
    (citation,) = stored(session)
    assert (citation.fact, citation.quote_found, citation.snapshot_id) == (CitedFact.END, True, snapshot.id)

    kept = client_as(UserRole.VIEWER).get(link)
    assert kept.status_code == 200
    assert "Kita dengan AITEC kan kerja samanya sudah berlangsung" in kept.text
    assert (
        client_as(UserRole.VIEWER).get(f"/sources/{story['source'].id}/snapshots/{snapshot.id + 1}").status_code == 404
    )


def test_refusals_are_shown_next_to_their_fields(client_as, session, story):
    agreement, source = story["agreement"], story["source"]
    editor = client_as(UserRole.EDITOR)
    url = f"/agreements/{agreement.id}/citations/new"

    empty = editor.post(url, data={"stance": "differs", "quote": "x" * 2001})
    assert empty.status_code == 422
    for field in ("fact", "origin", "quote", "says"):
        assert f'id="{field}-error"' in empty.text, field
    assert "Say what the passage says instead." in empty.text
    assert "Choose one source or one document." in empty.text

    # A source the agreement does not link is no choice.
    unlinked = editor.post(url, data={"fact": "end", "origin": "source:999999", "stance": "supports"})
    assert unlinked.status_code == 422 and 'id="origin-error"' in unlinked.text

    data = {"fact": "end", "origin": f"source:{source.id}", "quote": "akan berakhir 2018", "stance": "supports"}
    assert editor.post(url, data=data).status_code == 302
    again = editor.post(url, data={**data, "quote": "dari 2006"})
    assert again.status_code == 409
    assert re.search(r'id="origin-error">This source or document is already cited for this fact', again.text)
    assert 'value="dari 2006"' not in again.text and "dari 2006</textarea>" in again.text  # the input is kept
    assert len(stored(session)) == 1


def test_the_service_refusals_name_the_forms_fields(app):
    from tracker.forms.citations import CitationForm

    with app.test_request_context("/"):
        form = CitationForm(formdata=None)
        form.attach(InvalidRecord([Problem("party_id", "Choose a party."), Problem("document_id", "No document.")]))
        assert (form.fact.errors, form.origin.errors) == (["Choose a party."], ["No document."])


def test_a_differing_passage_says_what_instead_and_leaves_the_fact_not_sourced(client_as, story):
    agreement, aitec = story["agreement"], story["aitec"]
    editor = client_as(UserRole.EDITOR)
    data = {
        "fact": f"party:{aitec.id}",
        "origin": f"source:{story['source'].id}",
        "quote": "industri elektronika Korea Selatan AITEC Co.Ltd",
        "stance": "differs",
        "says": "KITECH (Mahata News, November 2017)",
    }
    assert editor.post(f"/agreements/{agreement.id}/citations/new", data=data).status_code == 302
    party = row(editor.get(f"/agreements/{agreement.id}").text, "party", "AITEC")
    assert "says something else" in party and "Says instead: KITECH (Mahata News, November 2017)" in text(party)
    assert "not sourced" in party


def test_editing_and_removing_a_citation(client_as, session, story):
    agreement, source = story["agreement"], story["source"]
    citation = cite(session, agreement, CitationData(fact=CitedFact.START, source_id=source.id, quote="dari 2006"))
    session.commit()
    citation_id = citation.id
    editor = client_as(UserRole.EDITOR)
    form = editor.get(f"/citations/{citation_id}/edit").text
    assert '<option selected value="start">Start</option>' in form and "dari 2006</textarea>" in form
    assert 'checked id="stance-0"' in form

    changed = {"fact": "start", "origin": f"source:{source.id}", "quote": "dari 2006", "stance": "differs"}
    refused = editor.post(f"/citations/{citation_id}/edit", data=changed)
    assert refused.status_code == 422 and 'id="says-error"' in refused.text
    saved = editor.post(f"/citations/{citation_id}/edit", data={**changed, "says": "2005"})
    assert saved.status_code == 302
    assert "Citation saved." in editor.get(saved.headers["Location"]).text
    (edited,) = stored(session)
    assert (edited.stance, edited.says) == (CitationStance.DIFFERS, "2005")

    confirm = editor.get(f"/citations/{citation_id}/remove")
    assert confirm.status_code == 200 and "Remove the citation?" in confirm.text and "dari 2006" in confirm.text
    assert stored(session)  # asking changes nothing
    removed = editor.post(f"/citations/{citation_id}/remove")
    assert removed.status_code == 302 and removed.headers["Location"] == f"/agreements/{agreement.id}#facts"
    assert "Citation removed." in editor.get(removed.headers["Location"]).text
    assert stored(session) == []
    actions = session.scalars(
        select(Change.action).where(Change.record_type == "agreement", Change.record_id == agreement.id)
    ).all()
    assert actions[-3:] == [ChangeAction.LINK, ChangeAction.UPDATE, ChangeAction.UNLINK]
    assert editor.get(f"/citations/{citation_id}/edit").status_code == 404


def test_citations_of_a_party_no_longer_on_the_record_are_shown_apart(client_as, session, story):
    agreement, aitec = story["agreement"], story["aitec"]
    data = CitationData(fact=CitedFact.PARTY, party_id=aitec.id, source_id=story["source"].id, quote="AITEC Co.Ltd")
    cite(session, agreement, data)
    agreement.party_links = [link for link in agreement.party_links if link.party_id != aitec.id]
    session.commit()
    html = client_as(UserRole.VIEWER).get(f"/agreements/{agreement.id}").text
    assert 'class="fact-party"' in html and "AITEC" not in html.split('<h2 id="facts">')[1].split("</table>")[0]
    apart = html.split("<h3>Citations of parties no longer on the record</h3>")[1].split("</ul>")[0]
    assert "AITEC Co., Ltd" in apart and "[1]" in apart and "AITEC Co.Ltd</blockquote>" in apart


def test_a_signed_text_citation_opens_the_download_and_tops_the_evidence(client_as, session, story):
    agreement = story["agreement"]
    words = "Nota Kesepahaman ini berlaku sejak tanggal 15 Maret 2006 selama 12 (dua belas) tahun."
    document = attached(session, agreement.id, "Nota Kesepahaman AITEC.pdf", words)
    session.commit()
    editor = client_as(UserRole.EDITOR)
    data = {"fact": "signed", "origin": f"document:{document.id}", "quote": "sejak tanggal 15 Maret 2006"}
    assert (
        editor.post(f"/agreements/{agreement.id}/citations/new", data={**data, "stance": "supports"}).status_code == 302
    )
    html = editor.get(f"/agreements/{agreement.id}").text
    signed = row(html, "signed")
    assert f'href="/documents/{document.id}/download" download>Nota Kesepahaman AITEC.pdf</a>' in signed
    assert "(Signed text)" in text(signed) and "Quote found in the kept text" in signed
    assert 'evidence-signed_text"><span class="visually-hidden">Evidence: </span>Signed text' in html
    session.refresh(agreement)
    assert agreement.evidence is EvidenceLevel.SIGNED_TEXT
    # Archived, the document no longer counts: its citation stays, said to be of an archived document.
    archive_document(session, session.get(Document, document.id))
    session.commit()
    html = editor.get(f"/agreements/{agreement.id}").text
    signed = row(html, "signed")
    assert "[1] Citation 1: a document since archived" in text(signed) and "not sourced" in signed
    assert "A document since archived: the citation no longer counts as evidence." in signed
    assert 'evidence-none"><span class="visually-hidden">Evidence: </span>None' in html


def test_an_archived_agreement_takes_no_citation(client_as, session, story):
    agreement, source = story["agreement"], story["source"]
    citation = cite(session, agreement, CitationData(fact=CitedFact.END, source_id=source.id))
    agreement.archived_at = agreement.created_at
    session.commit()
    editor = client_as(UserRole.EDITOR)
    data = {"fact": "start", "origin": f"source:{source.id}", "stance": "supports"}
    for method, url in [
        ("GET", f"/agreements/{agreement.id}/citations/new"),
        ("POST", f"/agreements/{agreement.id}/citations/new"),
        ("GET", f"/citations/{citation.id}/edit"),
        ("POST", f"/citations/{citation.id}/edit"),
        ("POST", f"/citations/{citation.id}/remove"),
    ]:
        answer = editor.open(url, method=method, data=data)
        assert answer.status_code == 409, url
        assert "The agreement is archived: its citations stay as they are." in answer.text
    assert len(stored(session)) == 1
    # Its page still shows the mark, without Cite, Edit or Remove.
    html = editor.get(f"/agreements/{agreement.id}").text
    assert "[1]" in row(html, "end") and "/citations/" not in html


def test_without_sources_or_documents_the_form_says_to_link_one_first(client_as, make_agreement):
    agreement = make_agreement()
    html = client_as(UserRole.EDITOR).get(f"/agreements/{agreement.id}/citations/new?fact=end").text
    assert "link a source or attach a document first" in html
    assert f'href="/agreements/{agreement.id}/sources/new"' in html
    assert f'href="/agreements/{agreement.id}#documents"' in html
    assert '<form method="post"' not in html.split('<main id="main">')[1]


def test_viewers_may_not_cite(client_as, story):
    viewer = client_as(UserRole.VIEWER)
    agreement_id = story["agreement"].id
    assert viewer.get(f"/agreements/{agreement_id}/citations/new").status_code == 403
    assert viewer.post(f"/agreements/{agreement_id}/citations/new", data={"fact": "end"}).status_code == 403


# --- the evidence level in the lists --------------------------------------------------------------------------


@pytest.fixture
def three_levels(session, make_agreement, make_source):
    """An agreement cited to a news report, one to its signed text, and one citing nothing."""
    news = make_agreement(title="MoU kendaraan listrik", end="2030")
    source = make_source(agreements=[(news, "")])
    signed = make_agreement(title="Signed MoU on moulds and dies", end="2030")
    document = attached(session, signed.id, "mou.pdf", "")
    cite(session, news, CitationData(fact=CitedFact.END, source_id=source.id))
    cite(session, signed, CitationData(fact=CitedFact.SIGNED, document_id=document.id))
    bare = make_agreement(title="Textile LoI, not yet sourced", end="2030")
    session.commit()
    return {"news": news, "signed": signed, "none": bare}


def listed(html: str) -> list[str]:
    """The titles of the agreement table's rows."""
    return re.findall(r'<td>\s*<a href="/agreements/\d+">([^<]+)</a>', html)


def test_the_list_shows_each_rows_evidence_and_filters_by_it(client_as, three_levels):
    viewer = client_as(UserRole.VIEWER)
    html = viewer.get("/agreements/?sort=title").text
    assert '<th scope="col">Evidence</th>' in html
    cells = re.findall(r'<td data-label="Evidence">(.*?)</td>', html, re.S)
    assert [text(cell) for cell in cells] == ["Evidence: News report", "Evidence: Signed text", "Evidence: None"]
    assert listed(viewer.get("/agreements/?evidence=none").text) == ["Textile LoI, not yet sourced"]
    both = viewer.get("/agreements/?evidence=news&evidence=signed_text&sort=title").text
    assert listed(both) == ["MoU kendaraan listrik", "Signed MoU on moulds and dies"]
    assert (
        '<input checked id="evidence-0" name="evidence" type="checkbox" value="none">'
        in viewer.get("/agreements/?evidence=none").text
    )
    wrong = viewer.get("/agreements/?evidence=rumour")
    assert wrong.status_code == 400 and 'id="evidence-error"' in wrong.text


def test_the_timeline_export_and_api_take_the_evidence_filter(client_as, api_as, three_levels):
    viewer = client_as(UserRole.VIEWER)
    timeline = viewer.get("/agreements/timeline?evidence=none").text
    assert "Textile LoI, not yet sourced" in timeline and "MoU kendaraan listrik" not in timeline
    exported = viewer.get("/agreements/export?evidence=news&format=csv").text
    assert "MoU kendaraan listrik" in exported and "Textile LoI" not in exported
    api = api_as(UserRole.VIEWER)
    answer = api.get("/agreements?evidence=none&evidence=signed_text&sort=title")
    assert answer.status_code == 200
    assert [item["title"] for item in answer.get_json()["items"]] == [
        "Signed MoU on moulds and dies",
        "Textile LoI, not yet sourced",
    ]
    assert api.get("/agreements?evidence=rumour").status_code == 400


def test_the_page_reads_1_or_20_citations_in_as_many_statements(
    client_as, session, story, make_party, count_statements
):
    agreement, source, aitec, ministry = story["agreement"], story["source"], story["aitec"], story["ministry"]
    words = "Surat Dirjen KPAII tentang perpanjangan kerja sama dengan AITEC Co.Ltd"
    document = attached(session, agreement.id, "Surat.pdf", words, DocumentKind.LETTER)
    kitech = make_party(
        "Korea Institute of Industrial Technology", kind=PartyKind.RESEARCH_INSTITUTE, aliases=["KITECH"]
    )
    session.commit()
    cite(session, agreement, CitationData(fact=CitedFact.END, source_id=source.id, quote="akan berakhir 2018"))
    session.commit()
    viewer = client_as(UserRole.VIEWER)
    url = f"/agreements/{agreement.id}"
    viewer.get(url)  # the client's first request does more (the session's first look-up)

    def counted() -> tuple[list[str], str]:
        with count_statements() as statements:
            answer = viewer.get(url)
        assert answer.status_code == 200
        return statements, answer.text

    one, _html = counted()
    others = [CitedFact.SIGNED, CitedFact.START, CitedFact.STATUS, CitedFact.RENEWAL_INTENT, CitedFact.INSTRUMENT]
    datas = [CitationData(fact=fact, source_id=source.id, quote="kerja sama") for fact in [*others, CitedFact.TERMS]]
    datas += [
        CitationData(fact=fact, document_id=document.id, stance=CitationStance.DIFFERS, says="2006–2016")
        for fact in [*others, CitedFact.END, CitedFact.TERMS]
    ]
    datas += [
        CitationData(fact=CitedFact.PARTY, party_id=party.id, source_id=source.id, quote="AITEC Co.Ltd")
        for party in (ministry, aitec)
    ]
    datas += [
        CitationData(fact=CitedFact.PARTY, party_id=party.id, document_id=document.id) for party in (ministry, aitec)
    ]
    agreement.party_links.append(type(agreement.party_links[0])(party=kitech, role=PartyRole.SIGNATORY))
    session.flush()
    datas += [
        CitationData(fact=CitedFact.PARTY, party_id=kitech.id, source_id=source.id, quote="KITECH"),
        CitationData(fact=CitedFact.PARTY, party_id=kitech.id, document_id=document.id),
    ]
    for data in datas:
        cite(session, agreement, data)
    agreement.party_links = [link for link in agreement.party_links if link.party_id != kitech.id]
    session.commit()
    many, html = counted()
    assert len(stored(session)) == 20 and "[20]" in html and "Korea Institute of Industrial Technology" in html
    assert len(many) == len(one), "\n\n".join(many)
