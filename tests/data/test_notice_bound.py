"""The longest notice kept by the database's triggers (migration 0040) bounds every term's, whoever writes them, and
the expiring list, its count, its first rows and the passed decisions read with it exactly what they read without.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import delete, func, insert, select, update

from tests.conftest import reset_database
from tests.property_support import database_scripts
from tracker.dates import PartialDate, Precision
from tracker.models import (
    Agreement,
    AgreementStatus,
    AgreementTerm,
    AutoRenewal,
    InstrumentType,
    KeptCount,
    NoticeUnit,
    RenewalIntent,
)
from tracker.queries.expiring import (
    DECISION_PASSED,
    NOTICE_BOUND,
    expiring_count,
    expiring_statement,
    first_expiring_ids,
    group_count,
)
from tracker.records.agreement import AgreementData
from tracker.services.agreements import archive_agreement, create_agreement, update_agreement

FIRST_DAY = date(2024, 1, 1)
# Days around the data, each with a short and a long window.
VIEWS = [(date(2025, 3, 1), 3), (date(2026, 11, 1), 12), (date(2028, 6, 30), 24)]

days = st.integers(0, 5 * 365)
terms = st.fixed_dictionaries(
    {
        "status": st.sampled_from([AgreementStatus.IN_FORCE, AgreementStatus.SIGNED, AgreementStatus.EXPIRED]),
        "start": days,
        "duration_months": st.integers(1, 36),
        "auto_renewal": st.booleans(),
        "notice_period": st.one_of(st.none(), st.integers(1, 400)),
        "notice_days": st.booleans(),
    }
)
steps = st.one_of(
    st.tuples(st.just("create"), terms),
    st.tuples(st.just("update"), st.integers(0, 9), terms),
    st.tuples(st.just("archive"), st.integers(0, 9)),
    st.tuples(st.just("sql earlier decision"), st.integers(0, 9), st.integers(1, 900)),
    st.tuples(st.just("sql later end"), st.integers(0, 9), st.integers(1, 900)),
    st.tuples(st.just("sql new term"), st.integers(0, 9), st.integers(0, 900)),
    st.tuples(st.just("sql no terms"), st.integers(0, 9)),
)


def agreement_data(changes: dict, title: str) -> AgreementData:
    """An agreement with terms as the services take it."""
    start = FIRST_DAY + timedelta(days=changes["start"])
    return AgreementData(
        title=title,
        instrument_type=InstrumentType.AGREEMENT,
        status=changes["status"],
        renewal_intent=RenewalIntent.NOT_RECORDED,
        start=PartialDate(start, Precision.DAY),
        duration_months=changes["duration_months"],
        auto_renewal=AutoRenewal.YES if changes["auto_renewal"] else AutoRenewal.NO,
        notice_period=changes["notice_period"],
        notice_unit=NoticeUnit.DAYS if changes["notice_days"] else NoticeUnit.MONTHS,
    )


def apply_raw(session, kind: str, agreement: Agreement, days_: int) -> None:
    """A write to the terms without the services (a repair, another tool): only the triggers see it."""
    term = AgreementTerm.agreement_id == agreement.id
    first = session.execute(select(AgreementTerm).where(term).order_by(AgreementTerm.number).limit(1)).scalar()
    if kind == "sql earlier decision" and first is not None:
        earlier = first.decision_on - timedelta(days=days_)
        session.execute(
            update(AgreementTerm).where(term, AgreementTerm.number == first.number).values(decision_on=earlier)
        )
    elif kind == "sql later end" and first is not None:
        later = first.end_on + timedelta(days=days_)
        session.execute(update(AgreementTerm).where(term, AgreementTerm.number == first.number).values(end_on=later))
    elif kind == "sql new term":
        number = (session.scalar(select(func.max(AgreementTerm.number)).where(term)) or 0) + 1
        end = date(2027, 1, 1) + timedelta(days=days_ % 400)
        row = {"agreement_id": agreement.id, "number": number, "end_on": end, "decision_on": end - timedelta(days_)}
        session.execute(insert(AgreementTerm), [row])
    elif kind == "sql no terms":
        session.execute(delete(AgreementTerm).where(term))


def apply(session, step: tuple) -> None:
    """Run one write and commit it."""
    agreements = list(session.scalars(select(Agreement).order_by(Agreement.id)))
    kind = step[0]
    if kind == "create":
        create_agreement(session, agreement_data(step[1], f"Agreement {len(agreements) % 3}"))
    elif agreements:
        agreement = agreements[step[1] % len(agreements)]
        if kind == "update":
            update_agreement(session, agreement, agreement_data(step[2], agreement.title))
        elif kind == "archive":
            archive_agreement(session, agreement)
        else:
            apply_raw(session, kind, agreement, step[2] if len(step) > 2 else 0)
    session.commit()


def answers(session) -> list:
    """What the bound narrows: the list, its count, its first rows and the passed decisions, for every view."""
    found = []
    for as_of, months in VIEWS:
        ids = list(session.scalars(expiring_statement(as_of, months).with_only_columns(Agreement.id)))
        found.append(
            (
                ids,
                session.scalar(expiring_count(as_of, months)),
                session.scalar(group_count(as_of, DECISION_PASSED)),
                [first_expiring_ids(session, as_of, months, limit) for limit in (1, 3)],
            )
        )
        # The first rows, cut at the third end of the agreements without a current term, are the list's first.
        assert found[-1][3] == [tuple(ids[:1]), tuple(ids[:3])], (as_of, months)
    return found


def longest_notice(session) -> int:
    """The longest notice of any term, counted afresh."""
    pairs = session.execute(select(AgreementTerm.end_on, AgreementTerm.decision_on)).all()
    return max([(end - decision).days for end, decision in pairs], default=0)


@database_scripts(max_examples=25)
@given(script=st.lists(steps, min_size=1, max_size=10))
def test_the_kept_bound_bounds_every_notice_and_changes_no_answer(app, engine, seed_rows, script):
    reset_database(engine, seed_rows)
    with app.extensions["tracker.sessionmaker"]() as session:
        for step in script:
            apply(session, step)
            assert session.scalar(select(NOTICE_BOUND)) >= longest_notice(session), step
            bounded = answers(session)
            # Without the row every term deciding by the window's end is read, as before 0040.
            session.execute(delete(KeptCount).where(KeptCount.kind == "bound"))
            assert answers(session) == bounded, step
            session.rollback()


def test_a_deleted_term_leaves_the_bound_and_a_missing_row_is_not_put_back(session, make_agreement):
    agreement = make_agreement(start="2024-01-01", end="2030-12-31")
    update_agreement(
        session,
        agreement,
        agreement_data(
            {"status": AgreementStatus.IN_FORCE, "start": 0, "duration_months": 12, "auto_renewal": True,
             "notice_period": 200, "notice_days": True},
            agreement.title,
        ),
    )  # fmt: skip
    session.commit()
    # 200 days' notice: the last day to give it is 199 days before the end.
    assert session.scalar(select(NOTICE_BOUND)) == longest_notice(session) == 199
    session.execute(delete(AgreementTerm).where(AgreementTerm.agreement_id == agreement.id))
    session.commit()
    assert session.scalar(select(NOTICE_BOUND)) == 199
    # A row made from one new term would not bound the terms already there: without it, no bound.
    session.execute(delete(KeptCount).where(KeptCount.kind == "bound"))
    session.execute(insert(AgreementTerm), [{"agreement_id": agreement.id, "number": 1, "end_on": date(2027, 1, 1),
                                             "decision_on": date(2026, 12, 1)}])  # fmt: skip
    session.commit()
    assert session.scalar(select(NOTICE_BOUND)) is None
