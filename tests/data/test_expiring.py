"""Expiring agreements: the window, year-only ends, order, the needs-attention rules and the page."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event

from tracker.dates import PartialDate, add_months
from tracker.demo import load_demo
from tracker.models import AgreementStatus, AutoRenewal, InstrumentType, PartyRole, RenewalIntent
from tracker.queries.expiring import (
    ATTENTION_PREVIEW,
    DECISION_PASSED,
    MAX_PER_PAGE,
    OPEN_STATUSES,
    OVERDUE_RENEWAL,
    STALE,
    TERMINAL_STATUSES,
    agreements_needing_attention,
    attention_counts,
    attention_groups,
    count_needing_attention,
    expiring_agreements,
    expiring_report,
    expiring_view,
    whole_months_between,
)
from tracker.records.agreement import AgreementData
from tracker.services.agreements import create_agreement

AS_OF = date(2017, 10, 4)


def titles(rows) -> list[str]:
    """The titles of listed agreements, in order."""
    return [row.agreement.title for row in rows]


# --- calendar arithmetic --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2017, 1, 31), 1, date(2017, 2, 28)),
        (date(2016, 1, 31), 1, date(2016, 2, 29)),
        (date(2017, 10, 4), 3, date(2018, 1, 4)),
        (date(2017, 12, 15), 1, date(2018, 1, 15)),
        (date(2017, 3, 31), 6, date(2017, 9, 30)),
        (date(2017, 10, 4), 240, date(2037, 10, 4)),
    ],
)
def test_add_months_is_calendar_correct(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("earlier", "later", "expected"),
    [
        (date(2017, 10, 4), date(2018, 1, 1), 2),
        (date(2017, 10, 4), date(2018, 1, 4), 3),
        (date(2017, 1, 31), date(2017, 2, 28), 1),
        (date(2017, 10, 4), date(2017, 10, 4), 0),
        (date(2018, 1, 1), date(2017, 10, 4), 0),
    ],
)
def test_whole_months_between(earlier, later, expected):
    assert whole_months_between(earlier, later) == expected


# --- the window -----------------------------------------------------------------------------------


def test_year_only_end_counts_from_first_of_january(session, make_agreement):
    make_agreement(title="AITEC", end="2018")
    rows = expiring_agreements(session, as_of=AS_OF, months=3)
    assert titles(rows) == ["AITEC"]
    assert rows[0].end.iso() == "2018"
    assert rows[0].days_left == 89
    assert rows[0].months_apart == 2
    # Three months from 30 September 2017 stop short of 1 January 2018.
    assert expiring_agreements(session, as_of=date(2017, 9, 30), months=3) == []
    # From 2 January 2018 the earliest day has passed: it is no longer "ending within" any window.
    assert expiring_agreements(session, as_of=date(2018, 1, 2), months=12) == []


def test_month_only_end_counts_from_first_of_month(session, make_agreement):
    make_agreement(title="March", end="2018-03")
    assert titles(expiring_agreements(session, as_of=date(2017, 12, 1), months=3)) == ["March"]
    assert expiring_agreements(session, as_of=date(2017, 12, 2), months=2) == []


@pytest.mark.parametrize("months", [3, 6, 12, 24, 1, 7, 240])
def test_window_boundaries_are_inclusive(session, make_agreement, months):
    last_day = add_months(AS_OF, months)
    make_agreement(title="a. ends today", end=AS_OF.isoformat())
    make_agreement(title="b. ends on the last day", end=last_day.isoformat())
    make_agreement(title="c. ended yesterday", end=date(2017, 10, 3).isoformat())
    make_agreement(title="d. ends the day after", end=date.fromordinal(last_day.toordinal() + 1).isoformat())
    rows = expiring_agreements(session, as_of=AS_OF, months=months)
    assert titles(rows) == ["a. ends today", "b. ends on the last day"]
    assert rows[0].days_left == 0


def test_end_of_month_window(session, make_agreement):
    make_agreement(title="last day of February", end="2017-02-28")
    make_agreement(title="first of March", end="2017-03-01")
    assert titles(expiring_agreements(session, as_of=date(2017, 1, 31), months=1)) == ["last day of February"]


def test_soonest_first(session, make_agreement):
    make_agreement(title="later", end="2018-06-30")
    make_agreement(title="soonest", end="2017-11-01")
    make_agreement(title="middle", end="2018")
    assert titles(expiring_agreements(session, as_of=AS_OF, months=12)) == ["soonest", "middle", "later"]


def test_agreements_without_end_are_not_listed(session, make_agreement):
    make_agreement(title="open-ended", start="2006")
    assert expiring_agreements(session, as_of=AS_OF, months=240) == []


@pytest.mark.parametrize("status", OPEN_STATUSES)
def test_open_statuses_are_listed(session, make_agreement, status):
    make_agreement(title="open", status=status, end="2018")
    assert titles(expiring_agreements(session, as_of=AS_OF)) == ["open"]


@pytest.mark.parametrize("status", TERMINAL_STATUSES)
def test_terminal_statuses_are_left_out(session, make_agreement, status):
    make_agreement(title="over", status=status, end="2018")
    assert expiring_agreements(session, as_of=AS_OF) == []


def test_parties_listed_once_signatories_first(session, make_agreement, make_party):
    ministry = make_party(name="Ministry of Industry")
    aitec = make_party(name="AITEC Co., Ltd", country_code="KR")
    directorate = make_party(name="Directorate General")
    make_agreement(
        end="2018",
        parties=[
            (directorate, PartyRole.IMPLEMENTING_AGENCY),
            (ministry, PartyRole.SIGNATORY),
            (aitec, PartyRole.SIGNATORY),
            (ministry, PartyRole.FUNDER),
        ],
    )
    [row] = expiring_agreements(session, as_of=AS_OF)
    assert [party.name for party in row.parties] == ["AITEC Co., Ltd", "Ministry of Industry", "Directorate General"]


def test_statement_count_does_not_grow_with_rows(session, make_agreement, make_party, count_statements):
    parties = [make_party(name=f"Party {n}") for n in range(3)]
    for n in range(6):
        make_agreement(title=f"Agreement {n}", end="2018", parties=[(p, PartyRole.SIGNATORY) for p in parties])
    session.expunge_all()
    with count_statements() as statements:
        report = expiring_report(session, as_of=AS_OF, months=12)
    assert len(report.expiring) == 6
    assert all(len(row.parties) == 3 for row in report.expiring)
    # Agreements, their party links and the parties: once each for each list.
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) <= 6


# --- needs attention ------------------------------------------------------------------------------


def test_needs_attention_rules(session, make_agreement):
    make_agreement(title="a. stale, in force", end="2016", status=AgreementStatus.IN_FORCE)
    make_agreement(title="b. stale, signed", end="2017-06-30", status=AgreementStatus.SIGNED)
    make_agreement(title="c. stale, renewal not recorded", end="2017-08", renewal_intent=RenewalIntent.NOT_RECORDED)
    make_agreement(title="renewal intended", end="2016", renewal_intent=RenewalIntent.INTENDED)
    make_agreement(title="renewal in negotiation", end="2016", renewal_intent=RenewalIntent.IN_NEGOTIATION)
    make_agreement(title="status expired", end="2016", status=AgreementStatus.EXPIRED)
    make_agreement(title="announced only", end="2016", status=AgreementStatus.ANNOUNCED)
    make_agreement(title="ends today", end=AS_OF.isoformat())
    make_agreement(title="no end", start="2006")
    rows = agreements_needing_attention(session, as_of=AS_OF)
    assert titles(rows) == [
        "a. stale, in force",
        "b. stale, signed",
        "c. stale, renewal not recorded",
        # Issue 15: a renewal under way past the end is overdue, a group of its own.
        "renewal in negotiation",
        "renewal intended",
    ]
    assert [row.group for row in rows] == [STALE] * 3 + [OVERDUE_RENEWAL] * 2
    assert rows[0].days_left < 0
    assert rows[1].days_left == -96
    assert rows[1].months_apart == 3
    assert count_needing_attention(session, as_of=AS_OF) == 5
    assert attention_counts(session, AS_OF) == {STALE: 3, OVERDUE_RENEWAL: 2, DECISION_PASSED: 0}


def test_a_past_day_leaves_out_agreements_signed_or_started_after_it(session, make_agreement):
    as_of = date(2023, 1, 1)
    make_agreement(title="MoU baterai kendaraan listrik", signed="2022-09-14", end="2023-09")
    make_agreement(title="MoU on nickel smelting, signed later in 2023", signed="2023-03-28", end="2023-06")
    make_agreement(title="Nota Kesepahaman signed in December 2022", signed="2022-12", end="2023-12-31")
    make_agreement(title="MoU signed sometime in 2023", signed="2023", end="2023-10")  # may be 1 January
    make_agreement(
        title="MoU signed 2022, in force from July 2023", signed="2022-11-30", start="2023-07", end="2023-12"
    )
    make_agreement(title="Perjanjian started after the day, signing unknown", start="2023-02-01", end="2023-11")
    make_agreement(
        title="Retroactive: applied from 2022, signed 2023-05", signed="2023-05-02", start="2022", end="2023"
    )
    make_agreement(title="Neither signing nor start recorded", end="2023-04-30")
    assert titles(expiring_agreements(session, as_of=as_of, months=12)) == [
        "Neither signing nor start recorded",
        "MoU baterai kendaraan listrik",
        "MoU signed sometime in 2023",
        "MoU signed 2022, in force from July 2023",
        "Nota Kesepahaman signed in December 2022",
    ]


def test_attention_as_of_a_past_day_leaves_out_later_signings(session, make_agreement):
    make_agreement(title="Stale MoU, signed 2019", signed="2019-04-22", end="2022-06", status=AgreementStatus.SIGNED)
    make_agreement(
        title="Recorded later, signed 2023-02", signed="2023-02-10", end="2022-12", status=AgreementStatus.SIGNED
    )
    assert titles(agreements_needing_attention(session, as_of=date(2023, 1, 1))) == ["Stale MoU, signed 2019"]
    assert count_needing_attention(session, as_of=date(2023, 1, 1)) == 1
    assert count_needing_attention(session, as_of=date(2023, 3, 1)) == 2


def test_report_window(session, make_agreement):
    make_agreement(title="soon", end="2018-03")
    report = expiring_report(session, as_of=AS_OF, months=6)
    assert (report.as_of, report.months, report.until) == (AS_OF, 6, date(2018, 4, 4))
    assert titles(report.expiring) == ["soon"]
    assert report.needs_attention == []


def test_seed_story_as_of_article_date(session):
    load_demo(session)
    session.commit()
    report = expiring_report(session, as_of=AS_OF, months=12)
    [row] = report.expiring
    assert row.agreement.title.startswith("Technology development cooperation")
    assert row.end.iso() == "2018"
    assert row.agreement.renewal_intent is RenewalIntent.INTENDED
    assert report.needs_attention == []
    # Past the end (2018 counts from its first day), the renewal intended is overdue (issue 15): needs attention,
    # in a group of its own.
    assert agreements_needing_attention(session, as_of=date(2018, 1, 1)) == []
    [overdue] = agreements_needing_attention(session, as_of=date(2018, 1, 2))
    assert overdue.agreement.title.startswith("Technology development cooperation")
    assert overdue.group == OVERDUE_RENEWAL


# --- the page -------------------------------------------------------------------------------------


def test_page_defaults(client):
    response = client.get("/expiring/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Expiring agreements" in page
    assert "Ending within 12 months" in page
    assert "No open agreement ends in this window." in page
    for months in (3, 6, 12, 24):
        assert f"months={months}" in page


def test_page_shows_seed_story(client, session):
    load_demo(session)
    session.commit()
    response = client.get("/expiring/?as_of=2017-10-04")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Technology development cooperation between the Ministry of Industry and AITEC Co., Ltd" in page
    assert "year only" in page
    assert "89 days left" in page
    assert "AITEC Co., Ltd; Ministry of Industry of the Republic of Indonesia" in page
    assert "Renewal intended" in page
    assert "/agreements/" in page


def test_page_needs_attention(client, make_agreement):
    make_agreement(title="Stale agreement", end="2017-06", status=AgreementStatus.SIGNED)
    page = client.get("/expiring/?as_of=2017-10-04&months=3").get_data(as_text=True)
    assert "Ending within 3 months" in page
    assert "Stale agreement" in page
    assert "month only" in page
    assert "ended 125 days ago" in page


def test_page_as_of_a_past_day_leaves_out_later_signings(client, make_agreement):
    make_agreement(title="MoU on nickel smelting", signed="2023-03-28", end="2023-06")
    make_agreement(title="MoU pengembangan baterai", signed="2022-09-14", end="2023-09")
    page = client.get("/expiring/?as_of=2023-01-01&months=12").get_data(as_text=True)
    assert "MoU pengembangan baterai" in page and "MoU on nickel smelting" not in page
    assert "MoU on nickel smelting" in client.get("/expiring/?as_of=2023-04-01&months=12").get_data(as_text=True)


@pytest.mark.parametrize("months", ["", " 6 ", "240", "1"])
def test_page_accepts_months(client, months):
    assert client.get("/expiring/", query_string={"months": months}).status_code == 200


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"months": "0"}, "from 1 to 240"),
        ({"months": "241"}, "from 1 to 240"),
        ({"months": "-3"}, "from 1 to 240"),
        ({"months": "abc"}, "Enter a whole number of months"),
        ({"months": "99999999999999999999999"}, "from 1 to 240"),
        ({"as_of": "2017-02-30"}, "Enter a date as YYYY-MM-DD"),
        ({"as_of": "yesterday"}, "Enter a date as YYYY-MM-DD"),
        ({"as_of": "9999-12-31", "months": "240"}, "between 1900 and 2100"),
        ({"as_of": "0001-01-01"}, "between 1900 and 2100"),
    ],
)
def test_page_refuses_bad_parameters(client, query, message):
    response = client.get("/expiring/", query_string=query)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert 'aria-invalid="true"' in page


# --- pages of a long list -------------------------------------------------------------------------


def test_view_pages_the_window(session, make_agreement):
    for n in range(5):
        make_agreement(title=f"ends {n}", end=f"2017-11-0{n + 1}")
    view = expiring_view(session, as_of=AS_OF, months=12, page=2, per_page=2)
    assert (view.page.total, view.page.pages) == (5, 3)
    assert titles(view.page.items) == ["ends 2", "ends 3"]
    assert not view.attention


def test_view_caps_page_size(session, make_agreement):
    make_agreement(title="one", end="2017-11")
    assert expiring_view(session, as_of=AS_OF, months=12, page=1, per_page=10_000).page.per_page == MAX_PER_PAGE


def test_view_previews_attention_and_counts_the_rest(session, make_agreement):
    for n in range(ATTENTION_PREVIEW + 2):
        make_agreement(title=f"stale {n:02d}", end=f"2016-01-{n + 1:02d}", status=AgreementStatus.IN_FORCE)
    view = expiring_view(session, as_of=AS_OF, months=12, page=1, per_page=25)
    assert titles(view.attention_preview) == [f"stale {n:02d}" for n in range(ATTENTION_PREVIEW)]
    assert view.needs_attention == ATTENTION_PREVIEW + 2
    attention = expiring_view(session, as_of=AS_OF, months=12, page=2, per_page=10, attention=True)
    assert attention.attention
    assert titles(attention.page.items) == ["stale 10", "stale 11"]
    assert attention.needs_attention == ATTENTION_PREVIEW + 2


def test_a_view_of_unchanged_data_reads_only_its_rows_by_id(session, make_agreement):
    # Ties on the end, broken by title: the first ten of a group are cut at the tenth end, not at ten rows.
    for n in range(ATTENTION_PREVIEW + 3):
        make_agreement(title=f"stale {12 - n:02d}", end=f"2016-01-{n // 3 + 1:02d}", status=AgreementStatus.IN_FORCE)
    for n in range(4):
        make_agreement(title=f"ends {n}", end=f"2017-11-0{n + 1}")
    kept: dict = {}

    def keep(key, compute):
        return kept[key] if key in kept else kept.setdefault(key, compute())

    fresh = expiring_view(session, as_of=AS_OF, months=12, page=1, per_page=3)
    first = expiring_view(session, as_of=AS_OF, months=12, page=1, per_page=3, keep=keep)
    statements: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(session.get_bind(), "before_cursor_execute", note)
    try:
        again = expiring_view(session, as_of=AS_OF, months=12, page=1, per_page=3, keep=keep)
    finally:
        event.remove(session.get_bind(), "before_cursor_execute", note)
    for view in (first, again):
        assert titles(view.page.items) == titles(fresh.page.items) == ["ends 0", "ends 1", "ends 2"]
        assert titles(view.attention_preview) == titles(fresh.attention_preview)
        assert view.page.total == 4 and view.needs_attention == ATTENTION_PREVIEW + 3
    assert titles(fresh.attention_preview) == [f"stale {n:02d}" for n in (10, 11, 12, 7, 8, 9, 4, 5, 6, 1)]
    # The counts, the page's ids and the groups' ids are kept: only the rows and their parties are read, by id.
    reads = [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")]
    assert len(reads) == 4, reads
    assert not any("count(" in sql or "UNION" in sql for sql in reads), reads


def test_page_links_and_print_link(client, make_agreement):
    for n in range(3):
        make_agreement(title=f"Paged {n}", end=f"2017-11-0{n + 1}")
    page = client.get("/expiring/?as_of=2017-10-04&per_page=2").get_data(as_text=True)
    assert "Paged 0" in page and "Paged 1" in page and "Paged 2" not in page
    assert "Page 1 of 2" in page
    assert "3 agreements." in page
    assert "page=2" in page
    assert f"per_page={MAX_PER_PAGE}" in page and "for printing" in page
    second = client.get("/expiring/?as_of=2017-10-04&per_page=2&page=2").get_data(as_text=True)
    assert "Paged 2" in second and "Paged 0" not in second
    printed = client.get(f"/expiring/?as_of=2017-10-04&per_page={MAX_PER_PAGE}").get_data(as_text=True)
    assert all(f"Paged {n}" in printed for n in range(3))
    assert "Page 1 of" not in printed and "for printing" not in printed


@pytest.mark.parametrize("query", ["page=x", "page=-1", "page=0", "per_page=abc", "per_page=0"])
def test_page_ignores_unreadable_paging(client, make_agreement, query):
    make_agreement(title="Still listed", end="2017-11")
    response = client.get(f"/expiring/?as_of=2017-10-04&{query}")
    assert response.status_code == 200
    assert "Still listed" in response.get_data(as_text=True)


def test_page_beyond_the_last_keeps_the_links(client, make_agreement):
    make_agreement(title="Only one", end="2017-11")
    page = client.get("/expiring/?as_of=2017-10-04&per_page=1&page=9").get_data(as_text=True)
    assert "Only one" not in page
    assert "No open agreement ends in this window." not in page
    assert 'rel="prev"' in page


def test_page_attention_list(client, make_agreement):
    for n in range(ATTENTION_PREVIEW + 1):
        make_agreement(title=f"Stale {n:02d}", end=f"2016-01-{n + 1:02d}", status=AgreementStatus.SIGNED)
    page = client.get("/expiring/?as_of=2017-10-04").get_data(as_text=True)
    assert "Stale 09" in page and "Stale 10" not in page
    assert "Show all 11 agreements needing attention" in page
    assert "show=attention" in page
    listed = client.get("/expiring/?as_of=2017-10-04&show=attention").get_data(as_text=True)
    assert "Stale 00" in listed and "Stale 10" in listed
    assert "Back to the agreements ending soon" in listed
    assert "11 agreements." in listed


# --- issue 15: the groups of needs attention -------------------------------------------------------------


@pytest.mark.parametrize(
    ("end", "as_of", "listed"),
    [
        ("2017-10-03", AS_OF, True),  # ended the day before
        ("2017-10-04", AS_OF, False),  # ends on the day: not past it yet
        ("2017", AS_OF, True),  # a year-only end counts from 1 January
        ("2018", date(2018, 1, 1), False),
        ("2018", date(2018, 1, 2), True),
    ],
)
def test_overdue_renewal_boundaries(session, make_agreement, end, as_of, listed):
    make_agreement(title="Renewal intended", end=end, renewal_intent=RenewalIntent.INTENDED)
    rows = agreements_needing_attention(session, as_of=as_of)
    assert [(row.agreement.title, row.group) for row in rows] == (
        [("Renewal intended", OVERDUE_RENEWAL)] if listed else []
    )
    assert count_needing_attention(session, as_of=as_of) == int(listed)


def test_overdue_renewal_only_while_the_record_claims_to_bind(session, make_agreement):
    make_agreement(title="In force", end="2016", renewal_intent=RenewalIntent.IN_NEGOTIATION)
    make_agreement(title="Signed", end="2016", status=AgreementStatus.SIGNED, renewal_intent=RenewalIntent.INTENDED)
    make_agreement(title="Expired", end="2016", status=AgreementStatus.EXPIRED, renewal_intent=RenewalIntent.INTENDED)
    make_agreement(title="Renewed", end="2016", renewal_intent=RenewalIntent.RENEWED)
    make_agreement(title="Signed later", signed="2018-01-02", end="2016", renewal_intent=RenewalIntent.INTENDED)
    assert titles(agreements_needing_attention(session, as_of=AS_OF)) == ["In force", "Signed"]


def tacit_mou(session, **changes):
    """An MoU from 1 January 2014: five-year terms renewed tacitly, six months' notice (decision 1 July 2018)."""
    data = AgreementData(
        title=changes.pop("title", "MoU on industrial cooperation"),
        instrument_type=InstrumentType.MOU,
        status=changes.pop("status", AgreementStatus.IN_FORCE),
        start=PartialDate.parse(changes.pop("start", "2014-01-01")),
        duration_months=60,
        auto_renewal=AutoRenewal.YES,
        notice_period=6,
        **changes,
    )
    agreement = create_agreement(session, data)
    session.commit()
    return agreement


@pytest.mark.parametrize(
    ("as_of", "listed"),
    [
        (date(2018, 6, 30), False),
        (date(2018, 7, 1), False),  # the decision date itself: notice can still be given
        (date(2018, 7, 2), True),
        (date(2018, 12, 31), True),  # the term's last day
        (date(2019, 1, 1), False),  # the next term runs: its decision date is 1 July 2023
        (date(2023, 7, 2), True),
    ],
)
def test_decision_date_passed_boundaries(session, as_of, listed):
    tacit_mou(session)
    rows = agreements_needing_attention(session, as_of=as_of)
    assert [row.group for row in rows] == ([DECISION_PASSED] if listed else [])
    assert count_needing_attention(session, as_of=as_of) == int(listed)
    if listed:
        assert rows[0].decision < as_of <= rows[0].term.end_on


def test_decision_date_passed_needs_no_decision_recorded_and_a_live_record(session):
    tacit_mou(session, title="Undecided", renewal_intent=RenewalIntent.NOT_RECORDED)
    tacit_mou(session, title="Decided: no renewal", renewal_intent=RenewalIntent.NONE)
    tacit_mou(session, title="Decided: renew", renewal_intent=RenewalIntent.INTENDED)
    tacit_mou(session, title="Suspended", status=AgreementStatus.SUSPENDED)
    tacit_mou(session, title="Year-only start", start="2014")  # terms end in 2018; decision by 1 July 2018
    rows = agreements_needing_attention(session, as_of=date(2018, 8, 1))
    assert titles(rows) == ["Undecided", "Year-only start"]
    assert attention_counts(session, date(2018, 8, 1)) == {STALE: 0, OVERDUE_RENEWAL: 0, DECISION_PASSED: 2}


def test_the_groups_never_overlap_and_the_counts_add_up(session, make_agreement):
    make_agreement(title="Stale", end="2017-01", renewal_intent=RenewalIntent.NOT_RECORDED)
    make_agreement(title="Overdue renewal", end="2017-01", renewal_intent=RenewalIntent.INTENDED)
    # A decision date passed on a recorded final end, then the end passed too: stale, not both.
    tacit_mou(session, title="Ended with notice", start="2012-01-01", end=PartialDate.parse("2016-12-31"))
    tacit_mou(session, title="Decision passed")
    as_of = date(2018, 8, 1)
    groups = attention_groups(session, as_of)
    assert [(group.key, titles(group.rows), group.total) for group in groups] == [
        (STALE, ["Ended with notice", "Stale"], 2),
        (OVERDUE_RENEWAL, ["Overdue renewal"], 1),
        (DECISION_PASSED, ["Decision passed"], 1),
    ]
    assert count_needing_attention(session, as_of) == 4


def test_the_demo_agreement_needs_attention_today_and_expires_as_of_the_article(client, session):
    load_demo(session)
    session.commit()
    today = client.get("/expiring/").get_data(as_text=True)
    renewals = today[today.index('id="attention-renewals"') : today.index('id="attention-decisions"')]
    assert "Technology development cooperation" in renewals
    years = whole_months_between(date(2018, 1, 1), date.today()) // 12
    assert f"renewal intended; ended 2018, {years} years ago" in " ".join(renewals.split())
    dashboard = " ".join(client.get("/").get_data(as_text=True).split())
    assert "1 agreement needs attention (1 renewal overdue)." in dashboard
    then = client.get("/expiring/?as_of=2017-10-04").get_data(as_text=True)
    window = then[: then.index('id="needs-attention"')]
    assert "Technology development cooperation" in window
