"""A party page's figures and page ids, kept under the database's parties version (migration 0043) and the tree of
units, equal those computed afresh after any writes: through the services, and with raw SQL to links, agreements,
sources and parties. A write that cannot change them keeps them (nothing is recomputed), each write that can moves
the version, and an import moves it by batch as the triggers would row by row. Both engines."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from tests.conftest import reset_database
from tests.data.test_import_indexing import imported, shared_sources_file
from tests.data.test_search_index import party_data_of
from tests.property_support import database_scripts
from tracker import importing
from tracker.dates import Precision
from tracker.errors import TrackerError
from tracker.importing import kept
from tracker.importing.apply import BATCH
from tracker.models import (
    Agreement,
    AgreementParty,
    AgreementSource,
    AgreementStatus,
    ImplementationStatus,
    InstrumentType,
    Party,
    PartyKind,
    PartyRole,
    RenewalIntent,
    Source,
)
from tracker.queries import parties as party_queries
from tracker.queries.dashboard import data_version, parties_version
from tracker.queries.parties import PartyFiguresCache, page_ids, party_figures, party_overview, party_tree_ids
from tracker.records.agreement import AgreementData, from_json, input_json
from tracker.records.party import PartyData
from tracker.records.source import SourceData
from tracker.services.agreements import archive_agreement, create_agreement, restore_agreement, update_agreement
from tracker.services.parties import archive_party, create_party, restore_party, update_party
from tracker.services.sources import (
    archive_source,
    create_source,
    link_source,
    restore_source,
    unlink_source,
    update_link_note,
)

FIRST_DAY = date(2015, 1, 1)
PER_PAGE = 2
# (WALK_FROM, WALK, LISTED) of tracker/queries/parties.py: as deployed, and small enough that the walk over the
# newest sources serves every party, falls back to grouping them when too few of the walked are the party's, and the
# partners and sources listed are fewer than there are.
SCALES = [(party_queries.WALK_FROM, party_queries.WALK, party_queries.LISTED), (1, 3, 2)]

index = st.integers(0, 11)
days = st.integers(0, 3000)
statuses = st.sampled_from(list(ImplementationStatus))
roles = st.sampled_from([PartyRole.SIGNATORY, PartyRole.IMPLEMENTING_AGENCY])
steps = st.one_of(
    st.tuples(st.just("create"), index, index, statuses),
    st.tuples(st.just("link"), index, index, roles),
    st.tuples(st.just("unlink"), index),
    st.tuples(st.just("implementation"), index, statuses),
    st.tuples(st.just("notes"), index),
    st.tuples(st.just("archive"), index),
    st.tuples(st.just("restore"), index),
    st.tuples(st.just("link source"), index, index),
    st.tuples(st.just("unlink source"), index),
    st.tuples(st.just("link note"), index),
    st.tuples(st.just("new source"), st.one_of(st.none(), days)),
    st.tuples(st.just("archive source"), index),
    st.tuples(st.just("restore source"), index),
    st.tuples(st.just("unit"), index),
    st.tuples(st.just("rename party"), index),
    st.tuples(st.just("party notes"), index),
    st.tuples(st.just("archive party"), index),
    st.tuples(st.just("restore party"), index),
    st.tuples(st.just("sql link"), index, index),
    st.tuples(st.just("sql unlink"), index),
    st.tuples(st.just("sql move link"), index, index),
    st.tuples(st.just("sql implementation"), index, statuses),
    st.tuples(st.just("sql archive"), index),
    st.tuples(st.just("sql delete"), index),
    st.tuples(st.just("sql source link"), index, index),
    st.tuples(st.just("sql source unlink"), index),
    st.tuples(st.just("sql published"), index, st.one_of(st.none(), days)),
    st.tuples(st.just("sql delete source"), index),
    st.tuples(st.just("sql unit"), index),
    st.tuples(st.just("sql move unit"), index, index),
    st.tuples(st.just("sql title"), index),
    st.tuples(st.just("sql start"), index, days),
    st.tuples(st.just("sql touch"), index),
)


def day(offset: int | None) -> date | None:
    """The day `offset` days from FIRST_DAY."""
    return None if offset is None else FIRST_DAY + timedelta(days=offset)


def every(session: Any, model: type) -> list[Any]:
    """Every row of `model`, archived ones too, by id."""
    return list(session.scalars(select(model).execution_options(include_archived=True).order_by(model.id)))


def pick(rows: list[Any], number: int) -> Any:
    """The row `number` points at (modulo their count), or None when there are none."""
    return rows[number % len(rows)] if rows else None


def world(session: Any) -> dict[str, Party]:
    """A ministry with a unit, Japan with an agency, a Korean company; three agreements, three sources."""
    ministry = Party(name="Ministry of Industry", kind=PartyKind.MINISTRY, country_code="ID")
    unit = Party(name="Directorate of Metals", kind=PartyKind.MINISTRY, country_code="ID", parent=ministry)
    japan = Party(name="Government of Japan", kind=PartyKind.STATE, country_code="JP")
    agency = Party(name="Japan Cooperation Agency", kind=PartyKind.COMPANY, country_code="JP", parent=japan)
    korea = Party(name="AITEC Co., Ltd", kind=PartyKind.COMPANY, country_code="KR")
    pairs = [(ministry, japan), (unit, agency), (ministry, korea)]
    agreements = []
    for number, (ours, theirs) in enumerate(pairs):
        agreement = Agreement(
            title=f"Agreement {number}",
            instrument_type=InstrumentType.MOU,
            status=AgreementStatus.IN_FORCE,
            renewal_intent=RenewalIntent.NOT_RECORDED,
        )
        agreement.party_links = [AgreementParty(party=party, role=PartyRole.SIGNATORY) for party in (ours, theirs)]
        agreements.append(agreement)
    session.add_all(agreements)
    for number, (published, linked) in enumerate([(date(2020, 1, 1), [0]), (None, [1]), (date(2021, 6, 1), [0, 2])]):
        source = Source(title=f"Source {number}", url=None, published_on=published)
        source.agreement_links = [AgreementSource(agreement=agreements[each]) for each in linked]
        session.add(source)
    session.commit()
    return {"ministry": ministry, "unit": unit, "japan": japan, "korea": korea}


def agreement_data(agreement: Agreement, **changed: Any) -> AgreementData:
    """The agreement's own fields, as the services take them, with `changed`."""
    return replace(from_json(input_json(agreement)), **changed)


def apply_service(session: Any, step: tuple, agreements: list, parties: list, sources: list) -> None:
    """A write through the services (refused ones are rolled back by the caller)."""
    kind = step[0]
    if kind == "new source":
        create_source(session, SourceData(title=f"Source {len(sources)}", published_on=day(step[1])))
        return
    agreement = pick(agreements, step[1])
    if kind == "create":
        ours, theirs = pick(parties, step[1]), pick(parties, step[2])
        wanted = list(dict.fromkeys([(ours.id, PartyRole.SIGNATORY), (theirs.id, PartyRole.SIGNATORY)]))
        data = AgreementData(
            title=f"Created {len(agreements)}",
            instrument_type=InstrumentType.MOU,
            status=AgreementStatus.IN_FORCE,
            implementation=step[3],
            parties=wanted,
        )
        create_agreement(session, data)
    elif kind == "link":
        links = [(link.party_id, link.role) for link in agreement.party_links]
        added = (pick(parties, step[2]).id, step[3])
        update_agreement(session, agreement, agreement_data(agreement, parties=[*links, added]))
    elif kind == "unlink":
        links = [(link.party_id, link.role) for link in agreement.party_links]
        update_agreement(session, agreement, agreement_data(agreement, parties=links[1:]))
    elif kind == "implementation":
        update_agreement(session, agreement, agreement_data(agreement, implementation=step[2]))
    elif kind == "notes":
        update_agreement(session, agreement, agreement_data(agreement, notes=f"{agreement.notes} more"))
    elif kind == "archive":
        archive_agreement(session, agreement)
    elif kind == "restore":
        restore_agreement(session, agreement)
    elif kind == "link source":
        link_source(session, agreement, pick(sources, step[2]))
    elif kind in ("unlink source", "link note") and agreement.source_links:
        link = agreement.source_links[0]
        if kind == "unlink source":
            unlink_source(session, link)
        else:
            update_link_note(session, link, f"{link.note} more")
    else:
        apply_party_service(session, kind, pick(parties, step[1]), pick(sources, step[1]))


def apply_party_service(session: Any, kind: str, party: Party, source: Source) -> None:
    """A write on a party or a source through the services."""
    if kind == "archive source":
        archive_source(session, source)
    elif kind == "restore source":
        restore_source(session, source)
    elif kind == "unit":
        create_party(session, PartyData(name=f"Unit of {party.name}", kind=PartyKind.OTHER, parent_id=party.id))
    elif kind == "rename party":
        update_party(session, party, party_data_of(party, name=f"{party.name} again"))
    elif kind == "party notes":
        update_party(session, party, party_data_of(party, notes=f"{party.notes} more"))
    elif kind == "archive party":
        archive_party(session, party)
    elif kind == "restore party":
        restore_party(session, party)


def apply_raw(session: Any, step: tuple, agreements: list, parties: list, sources: list) -> None:
    """A write made without the services (a repair, another tool): only the database's triggers see it."""
    kind, agreement = step[0], pick(agreements, step[1])
    row = Agreement.id == agreement.id
    other = step[2] if len(step) > 2 else 0
    party_link = select(AgreementParty.id).where(AgreementParty.agreement_id == agreement.id).limit(1)
    source_link = select(AgreementSource.source_id).where(AgreementSource.agreement_id == agreement.id).limit(1)
    if kind == "sql link":
        values = {"agreement_id": agreement.id, "party_id": pick(parties, other).id, "role": PartyRole.OTHER}
        session.execute(insert(AgreementParty).values(**values))
    elif kind == "sql unlink":
        session.execute(delete(AgreementParty).where(AgreementParty.id == party_link.scalar_subquery()))
    elif kind == "sql move link":
        moved = update(AgreementParty).where(AgreementParty.id == party_link.scalar_subquery())
        session.execute(moved.values(party_id=pick(parties, other).id))
    elif kind == "sql implementation":
        session.execute(update(Agreement).where(row).values(implementation=other))
    elif kind == "sql archive":
        archived = None if agreement.is_archived else datetime.now(UTC)
        session.execute(update(Agreement).where(row).values(archived_at=archived))
    elif kind == "sql delete":
        session.connection().execute(delete(Agreement).where(row))  # past the ORM, which refuses
    elif kind == "sql source link":
        values = {"agreement_id": agreement.id, "source_id": pick(sources, other).id, "note": ""}
        session.execute(insert(AgreementSource).values(**values))
    elif kind == "sql source unlink":
        linked = AgreementSource.source_id == source_link.scalar_subquery()
        session.execute(delete(AgreementSource).where(AgreementSource.agreement_id == agreement.id, linked))
    elif kind == "sql published":
        source = pick(sources, step[1])
        session.execute(update(Source).where(Source.id == source.id).values(published_on=day(step[2])))
    elif kind == "sql delete source":  # refused while linked
        session.connection().execute(delete(Source).where(Source.id == pick(sources, step[1]).id))
    elif kind == "sql title":
        session.execute(update(Agreement).where(row).values(title=f"{agreement.title} again"))
    elif kind == "sql start":
        start = {"start_on": day(other), "start_precision": Precision.DAY, "end_on": None, "end_precision": None}
        session.execute(update(Agreement).where(row).values(**start))
    elif kind == "sql touch":
        session.execute(update(Agreement).where(row).values(updated_at=datetime.now(UTC)))
    else:
        apply_raw_party(session, kind, pick(parties, step[1]), pick(parties, other), parties)


def apply_raw_party(session: Any, kind: str, party: Party, other: Party, parties: list[Party]) -> None:
    """A unit written or moved with raw SQL; no move makes a cycle (the tree's query would not end)."""
    if kind == "sql unit":
        values = {"name": f"Raw unit of {party.name}", "kind": PartyKind.OTHER, "parent_id": party.id, "notes": ""}
        session.execute(insert(Party).values(**values))
    elif kind == "sql move unit":
        has_units = any(each.parent_id == party.id for each in parties)
        if not has_units and other.parent_id is None and other.id != party.id:
            session.execute(update(Party).where(Party.id == party.id).values(parent_id=other.id))


def apply(session: Any, step: tuple) -> None:
    """Run one write and commit it; a write the services refuse, or the database, leaves nothing."""
    agreements, parties, sources = (every(session, model) for model in (Agreement, Party, Source))
    if "source" in step[0] and step[0] != "new source" and not sources:
        return
    try:
        if step[0].startswith("sql"):
            if agreements:
                apply_raw(session, step, agreements, parties, sources)
        elif agreements or step[0] == "create":
            apply_service(session, step, agreements, parties, sources)
        session.commit()
    except (TrackerError, IntegrityError):
        session.rollback()


def check_kept(session: Any, cache: PartyFiguresCache, views: list[tuple[int, bool]], step: tuple) -> None:
    """Each view's kept figures and first two pages' ids are those computed afresh."""
    for party_id, include_archived in views:
        tree = party_tree_ids(session, party_id, include_archived)
        kept_figures = cache.get(session, party_id, include_archived, tree)
        afresh = party_figures(session, tree, include_archived)
        assert kept_figures == afresh, (step, party_id, include_archived)
        version = data_version(session)
        for page in (1, 2):
            kept_ids = cache.page(session, party_id, include_archived, tree, kept_figures, page, PER_PAGE, version)
            assert kept_ids == page_ids(session, tree, afresh, include_archived, page, PER_PAGE), (step, party_id, page)
        session.rollback()


# Each example starts from the emptied database, with a cache of its own (a version counted again from the seed
# could otherwise meet figures kept in an earlier example).
@database_scripts(max_examples=30)
@given(script=st.lists(steps, min_size=1, max_size=14), scale=st.sampled_from(SCALES))
def test_kept_party_figures_equal_the_figures_afresh_after_any_writes(app, engine, seed_rows, script, scale):
    reset_database(engine, seed_rows)
    cache = PartyFiguresCache()
    walk_from, walk, listed = scale
    sizes = mock.patch.multiple(party_queries, WALK_FROM=walk_from, WALK=walk, LISTED=listed)
    with app.extensions["tracker.sessionmaker"]() as session, sizes:
        parties = world(session)
        views = [(parties[name].id, False) for name in ("ministry", "unit", "japan")] + [(parties["korea"].id, True)]
        check_kept(session, cache, views, ("world",))
        for step in script:
            apply(session, step)
            check_kept(session, cache, views, step)


# --- what keeps the figures and what moves the version ---------------------------------------------------------


@pytest.fixture
def ministry_world(session):
    """`world`, with the ministry's figures and first page kept in a cache of their own."""
    parties = world(session)
    cache = PartyFiguresCache()
    ministry = parties["ministry"].id
    first = party_overview(session, ministry, cache=cache)
    session.rollback()
    return parties, cache, first


def parties_version_now(session: Any) -> tuple:
    """The parties version as a page reads it."""
    version = parties_version(data_version(session))
    session.rollback()
    return version


def first_agreement(session: Any) -> Agreement:
    """The first agreement, live."""
    return session.scalars(select(Agreement).order_by(Agreement.id)).first()


# Writes no party page's figures read: an agreement's notes (through the services), `updated_at`, title and dates,
# a source link's note, a party's notes, a source's title.
KEEPING: dict[str, Callable[[Any], None]] = {
    "notes": lambda session: update_agreement(
        session, first_agreement(session), agreement_data(first_agreement(session), notes="Read again in 2026")
    ),
    "updated_at": lambda session: session.execute(update(Agreement).values(updated_at=datetime.now(UTC))),
    "title": lambda session: session.execute(update(Agreement).values(title="Renamed")),
    "start": lambda session: session.execute(
        update(Agreement).values(start_on=date(2019, 1, 1), start_precision=Precision.DAY)
    ),
    "link note": lambda session: session.execute(update(AgreementSource).values(note="Confirms the signing")),
    "party notes": lambda session: session.execute(update(Party).values(notes="Seen at the signing")),
    "source title": lambda session: session.execute(update(Source).values(title="Retitled")),
    "link role": lambda session: session.execute(update(AgreementParty).values(role=PartyRole.WITNESS)),
}


# The writes among them that move the dates version (migration 0038): the order of a page's agreements.
DATES = {"title", "start"}


@pytest.mark.parametrize("write", KEEPING)
def test_a_write_that_cannot_change_the_figures_keeps_them(session, ministry_world, monkeypatch, write):
    parties, cache, first = ministry_world
    before = parties_version_now(session)
    KEEPING[write](session)
    session.commit()
    assert parties_version_now(session) == before

    def recomputed(*_args: Any) -> None:
        raise AssertionError("the figures were computed again")

    monkeypatch.setattr(party_queries, "party_figures", recomputed)
    if write not in DATES:  # the page's ids are kept under the dates version too
        monkeypatch.setattr(party_queries, "page_ids", recomputed)
    again = party_overview(session, parties["ministry"].id, cache=cache)
    assert (again.agreements.total, again.implemented) == (first.agreements.total, first.implemented)
    assert [partner.party.id for partner in again.partners] == [partner.party.id for partner in first.partners]
    assert [source.source.id for source in again.sources] == [source.source.id for source in first.sources]


def new_unit(session: Any, parent: Party) -> None:
    """A unit under `parent`, through the services."""
    create_party(session, PartyData(name="Directorate of Chemicals", kind=PartyKind.MINISTRY, parent_id=parent.id))


def first_party_link(session: Any) -> Any:
    """The first party link's row condition."""
    return AgreementParty.id == select(AgreementParty.id).order_by(AgreementParty.id).limit(1).scalar_subquery()


def source(number: int) -> Any:
    """The id of `world`'s source `number`, as a subquery."""
    return select(Source.id).where(Source.title == f"Source {number}").scalar_subquery()


# Each write to what the figures read, with raw SQL: the triggers see them whoever writes.
MOVING: dict[str, Callable[[Any, dict[str, Party]], None]] = {
    "agreement insert": lambda session, _parties: session.execute(
        insert(Agreement).values(
            title="New",
            instrument_type=InstrumentType.MOU,
            status=AgreementStatus.IN_FORCE,
            renewal_intent=RenewalIntent.NOT_RECORDED,
        )
    ),
    "agreement delete": lambda session, _parties: session.connection().execute(
        delete(Agreement).where(Agreement.id == first_agreement(session).id)
    ),
    "agreement archived": lambda session, _parties: session.execute(
        update(Agreement).where(Agreement.id == first_agreement(session).id).values(archived_at=datetime.now(UTC))
    ),
    "implementation": lambda session, _parties: session.execute(
        update(Agreement).values(implementation=ImplementationStatus.IMPLEMENTED)
    ),
    "party link insert": lambda session, parties: session.execute(
        insert(AgreementParty).values(
            agreement_id=first_agreement(session).id, party_id=parties["korea"].id, role=PartyRole.FUNDER
        )
    ),
    "party link delete": lambda session, _parties: session.execute(
        delete(AgreementParty).where(first_party_link(session))
    ),
    "party link moved": lambda session, parties: session.execute(
        update(AgreementParty).where(first_party_link(session)).values(party_id=parties["unit"].id)
    ),
    "source link insert": lambda session, _parties: session.execute(
        insert(AgreementSource).values(
            agreement_id=first_agreement(session).id,
            source_id=source(1),
            note="",
        )
    ),
    "source link delete": lambda session, _parties: session.execute(
        delete(AgreementSource).where(AgreementSource.agreement_id == first_agreement(session).id)
    ),
    "source link moved": lambda session, _parties: session.execute(
        update(AgreementSource)
        .where(AgreementSource.agreement_id == first_agreement(session).id, AgreementSource.source_id == source(0))
        .values(source_id=source(1))
    ),
    "source insert": lambda session, _parties: session.execute(insert(Source).values(title="Unlinked", url=None)),
    "source published": lambda session, _parties: session.execute(update(Source).values(published_on=date(2024, 1, 1))),
    "source archived": lambda session, _parties: session.execute(update(Source).values(archived_at=datetime.now(UTC))),
    "party name": lambda session, parties: session.execute(
        update(Party).where(Party.id == parties["korea"].id).values(name="KOTRA")
    ),
    "party parent": lambda session, parties: session.execute(
        update(Party).where(Party.id == parties["korea"].id).values(parent_id=parties["japan"].id)
    ),
    "party archived": lambda session, parties: session.execute(
        update(Party).where(Party.id == parties["korea"].id).values(archived_at=datetime.now(UTC))
    ),
}


@pytest.mark.parametrize("write", MOVING)
def test_each_write_to_what_the_figures_read_moves_the_version(session, ministry_world, write):
    parties, _cache, _first = ministry_world
    before = parties_version_now(session)
    MOVING[write](session, parties)
    session.commit()
    assert parties_version_now(session) != before


def test_a_source_deleted_moves_the_version(session, ministry_world):
    """Only a source no agreement names can be deleted (and only with raw SQL: the app archives)."""
    source_id = session.execute(insert(Source).values(title="Unlinked", url=None).returning(Source.id)).scalar()
    session.commit()
    before = parties_version_now(session)
    session.connection().execute(delete(Source).where(Source.id == source_id))
    session.commit()
    assert parties_version_now(session) != before


def test_a_unit_added_under_the_party_keeps_the_version_until_it_takes_part(session, ministry_world):
    parties, cache, first = ministry_world
    ministry = parties["ministry"].id
    before = parties_version_now(session)
    new_unit(session, parties["ministry"])
    session.commit()
    assert parties_version_now(session) == before  # a new party has no links yet: the figures stay the same
    unit = session.scalar(select(Party.id).where(Party.name == "Directorate of Chemicals"))
    tree = party_tree_ids(session, ministry)
    assert unit in tree and cache.get(session, ministry, False, tree) == party_figures(session, tree, False)
    joined = {"agreement_id": first_agreement(session).id, "party_id": unit, "role": PartyRole.WITNESS}
    session.execute(insert(AgreementParty).values(**joined))
    session.commit()
    assert parties_version_now(session) != before
    assert cache.get(session, ministry, False, tree) == party_figures(session, tree, False)
    assert party_overview(session, ministry, cache=cache).agreements.total == first.agreements.total


# --- an import --------------------------------------------------------------------------------------------------


def parties_total(session: Any) -> int:
    """The parties version's count."""
    return session.execute(text("SELECT total FROM kept_count WHERE kind = 'version' AND key = 'parties'")).scalar()


def written_total(session: Any) -> int:
    """Every party and source link, and every source."""
    return session.execute(
        text(
            "SELECT (SELECT count(*) FROM agreement_party) + (SELECT count(*) FROM agreement_source) "
            "+ (SELECT count(*) FROM source)"
        )
    ).scalar()


def test_inside_an_import_the_insert_triggers_stand_aside_and_after_it_they_count(session, make_party):
    party = make_party()
    connection = session.connection()
    before = parties_total(session)
    values = {
        "title": "Counted by the caller",
        "instrument_type": InstrumentType.MOU,
        "status": AgreementStatus.IN_FORCE,
        "renewal_intent": RenewalIntent.NOT_RECORDED,
    }
    with kept.insert_triggers_off(connection) as off:
        assert off
        agreement_id = session.execute(insert(Agreement).values(**values).returning(Agreement.id)).scalar()
        link = {"agreement_id": agreement_id, "party_id": party.id, "role": PartyRole.SIGNATORY}
        session.execute(insert(AgreementParty).values(**link))
        session.execute(insert(Source).values(title="Counted by the caller", url=None))
        assert parties_total(session) == before
        kept.move_versions(connection, agreement_id, agreement_id, 1, 0)
        kept.count_sources(connection, 1)
        assert parties_total(session) == before + 3
    second = session.execute(
        insert(Agreement).values(**{**values, "title": "Counted by the triggers"}).returning(Agreement.id)
    ).scalar()
    session.execute(insert(AgreementParty).values(**{**link, "agreement_id": second}))
    session.execute(insert(Source).values(title="Counted by the triggers", url=None))
    assert parties_total(session) == before + 6


def test_an_import_moves_the_version_by_its_agreements_and_links_as_the_triggers_do(session, monkeypatch):
    before = parties_total(session)
    _plan, result = imported(session, shared_sources_file(BATCH + 40))
    assert result is not None and result.agreements == BATCH + 40
    batched = parties_total(session)
    # Each agreement, link and source once; the import's updates of new parties (a unit's parent) once more each.
    assert batched >= before + BATCH + 40 + written_total(session)
    session.rollback()
    monkeypatch.setattr(importing.kept, "insert_triggers_off", lambda _connection: nullcontext(False))
    imported(session, shared_sources_file(BATCH + 40))
    assert parties_total(session) == batched
