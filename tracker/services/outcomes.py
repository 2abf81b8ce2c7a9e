"""Recording what happened to an agreement: its renewal by a new one, its termination, or that it is not renewed.

Each is one write of one transaction (the caller commits or rolls back): the old agreement is changed over the
version the user loaded, so a renewal never leaves a new agreement without its `renews` relation or an old one
still "renewal intended". The session's listeners record every change in the history; each operation names itself
there ("Renewal recorded: renewed by …", "Terminated on …", "Not renewed") with history.note_summary.

Why no new columns: the termination's date is the agreement's end (when earlier than the recorded one), and who
gave notice and why are a dated line appended to the notes ("Terminated 2024-03-01 (notice given by: The
partner): …"). The history keeps the notes before and after, so the line is kept with who wrote it and when; a dedicated
field would need a migration and would be empty on almost every agreement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.dates import PartialDate
from tracker.errors import DuplicateError, StateError, ValidationError
from tracker.history import note_summary
from tracker.history.text import non_renewal_summary, renewal_summary, renewing_summary, termination_summary
from tracker.i18n import _
from tracker.labels import label
from tracker.models import (
    LIVE_STATUSES,
    Agreement,
    AgreementRelation,
    AgreementStatus,
    NoticeParty,
    RelationKind,
    RenewalIntent,
)
from tracker.records.agreement import AgreementData
from tracker.records.fields import max_length
from tracker.services.agreements import add_relation, create_agreement
from tracker.services.conflicts import detect_conflicts
from tracker.services.terms import sync_terms
from tracker.services.versions import versioned_update
from tracker.terms import next_term, renewal_period, terms_of

# What the old agreement becomes once renewed: the user confirms which.
OLD_STATUSES = (AgreementStatus.EXPIRED, AgreementStatus.SUPERSEDED)
REASON_MAX = 2000
NOTES_MAX = max_length(AgreementData, "notes")


@dataclass(frozen=True, kw_only=True)
class Termination:
    """What a termination records: the day it took effect, who gave notice and why."""

    on: PartialDate | None
    notice_by: NoticeParty = NoticeParty.NOT_RECORDED
    reason: str = ""


def renewal_data(old: Agreement, today: date) -> AgreementData:
    """The new agreement's fields pre-filled from the old one, with the next period its terms give; that period (a
    renewal period, else the old duration) is the new agreement's duration."""
    terms = terms_of(old)
    start, end = next_term(terms, today)
    return AgreementData(
        title=old.title,
        title_local=old.title_local,
        instrument_type=old.instrument_type,
        status=AgreementStatus.IN_FORCE,
        start=start,
        end=end,
        duration_months=renewal_period(terms),
        auto_renewal=old.auto_renewal,
        renewal_months=old.renewal_months,
        notice_period=old.notice_period,
        notice_unit=old.notice_unit,
        notice_by=old.notice_by,
        owner_id=old.owner_id,
        unit_id=old.unit_id,
        sector_ids=[sector.id for sector in old.sectors],
        parties=[(link.party_id, link.role) for link in old.party_links],
        summary=old.summary,
    )


def record_renewal(
    session: Session,
    old: Agreement,
    data: AgreementData,
    old_status: AgreementStatus,
    expected_version: int | None = None,
) -> Agreement:
    """Create the agreement that renews `old`, relate them (new renews old) and close the old one as renewed."""
    _refuse_archived(old)
    if old_status not in OLD_STATUSES:
        raise ValidationError(str(_("Choose expired or superseded.")), field="old_status")
    renewed_by = _renewed_by(session, old)
    if renewed_by is not None:
        message = _("“%(title)s” is already renewed by “%(other)s”.", title=old.title, other=renewed_by)
        raise DuplicateError(str(message))
    with versioned_update(session, old, expected_version):
        old.renewal_intent = RenewalIntent.RENEWED
        old.status = old_status
    new = create_agreement(session, data)
    session.flush()
    add_relation(session, new, old.id, RelationKind.RENEWS)
    note_summary(session, old, renewal_summary(new.title))
    note_summary(session, new, renewing_summary(old.title))
    detect_conflicts(session, [old.id])  # its renewal and status changed: what its sources say is compared again
    return new


def _renewed_by(session: Session, old: Agreement) -> str | None:
    """The title of an agreement recorded as renewing `old`, if any."""
    statement = (
        select(Agreement.title)
        .join(AgreementRelation, AgreementRelation.subject_id == Agreement.id)
        .where(AgreementRelation.object_id == old.id, AgreementRelation.kind == RelationKind.RENEWS)
    )
    return session.scalars(statement.limit(1)).first()


def record_termination(
    session: Session, agreement: Agreement, termination: Termination, expected_version: int | None = None
) -> Agreement:
    """Terminated on a day: the status, the end when earlier, no renewal, and a dated line in the notes."""
    _refuse_archived(agreement)
    on = termination.on
    if on is None:
        raise ValidationError(str(_("Give the day the termination took effect.")), field="on")
    if agreement.start is not None and on.is_before(agreement.start):
        message = _("The termination (%(on)s) is before the start (%(start)s).", on=on.iso(), start=agreement.start)
        raise ValidationError(str(message), field="on")
    line = termination_line(termination)
    with versioned_update(session, agreement, expected_version):
        agreement.status = AgreementStatus.TERMINATED
        agreement.renewal_intent = RenewalIntent.NONE
        if agreement.end is None or on.earliest < agreement.end.earliest:
            agreement.end = on
        agreement.notes = _appended(agreement.notes, line)
    sync_terms(session, agreement)
    notice_by = termination.notice_by
    party = label(notice_by) if notice_by is not NoticeParty.NOT_RECORDED else None
    note_summary(session, agreement, termination_summary(on.iso(), party))
    detect_conflicts(session, [agreement.id])
    return agreement


def termination_line(termination: Termination) -> str:
    """ "Terminated 2024-03-01 (notice given by: The partner): reason." """
    line = str(_("Terminated %(on)s", on=termination.on.iso() if termination.on else ""))
    if termination.notice_by is not NoticeParty.NOT_RECORDED:
        line += " " + str(_("(notice given by: %(party)s)", party=label(termination.notice_by)))
    return _with_reason(line, termination.reason)


def record_non_renewal(
    session: Session, agreement: Agreement, reason: str, today: date, expected_version: int | None = None
) -> Agreement:
    """Not to be renewed: no renewal, expired if the end has passed while it still says it binds, and the reason."""
    _refuse_archived(agreement)
    with versioned_update(session, agreement, expected_version):
        agreement.renewal_intent = RenewalIntent.NONE
        if agreement.status in LIVE_STATUSES and agreement.end is not None and agreement.end.latest < today:
            agreement.status = AgreementStatus.EXPIRED
        if reason.strip():
            line = _with_reason(str(_("Not renewed (recorded %(day)s)", day=today.isoformat())), reason)
            agreement.notes = _appended(agreement.notes, line)
    note_summary(session, agreement, non_renewal_summary())
    detect_conflicts(session, [agreement.id])
    return agreement


def _with_reason(line: str, reason: str) -> str:
    """The line, then ": reason" when one is given."""
    reason = " ".join(reason.split())
    if len(reason) > REASON_MAX:
        raise ValidationError(str(_("Keep the reason under %(count)s characters.", count=REASON_MAX)), field="reason")
    return f"{line}: {reason}" if reason else f"{line}."


def _appended(notes: str, line: str) -> str:
    """The notes with the line added on a line of its own; refused when the notes would grow too long."""
    text = f"{notes.rstrip()}\n{line}" if notes and notes.strip() else line
    if len(text) > NOTES_MAX:
        raise ValidationError(str(_("The notes are full; shorten them before recording this.")), field="reason")
    return text


def _refuse_archived(agreement: Agreement) -> None:
    """Nothing is recorded on an archived agreement."""
    if agreement.is_archived:
        raise StateError(str(_("“%(title)s” is archived; restore it first.", title=agreement.title)))
