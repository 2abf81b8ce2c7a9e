"""tracker.bulk writes exactly what SQLAlchemy's own executemany writes: same conversions, same defaults."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import insert, select

from tracker.bulk import converted, insert_rows
from tracker.models import Agreement, AgreementStatus, Change, ChangeAction, InstrumentType, Precision


def agreement_rows(prefix: str) -> list[dict]:
    """Rows with an enum, dates, precisions, text with quotes and non-ASCII, and columns left to defaults."""
    return [
        {
            "title": f"{prefix} “Kerja Sama” {number}'s",
            "instrument_type": InstrumentType.MOU,
            "status": AgreementStatus.IN_FORCE,
            "start_on": date(2006, 1, 1),
            "start_precision": Precision.YEAR,
            "end_on": None,
            "end_precision": None,
        }
        for number in range(3)
    ]


def stored(engine, prefix: str) -> list[tuple]:
    """What the database holds of the rows, timestamps and ids aside."""
    columns = [c for c in Agreement.__table__.c if c.name not in ("id", "created_at", "updated_at")]
    with engine.connect() as connection:
        rows = connection.execute(select(*columns).where(Agreement.title.like(f"{prefix}%")).order_by(Agreement.id))
        return [tuple(row)[1:] for row in rows]  # the title differs by prefix


def test_rows_are_stored_as_sqlalchemy_stores_them(engine):
    with engine.begin() as connection:
        connection.execute(insert(Agreement.__table__), agreement_rows("core"))
        insert_rows(connection, Agreement.__table__, agreement_rows("bulk"))
    assert stored(engine, "bulk") == stored(engine, "core")
    assert len(stored(engine, "bulk")) == 3
    with engine.connect() as connection:
        bulk = Agreement.title.like("bulk%")
        stamps = connection.execute(select(Agreement.created_at, Agreement.version).where(bulk))
        assert all(isinstance(created, datetime) and created.tzinfo and version == 1 for created, version in stamps)


def test_json_and_enum_columns_round_trip(engine):
    change = {
        "record_type": "agreement",
        "record_id": 7,
        "action": ChangeAction.CREATE,
        "version": 1,
        "summary": "Created",
        "changes": {"title": [None, "Kerja sama “AITEC”"], "parties": [[], ["AITEC"]]},
        "occurred_at": datetime(2017, 10, 4, 9, 30, tzinfo=UTC),
    }
    with engine.begin() as connection:
        insert_rows(connection, Change.__table__, [change])
    with engine.connect() as connection:
        row = connection.execute(select(Change).where(Change.record_id == 7)).one()
    assert row.changes == change["changes"] and row.action is ChangeAction.CREATE
    assert row.occurred_at == change["occurred_at"]


def test_nothing_to_insert_is_nothing_done(engine):
    with engine.begin() as connection:
        insert_rows(connection, Agreement.__table__, [])


def test_rows_must_name_the_same_columns(engine):
    shorter = agreement_rows("broken")[0]
    del shorter["title"]
    with pytest.raises(KeyError), engine.begin() as connection:
        insert_rows(connection, Agreement.__table__, [agreement_rows("fine")[0], shorter])
    assert stored(engine, "fine") == []  # the transaction rolled back


def test_a_value_shared_by_every_row_is_converted_once(engine):
    calls = []
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)

    def counted(value):
        calls.append(value)
        return value

    assert converted([when, when, when], counted) == [when, when, when] and calls == [when]
    assert converted([when, None], counted) == [when, None] and calls == [when, when, None]
    shared = {"record_type": "shared", "action": ChangeAction.CREATE, "summary": "", "changes": {}, "occurred_at": when}
    with engine.begin() as connection:
        insert_rows(connection, Change.__table__, [{**shared, "record_id": number} for number in range(3)])
    with engine.connect() as connection:
        times = connection.execute(select(Change.occurred_at).where(Change.record_type == "shared")).scalars().all()
    assert times == [when] * 3
