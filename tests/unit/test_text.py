"""Text helpers every layer uses: folding for comparison, name keys, shortening."""

from __future__ import annotations

from tracker.text import fold, normalise_name, shorten


def test_fold_drops_accents_and_case_alike_for_plain_and_accented_text():
    assert fold("Kementerian PERINDUSTRIAN") == "kementerian perindustrian"
    assert fold("Ñandú Café İ") == "nandu cafe i"


def test_a_name_key_is_the_folded_name_with_single_spaces():
    assert normalise_name("  Société   Générale ") == fold("Societe Generale")


def test_shortening_drops_the_punctuation_left_before_the_ellipsis():
    assert shorten("Memorandum of Understanding — Phase Two of the programme", 32) == "Memorandum of Understanding…"
