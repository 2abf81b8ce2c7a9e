"""Ranking a ministry's thousands of agreements scores only those that could still be among the best, and ranks them
exactly as scoring every one would (issue 18: the review screen at 100,000 agreements)."""

from __future__ import annotations

from random import Random

from tracker.dates import PartialDate
from tracker.ingest.suggest import scoring
from tracker.ingest.suggest.periods import find_periods
from tracker.ingest.suggest.scoring import Candidate, rank, score_candidate

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
