"""Saving a reviewed page: the source with its first snapshot (or a new one of the recorded source), and the links
the user confirmed."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.errors import ValidationError
from tracker.i18n import _
from tracker.ingest.review import PendingSource
from tracker.models import Agreement, Source
from tracker.records.agreement import AgreementData
from tracker.services.agreements import create_agreement
from tracker.services.snapshots import find_known_source, record_page
from tracker.services.sources import link_once


@dataclass
class ReviewDecision:
    """What the user ticked on the review screen."""

    link_agreement_ids: list[int] = field(default_factory=list)
    note: str = ""
    new_agreement: AgreementData | None = None


def save_review(session: Session, pending: PendingSource, decision: ReviewDecision) -> tuple[Source, bool]:
    """Record the page — a new source, or a new snapshot of the source that has its URL (True) — link the chosen
    agreements, and create the new one if asked."""
    agreements = chosen_agreements(session, decision.link_agreement_ids)
    source, known = record_page(session, pending.extracted, pending.method, pending.final_url)
    if decision.new_agreement is not None:
        agreements.append(create_agreement(session, decision.new_agreement))
    for agreement in agreements:
        link_once(session, agreement, source, decision.note)
    return source, known


def recorded_source(session: Session, pending: PendingSource) -> Source | None:
    """The source (perhaps archived) already recorded under the page's URL or canonical URL."""
    return find_known_source(session, pending.extracted.url, pending.extracted.canonical_url)


def chosen_agreements(session: Session, agreement_ids: list[int]) -> list[Agreement]:
    """The live agreements with these ids, refusing any that do not exist (or were archived meanwhile)."""
    wanted = set(agreement_ids)
    found = list(session.scalars(select(Agreement).where(Agreement.id.in_(wanted)))) if wanted else []
    if len(found) != len(wanted):
        raise ValidationError(_("One of the chosen agreements no longer exists."), field="link_agreements")
    return sorted(found, key=lambda agreement: agreement.id)
