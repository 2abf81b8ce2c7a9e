"""The agreement list's filters on issue 15's fields in the API (the web list reads the same form): automatic
renewal, a notice period recorded or not, the decision date of any term, ratification, the entry into force; and
the document number and ratifying instrument found by the free-text search."""

from __future__ import annotations

import pytest

from tests.api_support import assert_problem
from tracker.api.openapi import AGREEMENT_FILTERS
from tracker.models import AutoRenewal, Ratification, UserRole

# "In force for five years from 1 July 2019, renewed for five more unless notice six months before": terms end
# 2024-06-30, 2029-06-30, ...; decisions due 2024-01-01, 2029-01-01, ...
MOULDS = {
    "title": "MoU on moulds and dies with the Korea Mould Industry Cooperative",
    "title_local": "Nota Kesepahaman Cetakan dan Perkakas",
    "instrument_type": "mou",
    "status": "in_force",
    "start": "2019-07-01",
    "duration_months": 60,
    "auto_renewal": "yes",
    "notice_period": 6,
    "notice_by": "either",
}
# A treaty: ratified by a presidential decree, in force from March 2018 (known to the month), a ministry number.
BATTERIES = {
    "title": "Agreement on cooperation in electric vehicle batteries",
    "instrument_type": "agreement",
    "status": "in_force",
    "signed": "2017-10-04",
    "start": "2018",
    "end": "2023",
    "ratification": "ratified",
    "ratifying_instrument": "Keppres No. 37 Tahun 1993",
    "in_force": "2018-03",
    "document_number": "B-123/KEMENPERIN/2019",
}
LETTER = {"title": "Letter of intent on sago starch", "instrument_type": "letter_of_intent", "status": "announced"}


@pytest.fixture
def editor(api_as):
    """An editor's API client."""
    return api_as(UserRole.EDITOR)


@pytest.fixture
def recorded(editor) -> dict[str, int]:
    """The three agreements, written through the API (so the service writes their terms out); ids by name."""
    ids = {}
    for name, body in (("moulds", MOULDS), ("batteries", BATTERIES), ("letter", LETTER)):
        created = editor.post("/agreements", body)
        assert created.status_code == 201, created.get_json()
        ids[name] = created.get_json()["id"]
    return ids


def listed(editor, recorded: dict[str, int], query: str) -> list[str]:
    """The names of the agreements the list finds for a query string, in id order."""
    response = editor.get(f"/agreements?{query}&per_page=100")
    assert response.status_code == 200, response.get_json()
    names = {key: name for name, key in recorded.items()}
    return [names[item["id"]] for item in sorted(response.get_json()["items"], key=lambda item: item["id"])]


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("auto_renewal=yes", ["moulds"]),
        ("auto_renewal=no", ["batteries", "letter"]),
        ("notice_period=recorded", ["moulds"]),
        ("notice_period=not_recorded", ["batteries", "letter"]),
        # The second term's decision; the first term's is the day after 2023 ends.
        ("decision_after=2029&decision_before=2029", ["moulds"]),
        ("decision_after=2024-01-02&decision_before=2028-12-31", []),
        ("decision_before=2024-01-01", ["moulds"]),
        ("decision_after=2099-01", ["moulds"]),  # renewing itself term after term
        ("ratification=ratified", ["batteries"]),
        ("ratification=ratified&ratification=not_recorded", ["moulds", "batteries", "letter"]),
        ("ratification=not_yet_ratified", []),
        # In force from March 2018, known to the month: counted at its first day.
        ("in_force_after=2018-03", ["batteries"]),
        ("in_force_after=2018-03-02", []),
        ("in_force_before=2018", ["batteries"]),
        ("in_force_before=2018-02-28", []),
        ("auto_renewal=no&in_force_after=2018&status=in_force", ["batteries"]),
        ("q=Keppres+No.+37", ["batteries"]),
        ("q=B-123/KEMENPERIN/2019", ["batteries"]),
        ("q=kemenperin+2019&ratification=not_recorded", []),
    ],
)
def test_the_list_filters_by_terms_and_treaty_facts(editor, recorded, query, names):
    assert listed(editor, recorded, query) == names


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("auto_renewal=true", "auto_renewal"),
        ("notice_period=6", "notice_period"),
        ("decision_after=2029-13", "decision_after"),
        ("decision_before=31.02.2029", "decision_before"),
        ("decision_after=2030&decision_before=2029-12-31", "decision_before"),
        ("ratification=ratified&ratification=done", "ratification"),
        ("in_force_after=soon", "in_force_after"),
        ("in_force_after=2019-01&in_force_before=2018", "in_force_before"),
    ],
)
def test_a_bad_filter_value_is_a_problem_naming_its_parameter(editor, query, parameter):
    assert_problem(editor.get(f"/agreements?{query}"), 400, parameter)


def test_dates_are_read_as_people_write_them(editor, recorded):
    # The same reading as the agreement form's dates: Indonesian and English month names too.
    assert listed(editor, recorded, "decision_after=1+Januari+2029&decision_before=Januari+2029") == ["moulds"]


def test_the_schema_documents_each_filter():
    parameters = {parameter["name"]: parameter for parameter in AGREEMENT_FILTERS}
    assert parameters["auto_renewal"]["schema"]["enum"] == [value.value for value in AutoRenewal]
    assert parameters["notice_period"]["schema"]["enum"] == ["recorded", "not_recorded"]
    assert parameters["ratification"]["schema"]["items"]["enum"] == [value.value for value in Ratification]
    for name in ("decision_after", "decision_before", "in_force_after", "in_force_before"):
        assert parameters[name]["schema"]["pattern"].startswith("^[0-9]{4}"), name
