"""Text as the tracker compares and shows it: names and words folded for comparison, long text shortened.

Pure: no Flask, no database, so that every layer may use it.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote as quote_url


def fold(text: str) -> str:
    """The comparison form of a word or text: accents dropped, case folded."""
    decomposed = unicodedata.normalize("NFKD", text)
    if not decomposed.isascii():  # most text has nothing to drop: skip the per-character pass
        decomposed = "".join(char for char in decomposed if not unicodedata.combining(char))
    return decomposed.casefold()


def normalise_name(text: str) -> str:
    """The comparison key of a name: accents dropped, case folded, whitespace collapsed."""
    return " ".join(fold(text).split())


def shorten(text: str, limit: int) -> str:
    """The text cut at a word boundary to at most `limit` characters, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-–—") + "…"


# Quotation marks and apostrophes of every style read as none, dashes as a hyphen, when a quote is looked up.
QUOTE_MARKS = str.maketrans(dict.fromkeys("\"'“”„‟‘’‚‛«»‹›「」") | dict.fromkeys("‐‑‒–—―", "-"))
# Where a quote leaves words out ("… selama 12 tahun"), its parts are looked up in order.
ELLIPSIS = ("…", "[…]", "[...]", "...")


def quote_key(text: str) -> str:
    """The comparison form of a quoted passage: folded, without quotation marks, whitespace collapsed."""
    return " ".join(fold(text).translate(QUOTE_MARKS).split())


def contains_quote(text: str, quote: str) -> bool:
    """Whether the passage is in the text, whatever its quotation marks, case, accents and line breaks; parts left
    out with an ellipsis may be anything, the rest must come in order."""
    for mark in ELLIPSIS[1:]:
        quote = quote.replace(mark, ELLIPSIS[0])
    parts = [key for key in (quote_key(part) for part in quote.split(ELLIPSIS[0])) if key]
    haystack, position = quote_key(text), 0
    for part in parts:
        found = haystack.find(part, position)
        if found < 0:
            return False
        position = found + len(part)
    return bool(parts)


# Characters that end the run of a quote's words a text fragment may look for: quotation marks and dashes that the
# page may write in another style, and an ellipsis, past which the quote leaves words out.
FRAGMENT_STOPS = frozenset("\"'“”„‟‘’‚‛«»‹›「」‐‑‒–—―…")
FRAGMENT_WORDS = 8


def text_fragment(quote: str) -> str:
    """The URL fragment directive (`:~:text=…`) that makes a browser scroll to and mark a quote's first words in a
    page holding its text; "" when the quote gives none. Only the words before any quotation mark, dash or ellipsis
    are used, as those are written alike in the quote and the page (the quote may have straight quotes where the
    page has curly ones)."""
    stops = "".join(FRAGMENT_STOPS)
    words = quote.replace("[...]", "…").replace("...", "…").strip().lstrip(stops).split()
    start: list[str] = []
    for word in words[:FRAGMENT_WORDS]:
        kept = word.rstrip(stops)
        if not kept or FRAGMENT_STOPS.intersection(kept):
            break
        start.append(kept)
        if kept != word:  # the word ends in a mark: the words after it may be written otherwise
            break
    snippet = " ".join(start).strip(" ,.;:!?()[]")
    if not snippet:
        return ""
    # Commas and hyphens are the directive's own syntax: escaped like every other character but letters and digits.
    return ":~:text=" + quote_url(snippet, safe="").replace("-", "%2D")
