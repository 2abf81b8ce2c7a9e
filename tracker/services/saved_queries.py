"""Saved queries (issue 18): a user names an agreement query, keeps it personal or shares it with everyone.

Only the owner changes a saved query; an admin may also delete a shared one (someone who left shared it). A
personal query is nobody else's business: to them it does not exist (NotFoundError, never "forbidden").
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.errors import DuplicateError, ForbiddenError, NotFoundError, ValidationError
from tracker.i18n import _
from tracker.models import SavedQuery, User, UserRole
from tracker.services.calendars import normalize_query

MAX_NAME_LENGTH = 100
# Only the page is dropped: the order and page size a query was saved with are how its list is opened.
NOT_KEPT = frozenset({"page", "saved"})


@dataclass(frozen=True)
class SavedQueryData:
    """What the user gives: the name, the query string (already checked by the query page's form), who sees it and
    whether the owner's digest follows it."""

    name: str
    query: str
    shared: bool = False
    in_digest: bool = False


def kept_query(text: str) -> str:
    """The query string as a saved query keeps it (a pasted link keeps only its part after "?")."""
    return normalize_query(text, NOT_KEPT)


def visible(user: User, saved: SavedQuery | None) -> bool:
    """Whether the user may see (and use) the saved query: their own, or a shared one."""
    return saved is not None and (saved.owner_id == user.id or saved.shared)


def may_edit(user: User, saved: SavedQuery) -> bool:
    """Only the owner renames, shares, unshares or edits a saved query."""
    return saved.owner_id == user.id


def may_delete(user: User, saved: SavedQuery) -> bool:
    """The owner deletes; an admin may also delete a shared query of someone else."""
    return may_edit(user, saved) or (saved.shared and user.role is UserRole.ADMIN)


def seen(session: Session, user: User, saved_id: int) -> SavedQuery:
    """A saved query the user may see; NotFoundError otherwise."""
    saved = session.get(SavedQuery, saved_id)
    if not visible(user, saved):
        raise NotFoundError(_("There is no such saved query."))
    return saved


def checked(session: Session, owner: User, data: SavedQueryData, saved: SavedQuery | None = None) -> SavedQueryData:
    """The data with a trimmed name that the owner does not use for another saved query."""
    name = " ".join(data.name.split())
    if not name:
        raise ValidationError(_("Give the query a name."), field="name")
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(_("At most %(count)s characters.", count=MAX_NAME_LENGTH), field="name")
    taken = select(SavedQuery.id).where(SavedQuery.owner_id == owner.id, SavedQuery.name == name)
    if saved is not None:
        taken = taken.where(SavedQuery.id != saved.id)
    if session.scalar(taken) is not None:
        raise DuplicateError(_("You already have a saved query of this name."), field="name")
    return SavedQueryData(name, data.query, data.shared, data.in_digest)


def create_saved_query(session: Session, owner: User, data: SavedQueryData) -> SavedQuery:
    """Save the owner's query under its name."""
    data = checked(session, owner, data)
    saved = SavedQuery(
        owner_id=owner.id, name=data.name, query=data.query, shared=data.shared, in_digest=data.in_digest
    )
    session.add(saved)
    session.flush()
    return saved


def update_saved_query(session: Session, user: User, saved_id: int, data: SavedQueryData) -> SavedQuery:
    """Rename, share or unshare, re-point or follow in the digest a saved query of the user's own."""
    saved = seen(session, user, saved_id)
    if not may_edit(user, saved):
        raise ForbiddenError(_("Only the person who saved this query can change it."))
    data = checked(session, user, data, saved)
    saved.name, saved.query, saved.shared, saved.in_digest = data.name, data.query, data.shared, data.in_digest
    session.flush()
    return saved


def delete_saved_query(session: Session, user: User, saved_id: int) -> SavedQuery:
    """Delete a saved query (for real: nothing refers to it, calendar feeds keep their own copy of the query)."""
    saved = seen(session, user, saved_id)
    if not may_delete(user, saved):
        raise ForbiddenError(_("Only the person who saved this query, or an admin, can delete it."))
    session.delete(saved)
    session.flush()
    return saved
