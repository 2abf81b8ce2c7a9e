"""What one flush changed, as history entries: records' fields before and after, links made and removed."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import InstanceState, Session, SessionTransaction

from tracker.archiving import INCLUDE_ARCHIVED
from tracker.dates import PartialDate
from tracker.models import (
    Agreement,
    AgreementRelation,
    AgreementSource,
    ChangeAction,
    Citation,
    Conflict,
    ConflictState,
    Document,
    FollowUpAction,
    GlossaryEntry,
    Party,
    RelationKind,
    Sector,
    Source,
    User,
    utcnow,
)

RECORD_TYPES: dict[type, str] = {
    Agreement: "agreement",
    Party: "party",
    Source: "source",
    Sector: "sector",
    GlossaryEntry: "glossary_entry",
    FollowUpAction: "action",
    Document: "document",
}
MODELS: dict[str, type] = {name: model for model, name in RECORD_TYPES.items()}
# The attribute that names a record in another record's history (a glossary entry's phrases, one per line).
LABEL_ATTRIBUTES: dict[type, str] = {
    Agreement: "title",
    Party: "name",
    Source: "title",
    Sector: "name",
    GlossaryEntry: "phrases",
    FollowUpAction: "title",
    Document: "filename",
    User: "email",
}
# Records deleted for real rather than archived, whose deletion is still recorded: an UPDATE that empties every
# field, with DELETED's [None, when] (ChangeAction has no DELETE, and its CHECK constraint would need a migration).
DELETIONS_RECORDED = frozenset({GlossaryEntry})
DELETED = "deleted_at"
# Text columns holding one item per line, recorded as lists (a glossary entry's phrases, as a party's aliases).
LINE_LISTS = frozenset({(GlossaryEntry, "phrases")})
# Their order is kept (a glossary entry's first phrase names it); other lists are sorted by name.
ORDERED_FIELDS = frozenset(key for _model, key in LINE_LISTS)
# Columns holding another record's id, recorded as that record's name under the key of their relationship.
REFERENCE_COLUMNS: dict[str, tuple[str, type]] = {
    "parent_id": ("parent", Party),
    "owner_id": ("owner", User),
    "unit_id": ("unit", Party),
    "assignee_id": ("assignee", User),
    "uploaded_by_id": ("uploaded_by", User),
}

# Bookkeeping or derived columns, and archiving, which is a change of its own kind; a document's text is read from
# its file (kept under its SHA-256), not typed; an agreement's evidence level follows from its citations.
SKIPPED_COLUMNS = frozenset(
    {"id", "created_at", "updated_at", "version", "archived_at", "archived_by_id", "url_normalized", "text", "evidence"}
)
# Each partial date is two columns, recorded as one field at its known precision.
PARTIAL_DATES: dict[type, tuple[str, ...]] = {
    Agreement: ("signed", "start", "end", "in_force", "implementation_as_of"),
    FollowUpAction: ("due",),
    Document: ("dated",),
}
PARTIAL_DATE_COLUMNS = frozenset(
    f"{name}_{part}" for names in PARTIAL_DATES.values() for name in names for part in ("on", "precision")
)
# Collections edited on a record's own form, recorded as fields of that record.
EDITED_COLLECTIONS: dict[type, tuple[str, ...]] = {Agreement: ("party_links", "sectors"), Party: ("aliases",)}
COLLECTION_FIELDS = {"party_links": "parties", "sectors": "sectors", "aliases": "aliases"}
# How a relation reads from its subject's side and from its object's side; stored as data, in English.
RELATION_WORDS: dict[RelationKind, tuple[str, str]] = {
    RelationKind.RENEWS: ("renews", "renewed by"),
    RelationKind.AMENDS: ("amends", "amended by"),
    RelationKind.SUPERSEDES: ("supersedes", "superseded by"),
    RelationKind.IMPLEMENTS: ("implements", "implemented by"),
}

# Key in `Session.info` of the signed-in user, set by the boundary (tracker.auth.enforce_access).
ACTOR = "actor_id"

# A citation's fields whose change is recorded on its agreement (the origin and fact name the citation).
CITATION_FIELDS = ("quote", "stance", "says")

UNKNOWN: Any = object()  # a version still to be looked up


@dataclass(frozen=True)
class Ref:
    """A record named in a value whose name is not loaded: looked up with the others after the flush."""

    model: type
    id: int
    prefix: str = ""
    suffix: str = ""
    attribute: str = "label"


@dataclass
class Entry:
    """One change about to be recorded."""

    record_type: str
    record_id: int
    action: ChangeAction
    changes: dict[str, list[Any]]
    version: Any = None
    user_id: int | None = None
    # The other record a link or a link's note names, for the summary.
    subject: Any = None
    # The record itself when loaded, to read its version without a query.
    record: Any = field(default=None, repr=False)
    # The savepoint the entry was flushed in: if it rolls back, so does the entry.
    tag: SessionTransaction | None = field(default=None, repr=False)
    # The summary a service gave the save (history.note_summary), instead of the one made from the changes.
    summary: Any = None


def plain(value: Any) -> Any:
    """A value as JSON can hold it: enums by value, dates in ISO form, partial dates at their precision."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, PartialDate):
        return value.iso()
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def recorded(model: type, key: str, value: Any) -> Any:
    """A column's value as the history holds it: `plain`, and a list of lines for the LINE_LISTS."""
    if (model, key) in LINE_LISTS and isinstance(value, str):
        return value.splitlines()
    return plain(value)


def is_deletion(changes: dict[str, Any]) -> bool:
    """Whether recorded changes are the deletion of their record (see DELETIONS_RECORDED)."""
    return DELETED in changes


def blank(value: Any) -> bool:
    """Nothing worth showing as an initial value."""
    return value is None or value == "" or value == []


def _before(history: Any) -> Any:
    """A flushed attribute's value before the flush (None when it was never loaded)."""
    if history.deleted:
        return history.deleted[0]
    return history.unchanged[0] if history.unchanged else None


def _after(history: Any) -> Any:
    """A flushed attribute's value after the flush."""
    if history.added:
        return history.added[0]
    return history.unchanged[0] if history.unchanged else None


# --- one flush -----------------------------------------------------------------------------------


class Recorder:
    """Turns one flush into entries; names that are not loaded are looked up together at the end."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.user_id = session.info.get(ACTOR)
        self.entries: list[Entry] = []
        self.wanted: set[tuple[type, int]] = set()
        # Records deleted for real: nothing is recorded on them (their links' other side still is).
        self.gone = {(RECORD_TYPES[type(obj)], obj.id) for obj in session.deleted if type(obj) in RECORD_TYPES}

    # naming

    def loaded(self, model: type, record_id: int) -> Any:
        """The record if the session holds it, without a query."""
        return self.session.identity_map.get(inspect(model).identity_key_from_primary_key([record_id]))

    def name(self, model: type, record_id: int | None, obj: Any = None, prefix: str = "", suffix: str = "") -> Any:
        """The record's title or name when loaded, else a Ref looked up after the flush."""
        if record_id is None and obj is None:
            return None
        obj = obj if obj is not None else self.loaded(model, record_id)
        label = inspect(obj).dict.get(LABEL_ATTRIBUTES[model]) if obj is not None else None
        if label is not None:
            return f"{prefix}{label}{suffix}"
        record_id = record_id if record_id is not None else obj.id
        self.wanted.add((model, record_id))
        return Ref(model, record_id, prefix, suffix)

    def version(self, model: type, record_id: int, obj: Any = None) -> Any:
        """The record's version now: from the loaded record, else a Ref looked up after the flush."""
        if not hasattr(model, "version"):
            return None
        obj = obj if obj is not None else self.loaded(model, record_id)
        if obj is not None and "version" in inspect(obj).dict:
            return inspect(obj).dict["version"]
        self.wanted.add((model, record_id))
        return Ref(model, record_id, attribute="version")

    # records

    def add(self, obj: Any, action: ChangeAction, changes: dict[str, list[Any]]) -> None:
        """An entry on a record of this flush."""
        state = inspect(obj)
        version = state.dict.get("version") if hasattr(obj, "version") else None
        self.entries.append(Entry(RECORD_TYPES[type(obj)], obj.id, action, changes, version, self.user_id))

    def add_on(self, model: type, record_id: int | None, obj: Any, action: ChangeAction, changes: dict, subject: Any):
        """An entry on a record a link names, which this flush may not have touched."""
        if record_id is None:
            return
        entry = Entry(RECORD_TYPES[model], record_id, action, changes, UNKNOWN, self.user_id, subject, obj)
        self.entries.append(entry)

    def created(self, obj: Any) -> None:
        """A new record: every field's initial value."""
        changes = {key: [None, after] for key, (_ignored, after) in self.fields(inspect(obj), new=True).items()}
        self.add(obj, ChangeAction.CREATE, {key: pair for key, pair in changes.items() if not blank(pair[1])})

    def updated(self, obj: Any) -> None:
        """A changed record: archived or restored, and the fields that changed."""
        state = inspect(obj)
        archiving = archive_action(state)
        if archiving is not None:
            history = state.attrs.archived_at.history
            self.add(obj, archiving, {"archived_at": [plain(_before(history)), plain(_after(history))]})
        changes = self.fields(state, new=False)
        if changes:
            self.add(obj, ChangeAction.UPDATE, {key: list(pair) for key, pair in changes.items()})

    def deleted(self, obj: Any) -> None:
        """A record deleted for real whose deletion is kept: every field's value before, and when."""
        state = inspect(obj)
        changes: dict[str, list[Any]] = {}
        for attribute in state.mapper.column_attrs:
            if attribute.key in SKIPPED_COLUMNS:
                continue
            history = state.attrs[attribute.key].history
            before = _before(history) if history.has_changes() else state.dict.get(attribute.key)
            changes[attribute.key] = [recorded(type(obj), attribute.key, before), None]
        self.add(obj, ChangeAction.UPDATE, {**changes, DELETED: [None, plain(utcnow())]})

    def fields(self, state: InstanceState, new: bool) -> dict[str, tuple[Any, Any]]:
        """Field name -> (before, after) for every field (new) or the changed ones."""
        found = self.column_fields(state, new)
        found.update(partial_date_fields(state, new, PARTIAL_DATES.get(type(state.obj()), ())))
        for key in EDITED_COLLECTIONS.get(type(state.obj()), ()):
            change = self.collection_field(state, key, new)
            if change is not None:
                found[COLLECTION_FIELDS[key]] = change
        return found

    def column_fields(self, state: InstanceState, new: bool) -> dict[str, tuple[Any, Any]]:
        """The plain columns, with a parent id shown as the parent's name."""
        found: dict[str, tuple[Any, Any]] = {}
        for attribute in state.mapper.column_attrs:
            key = attribute.key
            if key in SKIPPED_COLUMNS or key in PARTIAL_DATE_COLUMNS:
                continue
            history = state.attrs[key].history
            if new:
                before, after = None, state.dict.get(key)
            elif history.has_changes():
                before, after = _before(history), _after(history)
                # A column added later, unloaded, set to the None it holds; or set again to what it was.
                if plain(before) == plain(after):
                    continue
            else:
                continue
            if key in REFERENCE_COLUMNS:
                name, model = REFERENCE_COLUMNS[key]
                loaded = state.dict.get(name)
                found[name] = (self.name(model, before), self.name(model, after, loaded if after else None))
            else:
                model = type(state.obj())
                found[key] = (recorded(model, key, before), recorded(model, key, after))
        return found

    def collection_field(self, state: InstanceState, key: str, new: bool) -> tuple[list, list] | None:
        """A collection's members before and after, as names; None when it did not change."""
        history = state.attrs[key].history
        if not (history.added or history.deleted):
            return None
        kept = [] if new else list(history.unchanged)
        before = [self.member(key, item) for item in [*kept, *history.deleted]]
        after = [self.member(key, item) for item in [*kept, *history.added]]
        return before, after

    def member(self, key: str, item: Any) -> Any:
        """How a collection member reads: "Name (role)", a sector's name, an alias."""
        values = inspect(item).dict
        if key == "party_links":
            role = plain(values.get("role"))
            return self.name(Party, values.get("party_id"), values.get("party"), suffix=f" ({role})")
        if key == "sectors":
            return self.name(Sector, item.id, item)
        return values.get("alias")

    # links

    def source_link(self, kind: str, link: AgreementSource) -> None:
        """A source linked to or unlinked from an agreement, on both; or the link's note edited."""
        values = inspect(link).dict
        agreement_id, source_id = values.get("agreement_id"), values.get("source_id")
        source = self.name(Source, source_id, values.get("source"))
        if kind == "update":
            history = inspect(link).attrs.note.history
            if history.has_changes():
                note = {"source note": [_before(history), _after(history)]}
                self.add_on(Agreement, agreement_id, values.get("agreement"), ChangeAction.UPDATE, note, source)
            return
        action, pair = linking(kind)
        agreement = self.name(Agreement, agreement_id, values.get("agreement"))
        note = {"note": pair(values.get("note"))} if values.get("note") else {}
        self.add_on(Agreement, agreement_id, values.get("agreement"), action, {"source": pair(source), **note}, source)
        self.add_on(Source, source_id, values.get("source"), action, {"agreement": pair(agreement), **note}, agreement)

    def document(self, document: Document, archiving: ChangeAction | None) -> None:
        """A document attached to (or archived from) its agreement, on the agreement's history too."""
        if archiving is ChangeAction.RESTORE:
            return
        values = inspect(document).dict
        action, pair = linking("insert" if archiving is None else "delete")
        changes = {"document": pair(values.get("filename"))}
        self.add_on(Agreement, values.get("agreement_id"), None, action, changes, values.get("filename"))

    def citation(self, kind: str, citation: Citation) -> None:
        """A fact cited, its citation changed or removed: on the agreement, named by the fact and the origin."""
        state = inspect(citation)
        values = state.dict
        fact = plain(values.get("fact"))
        if values.get("document_id") is not None:
            origin = self.name(Document, values.get("document_id"), values.get("document"), prefix=f"{fact}: ")
        else:
            origin = self.name(Source, values.get("source_id"), values.get("source"), prefix=f"{fact}: ")
        agreement_id = values.get("agreement_id")
        if kind == "update":
            changes = {
                key: [plain(_before(state.attrs[key].history)), plain(_after(state.attrs[key].history))]
                for key in CITATION_FIELDS
                if state.attrs[key].history.has_changes()
            }
            changes = {key: pair for key, pair in changes.items() if pair[0] != pair[1]}
            if changes:
                self.add_on(Agreement, agreement_id, None, ChangeAction.UPDATE, changes, origin)
            return
        action, pair = linking(kind)
        changes = {"citation": pair(origin)}
        if values.get("party_id") is not None:
            changes["party"] = pair(self.name(Party, values.get("party_id"), values.get("party")))
        for key in ("quote", "stance", "says"):
            if values.get(key):
                changes[key] = pair(plain(values.get(key)))
        self.add_on(Agreement, agreement_id, None, action, changes, origin)

    def conflict(self, conflict: Conflict) -> None:
        """A conflicting report resolved, on its agreement: the fact, the claim preferred and why (as data: the
        fact by its value, the preferred claim by its origin's name, "record" for the record)."""
        state = inspect(conflict)
        history = state.attrs.state.history
        if _after(history) is not ConflictState.RESOLVED or _before(history) is ConflictState.RESOLVED:
            return
        values = state.dict
        preferred = next(
            (c.get("label") for c in values.get("claims") or [] if f"{c['origin']}:{c['id']}" == values["preferred"]),
            values.get("preferred"),
        )
        changes = {
            "conflict": [None, values.get("fact")],
            "preferred": [None, preferred],
            "reason": [None, values.get("reason")],
        }
        self.add_on(Agreement, values.get("agreement_id"), None, ChangeAction.UPDATE, changes, values.get("fact"))

    def relation(self, kind: str, relation: AgreementRelation) -> None:
        """A relation between two agreements made or removed, on both."""
        if kind == "update":
            return
        values = inspect(relation).dict
        active, passive = RELATION_WORDS[values["kind"]]
        subject_id, object_id = values.get("subject_id"), values.get("object_id")
        subject, obj = values.get("subject"), values.get("object")
        action, pair = linking(kind)
        note = {"note": pair(values.get("note"))} if values.get("note") else {}
        outgoing = self.name(Agreement, object_id, obj, prefix=f"{active}: ")
        incoming = self.name(Agreement, subject_id, subject, prefix=f"{passive}: ")
        self.add_on(Agreement, subject_id, subject, action, {"relation": pair(outgoing), **note}, outgoing)
        self.add_on(Agreement, object_id, obj, action, {"relation": pair(incoming), **note}, incoming)

    # the end of the flush

    def finish(self) -> list[Entry]:
        """The entries with every name and version filled in; one query per kind of record at most."""
        entries = [
            entry
            for entry in self.entries
            if (entry.record_type, entry.record_id) not in self.gone or is_deletion(entry.changes)
        ]
        for entry in entries:
            if entry.version is UNKNOWN:
                entry.version = self.version(MODELS[entry.record_type], entry.record_id, entry.record)
            entry.record = None
        found = self.lookup()
        for entry in entries:
            entry.changes = {
                key: [fill(value, found, ordered=key in ORDERED_FIELDS) for value in pair]
                for key, pair in entry.changes.items()
            }
            entry.subject = fill(entry.subject, found)
            entry.version = fill(entry.version, found)
        return entries

    def lookup(self) -> dict[tuple[type, int], dict[str, Any]]:
        """Names and versions of the records named but not loaded, by (model, id)."""
        found: dict[tuple[type, int], dict[str, Any]] = {}
        for model in {model for model, _id in self.wanted}:
            ids = sorted(record_id for wanted_model, record_id in self.wanted if wanted_model is model)
            version = model.version if hasattr(model, "version") else None
            columns = [model.id, getattr(model, LABEL_ATTRIBUTES[model])]
            statement = select(*columns, *([version] if version is not None else [])).where(model.id.in_(ids))
            # Archived records keep their names in other records' histories.
            for row in self.session.execute(statement.execution_options(**{INCLUDE_ARCHIVED: True})):
                found[(model, row[0])] = {"label": row[1], "version": row[2] if version is not None else None}
        return found


def fill(value: Any, found: dict[tuple[type, int], dict[str, Any]], ordered: bool = False) -> Any:
    """Replace Refs by what they name ("#id" for a record that no longer exists); sort lists unless `ordered`."""
    if isinstance(value, Ref):
        row = found.get((value.model, value.id))
        if value.attribute == "version":
            return row["version"] if row else None
        return f"{value.prefix}{row['label'] if row else f'#{value.id}'}{value.suffix}"
    if isinstance(value, list) and ordered:
        return [fill(item, found) for item in value]
    if isinstance(value, list):
        return sorted((fill(item, found) for item in value), key=lambda item: str(item).casefold())
    return value


def linking(kind: str) -> tuple[ChangeAction, Callable[[Any], list[Any]]]:
    """LINK with [None, value] for an inserted link row, UNLINK with [value, None] for a deleted one."""
    if kind == "insert":
        return ChangeAction.LINK, lambda value: [None, value]
    return ChangeAction.UNLINK, lambda value: [value, None]


def archive_action(state: InstanceState) -> ChangeAction | None:
    """ARCHIVE when archived_at went from None to a time, RESTORE when back to None."""
    if not hasattr(state.obj(), "archived_at"):
        return None
    history = state.attrs.archived_at.history
    if not history.has_changes():
        return None
    before, after = _before(history), _after(history)
    if before is None and after is not None:
        return ChangeAction.ARCHIVE
    if before is not None and after is None:
        return ChangeAction.RESTORE
    return None


def partial_date_fields(state: InstanceState, new: bool, names: tuple[str, ...]) -> dict[str, tuple[Any, Any]]:
    """A record's partial dates at their precision ("2006", "2006-03", "2006-03-15"): an agreement's signing, start
    and end, an action's due date."""
    found: dict[str, tuple[Any, Any]] = {}
    for name in names:
        day, precision = state.attrs[f"{name}_on"].history, state.attrs[f"{name}_precision"].history
        if new:
            after = PartialDate.from_columns(state.dict.get(f"{name}_on"), state.dict.get(f"{name}_precision"))
            found[name] = (None, plain(after))
        elif day.has_changes() or precision.has_changes():
            before = PartialDate.from_columns(_before(day), _before(precision))
            after = PartialDate.from_columns(_after(day), _after(precision))
            if before != after:
                found[name] = (plain(before), plain(after))
    return found
