"""The field hashes that tell an identical repeated row from a differing one (importing/plan.py `field_hash`)."""

from __future__ import annotations

from tracker.dates import PartialDate
from tracker.importing.plan import field_hash
from tracker.models import AgreementStatus


class Unprintable:
    """A value whose repr fails: hashing it must not make a text of it."""

    def __repr__(self) -> str:
        raise AssertionError("repr called")


def test_equal_values_hash_alike_and_differing_ones_do_not():
    assert field_hash([("known", 1), ("new", "x")]) == field_hash([("known", 1), ("new", "x")])
    assert field_hash(PartialDate.parse("2020-01")) == field_hash(PartialDate.parse("2020-01"))
    assert field_hash(AgreementStatus.IN_FORCE) != field_hash(AgreementStatus.EXPIRED)
    assert field_hash("None") != field_hash(None)
    assert field_hash(1) != field_hash(True)
    assert field_hash(["a"]) != field_hash("a")


def test_a_hashable_value_is_hashed_without_its_text():
    field_hash(Unprintable())  # before: every value but text went through repr


def test_a_value_holding_a_list_is_hashed_by_its_text():
    assert field_hash([("a", ["b"])]) == field_hash([("a", ["b"])])
    assert field_hash([("a", ["b"])]) != field_hash([("a", ["c"])])
