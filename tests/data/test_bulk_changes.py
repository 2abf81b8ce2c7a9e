"""Bulk changes of agreements: one transaction, one history entry per agreement changed, bounded statements, all or
nothing, and a refusal when a selected agreement changed since it was listed."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from tracker.errors import NotFoundError, ValidationError
from tracker.models import Agreement, AgreementStatus, Change, ChangeAction, InstrumentType, RenewalIntent
from tracker.services.bulk_changes import (
    BulkAction,
    StaleSelectionError,
    apply_change,
    bulk_change,
    matching_versions,
)
from tracker.services.sectors import archive_sector

TITLES = ("Nota Kesepahaman Kerja Sama Industri “Baja” %d", "MoU on Électric Vehicles — phase %d", "Perjanjian %d")


def many(session, count: int, **fields) -> list[Agreement]:
    """`count` in-force agreements with bilingual titles, committed at once."""
    agreements = [
        Agreement(
            title=TITLES[number % 3] % number,
            instrument_type=InstrumentType.MOU,
            status=fields.get("status", AgreementStatus.IN_FORCE),
            renewal_intent=RenewalIntent.NOT_RECORDED,
        )
        for number in range(count)
    ]
    session.add_all(agreements)
    session.commit()
    return agreements


def seen(agreements: list[Agreement]) -> dict[int, int | None]:
    """The selection as a page shows it: each id with its version."""
    return {agreement.id: agreement.version for agreement in agreements}


def row_updates(statements: list[str]) -> list[str]:
    """The statements that update one agreement's row."""
    return [statement for statement in statements if statement.startswith("UPDATE agreement SET")]


def others(statements: list[str]) -> list[str]:
    """Every statement but the agreements' row updates."""
    return [statement for statement in statements if not statement.startswith("UPDATE agreement SET")]


def changes_of(session, ids: list[int]) -> list[Change]:
    """The committed history entries of these agreements since they were made."""
    statement = select(Change).where(
        Change.record_type == "agreement", Change.record_id.in_(ids), Change.action != ChangeAction.CREATE
    )
    return list(session.scalars(statement.order_by(Change.id)))


def test_a_status_change_of_200_agreements_is_one_transaction_with_one_entry_each(session, count_statements):
    agreements = many(session, 200)
    ids = [agreement.id for agreement in agreements]
    change = bulk_change(session, "set_status", "expired")
    with count_statements() as statements:
        outcome = apply_change(session, change, seen(agreements))
        session.commit()
    assert outcome.changed == ids and outcome.unchanged == []
    entries = changes_of(session, ids)
    assert len(entries) == 200
    assert {entry.record_id for entry in entries} == set(ids)
    assert all(entry.action is ChangeAction.UPDATE for entry in entries)
    assert all(entry.changes == {"status": ["in_force", "expired"]} for entry in entries)
    assert entries[0].summary.startswith("Changed in a bulk action on 200 agreements")
    assert session.scalar(select(func.count()).where(Agreement.status == AgreementStatus.EXPIRED)) == 200
    # Beside each agreement's own versioned UPDATE (the ORM's optimistic lock, which the history's listeners
    # watch), a fixed few: the load, the history's one INSERT, the transaction.
    assert len(row_updates(statements)) == 200
    assert len(statements) - 200 < 8, others(statements)  # its speed is the benchmark's to say, not a timed test


def test_the_statements_do_not_grow_with_the_selection(session, count_statements, make_sector):
    sector = make_sector("Baja dan Logam", slug="baja")
    counts = []
    for size in (20, 400):
        agreements = many(session, size)
        with count_statements() as statements:
            apply_change(session, bulk_change(session, "add_sector", "baja"), seen(agreements))
            session.commit()
        assert len(row_updates(statements)) == size
        counts.append(len(others(statements)))
    assert counts[1] <= counts[0] + 2, counts  # a SELECT of ids and one of sectors more for the second chunk
    assert session.scalar(select(func.count()).select_from(Agreement).where(Agreement.sectors.contains(sector))) == 420


def test_agreements_already_so_are_left_untouched(session):
    expired = many(session, 3, status=AgreementStatus.EXPIRED)
    live = many(session, 2)
    versions = {agreement.id: agreement.version for agreement in expired}
    outcome = apply_change(session, bulk_change(session, "set_status", "expired"), seen(expired + live))
    session.commit()
    assert outcome.unchanged == [agreement.id for agreement in expired]
    assert outcome.changed == [agreement.id for agreement in live]
    assert changes_of(session, list(versions)) == []
    assert all(agreement.version == versions[agreement.id] for agreement in expired)


def test_a_selected_agreement_changed_since_the_list_refuses_the_whole_change(session):
    agreements = many(session, 5)
    selection = seen(agreements)
    session.execute(update(Agreement).where(Agreement.id == agreements[2].id).values(version=Agreement.version + 1))
    session.commit()
    session.expire_all()
    with pytest.raises(StaleSelectionError) as refused:
        apply_change(session, bulk_change(session, "set_renewal", "intended"), selection)
    session.rollback()
    assert refused.value.stale == {agreements[2].id: selection[agreements[2].id] + 1}
    assert "Perjanjian 2" in refused.value.message
    assert changes_of(session, list(selection)) == []
    # Taken as they are now (all matching, or confirmed again), the change goes through.
    outcome = apply_change(session, bulk_change(session, "set_renewal", "intended"), matching_versions(selection))
    session.commit()
    assert len(outcome.changed) == 5


def test_an_archived_or_missing_agreement_refuses_the_whole_change(session):
    agreements = many(session, 3)
    selection = {**seen(agreements), 999_999: 1}
    with pytest.raises(NotFoundError):
        apply_change(session, bulk_change(session, "archive", None), selection)
    session.rollback()
    assert session.scalar(select(func.count()).where(Agreement.archived_at.is_not(None))) == 0


def test_archiving_in_bulk_records_each_archive_by_the_actor(session, make_user):
    user = make_user()
    agreements = many(session, 4)
    session.info["actor_id"] = user.id
    apply_change(session, bulk_change(session, "archive", None), seen(agreements))
    session.commit()
    archived = session.scalars(select(Agreement).execution_options(include_archived=True)).all()
    assert {agreement.archived_by_id for agreement in archived} == {user.id}
    assert {entry.action for entry in changes_of(session, [a.id for a in agreements])} == {ChangeAction.ARCHIVE}


def test_assigning_and_clearing_the_officer(session, make_user):
    officer = make_user(email="siti.rahma@kemenperin.example")
    agreements = many(session, 3)
    apply_change(session, bulk_change(session, "assign_owner", str(officer.id)), seen(agreements))
    session.commit()
    assert {agreement.owner_id for agreement in agreements} == {officer.id}
    assert changes_of(session, [agreements[0].id])[0].changes == {"owner": [None, "siti.rahma@kemenperin.example"]}
    apply_change(session, bulk_change(session, "assign_owner", None), matching_versions(a.id for a in agreements))
    session.commit()
    assert {agreement.owner_id for agreement in agreements} == {None}


def test_removing_a_sector_keeps_the_others(session, make_sector):
    steel, textiles = make_sector("Baja", slug="baja"), make_sector("Tekstil", slug="tekstil")
    agreements = many(session, 3)
    for agreement in agreements[:2]:
        agreement.sectors = [steel, textiles]
    session.commit()
    outcome = apply_change(session, bulk_change(session, "remove_sector", steel.id), seen(agreements))
    session.commit()
    assert outcome.changed == [agreements[0].id, agreements[1].id] and outcome.unchanged == [agreements[2].id]
    assert [sector.slug for sector in agreements[0].sectors] == ["tekstil"]


@pytest.mark.parametrize(
    ("action", "value", "field"),
    [
        ("set_status", "finished", "value"),
        ("set_status", None, "value"),
        ("set_renewal", "Expired", "value"),
        ("assign_owner", 987654, "value"),
        ("assign_owner", "siapa", "value"),
        ("assign_owner", True, "value"),
        ("add_sector", "no-such-sector", "value"),
        ("add_sector", 2**40, "value"),
        ("remove_sector", "", "value"),
        ("delete_everything", None, "action"),
    ],
)
def test_bad_actions_and_values_are_refused_naming_the_field(session, action, value, field):
    with pytest.raises(ValidationError) as refused:
        bulk_change(session, action, value)
    assert refused.value.field == field


def test_an_archived_sector_cannot_be_added(session, make_sector):
    sector = make_sector("Otomotif", slug="otomotif")
    archive_sector(session, sector)
    session.commit()
    with pytest.raises(ValidationError):
        bulk_change(session, BulkAction.ADD_SECTOR.value, "otomotif")
