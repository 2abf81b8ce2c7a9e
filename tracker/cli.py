"""Command-line boundary: `flask --app app <command>`; one session per command."""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from tracker import backup, digest, migrate, synthetic
from tracker.db import get_session
from tracker.errors import TrackerError
from tracker.export_cli import export_command
from tracker.importing.cli import import_command
from tracker.models import UserRole
from tracker.services import accounts, tokens

DEMO_ADMIN_EMAIL = "admin@example.org"


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


@click.command("create-user")
@with_appcontext
@click.argument("email")
@click.option(
    "--role", type=click.Choice([role.value for role in UserRole]), default=UserRole.VIEWER.value, show_default=True
)
@click.option("--name", default="", help="The person's name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (for scripts).")
def create_user_command(email: str, role: str, name: str, password_stdin: bool) -> None:
    """Create an account; the password is asked twice, or read from stdin with --password-stdin."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    session = get_session()
    try:
        user = accounts.create_user(session, email, password, UserRole(role), name=name)
    except TrackerError as error:
        raise click.ClickException(cli_message(error)) from error
    session.commit()
    click.echo(f"Created {user.email} ({user.role.value}).")


def cli_message(error: TrackerError) -> str:
    """A domain error for the terminal, naming the input it is about ("password: Use at least...")."""
    return f"{error.field}: {error.message}" if error.field else str(error.message)


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
    from tracker.ingest import ingest_cli

    ingest_cli.add_source(location, list(link_ids), link_suggested, note, source_only)


@click.command("create-token")
@with_appcontext
@click.argument("email")
@click.option("--name", default="", help="What the token is for, to tell it apart in the list.")
def create_token_command(email: str, name: str) -> None:
    """Make a personal API token for an active user; it is printed this once and only its hash is kept."""
    session = get_session()
    user = accounts.find_user(session, email)
    if user is None or not user.active:
        raise click.ClickException(f"No active user with the e-mail address {email!r}.")
    try:
        token, text = tokens.create_token(session, user, name)
    except TrackerError as error:
        raise click.ClickException(cli_message(error)) from error
    session.commit()
    click.echo(f"Token {token.prefix}… made for {user.email} ({user.role.value}); it is shown only now:")
    click.echo(text)


def init_app(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(upgrade_db_command)
    app.cli.add_command(load_demo_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(add_source_command)
    app.cli.add_command(backup.backup_command)
    app.cli.add_command(import_command)
    app.cli.add_command(export_command)
    app.cli.add_command(create_token_command)
    app.cli.add_command(digest.send_digest_command)
    app.cli.add_command(synthetic.seed_synthetic_command)
