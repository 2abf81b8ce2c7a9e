"""Reads for exports: every record a list's filters match (not one page), with what the file shows loaded."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from tracker.archiving import WITH_ARCHIVED
from tracker.models import Agreement, AgreementParty, AgreementSource, Party, Source
from tracker.queries import parties as party_queries
from tracker.queries import sources as source_queries
from tracker.queries.agreements import AgreementFilters, filter_conditions, sort_columns

# Rows loaded at a time: an export of every agreement never holds all of them with their links at once.
BATCH = 500


def agreements_for_export(session: Session, filters: AgreementFilters) -> Iterator[Agreement]:
    """Every agreement matching the filters, in their order, with parties, sectors and sources loaded.

    Live agreements only, filtered here rather than by the session's archive criteria: a live agreement never
    names an archived party, sector or source (tracker/archiving.py), so the links need no criteria either, and
    without them SQLite loads the links of 500 agreements at a time quickly instead of in seconds.
    """
    statement = (
        select(Agreement)
        .where(Agreement.archived_at.is_(None), *filter_conditions(session, filters))
        .order_by(*sort_columns(filters.sort))
        .options(
            selectinload(Agreement.party_links).joinedload(AgreementParty.party),
            selectinload(Agreement.sectors),
            selectinload(Agreement.source_links).joinedload(AgreementSource.source),
        )
        .execution_options(yield_per=BATCH, **WITH_ARCHIVED)
    )
    yield from session.scalars(statement)


def parties_for_export(session: Session, filters: party_queries.PartyFilters) -> Iterator[Party]:
    """Every party matching the list's filters, by name, with aliases and parent loaded."""
    statement = (
        select(Party)
        .where(*party_queries.filter_conditions(filters))
        .order_by(func.lower(Party.name), Party.id)
        .options(selectinload(Party.aliases), joinedload(Party.parent))
        .execution_options(yield_per=BATCH)
    )
    yield from session.scalars(statement)


def sources_for_export(session: Session, filters: source_queries.SourceFilters) -> Iterator[Source]:
    """Every source matching the list's filters, in the list's order."""
    order = source_queries.SORTS.get(filters.sort, source_queries.SORTS[source_queries.DEFAULT_SORT])
    statement = (
        select(Source)
        .where(*source_queries.filter_conditions(filters))
        .order_by(*order)
        .execution_options(yield_per=BATCH)
    )
    yield from session.scalars(statement)
