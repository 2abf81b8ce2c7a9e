"""The dashboard's date-dependent figures, kept under the database's dates version (migration 0038), equal the
figures computed afresh after any writes: through the services, and with raw SQL to agreements and their terms."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import delete, func, select, update

from tests.conftest import reset_database
from tests.property_support import database_scripts
from tracker.dates import PartialDate, Precision
from tracker.models import (
    Agreement,
    AgreementStatus,
    AgreementTerm,
    AutoRenewal,
    InstrumentType,
    NoticeUnit,
    RenewalIntent,
)
from tracker.queries.dashboard import FiguresCache, data_version, dates_version, figures
from tracker.records.agreement import AgreementData
from tracker.services.agreements import archive_agreement, create_agreement, restore_agreement, update_agreement

HOME = "ID"
# Two reference days a year apart, each with two windows: kept figures are per (day, months).
VIEWS = [(date(2026, 11, 1), 12), (date(2026, 11, 1), 3), (date(2027, 11, 1), 12)]
FIRST_DAY = date(2024, 1, 1)

days = st.integers(0, 6 * 365)
dates = st.fixed_dictionaries(
    {
        "status": st.sampled_from(list(AgreementStatus)),
        "renewal_intent": st.sampled_from(list(RenewalIntent)),
        "signed": st.one_of(st.none(), days),
        "start": st.one_of(st.none(), days),
        "length": st.one_of(st.none(), st.integers(30, 4 * 365)),
        "duration_months": st.one_of(st.none(), st.integers(1, 36)),
        "auto_renewal": st.booleans(),
        "notice_period": st.one_of(st.none(), st.integers(1, 6)),
    }
)
steps = st.one_of(
    st.tuples(st.just("create"), dates),
    st.tuples(st.just("update"), st.integers(0, 9), dates),
    st.tuples(st.just("notes"), st.integers(0, 9)),
    st.tuples(st.just("archive"), st.integers(0, 9)),
    st.tuples(st.just("restore"), st.integers(0, 9)),
    st.tuples(st.just("sql end"), st.integers(0, 9), days),
    st.tuples(st.just("sql title"), st.integers(0, 9)),
    st.tuples(st.just("sql decision"), st.integers(0, 9), st.integers(-400, 400)),
    st.tuples(st.just("sql no terms"), st.integers(0, 9)),
    st.tuples(st.just("sql touch"), st.integers(0, 9)),
)


def day(offset: int | None) -> PartialDate | None:
    """A day known exactly, `offset` days from FIRST_DAY."""
    return None if offset is None else PartialDate(FIRST_DAY + timedelta(days=offset), Precision.DAY)


def agreement_data(changes: dict, title: str, notes: str = "") -> AgreementData:
    """An agreement's fields as the services take them; the end follows the start by `length` days."""
    start = changes["start"]
    end = None if start is None or changes["length"] is None else start + changes["length"]
    return AgreementData(
        title=title,
        instrument_type=InstrumentType.AGREEMENT,
        status=changes["status"],
        renewal_intent=changes["renewal_intent"],
        signed=day(changes["signed"]),
        start=day(start),
        end=day(end),
        duration_months=changes["duration_months"],
        auto_renewal=AutoRenewal.YES if changes["auto_renewal"] else AutoRenewal.NO,
        notice_period=changes["notice_period"],
        notice_unit=NoticeUnit.MONTHS,
        notes=notes,
    )


def apply_raw(session, kind: str, agreement: Agreement, value: int | None) -> None:
    """A write made without the services (a repair, another tool): only the database's triggers see it."""
    row = Agreement.id == agreement.id
    if kind == "sql end":
        # Not before the start: a later write through the services ("notes") would refuse the agreement's own dates.
        end_on = max(FIRST_DAY + timedelta(days=value or 0), agreement.start_on or FIRST_DAY)
        new_end = {"end_on": end_on, "end_precision": Precision.DAY}
        session.execute(update(Agreement).where(row).values(**new_end))
    elif kind == "sql title":
        session.execute(update(Agreement).where(row).values(title=f"{agreement.title} again"))
    elif kind == "sql decision":
        term = AgreementTerm.agreement_id == agreement.id
        session.execute(update(AgreementTerm).where(term).values(decision_on=AgreementTerm.end_on))
        if value:
            first = session.scalar(select(AgreementTerm.end_on).where(term).order_by(AgreementTerm.number).limit(1))
            if first is not None:
                shifted = min(first, first + timedelta(days=value))
                session.execute(
                    update(AgreementTerm).where(term, AgreementTerm.number == 1).values(decision_on=shifted)
                )
    elif kind == "sql no terms":
        session.execute(delete(AgreementTerm).where(AgreementTerm.agreement_id == agreement.id))
    else:
        session.execute(update(Agreement).where(row).values(updated_at=datetime.now(UTC)))


def apply(session, step: tuple) -> None:
    """Run one write and commit it."""
    statement = select(Agreement).execution_options(include_archived=True).order_by(Agreement.id)
    agreements = list(session.scalars(statement))
    kind = step[0]
    if kind == "create":
        create_agreement(session, agreement_data(step[1], f"Agreement {len(agreements) % 3}"))
    elif agreements:
        agreement = agreements[step[1] % len(agreements)]
        if kind == "update" and not agreement.is_archived:
            update_agreement(session, agreement, agreement_data(step[2], agreement.title, agreement.notes))
        elif kind == "notes" and not agreement.is_archived:
            current = agreement_data(DATES_OF_NONE, agreement.title)
            update_agreement(session, agreement, same_dates(agreement, current, f"{agreement.notes} more"))
        elif kind == "archive" and not agreement.is_archived:
            archive_agreement(session, agreement)
        elif kind == "restore" and agreement.is_archived:
            restore_agreement(session, agreement)
        elif kind.startswith("sql"):
            apply_raw(session, kind, agreement, step[2] if len(step) > 2 else None)
    session.commit()


DATES_OF_NONE = {
    "status": AgreementStatus.IN_FORCE,
    "renewal_intent": RenewalIntent.NOT_RECORDED,
    "signed": None,
    "start": None,
    "length": None,
    "duration_months": None,
    "auto_renewal": False,
    "notice_period": None,
}


def same_dates(agreement: Agreement, data: AgreementData, notes: str) -> AgreementData:
    """`data` with the agreement's own status and dates, and other notes: a write that changes no date."""
    return AgreementData(
        title=agreement.title,
        instrument_type=data.instrument_type,
        status=agreement.status,
        renewal_intent=agreement.renewal_intent,
        signed=agreement.signed,
        start=agreement.start,
        end=agreement.end,
        duration_months=agreement.duration_months,
        auto_renewal=agreement.auto_renewal,
        renewal_months=agreement.renewal_months,
        notice_period=agreement.notice_period,
        notice_unit=agreement.notice_unit,
        notes=notes,
    )


# Each example starts from the emptied database, with a cache of its own (a version counted again from the seed
# could otherwise meet figures kept in an earlier example).
@database_scripts(max_examples=30)
@given(script=st.lists(steps, min_size=1, max_size=14))
def test_kept_date_figures_equal_the_figures_afresh_after_any_writes(app, engine, seed_rows, script):
    reset_database(engine, seed_rows)
    cache = FiguresCache()
    with app.extensions["tracker.sessionmaker"]() as session:
        for step in [("create", DATES_OF_NONE), *script]:
            apply(session, step)
            for as_of, months in VIEWS:
                assert cache.get(session, as_of, HOME, months) == figures(session, as_of, HOME, months), step
                session.rollback()


def test_a_write_that_changes_no_date_keeps_the_dates_version(session, make_agreement):
    agreement = make_agreement(start="2020-01-01", end="2030-12-31")
    renewing = replace(same_dates(agreement, agreement_data(DATES_OF_NONE, ""), ""), auto_renewal=AutoRenewal.YES)
    update_agreement(session, agreement, replace(renewing, duration_months=12))
    session.commit()
    assert session.scalar(select(func.count()).where(AgreementTerm.agreement_id == agreement.id)) > 1
    before = dates_version(data_version(session))
    update_agreement(session, agreement, same_dates(agreement, agreement_data(DATES_OF_NONE, ""), "new notes"))
    session.commit()
    assert dates_version(data_version(session)) == before
    changed = same_dates(agreement, agreement_data(DATES_OF_NONE, ""), "new notes")
    update_agreement(session, agreement, replace(changed, end=PartialDate(date(2031, 12, 31), Precision.DAY)))
    session.commit()
    assert dates_version(data_version(session)) != before
