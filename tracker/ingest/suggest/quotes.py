"""The sentence to quote as the note of a link: the first that contains one of the phrases the suggestions found."""

from __future__ import annotations

import re

SENTENCE_END = re.compile(r"(?<=[.!?”\"])\s+")


def best_quote(text: str, phrases: list[str]) -> str:
    """The first sentence of the text that contains one of the phrases."""
    sentences = SENTENCE_END.split(text or "")
    for phrase in phrases:
        for sentence in sentences:
            if phrase and phrase.lower() in sentence.lower():
                return sentence.strip()[:1000]
    return ""
