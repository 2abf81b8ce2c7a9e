"""The search glossary's history: every entry added, edited and deleted is recorded with who and the phrases."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from tracker.errors import DuplicateError
from tracker.models import Change, ChangeAction, GlossaryEntry, UserRole
from tracker.queries.history import ActivityFilters, activity, record_history
from tracker.services.glossary import create_entry, delete_entry, update_entry


def history(session, entry_id: int) -> list[Change]:
    """The entry's changes as committed, newest first."""
    session.commit()
    return list(record_history(session, "glossary_entry", entry_id))


@pytest.fixture
def admin(session, make_user):
    """An admin whose writes the session records, as a signed-in request's would be."""
    user = make_user(UserRole.ADMIN)
    session.info["actor_id"] = user.id
    return user


def seeded(session, first: str) -> GlossaryEntry:
    """The entry the migration seeded whose first phrase is `first`."""
    return next(entry for entry in session.scalars(select(GlossaryEntry)) if entry.phrases.startswith(first + "\n"))


def test_adding_an_entry_records_its_phrases_and_who(session, admin):
    entry = create_entry(session, ["semikonduktor", "semiconductor"])
    (created,) = history(session, entry.id)
    assert (created.action, created.user_id, created.summary) == (ChangeAction.CREATE, admin.id, "Created")
    assert created.changes == {"phrases": [None, ["semikonduktor", "semiconductor"]]}
    assert created.version is None  # glossary entries carry no version


def test_editing_an_entry_records_the_phrases_before_and_after(session, admin):
    entry = seeded(session, "nikel")
    update_entry(session, entry, ["nikel", "nickel", "ferronickel"])
    edited = history(session, entry.id)[0]
    assert (edited.action, edited.user_id, edited.summary) == (ChangeAction.UPDATE, admin.id, "Edited phrases")
    assert edited.changes == {"phrases": [["nikel", "nickel"], ["nikel", "nickel", "ferronickel"]]}


def test_saving_the_same_phrases_records_nothing(session, admin):
    entry = seeded(session, "nikel")
    update_entry(session, entry, ["nikel", "  nickel "])
    assert history(session, entry.id) == []


def test_deleting_an_entry_records_its_phrases_who_and_when(session, admin):
    entry = seeded(session, "nikel")
    entry_id = entry.id
    delete_entry(session, entry)
    (deleted,) = history(session, entry_id)
    assert session.get(GlossaryEntry, entry_id) is None  # really deleted: the history is what is left
    assert (deleted.action, deleted.user_id, deleted.summary) == (ChangeAction.UPDATE, admin.id, "Deleted")
    assert deleted.changes["phrases"] == [["nikel", "nickel"], None]
    before, when = deleted.changes["deleted_at"]
    assert before is None and abs((datetime.fromisoformat(when) - deleted.occurred_at).total_seconds()) < 60


def test_a_deletion_keeps_the_phrases_of_an_entry_not_loaded(session, admin):
    entry = seeded(session, "nikel")
    session.commit()
    session.expire(entry, ["phrases"])  # the key still loaded: the delete itself would load nothing
    delete_entry(session, entry)
    assert history(session, entry.id)[0].changes["phrases"] == [["nikel", "nickel"], None]


def test_an_edit_then_a_deletion_in_one_transaction_are_two_steps(session, admin):
    entry = seeded(session, "nikel")
    update_entry(session, entry, ["nikel", "nickel", "ferronickel"])
    delete_entry(session, entry)
    deleted, edited = history(session, entry.id)
    assert edited.changes == {"phrases": [["nikel", "nickel"], ["nikel", "nickel", "ferronickel"]]}
    assert deleted.summary == "Deleted"
    assert deleted.changes["phrases"] == [["nikel", "nickel", "ferronickel"], None]


def test_a_refused_write_records_nothing(session, admin):
    entry = seeded(session, "nikel")
    with pytest.raises(DuplicateError):
        update_entry(session, entry, ["nikel", "battery"])
    session.rollback()
    assert history(session, entry.id) == []


def test_a_rolled_back_deletion_records_nothing(session, admin):
    entry = seeded(session, "nikel")
    delete_entry(session, entry)
    session.rollback()
    assert history(session, entry.id) == []
    assert session.get(GlossaryEntry, entry.id) is not None


def test_the_activity_feed_lists_glossary_entries_as_a_record_type(session, admin):
    entry = create_entry(session, ["semikonduktor", "semiconductor"])
    session.commit()
    page = activity(session, ActivityFilters(record_type="glossary_entry"))
    assert [(change.record_type, change.record_id) for change in page.items] == [("glossary_entry", entry.id)]


def test_an_entry_is_named_on_one_line():
    assert GlossaryEntry(phrases="baterai\nbattery").label == "baterai | battery"
    long = GlossaryEntry.label_of([f"phrase number {number}" for number in range(10)])
    assert len(long) <= GlossaryEntry.LABEL_MAX and long.endswith("phrase…")
