"""Reads on the links between agreements and sources, for the API's link endpoints and agreement lists."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from tracker.models import AgreementSource


def links_by_agreement(session: Session, agreement_ids: Sequence[int]) -> dict[int, list[Row]]:
    """Agreement id -> its links to live sources, oldest first, for a page of agreements (one query): rows with the
    link's columns (agreement_id, source_id, note, created_at), not entities, which the API's list only reads (the
    identity map and per-object state of a few hundred links cost more than their statement)."""
    found: dict[int, list[Row]] = {agreement_id: [] for agreement_id in agreement_ids}
    if not agreement_ids:
        return found
    link = AgreementSource
    statement = (
        select(link.agreement_id, link.source_id, link.note, link.created_at)
        .where(link.agreement_id.in_(agreement_ids))
        .order_by(link.created_at, link.source_id)
    )
    for row in session.execute(statement):
        found[row.agreement_id].append(row)
    return found


def link_to_change(session: Session, agreement_id: int, source_id: int) -> AgreementSource | None:
    """The live link between the two, locked until the transaction ends (PostgreSQL) so a check stays true."""
    statement = (
        select(AgreementSource)
        .where(AgreementSource.agreement_id == agreement_id, AgreementSource.source_id == source_id)
        .with_for_update()
    )
    return session.scalar(statement)
