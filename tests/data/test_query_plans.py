"""The agreement list's orders are read from an index over live agreements, not sorted: checked in each engine's plan.

Page 1 of 100,000 agreements must not sort every live agreement (or every one sharing the newest timestamp) to
show 25. The statement checked is the one the query page runs, captured as it executes. The counts of a day's
view (as of a past day, which leaves out agreements signed or started after it) are read from an index alone.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import case, event, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from tracker.dates import Precision
from tracker.models import (
    Agreement,
    AgreementParty,
    AgreementStatus,
    AgreementTerm,
    EvidenceLevel,
    ImplementationStatus,
    InstrumentType,
    PartyKind,
    PartyRole,
    RenewalIntent,
    Source,
)
from tracker.queries import agreements
from tracker.queries.agreements import AgreementFilters, SortOrder, involves_any_party, search_agreements
from tracker.queries.dashboard import expiries_by_quarter, sector_and_country_counts
from tracker.queries.expiring import (
    OVERDUE_RENEWAL,
    STALE,
    expiring_count,
    first_expiring,
    first_expiring_ids,
    group_count,
    needing_attention_count,
)
from tracker.queries.parties import party_overview
from tracker.queries.planner import checked_only, mostly_true
from tracker.queries.sources import SourceFilters, source_list

INDEX_OF_ORDER = {
    SortOrder.RELEVANCE: "ix_agreement_live_updated",  # without words: last updated first
    SortOrder.UPDATED_DESC: "ix_agreement_live_updated",
    SortOrder.UPDATED: "ix_agreement_live_updated",
    SortOrder.TITLE: "ix_agreement_live_title",
    SortOrder.TITLE_DESC: "ix_agreement_live_title",
}


def executed(session, run) -> list[tuple[str, object]]:
    """The statements `run()` executes, with their parameters."""
    captured: list[tuple[str, object]] = []

    def keep(_conn, _cursor, statement, parameters, *_args) -> None:
        captured.append((statement, parameters))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", keep)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    return captured


def page_statement(session, sort: SortOrder) -> tuple[str, object]:
    """The SELECT of the page's rows (not the count) and its parameters, as the query page runs it."""
    statements = executed(session, lambda: search_agreements(session, AgreementFilters(sort=sort)))
    return next((sql, params) for sql, params in statements if "LIMIT" in sql and "count(" not in sql)


def plan(session, sql: str, parameters, index_only: bool = False) -> str:
    """The engine's plan for the statement, as one text (`index_only`: PostgreSQL may not use bitmap scans)."""
    connection = session.connection()
    cursor = connection.connection.dbapi_connection.cursor()
    if connection.dialect.name == "sqlite":
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", parameters)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())
    # Tables of a few rows are cheaper to scan and sort; forbid that to see which index the order can use.
    cursor.execute("SET LOCAL enable_seqscan = off")
    cursor.execute("SET LOCAL enable_sort = off")
    if index_only:
        # A bitmap scan always reads table rows; an index scan still may be chosen, and the assertion then fails.
        cursor.execute("SET LOCAL enable_bitmapscan = off")
    cursor.execute(f"EXPLAIN {sql}", parameters)
    return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize("sort", list(INDEX_OF_ORDER), ids=lambda sort: sort.value)
def test_list_order_comes_from_the_live_index(session, make_agreement, sort):
    make_agreement(title="Technology development cooperation with AITEC")
    make_agreement(title="MoU on electric vehicles")
    session.commit()
    sql, parameters = page_statement(session, sort)
    text_of_plan = plan(session, sql, parameters)
    assert INDEX_OF_ORDER[sort] in text_of_plan, text_of_plan
    assert "TEMP B-TREE" not in text_of_plan and "Sort" not in text_of_plan, text_of_plan


def test_link_filters_check_ids_rather_than_look_agreements_up_by_them_on_sqlite():
    condition = involves_any_party([7, 8])
    on_sqlite = str(condition.compile(dialect=sqlite.dialect()))
    on_postgresql = str(condition.compile(dialect=postgresql.dialect()))
    assert on_sqlite.startswith("+agreement.id IN (SELECT agreement_party.agreement_id"), on_sqlite
    assert on_postgresql.startswith("agreement.id IN (SELECT agreement_party.agreement_id"), on_postgresql


AS_OF = date(2023, 1, 1)


# Enough agreements for a plan to show what 100,000 would get: on a few rows every index costs about the same.
MANY = 3000


def as_of_rows(session, parties: list[int] | None = None) -> None:
    """`MANY` agreements of every status, renewal and implementation value, ending 1990-2039, signed or started
    before or after `AS_OF` or neither known, some archived, each linked to one of `parties`, some with terms;
    statistics fresh, as autovacuum or the benchmark's ANALYZE leave them."""
    if session.get_bind().dialect.name == "postgresql":
        # agreement_term is empty here, yet the rows earlier tests deleted leave its pages and index behind, and
        # PostgreSQL's estimate of a never-analysed table goes by its pages: the plans below flipped with the order
        # the tests ran in. Truncated, it is estimated as on a fresh database, whatever ran before.
        session.execute(text("TRUNCATE agreement_term"))
    statuses, renewals, day = list(AgreementStatus), list(RenewalIntent), timedelta(days=1)
    implementations = list(ImplementationStatus)
    rows = []
    for n in range(MANY):
        end_on = date(1990, 1, 1) + (n * 53 % 18_000) * day
        signed_on = None if n % 5 == 0 else end_on - (365 + n % 3000) * day
        start_on = None if n % 3 == 0 else end_on - (300 + n % 2000) * day
        rows.append(
            {
                "title": f"MoU {n}",
                "instrument_type": InstrumentType.MOU,
                "status": statuses[n % len(statuses)],
                "renewal_intent": renewals[n // 7 % len(renewals)],
                "signed_on": signed_on,
                "signed_precision": signed_on and Precision.DAY,
                "start_on": start_on,
                "start_precision": start_on and Precision.DAY,
                "end_on": end_on,
                "end_precision": Precision.DAY,
                "archived_at": datetime(2026, 1, 1, tzinfo=UTC) if n % 50 == 0 else None,
                "implementation": implementations[n % 11 % len(implementations)],
            }
        )
    ids = session.scalars(insert(Agreement).returning(Agreement.id, sort_by_parameter_order=True), rows).all()
    # A term for every third agreement: the expiring count checks term-less agreements against these.
    terms = [{"agreement_id": key, "number": 1, "end_on": row["end_on"], "decision_on": row["end_on"] - 90 * day}
             for key, row in zip(ids, rows, strict=True) if row["end_on"].toordinal() % 3 == 0]  # fmt: skip
    session.execute(insert(AgreementTerm), terms)
    if parties:
        links = [{"agreement_id": key, "party_id": parties[key % len(parties)], "role": PartyRole.SIGNATORY}
                 for key in ids]  # fmt: skip
        session.execute(insert(AgreementParty), links)
    session.commit()
    # Pages marked all-visible: only then does PostgreSQL cost an index-only scan below an index scan.
    vacuumed(session, "agreement", "agreement_term", "agreement_party", "party")


def vacuumed(session, *tables: str) -> None:
    """PostgreSQL: the tables VACUUMed and ANALYZEd, as autovacuum leaves them (pages all-visible, statistics of
    these rows rather than of whatever an earlier test on this database left, or none)."""
    if session.get_bind().dialect.name == "postgresql":
        with session.get_bind().connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for table in tables:
                connection.exec_driver_sql(f"VACUUM ANALYZE {table}")


def assert_index_only(text_of_plan: str, index: str) -> None:
    """The plan reads `index` and no table row: SQLite's covering index, PostgreSQL's index-only scan."""
    assert f"COVERING INDEX {index}" in text_of_plan or f"Index Only Scan using {index}" in text_of_plan, text_of_plan
    for reads_rows in ("USING INDEX", "SCAN agreement", "Seq Scan", "Index Scan", "Bitmap"):
        assert reads_rows not in text_of_plan, text_of_plan


def counted_plan(session, run) -> str:
    """The index-only plan of the last statement `run()` executes."""
    sql, parameters = executed(session, run)[-1]
    return plan(session, sql, parameters, index_only=True)


@pytest.mark.parametrize("group", [STALE, OVERDUE_RENEWAL])
def test_agreements_needing_attention_as_of_a_day_are_counted_from_the_index_alone(session, group):
    as_of_rows(session)
    text_of_plan = counted_plan(session, lambda: session.scalar(group_count(AS_OF, group)))
    assert_index_only(text_of_plan, "ix_agreement_attention")


def test_passed_decision_dates_are_found_by_the_terms_index(session):
    as_of_rows(session)
    text_of_plan = counted_plan(session, lambda: session.scalar(needing_attention_count(AS_OF)))
    # The decision group reads a range of one of agreement_term's indexes, (end, decision, agreement) or (decision,
    # end, agreement) (0021); the agreements it names are few.
    assert re.search(r"ix_agreement_term_(end|decision)_on", text_of_plan), text_of_plan
    assert "SCAN agreement_term" not in text_of_plan, text_of_plan  # SQLite searches a range, not the whole index
    assert "Seq Scan" not in text_of_plan, text_of_plan


def test_agreements_ending_after_a_day_are_counted_from_the_index_alone(session):
    as_of_rows(session)
    text_of_plan = counted_plan(session, lambda: session.scalar(expiring_count(AS_OF, 12)))
    # Agreements without a current term (issue 15) are a range of ix_agreement_status_end_on, each checked against
    # agreement_term by its id: SQLite's index holds the rowid, PostgreSQL's includes the id (0021), so neither reads
    # an agreement's row for it. Those with a term are read by the terms' index; never a read of every agreement.
    assert ("COVERING INDEX ix_agreement_status_end_on" in text_of_plan
            or "Index Only Scan using ix_agreement_status_end_on" in text_of_plan), text_of_plan  # fmt: skip
    assert not re.search(r"Index Scan using ix_agreement_status_end_on|Bitmap Index Scan on ix_agreement_status_end_on",
                         text_of_plan), text_of_plan  # fmt: skip
    assert not re.search(r"SCAN agreement(?!_)|Seq Scan on agreement ", text_of_plan), text_of_plan
    # Those with a current term: the terms deciding by the window's end that run on `as_of`, from a terms index alone,
    # never every term grouped into current terms (0021).
    terms_alone = (
        r"COVERING INDEX ix_agreement_term_decision_on|Index Only Scan using ix_agreement_term_\w+ on agreement_term"
    )
    assert re.search(terms_alone, text_of_plan), text_of_plan
    # From the longest notice before the day on (0040): PostgreSQL may then make the few agreements of that range
    # unique (a HashAggregate over it) and look each one up.
    assert re.search(r"decision_on>\? AND decision_on<\?|decision_on >= COALESCE", text_of_plan), text_of_plan
    assert not re.search(r"current_term|GroupAggregate|Seq Scan on agreement_term", text_of_plan), text_of_plan


def renewing_terms(session) -> None:
    """Every tenth agreement with a term renews itself yearly: its terms written out to 2100, as the app writes
    them, so that the terms not ended by a day are mostly the future (statistics fresh)."""
    rows = session.execute(select(AgreementTerm.agreement_id, AgreementTerm.end_on)).all()
    ends = [(key, number, date(end_on.year + number - 1, end_on.month, min(end_on.day, 28)))
            for key, end_on in rows[::10] for number in range(2, 2102 - end_on.year)]  # fmt: skip
    later = [{"agreement_id": key, "number": number, "end_on": end_on, "decision_on": end_on - timedelta(days=90)}
             for key, number, end_on in ends]  # fmt: skip
    session.execute(insert(AgreementTerm), later)
    session.commit()
    if session.get_bind().dialect.name == "postgresql":
        with session.get_bind().connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE agreement_term")
    else:
        session.execute(text("ANALYZE"))
        session.commit()


def test_the_expiring_lists_first_rows_read_only_the_terms_deciding_in_the_window(session):
    as_of_rows(session)
    renewing_terms(session)
    sql, parameters = next(
        (sql, parameters)
        for sql, parameters in executed(session, lambda: first_expiring(session, AS_OF, 12, 10))
        if "LIMIT" in sql
    )
    text_of_plan = plan(session, sql, parameters, index_only=True)
    # As the count: the agreements with a term from a range of the decision index (deciding by the window's end,
    # from the longest notice before the day: 0040), never every term not ended by the day grouped into current
    # terms (issue 15).
    assert re.search(r"COVERING INDEX ix_agreement_term_decision_on \(decision_on>\? AND decision_on<\?\)"
                     r"|Index Only Scan using ix_agreement_term_decision_on on agreement_term", text_of_plan), (
        text_of_plan
    )  # fmt: skip
    assert not re.search(r"SCAN agreement_term|Seq Scan on agreement_term", text_of_plan), text_of_plan
    # Term-less agreements by their end, from its index; never a read of every agreement.
    assert "ix_agreement_status_end_on" in text_of_plan, text_of_plan
    assert not re.search(r"SCAN agreement(?!_)|Seq Scan on agreement ", text_of_plan), text_of_plan


def test_implemented_agreements_per_partner_country_start_from_the_implemented_ones(session, make_party):
    parties = [make_party(f"Partner {code}", PartyKind.COMPANY, code).id for code in ("KR", "JP", "DE", "ID")]
    as_of_rows(session, parties)
    text_of_plan = counted_plan(session, lambda: sector_and_country_counts(session, "ID"))
    # The dashboard's "implemented" branch reads the implemented live agreements from their index alone (0021)
    # rather than every agreement, or every agreement of every link.
    assert ("COVERING INDEX ix_agreement_implementation (implementation=? AND archived_at=?)" in text_of_plan
            or "Index Only Scan using ix_agreement_implementation" in text_of_plan), text_of_plan  # fmt: skip


def test_ends_per_quarter_as_of_a_day_are_counted_from_the_index_alone(session):
    as_of_rows(session)
    renewing_terms(session)
    text_of_plan = counted_plan(session, lambda: expiries_by_quarter(session, AS_OF))
    # As the expiring count: the ends of agreements without a current term are a range of the index (covering on
    # SQLite, rows of the range fetched for the anti-join on PostgreSQL), the decision dates come from the terms.
    assert "ix_agreement_status_end_on" in text_of_plan, text_of_plan
    assert not re.search(r"SCAN agreement(?!_)|Seq Scan on agreement ", text_of_plan), text_of_plan
    # Every term deciding in the window (one per term, issue 15): a range of the decision index, never every term.
    assert "ix_agreement_term_decision_on" in text_of_plan, text_of_plan
    assert not re.search(r"SCAN agreement_term|Seq Scan on agreement_term", text_of_plan), text_of_plan


def test_agreements_needing_a_source_are_counted_from_the_evidence_index(session):
    as_of_rows(session)
    # A tenth still needs a source; the others are cited to news, official statements or their signed text.
    levels = case(*[(Agreement.id % 10 == n, level.value) for n, level in enumerate(EvidenceLevel)], else_="news")
    session.execute(update(Agreement).values(evidence=levels).execution_options(synchronize_session=False))
    session.commit()
    vacuumed(session, "agreement")
    filters = AgreementFilters(evidence=[EvidenceLevel.NONE])
    statements = executed(session, lambda: search_agreements(session, filters))
    sql, parameters = next((sql, params) for sql, params in statements if "count(" in sql)
    # `evidence=none` (issue 17) counts the live agreements still needing a source from ix_agreement_evidence alone.
    assert_index_only(plan(session, sql, parameters, index_only=True), "ix_agreement_evidence")


def test_a_page_of_a_party_on_most_agreements_is_read_in_the_order_of_the_live_index(session, make_party):
    ministry = make_party(name="Ministry of Industry")
    unit = make_party(name="Directorate of Access", parent=ministry)
    other = make_party(name="Government of Korea", kind=PartyKind.STATE, country_code="KR")
    as_of_rows(session, [ministry.id, ministry.id, unit.id, other.id])
    statements = executed(session, lambda: party_overview(session, ministry.id, page=3))
    sql, parameters = next((sql, params) for sql, params in statements if "coalesce(" in sql and "EXISTS" in sql)
    text_of_plan = plan(session, sql, parameters)
    # Its 2,250 agreements are not sorted to show 25: the walk stops after about 100 entries of the index.
    assert "ix_agreement_live_began" in text_of_plan, text_of_plan
    assert "TEMP B-TREE" not in text_of_plan and "Sort" not in text_of_plan, text_of_plan


def test_one_status_with_ends_in_years_is_read_in_the_order_of_its_index(session):
    as_of_rows(session)
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("ANALYZE"))  # with statistics SQLite preferred the end's range, then sorted by update
        session.commit()
    filters = AgreementFilters(statuses=[AgreementStatus.IN_FORCE], ends_from=2000, ends_to=2030)
    statements = executed(session, lambda: search_agreements(session, filters))
    sql, parameters = next((sql, params) for sql, params in statements if "LIMIT" in sql and "count(" not in sql)
    text_of_plan = plan(session, sql, parameters)
    # The benchmark's filtered query (one status, ends between two years, last updated first): its page comes in
    # order from ix_agreement_live_status_updated (0035), the end checked from it, never every match sorted. On these
    # 3,000 rows PostgreSQL may walk the order of every live agreement instead (at 100,000 it takes the status's).
    assert re.search(r"ix_agreement_live_status_updated|Index Scan Backward using ix_agreement_live_updated",
                     text_of_plan), text_of_plan  # fmt: skip
    assert "TEMP B-TREE" not in text_of_plan and "Sort" not in text_of_plan, text_of_plan


def test_a_search_too_common_to_rank_walks_the_last_update_index_with_another_filter(session, monkeypatch):
    """With more matches than are ranked (and a status filter, whose index SQLite would otherwise start from and then
    sort), the page is read in last-update order from an index, each row checked against the matches."""
    monkeypatch.setattr(agreements, "RANKED_AT_MOST", 3)
    rows = [
        {"title": f"Moulds programme {n}", "instrument_type": InstrumentType.MOU, "status": AgreementStatus.IN_FORCE}
        for n in range(MANY)
    ]
    session.execute(insert(Agreement), [row | {"renewal_intent": RenewalIntent.NONE} for row in rows])
    session.commit()
    # Statistics of these rows: the plan flipped to a sort once on PostgreSQL, with an earlier test's left behind.
    vacuumed(session, "agreement", "agreement_search")
    filters = AgreementFilters(text="moulds", statuses=[AgreementStatus.IN_FORCE])
    statements = executed(session, lambda: search_agreements(session, filters))
    sql, parameters = next((sql, params) for sql, params in statements if "OFFSET" in sql and "count(" not in sql)
    text_of_plan = plan(session, sql, parameters)
    # Either every live agreement in update order, or the status's own slice of it (0035): never a sort.
    assert re.search(r"ix_agreement_live_(status_)?updated", text_of_plan), text_of_plan
    assert "TEMP B-TREE" not in text_of_plan and "Sort" not in text_of_plan, text_of_plan


def test_a_search_too_common_to_rank_checks_its_matches_and_filters_on_sqlite():
    conditions = [agreements.search.matches(checked_only(Agreement.id), "moulds"), mostly_true(Agreement.id > 3)]
    on_sqlite = [str(condition.compile(dialect=sqlite.dialect())) for condition in conditions]
    on_postgresql = [str(condition.compile(dialect=postgresql.dialect())) for condition in conditions]
    assert on_sqlite[0].startswith("+agreement.id IN (SELECT rowid FROM agreement_fts"), on_sqlite
    assert on_sqlite[1] == "likely(agreement.id > ?)", on_sqlite
    assert on_postgresql[0].startswith("agreement.id IN (SELECT search.agreement_id"), on_postgresql
    assert on_postgresql[1].startswith("agreement.id > %(id_1)s"), on_postgresql


def test_the_source_list_reads_its_first_page_in_the_order_of_an_index(session):
    """Latest publication first, unknown dates last (0037): the first page of live sources is read in order, not
    sorted; PostgreSQL's plain index on the day would put unknown dates first when walked backwards."""
    rows = [
        {
            "url": f"https://news.example/{n}",
            "url_normalized": f"https://news.example/{n}",
            "title": f"Kerja sama industri {n}",
            "published_on": None if n % 7 == 0 else date(2000, 1, 1) + timedelta(days=n % 5000),
            "archived_at": datetime(2020, 1, 1, tzinfo=UTC) if n % 11 == 0 else None,
        }
        for n in range(MANY)
    ]
    session.execute(insert(Source), rows)
    session.commit()
    session.execute(text("ANALYZE"))
    session.commit()
    statements = executed(session, lambda: source_list(session, SourceFilters()))
    sql, parameters = next((sql, params) for sql, params in statements if "LIMIT" in sql and "count(" not in sql)
    text_of_plan = plan(session, sql, parameters)
    assert "ix_source_live_published" in text_of_plan, text_of_plan
    assert "TEMP B-TREE" not in text_of_plan and "Sort" not in text_of_plan, text_of_plan


@pytest.mark.parametrize("run", ["count", "first ids", "quarters"])
def test_agreements_ending_in_the_window_are_checked_for_a_running_term_from_an_index_alone(session, run):
    as_of_rows(session)
    renewing_terms(session)
    runs = {
        "count": lambda: session.scalar(expiring_count(AS_OF, 12)),
        "first ids": lambda: first_expiring_ids(session, AS_OF, 12, 10),
        "quarters": lambda: expiries_by_quarter(session, AS_OF),
    }
    text_of_plan = counted_plan(session, runs[run])
    # Each agreement ending in the window is checked for a term running on the day by (agreement, end) (0040): the
    # primary key read every one of its terms' rows for their ends.
    if session.get_bind().dialect.name == "sqlite":
        assert "COVERING INDEX ix_agreement_term_agreement_end (agreement_id=? AND end_on>?)" in text_of_plan, (
            text_of_plan
        )
        assert "sqlite_autoindex_agreement_term" not in text_of_plan, text_of_plan
    assert not re.search(r"SCAN agreement_term|Seq Scan on agreement_term", text_of_plan), text_of_plan
