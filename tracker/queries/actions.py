"""Follow-up actions and owners: overdue actions ("needs attention"), and what one user owns and has to do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from tracker.dates import PartialDate, Precision
from tracker.models import ActionStatus, Agreement, AgreementParty, FollowUpAction
from tracker.queries.expiring import OPEN_STATUSES, ExpiringAgreement, dated_entry

# Rows of overdue actions the expiring page shows; the rest are one link away.
OVERDUE_PREVIEW = 10


@dataclass(frozen=True)
class OverdueAction:
    """An open action whose due date has passed, with how many days ago its last possible day was."""

    action: FollowUpAction
    due: PartialDate
    days_overdue: int


def passed_by(as_of: date) -> ColumnElement[bool]:
    """The due date's last possible day is before `as_of`: "2026-11" is overdue from 1 December 2026, "2026" from
    1 January 2027. A due date is stored as its first day, so each precision compares with the first day of the
    period that holds `as_of`."""
    month_start, year_start = as_of.replace(day=1), as_of.replace(month=1, day=1)
    return or_(
        and_(FollowUpAction.due_precision == Precision.DAY, FollowUpAction.due_on < as_of),
        and_(FollowUpAction.due_precision == Precision.MONTH, FollowUpAction.due_on < month_start),
        and_(FollowUpAction.due_precision == Precision.YEAR, FollowUpAction.due_on < year_start),
    )


def _overdue(as_of: date) -> tuple[ColumnElement[bool], ...]:
    """Open, due before `as_of`, about a live agreement (archived ones leave every query by the join)."""
    return (FollowUpAction.status == ActionStatus.OPEN, passed_by(as_of))


def overdue_statement(as_of: date) -> Select:
    """SELECT the overdue actions with their agreements, longest overdue first."""
    return (
        select(FollowUpAction)
        .join(FollowUpAction.agreement)
        .where(*_overdue(as_of))
        .order_by(FollowUpAction.due_on, FollowUpAction.title, FollowUpAction.id)
    )


def overdue_count(as_of: date) -> Select:
    """SELECT the number of overdue actions (for combining statements)."""
    return select(func.count()).select_from(FollowUpAction).join(FollowUpAction.agreement).where(*_overdue(as_of))


def overdue_actions(session: Session, as_of: date, limit: int | None = None) -> list[OverdueAction]:
    """The open actions overdue on `as_of`, longest overdue first, with their agreements and assignees."""
    statement = overdue_statement(as_of).options(
        joinedload(FollowUpAction.agreement), joinedload(FollowUpAction.assignee)
    )
    if limit is not None:
        statement = statement.limit(limit)
    return [_overdue_entry(action, as_of) for action in session.scalars(statement)]


def count_overdue_actions(session: Session, as_of: date) -> int:
    """How many actions `overdue_actions` would list."""
    return session.scalar(overdue_count(as_of)) or 0


def _overdue_entry(action: FollowUpAction, as_of: date) -> OverdueAction:
    """An action with the days since its due date's last possible day."""
    due = action.due
    assert due is not None  # only actions with a due date are overdue
    return OverdueAction(action=action, due=due, days_overdue=(as_of - due.latest).days)


@dataclass(frozen=True)
class OwnedAgreement:
    """An agreement a user answers for, dated as the expiring list dates it: by its current term's decision date
    where it is open and has terms, else by its end (None with neither)."""

    agreement: Agreement
    dated: ExpiringAgreement | None

    @property
    def open(self) -> bool:
        """Whether the agreement is still open (not expired, terminated, superseded or cancelled)."""
        return self.agreement.status in OPEN_STATUSES


@dataclass(frozen=True)
class MyWork:
    """What a user answers for: the agreements they own, and the open actions assigned to them or on those."""

    agreements: list[OwnedAgreement]
    actions: list[FollowUpAction]


def owned_agreements(session: Session, user_id: int, as_of: date) -> list[OwnedAgreement]:
    """The live agreements the user is the responsible officer of: open ones first, by the day they go by as of
    `as_of` (the upcoming decision date, else the end; passed ones first, as overdue), undated last."""
    statement = (
        select(Agreement)
        .where(Agreement.owner_id == user_id)
        .options(selectinload(Agreement.party_links).joinedload(AgreementParty.party), joinedload(Agreement.unit))
    )
    rows = [_owned(agreement, as_of) for agreement in session.scalars(statement)]
    return sorted(rows, key=_owned_order)


def _owned(agreement: Agreement, as_of: date) -> OwnedAgreement:
    """The agreement with its date; a closed agreement's decisions are over, so it goes by its end."""
    return OwnedAgreement(agreement, dated_entry(agreement, as_of, by_terms=agreement.status in OPEN_STATUSES))


def _owned_order(row: OwnedAgreement) -> tuple:
    """Open first, then by the day the row goes by (undated last), title and id."""
    day = row.dated.day if row.dated else None
    return (not row.open, day is None, day or date.min, row.agreement.title, row.agreement.id)


def open_actions_for(session: Session, user_id: int) -> list[FollowUpAction]:
    """The open actions assigned to the user or on the agreements they own, undated ones last."""
    owned = select(Agreement.id).where(Agreement.owner_id == user_id)
    statement = (
        select(FollowUpAction)
        .join(FollowUpAction.agreement)
        .where(
            FollowUpAction.status == ActionStatus.OPEN,
            or_(FollowUpAction.assignee_id == user_id, FollowUpAction.agreement_id.in_(owned)),
        )
        .order_by(FollowUpAction.due_on.is_(None), FollowUpAction.due_on, FollowUpAction.title, FollowUpAction.id)
        .options(joinedload(FollowUpAction.agreement), joinedload(FollowUpAction.assignee))
    )
    return list(session.scalars(statement))


def my_work(session: Session, user_id: int, as_of: date) -> MyWork:
    """Everything the "My agreements" page shows for one user, dated as of `as_of`."""
    return MyWork(agreements=owned_agreements(session, user_id, as_of), actions=open_actions_for(session, user_id))
