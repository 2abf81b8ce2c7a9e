"""A workaround for a crash of CPython 3.11: SQLAlchemy's per-object state keeps its attributes in a dict of its own.

CPython 3.11 stores a plain object's attributes as "inline values" (an array plus an insertion order, beside the
object) until something asks for its `__dict__`. SQLAlchemy's `InstanceState` (one per loaded object; `__slots__`
with `__dict__`) is such an object, and on CPython 3.11.2 and 3.11.7 a worker serving `/expiring/?per_page=500` at
100,000 agreements again and again died of a segmentation fault during garbage collection, by the third to the
25th request (bench/gc_crash.py). CPython's debug build stops earlier with the assertion
`get_index_from_order: i < ((char *)mp->ma_values)[-2]` (dictobject.c) while `Session.close` sets `_strong_obj` on a
state: the state's inline values and their insertion order disagree, so the collector later visits a freed object.
With each state's dict made at construction (this module), the interpreter never uses inline values for states:
no crash in any run, no assertion in the debug build. CPython 3.12 redesigned inline values and does not crash; the
workaround is applied only before 3.12. Hand-written because no library offers it; docs/benchmarks.md has the runs.
"""

from __future__ import annotations

import functools
import sys
from typing import Any

from sqlalchemy.orm.state import InstanceState

# Marks InstanceState.__init__ once wrapped, so that applying the workaround twice wraps it once.
WRAPPED_MARK = "_tracker_materializes_dict"


def needs_workaround() -> bool:
    """Whether this interpreter keeps attributes as inline values the way that crashes (CPython before 3.12)."""
    return sys.implementation.name == "cpython" and sys.version_info < (3, 12)


def keep_state_dicts() -> None:
    """Make every `InstanceState` created from now on hold its attributes in a dict of its own (CPython < 3.12)."""
    original = InstanceState.__init__
    if not needs_workaround() or getattr(original, WRAPPED_MARK, False):
        return

    @functools.wraps(original)
    def __init__(self: InstanceState[Any], obj: Any, manager: Any) -> None:
        self.__dict__  # noqa: B018 -- asking for the dict makes it: the object's inline values are never used
        original(self, obj, manager)

    setattr(__init__, WRAPPED_MARK, True)
    InstanceState.__init__ = __init__  # type: ignore[method-assign]


def restore_inline_values() -> None:
    """Undo `keep_state_dicts` (bench/gc_crash.py shows the crash this way)."""
    current = InstanceState.__init__
    if getattr(current, WRAPPED_MARK, False):
        InstanceState.__init__ = current.__wrapped__  # type: ignore[attr-defined,method-assign]
