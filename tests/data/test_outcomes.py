"""Recording what happened to an agreement through the services: renewal, termination, non-renewal (issue 15)."""

import dataclasses
from datetime import date

import pytest
from sqlalchemy import func, select

from tracker.dates import PartialDate
from tracker.errors import ConflictError, DuplicateError, StateError, ValidationError
from tracker.models import (
    Agreement,
    AgreementRelation,
    AgreementStatus,
    AutoRenewal,
    Change,
    NoticeParty,
    PartyRole,
    RelationKind,
    RenewalIntent,
)
from tracker.queries.agreements import succession_chain
from tracker.services.archive import archive
from tracker.services.outcomes import (
    Termination,
    record_non_renewal,
    record_renewal,
    record_termination,
    renewal_data,
)

TODAY = date(2026, 12, 6)


def day(text):
    """A partial date as typed."""
    return PartialDate.parse(text)


@pytest.fixture
def aitec(make_agreement, make_party, make_sector):
    """The 2006–2018 agreement, renewal intended, with two parties and a sector."""
    ministry = make_party()
    aitec = make_party("AITEC Co., Ltd", country_code="KR")
    sector = make_sector("Industry")
    return make_agreement(
        start="2006",
        end="2018",
        renewal_intent=RenewalIntent.INTENDED,
        parties=[(ministry, PartyRole.SIGNATORY), (aitec, PartyRole.IMPLEMENTING_AGENCY)],
        sectors=[sector],
        duration_months=60,
    )


def test_renewal_data_is_the_old_agreement_with_the_next_period(aitec):
    data = renewal_data(aitec, TODAY)
    assert data.title == aitec.title
    assert (data.start.iso(), data.end.iso()) == ("2019", "2023")
    assert data.parties == [(link.party_id, link.role) for link in aitec.party_links]
    assert data.sector_ids == [sector.id for sector in aitec.sectors]
    assert data.duration_months == 60 and data.status is AgreementStatus.IN_FORCE


def test_the_next_period_is_the_renewal_period_and_becomes_the_new_agreements_duration(make_agreement):
    twelve_years = make_agreement(start="2006", end="2018", duration_months=144, renewal_months=60)
    data = renewal_data(twelve_years, TODAY)
    assert (data.start.iso(), data.end.iso()) == ("2019", "2023")
    assert (data.duration_months, data.renewal_months) == (60, 60)
    rolling = make_agreement(
        title="Rolling", start="2014-01-01", duration_months=60, renewal_months=24, auto_renewal=AutoRenewal.YES
    )
    data = renewal_data(rolling, TODAY)  # the current term ends on 31 December 2026
    assert (data.start.iso(), data.end.iso(), data.duration_months) == ("2027-01-01", "2028-12-31", 24)


def test_the_next_period_keeps_the_precision_and_is_open_without_a_duration(make_agreement):
    by_day = make_agreement(start="2020-07-01", end="2025-06-30", duration_months=60)
    assert (renewal_data(by_day, TODAY).start.iso(), renewal_data(by_day, TODAY).end.iso()) == (
        "2025-07-01",
        "2030-06-30",
    )
    by_month = make_agreement(title="Other", end="2024-02")
    data = renewal_data(by_month, TODAY)
    assert (data.start.iso(), data.end) == ("2024-03", None)


def test_a_renewal_creates_the_new_agreement_relates_it_and_closes_the_old_one(session, aitec):
    version = aitec.version
    new = record_renewal(session, aitec, renewal_data(aitec, TODAY), AgreementStatus.EXPIRED, version)
    session.commit()
    session.refresh(aitec)
    assert (aitec.status, aitec.renewal_intent) == (AgreementStatus.EXPIRED, RenewalIntent.RENEWED)
    relation = session.scalars(select(AgreementRelation)).one()
    assert (relation.subject_id, relation.object_id, relation.kind) == (new.id, aitec.id, RelationKind.RENEWS)
    assert [agreement.id for agreement in succession_chain(session, new.id)] == [aitec.id, new.id]
    kinds = {(change.record_id, change.action.value) for change in session.scalars(select(Change))}
    assert {(aitec.id, "update"), (new.id, "create"), (new.id, "link")} <= kinds


def summaries(session, agreement_id):
    """The summaries of an agreement's history, oldest first."""
    statement = select(Change.summary).where(Change.record_type == "agreement", Change.record_id == agreement_id)
    return list(session.scalars(statement.order_by(Change.id)))


def test_each_operation_names_itself_in_the_history(session, aitec, make_agreement):
    new = record_renewal(session, aitec, renewal_data(aitec, TODAY), AgreementStatus.EXPIRED, aitec.version)
    session.commit()
    renewed_by = f"Renewal recorded: renewed by “{new.title}”"
    assert summaries(session, aitec.id)[1:] == [renewed_by, f"Relation added: renewed by: {new.title}"]
    assert summaries(session, new.id) == [
        f"Created as the renewal of “{aitec.title}”",
        f"Relation added: renews: {aitec.title}",
    ]
    ended = make_agreement(title="Kerja sama cetakan", start="2020-01-01", end="2025-12-31")
    record_termination(session, ended, Termination(on=day("2024-03-01"), notice_by=NoticeParty.PARTNER))
    session.commit()
    record_termination(session, new, Termination(on=day("2024")))
    session.commit()
    assert summaries(session, ended.id)[-1] == "Terminated on 2024-03-01 (notice given by: The partner)"
    assert summaries(session, new.id)[-1] == "Terminated on 2024"
    running = make_agreement(title="Running", end="2030", renewal_intent=RenewalIntent.INTENDED)
    record_non_renewal(session, running, "Partner withdrew", TODAY)
    session.commit()
    running.notes = "Checked with the partner"  # a later edit reads as an edit again
    session.commit()
    assert summaries(session, running.id)[1:] == ["Not renewed", "Edited notes"]


def test_a_refused_renewal_leaves_nothing(session, aitec):
    before = session.scalar(select(func.count()).select_from(Agreement))
    bad = dataclasses.replace(renewal_data(aitec, TODAY), title="")
    with pytest.raises(ValidationError):
        record_renewal(session, aitec, bad, AgreementStatus.SUPERSEDED, aitec.version)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Agreement)) == before
    assert session.get(Agreement, aitec.id).renewal_intent is RenewalIntent.INTENDED
    with pytest.raises(ValidationError):
        record_renewal(session, aitec, renewal_data(aitec, TODAY), AgreementStatus.IN_FORCE)


def test_a_renewal_over_an_old_version_or_twice_is_refused(session, aitec):
    with pytest.raises(ConflictError):
        record_renewal(session, aitec, renewal_data(aitec, TODAY), AgreementStatus.EXPIRED, aitec.version - 1)
    session.rollback()
    record_renewal(session, aitec, renewal_data(aitec, TODAY), AgreementStatus.EXPIRED)
    session.commit()
    with pytest.raises(DuplicateError):
        record_renewal(session, aitec, renewal_data(aitec, TODAY), AgreementStatus.EXPIRED)


def test_a_termination_ends_the_agreement_and_notes_who_and_why(session, make_agreement):
    agreement = make_agreement(start="2020-01-01", end="2025-12-31", notes="Signed in Seoul.")
    termination = Termination(on=day("2024-03-01"), notice_by=NoticeParty.PARTNER, reason="Funding ended")
    record_termination(session, agreement, termination, agreement.version)
    session.commit()
    assert agreement.status is AgreementStatus.TERMINATED
    assert agreement.end.iso() == "2024-03-01"
    assert agreement.notes == "Signed in Seoul.\nTerminated 2024-03-01 (notice given by: The partner): Funding ended"
    change = session.scalars(select(Change).where(Change.record_id == agreement.id).order_by(Change.id.desc())).first()
    assert {"status", "end", "notes"} <= set(change.changes)


def test_a_later_termination_keeps_the_recorded_end_and_one_before_the_start_is_refused(session, make_agreement):
    agreement = make_agreement(start="2020", end="2022")
    with pytest.raises(ValidationError) as error:
        record_termination(session, agreement, Termination(on=day("2019-05")))
    assert error.value.field == "on"
    record_termination(session, agreement, Termination(on=day("2024")))
    assert agreement.end.iso() == "2022" and agreement.notes == "Terminated 2024."


def test_a_non_renewal_expires_an_ended_live_agreement_only(session, make_agreement):
    ended = make_agreement(end="2018", renewal_intent=RenewalIntent.INTENDED)
    record_non_renewal(session, ended, "Partner withdrew", TODAY, ended.version)
    assert (ended.renewal_intent, ended.status) == (RenewalIntent.NONE, AgreementStatus.EXPIRED)
    assert ended.notes == "Not renewed (recorded 2026-12-06): Partner withdrew"
    running = make_agreement(title="Running", end="2030", auto_renewal=AutoRenewal.NO)
    record_non_renewal(session, running, "", TODAY)
    assert (running.status, running.notes) == (AgreementStatus.IN_FORCE, "")


def test_nothing_is_recorded_on_an_archived_agreement(session, make_agreement):
    agreement = make_agreement(end="2018")
    archive(session, agreement)
    session.commit()
    with pytest.raises(StateError):
        record_non_renewal(session, agreement, "", TODAY)
