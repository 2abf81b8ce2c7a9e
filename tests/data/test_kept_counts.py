"""The counts kept by the database's triggers (the dashboard's, migration 0036, and the list's facets, 0039) equal a
recount after any writes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import delete, select, update

from tests.conftest import TEST_PASSWORD_HASH, reset_database
from tests.property_support import database_scripts
from tracker.models import (
    Agreement,
    AgreementParty,
    AgreementStatus,
    EvidenceLevel,
    ImplementationStatus,
    InstrumentType,
    KeptCount,
    Party,
    PartyKind,
    PartyRole,
    RenewalIntent,
    Sector,
    User,
    UserRole,
)
from tracker.queries.agreements import AgreementFilters
from tracker.queries.dashboard import KeptFigures, kept_figures, sector_and_country_counts, status_counts
from tracker.queries.facets import facet_counts
from tracker.records.agreement import AgreementData
from tracker.records.party import PartyData
from tracker.services.agreements import archive_agreement, create_agreement, restore_agreement, update_agreement
from tracker.services.parties import update_party

HOME = "ID"
COUNTRIES = [HOME, "KR", "JP", None]
PARTIES = 4
SECTORS = 3
OFFICERS = 2

statuses = st.sampled_from(list(AgreementStatus))
implementations = st.sampled_from(list(ImplementationStatus))
links = st.lists(st.tuples(st.integers(0, PARTIES - 1), st.sampled_from(list(PartyRole))), max_size=4, unique=True)
sectors = st.lists(st.integers(0, SECTORS - 1), max_size=3, unique=True)
officers = st.one_of(st.none(), st.integers(0, OFFICERS - 1))
agreement_changes = st.fixed_dictionaries(
    {
        "status": statuses,
        "implementation": implementations,
        "parties": links,
        "sectors": sectors,
        "instrument": st.sampled_from(list(InstrumentType)),
        "renewal": st.sampled_from(list(RenewalIntent)),
        "owner": officers,
    }
)
steps = st.one_of(
    st.tuples(st.just("create"), agreement_changes),
    st.tuples(st.just("update"), st.integers(0, 9), agreement_changes),
    st.tuples(st.just("archive"), st.integers(0, 9)),
    st.tuples(st.just("restore"), st.integers(0, 9)),
    st.tuples(st.just("country"), st.integers(0, PARTIES - 1), st.sampled_from(COUNTRIES)),
    # The evidence level is derived from citations (services/evidence.py): written as that service writes it.
    st.tuples(st.just("evidence"), st.integers(0, 9), st.sampled_from(list(EvidenceLevel))),
    st.tuples(st.just("officer"), st.integers(0, 9), officers),
    # Records are archived, not deleted, but raw SQL (the tests' reset, a repair) may delete them.
    st.tuples(st.just("delete"), st.integers(0, 9)),
)


def recount(session) -> KeptFigures:
    """The figures counted afresh from every agreement and link (the queries the kept counts replace)."""
    by_sector, by_country, implementation = sector_and_country_counts(session, HOME)
    return KeptFigures(status_counts(session), by_sector, by_country, implementation)


def agreement_data(changes: dict, rows: dict[str, list], title: str) -> AgreementData:
    """An agreement's fields as the services take them."""
    parties, sector_rows, users = rows["parties"], rows["sectors"], rows["users"]
    return AgreementData(
        title=title,
        instrument_type=changes["instrument"],
        renewal_intent=changes["renewal"],
        owner_id=None if changes["owner"] is None else users[changes["owner"]].id,
        status=changes["status"],
        implementation=changes["implementation"],
        parties=[(parties[index].id, role) for index, role in changes["parties"]],
        sector_ids=[sector_rows[index].id for index in changes["sectors"]],
    )


def apply(session, step: tuple, rows: dict[str, list]) -> None:
    """Run one write through the services (or as SQL where the app writes it so) and commit it."""
    agreements = list(
        session.scalars(select(Agreement).execution_options(include_archived=True).order_by(Agreement.id))
    )
    kind = step[0]
    if kind == "create":
        create_agreement(session, agreement_data(step[1], rows, f"Agreement {len(agreements)}"))
    elif kind == "country":
        party = rows["parties"][step[1]]
        update_party(session, party, PartyData(name=party.name, kind=party.kind, country_code=step[2]))
    elif agreements:
        agreement = agreements[step[1] % len(agreements)]
        if kind == "update" and not agreement.is_archived:
            update_agreement(session, agreement, agreement_data(step[2], rows, agreement.title))
        elif kind == "archive" and not agreement.is_archived:
            archive_agreement(session, agreement)
        elif kind == "restore" and agreement.is_archived:
            restore_agreement(session, agreement)
        elif kind == "evidence":
            session.execute(update(Agreement).where(Agreement.id == agreement.id).values(evidence=step[2]))
        elif kind == "officer":
            owner = None if step[2] is None else rows["users"][step[2]].id
            session.execute(update(Agreement).where(Agreement.id == agreement.id).values(owner_id=owner))
        elif kind == "delete":
            session.execute(delete(Agreement.__table__).where(Agreement.__table__.c.id == agreement.id))
            # The ORM did not see the delete: forget the object, or SQLite's next agreement, given the same id
            # (it reuses the largest rowid), would meet it in the identity map.
            session.expunge(agreement)
    session.commit()


# Each example starts from the emptied database: the function-scoped app only serves the sessions.
@database_scripts(max_examples=25)
@given(script=st.lists(steps, min_size=1, max_size=12))
def test_kept_counts_equal_a_recount_after_any_writes(app, engine, seed_rows, script):
    reset_database(engine, seed_rows)
    with app.extensions["tracker.sessionmaker"]() as session:
        parties = [
            Party(name=f"Party {index}", kind=PartyKind.COMPANY, country_code=COUNTRIES[index])
            for index in range(PARTIES)
        ]
        session.add_all(parties)
        session.commit()
        users = [
            User(email=f"officer{index}@kemenperin.example", role=UserRole.EDITOR, password_hash=TEST_PASSWORD_HASH)
            for index in range(OFFICERS)
        ]
        session.add_all(users)
        session.commit()
        sector_rows = list(session.scalars(select(Sector).order_by(Sector.id).limit(SECTORS)))
        rows = {"parties": parties, "sectors": sector_rows, "users": users}
        for step in script:
            apply(session, step, rows)
            assert kept_figures(session, HOME) == recount(session), step
            # The whole list's facets read the kept counts; a filter every agreement passes counts them afresh.
            every_status = AgreementFilters(statuses=list(AgreementStatus))
            assert facet_counts(session, AgreementFilters()) == facet_counts(session, every_status), step


def test_the_same_party_twice_or_two_parties_of_a_country_count_an_agreement_once(session, make_agreement, get_sector):
    korea = Party(name="Korea", kind=PartyKind.STATE, country_code="KR")
    aitec = Party(name="AITEC", kind=PartyKind.COMPANY, country_code="KR")
    session.add_all([korea, aitec])
    session.commit()
    agreement = make_agreement(
        parties=[(korea, PartyRole.SIGNATORY), (korea, PartyRole.WITNESS), (aitec, PartyRole.SIGNATORY)],
        implementation=ImplementationStatus.IMPLEMENTED,
        sectors=[get_sector("technology")],
    )
    assert kept_figures(session, HOME).by_country == [("KR", 1)]
    session.execute(delete(AgreementParty).where(AgreementParty.party_id == korea.id))
    session.commit()
    assert kept_figures(session, HOME) == recount(session)
    session.execute(update(AgreementParty).where(AgreementParty.agreement_id == agreement.id).values(party_id=korea.id))
    session.commit()
    assert kept_figures(session, HOME) == recount(session)
    # Both partners move to Japan in one statement: PostgreSQL's triggers see the rows done before theirs only.
    session.add(AgreementParty(agreement_id=agreement.id, party_id=aitec.id, role=PartyRole.WITNESS))
    session.commit()
    session.execute(update(Party).where(Party.id.in_([korea.id, aitec.id])).values(country_code="JP"))
    session.commit()
    assert kept_figures(session, HOME).by_country == [("JP", 1)]
    assert kept_figures(session, HOME) == recount(session)


def test_a_deleted_agreement_leaves_no_count(session, engine, make_agreement, make_party, get_sector):
    # Records are archived, not deleted, but raw SQL (the tests' reset, a repair) may delete them.
    korea = make_party(country_code="KR")
    agreement = make_agreement(parties=[(korea, PartyRole.SIGNATORY)], sectors=[get_sector("technology")])
    with engine.begin() as connection:
        connection.execute(delete(Agreement.__table__).where(Agreement.__table__.c.id == agreement.id))
    # The dates version (0038) only ever moves on.
    assert set(session.scalars(select(KeptCount.total).where(KeptCount.kind != "version"))) <= {0}
    assert kept_figures(session, HOME) == recount(session)
