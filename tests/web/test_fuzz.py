"""No input a person or program can send gives a 500 or half-saves data (hypothesis-driven).

The forms are read from the pages themselves, so every field of every form is exercised: each gets
a valid option, a random string (any script, NUL bytes, markup), a number, a date-like string or nothing.
"""

from __future__ import annotations

import os
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tracker.models import Base, PartyKind, PartyRole

FUZZ_SETTINGS = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Any character but lone surrogates, which no client can encode in a form post.
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
hostile_text = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "%",
        "_",
        "한국",
        "0",
        "-1",
        "1e309",
        "99999999999999999999",
        "2006",
        "2018-02-30",
        "2006-13",
        "javascript:alert(1)",
        "https://tirto.id/a",
        "NaN",
        "\u202e",
        "a" * 3000,
    ]
)
number_text = st.integers(min_value=-(2**70), max_value=2**70).map(str)
date_text = st.from_regex(r"\A[0-9]{1,5}(-[0-9]{1,3}){0,2}\Z")


class FormFields(HTMLParser):
    """Collects the named fields of the forms on a page, with the options of each select."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, list[str]] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        name = attributes.get("name")
        if tag in ("input", "textarea") and name:
            options = self.fields.setdefault(name, [])
            if attributes.get("value"):
                options.append(attributes["value"])
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, [])
        elif tag == "option" and self._select:
            self.fields[self._select].append(attributes.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def fields_of(client, path: str) -> dict[str, list[str]]:
    """The form fields found on the page at `path` (minus the CSRF token, off in tests)."""
    response = client.get(path)
    assert response.status_code == 200, path
    parser = FormFields()
    parser.feed(response.get_data(as_text=True))
    parser.fields.pop("csrf_token", None)
    return parser.fields


def value_for(options: list[str]) -> st.SearchStrategy[str]:
    """A value for one field: one of its own options, or something else entirely."""
    choices = [any_text, hostile_text, number_text, date_text]
    if options:
        choices.insert(0, st.sampled_from(options))
    return st.one_of(*choices)


def submission(fields: dict[str, list[str]]) -> st.SearchStrategy[dict[str, str]]:
    """A form post: a random subset of the page's fields plus a stray one, each with a fuzzed value."""
    names = sorted(fields)
    return st.fixed_dictionaries({}, optional={name: value_for(fields.get(name, [])) for name in [*names, "stray"]})


def row_counts(session) -> dict[str, int]:
    """How many rows each table holds."""
    session.expire_all()
    return {
        table.name: session.scalar(select(func.count()).select_from(table)) for table in Base.metadata.sorted_tables
    }


@pytest.fixture
def records(make_party, make_agreement, make_source, get_sector):
    """One of each kind of record, so edit, link and delete pages exist."""
    ministry = make_party(name="Ministry of Industry", aliases=["Kemenperin"])
    aitec = make_party(name="AITEC Co., Ltd", kind=PartyKind.COMPANY, country_code="KR", aliases=["AITEC"])
    agreement = make_agreement(
        start="2006",
        end="2018",
        parties=[(ministry, PartyRole.SIGNATORY), (aitec, PartyRole.SIGNATORY)],
        sectors=[get_sector("technology")],
    )
    other = make_agreement(title="MoU on electric vehicles", parties=[(ministry, PartyRole.SIGNATORY)])
    source = make_source(agreements=[(agreement, "quote")])
    return {
        "agreement": agreement.id,
        "other": other.id,
        "party": aitec.id,
        "source": source.id,
        "sector": get_sector("moulds-and-dies").id,
    }


FORM_PAGES = [
    ("/agreements/new", "/agreements/new"),
    ("/agreements/{agreement}/edit", "/agreements/{agreement}/edit"),
    ("/agreements/{agreement}", "/agreements/{agreement}/relations"),
    ("/parties/new", "/parties/new"),
    ("/parties/{party}/edit", "/parties/{party}/edit"),
    ("/sectors/new", "/sectors/new"),
    ("/sectors/{sector}/edit", "/sectors/{sector}/edit"),
    ("/sources/new", "/sources/new"),
    ("/sources/{source}/edit", "/sources/{source}/edit"),
    ("/sources/{source}/links/new", "/sources/{source}/links/new"),
    ("/agreements/{agreement}/sources/new", "/agreements/{agreement}/sources/new"),
]

QUERY_PAGES = ["/", "/agreements/", "/expiring/", "/parties/", "/sources/", "/sectors/"]


@pytest.mark.parametrize(("page", "action"), FORM_PAGES)
def test_forms_never_fail_or_half_save(client, session, records, page, action):
    page, action = page.format(**records), action.format(**records)
    fields = fields_of(client, page)
    if page == f"/agreements/{records['agreement']}":  # the detail page holds the relation form
        fields = {name: fields[name] for name in ("kind", "other", "note")}

    @FUZZ_SETTINGS
    @given(data=submission(fields))
    def post(data):
        before = row_counts(session)
        response = client.post(action, data=data)
        assert response.status_code < 500, (data, response.status_code)
        if response.status_code >= 400:
            assert row_counts(session) == before, data

    post()


@pytest.mark.parametrize("page", QUERY_PAGES)
def test_query_strings_never_fail(client, records, page):
    fields = fields_of(client, page)

    @FUZZ_SETTINGS
    @given(params=submission(fields))
    def get(params):
        response = client.get(page, query_string=params)
        assert response.status_code in (200, 400), (params, response.status_code)

    get()


@FUZZ_SETTINGS
@given(path=st.text(st.characters(exclude_categories=("Cs",)), max_size=40))
def test_arbitrary_paths_never_fail(client, path):
    response = client.get("/agreements/" + path)
    assert response.status_code < 500
