"""Implementation status and decision dates in the lists (issue 15): implementation as a column of the agreement
list, a line on the expiring page's and "My agreements" rows, in the timeline's tooltips; "My agreements" by the
upcoming decision date; a decision due on the day itself."""

from __future__ import annotations

import re

import pytest

from tests.conftest import sign_in_client
from tracker.dates import PartialDate
from tracker.models import ImplementationStatus, PartyKind, PartyRole, UserRole
from tracker.services.terms import sync_terms

AS_OF = "2017-10-04"


@pytest.fixture
def three(make_agreement, make_party):
    """An implemented, a stalled and an unrecorded agreement with a Korean partner, all ending within a year."""
    partner = make_party(name="한국산업기술진흥원 (KIAT)", kind=PartyKind.RESEARCH_INSTITUTE, country_code="KR")
    parties = [(partner, PartyRole.SIGNATORY)]
    done = make_agreement(
        title="Kerja sama pengembangan teknologi",
        start="2006",
        end="2018",
        parties=parties,
        implementation=ImplementationStatus.IMPLEMENTED,
        implementation_note="Laporan akhir diterima",
    )
    done.implementation_as_of = PartialDate.parse("2017-09")
    stalled = make_agreement(
        title="MoU on moulds and dies", end="2018-06-30", parties=parties, implementation=ImplementationStatus.STALLED
    )
    unknown = make_agreement(title="Textile LoI", end="2018-03-31", parties=parties)
    return {"done": done, "stalled": stalled, "unknown": unknown}


def row_of(html: str, agreement) -> str:
    """The table row holding the agreement's link."""
    rows = re.findall(r"<tr>.*?</tr>", html, re.S)
    (row,) = [row for row in rows if f'href="/agreements/{agreement.id}"' in row]
    return row


def text(fragment: str) -> str:
    """The fragment's text, tags removed and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def test_the_agreement_list_has_an_implementation_column(client, session, three):
    session.commit()
    html = client.get("/agreements/").text
    assert '<th scope="col">Implementation</th>' in html
    assert text(row_of(html, three["done"])).endswith("Implemented as of September 2017")
    assert text(row_of(html, three["stalled"])).endswith("Stalled")
    # Not recorded: a dash on screen, its words for screen readers.
    unknown = row_of(html, three["unknown"])
    assert (
        '<span class="muted" aria-hidden="true">—</span><span class="visually-hidden">Implementation not recorded'
        in (unknown)
    )


def test_expiring_rows_say_the_implementation_under_the_status(client, session, three):
    session.commit()
    html = client.get(f"/expiring/?as_of={AS_OF}&months=12").text
    assert "Implementation: Implemented" in row_of(html, three["done"])
    assert "Implementation: Stalled" in row_of(html, three["stalled"])
    assert "Implementation:" not in row_of(html, three["unknown"])


def test_the_timeline_tooltip_says_the_implementation(client, session, three):
    session.commit()
    html = client.get(f"/agreements/timeline?as_of={AS_OF}").text
    titles = re.findall(r"<title>([^<]*)</title>", html)
    assert f"{three['done'].title}: 2006–2018, In force; Implementation: Implemented" in titles
    assert f"{three['unknown'].title}: until 31 March 2018, In force" in titles


def test_my_agreements_show_the_decision_date_first(app, session, make_agreement, make_user):
    me = make_user(UserRole.VIEWER)
    make_agreement(title="Ends in 2030", end="2030-06-30", owner=me, implementation=ImplementationStatus.ONGOING)
    # In force until the end of 2040 unless a year's notice is given: decide by 1 January 2040.
    notice = make_agreement(title="MoU hilirisasi nikel", end="2040-12-31", notice_period=12, owner=me)
    sync_terms(session, notice)
    session.commit()
    html = sign_in_client(app.test_client(), me).get("/my/").text
    table = html.split('<table class="my-agreements">')[1].split("</table>")[0]
    assert "Decision date or end" in table
    rows = re.findall(r"<tr>.*?</tr>", table, re.S)[1:]
    assert [text(row).split(" ")[0] for row in rows] == ["Ends", "MoU"]  # 30 June 2030 before 1 January 2040
    assert "Decide by 1 January 2040 (decision date; the term ends 31 December 2040)" in text(rows[1])
    assert "Implementation: Ongoing" in text(rows[0]) and "days left" in text(rows[0])


def test_a_decision_due_on_the_day_says_so(client, session, make_agreement):
    notice = make_agreement(title="MoU on electric vehicles", end="2018-12-31", notice_period=6)
    sync_terms(session, notice)
    session.commit()
    row = text(row_of(client.get("/expiring/?as_of=2018-07-01&months=3").text, notice))
    assert "Decide by 1 July 2018 (decision date; the term ends 31 December 2018) decision due on this day" in row
