"""The record contracts alone: no application, no request, no database session."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from tracker.dates import PartialDate
from tracker.models import AgreementStatus, InstrumentType, PartyKind, PartyRole, RenewalIntent, SourceKind
from tracker.records import agreement, party, sector, source
from tracker.records.agreement import AgreementData
from tracker.records.codec import from_json
from tracker.records.fields import Kind, plain_specs, spec_of, specs
from tracker.records.party import PartyData
from tracker.records.problems import InvalidRecord
from tracker.records.sector import SectorData
from tracker.records.source import SourceData


def messages(problems) -> list[tuple[str, str]]:
    """(field, message) of each problem, the message as English text."""
    return [(problem.field, str(problem.message)) for problem in problems]


def aitec(**changes) -> AgreementData:
    """The seed article's agreement, with changes."""
    data = AgreementData(
        title="Technology development cooperation",
        title_local="Kerja sama pengembangan teknologi",
        instrument_type=InstrumentType.AGREEMENT,
        status=AgreementStatus.IN_FORCE,
        start=PartialDate.parse("2006"),
        end=PartialDate.parse("2018"),
    )
    return dataclasses.replace(data, **changes)


def test_every_field_is_declared_once_in_order_with_its_rules():
    names = [spec.name for spec in plain_specs(AgreementData)]
    assert names == [
        "title",
        "title_local",
        "instrument_type",
        "status",
        "renewal_intent",
        "signed",
        "place_of_signing",
        "start",
        "end",
        "duration_months",
        "auto_renewal",
        "renewal_months",
        "notice_period",
        "notice_unit",
        "notice_by",
        "in_force",
        "ratification",
        "ratifying_instrument",
        "document_number",
        "implementation",
        "implementation_note",
        "implementation_as_of",
        "summary",
        "notes",
    ]
    title = spec_of(AgreementData, "title")
    assert (title.kind, title.required, title.max_length, str(title.label)) == (Kind.TEXT, True, 500, "Title")
    assert spec_of(AgreementData, "instrument_type").file_key == "instrument"
    assert spec_of(AgreementData, "renewal_intent").default is RenewalIntent.NOT_RECORDED
    assert agreement.file_columns()[:3] == ["title", "title_local", "instrument"]
    assert agreement.file_columns()[-2:] == ["summary", "notes"]


def test_the_agreement_check_names_each_field_at_fault():
    assert agreement.check(vars(aitec())) == []
    broken = aitec(title="  ", title_local="x" * 501, end=PartialDate.parse("2005"))
    assert messages(agreement.check(vars(broken))) == [
        ("title", "Give the agreement a title."),
        ("title_local", "At most 500 characters (this has 501)."),
        ("end", "The end (2005) is before the start (2006)."),
    ]


def test_the_end_is_compared_at_the_coarser_precision():
    same_year = aitec(start=PartialDate.parse("2018-03-15"), end=PartialDate.parse("2018"))
    assert agreement.check(vars(same_year)) == []


def test_a_partial_check_looks_only_at_the_fields_given():
    assert messages(agreement.check({"status": None})) == [("status", "Give the status.")]
    assert agreement.check({"title": "A title"}) == []


def test_json_reads_into_the_data_class_with_defaults_for_missing_optional_fields():
    body = {
        "title": "MoU on electric vehicles",
        "instrument_type": "mou",
        "status": "signed",
        "signed": "2017-10",
        "sectors": ["electric-vehicles"],
        "parties": [{"party_id": 3, "role": "signatory"}],
    }
    data = agreement.from_json(body)
    assert data.signed == PartialDate.parse("2017-10") and data.start is None
    assert (data.renewal_intent, data.summary) == (RenewalIntent.NOT_RECORDED, "")
    assert (data.sector_slugs, data.parties) == (["electric-vehicles"], [(3, PartyRole.SIGNATORY)])


def test_json_with_an_impossible_date_is_refused_naming_the_field():
    with pytest.raises(InvalidRecord) as refused:
        agreement.from_json({"title": "T", "instrument_type": "mou", "status": "signed", "end": "2018-02-30"})
    assert [problem.field for problem in refused.value.problems] == ["end"]
    with pytest.raises(InvalidRecord) as refused:
        from_json(SourceData, {"title": "T", "published_on": "2017-02-30"})
    assert messages(refused.value.problems) == [("published_on", "That day does not exist.")]


def test_a_party_is_cleaned_then_checked():
    data = party.cleaned(
        PartyData(name="  AITEC   Co., Ltd ", kind=PartyKind.COMPANY, country_code="kr", aliases=["AITEC", "aitec", ""])
    )
    assert (data.name, data.country_code, data.aliases) == ("AITEC Co., Ltd", "KR", ["AITEC"])
    assert party.check(data) == []
    bad = party.cleaned(PartyData(name="", kind=PartyKind.COMPANY, country_code="XX", aliases=["y" * 301]))
    assert messages(party.check(bad)) == [
        ("name", "Give the party's name."),
        ("country_code", "“XX” is not an ISO 3166-1 country code."),
        ("aliases", "Keep each alias to 300 characters."),
    ]


def test_a_sector_gets_its_slug_from_the_name_and_keywords_are_checked():
    data = sector.cleaned(SectorData(name="Moulds & Dies", keywords=["cetakan", "Cetakan", " mould "]))
    assert (data.slug, data.keywords) == ("moulds-dies", ["cetakan", "mould"])
    assert sector.check(data) == []
    bad = sector.cleaned(SectorData(name="日本", slug="", keywords=["—"]))
    assert messages(sector.check(bad)) == [
        ("slug", "The name gives no slug; type one with letters a–z, digits and hyphens."),
        ("keywords", "“—” has no letter or digit, so no text would match it."),
    ]


def test_a_source_checks_its_url_language_and_day():
    good = source.cleaned(SourceData(title="Tirto", url="https://tirto.id/x", language="EN-gb"))
    assert good.language == "en-gb" and source.check(good) == []
    bad = source.cleaned(
        SourceData(title="Tirto", url="javascript:alert(1)", language="english", published_on=date(1850, 1, 1))
    )
    assert [field for field, _message in messages(source.check(bad))] == ["url", "published_on", "language"]
    assert SourceData(title="T").kind is SourceKind.NEWS_ARTICLE


def test_every_contract_field_has_a_label_and_a_history_noun():
    for contract in (AgreementData, PartyData, SectorData, SourceData):
        for spec in specs(contract):
            assert str(spec.label) and str(spec.noun), spec.name
