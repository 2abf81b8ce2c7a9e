"""Ranking a ministry's thousands of agreements scores only those that could still be among the best, and ranks them
exactly as scoring every one would (issue 18: the review screen at 100,000 agreements)."""

from __future__ import annotations

from random import Random

import pytest
from sqlalchemy import event, select

from tests.citation_support import TIRTO_TEXT
from tracker.dates import PartialDate
from tracker.ingest.suggest import scoring
from tracker.ingest.suggest.periods import find_periods
from tracker.ingest.suggest.scoring import Candidate, rank, score_candidate
from tracker.ingest.suggest.words import suggestion_text, tokens
from tracker.models import Agreement, AgreementParty, AgreementStatus, InstrumentType, PartyKind, PartyRole
from tracker.queries import suggestions

WORDS = ("technology", "moulds", "dies", "energy", "vehicles", "training", "industry", "korea", "aitec", "steel")


def candidates(count: int, seed: int) -> list[Candidate]:
    """Made-up agreements of one to three of the parties found, with sectors, periods and titles drawn at random."""
    rng = Random(seed)
    made = []
    for number in range(count):
        title = " ".join(rng.sample(WORDS, rng.randint(2, 5)))
        start = PartialDate.parse(str(rng.randint(2000, 2020))) if rng.random() < 0.8 else None
        end = PartialDate.parse(str(rng.randint(2010, 2030))) if rng.random() < 0.8 else None
        made.append(
            Candidate(
                number + 1,
                (title, ""),
                start,
                end,
                party_ids=set(rng.sample([1, 2, 3], rng.randint(1, 3))),
                sector_ids=set(rng.sample([1, 2], rng.randint(0, 2))),
            )
        )
    return made


def brute_force(found, parties, sectors, periods, words):
    """Every candidate scored and sorted, as `rank` did before it bounded its work."""
    scored = [(*score_candidate(c, parties, sectors, periods, words), c) for c in found]
    scored.sort(key=lambda item: (-item[0], item[2].titles[0].casefold(), item[2].id))
    return scored[: scoring.MAX_AGREEMENTS]


def test_bounded_ranking_is_the_same_as_scoring_every_candidate(app):
    parties = {1: "Kemenperin", 2: "AITEC", 3: "Korea"}
    sectors = {1: "Technology", 2: "Moulds and dies"}
    periods = find_periods("Kerja sama ini berlangsung dari 2006 dan akan berakhir 2018.")
    words = {"technology", "moulds", "aitec"}
    with app.test_request_context("/"):
        for seed in range(5):
            found = candidates(3000, seed)
            expected = brute_force(found, parties, sectors, periods, words)
            got = rank(found, parties, sectors, periods, words)
            assert [(score, c.id, reasons) for score, reasons, c in got] == [
                (score, c.id, reasons) for score, reasons, c in expected
            ]
            assert rank(found[:5], parties, sectors, [], set()) == brute_force(found[:5], parties, sectors, [], set())


def ministry_agreements(session, ministry, count: int) -> None:
    """`count` undated agreements of the ministry alone: none can be among the best for the tirto.id article."""
    for number in range(count):
        agreement = Agreement(
            title=f"Cooperation {number}",
            instrument_type=InstrumentType.AGREEMENT,
            status=AgreementStatus.IN_FORCE,
            party_links=[AgreementParty(party=ministry, role=PartyRole.SIGNATORY)],
        )
        session.add(agreement)
    session.commit()


def reading(session, monkeypatch, title: str, text: str):
    """The suggestions for a text, how many statements that took, and how many ranked agreements it read."""
    statements, read = [], []
    candidate = suggestions._candidate
    monkeypatch.setattr(suggestions, "_candidate", lambda row: read.append(row.id) or candidate(row))
    listen = (session.get_bind(), "before_cursor_execute", lambda *args: statements.append(args[2]))
    event.listen(*listen)
    try:
        found = suggestions.suggest(session, title, text)
    finally:
        event.remove(*listen)
    return found, len(statements), len(read)


def test_the_review_reads_as_much_for_50_as_for_500_agreements_of_a_ministry(session, make_party, monkeypatch):
    monkeypatch.setattr(suggestions, "CANDIDATE_PAGE", 5)  # several pages, streamed
    ministry = make_party("Kementerian Perindustrian", aliases=["Kemenperin"])
    aitec = make_party("AITEC Co., Ltd", kind=PartyKind.COMPANY, country_code="KR", aliases=["AITEC"])
    for number in range(12):  # both parties, the text's start year: the best, and the ministry in two roles once
        roles = [(ministry, PartyRole.SIGNATORY), (aitec, PartyRole.SIGNATORY)]
        agreement = Agreement(
            title=f"Technology development {number}",
            instrument_type=InstrumentType.AGREEMENT,
            status=AgreementStatus.IN_FORCE,
            party_links=[
                AgreementParty(party=p, role=r) for p, r in roles + [(ministry, PartyRole.FUNDER)] * (number == 0)
            ],
        )
        agreement.start = PartialDate.parse("2006")
        session.add(agreement)
    ministry_agreements(session, ministry, 50)
    few, few_statements, few_read = reading(session, monkeypatch, "", TIRTO_TEXT)
    ministry_agreements(session, ministry, 450)
    many, many_statements, many_read = reading(session, monkeypatch, "", TIRTO_TEXT)
    assert (many_statements, many_read) == (few_statements, few_read)
    assert few_read < 20
    assert [(a.agreement.id, a.score, a.reasons) for a in many.agreements] == [
        (a.agreement.id, a.score, a.reasons) for a in few.agreements
    ]
    assert len(few.agreements) == scoring.MAX_AGREEMENTS
    assert all(a.agreement.title.startswith("Technology") for a in few.agreements)
    assert (few.more_agreements, many.more_agreements) == (12 + 50 - 10, 12 + 500 - 10)
    reasons = next(a.reasons for a in few.agreements if a.agreement.title == "Technology development 0")
    assert reasons[0] == "Both AITEC Co., Ltd and Kementerian Perindustrian are parties"


def random_date(rng: Random) -> PartialDate | None:
    """A date at a random precision around the article's period, or none."""
    year, month, day = rng.randint(2004, 2020), rng.randint(1, 12), rng.randint(1, 28)
    return rng.choice(
        [None, PartialDate.parse(f"{year}"), PartialDate.parse(f"{year}-{month:02d}")] * 2
        + [PartialDate.parse(f"{year}-{month:02d}-{day:02d}")]
    )


ARTICLE = TIRTO_TEXT + " Robotika industri."
# Three periods (the database takes the greatest of their bounds), one of them open-ended.
MORE_PERIODS = ARTICLE + " Kerja sama lain berlaku sejak 2012 hingga 2015. Yang ketiga mulai 2019."


@pytest.mark.parametrize("article", [ARTICLE, MORE_PERIODS], ids=["one-period", "three-periods"])
def test_the_database_s_order_and_date_bounds_rank_as_scoring_every_agreement(
    session, make_party, make_sector, article
):
    parties = [
        make_party("Kementerian Perindustrian", aliases=["Kemenperin"]),
        make_party("AITEC Co., Ltd", kind=PartyKind.COMPANY, country_code="KR", aliases=["AITEC"]),
        make_party("Pemerintah Korea", kind=PartyKind.STATE, country_code="KR", aliases=["Korea Selatan"]),
    ]
    sector = make_sector("Robotics")
    sector.keywords = "robotika"
    other_sector = make_sector("Mining")
    rng = Random(7)
    for _number in range(400):
        agreement = Agreement(
            title=" ".join(rng.sample((*WORDS, "teknologi", "kerja", "sama", "industri"), rng.randint(2, 5))),
            title_local=" ".join(rng.sample(("kerja", "sama", "pengembangan", "energi"), rng.randint(0, 3))),
            instrument_type=InstrumentType.AGREEMENT,
            status=AgreementStatus.IN_FORCE,
            party_links=[
                AgreementParty(party=party, role=PartyRole.SIGNATORY)
                for party in rng.sample(parties, rng.randint(1, 3))
            ],
            sectors=rng.sample([sector, other_sector], rng.randint(0, 2)),
        )
        agreement.start, agreement.end = random_date(rng), random_date(rng)
        session.add(agreement)
    session.commit()
    found = suggestions.suggest(session, "", article)
    sector_names = {suggested.sector.id: suggested.sector.name for suggested in found.sectors}
    assert sector.id in sector_names
    assert len(found.periods) == (1 if article == ARTICLE else 3)
    everything = [
        Candidate(
            a.id,
            (a.title, a.title_local),
            a.start,
            a.end,
            {link.party_id for link in a.party_links},
            {s.id for s in a.sectors} & set(sector_names),
        )
        for a in session.scalars(select(Agreement))
    ]
    names = {party.id: party.name for party in parties}
    words = {word.key for word in tokens(suggestion_text("", article))}
    expected = brute_force(everything, names, sector_names, found.periods, words)
    assert [(a.agreement.id, a.score, a.reasons) for a in found.agreements] == [
        (c.id, score, reasons) for score, reasons, c in expected
    ]
    assert found.more_agreements == 400 - scoring.MAX_AGREEMENTS
