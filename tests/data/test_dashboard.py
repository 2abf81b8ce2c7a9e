"""The dashboard: aggregated counts, recent sources, the expiring list and the page."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import delete, insert, select

from tracker.demo import load_demo
from tracker.models import Agreement, AgreementStatus, PartyKind, PartyRole, RenewalIntent, Source, agreement_sector
from tracker.queries.dashboard import (
    EXPIRING_SHOWN,
    FiguresCache,
    SectorCount,
    Totals,
    dashboard,
    recent_sources,
    sector_and_country_counts,
    status_counts,
    totals,
    totals_and_attention,
)
from tracker.queries.expiring import DECISION_PASSED, OVERDUE_RENEWAL, STALE
from tracker.services.agreements import archive_agreement

AS_OF = date(2017, 10, 4)


@pytest.fixture
def world(make_party, make_agreement, get_sector):
    """Four agreements with Indonesian, Korean, Japanese and stateless parties."""
    ministry = make_party(name="Ministry of Industry", country_code="ID")
    aitec = make_party(name="AITEC", kind=PartyKind.COMPANY, country_code="KR")
    korea = make_party(name="Government of Korea", kind=PartyKind.STATE, country_code="KR")
    japan = make_party(name="JETRO", country_code="JP")
    unido = make_party(name="UNIDO", kind=PartyKind.INTERNATIONAL_ORGANISATION, country_code=None)
    tech, ev = get_sector("technology"), get_sector("electric-vehicles")
    make_agreement(
        title="AITEC",
        end="2018",
        parties=[(ministry, PartyRole.SIGNATORY), (aitec, PartyRole.SIGNATORY), (korea, PartyRole.WITNESS)],
        sectors=[tech],
    )
    make_agreement(
        title="EV MoU",
        status=AgreementStatus.ANNOUNCED,
        parties=[(ministry, PartyRole.SIGNATORY), (korea, PartyRole.SIGNATORY)],
        sectors=[tech, ev],
    )
    make_agreement(title="Japan", status=AgreementStatus.ANNOUNCED, parties=[(japan, PartyRole.SIGNATORY)])
    make_agreement(title="UNIDO", status=AgreementStatus.EXPIRED, end="2016", parties=[(unido, PartyRole.FUNDER)])


def test_totals(session, world, make_source):
    make_source()
    assert totals(session) == Totals(agreements=4, parties=5, sources=1)


def test_status_counts_follow_the_life_of_an_agreement(session, world):
    assert status_counts(session) == [
        (AgreementStatus.ANNOUNCED, 2),
        (AgreementStatus.IN_FORCE, 1),
        (AgreementStatus.EXPIRED, 1),
    ]


def test_sector_counts_only_used_sectors_most_first(session, world):
    assert sector_and_country_counts(session, "ID")[0] == [
        SectorCount("technology", "Technology", 2),
        SectorCount("electric-vehicles", "Electric vehicles", 1),
    ]


def test_partner_countries_count_each_agreement_once(session, world):
    # AITEC and the Government of Korea are both on the AITEC agreement: Korea counts it once.
    assert sector_and_country_counts(session, "ID")[1] == [("KR", 2), ("JP", 1)]


def test_home_country_is_a_parameter(session, world):
    assert sector_and_country_counts(session, "kr")[1] == [("ID", 2), ("JP", 1)]


def test_recent_sources_newest_first(session, make_source):
    for n in range(7):
        make_source(title=f"Source {n}", url=f"https://example.org/{n}")
    assert [s.title for s in recent_sources(session)] == [f"Source {n}" for n in (6, 5, 4, 3, 2)]


def test_dashboard_bundles_everything(session, world):
    board = dashboard(session, as_of=AS_OF, home_country="ID")
    assert board.totals.agreements == 4
    assert [row.agreement.title for row in board.expiring] == ["AITEC"]
    assert board.needs_attention == 0
    later = dashboard(session, as_of=date(2019, 1, 1), home_country="ID")
    assert later.expiring == []
    assert later.needs_attention == 1


def test_dashboard_as_of_a_past_day_leaves_out_later_signings(session, make_agreement):
    make_agreement(title="MoU baterai, signed 2022", signed="2022-09-14", end="2023-09")
    make_agreement(title="MoU on nickel, signed 2023-03", signed="2023-03-28", end="2023-06")
    make_agreement(title="Stale, signed 2023-02", signed="2023-02-10", end="2022-12", status=AgreementStatus.SIGNED)
    board = dashboard(session, as_of=date(2023, 1, 1), home_country="ID")
    assert [row.agreement.title for row in board.expiring] == ["MoU baterai, signed 2022"]
    assert (board.expiring_total, board.needs_attention) == (1, 0)
    assert sum(count for _quarter, count in board.by_quarter) == 1


def test_dashboard_statement_count_is_fixed(session, world, count_statements):
    session.expunge_all()
    with count_statements() as statements:
        dashboard(session, as_of=AS_OF, home_country="ID")
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) <= 10


def test_empty_database_page(client):
    response = client.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "No agreements yet" in page
    assert "flask --app app load-demo" in page
    assert "No sources yet" in page


def test_page_with_demo_data(client, session):
    load_demo(session)
    session.commit()
    response = client.get("/?as_of=2017-10-04")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "3 agreements" in page
    assert "Technology development cooperation between the Ministry of Industry and AITEC Co., Ltd" in page
    assert "year only" in page
    assert "/agreements/?status=announced" in page
    assert "/agreements/?status=in_force" in page
    assert "/agreements/?sector=technology" in page
    assert "/agreements/?country=KR" in page
    assert "South Korea" in page
    assert "Indonesia Ingin Lanjutkan Kerja Sama Teknologi dengan Korsel" in page
    assert "/sources/" in page


def test_page_home_country_from_config(app, client, session):
    load_demo(session)
    session.commit()
    app.config["TRACKER_HOME_COUNTRY"] = "KR"
    page = client.get("/?as_of=2017-10-04").get_data(as_text=True)
    assert "/agreements/?country=ID" in page
    assert "/agreements/?country=KR" not in page


def test_page_needs_attention_banner(client, make_agreement):
    make_agreement(title="Stale", end="2016", status=AgreementStatus.IN_FORCE)
    page = client.get("/?as_of=2017-10-04").get_data(as_text=True)
    assert "1 agreement needs attention (1 past the end with no renewal under way)." in " ".join(page.split())
    assert "/expiring/?as_of=2017-10-04#needs-attention" in page


@pytest.mark.parametrize("as_of", ["tomorrow", "2017-13-01", "1899-12-31"])
def test_page_refuses_bad_date(client, as_of):
    response = client.get("/", query_string={"as_of": as_of})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.get_data(as_text=True)


def test_expiring_list_is_capped_with_a_link_to_all(client, make_agreement):
    for n in range(EXPIRING_SHOWN + 2):
        make_agreement(title=f"Ending {n:02d}", end=f"2017-11-{n + 1:02d}")
    page = client.get("/?as_of=2017-10-04").get_data(as_text=True)
    assert f"Ending {EXPIRING_SHOWN - 1:02d}" in page and f"Ending {EXPIRING_SHOWN:02d}" not in page
    assert f"All {EXPIRING_SHOWN + 2} in the expiring view" in page
    assert "/expiring/?as_of=2017-10-04&amp;months=12" in page


def test_short_expiring_list_has_no_link_to_all(client, make_agreement):
    make_agreement(title="Ending alone", end="2017-11")
    page = client.get("/?as_of=2017-10-04").get_data(as_text=True)
    assert "Ending alone" in page and "in the expiring view" not in page


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def cached_totals(session, cache) -> Totals:
    """The totals of the dashboard as seen through the cache."""
    session.rollback()  # a new transaction, as each request has
    return dashboard(session, AS_OF, "ID", cache=cache).totals


def test_cached_counts_are_reused_until_the_app_writes(session, world, make_agreement, count_statements):
    cache = FiguresCache()
    assert cached_totals(session, cache).agreements == 4
    with count_statements() as statements:
        assert cached_totals(session, cache).agreements == 4
    assert not any("count(" in statement for statement in statements), statements
    make_agreement(title="Recorded later")  # through the app's services: a new Change row
    session.commit()
    assert cached_totals(session, cache).agreements == 5


def test_a_kept_view_reads_the_first_expiring_agreements_by_id(session, world, make_agreement, count_statements):
    """The agreements ending soon are kept as ids with the counts: a view of unchanged data reads those rows by id
    (no search of the window's ends), and a write shows a new one at once."""
    cache = FiguresCache()
    assert [entry.agreement.title for entry in dashboard(session, AS_OF, "ID", cache=cache).expiring] == ["AITEC"]
    with count_statements() as statements:
        kept = dashboard(session, AS_OF, "ID", cache=cache)
    assert [entry.agreement.title for entry in kept.expiring] == ["AITEC"]
    assert not any("agreement_term" in statement for statement in statements), statements
    make_agreement(title="A steel MoU", end="2018")
    session.commit()
    fresh = dashboard(session, AS_OF, "ID", cache=cache)
    assert [entry.agreement.title for entry in fresh.expiring] == ["A steel MoU", "AITEC"]


def test_cached_counts_follow_an_archived_agreement(session, world, count_statements):
    cache = FiguresCache()
    assert dict(dashboard(session, AS_OF, "ID", cache=cache).by_status)[AgreementStatus.EXPIRED] == 1
    unido = session.scalar(select(Agreement).where(Agreement.title == "UNIDO"))
    archive_agreement(session, unido)
    session.commit()
    session.rollback()
    assert AgreementStatus.EXPIRED not in dict(dashboard(session, AS_OF, "ID", cache=cache).by_status)


def test_cached_counts_see_rows_written_without_history(session, world, engine):
    cache = FiguresCache()
    assert cached_totals(session, cache).sources == 0
    with engine.begin() as connection:  # another tool writing to the tables: no Change row
        source = {"url": "https://x.example/a", "url_normalized": "https://x.example/a", "title": "A"}
        connection.execute(insert(Source.__table__), [source])
    assert cached_totals(session, cache).sources == 1


def test_cached_counts_expire(session, world, engine):
    clock = Clock()
    cache = FiguresCache(clock=clock)
    assert cached_totals(session, cache).agreements == 4
    with engine.begin() as connection:  # a change no maximum shows: the agreement's sector link removed
        connection.execute(delete(agreement_sector))
    assert dashboard(session, AS_OF, "ID", cache=cache).by_sector != []
    clock.now += FiguresCache.MAX_AGE
    session.rollback()
    assert dashboard(session, AS_OF, "ID", cache=cache).by_sector == []


def test_cached_counts_are_kept_per_day(session, world):
    cache = FiguresCache()
    on_the_day = dashboard(session, AS_OF, "ID", cache=cache)
    years_later = dashboard(session, date(2030, 1, 1), "ID", cache=cache)
    assert on_the_day.needs_attention != years_later.needs_attention or on_the_day.by_quarter != years_later.by_quarter


def test_needs_attention_counted_per_group_in_the_one_statement_of_totals(session, make_agreement):
    make_agreement(title="Stale", end="2016", status=AgreementStatus.IN_FORCE)
    make_agreement(title="Renewal intended", end="2016", renewal_intent=RenewalIntent.INTENDED)
    make_agreement(title="In negotiation", end="2017-01", renewal_intent=RenewalIntent.IN_NEGOTIATION)
    _totals, needs_attention, _ending, _overdue, by_group, _links = totals_and_attention(session, date(2017, 10, 4))
    assert by_group == {STALE: 1, OVERDUE_RENEWAL: 2, DECISION_PASSED: 0}
    assert needs_attention == 3
