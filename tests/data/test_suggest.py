"""Suggestions from article texts: parties, agreements, periods, cues and sectors; and editing sector keywords."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from tracker.dates import PartialDate, Precision
from tracker.demo import AITEC, GOVERNMENT_KR, MINISTRY, load_demo
from tracker.errors import ValidationError
from tracker.ingest.suggest.cues import INSTRUMENT_CUES, RENEWAL_CUES, STATUS_CUES, find_cues
from tracker.ingest.suggest.periods import find_periods
from tracker.ingest.suggest.words import phrase_key
from tracker.models import (
    AgreementStatus,
    InstrumentType,
    Party,
    PartyAlias,
    PartyKind,
    PartyRole,
    RenewalIntent,
    Sector,
    UserRole,
)
from tracker.queries.suggestions import suggest
from tracker.records.sector import KEYWORDS_MAX, SectorData
from tracker.services.agreements import archive_agreement
from tracker.services.parties import archive_party
from tracker.services.sectors import archive_sector, update_sector

SEED_TITLE = "Indonesia Ingin Lanjutkan Kerja Sama Teknologi dengan Korsel"
SEED_TEXT = (Path(__file__).parents[1] / "fixtures" / "seed_article.txt").read_text(encoding="utf-8")
AITEC_AGREEMENT = "Technology development cooperation between the Ministry of Industry and AITEC Co., Ltd"

ENGLISH_TITLE = "Indonesia wants to continue technology cooperation with South Korea"
ENGLISH_TEXT = """
The Ministry of Industry plans to extend its technology development cooperation with AITEC Co., Ltd, an
electronics company from South Korea. "Our cooperation with AITEC has run since 2006 and expires in 2018. We want
to extend it because it is still needed," Director General Harjanto said in Jakarta on Wednesday (4/10/2017).

Indonesia is also preparing a Memorandum of Understanding (MoU) on renewable energy and electric vehicles, as South
Korea aims to make Jeju Island carbon-free by 2030. The ministry also looks at the moulds and dies industry.
"""

SEED_SECTORS = {"technology", "renewable-energy", "electric-vehicles", "moulds-and-dies"}


def year(value: int) -> PartialDate:
    """A date known to the year."""
    return PartialDate.parse(str(value))


def spans(periods) -> list[tuple[str | None, str | None]]:
    """Periods as (start, end) in ISO form, for short assertions."""
    return [(p.start.iso() if p.start else None, p.end.iso() if p.end else None) for p in periods]


def matched_parties(found) -> dict[str, list[str]]:
    """Party name -> the names or aliases found."""
    return {suggestion.party.name: suggestion.matched for suggestion in found.parties}


@pytest.fixture
def demo(session):
    """The demo story, committed."""
    load_demo(session)
    session.commit()


# --- the seed article ------------------------------------------------------------------------------


def test_seed_article_parties(session, demo):
    parties = matched_parties(suggest(session, SEED_TITLE, SEED_TEXT))
    assert parties[MINISTRY] == ["Kementerian Perindustrian"]
    assert parties[AITEC] == ["AITEC Co.Ltd", "AITEC"]
    assert set(parties[GOVERNMENT_KR]) == {"Korsel", "Korea Selatan"}
    # "Indonesia" alone is no alias of the government, and the directorate is named only through "Dirjen".
    assert set(parties) == {MINISTRY, AITEC, GOVERNMENT_KR}


def test_seed_article_period_cues_and_sectors(session, demo):
    found = suggest(session, SEED_TITLE, SEED_TEXT)
    assert [(p.start, p.end) for p in found.periods] == [(year(2006), year(2018))]
    assert found.periods[0].phrase == "dari 2006 dan akan berakhir 2018"
    assert found.periods[0].start.precision is Precision.YEAR
    assert found.instruments[0].value is InstrumentType.MOU
    assert found.instruments[0].phrase == "Memorandum of Understanding"
    assert [(c.value, c.phrase) for c in found.statuses] == [
        (AgreementStatus.ANNOUNCED, "Kita siapkan Memorandum of Understanding")
    ]
    assert [(c.value, c.phrase) for c in found.renewals] == [(RenewalIntent.INTENDED, "memperpanjang")]
    sectors = {s.sector.slug: s.matched for s in found.sectors}
    assert set(sectors) == SEED_SECTORS
    assert sectors["moulds-and-dies"] == ["moulds and die"]
    assert "energi terbarukan" in sectors["renewable-energy"]


def test_seed_article_ranks_the_aitec_agreement_first_with_reasons(session, demo):
    found = suggest(session, SEED_TITLE, SEED_TEXT)
    top = found.agreements[0]
    assert top.agreement.title == AITEC_AGREEMENT
    assert top.reasons[:4] == [
        f"Both {AITEC} and {MINISTRY} are parties",
        "Sector Technology mentioned",
        "Starts in 2006, as the text says",
        "Ends in 2018, as the text says",
    ]
    assert top.reasons[4].startswith("Words of its title in the text: kerja, sama, pengembangan, teknologi")
    assert len(found.agreements) == 3
    assert [a.score for a in found.agreements] == sorted((a.score for a in found.agreements), reverse=True)
    assert top.score > found.agreements[1].score


def test_seed_article_in_an_english_version(session, demo):
    found = suggest(session, ENGLISH_TITLE, ENGLISH_TEXT)
    parties = matched_parties(found)
    assert parties[MINISTRY] == ["Ministry of Industry"]
    assert parties[AITEC] == ["AITEC Co., Ltd", "AITEC"]
    assert parties[GOVERNMENT_KR] == ["South Korea"]
    assert [(p.start, p.end, p.phrase) for p in found.periods] == [
        (year(2006), year(2018), "since 2006 and expires in 2018")
    ]
    assert found.instruments[0].value is InstrumentType.MOU
    assert found.statuses[0].value is AgreementStatus.ANNOUNCED
    assert found.statuses[0].phrase.startswith("preparing a Memorandum of Understanding")
    # "renewable energy" says nothing about renewing.
    assert [(c.value, c.phrase) for c in found.renewals] == [(RenewalIntent.INTENDED, "extend")]
    assert {s.sector.slug for s in found.sectors} == SEED_SECTORS
    assert found.agreements[0].agreement.title == AITEC_AGREEMENT
    assert "Ends in 2018, as the text says" in found.agreements[0].reasons


def test_empty_text_suggests_nothing(session, demo):
    found = suggest(session, "", "")
    assert (found.parties, found.agreements, found.periods, found.sectors) == ([], [], [], [])
    assert (found.instruments, found.statuses, found.renewals) == ([], [], [])


# --- periods ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "phrase"),
    [
        ("Kerja sama ini berjalan sejak 2006 dengan baik dan berakhir 2018.", ("2006", "2018"), None),
        ("Kerja sama berlaku dari 2006 hingga 2018.", ("2006", "2018"), "dari 2006 hingga 2018"),
        ("Kerja sama berlaku dari 2006 sampai 2018.", ("2006", "2018"), "dari 2006 sampai 2018"),
        ("The agreement ran from 2006 to 2018.", ("2006", "2018"), "from 2006 to 2018"),
        ("The agreement runs from 2006 until 2018.", ("2006", "2018"), "from 2006 until 2018"),
        ("Periode 2006–2018.", ("2006", "2018"), "2006–2018"),
        ("Periode 2006-2018.", ("2006", "2018"), "2006-2018"),
        ("Periode 2006 s.d. 2018.", ("2006", "2018"), "2006 s.d. 2018"),
        ("It was valid between 2006 and 2018.", ("2006", "2018"), "between 2006 and 2018"),
        ("Kerja sama yang akan berakhir pada 2018.", (None, "2018"), "berakhir pada 2018"),
        ("sudah berlangsung dari 2006 dan akan berakhir 2018", ("2006", "2018"), "dari 2006 dan akan berakhir 2018"),
        ("The partnership has existed since 2006.", ("2006", None), "since 2006"),
        ("The agreement expires in 2018.", (None, "2018"), "expires in 2018"),
        ("The agreement ends in 2018.", (None, "2018"), "ends in 2018"),
        ("Berlaku sejak Oktober 2017 hingga Desember 2019.", ("2017-10", "2019-12"), None),
        ("It runs from October 2017 to 2019.", ("2017-10", "2019"), None),
        ("Ditandatangani sejak 4 Oktober 2017.", ("2017-10-04", None), None),
        # An agreement's own text: a start, then a term in years or months (the day before the anniversary ends it).
        (
            "Nota Kesepahaman ini berlaku sejak tanggal 15 Maret 2006 dan tetap berlaku selama 12 (dua belas) tahun.",
            ("2006-03-15", "2018-03-14"),
            "sejak tanggal 15 Maret 2006 dan tetap berlaku selama 12 (dua belas) tahun",
        ),
        (
            "This Memorandum shall come into effect on 15 March 2006 and remain in force for a period of twelve (12) "
            "years.",
            ("2006-03-15", "2018-03-14"),
            None,
        ),
        (
            "Perjanjian ini mulai berlaku pada tanggal 1 Januari 2010 untuk jangka waktu 5 (lima) tahun.",
            ("2010-01-01", "2014-12-31"),
            None,
        ),
        ("The arrangement entered into force in March 2019 for 18 months.", ("2019-03", "2020-08"), None),
        ("Kerja sama sejak 2006 selama 12 tahun.", ("2006", "2017"), None),
    ],
)
def test_period_phrasings(text, expected, phrase):
    periods = find_periods(text)
    assert spans(periods)[:1] == [expected]
    if phrase is not None:
        assert periods[0].phrase == phrase


@pytest.mark.parametrize(
    "text",
    [
        "Kerja sama dari 1850 hingga 1890.",
        "It lasts from 1999 to 2150.",
        "Berakhir pada 2101.",
        "Since 1899 the company has grown.",
        "Periode 1800-1850.",
        "The agreement ran from 2018 to 2006.",  # the end before the start
        "kata Harjanto di Jakarta, Rabu (4/10/2017) sebagaimana dilansir dari Antara.",  # the article's own date
        "Korea menargetkan Pulau Jeju tanpa emisi pertama pada 2030.",  # a year with no start or end cue
        "Kunjungan kerja ke Korea Selatan pada 25-29 September lalu.",  # days, not years
        "Tidak ada tahun di sini.",
        "Kerja sama selama 12 (dua belas) tahun.",  # a term without a start
    ],
)
def test_texts_without_a_period(text):
    assert find_periods(text) == []


def test_a_half_of_a_complete_period_is_not_repeated():
    text = "Kerja sama yang akan berakhir pada 2018. Kerja samanya sudah berlangsung dari 2006 dan akan berakhir 2018."
    assert spans(find_periods(text)) == [("2006", "2018")]


def test_complete_periods_come_first_then_text_order():
    text = "A deal expires in 2020. Another ran from 2010 to 2015. A third started in 2012."
    assert spans(find_periods(text)) == [("2010", "2015"), (None, "2020"), ("2012", None)]


def test_a_start_and_an_end_pair_only_within_a_sentence():
    text = "Kerja sama dimulai sejak 2006. Perjanjian lain berakhir 2018.\n\nSejak 2010 ...\n\nBerakhir 2020."
    assert spans(find_periods(text)) == [("2006", None), (None, "2018"), ("2010", None), (None, "2020")]


def test_a_term_pairs_only_within_the_start_s_sentence_and_an_end_comes_first():
    text = "Berlaku sejak 15 Maret 2006. Jangka waktu 12 tahun. Dimulai 2010 hingga 2015 selama 12 tahun."
    assert spans(find_periods(text)) == [("2010", "2015"), ("2006-03-15", None)]


def test_a_sentence_wrapped_over_lines_still_pairs():
    assert spans(find_periods("The cooperation has run since\n2006 and\nexpires in 2018.")) == [("2006", "2018")]


# --- instrument, status and renewal cues -----------------------------------------------------------


def cue(text: str, cues) -> list[tuple[object, str]]:
    """(value, phrase) of every cue found."""
    return [(c.value, c.phrase) for c in find_cues(text, cues)]


@pytest.mark.parametrize(
    ("text", "value", "phrase"),
    [
        ("Kedua pihak menandatangani MoU itu.", InstrumentType.MOU, "MoU"),
        ("Nota Kesepahaman telah dibuat.", InstrumentType.MOU, "Nota Kesepahaman"),
        ("A memorandum of understanding was drafted.", InstrumentType.MOU, "memorandum of understanding"),
        ("Perjanjian itu penting.", InstrumentType.AGREEMENT, "Perjanjian"),
        ("The agreement is important.", InstrumentType.AGREEMENT, "agreement"),
        ("Kerja sama teknologi berlanjut.", InstrumentType.AGREEMENT, "Kerja sama"),
        ("Technology cooperation goes on.", InstrumentType.AGREEMENT, "cooperation"),
        ("They issued a letter of intent.", InstrumentType.LETTER_OF_INTENT, "letter of intent"),
        ("Sebuah LoI diteken.", InstrumentType.LETTER_OF_INTENT, "LoI"),
    ],
)
def test_instrument_cues(text, value, phrase):
    assert cue(text, INSTRUMENT_CUES)[0] == (value, phrase)


def test_a_named_instrument_outranks_cooperation():
    text = "Kerja sama ini akan dituangkan dalam perjanjian, lalu dalam MoU."
    assert [value for value, _phrase in cue(text, INSTRUMENT_CUES)] == [InstrumentType.MOU, InstrumentType.AGREEMENT]
    assert cue(text, INSTRUMENT_CUES)[1] == (InstrumentType.AGREEMENT, "perjanjian")


@pytest.mark.parametrize(
    ("text", "value", "phrase"),
    [
        ("Kedua menteri menandatangani perjanjian itu.", AgreementStatus.SIGNED, "menandatangani"),
        ("MoU itu ditandatangani di Seoul.", AgreementStatus.SIGNED, "ditandatangani"),
        ("The MoU was signed in Seoul.", AgreementStatus.SIGNED, "signed"),
        ("Menteri menyiapkan MoU dengan Korea.", AgreementStatus.ANNOUNCED, "menyiapkan MoU"),
        ("Kita siapkan draf MoU.", AgreementStatus.ANNOUNCED, "Kita siapkan draf MoU"),
        ("Kedua negara akan menandatangani MoU.", AgreementStatus.ANNOUNCED, "akan menandatangani"),
        ("Indonesia plans to sign an MoU.", AgreementStatus.ANNOUNCED, "plans to sign"),
        ("The countries will sign the agreement.", AgreementStatus.ANNOUNCED, "will sign"),
        ("The agreement will be signed next year.", AgreementStatus.ANNOUNCED, "will be signed"),
        ("The ministry is preparing an agreement.", AgreementStatus.ANNOUNCED, "preparing an agreement"),
    ],
)
def test_status_cues(text, value, phrase):
    assert cue(text, STATUS_CUES) == [(value, phrase)]


@pytest.mark.parametrize(
    ("text", "value", "phrase"),
    [
        ("Kami ingin memperpanjang kerja sama ini.", RenewalIntent.INTENDED, "memperpanjang"),
        ("Perpanjangan kerja sama sedang dibahas.", RenewalIntent.INTENDED, "Perpanjangan"),
        ("Indonesia akan melanjutkan kerja sama.", RenewalIntent.INTENDED, "melanjutkan"),
        ("Indonesia wants to extend the agreement.", RenewalIntent.INTENDED, "extend"),
        ("An extension is planned.", RenewalIntent.INTENDED, "extension"),
        ("Both sides hope to renew it.", RenewalIntent.INTENDED, "renew"),
        ("The agreement has been extended to 2023.", RenewalIntent.RENEWED, "has been extended"),
    ],
)
def test_renewal_cues(text, value, phrase):
    assert cue(text, RENEWAL_CUES)[0] == (value, phrase)


@pytest.mark.parametrize(
    ("text", "cues"),
    [
        ("Renewable energy is the future.", RENEWAL_CUES),
        ("Energi terbarukan adalah masa depan.", RENEWAL_CUES),
        ("The designer undersigned nothing.", STATUS_CUES),
        ("Mousse and loin are served.", INSTRUMENT_CUES),
    ],
)
def test_no_cue_inside_other_words(text, cues):
    assert find_cues(text, cues) == []


# --- parties ---------------------------------------------------------------------------------------


def test_names_match_ignoring_case_accents_and_punctuation(session, make_party):
    make_party(name="Société Générale", country_code="FR", kind=PartyKind.COMPANY)
    make_party(name="AITEC Co., Ltd", country_code="KR", kind=PartyKind.COMPANY)
    found = suggest(session, "", "SOCIETE GENERALE dan aitec co.ltd menandatangani MoU.")
    assert matched_parties(found) == {"Société Générale": ["Société Générale"], "AITEC Co., Ltd": ["AITEC Co., Ltd"]}


def test_a_name_inside_a_longer_word_is_no_match(session, make_party):
    make_party(name="Industri", aliases=["AIT", "Korea"])
    found = suggest(session, "", "Kementerian Perindustrian bekerja dengan AITEC dari Korean Peninsula.")
    assert found.parties == []


def test_a_name_inside_a_longer_name_found_is_not_suggested(session, make_party):
    make_party(name="Ministry of Industry of the Republic of Indonesia")
    make_party(name="Government of Indonesia", kind=PartyKind.STATE, aliases=["Republic of Indonesia"])
    found = suggest(session, "", "The Ministry of Industry of the Republic of Indonesia said so.")
    assert list(matched_parties(found)) == ["Ministry of Industry of the Republic of Indonesia"]


def test_archived_parties_and_agreements_are_not_suggested(session, demo):
    archived = session.scalars(select(Party).where(Party.name == GOVERNMENT_KR)).one()
    for link in list(archived.agreement_links):
        archive_agreement(session, link.agreement)
    archive_party(session, archived)
    session.commit()
    found = suggest(session, SEED_TITLE, SEED_TEXT)
    assert set(matched_parties(found)) == {MINISTRY, AITEC}
    assert [a.agreement.title for a in found.agreements] == [AITEC_AGREEMENT]


def test_agreements_of_one_party_rank_by_sector_period_and_title(session, make_party, make_agreement, get_sector):
    aitec = make_party(name="AITEC Co., Ltd", country_code="KR", kind=PartyKind.COMPANY, aliases=["AITEC"])
    make_agreement(title="Electronics training", parties=[(aitec, PartyRole.SIGNATORY)], start="2001", end="2005")
    make_agreement(
        title="Technology development cooperation",
        parties=[(aitec, PartyRole.SIGNATORY)],
        start="2006",
        end="2018",
        sectors=[get_sector("technology")],
    )
    found = suggest(session, "", "AITEC and Indonesia: technology development cooperation since 2006, ends in 2018.")
    assert [a.agreement.title for a in found.agreements] == [
        "Technology development cooperation",
        "Electronics training",
    ]
    assert found.agreements[1].reasons == ["AITEC Co., Ltd is a party"]


def test_many_parties_are_matched_with_a_bounded_number_of_statements(session, count_statements):
    parties = [
        {
            "name": f"Perusahaan Nomor {number}",
            "kind": PartyKind.COMPANY,
            "country_code": "ID",
            "notes": "",
            "version": 1,
        }
        for number in range(3000)
    ]
    session.execute(insert(Party), parties)
    ids = session.scalars(select(Party.id).order_by(Party.id)).all()
    session.execute(insert(PartyAlias), [{"party_id": pid, "alias": f"PN-{pid}"} for pid in ids])
    session.commit()
    with count_statements() as statements:
        found = suggest(session, "", f"Perusahaan Nomor 2999 dan pn {ids[10]} bekerja sama sejak 2006.")
    assert matched_parties(found) == {
        "Perusahaan Nomor 2999": ["Perusahaan Nomor 2999"],
        "Perusahaan Nomor 10": [f"PN-{ids[10]}"],
    }
    assert len(statements) <= 6


def test_many_agreements_are_ranked_with_a_bounded_number_of_statements(
    session, demo, make_agreement, count_statements
):
    aitec = session.scalars(select(Party).where(Party.name == AITEC)).one()
    for number in range(60):
        make_agreement(title=f"Training programme {number}", parties=[(aitec, PartyRole.SIGNATORY)], start="2010")
    with count_statements() as statements:
        found = suggest(session, SEED_TITLE, SEED_TEXT)
    assert len(found.agreements) == 10
    assert found.agreements[0].agreement.title == AITEC_AGREEMENT
    assert len(statements) <= 12


def test_phrase_keys_ignore_punctuation_case_and_accents():
    assert phrase_key("AITEC Co., Ltd") == phrase_key("aitec co.ltd") == "aitec co ltd"
    assert phrase_key("Moulds & Dies") == phrase_key("moulds and dies")
    assert phrase_key("Énergie  Renouvelable") == "energie renouvelable"


# --- sectors and their keywords --------------------------------------------------------------------


def test_a_keyword_is_not_found_inside_a_word(session, make_sector):
    sector = make_sector(name="Dies")
    update_sector(session, sector, SectorData(name="Dies", slug="dies", keywords=["dies", "cetakan"]))
    session.commit()
    assert [s.sector.name for s in suggest(session, "", "Case studies of the industry.").sectors] == []
    found = suggest(session, "", "Industri DIES, juga percetakan.")
    assert [(s.sector.name, s.matched) for s in found.sectors] == [("Dies", ["dies"])]


def test_edited_keywords_drive_the_sector_suggestions(session, get_sector):
    sector = get_sector("technology")
    update_sector(session, sector, SectorData(name=sector.name, slug=sector.slug, keywords=["industri elektronika"]))
    session.commit()
    found = suggest(session, SEED_TITLE, SEED_TEXT)
    assert {s.sector.slug: s.matched for s in found.sectors}["technology"] == ["industri elektronika"]


def test_archived_sectors_are_not_suggested(session, make_sector):
    sector = make_sector(name="Textiles")
    update_sector(session, sector, SectorData(name="Textiles", slug="textiles", keywords=["tekstil"]))
    archive_sector(session, sector)
    session.commit()
    assert suggest(session, "", "Industri tekstil tumbuh.").sectors == []


def test_update_sector_cleans_and_deduplicates_keywords(session, get_sector):
    sector = get_sector("renewable-energy")
    keywords = ["  Energi   Terbarukan ", "energi terbarukan", "ÉNERGIE", "energie", "", "solar power"]
    update_sector(session, sector, SectorData(name=sector.name, slug=sector.slug, keywords=keywords))
    assert sector.keywords == "Energi Terbarukan\nÉNERGIE\nsolar power"


def test_update_sector_without_keywords_keeps_them(session, get_sector):
    sector = get_sector("renewable-energy")
    before = sector.keywords
    update_sector(session, sector, SectorData(name="Renewables", slug=sector.slug))
    assert sector.keywords == before and "energi terbarukan" in before


@pytest.mark.parametrize(
    ("keywords", "message"),
    [
        (["k" * 101], "Keep each keyword to 100 characters"),
        ([f"word {number}" for number in range(KEYWORDS_MAX + 1)], "Give at most 200 keywords (201 given)"),
        (["---"], "has no letter or digit"),
    ],
)
def test_update_sector_refuses_bad_keywords(session, get_sector, keywords, message):
    sector = get_sector("technology")
    with pytest.raises(ValidationError, match=re.escape(message)) as caught:
        update_sector(session, sector, SectorData(name=sector.name, slug=sector.slug, keywords=keywords))
    assert caught.value.field == "keywords"


def test_two_hundred_keywords_of_a_hundred_characters_are_allowed(session, get_sector):
    sector = get_sector("technology")
    keywords = [f"{number:03d}" + "k" * 97 for number in range(KEYWORDS_MAX)]
    update_sector(session, sector, SectorData(name=sector.name, slug=sector.slug, keywords=keywords))
    assert sector.keywords.splitlines() == keywords


def stored_keywords(session, slug: str) -> str:
    """A sector's keywords as the database now has them."""
    session.rollback()
    session.expire_all()
    return session.scalars(select(Sector.keywords).where(Sector.slug == slug)).one()


def test_edit_form_shows_the_keywords(client, get_sector):
    sector = get_sector("electric-vehicles")
    response = client.get(f"/sectors/{sector.id}/edit")
    assert response.status_code == 200
    assert 'name="keywords"' in response.text and "kendaraan listrik\nmobil listrik" in response.text


def test_saving_keywords_over_http(client, session, get_sector):
    sector = get_sector("electric-vehicles")
    data = {
        "name": sector.name,
        "slug": sector.slug,
        "description": "",
        "keywords": "EV\r\nmobil listrik\r\n\r\nev\r\n",
    }
    response = client.post(f"/sectors/{sector.id}/edit", data=data)
    assert response.status_code == 302
    assert stored_keywords(session, "electric-vehicles") == "EV\nmobil listrik"
    page = client.get("/sectors/").text
    assert "EV, mobil listrik" in page and "energi terbarukan, energi baru terbarukan" in page


def test_new_sector_with_keywords_over_http(client, session):
    response = client.post("/sectors/new", data={"name": "Textiles", "slug": "", "keywords": "tekstil\ntextiles"})
    assert response.status_code == 302
    assert stored_keywords(session, "textiles") == "tekstil\ntextiles"


@pytest.mark.parametrize(
    ("keywords", "message"),
    [
        ("k" * 101, "Keep each keyword to 100 characters"),
        ("\n".join(f"word {number}" for number in range(KEYWORDS_MAX + 1)), "Give at most 200 keywords"),
    ],
)
def test_bad_keywords_over_http_are_refused_next_to_the_field(client, session, get_sector, keywords, message):
    sector = get_sector("technology")
    before = stored_keywords(session, "technology")
    data = {"name": sector.name, "slug": sector.slug, "keywords": keywords}
    response = client.post(f"/sectors/{sector.id}/edit", data=data)
    assert response.status_code == 422
    assert 'id="keywords-error"' in response.text and message in response.text
    assert stored_keywords(session, "technology") == before


def test_editors_may_not_edit_sector_keywords(client_as, session, get_sector):
    sector = get_sector("technology")
    editor = client_as(UserRole.EDITOR)
    before = stored_keywords(session, "technology")
    assert editor.get(f"/sectors/{sector.id}/edit").status_code == 403
    data = {"name": sector.name, "slug": sector.slug, "keywords": "anything"}
    assert editor.post(f"/sectors/{sector.id}/edit", data=data).status_code == 403
    assert stored_keywords(session, "technology") == before
