"""Saved queries (issue 18) at the service and query layer: who may see and change one, their counts and the cache
that keeps them by data version, and the digest's sections."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tracker.digest import build_digests
from tracker.errors import DuplicateError, ForbiddenError, NotFoundError, ValidationError
from tracker.http.saved_queries import CountsCache
from tracker.models import AgreementStatus, PartyKind, PartyRole, SavedQuery, UserRole
from tracker.queries.dashboard import data_version
from tracker.queries.saved_queries import DIGEST_QUERIES, DIGEST_ROWS, visible_saved_queries
from tracker.services.saved_queries import (
    SavedQueryData,
    create_saved_query,
    delete_saved_query,
    kept_query,
    update_saved_query,
)

AS_OF = date(2017, 10, 4)
SENDER = "Cooperation Tracker <tracker@kemenperin.example>"


@pytest.fixture
def people(make_user):
    """An officer who saves queries, a colleague, and an admin."""
    return (
        make_user(UserRole.VIEWER, email="officer@kemenperin.example"),
        make_user(UserRole.EDITOR, email="kolega@kemenperin.example"),
        make_user(UserRole.ADMIN, email="admin@kemenperin.example"),
    )


@pytest.fixture
def korea(session, make_party, make_agreement, get_sector):
    """Three agreements with Korean partners (two on electric vehicles), one with Japan."""
    ev = get_sector("electric-vehicles")
    kr = make_party(name="Korea Automotive Technology Institute", kind=PartyKind.COMPANY, country_code="KR")
    jp = make_party(name="Japan External Trade Organization (JETRO)", kind=PartyKind.COMPANY, country_code="JP")
    made = [
        make_agreement(
            title="Kerja sama kendaraan listrik", end="2018-03", parties=[(kr, PartyRole.SIGNATORY)], sectors=[ev]
        ),
        make_agreement(title="EV battery recycling MoU", end="2019", parties=[(kr, PartyRole.SIGNATORY)], sectors=[ev]),
        make_agreement(title="Pelatihan cetakan dan perkakas", parties=[(kr, PartyRole.FUNDER)]),
        make_agreement(
            title="Moulds and dies training", end="2018-01", parties=[(jp, PartyRole.SIGNATORY)], sectors=[ev]
        ),
    ]
    return made


def save(session, owner, name="EV with Korea", query="sector=electric-vehicles&country=KR", **flags):
    """A saved query, committed."""
    saved = create_saved_query(session, owner, SavedQueryData(name, query, **flags))
    session.commit()
    return saved


def test_the_query_kept_drops_the_page_and_blank_values_but_keeps_the_order(app):
    address = "https://tracker.example/agreements/?q=baterai&page=3&country=&sort=end&sector=electric-vehicles"
    assert kept_query(address) == "q=baterai&sort=end&sector=electric-vehicles"


def test_names_are_trimmed_and_unique_per_owner(session, people):
    officer, colleague, _admin = people
    assert save(session, officer, name="  EV   with Korea ").name == "EV with Korea"
    with pytest.raises(DuplicateError) as taken:
        save(session, officer, name="EV with Korea")
    assert taken.value.field == "name"
    session.rollback()
    assert save(session, colleague, name="EV with Korea").owner_id == colleague.id  # another owner's is theirs
    with pytest.raises(ValidationError):
        save(session, officer, name="   ")


def test_others_see_shared_queries_only_and_never_change_them(session, people):
    officer, colleague, admin = people
    personal = save(session, officer, name="Mine")
    shared = save(session, officer, name="Ours", shared=True)
    assert [saved.name for saved in visible_saved_queries(session, officer.id)] == ["Mine", "Ours"]
    assert [saved.name for saved in visible_saved_queries(session, colleague.id)] == ["Ours"]

    renamed = SavedQueryData("Renamed", "country=KR", shared=True)
    with pytest.raises(NotFoundError):
        update_saved_query(session, colleague, personal.id, renamed)
    with pytest.raises(ForbiddenError):
        update_saved_query(session, colleague, shared.id, renamed)
    with pytest.raises(ForbiddenError):
        update_saved_query(session, admin, shared.id, renamed)  # admins delete shared queries, never edit them
    with pytest.raises(ForbiddenError):
        delete_saved_query(session, colleague, shared.id)
    with pytest.raises(NotFoundError):
        delete_saved_query(session, admin, personal.id)
    session.rollback()

    update_saved_query(session, officer, shared.id, SavedQueryData("Ours, unshared", "country=KR"))
    session.commit()
    assert [saved.name for saved in visible_saved_queries(session, colleague.id)] == []


def test_an_admin_deletes_a_shared_query_of_someone_else(session, people):
    officer, _colleague, admin = people
    shared = save(session, officer, shared=True)
    delete_saved_query(session, admin, shared.id)
    session.commit()
    assert session.get(SavedQuery, shared.id) is None


def test_counts_match_the_list_and_are_kept_until_the_data_changes(
    session, people, korea, make_agreement, count_statements
):
    officer, _colleague, _admin = people
    ev_korea = save(session, officer)
    everything = save(session, officer, name="Everything", query="")
    broken = save(session, officer, name="Gone sector", query="sector=electric-vehicles")
    broken.query = "sector=no-such-sector"  # a sector renamed since the query was saved
    session.commit()
    cache = CountsCache()
    queries = [ev_korea, everything, broken]

    assert cache.counts(session, queries, data_version(session)) == {ev_korea.id: 2, everything.id: 4, broken.id: None}
    with count_statements() as statements:
        assert cache.counts(session, queries, data_version(session))[ev_korea.id] == 2
    assert len(statements) == 1, statements  # the data version only

    make_agreement(
        title="Kerja sama baterai EV",
        parties=[(korea[0].party_links[0].party, PartyRole.SIGNATORY)],
        sectors=korea[0].sectors,
    )
    assert cache.counts(session, queries, data_version(session))[ev_korea.id] == 3


def test_owner_me_counts_the_owners_agreements(session, people, make_agreement):
    officer, colleague, _admin = people
    make_agreement(title="Officer's own", owner_id=officer.id)
    make_agreement(title="Colleague's", owner_id=colleague.id)
    mine = save(session, officer, name="Mine", query="owner=me", shared=True)
    assert CountsCache().counts(session, [mine], data_version(session)) == {mine.id: 1}


def test_the_digest_has_a_section_per_followed_query(app, session, people, korea, make_agreement):
    officer, colleague, _admin = people
    app.config.update(TRACKER_BASE_URL="https://tracker.kemenperin.example")
    officer.digest_months = 6
    save(session, officer, in_digest=True)
    save(session, officer, name="Japan", query="country=JP", in_digest=True)
    save(session, officer, name="Not followed", query="country=JP")
    save(session, colleague, name="Colleague's EV", query="sector=electric-vehicles", shared=True, in_digest=False)

    run = build_digests(app, AS_OF, SENDER)

    assert [digest.email for digest in run.digests] == ["officer@kemenperin.example"]
    sections = {section.saved.name: section for section in run.digests[0].sections}
    assert sorted(sections) == ["EV with Korea", "Japan"]
    assert [row.agreement.title for row in sections["EV with Korea"].ending] == ["Kerja sama kendaraan listrik"]
    # Every agreement was recorded just now: all are new on today's digest, none on 2017's.
    assert sections["EV with Korea"].new_total == 0
    text = run.digests[0].message.get_body(("plain",)).get_content()
    assert "SAVED QUERY “EV with Korea”" in text and "Moulds and dies training" in text
    assert run.digests[0].message["Subject"] == "Your saved queries: 2 ending soon, 0 new"


def test_the_digest_counts_new_matches_and_stays_bounded(app, session, people, make_agreement):
    officer, _colleague, _admin = people
    app.config.update(TRACKER_BASE_URL="https://tracker.kemenperin.example")
    for number in range(DIGEST_ROWS + 3):
        make_agreement(title=f"Nota kesepahaman baterai {number}", status=AgreementStatus.SIGNED)
    for number in range(DIGEST_QUERIES + 2):
        save(session, officer, name=f"Baterai {number}", query="q=baterai", in_digest=True)

    run = build_digests(app, datetime.now(UTC).date(), SENDER)

    sections = run.digests[0].sections
    assert len(sections) == DIGEST_QUERIES
    assert {(section.new_total, len(section.new)) for section in sections} == {(DIGEST_ROWS + 3, DIGEST_ROWS)}


def test_a_followed_query_that_no_longer_works_says_so(app, session, people, korea):
    officer, _colleague, _admin = people
    app.config.update(TRACKER_BASE_URL="https://tracker.kemenperin.example")
    saved = save(session, officer, in_digest=True)
    saved.query = "sector=kendaraan-terbang"
    session.commit()
    run = build_digests(app, AS_OF, SENDER)
    assert "This query no longer works" in run.digests[0].message.get_body(("plain",)).get_content()
