"""Accounts from the command line: `flask --app app create-user`, `flask --app app create-token`."""

from __future__ import annotations

import logging
import sys

import click
from flask.cli import with_appcontext

from tracker.db import get_session
from tracker.errors import TrackerError
from tracker.models import UserRole
from tracker.services import accounts, tokens

# The same log as the pages' account actions (tracker/web/users.py, tracker/web/tokens.py): the command line is no
# way around it.
log = logging.getLogger("tracker.security")


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
    log.info("user admin: command line created %s as %s", user.email, user.role.value)
    click.echo(f"Created {user.email} ({user.role.value}).")


def cli_message(error: TrackerError) -> str:
    """A domain error for the terminal, naming the input it is about ("password: Use at least...")."""
    return f"{error.field}: {error.message}" if error.field else str(error.message)


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
    log.info("API token %s made for %s on the command line", token.prefix, user.email)
    click.echo(f"Token {token.prefix}… made for {user.email} ({user.role.value}); it is shown only now:")
    click.echo(text)
