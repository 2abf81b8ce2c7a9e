"""`flask --app app add-source URL|FILE`: the ingest review screen's work on the command line."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from tracker.db import get_session
from tracker.errors import TrackerError
from tracker.ingest import acquire
from tracker.ingest.extract.result import ExtractError
from tracker.ingest.fetch.addresses import system_resolver
from tracker.ingest.fetch.policy import FetchError, policy_from_config
from tracker.ingest.review import PendingSource
from tracker.queries.suggestions import Suggestions, suggest
from tracker.services.ingest import ReviewDecision, save_review


@click.command("add-source")
@with_appcontext
@click.argument("location")
@click.option("--link", "link_ids", multiple=True, type=int, help="Link the source to this agreement id (repeatable).")
@click.option("--link-suggested", is_flag=True, help="Link the source to the best suggested agreement.")
@click.option("--note", default=None, help="What the source supports (default: a sentence quoted from the text).")
@click.option("--source-only", is_flag=True, help="Record the source and its snapshot without linking it.")
def add_source_command(
    location: str, link_ids: tuple[int, ...], link_suggested: bool, note: str | None, source_only: bool
) -> None:
    """Add a source from a URL or a saved page (.html, .htm, .txt), keeping its text, and link it."""
    add_source(location, list(link_ids), link_suggested, note, source_only)


def read(location: str) -> PendingSource:
    """The page at a URL, or in a saved file."""
    if location.lower().startswith(("http://", "https://")):
        resolver = current_app.extensions.get("tracker.resolver", system_resolver)
        return acquire.from_url(location, policy_from_config(current_app.config), resolver)
    path = Path(location)
    if not path.is_file():
        raise click.ClickException(f"{location} is neither an http(s) link nor a file.")
    return acquire.from_upload(path.name, path.read_bytes())


def show(pending: PendingSource, found: Suggestions) -> None:
    """Print what was read and what it suggests."""
    page = pending.extracted
    click.echo(f"Title:     {page.title}")
    click.echo(f"Outlet:    {page.outlet}   Published: {page.published_at or page.published_on or 'unknown'}")
    click.echo(f"Parties:   {', '.join(s.party.name for s in found.parties) or 'none recognised'}")
    click.echo(f"Periods:   {', '.join(p.phrase for p in found.periods) or 'none found'}")
    click.echo(f"Sectors:   {', '.join(s.sector.name for s in found.sectors) or 'none found'}")
    cues = [*found.instruments, *found.statuses, *found.renewals]
    click.echo(f"Cues:      {', '.join(f'{c.value.value} ({c.phrase})' for c in cues) or 'none found'}")
    for rank, s in enumerate(found.agreements, start=1):
        click.echo(f"  [{rank}] agreement {s.agreement.id}: {s.agreement.title} — {'; '.join(map(str, s.reasons))}")


def add_source(location: str, link_ids: list[int], link_suggested: bool, note: str | None, source_only: bool) -> None:
    """Read, show, and save with the links given on the command line."""
    try:
        pending = read(location)
    except (FetchError, ExtractError, acquire.AcquireError) as error:
        raise click.ClickException(str(getattr(error, "message", error))) from error
    session = get_session()
    found = suggest(session, pending.extracted.title, pending.extracted.text)
    show(pending, found)
    if link_suggested and found.agreements:
        link_ids = [*link_ids, found.agreements[0].agreement.id]
    if not link_ids and not source_only:
        raise click.ClickException("Nothing saved: choose --link ID, --link-suggested or --source-only.")
    quote = note if note is not None else found.quote(pending.extracted.text)
    try:
        source, known = save_review(session, pending, ReviewDecision(sorted(set(link_ids)), quote, None))
    except TrackerError as error:
        raise click.ClickException(str(error.message)) from error
    session.commit()
    linked = ", ".join(str(i) for i in sorted(set(link_ids))) or "no agreement"
    if known:
        click.echo(f"Already recorded as source {source.id}: {source.title}; its text is kept as a new snapshot.")
    click.echo(f"{'Kept' if known else 'Recorded'} source {source.id} with its text; linked to {linked}.")
