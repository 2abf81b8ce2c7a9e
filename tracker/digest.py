"""The e-mail digest of expiries: what each opted-in user gets (text and HTML); `flask send-digest` sends it.

Responsible officers and assignees also hear about their own agreements and follow-up actions (issue 15), in the
same e-mail, unless they opted out; a user who only owns things gets only that part.

The command runs from cron, without a request: links are built on TRACKER_BASE_URL through a test request
context, and the database is read through a session of its own that never takes SQLite's write lock, since
talking to the mail server can take a while.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import urlsplit

from flask import Flask, render_template
from flask_babel import force_locale
from sqlalchemy.orm import Session

from tracker.http.agreements import QueryError, saved_filters
from tracker.i18n import _, _n
from tracker.locale import user_locale
from tracker.models import User
from tracker.queries.digest import (
    DIGEST_ROWS,
    DigestReport,
    OwnWork,
    digest_recipients,
    digest_window,
    own_work,
    reports_by_window,
)
from tracker.queries.saved_queries import QuerySection, digest_followers, digest_queries, query_section


@dataclass(frozen=True)
class Digest:
    """One user's digest: the report it is made of and the message that carries it."""

    email: str
    report: DigestReport | None  # None for a user who only hears about their own agreements and actions
    message: EmailMessage
    work: OwnWork = field(default_factory=lambda: OwnWork([], []))
    sections: list[QuerySection] = field(default_factory=list)


@dataclass
class DigestRun:
    """The digests to send, the users whose address cannot be written in a header, and how many had no news."""

    digests: list[Digest] = field(default_factory=list)
    unaddressable: list[tuple[str, str]] = field(default_factory=list)
    quiet: int = 0


def has_news(report: DigestReport | None, work: OwnWork | None = None, sections: list | None = None) -> bool:
    """Whether there is anything to tell: a user with nothing ending, nothing overdue, nothing of their own to do and
    nothing in their saved queries gets no mail."""
    return bool(report and (report.expiring_total or report.attention_total)) or bool(work) or any(sections or [])


def subject(report: DigestReport | None, work: OwnWork | None = None, sections: list | None = None) -> str:
    """ "Expiring agreements: 3 ending soon, 1 needing attention", or for one's own part only "Your agreements and
    actions: 2 agreements, 1 action", or for saved queries only "Your saved queries: 3 ending soon, 2 new"."""
    if report is None and not work and sections:
        ending = _n("%(num)d ending soon", "%(num)d ending soon", sum(section.ending_total for section in sections))
        new = _n("%(num)d new", "%(num)d new", sum(section.new_total for section in sections))
        return str(_("Your saved queries: %(ending)s, %(new)s", ending=ending, new=new))
    if report is None:
        agreements = _n("%(num)d agreement", "%(num)d agreements", len(work.agreements) if work else 0)
        actions = _n("%(num)d action", "%(num)d actions", len(work.actions) if work else 0)
        return str(
            _("Your agreements and actions: %(agreements)s, %(actions)s", agreements=agreements, actions=actions)
        )
    ending = _n("%(num)d ending soon", "%(num)d ending soon", report.expiring_total)
    attention = _n("%(num)d needing attention", "%(num)d needing attention", report.attention_total)
    return str(_("Expiring agreements: %(ending)s, %(attention)s", ending=ending, attention=attention))


def recipient(user: User) -> Address:
    """The To address, with the person's name on one line (a name with a line break must not forge headers)."""
    return Address(display_name=" ".join(user.name.split()), addr_spec=user.email)


def compose(
    user: User,
    report: DigestReport | None,
    sender: str,
    domain: str,
    work: OwnWork | None = None,
    sections: list[QuerySection] | None = None,
) -> EmailMessage:
    """The digest message, in the recipient's language: plain text and HTML alternatives of the same report."""
    with force_locale(user_locale(user)):  # the language the user chose, else the installation's
        return compose_message(user, report, sender, domain, work or OwnWork([], []), sections or [])


def compose_message(
    user: User, report: DigestReport | None, sender: str, domain: str, work: OwnWork, sections: list[QuerySection]
) -> EmailMessage:
    """The digest message in the current locale."""
    message = EmailMessage()
    message["Subject"] = subject(report, work, sections)
    message["From"] = sender
    message["To"] = recipient(user)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=domain)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a robot
    as_of = as_of_of(report, work)
    context = {"user": user, "report": report, "work": work, "sections": sections, "as_of": as_of, "shown": DIGEST_ROWS}
    message.set_content(render_template("mail/digest.txt", **context))
    message.add_alternative(render_template("mail/digest.html", **context), subtype="html")
    return message


def build_digests(app: Flask, as_of: date, sender: str, only: int | None = None) -> DigestRun:
    """The digest of every active opted-in user with something to report, as of `as_of` (of user `only`, if given:
    their digest sent on demand)."""
    base_url = app.config["TRACKER_BASE_URL"]
    domain = urlsplit(base_url).hostname or "localhost"
    run = DigestRun()
    with app.test_request_context(base_url=base_url), app.extensions["tracker.sessionmaker"]() as session:
        users = [user for user in digest_recipients(session) if only is None or user.id == only]
        followers = frozenset(digest_followers(session))
        reports = reports_by_window(session, as_of, users)
        for user in users:
            report = reports[digest_window(user)] if user.digest_opt_in else None
            sections = saved_sections(session, user, as_of) if user.id in followers else []
            add_digest(run, user, report, sender, domain, own_work(session, user, as_of), sections)
    return run


def saved_sections(session: Session, user: User, as_of: date) -> list[QuerySection]:
    """A section per saved query the user's digest follows (at most DIGEST_QUERIES) that has something to say: its
    agreements ending within the user's window and its new ones; or why the query no longer works."""
    months = digest_window(user)
    sections = []
    for saved in digest_queries(session, user.id):
        try:
            filters = saved_filters(session, saved.query, me=user.id)
        except QueryError as error:
            sections.append(QuerySection(saved, problem=str(error)))
            continue
        section = query_section(session, saved, filters, as_of, months)
        if section:
            sections.append(section)
    return sections


def as_of_of(report: DigestReport | None, work: OwnWork) -> date | None:
    """The day the digest counts from (the report's; for one's own part only, the day it was read for)."""
    return report.as_of if report else work.as_of


def add_digest(
    run: DigestRun,
    user: User,
    report: DigestReport | None,
    sender: str,
    domain: str,
    work: OwnWork | None = None,
    sections: list[QuerySection] | None = None,
) -> None:
    """Add the user's digest to the run, or count the user as quiet or unaddressable."""
    if not has_news(report, work, sections):
        run.quiet += 1
        return
    try:
        message = compose(user, report, sender, domain, work, sections)
        run.digests.append(Digest(user.email, report, message, work or OwnWork([], []), sections or []))
    except ValueError as error:  # the e-mail package refuses an address it cannot write in a header
        run.unaddressable.append((user.email, str(error)))
