"""Conflicting reports (issue 17): detecting where an agreement's evidence disagrees with its record or with itself,
kept as `conflict` rows, and resolving them.

Detection runs inside the services that change the evidence or the record (a source linked or unlinked, a new
snapshot of a linked source, a citation written, a document attached or archived, the agreement edited), in their
transaction: explicit calls, so imports and bulk jobs, which call none of them, pay nothing. What the evidence says is
read by queries/evidence.py (its cost per agreement bounded there), compared by tracker/conflicts.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tracker import conflicts as rules
from tracker.errors import StateError, ValidationError
from tracker.i18n import _
from tracker.models import Agreement, AgreementSource, Conflict, ConflictState, utcnow
from tracker.queries.evidence import PartyDirectory, agreement_to_compare, disagreements_of

REASON_MAX = 2000


def detect_conflicts(session: Session, agreement_ids: Iterable[int]) -> None:
    """Compare the evidence of these agreements with their records again and keep what disagrees."""
    ids = sorted(set(agreement_ids))
    if not ids:
        return
    session.flush()
    directory = PartyDirectory(session)
    for agreement_id in ids:
        agreement = agreement_to_compare(session, agreement_id)
        if agreement is not None:  # archived agreements keep the conflicts they had
            _detect(session, agreement, directory)


def detect_for_source(session: Session, source_id: int) -> None:
    """Detect again for the agreements a source is linked to (a new snapshot, its text changed)."""
    linked = select(AgreementSource.agreement_id).where(AgreementSource.source_id == source_id)
    detect_conflicts(session, session.scalars(linked))


def _detect(session: Session, agreement: Agreement, directory: PartyDirectory) -> None:
    """Keep the agreement's disagreements: found again (current), new (open), or no longer found (not current)."""
    found = disagreements_of(session, agreement, directory)
    existing = {
        (row.fact, row.fingerprint): row
        for row in session.scalars(select(Conflict).where(Conflict.agreement_id == agreement.id))
    }
    now = utcnow()
    seen = set()
    for disagreement in found:
        key = (disagreement.fact.value, disagreement.fingerprint)
        seen.add(key)
        row = existing.get(key)
        if row is None:
            _add(session, agreement.id, disagreement, now)
        else:
            row.claims, row.current = disagreement.claims, True
    for key, row in existing.items():
        if key not in seen and row.current:
            row.current = False
    session.flush()


def _add(session: Session, agreement_id: int, disagreement: rules.Disagreement, now: datetime) -> None:
    """A new open conflict; one another transaction has just added is left to it."""
    row = Conflict(
        agreement_id=agreement_id,
        fact=disagreement.fact.value,
        fingerprint=disagreement.fingerprint,
        claims=disagreement.claims,
        state=ConflictState.OPEN,
        detected_at=now,
        current=True,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        pass  # the same disagreement found at the same moment by another request, which keeps it


# --- resolving -------------------------------------------------------------------------------------------------


def claim_key(claim: dict) -> str:
    """How a claim is chosen as the preferred one: "record", "source:<id>" or "document:<id>"."""
    return rules.RECORD if claim["origin"] == rules.RECORD else f"{claim['origin']}:{claim['id']}"


def claim_keys(conflict: Conflict) -> list[str]:
    """The claims one may prefer, each once, in the conflict's order."""
    return list(dict.fromkeys(claim_key(claim) for claim in conflict.claims))


def resolve_conflict(session: Session, conflict: Conflict, preferred: str, reason: str) -> Conflict:
    """Resolve the conflict: which claim is preferred and why, by whom and when; the agreement's history says so."""
    if conflict.state is ConflictState.RESOLVED:
        raise StateError(str(_("This conflict is already resolved.")))
    reason = (reason or "").strip()
    if preferred not in claim_keys(conflict):
        raise ValidationError(str(_("Choose one of the claims.")), field="preferred")
    if not reason:
        raise ValidationError(str(_("Say why this claim is preferred.")), field="reason")
    if len(reason) > REASON_MAX:
        message = _("At most %(limit)s characters.", limit=REASON_MAX)
        raise ValidationError(str(message), field="reason")
    conflict.state = ConflictState.RESOLVED
    conflict.preferred = preferred
    conflict.reason = reason
    conflict.resolved_at = utcnow()
    conflict.resolved_by_id = session.info.get("actor_id")
    session.flush()
    session.expire(conflict, ["resolved_by"])  # loaded as nobody by the page that read it
    return conflict


def preferred_label(conflict: Conflict) -> str | None:
    """The label of the preferred claim's origin; None for the record (the page words it) or when not resolved."""
    for claim in conflict.claims:
        if claim_key(claim) == conflict.preferred and claim["origin"] != rules.RECORD:
            return claim["label"]
    return None
