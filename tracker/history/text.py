"""How the history reads: the names of recorded fields and the short summary of each change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tracker.history.recorder import Entry
from tracker.i18n import _
from tracker.models import ChangeAction

SUMMARY_MAX = 500

FIELD_LABELS: dict[str, object] = {
    "title": _("title"),
    "title_local": _("local title"),
    "instrument_type": _("instrument"),
    "summary": _("summary"),
    "notes": _("notes"),
    "status": _("status"),
    "renewal_intent": _("renewal"),
    "signed": _("signed"),
    "start": _("start"),
    "end": _("end"),
    "sectors": _("sectors"),
    "parties": _("parties"),
    "name": _("name"),
    "kind": _("kind"),
    "country_code": _("country"),
    "parent": _("part of"),
    "aliases": _("other names"),
    "url": _("URL"),
    "outlet": _("outlet"),
    "author": _("author"),
    "published_on": _("published"),
    "language": _("language"),
    "excerpt": _("excerpt"),
    "slug": _("short name in links"),
    "description": _("description"),
    "source": _("source"),
    "agreement": _("agreement"),
    "note": _("note"),
    "relation": _("relation"),
    "source note": _("source note"),
    "archived_at": _("archived"),
}


def field_label(key: str) -> str:
    """The translated name of a recorded field; unknown keys read as themselves."""
    return str(FIELD_LABELS.get(key, key.replace("_", " ")))


# --- summaries -----------------------------------------------------------------------------------

LINK_SUMMARIES: dict[tuple[ChangeAction, str], Callable[[Any], object]] = {
    (ChangeAction.LINK, "source"): lambda name: _("Linked source “%(name)s”", name=name),
    (ChangeAction.UNLINK, "source"): lambda name: _("Unlinked source “%(name)s”", name=name),
    (ChangeAction.LINK, "agreement"): lambda name: _("Linked to agreement “%(name)s”", name=name),
    (ChangeAction.UNLINK, "agreement"): lambda name: _("Unlinked from agreement “%(name)s”", name=name),
    (ChangeAction.LINK, "relation"): lambda name: _("Relation added: %(name)s", name=name),
    (ChangeAction.UNLINK, "relation"): lambda name: _("Relation removed: %(name)s", name=name),
}


def summarize(entry: Entry) -> str:
    """A short text for the entry: "Created", "Edited title, end", "Linked source “X”"."""
    action, keys = entry.action, list(entry.changes)
    if action in (ChangeAction.LINK, ChangeAction.UNLINK):
        text = LINK_SUMMARIES[(action, keys[0])](entry.subject)
    elif action is ChangeAction.UPDATE and keys == ["source note"] and entry.subject:
        text = _("Edited the note on source “%(name)s”", name=entry.subject)
    elif action is ChangeAction.UPDATE:
        text = _("Edited %(fields)s", fields=", ".join(field_label(key) for key in keys))
    else:
        text = {ChangeAction.CREATE: _("Created"), ChangeAction.ARCHIVE: _("Archived")}.get(action, _("Restored"))
    return str(text)[:SUMMARY_MAX]
