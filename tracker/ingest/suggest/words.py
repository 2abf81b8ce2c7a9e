"""A text's words in comparison form (accents dropped, case folded), and the text without accents."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from tracker.text import fold

# Suggestions come from the start of very long documents: the scan stays fast whatever is pasted.
MAX_TEXT = 200_000

_WORD = re.compile(r"[^\W_]+|&")


@dataclass(frozen=True)
class Token:
    """A word of a text in comparison form, with where it stands in the text."""

    key: str
    start: int
    end: int


def suggestion_text(title: str, text: str) -> str:
    """The title and the text as one text in NFC, cut at MAX_TEXT."""
    return unicodedata.normalize("NFC", "\n\n".join(part for part in (title, text) if part))[:MAX_TEXT]


def tokens(text: str) -> list[Token]:
    """The words of an NFC text; punctuation separates words, and "&" reads as "and"."""
    return [
        Token("and" if match.group() == "&" else fold(match.group()), match.start(), match.end())
        for match in _WORD.finditer(text)
    ]


def phrase_key(phrase: str) -> str:
    """The comparison key of a name or keyword: its folded words joined by single spaces."""
    return " ".join(token.key for token in tokens(unicodedata.normalize("NFC", phrase)))


@lru_cache(maxsize=4096)
def _plain_char(char: str) -> str:
    """The character without its accent, when that leaves exactly one character."""
    base = [part for part in unicodedata.normalize("NFKD", char) if not unicodedata.combining(part)]
    return base[0] if len(base) == 1 else char


def plain_text(text: str) -> str:
    """The text without accents, character for character, so that regex spans point into the original."""
    return "".join(_plain_char(char) for char in text)


def overlaps(span: tuple[int, int], spans: Iterable[tuple[int, int]]) -> bool:
    """Whether `span` shares a character with any of `spans`."""
    return any(span[0] < other[1] and other[0] < span[1] for other in spans)
