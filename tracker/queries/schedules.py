"""The schedules' runs as the admin page shows them: each schedule's latest run, and whether a Run now waits."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.models import ScheduleRun, ScheduleRunState


def latest_run(session: Session, schedule: str) -> ScheduleRun | None:
    """The schedule's most recent run that started (running, done, failed or skipped)."""
    statement = (
        select(ScheduleRun)
        .where(ScheduleRun.schedule == schedule, ScheduleRun.state != ScheduleRunState.QUEUED)
        .order_by(ScheduleRun.started_at.desc(), ScheduleRun.id.desc())
        .limit(1)
    )
    return session.scalars(statement).first()


def waiting(session: Session, schedule: str) -> bool:
    """Whether a Run now of the schedule waits for a worker."""
    statement = select(ScheduleRun.id).where(
        ScheduleRun.schedule == schedule, ScheduleRun.state == ScheduleRunState.QUEUED
    )
    return session.scalars(statement.limit(1)).first() is not None
