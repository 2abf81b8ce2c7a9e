"""Keeps each agreement's written-out terms (AgreementTerm) in step with what it records; tracker/terms.py says why."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from tracker.models import Agreement, AgreementTerm
from tracker.terms import Terms, all_terms, terms_of


def write_terms(session: Session, agreements: Iterable[tuple[int, Terms]]) -> None:
    """Replace the stored terms of each (agreement id, terms) whose terms changed: one read, then one delete and one
    insert for all of those. Unchanged terms stay untouched, so the database's dates version (migration 0038) and
    with it the dashboard's date-dependent figures stay as they were after a write that changes no date."""
    pairs = list(agreements)
    if not pairs:
        return
    stored = stored_terms(session, [key for key, _terms in pairs])
    changed = [(key, terms) for key, terms in pairs if stored.get(key, []) != term_rows([(key, terms)])]
    if not changed:
        return
    session.execute(delete(AgreementTerm).where(AgreementTerm.agreement_id.in_([key for key, _terms in changed])))
    rows = term_rows(changed)
    if rows:
        session.execute(insert(AgreementTerm), rows)


def stored_terms(session: Session, keys: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The stored terms of each agreement, in `term_rows`' form and order."""
    columns = (AgreementTerm.agreement_id, AgreementTerm.number, AgreementTerm.end_on, AgreementTerm.decision_on)
    statement = select(*columns).where(AgreementTerm.agreement_id.in_(keys)).order_by(*columns[:2])
    found: dict[int, list[dict[str, Any]]] = {}
    for row in session.execute(statement).mappings():
        found.setdefault(row["agreement_id"], []).append(dict(row))
    return found


def term_rows(agreements: Iterable[tuple[int, Terms]]) -> list[dict[str, Any]]:
    """The AgreementTerm rows of each (agreement id, terms), for a bulk insert."""
    return [
        {"agreement_id": key, "number": term.number, "end_on": term.end_on, "decision_on": term.decision_on}
        for key, terms in agreements
        for term in all_terms(terms)
    ]


def sync_terms(session: Session, agreement: Agreement) -> None:
    """Write out the terms of an agreement just created or changed (flushing it first, for its id)."""
    session.flush()
    write_terms(session, [(agreement.id, terms_of(agreement))])
