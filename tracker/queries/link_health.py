"""Reads on link health: a source's last check and since when its link has been in trouble, and the links to look
at — sources whose last check found the page gone or moved, or failing twice in a row (one timeout is no news)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from tracker.models import PROBLEM_OUTCOMES, AgreementSource, Source, SourceCheck, SourceCheckOutcome
from tracker.queries.pagination import Page, count_of

GONE, MOVED, FAILING = SourceCheckOutcome.GONE, SourceCheckOutcome.MOVED, SourceCheckOutcome.FAILING
FAILURES = (GONE, FAILING)
# The kinds of problem the list filters on.
PROBLEMS = ("gone", "moved", "failing")


@dataclass(frozen=True)
class LinkHealth:
    """A source's last check, and when the run of checks like it began (for a link gone, failing or moved)."""

    last: SourceCheck
    since: datetime | None


@dataclass(frozen=True)
class LinkProblem:
    """A link to look at: the source (its agreement links loaded), its last check and when the trouble began."""

    source: Source
    last: SourceCheck
    since: datetime


def family(outcome: SourceCheckOutcome) -> tuple[SourceCheckOutcome, ...]:
    """The outcomes that continue a run of this one: failures run together, a move runs alone."""
    return FAILURES if outcome in FAILURES else (outcome,)


def run_start(source_id: ColumnElement[int] | int, outcomes: Sequence[SourceCheckOutcome]) -> ColumnElement[datetime]:
    """When the source's current run of checks with these outcomes began: the first one after the last other one."""
    # Aliases of their own, so that a query selecting checks too does not swallow these subqueries' FROM.
    other, run = aliased(SourceCheck), aliased(SourceCheck)
    last_other = (
        select(func.max(other.checked_at))
        .where(other.source_id == source_id, other.outcome.not_in(outcomes))
        .scalar_subquery()
    )
    return (
        select(func.min(run.checked_at))
        .where(
            run.source_id == source_id,
            run.outcome.in_(outcomes),
            or_(last_other.is_(None), run.checked_at > last_other),
        )
        .scalar_subquery()
    )


def link_health(session: Session, source_id: int) -> LinkHealth | None:
    """The source's last check and, unless the link is alive, when its trouble began; None if never checked."""
    last = session.scalar(
        select(SourceCheck)
        .where(SourceCheck.source_id == source_id)
        .order_by(SourceCheck.checked_at.desc(), SourceCheck.id.desc())
        .limit(1)
    )
    if last is None:
        return None
    since = None
    if last.outcome in PROBLEM_OUTCOMES:
        since = session.scalar(select(run_start(source_id, family(last.outcome))))
    return LinkHealth(last, since)


def ranked_checks():
    """Every check with its rank among its source's checks, newest first (1: the last one)."""
    rank = func.row_number().over(
        partition_by=SourceCheck.source_id, order_by=(SourceCheck.checked_at.desc(), SourceCheck.id.desc())
    )
    return select(SourceCheck.id, SourceCheck.source_id, SourceCheck.outcome, rank.label("rank")).subquery()


def problem_condition(last, previous, kind: str) -> ColumnElement[bool]:
    """The last check shows a problem of this kind ("" for any): gone, moved, or failing after a failure."""
    failing = and_(last.c.outcome == FAILING, previous.c.outcome.in_(FAILURES))
    kinds = {"gone": last.c.outcome == GONE, "moved": last.c.outcome == MOVED, "failing": failing}
    return kinds[kind] if kind in kinds else or_(*kinds.values())


def problems(kind: str = ""):
    """The live sources with a link whose last check shows a problem (of `kind`, if given), each with its last check
    and when the trouble began, the newest trouble first."""
    ranked = ranked_checks()
    last, previous = ranked.alias("last_check"), ranked.alias("previous_check")
    since = run_start(Source.id, PROBLEM_OUTCOMES).label("since")
    return (
        select(Source, SourceCheck, since)
        .join(last, and_(last.c.source_id == Source.id, last.c.rank == 1))
        .join(SourceCheck, SourceCheck.id == last.c.id)
        .outerjoin(previous, and_(previous.c.source_id == Source.id, previous.c.rank == 2))
        .where(Source.url.is_not(None), Source.url != "", problem_condition(last, previous, kind))
        # A link edited since its last check (a moved one set to its new address) waits for its next check.
        .where(or_(SourceCheck.url.is_(None), SourceCheck.url == Source.url))
        .order_by(since.desc(), Source.id.desc())
    )


def links_to_look_at(session: Session, kind: str = "", page: int = 1, per_page: int = 25) -> Page[LinkProblem]:
    """One page of the links to look at (of `kind`, if given), with the agreements each source is evidence for."""
    statement = problems(kind)
    total = count_of(session, statement)
    pages = max(1, -(-total // per_page))
    page = min(page, pages)  # an old link past the last page shows the last page rather than nothing
    rows = session.execute(
        statement.options(selectinload(Source.agreement_links).joinedload(AgreementSource.agreement))
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    items = [LinkProblem(source, check, started) for source, check, started in rows]
    return Page(items=items, total=total, page=page, per_page=per_page)
