"""The expiring list by decision date: an MoU of 5-year terms, renewed tacitly, with 6 months' notice."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tracker.dates import PartialDate
from tracker.models import AgreementStatus, AgreementTerm, AutoRenewal, InstrumentType
from tracker.queries.expiring import expiring_agreements, expiring_count
from tracker.records.agreement import AgreementData
from tracker.services.agreements import create_agreement, update_agreement


def mou(session, **changes):
    """A recorded MoU from 1 January 2014, five-year terms, automatic renewal, six months' notice (unless changed)."""
    fields = {
        "title": "MoU on industrial cooperation",
        "instrument_type": InstrumentType.MOU,
        "status": AgreementStatus.IN_FORCE,
        "start": PartialDate.parse("2014-01-01"),
        "duration_months": 60,
        "auto_renewal": AutoRenewal.YES,
        "notice_period": 6,
    }
    data = AgreementData(**{**fields, **changes})
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


def test_monthly_terms_from_the_31st_are_stored_to_each_months_end_and_listed_by_them(session):
    # Issue 15: one month from 31 May ends 30 June, not 29 June; each later term keeps the start's day.
    agreement = mou(
        session,
        title="Perjanjian kerja sama Politeknik Negeri Bandung",
        start=PartialDate.parse("2024-05-31"),
        duration_months=1,
        notice_period=1,
    )
    stored = session.execute(
        select(AgreementTerm.number, AgreementTerm.end_on, AgreementTerm.decision_on)
        .where(AgreementTerm.agreement_id == agreement.id)
        .order_by(AgreementTerm.number)
        .limit(4)
    ).all()
    assert [tuple(row) for row in stored] == [
        (1, date(2024, 6, 30), date(2024, 6, 1)),
        (2, date(2024, 7, 30), date(2024, 6, 30)),
        (3, date(2024, 8, 30), date(2024, 7, 31)),
        (4, date(2024, 9, 30), date(2024, 9, 1)),
    ]
    first = expiring_agreements(session, date(2024, 5, 31), 1)
    assert [(row.end.iso(), row.decision) for row in first] == [("2024-06-30", date(2024, 6, 1))]
    # On 30 June the first term still runs (the old rule had it ended the day before, and listed the second).
    last_day = expiring_agreements(session, date(2024, 6, 30), 1)
    assert [row.end.iso() for row in last_day] == ["2024-06-30"]
