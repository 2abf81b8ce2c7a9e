"""The expiring list from the count's two parts gives exactly the rows, order and days of the list it replaced.

The list used to join every agreement to its current term, grouped from every term not ended by the day (written out
to 2100 for auto-renewing agreements); it now takes term-less agreements by their end and the others from the terms
deciding in the window (issue 15). The old statement is kept here, as it was, to compare on messy data.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Select, Subquery, and_, func, or_, select

from tracker.dates import PartialDate, add_months
from tracker.models import Agreement, AgreementStatus, AgreementTerm, AutoRenewal, InstrumentType, NoticeUnit
from tracker.queries.expiring import (
    OPEN_STATUSES,
    existing_on,
    expiring_agreements,
    expiring_count,
    expiring_statement,
    expiring_view,
    first_expiring,
)
from tracker.records.agreement import AgreementData
from tracker.services.agreements import archive_agreement, create_agreement

NAMES = (
    "MoU Kerja Sama Teknik dengan JICA",
    "Perjanjian Kerja Sama Pendidikan Tinggi",
    "Nota Kesepahaman Energi Terbarukan",
    "MoU on electric vehicles",
    "Technology development cooperation with AITEC",
)
STATUSES = (AgreementStatus.IN_FORCE, AgreementStatus.SIGNED, AgreementStatus.EXPIRED, AgreementStatus.TERMINATED)
STARTS = ("2004", "2009-03", "2011-01-31", "2013-07-15", "2016-02-29", "2019", None)
DAYS = (
    date(2005, 6, 30),
    date(2012, 1, 1),
    date(2017, 10, 4),
    date(2019, 12, 31),
    date(2023, 1, 1),
    date(2026, 11, 1),
    date(2031, 3, 1),
    date(2060, 1, 1),
)


def old_current_terms(as_of: date) -> Subquery:
    """The list's current terms before issue 15's change: every term not ended by `as_of`, grouped."""
    return (
        select(
            AgreementTerm.agreement_id,
            func.min(AgreementTerm.decision_on).label("decision_on"),
            func.min(AgreementTerm.end_on).label("end_on"),
        )
        .where(AgreementTerm.end_on >= as_of)
        .group_by(AgreementTerm.agreement_id)
        .subquery("current_term")
    )


def old_expiring_statement(as_of: date, months: int) -> Select:
    """The expiring list's statement before the change, as it was."""
    term = old_current_terms(as_of)
    until = add_months(as_of, months)
    by_end = and_(term.c.agreement_id.is_(None), Agreement.end_on >= as_of, Agreement.end_on <= until)
    key = func.coalesce(term.c.decision_on, Agreement.end_on)
    return (
        select(Agreement)
        .outerjoin(term, term.c.agreement_id == Agreement.id)
        .where(Agreement.status.in_(OPEN_STATUSES), or_(term.c.decision_on <= until, by_end), existing_on(as_of))
        .order_by(key, Agreement.title, Agreement.id)
    )


def messy_agreement(n: int) -> AgreementData:
    """The n-th of a mix: with and without terms, renewing monthly or yearly or by the duration, notice in days or
    months, year- or month-only starts and ends, open and ended statuses, some titles shared."""
    start = STARTS[n % len(STARTS)]
    with_terms = start is not None and n % 4 != 0
    renews = with_terms and n % 3 != 0
    notice = (None, 3, 6, 30, 90, 1)[n // 2 % 6] if with_terms else None
    end = None if with_terms and n % 5 else ("2018", "2020-06", "2024-12-31", "2027", None)[n % 5]
    if end and start and end < start:
        end = "2035-06"
    return AgreementData(
        title=f"{NAMES[n % len(NAMES)]} {n // 7}",
        instrument_type=InstrumentType.MOU,
        status=STATUSES[n % len(STATUSES)] if n % 3 else AgreementStatus.IN_FORCE,
        signed=PartialDate.parse(("2003", "2030-05-02")[n % 5 % 2]) if n % 2 else None,
        start=PartialDate.parse(start) if start else None,
        end=PartialDate.parse(end) if end else None,
        duration_months=(12, 60, 24, 1, 36)[n % 5] if with_terms else None,
        auto_renewal=AutoRenewal.YES if renews else AutoRenewal.NO,
        renewal_months=(None, 1, 12, 6)[n % 4] if renews else None,
        notice_period=notice,
        notice_unit=NoticeUnit.DAYS if notice and notice >= 30 else NoticeUnit.MONTHS,
    )


@pytest.fixture
def messy(session) -> None:
    """A hundred and forty agreements of every kind, every eleventh archived."""
    for n in range(140):
        agreement = create_agreement(session, messy_agreement(n))
        if n % 11 == 5:
            archive_agreement(session, agreement)
    session.commit()


def ids_of(session, statement: Select) -> list[int]:
    """The agreements' ids in the statement's order."""
    return [agreement.id for agreement in session.scalars(statement)]


@pytest.mark.parametrize("as_of", DAYS, ids=str)
def test_the_list_from_two_parts_is_the_old_list(session, messy, as_of):
    seen = 0
    for months in (1, 6, 12, 24, 240):
        old = ids_of(session, old_expiring_statement(as_of, months))
        assert ids_of(session, expiring_statement(as_of, months)) == old, (as_of, months)
        assert session.scalar(expiring_count(as_of, months)) == len(old)
        seen += len(old)
    # The comparison means something only where the data gives rows.
    if as_of < date(2060, 1, 1):
        assert seen


def test_the_data_holds_every_case_the_comparison_needs(session, messy):
    terms = session.execute(select(AgreementTerm.agreement_id, func.count()).group_by(AgreementTerm.agreement_id))
    per_agreement = dict(terms.all())
    assert max(per_agreement.values()) > 500  # monthly renewals written out to 2100
    assert min(per_agreement.values()) == 1
    without_terms = session.scalar(select(func.count()).where(Agreement.id.not_in(list(per_agreement))))
    assert without_terms > 20
    # Current terms both deciding before their end (notice) and at it (none), as of one day.
    rows = expiring_agreements(session, date(2023, 1, 1), 240)
    assert any(row.notice_due for row in rows) and any(row.term and not row.notice_due for row in rows)
    assert any(row.term is None for row in rows)


@pytest.mark.parametrize("as_of", [date(2017, 10, 4), date(2026, 11, 1)], ids=str)
def test_the_first_rows_and_the_pages_are_the_old_lists(session, messy, as_of):
    old = ids_of(session, old_expiring_statement(as_of, 240))
    assert [row.agreement.id for row in first_expiring(session, as_of, 240, 10)] == old[:10]
    second = expiring_view(session, as_of, 240, page=2, per_page=7)
    assert [row.agreement.id for row in second.page.items] == old[7:14]
    assert second.page.total == len(old)
    # Each row still goes by its current term's decision date, else its end, in order.
    days = [row.day for row in expiring_agreements(session, as_of, 240)]
    assert days == sorted(days)
