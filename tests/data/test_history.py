"""The history records every change by itself: create, edit, parties, sectors, aliases, parent, relations,
source links and their notes, archive and restore; who made it; merged per save; dropped on rollback."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select, update

from tracker.dates import PartialDate
from tracker.db import session_factory
from tracker.history import note_summary
from tracker.models import (
    Agreement,
    AgreementStatus,
    Change,
    ChangeAction,
    InstrumentType,
    Party,
    PartyAlias,
    PartyKind,
    PartyRole,
    RelationKind,
    UserRole,
    utcnow,
)
from tracker.queries.history import ActivityFilters, activity, changes_since, record_history
from tracker.records.agreement import AgreementData
from tracker.services.agreements import add_relation, create_agreement, remove_relation, update_agreement
from tracker.services.sources import link_source, unlink_source, update_link_note


def history(session, record_type: str, record_id: int) -> list[Change]:
    """The record's changes as committed, newest first."""
    session.commit()
    return list(record_history(session, record_type, record_id))


def newest(session, record_type: str, record_id: int) -> Change:
    """The record's latest change."""
    return history(session, record_type, record_id)[0]


def data_of(agreement: Agreement, **changes) -> AgreementData:
    """What the edit form would send for the agreement unchanged, with `changes` applied."""
    data = AgreementData(
        title=agreement.title,
        instrument_type=agreement.instrument_type,
        status=agreement.status,
        renewal_intent=agreement.renewal_intent,
        title_local=agreement.title_local,
        summary=agreement.summary,
        notes=agreement.notes,
        signed=agreement.signed,
        start=agreement.start,
        end=agreement.end,
        sector_ids=[sector.id for sector in agreement.sectors],
        parties=[(link.party_id, link.role) for link in agreement.party_links],
    )
    return dataclasses.replace(data, **changes)


# --- records --------------------------------------------------------------------------------------


def test_creating_an_agreement_records_every_initial_value(session, make_party, get_sector):
    ministry = make_party(name="Ministry of Industry")
    data = AgreementData(
        title="MoU on moulds",
        instrument_type=InstrumentType.MOU,
        status=AgreementStatus.SIGNED,
        signed=PartialDate.parse("2006-03"),
        start=PartialDate.parse("2006"),
        sector_ids=[get_sector("technology").id],
        parties=[(ministry.id, PartyRole.SIGNATORY)],
    )
    agreement = create_agreement(session, data)
    [change] = history(session, "agreement", agreement.id)
    assert (change.action, change.version, change.user_id, change.summary) == (ChangeAction.CREATE, 1, None, "Created")
    assert change.changes == {
        "title": [None, "MoU on moulds"],
        "instrument_type": [None, "mou"],
        "status": [None, "signed"],
        "renewal_intent": [None, "not_recorded"],
        "signed": [None, "2006-03"],
        "start": [None, "2006"],
        "auto_renewal": [None, "no"],
        "notice_unit": [None, "months"],
        "notice_by": [None, "not_recorded"],
        "ratification": [None, "not_recorded"],
        "implementation": [None, "not_recorded"],
        "parties": [None, ["Ministry of Industry (signatory)"]],
        "sectors": [None, [get_sector("technology").name]],
    }


def test_an_edit_records_only_the_changed_fields_once_with_the_new_version(session, make_party, make_agreement):
    agreement = make_agreement(title="MoU", start="2006", end="2018", parties=[(make_party(), PartyRole.SIGNATORY)])
    update_agreement(session, agreement, data_of(agreement, title="MoU on moulds", end=PartialDate.parse("2018-06")))
    changes = history(session, "agreement", agreement.id)
    assert [change.action for change in changes] == [ChangeAction.UPDATE, ChangeAction.CREATE]
    assert changes[0].changes == {"title": ["MoU", "MoU on moulds"], "end": ["2018", "2018-06"]}
    assert changes[0].summary == "Edited title, end"
    assert changes[0].version == agreement.version > 1


def test_a_partial_date_known_more_precisely_is_a_change(session, make_agreement):
    agreement = make_agreement(start="2006")
    # "2006" and "2006-01" share the stored day; only the precision differs.
    update_agreement(session, agreement, data_of(agreement, start=PartialDate.parse("2006-01")))
    assert newest(session, "agreement", agreement.id).changes == {"start": ["2006", "2006-01"]}


def test_parties_and_sectors_are_recorded_as_lists_of_names(session, make_party, make_agreement, get_sector):
    ministry, aitec = make_party(name="Ministry of Industry"), make_party(name="AITEC", country_code="KR")
    technology, vehicles = get_sector("technology"), get_sector("electric-vehicles")
    agreement = make_agreement(parties=[(ministry, PartyRole.SIGNATORY)], sectors=[technology])
    parties = [(ministry.id, PartyRole.SIGNATORY), (aitec.id, PartyRole.FUNDER)]
    update_agreement(session, agreement, data_of(agreement, parties=parties, sector_ids=[vehicles.id]))
    change = newest(session, "agreement", agreement.id)
    assert change.changes == {
        "parties": [["Ministry of Industry (signatory)"], ["AITEC (funder)", "Ministry of Industry (signatory)"]],
        "sectors": [[technology.name], [vehicles.name]],
    }
    assert change.summary == "Edited parties, sectors"


def test_a_new_party_records_its_parent_and_aliases_by_name(session, make_party):
    ministry = make_party(name="Ministry of Industry")
    unit = make_party(name="Directorate General", parent=ministry, aliases=["Ditjen"], country_code=None)
    [change] = history(session, "party", unit.id)
    assert change.changes == {
        "name": [None, "Directorate General"],
        "kind": [None, "ministry"],
        "parent": [None, "Ministry of Industry"],
        "aliases": [None, ["Ditjen"]],
    }


def test_a_new_parent_and_changed_aliases_are_recorded(session, make_party):
    ministry = make_party(name="Ministry of Industry")
    government = make_party(name="Government of Indonesia", kind=PartyKind.STATE)
    unit = make_party(name="Directorate General", parent=ministry, aliases=["Ditjen"])
    unit.parent = government
    unit.aliases = [*unit.aliases, PartyAlias(alias="KPAII")]
    session.flush()
    assert newest(session, "party", unit.id).changes == {
        "parent": ["Ministry of Industry", "Government of Indonesia"],
        "aliases": [["Ditjen"], ["Ditjen", "KPAII"]],
    }
    unit.parent = None
    unit.aliases = []
    assert newest(session, "party", unit.id).changes == {
        "parent": ["Government of Indonesia", None],
        "aliases": [["Ditjen", "KPAII"], []],
    }


def test_a_source_records_dates_and_enums_as_plain_values(session, make_source):
    source = make_source(title="Kerja sama", published_on=date(2017, 10, 4), author="")
    change = newest(session, "source", source.id)
    assert change.changes["published_on"] == [None, "2017-10-04"]
    assert change.changes["kind"] == [None, "news_article"]
    assert "url_normalized" not in change.changes and "author" not in change.changes


def test_sectors_have_a_history_without_versions(session, make_sector):
    sector = make_sector(name="Textiles")
    sector.description = "Yarn and cloth."
    change = newest(session, "sector", sector.id)
    assert (change.action, change.version, change.changes) == (
        ChangeAction.UPDATE,
        None,
        {"description": ["", "Yarn and cloth."]},
    )


@pytest.mark.parametrize("record", ["agreement", "party", "source", "sector"])
def test_archive_and_restore_are_recorded(
    session, make_user, make_agreement, make_party, make_source, make_sector, record
):
    admin = make_user(UserRole.ADMIN)
    factories = {"agreement": make_agreement, "party": make_party, "source": make_source, "sector": make_sector}
    target = factories[record]()
    target.archived_at, target.archived_by_id = datetime(2024, 5, 6, 7, 8, tzinfo=UTC), admin.id
    archived = newest(session, record, target.id)
    assert (archived.action, archived.summary) == (ChangeAction.ARCHIVE, "Archived")
    assert archived.changes == {"archived_at": [None, "2024-05-06T07:08:00+00:00"]}
    assert archived.version == getattr(target, "version", None)
    target.archived_at, target.archived_by_id = None, None
    restored = newest(session, record, target.id)
    assert (restored.action, restored.summary) == (ChangeAction.RESTORE, "Restored")
    assert restored.changes == {"archived_at": ["2024-05-06T07:08:00+00:00", None]}


# --- links and relations --------------------------------------------------------------------------


def test_linking_a_source_is_recorded_on_both_sides_with_the_note(session, make_agreement, make_source):
    agreement, source = make_agreement(title="MoU on moulds"), make_source(title="Tirto report")
    link = link_source(session, agreement, source, "Reports the signing")
    on_agreement, on_source = newest(session, "agreement", agreement.id), newest(session, "source", source.id)
    assert (on_agreement.action, on_agreement.summary) == (ChangeAction.LINK, "Linked source “Tirto report”")
    assert on_agreement.changes == {"source": [None, "Tirto report"], "note": [None, "Reports the signing"]}
    assert on_agreement.version == agreement.version
    assert (on_source.action, on_source.summary) == (ChangeAction.LINK, "Linked to agreement “MoU on moulds”")
    assert on_source.changes == {"agreement": [None, "MoU on moulds"], "note": [None, "Reports the signing"]}

    update_link_note(session, link, "Reports the signing and the term")
    edited = newest(session, "agreement", agreement.id)
    assert (edited.action, edited.summary) == (ChangeAction.UPDATE, "Edited the note on source “Tirto report”")
    assert edited.changes == {"source note": ["Reports the signing", "Reports the signing and the term"]}

    unlink_source(session, link)
    unlinked = newest(session, "agreement", agreement.id)
    assert (unlinked.action, unlinked.summary) == (ChangeAction.UNLINK, "Unlinked source “Tirto report”")
    assert unlinked.changes == {"source": ["Tirto report", None], "note": ["Reports the signing and the term", None]}
    assert newest(session, "source", source.id).changes["agreement"] == ["MoU on moulds", None]


def test_a_link_removed_from_the_collection_is_an_unlink(session, make_agreement, make_source):
    agreement = make_agreement(title="MoU on moulds")
    source = make_source(title="Tirto report", agreements=[(agreement, "")])
    assert newest(session, "source", source.id).action is ChangeAction.LINK
    agreement.source_links = []  # delete-orphan removes the row
    assert newest(session, "agreement", agreement.id).changes == {"source": ["Tirto report", None]}
    assert newest(session, "source", source.id).changes == {"agreement": ["MoU on moulds", None]}


def test_relations_are_recorded_on_both_agreements(session, make_agreement):
    first, second = make_agreement(title="MoU 2006"), make_agreement(title="MoU 2018")
    relation = add_relation(session, second, first.id, RelationKind.RENEWS, note="Second term")
    on_second, on_first = newest(session, "agreement", second.id), newest(session, "agreement", first.id)
    assert on_second.changes == {"relation": [None, "renews: MoU 2006"], "note": [None, "Second term"]}
    assert on_second.summary == "Relation added: renews: MoU 2006"
    assert on_first.changes == {"relation": [None, "renewed by: MoU 2018"], "note": [None, "Second term"]}
    remove_relation(session, second, relation.id)
    assert newest(session, "agreement", second.id).action is ChangeAction.UNLINK
    assert newest(session, "agreement", first.id).changes["relation"] == ["renewed by: MoU 2018", None]


def test_names_of_archived_records_still_resolve(session, make_agreement, make_source):
    agreement, source = make_agreement(title="MoU on moulds"), make_source(title="Tirto report")
    source.archived_at = utcnow()
    session.commit()
    session.expire_all()  # nothing loaded: the names must be looked up, archived or not
    link_source(session, session.get(Agreement, agreement.id), source)
    assert newest(session, "agreement", agreement.id).changes == {"source": [None, "Tirto report"]}


# --- who, transactions, statements ----------------------------------------------------------------


def test_the_sessions_actor_is_recorded(session, make_user, make_agreement):
    editor = make_user(UserRole.EDITOR)
    agreement = make_agreement()
    session.info["actor_id"] = editor.id
    agreement.notes = "Checked"
    change = newest(session, "agreement", agreement.id)
    assert change.user_id == editor.id and change.user.email == editor.email


def test_several_flushes_of_one_save_are_one_change(session, make_agreement):
    agreement = make_agreement(title="A")
    agreement.title = "B"
    session.flush()
    agreement.title, agreement.notes = "A", "Checked"
    session.flush()
    [change, _created] = history(session, "agreement", agreement.id)
    assert change.changes == {"notes": ["", "Checked"]}  # A → B → A is no change
    assert change.version == agreement.version == 3


def test_a_record_created_and_edited_in_one_transaction_is_one_creation(session):
    party = Party(name="Kemenperin", kind=PartyKind.MINISTRY, country_code="ID")
    session.add(party)
    session.flush()
    party.name, party.notes = "Ministry of Industry", "Also known as Kemenperin"
    [change] = history(session, "party", party.id)
    assert change.action is ChangeAction.CREATE
    assert change.changes == {
        "name": [None, "Ministry of Industry"],
        "kind": [None, "ministry"],
        "country_code": [None, "ID"],
        "notes": [None, "Also known as Kemenperin"],
    }


def test_every_session_factory_made_in_one_process_records_history(app, engine):
    """Sessions of each new factory record history, also of a factory allocated where a freed one had lived.

    SQLAlchemy's event registry keys listeners by the id() of their target. When the history listeners were set
    per factory, guarded by "does this factory have them already?", a new factory at a freed factory's address
    (whose sessions, and so their class, were still alive) was taken to have them: every write of that app went
    unrecorded. The suite creates an app per test, and history vanished from whole tests at random.
    """
    still_open = []  # sessions kept alive, as a leaked request or a kept traceback keeps one
    for number in range(50):
        factory = session_factory(engine)
        session = factory()
        session.add(Party(name=f"Party {number}", kind=PartyKind.COMPANY, country_code="KR"))
        session.commit()
        recorded = select(func.count()).select_from(Change).where(Change.record_type == "party")
        assert session.scalar(recorded) == number + 1, f"the sessions of factory {number} recorded nothing"
        session.close()
        still_open.append(session)
        del factory  # freed at once (no cycle): the next factory may take its address


def test_a_rollback_records_nothing(session, make_agreement):
    agreement = make_agreement(title="A")
    agreement.title = "Discarded"
    session.flush()
    session.rollback()
    agreement.notes = "Kept"
    assert newest(session, "agreement", agreement.id).changes == {"notes": ["", "Kept"]}


def test_a_parent_set_after_a_rollback_still_knows_the_old_one(session, make_party):
    ministry, government = make_party(name="Ministry of Industry"), make_party(name="Government of Indonesia")
    unit = make_party(name="Directorate General", parent=ministry)
    session.rollback()  # everything loaded is expired
    unit.parent = government
    assert newest(session, "party", unit.id).changes == {"parent": ["Ministry of Industry", "Government of Indonesia"]}


def test_a_rolled_back_savepoint_drops_only_its_own_changes(session, make_agreement):
    agreement = make_agreement(title="A")
    agreement.summary = "Before the savepoint"
    session.flush()
    savepoint = session.begin_nested()
    agreement.title = "Discarded"
    session.flush()
    savepoint.rollback()
    agreement.notes = "After the savepoint"
    assert newest(session, "agreement", agreement.id).changes == {
        "summary": ["", "Before the savepoint"],
        "notes": ["", "After the savepoint"],
    }


def test_a_noted_summary_names_its_save_and_goes_with_its_transaction_or_savepoint(session, make_agreement):
    agreement = make_agreement(title="MoU on moulds")
    agreement.notes = "Checked"
    note_summary(session, agreement, "Not renewed")
    assert [(change.action, change.summary) for change in history(session, "agreement", agreement.id)] == [
        (ChangeAction.UPDATE, "Not renewed"),
        (ChangeAction.CREATE, "Created"),
    ]
    agreement.notes = "Rolled back"
    note_summary(session, agreement, "Not renewed")
    session.rollback()
    savepoint = session.begin_nested()
    note_summary(session, agreement, "Terminated on 2024")
    savepoint.rollback()
    agreement.notes = "Checked again"
    assert newest(session, "agreement", agreement.id).summary == "Edited notes"


def test_one_insert_per_commit_whatever_changed(session, make_agreement, make_source, count_statements):
    agreements = [make_agreement(title=f"MoU {number}") for number in range(5)]
    source = make_source()
    with count_statements() as statements:
        for agreement in agreements:
            agreement.notes = "Checked"
            link_source(session, agreement, source)
        session.commit()
    assert len([sql for sql in statements if sql.startswith("INSERT INTO change")]) == 1
    assert len(history(session, "source", source.id)) == 6


# --- queries --------------------------------------------------------------------------------------


def test_changes_since_a_version_are_the_later_ones_oldest_first(session, make_agreement):
    agreement = make_agreement(title="A")
    for title in ("B", "C"):
        agreement.title = title
        session.commit()
    later = changes_since(session, "agreement", agreement.id, 1)
    assert [(change.version, change.changes["title"]) for change in later] == [(2, ["A", "B"]), (3, ["B", "C"])]
    assert changes_since(session, "agreement", agreement.id, 3) == []


def set_time(session, record_type: str, record_id: int, when: datetime) -> None:
    """Pretend the record's changes happened at `when`."""
    statement = update(Change).where(Change.record_type == record_type, Change.record_id == record_id)
    session.execute(statement.values(occurred_at=when))
    session.commit()


def test_the_feed_filters_by_user_record_type_and_days(session, make_user, make_agreement, make_party):
    editor = make_user(UserRole.EDITOR)
    session.info["actor_id"] = editor.id
    early = make_agreement(title="Early")
    session.info["actor_id"] = None
    late, party = make_agreement(title="Late"), make_party()
    # 18:00 UTC is already the next day in Jakarta (UTC+7).
    set_time(session, "agreement", early.id, datetime(2024, 1, 1, 18, 0, tzinfo=UTC))
    set_time(session, "agreement", late.id, datetime(2024, 1, 2, 18, 0, tzinfo=UTC))
    set_time(session, "party", party.id, datetime(2024, 1, 2, 12, 0, tzinfo=UTC))

    def ids(**filters) -> list[tuple[str, int]]:
        return [
            (change.record_type, change.record_id) for change in activity(session, ActivityFilters(**filters)).items
        ]

    assert ids(user_id=editor.id) == [("agreement", early.id)]
    assert ids(record_type="party") == [("party", party.id)]
    jakarta_day = {"date_from": date(2024, 1, 2), "date_to": date(2024, 1, 2), "timezone": "Asia/Jakarta"}
    assert ids(**jakarta_day) == [("party", party.id), ("agreement", early.id)]
    assert ids(date_from=date(2024, 1, 2), date_to=date(2024, 1, 2)) == [("agreement", late.id), ("party", party.id)]
    assert ids() == [("agreement", late.id), ("party", party.id), ("agreement", early.id)]


def test_the_feed_is_paginated_newest_first(session, make_agreement):
    agreements = [make_agreement(title=f"MoU {number}") for number in range(5)]
    page = activity(session, ActivityFilters(), page=2, per_page=2)
    assert (page.total, page.pages) == (5, 3)
    assert [change.record_id for change in page.items] == [agreements[2].id, agreements[1].id]
    assert activity(session, ActivityFilters(), page=9, per_page=2).page == 3
