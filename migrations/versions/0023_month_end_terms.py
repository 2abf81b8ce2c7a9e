"""Terms that start on the 29th–31st end on the month's last day when the anniversary month is shorter (issue 15).

A term of N months used to end the day before the clamped anniversary, a day early at month ends: 31 May 2024 for
one month ended 29 June instead of 30 June. tracker/terms.py now ends it on the anniversary month's last day when
that month has no such day. Only agreements starting on the 29th, 30th or 31st with a duration can be affected (a
start known only to the year or month counts from the 1st), so only their `agreement_term` rows are written again,
each agreement's rows deleted and inserted as the service writes them; no agreement column changes.

The rule is frozen here rather than imported, so this migration computes the same rows whatever tracker/terms.py
becomes later. Downgrade writes the same agreements' rows with the old rule again: the code of 0022 computes an
agreement's current term in Python on its page and reads these rows in the expiring view, and the two would disagree
until each agreement was next saved.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 16:30:00
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | Sequence[str] | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As tracker.terms.HORIZON was when this was written: terms are stored up to the last day of 2100.
HORIZON = date(2100, 12, 31)
# Ids per delete, well under SQLite's limit on bound parameters.
CHUNK = 500

agreement = sa.table(
    "agreement",
    sa.column("id", sa.Integer),
    sa.column("start_on", sa.Date),
    sa.column("end_on", sa.Date),
    sa.column("duration_months", sa.Integer),
    sa.column("auto_renewal", sa.String),
    sa.column("renewal_months", sa.Integer),
    sa.column("notice_period", sa.Integer),
    sa.column("notice_unit", sa.String),
)
agreement_term = sa.table(
    "agreement_term",
    sa.column("agreement_id", sa.Integer),
    sa.column("number", sa.Integer),
    sa.column("end_on", sa.Date),
    sa.column("decision_on", sa.Date),
)


def add_months(day: date, months: int) -> date:
    """`day` moved by whole calendar months, clamped to the month's end."""
    years, month_index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month_index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def term_end(start: date, months: int, month_ends: bool) -> date:
    """A term's last day: the day before the anniversary, or (new rule) the clamped anniversary itself."""
    anniversary = add_months(start, months)
    if month_ends and anniversary.day < start.day:
        return anniversary
    return anniversary - timedelta(days=1)


def decision_day(end_on: date, row: Any) -> date:
    """The last day notice can be given for a term ending on `end_on`."""
    if not row.notice_period:
        return end_on
    after = end_on + timedelta(days=1)
    if row.notice_unit == "days":
        return after - timedelta(days=row.notice_period)
    return add_months(after, -row.notice_period)


def term_rows(row: Any, month_ends: bool) -> Iterator[dict[str, Any]]:
    """The agreement_term rows of one agreement with a start and a duration, as tracker/terms.all_terms wrote them."""
    months, number = row.duration_months, 1
    renewal = row.renewal_months or row.duration_months
    while True:
        end_on = term_end(row.start_on, months, month_ends)
        final = row.end_on is not None and row.end_on <= end_on  # the recorded end is the final one
        if final:
            end_on = row.end_on
        elif end_on > HORIZON:
            return
        yield {"agreement_id": row.id, "number": number, "end_on": end_on, "decision_on": decision_day(end_on, row)}
        if final or row.auto_renewal != "yes":
            return
        months, number = months + renewal, number + 1


def rewrite_terms(month_ends: bool) -> None:
    """Write again the terms of every agreement starting on the 29th–31st with a duration."""
    bind = op.get_bind()
    query = sa.select(agreement).where(agreement.c.start_on.is_not(None), agreement.c.duration_months.is_not(None))
    affected = [row for row in bind.execute(query) if row.start_on.day >= 29]
    for first in range(0, len(affected), CHUNK):
        chunk = affected[first : first + CHUNK]
        bind.execute(sa.delete(agreement_term).where(agreement_term.c.agreement_id.in_([row.id for row in chunk])))
        rows = [term for row in chunk for term in term_rows(row, month_ends)]
        if rows:
            bind.execute(sa.insert(agreement_term), rows)


def upgrade() -> None:
    """Apply this revision."""
    rewrite_terms(month_ends=True)


def downgrade() -> None:
    """Revert this revision."""
    rewrite_terms(month_ends=False)
