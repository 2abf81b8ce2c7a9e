"""Every page and API list issues a bounded number of SQL statements, whatever the number of rows it shows.

Each case counts the statements of one request with 10 rows on the page and with 500 (or, where a page shows
at most 100 records, 100 records with 500 related rows: their parties, sectors and sources), and requires the
same count, at most 10. The data is written with bulk Core inserts (the search triggers index it as usual).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, insert, select

from tracker.models import (
    Agreement,
    AgreementParty,
    AgreementRelation,
    AgreementSource,
    Change,
    Citation,
    Party,
    PartyAlias,
    Sector,
    Source,
    UserRole,
    agreement_sector,
    utcnow,
)
from tracker.services import tokens

AS_OF = date(2017, 10, 4)
MOST_STATEMENTS = 10
# The party page answers four questions (its page of agreements with a count, partners, newest sources with their
# total) and reads the party's tree and archived ids once each, so that every aggregate reads narrow indexes: a few
# more statements, the same for any number of agreements (the ministry's page at 100,000: 1.8 s to 0.6 s). Its
# aggregates are kept per data version (issue 19): computing them also reads the version and loads the partners and
# sources listed by id, which a view while they are kept does without the aggregates.
# The agreement's page also reads its facts' citations with what they name (issue 17): one statement, however many.
# The dashboard also lists the user's and the shared saved queries (issue 18): one statement, their counts cached by
# data version (tests/web/test_saved_queries.py bounds them).
# The agreement list counts its facets (issue 18): one look-up of the data version and, when the counts are not
# cached, one statement for them all, whose filters read the search glossary and the party, country and sector ids
# once more (two small statements, the same for any number of rows). Its count is kept per data version likewise
# (http/agreements.ListCounts): one more look-up of the version. Without `facets=1` a query's page leaves its facets
# to their own endpoint (issue 19, tracker/web/list_page.py): the endpoint reads the form's choices, the version and
# the counts.
MOST_STATEMENTS_OF = {"party page": 16, "agreement detail": 11, "dashboard": 11, "query page with its counts": 13}
# The API's agreement list keeps its answers per data version (issue 19, tracker/http/fragments.py): it reads the
# version even when its page needs no count, one statement more than the other lists.
MOST_API_STATEMENTS_OF = {"api agreements": 11, "api agreements query": 11}
FEW, MANY = 10, 500
# The largest page the lists offer (tracker/forms/agreements.py PER_PAGE_CHOICES).
LARGEST_PAGE = 100


@dataclass
class World:
    """Bulk writer of agreements and what they link to, straight to the tables."""

    engine: Engine
    counter: int = 0
    made: dict[str, list[int]] = field(default_factory=dict)

    def insert(self, model: Any, rows: list[dict[str, Any]]) -> list[int]:
        """INSERT rows and return their ids."""
        table = getattr(model, "__table__", model)
        if not rows:
            return []
        with self.engine.begin() as connection:
            if "id" not in table.c:
                connection.execute(insert(table), rows)
                return []
            statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
            return list(connection.execute(statement, rows).scalars())

    def next(self) -> int:
        """A number not used before in this world."""
        self.counter += 1
        return self.counter

    def parties(self, count: int, country: str = "KR", parent: int | None = None) -> list[int]:
        """New parties with an alias each (units of `parent`, if given)."""
        numbers = [self.next() for _ in range(count)]
        rows = [
            {"name": f"Partner {n}", "kind": "company", "country_code": country, "notes": "", "parent_id": parent}
            for n in numbers
        ]
        ids = self.insert(Party, rows)
        self.insert(PartyAlias, [{"party_id": party_id, "alias": f"P{party_id}"} for party_id in ids])
        return ids

    def sectors(self, count: int) -> list[int]:
        """New sectors of the vocabulary."""
        numbers = [self.next() for _ in range(count)]
        return self.insert(Sector, [{"slug": f"sector-{n}", "name": f"Sector {n}", "description": ""} for n in numbers])

    def sources(self, count: int) -> list[int]:
        """New sources."""
        numbers = [self.next() for _ in range(count)]
        rows = [
            {
                "url": f"https://news.example/{n}",
                "url_normalized": f"https://news.example/{n}",
                "title": f"Cooperation report {n}",
                "outlet": f"Outlet {n % 7}",
                "language": "id",
                "published_on": date(2017, 1 + n % 12, 1),
            }
            for n in numbers
        ]
        return self.insert(Source, rows)

    def agreements(self, count: int, **columns: Any) -> list[int]:
        """New agreements in force from 2006 to an end in 2018, open to renewal."""
        numbers = [self.next() for _ in range(count)]
        rows = [
            {
                "title": f"Cooperation {n}",
                "instrument_type": "agreement",
                "status": "in_force",
                "renewal_intent": "none",
                "start_on": date(2006, 1, 1),
                "start_precision": "year",
                "end_on": date(2018, 1 + n % 12, 1),
                "end_precision": "month",
                **columns,
            }
            for n in numbers
        ]
        return self.insert(Agreement, rows)

    def link(self, agreements: list[int], parties=(), sectors=(), sources=()) -> None:
        """Link every agreement to every party, sector and source given."""
        pairs = [(a, p) for a in agreements for p in parties]
        self.insert(AgreementParty, [{"agreement_id": a, "party_id": p, "role": "signatory"} for a, p in pairs])
        self.insert(agreement_sector, [{"agreement_id": a, "sector_id": s} for a in agreements for s in sectors])
        now = utcnow()
        pairs = [(a, s) for a in agreements for s in sources]
        self.insert(
            AgreementSource, [{"agreement_id": a, "source_id": s, "note": "", "created_at": now} for a, s in pairs]
        )

    def cite(self, agreement: int, parties: list[int], sources: list[int]) -> None:
        """Each party of the agreement cited to a source, and its end to every source (issue 17's marks)."""
        rows = [
            {"agreement_id": agreement, "fact": "party", "party_id": party, "source_id": source, "quote": f"P{party}"}
            for party, source in zip(parties, sources, strict=False)
        ]
        rows += [
            {"agreement_id": agreement, "fact": "end", "party_id": None, "source_id": source, "quote": "2018"}
            for source in sources
        ]
        self.insert(Citation, rows)

    def relate(self, subject: int, objects: list[int], kind: str = "amends") -> None:
        """Relations from one agreement to others."""
        rows = [{"subject_id": subject, "object_id": other, "kind": kind, "note": ""} for other in objects]
        self.insert(AgreementRelation, rows)

    def history(self, record_type: str, record_id: int, count: int) -> None:
        """Edits in a record's history."""
        rows = [
            {"record_type": record_type, "record_id": record_id, "action": "update", "summary": "Edited", "changes": {}}
            for _ in range(count)
        ]
        self.insert(Change, rows)


@pytest.fixture
def world(app) -> World:
    """A bulk writer on the test database, with the ministry every agreement names."""
    world = World(app.extensions["tracker.engine"])
    world.made["ministry"] = world.parties(1, country="ID")
    with world.engine.connect() as connection:
        world.made["sectors"] = list(connection.execute(select(Sector.id).order_by(Sector.id)).scalars())
    return world


def typical(world: World, count: int) -> list[int]:
    """Agreements each with the ministry and four partners, three sectors and two sources (7 rows of links each)."""
    ids = world.agreements(count)
    partners = world.parties(4)
    world.link(ids, parties=[*world.made["ministry"], *partners], sectors=world.made["sectors"][:3])
    for agreement_id in ids:
        world.link([agreement_id], sources=world.sources(2))
    return ids


# --- the cases: (build the data, URL with `size` rows shown) ------------------------------------------------


def lists(path: str, query: str = "") -> Callable[[World, int], str]:
    """A list page: MANY agreements, showing `size` of them (the largest page holds 100 with 500+ rows of links)."""

    def case(world: World, size: int) -> str:
        if "built" not in world.made:
            world.made["built"] = typical(world, LARGEST_PAGE + 5)
            world.sources(MANY)
            world.parties(MANY)
        return f"{path}?{query}{'&' if query else ''}per_page={min(size, LARGEST_PAGE)}"

    return case


def detail(world: World, size: int) -> str:
    """An agreement with `size` parties, sectors, sources, relations both ways, history entries, and citations of its
    parties and end."""
    agreement_id = world.made.setdefault("agreement", world.agreements(1))[0]
    others = world.agreements(size)
    parties, sources = world.parties(size), world.sources(size)
    world.link([agreement_id], parties=parties, sectors=world.sectors(size), sources=sources)
    world.cite(agreement_id, parties, sources)
    world.relate(agreement_id, others[: size // 2])
    for other in others[size // 2 :]:
        world.relate(other, [agreement_id], "renews")
    world.history("agreement", agreement_id, size)
    return f"/agreements/{agreement_id}"


def expiring(world: World, size: int) -> str:
    """`size` agreements ending within the window, half of them past their end (needing attention).

    The window's list is paged (TRACKER_PAGE_SIZE rows) and shows the first of those needing attention: a page of
    100 rows, out of 500 and more, must not cost more statements than a page of 10.
    """
    size += size // 5
    typical(world, size - len(world.made.setdefault("expiring", [])))
    world.made["expiring"] = [0] * size
    return f"/expiring/?as_of={AS_OF}&months=24"


def dashboard(world: World, size: int) -> str:
    """The dashboard over `size` agreements in many sectors and countries, with recent sources."""
    typical(world, size - len(world.made.setdefault("dashboard", [])))
    world.made["dashboard"] = [0] * size
    return f"/?as_of={AS_OF}"


def party_page(world: World, size: int) -> str:
    """A party taking part in `size` agreements, with `size` units under it, each in an agreement of its own."""
    party_id = world.made["ministry"][0]
    more = size - len(world.made.setdefault("party", []))
    typical(world, more)
    for unit, agreement in zip(world.parties(more, "ID", party_id), world.agreements(more), strict=True):
        world.link([agreement], parties=[unit])
    world.made["party"] = [0] * size
    return f"/parties/{party_id}"


def source_page(world: World, size: int) -> str:
    """A source cited by `size` agreements."""
    source_id = world.made.setdefault("source", world.sources(1))[0]
    ids = world.agreements(size - len(world.made.setdefault("cited", [])))
    world.link(ids, parties=world.made["ministry"], sources=[source_id])
    world.made["cited"] = [0] * size
    return f"/sources/{source_id}"


def api_links(world: World, size: int) -> str:
    """The API list of an agreement's source links."""
    agreement_id = world.made.setdefault("linked", world.agreements(1))[0]
    world.link([agreement_id], sources=world.sources(size - len(world.made.setdefault("links", []))))
    world.made["links"] = [0] * size
    return f"/api/v1/agreements/{agreement_id}/sources?per_page={min(size, LARGEST_PAGE)}"


QUERY = "q=cooperation&country=KR&sector=technology&status=in_force&status=signed&ends_from=2017&ends_to=2019"
# Each case, and a text every agreement row of the page shows (to see that the rows are really there), if any.
AGREEMENT = "Cooperation "
PAGES = {
    "agreement list": (lists("/agreements/"), AGREEMENT),
    "query page": (lists("/agreements/", QUERY), AGREEMENT),
    "query page with its counts": (lists("/agreements/", f"{QUERY}&facets=1"), AGREEMENT),
    "facet panel": (lists("/agreements/facets"), None),
    "facet panel of a query": (lists("/agreements/facets", QUERY), None),
    "agreement detail": (detail, AGREEMENT),
    "expiring": (expiring, AGREEMENT),
    "dashboard": (dashboard, None),
    "party list": (lists("/parties/"), "Partner "),
    "sector list": (lists("/sectors/"), None),
    "party page": (party_page, AGREEMENT),
    "source list": (lists("/sources/"), "Cooperation report "),
    "source page": (source_page, AGREEMENT),
}
API = {
    "api agreements": (lists("/api/v1/agreements"), AGREEMENT),
    "api agreements query": (lists("/api/v1/agreements", QUERY), AGREEMENT),
    "api parties": (lists("/api/v1/parties"), "Partner "),
    "api sources": (lists("/api/v1/sources"), "Cooperation report "),
    "api sectors": (lists("/api/v1/sectors"), None),
    "api links": (api_links, None),
}


def counted(count_statements, get: Callable[[str], Any], url: str, marker: str | None, rows: int) -> list[str]:
    """The statements of one request, which must succeed and show at least `rows` rows marked by `marker`."""
    with count_statements() as statements:
        response = get(url)
        assert response.status_code == 200, (url, response.status_code)
    if marker is not None:
        assert response.get_data(as_text=True).count(marker) >= rows, url
    return statements


def assert_bounded(few: list[str], many: list[str], most: int = MOST_STATEMENTS) -> None:
    """The same number of statements for both sizes, and not too many."""
    assert len(many) == len(few), "\n\n".join(many)
    assert len(many) <= most, "\n\n".join(many)


def page_size(app, size: int) -> int:
    """Lists without a per_page choice (parties, sources) show TRACKER_PAGE_SIZE rows: `size`, at most 100."""
    app.config["TRACKER_PAGE_SIZE"] = min(size, LARGEST_PAGE)
    return min(size, LARGEST_PAGE)


def forget_counts(app) -> None:
    """Drop what the list keeps per data version (its facets' counts, its own count, its rendered results)."""
    for cache in ("tracker.facet_counts", "tracker.list_counts", "tracker.fragments"):
        app.extensions.pop(cache, None)


@pytest.mark.parametrize("page", PAGES)
def test_pages(app, client_as, world, count_statements, page):
    build, marker = PAGES[page]
    client = client_as(UserRole.VIEWER)
    client.get("/")  # a client's first request may do more (the session's first look-up)
    # The list's facet counts and its count are cached per data version and query: both requests count them (the
    # worst case).
    forget_counts(app)
    few = counted(count_statements, client.get, build(world, FEW), marker, page_size(app, FEW))
    forget_counts(app)
    many = counted(count_statements, client.get, build(world, MANY), marker, page_size(app, MANY))
    assert_bounded(few, many, MOST_STATEMENTS_OF.get(page, MOST_STATEMENTS))


@pytest.mark.parametrize("endpoint", API)
def test_api_lists(app, api_as, world, count_statements, endpoint, monkeypatch):
    build, marker = API[endpoint]
    client = api_as(UserRole.VIEWER)
    # The token's first use is noted once; later uses are noted once a minute, and building the larger world can take
    # longer than that on a busy machine (a PostgreSQL run counted one UPDATE more): once a day here.
    monkeypatch.setattr(tokens, "USE_RESOLUTION", timedelta(days=1))
    client.get("/sectors")
    few = counted(count_statements, client.get, build(world, FEW).removeprefix("/api/v1"), marker, page_size(app, FEW))
    url = build(world, MANY).removeprefix("/api/v1")
    forget_counts(app)  # the agreement list's count is kept per data version, as on the page
    many = counted(count_statements, client.get, url, marker, page_size(app, MANY))
    assert_bounded(few, many, MOST_API_STATEMENTS_OF.get(endpoint, MOST_STATEMENTS))
