"""How the history reads: the names of recorded fields and the short summary of each change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tracker.history.recorder import CITATION_FIELDS, DELETED, Entry, is_deletion
from tracker.i18n import _
from tracker.labels import label
from tracker.models import ChangeAction, CitedFact
from tracker.records.agreement import AgreementData
from tracker.records.fields import specs
from tracker.records.party import PartyData
from tracker.records.sector import SectorData
from tracker.records.source import LinkData, SourceData

SUMMARY_MAX = 500

RECORD_CONTRACTS = (AgreementData, PartyData, SourceData, LinkData, SectorData)
# What the history calls each recorded field: the record contracts' nouns ("local title"), by field name (links to
# other records by their key in the history, "sectors"), and the keys that are not fields of a contract.
FIELD_LABELS: dict[str, object] = {
    **{spec.name: spec.noun for contract in RECORD_CONTRACTS for spec in specs(contract)},
    **{spec.file_key: spec.noun for contract in RECORD_CONTRACTS for spec in specs(contract) if not spec.plain},
    "parent": _("part of"),
    "source": _("source"),
    "agreement": _("agreement"),
    "relation": _("relation"),
    "source note": _("source note"),
    "archived_at": _("archived"),
    "phrases": _("phrases"),
    # A document attached to an agreement (issue 17).
    "document": _("document"),
    "filename": _("file name"),
    "media_type": _("file type"),
    "size": _("size in bytes"),
    "sha256": _("SHA-256"),
    "dated": _("document date"),
    "uploaded_by": _("uploaded by"),
    # A fact cited to a source or document (issue 17).
    "citation": _("citation"),
    "party": _("party"),
    "quote": _("quote"),
    "stance": _("what the passage says"),
    "says": _("what it says instead"),
    # A conflicting report resolved (issue 17).
    "conflict": _("conflict"),
    "preferred": _("preferred"),
    "reason": _("reason"),
    DELETED: _("deleted"),
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
    (ChangeAction.LINK, "document"): lambda name: _("Document attached: “%(name)s”", name=name),
    (ChangeAction.UNLINK, "document"): lambda name: _("Document archived: “%(name)s”", name=name),
    (ChangeAction.LINK, "citation"): lambda name: _("Cited %(name)s", name=name),
    (ChangeAction.UNLINK, "citation"): lambda name: _("Citation removed: %(name)s", name=name),
}


def summarize(entry: Entry) -> str:
    """A short text for the entry: "Created", "Edited title, end", "Linked source “X”", "Deleted", or what its
    service said the save was ("Not renewed")."""
    action, keys = entry.action, list(entry.changes)
    if action in (ChangeAction.LINK, ChangeAction.UNLINK):
        text = LINK_SUMMARIES[(action, keys[0])](entry.subject)
    elif is_deletion(entry.changes):
        text = _("Deleted")
    elif entry.summary is not None:
        text = entry.summary
    elif action is ChangeAction.UPDATE and keys[:1] == ["conflict"]:
        text = conflict_summary(entry.changes["conflict"][1], entry.changes["preferred"][1])
    elif action is ChangeAction.UPDATE and keys == ["source note"] and entry.subject:
        text = _("Edited the note on source “%(name)s”", name=entry.subject)
    elif action is ChangeAction.UPDATE and entry.subject and set(keys) <= set(CITATION_FIELDS):
        text = _("Edited the citation %(name)s", name=entry.subject)
    elif action is ChangeAction.UPDATE:
        text = _("Edited %(fields)s", fields=", ".join(field_label(key) for key in keys))
    else:
        text = {ChangeAction.CREATE: _("Created"), ChangeAction.ARCHIVE: _("Archived")}.get(action, _("Restored"))
    return str(text)[:SUMMARY_MAX]


# What the operations of services/outcomes.py say they are (history.note_summary). Days at their precision in ISO
# form ("2024-03-01", "2024"), as in the line the termination adds to the notes: a summary is stored as text.


def renewal_summary(renewed_by: str) -> object:
    """The renewed agreement's entry: "Renewal recorded: renewed by “X”"."""
    return _("Renewal recorded: renewed by “%(title)s”", title=renewed_by)


def renewing_summary(renews: str) -> object:
    """The renewing agreement's entry: "Created as the renewal of “X”"."""
    return _("Created as the renewal of “%(title)s”", title=renews)


def termination_summary(on: str, notice_by: object | None) -> object:
    """ "Terminated on 2024-03-01 (notice given by: The partner)", without who when that is not recorded."""
    if notice_by is None:
        return _("Terminated on %(on)s", on=on)
    return _("Terminated on %(on)s (notice given by: %(party)s)", on=on, party=notice_by)


def non_renewal_summary() -> object:
    """ "Not renewed"."""
    return _("Not renewed")


def conflict_summary(fact: str, preferred: str) -> object:
    """ "Conflict resolved: Parties, preferred Mahata News" ("the record" for the record)."""
    claim = _("the record") if preferred == "record" else preferred
    return _("Conflict resolved: %(fact)s, preferred %(claim)s", fact=label(CitedFact(fact)), claim=claim)
