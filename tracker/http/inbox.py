"""The news inbox's reasons in words, alike on the inbox page and in the API: an item keeps what matched as data
(tracker/queries/relevance.py), worded here in the reader's language."""

from __future__ import annotations

from typing import Any

from tracker.i18n import _


def reasons_in_words(reasons: list[dict[str, Any]]) -> list[str]:
    """What matched, in the reader's language: the names, then phrases, then agreements the item may concern."""
    names = [name_in_words(reason) for reason in reasons if reason.get("kind") in ("party", "alias")]
    said = [str(_("names %(names)s", names=", ".join(names)))] if names else []
    for reason in reasons:
        if reason.get("kind") == "glossary":
            said.append(
                str(_("“%(phrase)s” (glossary: %(meaning)s)", phrase=reason["phrase"], meaning=reason["meaning"]))
            )
        elif reason.get("kind") == "sector":
            said.append(str(_("“%(phrase)s” (sector: %(sector)s)", phrase=reason["phrase"], sector=reason["name"])))
        elif reason.get("kind") == "agreement":
            said.append(str(_("may concern “%(title)s”", title=reason["title"])))
    return said


def name_in_words(reason: dict[str, Any]) -> str:
    """A party named by its name, or by one of its aliases."""
    if reason["kind"] == "party":
        return str(_("%(name)s (party)", name=reason["name"]))
    return str(_("%(alias)s (alias of %(name)s)", alias=reason["alias"], name=reason["name"]))
