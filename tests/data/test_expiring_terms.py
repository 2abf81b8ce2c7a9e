"""The expiring list by decision date: an MoU of 5-year terms, renewed tacitly, with 6 months' notice."""

from __future__ import annotations

from datetime import date

from tracker.dates import PartialDate
from tracker.models import AgreementStatus, AutoRenewal, InstrumentType
from tracker.queries.expiring import expiring_agreements, expiring_count
from tracker.records.agreement import AgreementData
from tracker.services.agreements import create_agreement, update_agreement


def mou(session, **changes):
    """A recorded MoU from 1 January 2014, five-year terms, automatic renewal, six months' notice."""
    data = AgreementData(
        title="MoU on industrial cooperation",
        instrument_type=InstrumentType.MOU,
        status=AgreementStatus.IN_FORCE,
        start=PartialDate.parse("2014-01-01"),
        duration_months=60,
        auto_renewal=AutoRenewal.YES,
        notice_period=6,
        **changes,
    )
    agreement = create_agreement(session, data)
    session.commit()
    return agreement


def test_the_list_goes_by_the_current_terms_decision_date_across_terms(session):
    agreement = mou(session)
    assert [row.decision for row in expiring_agreements(session, date(2018, 1, 1), 6)] == [date(2018, 7, 1)]
    assert expiring_agreements(session, date(2017, 6, 1), 6) == []
    # After the first decision date, the term still runs to its end: listed, the decision overdue.
    late = expiring_agreements(session, date(2018, 12, 31), 1)
    assert [(row.decision, row.end.iso(), row.days_left) for row in late] == [(date(2018, 7, 1), "2018-12-31", -183)]
    # The next day the second term is current: its decision date is 1 July 2023.
    assert expiring_agreements(session, date(2019, 1, 1), 12) == []
    assert [row.decision for row in expiring_agreements(session, date(2023, 1, 1), 12)] == [date(2023, 7, 1)]
    assert session.scalar(expiring_count(date(2023, 1, 1), 12)) == 1
    assert agreement.id


def test_an_agreement_without_terms_is_listed_by_its_end_as_before(session):
    data = AgreementData(
        title="Technology cooperation",
        instrument_type=InstrumentType.AGREEMENT,
        status=AgreementStatus.IN_FORCE,
        start=PartialDate.parse("2006"),
        end=PartialDate.parse("2018"),
    )
    create_agreement(session, data)
    session.commit()
    rows = expiring_agreements(session, date(2017, 10, 4), 12)
    assert [(row.end.iso(), row.decision) for row in rows] == [("2018", None)]


def test_editing_the_terms_rewrites_them(session):
    agreement = mou(session)
    data = AgreementData(
        title=agreement.title,
        instrument_type=agreement.instrument_type,
        status=agreement.status,
        start=agreement.start,
        duration_months=60,
        notice_period=3,
    )
    update_agreement(session, agreement, data)
    session.commit()
    assert [row.decision for row in expiring_agreements(session, date(2018, 1, 1), 12)] == [date(2018, 10, 1)]
    assert expiring_agreements(session, date(2023, 1, 1), 12) == []
