"""`flask --app app send-digest`: e-mail each opted-in user their digest (composed by tracker/digest.py), from cron."""

from __future__ import annotations

from datetime import date, datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from tracker.clock import local_today
from tracker.digest import DigestRun, build_digests
from tracker.mail import Delivery, MailServerError, SmtpSettings, send_messages, sender_address
from tracker.queries.digest import DigestReport, OwnWork


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


def report_counts(report: DigestReport | None, work: OwnWork | None = None) -> str:
    """ "3 ending, 1 needing attention", and one's own agreements and actions, for the command's output."""
    parts = []
    if report is not None:
        ending, attention = report.expiring_total, report.attention_total
        parts.append(f"{ending} ending within {report.months} months, {attention} needing attention")
    if work:
        parts.append(f"own: {len(work.agreements)} agreement(s), {len(work.actions)} action(s)")
    return "; ".join(parts)


def echo_dry_run(run: DigestRun, as_of: date) -> None:
    """Say what would be sent, and send nothing."""
    for digest in run.digests:
        click.echo(
            f"Would send to {digest.email}: {digest.message['Subject']} ({report_counts(digest.report, digest.work)})"
        )
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
