"""The transient-failure retry covers every view, of blueprints registered after the app was built too."""

from __future__ import annotations

from flask import Blueprint
from sqlalchemy.exc import OperationalError

from tracker.access import PUBLIC, RULES


class SerializationFailure(Exception):
    """Stands in for psycopg's error of that name: what the database says when it cancels a transaction."""

    sqlstate = "40001"


def test_a_view_of_a_blueprint_registered_last_is_retried(app, monkeypatch):
    calls = []
    late = Blueprint("late", __name__)

    @late.post("/late")
    def cancelled_once():
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("UPDATE agreement ...", {}, SerializationFailure())
        return "saved"

    app.register_blueprint(late)
    monkeypatch.setitem(RULES, "late.cancelled_once", PUBLIC)
    monkeypatch.setattr("tracker.http.transactions.BACKOFF", (0, 0))
    response = app.test_client().post("/late")
    assert response.status_code == 200
    assert len(calls) == 2
