"""Reads for timelines: which of a set of agreements renew which, and the timeline of loaded agreements."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.archiving import INCLUDE_ARCHIVED
from tracker.charts.timeline import MAX_ROWS, Timeline, TimelineItem, build_timeline
from tracker.models import Agreement, AgreementRelation, RelationKind


def renewal_pairs(
    session: Session, agreement_ids: Sequence[int], include_archived: bool = False
) -> list[tuple[int, int]]:
    """(renewing id, renewed id) for each renewal between two of the given agreements, in one statement."""
    if not agreement_ids:
        return []
    ids = list(agreement_ids)
    statement = select(AgreementRelation.subject_id, AgreementRelation.object_id).where(
        AgreementRelation.kind == RelationKind.RENEWS,
        AgreementRelation.subject_id.in_(ids),
        AgreementRelation.object_id.in_(ids),
    )
    rows = session.execute(statement, execution_options={INCLUDE_ARCHIVED: include_archived})
    return [(subject_id, object_id) for subject_id, object_id in rows]


def timeline_item(agreement: Agreement) -> TimelineItem:
    """What the timeline draws of an agreement."""
    return TimelineItem(
        id=agreement.id,
        title=agreement.title,
        status=agreement.status,
        start=agreement.start,
        end=agreement.end,
        signed=agreement.signed,
        implementation=agreement.implementation,
    )


def agreements_timeline(
    session: Session,
    agreements: Sequence[Agreement],
    as_of: date,
    max_rows: int = MAX_ROWS,
    include_archived: bool = False,
) -> Timeline:
    """The timeline of already loaded agreements, in their order, with their renewals joined."""
    shown = list(agreements[:max_rows])
    pairs = renewal_pairs(session, [agreement.id for agreement in shown], include_archived)
    items = [timeline_item(agreement) for agreement in agreements]
    return build_timeline(items, pairs, as_of, max_rows=max_rows)


def oldest_first(agreements: Sequence[Agreement]) -> list[Agreement]:
    """Agreements by start (or signing), earliest first, undated last: the order a timeline reads best in."""

    def key(agreement: Agreement) -> tuple:
        began = agreement.start_on or agreement.signed_on
        return (began is None, began or date.min, agreement.title.casefold(), agreement.id)

    return sorted(agreements, key=key)
