"""Reading cells: dates at any precision (Indonesian and English months), choices, party lists, countries,
links, and the apostrophe that keeps spreadsheets from running a cell."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.dates import PartialDate
from tracker.importing.countries import country_code_for
from tracker.importing.fields import guess_target
from tracker.importing.values import (
    CellError,
    PartyRef,
    Vocabulary,
    cell_text,
    instrument_from_title,
    neutralise,
    parse_date,
    parse_parties,
    parse_partners,
    unneutralise,
    url_items,
)
from tracker.models import AgreementStatus, InstrumentType, PartyKind, PartyRole, RenewalIntent


@pytest.fixture
def vocabulary(app) -> Vocabulary:
    """The choices' spellings, with labels in the app's language."""
    with app.app_context():
        return Vocabulary()


def test_dates_read_as_the_form_reads_them_and_refusals_are_problems_of_the_cell(app):
    assert parse_date("Jakarta, 22-Apr-1992") == PartialDate.parse("1992-04-22")  # tests/unit/test_datewords.py
    assert parse_date(" ") is None
    with app.test_request_context(), pytest.raises(CellError, match="not a date"):
        parse_date("segera")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        (2006, "2006"),
        (2006.0, "2006"),
        (1.5, "1.5"),
        (datetime(2006, 3, 15), "2006-03-15"),
        (date(2006, 3, 15), "2006-03-15"),
        (True, "true"),
    ],
)
def test_spreadsheet_cells_as_text(value, expected):
    assert cell_text(value) == expected


@pytest.mark.parametrize(
    ("enum_class", "text", "expected"),
    [
        (AgreementStatus, "in_force", AgreementStatus.IN_FORCE),
        (AgreementStatus, "In force", AgreementStatus.IN_FORCE),
        (AgreementStatus, "IN-FORCE", AgreementStatus.IN_FORCE),
        (AgreementStatus, "Berlaku", AgreementStatus.IN_FORCE),
        (AgreementStatus, "Belum berlaku", AgreementStatus.SIGNED),
        (AgreementStatus, "Tidak berlaku lagi", AgreementStatus.EXPIRED),
        (InstrumentType, "MoU", InstrumentType.MOU),
        (InstrumentType, "Memorandum of understanding", InstrumentType.MOU),
        (InstrumentType, "Nota Kesepahaman", InstrumentType.MOU),
        (RenewalIntent, "Renewal intended", RenewalIntent.INTENDED),
        (RenewalIntent, "No", RenewalIntent.NONE),
        (RenewalIntent, "Tidak", RenewalIntent.NONE),
        (RenewalIntent, "not recorded", RenewalIntent.NOT_RECORDED),
        (RenewalIntent, "Tidak diketahui", RenewalIntent.NOT_RECORDED),
        (PartyRole, "implementing agency", PartyRole.IMPLEMENTING_AGENCY),
        (PartyKind, "Organisasi Internasional", PartyKind.INTERNATIONAL_ORGANISATION),
    ],
)
def test_choices_by_value_label_or_synonym(vocabulary, enum_class, text, expected):
    assert vocabulary.choice(enum_class, text) is expected


def test_an_unknown_choice_names_the_accepted_values(vocabulary):
    with pytest.raises(CellError, match="in_force"):
        vocabulary.choice(AgreementStatus, "maybe")
    assert vocabulary.choice(AgreementStatus, "  ") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sudah diratifikasi", AgreementStatus.IN_FORCE),
        ("Sudah disahkan", AgreementStatus.IN_FORCE),
        ("Tidak memerlukan pengesahan", AgreementStatus.IN_FORCE),
        ("No ratification / notification needed", AgreementStatus.IN_FORCE),
        ("Already ratified/notified", AgreementStatus.IN_FORCE),
        ("Belum diratifikasi", AgreementStatus.SIGNED),
        ("Not yet ratified/notified", AgreementStatus.SIGNED),
        ("Berlaku", AgreementStatus.IN_FORCE),
    ],
)
def test_ratification_statuses(vocabulary, text, expected):
    assert vocabulary.ratification(text) is expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Memorandum of Understanding on Industrial Cooperation", InstrumentType.MOU),
        ("MoU on electric vehicles", InstrumentType.MOU),
        ("Memorandum Saling Pengertian tentang Iptek", InstrumentType.MOU),
        ("Persetujuan tentang Kemitraan Ekonomi", InstrumentType.AGREEMENT),
        ("Implementing Arrangement under the Agreement on Trade", InstrumentType.IMPLEMENTING_ARRANGEMENT),
        ("Joint Statement on Energy", InstrumentType.JOINT_STATEMENT),
        ("Letter of Intent on Batteries", InstrumentType.LETTER_OF_INTENT),
        ("Exchange of Notes", None),
    ],
)
def test_instrument_from_the_title(title, expected):
    assert instrument_from_title(title) is expected


def test_party_lists_with_country_role_and_kind(vocabulary):
    parties = parse_parties(
        "Ministry of Industry (ID, signatory); AITEC Co., Ltd (KR, funder, company); UNIDO (signatory, io)",
        vocabulary,
    )
    assert parties == [
        PartyRef("Ministry of Industry", PartyRole.SIGNATORY, "ID", None),
        PartyRef("AITEC Co., Ltd", PartyRole.FUNDER, "KR", PartyKind.COMPANY),
        PartyRef("UNIDO", PartyRole.SIGNATORY, None, PartyKind.INTERNATIONAL_ORGANISATION),
    ]


def test_an_acronym_in_brackets_is_another_name_other_brackets_are_part_of_the_name(vocabulary):
    # Issue 14: the acronym becomes the party's alias (it used to stay in the name).
    assert parse_parties("Korea Institute for Advancement of Technology (KIAT)", vocabulary) == [
        PartyRef("Korea Institute for Advancement of Technology", acronym="KIAT")
    ]
    assert parse_parties("Korea Institute (KIAT) (KR, other, other)", vocabulary) == [
        PartyRef("Korea Institute", PartyRole.OTHER, "KR", PartyKind.OTHER, acronym="KIAT")
    ]
    assert parse_parties("PT Aneka Tambang (Persero)", vocabulary) == [PartyRef("PT Aneka Tambang (Persero)")]


def test_a_mistyped_attribute_is_refused_not_taken_as_a_name(vocabulary):
    with pytest.raises(CellError, match="signatroy"):
        parse_parties("AITEC (KR, signatroy)", vocabulary)


def test_json_parties(vocabulary):
    parties = parse_parties(
        [{"name": "AITEC Co., Ltd", "country": "KR", "role": "funder", "kind": "company"}, "Ministry of Industry (ID)"],
        vocabulary,
    )
    assert parties == [
        PartyRef("AITEC Co., Ltd", PartyRole.FUNDER, "KR", PartyKind.COMPANY),
        PartyRef("Ministry of Industry", PartyRole.SIGNATORY, "ID", None),
    ]


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Korea Selatan", "KR"),
        ("Republik Korea", "KR"),
        ("South Korea", "KR"),
        ("Korea, Republic of", "KR"),
        ("Jepang", "JP"),
        ("Amerika Serikat", "US"),
        ("Tiongkok", "CN"),
        ("Inggris", "GB"),
        ("Timor-Leste", "TL"),
        ("Government of Japan", "JP"),
        ("Germany", "DE"),
        ("KR", "KR"),
        ("UNIDO", None),
        ("", None),
    ],
)
def test_country_names_in_indonesian_and_english(name, code):
    assert country_code_for(name) == code


def test_partners_are_states_or_organisations():
    assert parse_partners("Korea Selatan; UNIDO") == [
        PartyRef("Korea Selatan", country="KR", kind=PartyKind.STATE, state_of="KR"),
        PartyRef("UNIDO", kind=PartyKind.INTERNATIONAL_ORGANISATION),
    ]


def test_links_split_at_semicolons_and_spaces_but_not_inside_a_link():
    text = "https://a.example/x;y=1; https://b.example/ http://c.example/z;https://d.example/"
    assert url_items(text) == [
        "https://a.example/x;y=1",
        "https://b.example/",
        "http://c.example/z",
        "https://d.example/",
    ]


@pytest.mark.parametrize("text", ["=SUM(A1)", "+1", "-2", "@cmd", "\tx", "\rx", "'=x", "''=x", "'@", "'x", "'", "x"])
def test_neutralising_is_undone_exactly(text):
    assert unneutralise(neutralise(text)) == text


def test_formula_like_cells_get_an_apostrophe():
    assert neutralise('=HYPERLINK("http://evil")') == '\'=HYPERLINK("http://evil")'
    assert neutralise("plain") == "plain"
    assert neutralise("'quoted'") == "'quoted'"


@given(st.text(max_size=30))
def test_neutralising_never_leaves_a_formula_and_is_reversible(text):
    safe = neutralise(text)
    assert not safe.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert unneutralise(safe) == text


@pytest.mark.parametrize(
    ("header", "target"),
    [
        ("title", "title"),
        ("Title", "title"),
        ("Judul Perjanjian", "title"),
        ("Tempat & Tanggal Penandatanganan", "signed"),
        ("Negara / Organisasi", "partner"),
        ("Status Pengesahan", "ratification"),
        ("Renewal intent", "renewal_intent"),
        ("party_2", "party_2"),
        ("Country 2", "country_2"),
        ("Source URLs", "sources"),
        ("Whatever", None),
    ],
)
def test_headers_recognised_without_a_preset(app, header, target):
    with app.app_context():
        assert guess_target(header) == target
