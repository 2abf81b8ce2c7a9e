"""Saving a reviewed page: the source with its first snapshot, and the links the user confirmed."""

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
from tracker.services.snapshots import create_source_from_extracted, find_known_source
from tracker.services.sources import DuplicateSourceError, link_source


@dataclass
class ReviewDecision:
    """What the user ticked on the review screen."""

    link_agreement_ids: list[int] = field(default_factory=list)
    note: str = ""
    new_agreement: AgreementData | None = None


def save_review(session: Session, pending: PendingSource, decision: ReviewDecision) -> Source:
    """Record the source and its snapshot, link the chosen agreements, and create the new one if asked."""
    refuse_known(session, pending)
    agreements = chosen_agreements(session, decision.link_agreement_ids)
    source = create_source_from_extracted(session, pending.extracted, pending.method, pending.final_url)
    if decision.new_agreement is not None:
        agreements.append(create_agreement(session, decision.new_agreement))
    for agreement in agreements:
        link_source(session, agreement, source, decision.note)
    return source


def refuse_known(session: Session, pending: PendingSource) -> None:
    """A page recorded meanwhile (same URL or canonical URL) is not recorded twice."""
    known = find_known_source(session, pending.extracted.url, pending.extracted.canonical_url)
    if known is not None:
        message = _("This page is already recorded as source “%(title)s”.", title=known.title)
        raise DuplicateSourceError(str(message), source_id=known.id)


def chosen_agreements(session: Session, agreement_ids: list[int]) -> list[Agreement]:
    """The live agreements with these ids, refusing any that do not exist (or were archived meanwhile)."""
    wanted = set(agreement_ids)
    found = list(session.scalars(select(Agreement).where(Agreement.id.in_(wanted)))) if wanted else []
    if len(found) != len(wanted):
        raise ValidationError(_("One of the chosen agreements no longer exists."), field="link_agreements")
    return sorted(found, key=lambda agreement: agreement.id)
