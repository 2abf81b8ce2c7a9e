"""`flask --app app import FILE [--preset NAME] [--commit] [--create-sectors]`: the import page's dry run and commit
in a terminal (--keep-apart and --not-a-unit refuse a reading of a name the report asks to check).

A dry run unless --commit; the exit status is 1 when any row has a problem (then nothing is written) or the
file cannot be read, 0 otherwise. Large files show a progress bar while the rows are checked.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.orm import Session

from tracker.db import get_session
from tracker.importing import import_table, presets
from tracker.importing.apply import ImportResult
from tracker.importing.catalogue import name_key
from tracker.importing.mapping import Mapping, automatic, detect_built_in
from tracker.importing.plan import ImportPlan, NewParty, Outcome, plan_import
from tracker.importing.reading import FORMATS, FileFormatError, Table, read_table
from tracker.models import AgreementStatus, InstrumentType

# Files with at least this many rows show a progress bar.
PROGRESS_MIN_ROWS = 1000
# How many skipped rows the report names one by one.
LISTED_ROWS = 50


@click.command("import")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--preset", default=None, help="A built-in or saved preset (default: map the columns by their headers).")
@click.option("--format", "file_format", type=click.Choice(FORMATS), default=None, help="Read as this format.")
@click.option("--commit", is_flag=True, help="Write the agreements; without it nothing is written (dry run).")
@click.option("--default-instrument", type=click.Choice([member.value for member in InstrumentType]), default=None)
@click.option("--default-status", type=click.Choice([member.value for member in AgreementStatus]), default=None)
@click.option("--create-sectors", is_flag=True, help="Add the sectors the file names that the sector list lacks.")
@click.option(
    "--keep-apart",
    multiple=True,
    metavar="NAME",
    help="A party name the file writes that is NOT the party the report matched it to (repeatable).",
)
@click.option(
    "--not-a-unit",
    multiple=True,
    metavar="NAME",
    help="A new party NOT to place under the party its name ends with (repeatable).",
)
def import_command(
    path: Path,
    preset: str | None,
    file_format: str | None,
    commit: bool,
    default_instrument: str | None,
    default_status: str | None,
    create_sectors: bool,
    keep_apart: tuple[str, ...],
    not_a_unit: tuple[str, ...],
) -> None:
    """Import agreements from a CSV, XLSX or JSON file: a dry run unless --commit."""
    try:
        table = read_table(path, path.name, file_format)  # a CSV file is streamed from the disk
    except FileFormatError as error:
        raise click.ClickException(str(error)) from error
    defaults = Defaults(default_instrument, default_status, create_sectors, keep_apart, not_a_unit)
    if not commit:
        # A dry run only reads: its own session, which never takes SQLite's write lock.
        with current_app.extensions["tracker.sessionmaker"]() as session:
            checked(session, path.name, table, preset, defaults)
        click.echo("Dry run: nothing was written. Run again with --commit to import.")
        return
    session = get_session()  # checked and written in one transaction
    _plan, result = checked(session, path.name, table, preset, defaults, commit=True)
    session.commit()
    click.echo(
        f"Imported {result.agreements} agreements with {result.parties} new parties and {result.sources} new sources."
    )
    if result.sectors:
        click.echo(f"Added {result.sectors} sectors to the sector list.")


class Defaults(NamedTuple):
    """What the command's options add to the mapping."""

    instrument: str | None
    status: str | None
    create_sectors: bool
    kept_apart: tuple[str, ...] = ()
    not_units: tuple[str, ...] = ()


def checked(
    session: Session,
    filename: str,
    table: Table,
    preset: str | None,
    defaults: Defaults,
    commit: bool = False,
) -> tuple[ImportPlan, ImportResult | None]:
    """Map and check (and with `commit`, write) the rows and print the report; exit 1 when any row has a problem."""
    mapping = choose_mapping(session, preset, table)
    instrument, status = defaults.instrument, defaults.status
    mapping.default_instrument = InstrumentType(instrument) if instrument else mapping.default_instrument
    mapping.default_status = AgreementStatus(status) if status else mapping.default_status
    mapping.create_sectors = mapping.create_sectors or defaults.create_sectors
    mapping.kept_apart = frozenset(map(name_key, defaults.kept_apart))
    mapping.not_units = frozenset(map(name_key, defaults.not_units))
    plan, result = check(session, table, mapping, commit)
    report(filename, table, plan)
    if not plan.ok:
        click.echo("Nothing was imported: correct the problems above and run the command again.")
        raise click.exceptions.Exit(1)
    return plan, result


def choose_mapping(session: Session, preset: str | None, table: Table) -> Mapping:
    """The named preset, else the built-in one the headers fit, else the mapping the headers suggest."""
    name = preset or detect_built_in(table.headers)
    if name is None:
        return automatic(table.headers)
    mapping = presets.find_mapping(session, name)
    if mapping is None:
        known = ", ".join(name for name, _label in presets.preset_choices(session))
        raise click.ClickException(f"There is no preset named {name!r}. Presets: {known}.")
    click.echo(f"Preset: {name}")
    return mapping


def check(session: Session, table: Table, mapping: Mapping, commit: bool) -> tuple[ImportPlan, ImportResult | None]:
    """The dry run, or the import, with a progress bar on large files."""
    home = current_app.config["TRACKER_HOME_COUNTRY"]
    if len(table.rows) < PROGRESS_MIN_ROWS:
        return run(session, table, mapping, home, commit)
    label = "Importing rows" if commit else "Checking rows"
    with click.progressbar(length=len(table.rows), label=label) as bar:
        return run(session, table, mapping, home, commit, bar.update)


def run(
    session: Session, table: Table, mapping: Mapping, home: str, commit: bool, progress: Callable | None = None
) -> tuple[ImportPlan, ImportResult | None]:
    """Check the rows, and write them when `commit` and no row has a problem."""
    if commit:
        return import_table(session, table, mapping, home, progress)
    return plan_import(session, table, mapping, home, progress), None


def report(filename: str, table: Table, plan: ImportPlan) -> None:
    """What the import would do (or why it cannot), as the preview page says it."""
    encoding = f", {table.encoding}" if table.encoding else ""
    click.echo(f"Read {filename} as {table.format.upper()}{encoding}: {len(table.rows)} rows.")
    for target, header in plan.columns.items():
        click.echo(f"  {target:<15} <- {header}")
    if plan.ignored:
        click.echo(f"Not imported (no field reads these columns): {', '.join(plan.ignored)}")
    click.echo(
        f"Rows: {plan.count(Outcome.CREATE)} to create, {plan.count(Outcome.PRESENT)} already present (skipped), "
        f"{plan.count(Outcome.REPEAT)} repeated (skipped), {plan.count(Outcome.INVALID)} with problems."
    )
    new = "; ".join(new_party_text(party) for party in plan.new_parties[:LISTED_ROWS])
    more = f"; ...and {len(plan.new_parties) - LISTED_ROWS} more" if len(plan.new_parties) > LISTED_ROWS else ""
    click.echo(f"New parties: {len(plan.new_parties)}{': ' + new + more if new else ''}")
    click.echo(f"Recorded parties linked: {len(plan.matched_parties)}")
    report_readings(plan)
    if plan.new_sectors:
        click.echo(f"New sectors: {len(plan.new_sectors)}: {'; '.join(sector.name for sector in plan.new_sectors)}")
    click.echo(f"New sources: {len(plan.new_sources)}; recorded sources linked: {len(plan.linked_sources)}")
    report_skipped(plan)
    if plan.problems:
        click.echo(f"Problems ({len(plan.problems)}):")
        for problem in plan.problems:
            where = f"row {problem.row}" if problem.row else "file"
            column = f", column {problem.column!r}" if problem.column else ""
            click.echo(f"  {where}{column}: {problem.message}")


def new_party_text(party: NewParty) -> str:
    """ "Directorate General ILMATE (ID, ministry, also DJ ILMATE, under Ministry of Industry)"."""
    details = [party.country or "-", party.kind.value]
    details += [f"also {', '.join(party.aliases)}"] if party.aliases else []
    details += [f"under {party.parent.name}"] if party.parent else []
    return f"{party.name} ({', '.join(details)})"


def report_readings(plan: ImportPlan) -> None:
    """The names read as another party's and the units placed, to check (and the ways to refuse them)."""
    matches = [f"{match.written} -> {match.target}" for match in plan.matches if match.accepted]
    if matches:
        click.echo(f"Matched by another of their names (check; --keep-apart NAME if wrong): {'; '.join(matches)}")
    units = [f"{unit.written} -> under {unit.target}" for unit in plan.units if unit.accepted]
    if units:
        click.echo(f"Units placed under the party their name ends with (--not-a-unit NAME if not): {'; '.join(units)}")
    sectors = [f"{match.written} -> {match.target}" for match in plan.sector_matches if match.accepted]
    if sectors:
        click.echo(f"Sectors named by a keyword (check; --keep-apart NAME if wrong): {'; '.join(sectors)}")
    refusable = (*plan.matches, *plan.units, *plan.sector_matches)
    refused = [proposal.written for proposal in refusable if not proposal.accepted]
    if refused:
        click.echo(f"Kept as written, as asked: {'; '.join(refused)}")


def report_skipped(plan: ImportPlan) -> None:
    """The rows that are skipped, and why."""
    for row in plan.skipped[:LISTED_ROWS]:
        if row.outcome is Outcome.REPEAT:
            click.echo(f"  row {row.number}: repeats row {row.repeat_of}, skipped")
            continue
        archived = ", archived" if row.existing.archived else ""  # type: ignore[union-attr]
        differs = f"; the file differs in: {', '.join(row.differences)}" if row.differences else ""
        click.echo(f"  row {row.number}: already present as agreement {row.existing.id}{archived}, skipped{differs}")  # type: ignore[union-attr]
    skipped = plan.count(Outcome.PRESENT) + plan.count(Outcome.REPEAT)
    if skipped > LISTED_ROWS:
        click.echo(f"  ...and {skipped - LISTED_ROWS} more skipped rows.")
