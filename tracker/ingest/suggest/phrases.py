"""Names, aliases or keywords found in a text as whole words, longer phrases first."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence

from tracker.ingest.suggest.words import Token, phrase_key
from tracker.text import normalise_name

# Names longer than this many words are still matched, up to this many words (no real name is longer).
MAX_PHRASE_WORDS = 30


class PhraseIndex:
    """Names, aliases or keywords of owners (party or sector ids), found in texts as whole words."""

    def __init__(self) -> None:
        self._labels: dict[str, list[tuple[Hashable, str]]] = defaultdict(list)
        self._first_words: set[str] = set()
        self._longest = 0

    def add(self, owner: Hashable, label: str) -> None:
        """Index `label` as a way to refer to `owner`; labels without letters or digits are ignored."""
        key = phrase_key(label)
        if not key:
            return
        words = key.split(" ")[:MAX_PHRASE_WORDS]
        key = " ".join(words)
        self._labels[key].append((owner, label))
        self._first_words.add(words[0])
        self._longest = max(self._longest, len(words))

    def find(self, text: str, words: Sequence[Token]) -> dict[Hashable, list[str]]:
        """Owner -> labels found, in the order they first occur; longer phrases win over words inside them."""
        found: dict[Hashable, list[str]] = {}
        for first, last, key in self._occurrences(words):
            seen = normalise_name(text[words[first].start : words[last - 1].end])
            for owner, label in self._labels_by_owner(key, seen):
                labels = found.setdefault(owner, [])
                if label not in labels:
                    labels.append(label)
        return found

    def _occurrences(self, words: Sequence[Token]) -> list[tuple[int, int, str]]:
        """Non-overlapping (first word, past last word, key), longest first, then returned in text order."""
        keys = [word.key for word in words]
        candidates = [
            (first, first + length, " ".join(keys[first : first + length]))
            for first in range(len(keys))
            if keys[first] in self._first_words
            for length in range(1, min(self._longest, len(keys) - first) + 1)
        ]
        candidates = [candidate for candidate in candidates if candidate[2] in self._labels]
        taken = [False] * len(keys)
        kept = []
        for first, last, key in sorted(candidates, key=lambda c: (c[0] - c[1], c[0])):
            if not any(taken[first:last]):
                taken[first:last] = [True] * (last - first)
                kept.append((first, last, key))
        return sorted(kept)

    def _labels_by_owner(self, key: str, seen: str) -> list[tuple[Hashable, str]]:
        """One label per owner for a key: the one spelled as in the text when there is one."""
        chosen: dict[Hashable, str] = {}
        for owner, label in self._labels[key]:
            if owner not in chosen or normalise_name(label) == seen:
                chosen[owner] = label
        return list(chosen.items())
