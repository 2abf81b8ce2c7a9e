"""Keeps each agreement's written-out terms (AgreementTerm) in step with what it records; tracker/terms.py says why."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from tracker.models import Agreement, AgreementTerm
from tracker.terms import Terms, all_terms, terms_of


def write_terms(session: Session, agreements: Iterable[tuple[int, Terms]]) -> None:
    """Replace the stored terms of each (agreement id, terms): one delete and one insert for all of them."""
    pairs = list(agreements)
    if not pairs:
        return
    session.execute(delete(AgreementTerm).where(AgreementTerm.agreement_id.in_([key for key, _terms in pairs])))
    rows = term_rows(pairs)
    if rows:
        session.execute(insert(AgreementTerm), rows)


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
