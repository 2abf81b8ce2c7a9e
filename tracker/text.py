"""Text as the tracker compares and shows it: names and words folded for comparison, long text shortened.

Pure: no Flask, no database, so that every layer may use it.
"""

from __future__ import annotations

import unicodedata


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
