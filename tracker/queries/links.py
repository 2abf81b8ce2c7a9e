"""Reads on the links between agreements and sources, for the API's link endpoints and agreement lists."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.models import AgreementSource


def links_by_agreement(session: Session, agreement_ids: Sequence[int]) -> dict[int, list[AgreementSource]]:
    """Agreement id -> its links to live sources, oldest first, for a page of agreements (one query)."""
    found: dict[int, list[AgreementSource]] = {agreement_id: [] for agreement_id in agreement_ids}
    if not agreement_ids:
        return found
    statement = (
        select(AgreementSource)
        .where(AgreementSource.agreement_id.in_(agreement_ids))
        .order_by(AgreementSource.created_at, AgreementSource.source_id)
    )
    for link in session.scalars(statement):
        found[link.agreement_id].append(link)
    return found


def link_to_change(session: Session, agreement_id: int, source_id: int) -> AgreementSource | None:
    """The live link between the two, locked until the transaction ends (PostgreSQL) so a check stays true."""
    statement = (
        select(AgreementSource)
        .where(AgreementSource.agreement_id == agreement_id, AgreementSource.source_id == source_id)
        .with_for_update()
    )
    return session.scalar(statement)
