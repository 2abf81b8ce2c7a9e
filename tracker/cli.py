"""Command-line boundary: `flask --app app <command>`; one session per command."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from tracker import migrate
from tracker.db import get_session


@click.command("upgrade-db")
@with_appcontext
@click.option("--revision", default="head", show_default=True, help="Alembic revision to reach.")
def upgrade_db_command(revision: str) -> None:
    """Create or upgrade the database schema with Alembic migrations."""
    migrate.upgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"Database at revision {revision}.")


@click.command("load-demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already holds agreements.")
def load_demo_command(if_empty: bool) -> None:
    """Load the demo story (Ministry of Industry and AITEC, tirto.id, 2017)."""
    from tracker import demo

    session = get_session()
    if if_empty and not demo.is_empty(session):
        click.echo("Database already holds agreements; demo data not loaded.")
        return
    summary = demo.load_demo(session)
    session.commit()
    click.echo(f"Demo data loaded: {summary}.")


def init_app(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(upgrade_db_command)
    app.cli.add_command(load_demo_command)
