"""On CPython before 3.12 each SQLAlchemy object state keeps its attributes in a dict of its own, never as the
interpreter's inline values, whose bookkeeping crashed a worker at 100,000 agreements (tracker/orm_states.py)."""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.state import InstanceState

from tracker import orm_states
from tracker.models import User

pytestmark = pytest.mark.skipif(
    not orm_states.needs_workaround(), reason="CPython 3.12 and later keep inline values in another way"
)


def own_dict(state: InstanceState[Any]) -> dict[str, Any] | None:
    """The state's attribute dict if it has one, found among what it refers to (asking for `__dict__` would make it)."""
    for referent in gc.get_referents(state):
        if isinstance(referent, dict) and "session_id" in referent:
            return referent
    return None


def test_the_states_of_new_and_loaded_objects_have_a_dict_of_their_own(
    session: Session, make_user: Callable[..., User]
) -> None:
    created = make_user()
    assert own_dict(inspect(created)) is not None
    session.expunge_all()
    loaded = session.scalars(select(User)).one()
    assert loaded is not created
    state = inspect(loaded)
    assert own_dict(state) is state.__dict__


def test_without_the_workaround_a_loaded_state_keeps_inline_values(
    session: Session, make_user: Callable[..., User]
) -> None:
    make_user()
    session.expunge_all()
    orm_states.restore_inline_values()
    try:
        state = inspect(session.scalars(select(User)).one())
        assert own_dict(state) is None  # the check above can tell the two apart
    finally:
        orm_states.keep_state_dicts()


def test_applying_the_workaround_twice_wraps_the_constructor_once() -> None:
    orm_states.keep_state_dicts()
    wrapped = InstanceState.__init__
    orm_states.keep_state_dicts()
    assert InstanceState.__init__ is wrapped
    assert getattr(wrapped, orm_states.WRAPPED_MARK)
    assert not getattr(wrapped.__wrapped__, orm_states.WRAPPED_MARK, False)  # type: ignore[attr-defined]
