"""The agreement list's orders are read from an index over live agreements, not sorted: checked in each engine's plan.

Page 1 of 100,000 agreements must not sort every live agreement (or every one sharing the newest timestamp) to
show 25. The statement checked is the one the query page runs, captured as it executes.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite

from tracker.queries.agreements import AgreementFilters, SortOrder, involves_any_party, search_agreements
from tracker.queries.expiring import needing_attention_count

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


def plan(session, sql: str, parameters) -> str:
    """The engine's plan for the statement, as one text."""
    connection = session.connection()
    cursor = connection.connection.dbapi_connection.cursor()
    if connection.dialect.name == "sqlite":
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", parameters)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())
    # Tables of a few rows are cheaper to scan and sort; forbid that to see which index the order can use.
    cursor.execute("SET LOCAL enable_seqscan = off")
    cursor.execute("SET LOCAL enable_sort = off")
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


def test_agreements_needing_attention_are_counted_from_their_index(session, make_agreement):
    make_agreement(title="Technology development cooperation with AITEC", end="2018")
    session.commit()
    statements = executed(session, lambda: session.scalar(needing_attention_count(date(2026, 11, 1))))
    sql, parameters = statements[-1]
    text_of_plan = plan(session, sql, parameters)
    assert "ix_agreement_attention" in text_of_plan, text_of_plan
