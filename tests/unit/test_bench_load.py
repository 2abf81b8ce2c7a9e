"""bench/load.py's fairness check and summary (no server: the answers are given)."""

from __future__ import annotations

import json

import pytest

from bench import load


def answers(monkeypatch: pytest.MonkeyPatch, bodies: dict[str, bytes]) -> None:
    """fetch() answers each URL with its body."""
    monkeypatch.setattr(load, "fetch", lambda url, headers: bodies[url])


def tracker_api(ids: list[int], total: int) -> bytes:
    """The tracker's API list answer."""
    return json.dumps({"items": [{"id": number} for number in ids], "total": total}).encode()


def datasette_api(ids: list[int], total: int) -> bytes:
    """Datasette's JSON answer to the fair statement (the total on every row)."""
    return json.dumps({"rows": [{"id": number, "total": total} for number in ids]}).encode()


def targets() -> tuple[load.Target, load.Target]:
    """Both sides of the API list."""
    return (
        load.Target("tracker", {}, load.read_tracker_json),
        load.Target("datasette", {}, load.read_datasette_json),
    )


def test_the_same_ids_order_and_total_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    answers(monkeypatch, {"tracker": tracker_api([9, 4, 7], 30), "datasette": datasette_api([9, 4, 7], 30)})
    assert load.verify("API list", *targets(), api_total=30) == 30


@pytest.mark.parametrize(
    ("ids", "total"),
    [([9, 7, 4], 30), ([9, 4], 30), ([9, 4, 7], 31)],
    ids=["another order (no tie-breaker)", "other rows", "another total"],
)
def test_any_difference_stops_the_phase(monkeypatch: pytest.MonkeyPatch, ids: list[int], total: int) -> None:
    answers(monkeypatch, {"tracker": tracker_api([9, 4, 7], 30), "datasette": datasette_api(ids, total)})
    with pytest.raises(load.Unfair):
        load.verify("API list", *targets(), api_total=30)


def test_html_pages_are_read_in_order() -> None:
    tracker = b'<a href="/agreements/9">A</a> <a href="/agreements/9/edit">e</a> <a href="/agreements/4">B</a>'
    datasette = b'<td class="col-id type-int">9</td><td class="col-title">A</td><td class="col-id type-int">4</td>'
    assert load.read_tracker_html(tracker) == ([9, 4], None)
    assert load.read_datasette_html(datasette) == ([9, 4], None)


def test_summary_gives_medians_spread_and_the_rounds_ratios() -> None:
    def entry(side: str, number: int, rate: float, noisy: bool = False) -> load.Round:
        return load.Round(side, number, rate, 1.0, 2.0, 0, 0.5, 0.7, 1, noisy)

    rounds = [entry("tracker", 1, 100), entry("datasette", 1, 50), entry("tracker", 2, 120, noisy=True),
              entry("datasette", 2, 40), entry("tracker", 3, 90), entry("datasette", 3, 60)]  # fmt: skip
    summary = load.summarise(rounds)
    assert summary["tracker"]["median"] == 100 and summary["datasette"]["median"] == 50
    assert (summary["tracker"]["min"], summary["tracker"]["max"]) == (90, 120)
    assert summary["ratio"] == 2.0 and summary["ratio_range"] == [1.5, 3.0]
    assert summary["tracker"]["noisy"] == 1 and summary["tracker"]["errors"] == 0
