"""A party page's agreements, read in index order for a party on most agreements or sorted for a small one (issue
19), come in the same rows and order either way: latest start (or signing) first, unknown ones last, then by title
and id; archived agreements left out."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import insert, select

from tracker.dates import Precision
from tracker.models import Agreement, AgreementParty, AgreementStatus, InstrumentType, PartyRole
from tracker.queries.parties import (
    AGREEMENT,
    ids_in_index_order,
    party_figures,
    party_overview,
    party_tree_ids,
    sorted_ids,
    walks_in_order,
)

MANY = 400
PER_PAGE = 25


def day(n: int) -> date | None:
    """Few distinct days, so many agreements share one and are ordered by title and id; some unknown."""
    return None if n % 7 == 0 else date(2000 + n % 5, 1 + n % 3, 1)


@pytest.fixture
def parties(session, make_party) -> dict[str, int]:
    """A ministry with a unit on four in five agreements, a small party on one in twenty, archived ones among them;
    started, only signed or undated agreements sharing days and titles (in either case)."""
    ministry = make_party(name="Ministry of Industry")
    unit = make_party(name="Directorate of Access", parent=ministry)
    small = make_party(name="Small partner", country_code="KR")
    other = make_party(name="Someone else", country_code="JP")
    rows = [
        {
            "title": f"{'MoU' if n % 2 else 'mou'} {n % 11}",
            "instrument_type": InstrumentType.MOU,
            "status": AgreementStatus.IN_FORCE,
            "start_on": day(n) if n % 3 else None,
            "start_precision": Precision.DAY if n % 3 and day(n) else None,
            "signed_on": None if n % 3 else day(n + 1),
            "signed_precision": None if n % 3 or not day(n + 1) else Precision.DAY,
            "archived_at": datetime(2026, 1, 1, tzinfo=UTC) if n % 13 == 0 else None,
        }
        for n in range(MANY)
    ]
    ids = session.scalars(insert(Agreement).returning(Agreement.id, sort_by_parameter_order=True), rows).all()
    links = []
    for n, key in enumerate(ids):
        tree_member = ministry if n % 2 else unit
        links.append({"agreement_id": key, "party_id": (other if n % 5 == 0 else tree_member).id})
        if n % 20 == 1:
            links.append({"agreement_id": key, "party_id": small.id})
        if n % 10 == 3:  # the unit beside its ministry: the agreement is listed once
            links.append({"agreement_id": key, "party_id": unit.id, "role": PartyRole.WITNESS})
    session.execute(insert(AgreementParty), [{"role": PartyRole.SIGNATORY} | link for link in links])
    session.commit()
    return {"ministry": ministry.id, "small": small.id}


@pytest.mark.parametrize("name", ["ministry", "small"])
def test_the_walk_in_index_order_lists_what_the_sort_lists(session, parties, name):
    tree = party_tree_ids(session, parties[name])
    walked = session.scalars(ids_in_index_order(tree)).all()
    sorted_ = session.scalars(sorted_ids(tree, include_archived=False)).all()
    assert walked == sorted_ and len(set(walked)) == len(walked)
    archived = set(session.scalars(select(AGREEMENT.c.id).where(AGREEMENT.c.archived_at.is_not(None))))
    assert archived and not archived & set(walked)


def test_every_page_of_either_path_follows_the_order(session, parties):
    tree = party_tree_ids(session, parties["ministry"])
    figures = party_figures(session, tree, include_archived=False)
    # The ministry's first pages are walked in index order, its last sorted; the small party's sorted.
    assert walks_in_order(figures, PER_PAGE) and not walks_in_order(figures, figures.total)
    small = party_figures(session, party_tree_ids(session, parties["small"]), include_archived=False)
    assert not walks_in_order(small, PER_PAGE)
    for name in parties:
        tree = party_tree_ids(session, parties[name])
        expected = session.scalars(sorted_ids(tree, include_archived=False)).all()
        first = party_overview(session, parties[name])
        paged = [
            entry.agreement.id
            for page in range(1, first.agreements.pages + 1)
            for entry in party_overview(session, parties[name], page=page).agreements.items
        ]
        assert paged == expected and first.agreements.total == len(expected)
        started = [entry.agreement for entry in first.agreements.items]
        began = [agreement.start_on or agreement.signed_on for agreement in started]
        assert began == sorted(began, key=lambda when: (when is None, when and -when.toordinal()))
