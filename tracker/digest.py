"""The e-mail digest of expiries: what each opted-in user gets (text and HTML), and `flask send-digest`.

The command runs from cron, without a request: links are built on TRACKER_BASE_URL through a test request
context, and the database is read through a session of its own that never takes SQLite's write lock, since
talking to the mail server can take a while.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import urlsplit

import click
from flask import Flask, current_app, render_template
from flask.cli import with_appcontext
from flask_babel import force_locale

from tracker.forms.expiring import local_today
from tracker.i18n import _, _n
from tracker.locale import user_locale
from tracker.mail import Delivery, MailServerError, SmtpSettings, send_messages, sender_address
from tracker.models import User
from tracker.queries.digest import digest_recipients, digest_window, reports_by_window
from tracker.queries.expiring import ExpiringReport


@dataclass(frozen=True)
class Digest:
    """One user's digest: the report it is made of and the message that carries it."""

    email: str
    report: ExpiringReport
    message: EmailMessage


@dataclass
class DigestRun:
    """The digests to send, the users whose address cannot be written in a header, and how many had no news."""

    digests: list[Digest] = field(default_factory=list)
    unaddressable: list[tuple[str, str]] = field(default_factory=list)
    quiet: int = 0


def has_news(report: ExpiringReport) -> bool:
    """Whether there is anything to tell: a user with nothing ending and nothing overdue gets no mail."""
    return bool(report.expiring or report.needs_attention)


def subject(report: ExpiringReport) -> str:
    """ "Expiring agreements: 3 ending soon, 1 needing attention"."""
    ending = _n("%(num)d ending soon", "%(num)d ending soon", len(report.expiring))
    attention = _n("%(num)d needing attention", "%(num)d needing attention", len(report.needs_attention))
    return str(_("Expiring agreements: %(ending)s, %(attention)s", ending=ending, attention=attention))


def recipient(user: User) -> Address:
    """The To address, with the person's name on one line (a name with a line break must not forge headers)."""
    return Address(display_name=" ".join(user.name.split()), addr_spec=user.email)


def compose(user: User, report: ExpiringReport, sender: str, domain: str) -> EmailMessage:
    """The digest message, in the recipient's language: plain text and HTML alternatives of the same report."""
    with force_locale(user_locale(user)):  # the language the user chose, else the installation's
        return compose_message(user, report, sender, domain)


def compose_message(user: User, report: ExpiringReport, sender: str, domain: str) -> EmailMessage:
    """The digest message in the current locale."""
    message = EmailMessage()
    message["Subject"] = subject(report)
    message["From"] = sender
    message["To"] = recipient(user)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=domain)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a robot
    message.set_content(render_template("mail/digest.txt", user=user, report=report))
    message.add_alternative(render_template("mail/digest.html", user=user, report=report), subtype="html")
    return message


def build_digests(app: Flask, as_of: date, sender: str) -> DigestRun:
    """The digest of every active opted-in user with something to report, as of `as_of`."""
    base_url = app.config["TRACKER_BASE_URL"]
    domain = urlsplit(base_url).hostname or "localhost"
    run = DigestRun()
    with app.test_request_context(base_url=base_url), app.extensions["tracker.sessionmaker"]() as session:
        users = digest_recipients(session)
        reports = reports_by_window(session, as_of, users)
        for user in users:
            add_digest(run, user, reports[digest_window(user)], sender, domain)
    return run


def add_digest(run: DigestRun, user: User, report: ExpiringReport, sender: str, domain: str) -> None:
    """Add the user's digest to the run, or count the user as quiet or unaddressable."""
    if not has_news(report):
        run.quiet += 1
        return
    try:
        run.digests.append(Digest(user.email, report, compose(user, report, sender, domain)))
    except ValueError as error:  # the e-mail package refuses an address it cannot write in a header
        run.unaddressable.append((user.email, str(error)))


def report_counts(report: ExpiringReport) -> str:
    """ "3 ending, 1 needing attention", for the command's output."""
    ending, attention = len(report.expiring), len(report.needs_attention)
    return f"{ending} ending within {report.months} months, {attention} needing attention"


def echo_dry_run(run: DigestRun, as_of: date) -> None:
    """Say what would be sent, and send nothing."""
    for digest in run.digests:
        click.echo(f"Would send to {digest.email}: {digest.message['Subject']} ({report_counts(digest.report)})")
    for email, reason in run.unaddressable:
        click.echo(f"Could not address {email}: {reason}", err=True)
    click.echo(
        f"Dry run as of {as_of.isoformat()}: {len(run.digests)} digest(s) would be sent; "
        f"{run.quiet} opted-in user(s) with nothing to report. Nothing was sent."
    )


def send(run: DigestRun, as_of: date, settings: SmtpSettings) -> None:
    """Send the digests and say what was sent; exit non-zero when the server is unreachable or refused any."""
    try:
        delivery = send_messages(settings, [digest.message for digest in run.digests]) if run.digests else Delivery()
    except MailServerError as error:
        raise click.ClickException(f"{error}. No digest was sent.") from error
    for email in delivery.sent:
        click.echo(f"Sent to {email}")
    failed = [*run.unaddressable, *delivery.failed]
    for email, reason in failed:
        click.echo(f"Not sent to {email}: {reason}", err=True)
    click.echo(
        f"Sent {len(delivery.sent)} digest(s) as of {as_of.isoformat()}; "
        f"{run.quiet} opted-in user(s) with nothing to report."
    )
    if failed:
        raise click.ClickException(f"{len(failed)} digest(s) could not be sent.")


def check_sender(sender: str) -> None:
    """Refuse to send without a usable sender address, saying which setting to fix."""
    example = "e.g. TRACKER_MAIL_FROM='Cooperation Tracker <tracker@example.org>'. Nothing was sent."
    if not sender:
        raise click.ClickException(f"TRACKER_MAIL_FROM is not set: give the sender address, {example}")
    if not sender_address(sender):
        raise click.ClickException(f"TRACKER_MAIL_FROM holds no e-mail address ({sender!r}): {example}")


@click.command("send-digest")
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day to count from, YYYY-MM-DD (default: today in TRACKER_TIMEZONE).",
)
@click.option("--dry-run", is_flag=True, help="Say who would get which digest; send nothing.")
@with_appcontext
def send_digest_command(as_of: datetime | None, dry_run: bool) -> None:
    """E-mail each opted-in user the agreements ending within their window and those needing attention."""
    settings = SmtpSettings.from_config(current_app.config)
    if not dry_run:
        check_sender(settings.sender)
    day = as_of.date() if as_of else local_today()
    run = build_digests(current_app._get_current_object(), day, settings.sender or "dry-run@localhost")
    if dry_run:
        echo_dry_run(run, day)
    else:
        send(run, day, settings)
