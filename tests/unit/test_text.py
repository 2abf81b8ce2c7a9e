"""Text helpers every layer uses: folding for comparison, name keys, shortening, a quote's text fragment."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from tracker.text import fold, normalise_name, shorten, text_fragment


def test_fold_drops_accents_and_case_alike_for_plain_and_accented_text():
    assert fold("Kementerian PERINDUSTRIAN") == "kementerian perindustrian"
    assert fold("Ñandú Café İ") == "nandu cafe i"


def test_a_name_key_is_the_folded_name_with_single_spaces():
    assert normalise_name("  Société   Générale ") == fold("Societe Generale")


def test_shortening_drops_the_punctuation_left_before_the_ellipsis():
    assert shorten("Memorandum of Understanding — Phase Two of the programme", 32) == "Memorandum of Understanding…"


@pytest.mark.parametrize(
    ("quote", "start"),
    [
        # The quote's first eight words, without the quotation mark the page may write otherwise.
        (
            "“Kita dengan AITEC kan kerja samanya sudah berlangsung dari 2006",
            "Kita dengan AITEC kan kerja samanya sudah berlangsung",
        ),
        ('"akan berakhir 2018."', "akan berakhir 2018"),
        # Up to a word ending in a mark, or before one holding a mark or an ellipsis.
        ("Harjanto, “Kita dengan AITEC", "Harjanto"),
        ("masih dibutuhkan,” kata Harjanto", "masih dibutuhkan"),
        ("kerja sama 2006–2018 diperpanjang", "kerja sama"),
        ("dari 2006 … akan berakhir", "dari 2006"),
        ("dari 2006... akan berakhir", "dari 2006"),
        ("Co.Ltd-Korea, bidang", "Co.Ltd-Korea, bidang"),
    ],
)
def test_a_text_fragment_finds_the_quotes_first_words(quote: str, start: str):
    fragment = text_fragment(quote)
    assert fragment.startswith(":~:text=")
    encoded = fragment.removeprefix(":~:text=")
    # The directive's syntax characters are escaped, so that a hyphen or comma in the words stays a word.
    assert "-" not in encoded and "," not in encoded and " " not in encoded and "&" not in encoded
    assert unquote(encoded) == start


def test_a_quote_without_words_has_no_fragment():
    assert text_fragment("") == text_fragment(" “” ") == text_fragment("…") == ""
