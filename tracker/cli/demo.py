"""Made-up data: `flask --app app load-demo` (the demo story) and `flask --app app seed-synthetic` (data at scale)."""

from __future__ import annotations

from time import perf_counter

import click
from flask import current_app
from flask.cli import with_appcontext

from tracker.db import get_session
from tracker.models import UserRole
from tracker.services import accounts

DEMO_ADMIN_EMAIL = "admin@example.org"


@click.command("load-demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already holds agreements.")
def load_demo_command(if_empty: bool) -> None:
    """Load the demo story (Ministry of Industry and AITEC, tirto.id, 2017)."""
    from tracker import demo

    session = get_session()
    if if_empty and not demo.is_empty(session):
        click.echo("Database already holds agreements; demo data not loaded.")
    else:
        summary = demo.load_demo(session)
        session.commit()
        click.echo(f"Demo data loaded: {summary}.")
    # Also for a database that had agreements before accounts existed: otherwise nobody could sign in.
    if accounts.user_count(session) == 0:
        create_demo_admin(session)


def create_demo_admin(session) -> None:
    """A first admin for a fresh local database; the password is shown this once and never stored."""
    password = accounts.random_password()
    accounts.create_user(session, DEMO_ADMIN_EMAIL, password, UserRole.ADMIN, name="Demo admin")
    session.commit()
    click.echo(f"Demo admin created. Sign in as {DEMO_ADMIN_EMAIL} with the password {password}")
    click.echo("(shown only now; create your own accounts with `flask --app app create-user`).")


@click.command("seed-synthetic")
@with_appcontext
@click.option("--agreements", "count", type=click.IntRange(min=1), required=True, help="How many agreements to make.")
@click.option("--seed", "seed_value", type=int, default=0, show_default=True, help="The same seed gives the same data.")
@click.option("--append", is_flag=True, help="Add to a database that already holds agreements (refused otherwise).")
def seed_synthetic_command(count: int, seed_value: int, append: bool) -> None:
    """Fill the database with synthetic agreements, parties, sectors and sources, for benchmarks and trials.

    SQLite: bulk inserts in one transaction, nothing is written if it fails. PostgreSQL: COPY, committed in chunks
    while other connections compute the search documents; a failure leaves what was committed (start again on a new
    database). No history is recorded for them.
    """
    # A development tool, imported only when the command runs: the app itself never loads bench/ at start-up.
    from bench.synthetic import has_agreements, seed, seed_in_parallel

    engine = current_app.extensions["tracker.write_engine"]
    with engine.connect() as connection:
        if has_agreements(connection) and not append:
            raise click.ClickException(
                "The database already holds agreements: synthetic data is meant for an empty database "
                "(flask --app app upgrade-db on a new one). Use --append to add to it anyway."
            )
    started = perf_counter()
    phases: list[str] = []
    with click.progressbar(length=count, label="Writing agreements") as bar:
        if engine.dialect.name == "postgresql":
            counts = seed_in_parallel(
                engine,
                count,
                seed_value,
                bar.update,
                phase=lambda label, seconds: phases.append(f"{label} {seconds:.1f} s"),
            )
        else:
            with engine.begin() as connection:
                counts = seed(connection, count, seed_value, bar.update)
    rows = ", ".join(f"{number} {table}" for table, number in counts.items())
    click.echo(f"Wrote {rows} in {perf_counter() - started:.1f} s (seed {seed_value}).")
    if phases:
        click.echo("Phases: " + "; ".join(phases) + ".")
