"""The page's language: the primary subtag it declares, or a guess from its script and commonest words."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# Old or alternative codes still found in pages ("in" is what many Indonesian sites declare).
LANGUAGE_ALIASES = {"in": "id", "iw": "he", "ji": "yi", "jw": "jv", "ind": "id", "eng": "en", "kor": "ko"}
NOT_LANGUAGES = {"und", "mul", "zxx", "mis", "xx"}


def _words(text: str) -> frozenset[str]:
    """A set of words written as one string."""
    return frozenset(text.split())


STOPWORDS = {
    "id": _words(
        "yang dan di dengan untuk dari ini itu pada akan tidak dalam juga kami kita adalah ke oleh sudah karena "
        "telah bisa atau tersebut menjadi sebagai bahwa masih saat kata mereka ada para"
    ),
    "en": _words(
        "the and of to in is that with for on was are it has have will be by from this said which as an at "
        "its were been would their also"
    ),
}


def normalize_language(tag: Any) -> str:
    """The primary language subtag of a tag such as "id_ID", "en-US" or "in"; "" when it is none."""
    if not isinstance(tag, str):
        return ""
    primary = re.split(r"[-_,;\s]", tag.strip().lower(), maxsplit=1)[0]
    primary = LANGUAGE_ALIASES.get(primary, primary)
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) and primary not in NOT_LANGUAGES else ""


def guess_language(text: str) -> tuple[str, bool]:
    """(language, sure) from the script, or Indonesian against English by their commonest words."""
    letters = [ch for ch in text[:20000] if ch.isalpha()]
    if not letters:
        return "", False
    for language, low, high in (("ko", "\uac00", "\ud7a3"), ("ja", "\u3040", "\u30ff"), ("zh", "\u4e00", "\u9fff")):
        if sum(low <= ch <= high for ch in letters) / len(letters) > 0.3:
            return language, True
    words = re.findall(r"[^\W\d_]+", text[:20000].lower())
    counts = {language: sum(word in stopwords for word in words) for language, stopwords in STOPWORDS.items()}
    (first, high), (_second, low) = sorted(counts.items(), key=lambda item: -item[1])
    if high < 3 or high < 2 * low:
        return "", False
    return first, high >= 10 and high >= 3 * low


def language_of(declared: Iterable[str], text: str) -> str:
    """The declared language, unless it is the en/id template default and the text is clearly otherwise."""
    guessed, sure = guess_language(text)
    for tag in declared:
        language = normalize_language(tag)
        if language:
            return guessed if sure and language in STOPWORDS and guessed != language else language
    return guessed
