"""Writes on the search glossary: entries of phrases that stand for one another in a query."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.errors import DuplicateError, ValidationError
from tracker.i18n import _
from tracker.models import GlossaryEntry
from tracker.search import phrase_key, search_terms

# A phrase is a few words; an entry a handful of phrases (room for spellings and plurals in two languages).
PHRASE_MAX = 100
PHRASES_MAX = 30


def clean_phrases(lines: list[str]) -> list[str]:
    """The phrases as stored: whitespace collapsed, blank lines and repeats (compared as the search does) dropped."""
    kept: dict[tuple[str, ...], str] = {}
    for line in lines:
        phrase = " ".join(line.split())
        if phrase and phrase_key(phrase) not in kept:
            kept[phrase_key(phrase)] = phrase
    return list(kept.values())


def phrase_problem(phrases: list[str]) -> str | None:
    """What is wrong with an entry's (cleaned) phrases, if anything, as a message for the field."""
    if len(phrases) < 2:
        return str(_("Give at least two phrases that stand for one another, one per line."))
    if len(phrases) > PHRASES_MAX:
        return str(_("Give at most %(max)s phrases (%(count)s given).", max=PHRASES_MAX, count=len(phrases)))
    for phrase in phrases:
        if len(phrase) > PHRASE_MAX:
            return str(_("Keep each phrase to %(max)s characters: “%(phrase)s…”.", max=PHRASE_MAX, phrase=phrase[:30]))
        if not search_terms(phrase):
            return str(_("“%(phrase)s” has no letter or digit, so no search would match it.", phrase=phrase))
    return None


def create_entry(session: Session, lines: list[str]) -> GlossaryEntry:
    """Add an entry to the glossary."""
    entry = GlossaryEntry()
    _apply(session, entry, lines)
    session.add(entry)
    session.flush()
    return entry


def update_entry(session: Session, entry: GlossaryEntry, lines: list[str]) -> GlossaryEntry:
    """Change an entry's phrases."""
    _apply(session, entry, lines)
    session.flush()
    return entry


def delete_entry(session: Session, entry: GlossaryEntry) -> None:
    """Remove an entry: its phrases no longer stand for one another (the sectors' words still do)."""
    session.delete(entry)
    session.flush()


def _apply(session: Session, entry: GlossaryEntry, lines: list[str]) -> None:
    """Check the phrases, alone and against the other entries, then store them one per line."""
    phrases = clean_phrases(lines)
    problem = phrase_problem(phrases)
    if problem:
        raise ValidationError(problem, field="phrases")
    _check_unique(session, entry, phrases)
    entry.phrases = "\n".join(phrases)


def _check_unique(session: Session, entry: GlossaryEntry, phrases: list[str]) -> None:
    """No phrase is in another entry already: one entry per meaning, edited in one place."""
    # The glossary is small, and phrases compare as the search compares them (folded, stemmed): in Python.
    others = session.scalars(
        select(GlossaryEntry).where(GlossaryEntry.id != entry.id) if entry.id else select(GlossaryEntry)
    )
    taken = {phrase_key(phrase): other for other in others for phrase in other.phrases.splitlines()}
    for phrase in phrases:
        other = taken.get(phrase_key(phrase))
        if other is not None:
            message = _(
                "“%(phrase)s” is already in the entry “%(entry)s”; edit that one instead.",
                phrase=phrase,
                entry=" | ".join(other.phrases.splitlines()),
            )
            raise DuplicateError(str(message), field="phrases")
