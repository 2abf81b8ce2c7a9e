"""The expiring page's needs attention: each group in its own section, with its rule, its reason and its own list."""

from __future__ import annotations

from tracker.dates import PartialDate
from tracker.models import AgreementStatus, AutoRenewal, InstrumentType, RenewalIntent
from tracker.queries.expiring import ATTENTION_PREVIEW
from tracker.records.agreement import AgreementData
from tracker.services.agreements import create_agreement

AS_OF = "2018-08-01"


def section(page: str, key: str) -> str:
    """The text of one group's section of the page, whitespace collapsed."""
    start = page.index(f'<section class="attention-group" id="attention-{key}"')
    return " ".join(page[start : page.index("</section>", start)].split())


def decision_passed(session, title: str) -> None:
    """An MoU from 2014 of five-year terms renewed tacitly, six months' notice: its decision date is 1 July 2018."""
    data = AgreementData(
        title=title,
        instrument_type=InstrumentType.MOU,
        status=AgreementStatus.IN_FORCE,
        start=PartialDate.parse("2014-01-01"),
        duration_months=60,
        auto_renewal=AutoRenewal.YES,
        notice_period=6,
    )
    create_agreement(session, data)
    session.commit()


def test_each_group_in_its_own_section_with_its_reason(client, session, make_agreement):
    make_agreement(title="Stale MoU", end="2017-06", status=AgreementStatus.SIGNED)
    make_agreement(title="Technology cooperation", end="2016", renewal_intent=RenewalIntent.INTENDED)
    make_agreement(title="Training programme", end="2018-07-15", renewal_intent=RenewalIntent.IN_NEGOTIATION)
    decision_passed(session, "MoU on industrial cooperation")
    page = client.get(f"/expiring/?as_of={AS_OF}").get_data(as_text=True)
    assert "4 agreements need attention" in " ".join(page.split())

    stale = section(page, "attention")
    assert "Past the end, no renewal under way" in stale and "Stale MoU" in stale
    assert "Technology cooperation" not in stale

    renewals = section(page, "renewals")
    assert "Renewal overdue" in renewals
    assert "renewal intended; ended 2016, 2 years ago" in renewals
    assert "renewal in negotiation; ended 15 July 2018, 17 days ago" in renewals
    assert "Stale MoU" not in renewals and "MoU on industrial cooperation" not in renewals

    decisions = section(page, "decisions")
    assert "Decision date passed" in decisions and "MoU on industrial cooperation" in decisions
    assert "no decision recorded; decision date 1 July 2018, 1 month ago" in decisions


def test_empty_groups_say_so(client):
    page = client.get(f"/expiring/?as_of={AS_OF}").get_data(as_text=True)
    assert "No renewal is overdue." in section(page, "renewals")
    assert "No decision date has passed without a decision." in section(page, "decisions")


def test_a_long_group_is_paged_on_its_own(client, make_agreement):
    for n in range(ATTENTION_PREVIEW + 1):
        make_agreement(title=f"Renewal {n:02d}", end=f"2016-01-{n + 1:02d}", renewal_intent=RenewalIntent.INTENDED)
    page = client.get(f"/expiring/?as_of={AS_OF}").get_data(as_text=True)
    renewals = section(page, "renewals")
    assert "Renewal 09" in renewals and "Renewal 10" not in renewals
    assert "Show all 11 agreements needing attention" in renewals and "show=renewals" in renewals
    listed = client.get(f"/expiring/?as_of={AS_OF}&show=renewals").get_data(as_text=True)
    assert "Renewal 00" in listed and "Renewal 10" in listed
    assert 'id="attention-attention"' not in listed and "Back to the agreements ending soon" in listed


def test_the_decisions_group_is_paged_by_the_decision(client, session):
    decision_passed(session, "MoU on industrial cooperation")
    listed = client.get(f"/expiring/?as_of={AS_OF}&show=decisions").get_data(as_text=True)
    assert "no decision recorded; decision date 1 July 2018" in " ".join(listed.split())
