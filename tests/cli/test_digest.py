"""The e-mail digest: `flask send-digest` against a real SMTP server on 127.0.0.1, and the settings page."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword

from tests.conftest import sign_in_client
from tracker.dates import PartialDate
from tracker.models import (
    ActionStatus,
    AgreementStatus,
    FollowUpAction,
    ImplementationStatus,
    PartyRole,
    RenewalIntent,
    User,
    UserRole,
)
from tracker.services.terms import sync_terms

AS_OF = "2017-10-04"
BASE_URL = "https://tracker.kemenperin.example/app"
SENDER = "Cooperation Tracker <tracker@kemenperin.example>"
EVIL_TITLE = "<script>alert(1)</script> Tom & Jerry's MoU"


def free_port() -> int:
    """A TCP port nobody listens on at the moment (aiosmtpd's controller cannot start on port 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Mailbox:
    """An aiosmtpd handler keeping every message that arrives, and the logins it saw."""

    envelopes: list[Envelope] = field(default_factory=list)
    logins: list[tuple[bytes, bytes]] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self) -> dict[str, EmailMessage]:
        """The messages by envelope recipient."""
        return {
            recipient: message_from_bytes(envelope.content, policy=policy.default)
            for envelope in self.envelopes
            for recipient in envelope.rcpt_tos
        }

    def authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        """Accept one account, and note each login attempt."""
        if isinstance(auth_data, LoginPassword):
            self.logins.append((auth_data.login, auth_data.password))
            accepted = auth_data.login == b"mailer" and auth_data.password == b"s3cret"
            return AuthResult(success=accepted, handled=False)  # not handled: the server answers 535 itself
        return AuthResult(success=False, handled=False)


@pytest.fixture
def mailbox(app) -> Iterator[Mailbox]:
    """A real SMTP server on 127.0.0.1 for the app to send to; the app is configured for it."""
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(
        TRACKER_SMTP_HOST="127.0.0.1", TRACKER_SMTP_PORT=port, TRACKER_MAIL_FROM=SENDER, TRACKER_BASE_URL=BASE_URL
    )
    yield box
    controller.stop()


def send_digest(app, *args: str):
    """Run `flask send-digest` with the arguments."""
    return app.test_cli_runner().invoke(args=["send-digest", *args])


@pytest.fixture
def story(session, make_user, make_agreement, make_party):
    """As of 4 Oct 2017: agreements ending within 3 and 12 months, one overdue, one closed; four users."""
    aitec = make_party(name="AITEC Co., Ltd", country_code="KR")
    ministry = make_party(name="Ministry of Industry")
    records = {
        "year_only": make_agreement(
            title="Technology development cooperation",
            end="2018",
            parties=[(ministry, PartyRole.SIGNATORY), (aitec, PartyRole.SIGNATORY)],
        ),
        "later": make_agreement(title="EV MoU", end="2018-06-30", status=AgreementStatus.SIGNED),
        "overdue": make_agreement(title=EVIL_TITLE, end="2016-12-31", renewal_intent=RenewalIntent.NONE),
        "closed": make_agreement(title="Closed textile LoI", end="2017-11-30", status=AgreementStatus.EXPIRED),
    }
    users = {
        "ana": make_user(UserRole.VIEWER, email="ana@kemenperin.example"),
        "budi": make_user(UserRole.EDITOR, email="budi@kemenperin.example"),
        "citra": make_user(UserRole.ADMIN, email="citra@kemenperin.example"),
        "dewi": make_user(UserRole.VIEWER, email="dewi@kemenperin.example", active=False),
    }
    users["ana"].name = "Ana Wijaya"
    for name, opt_in, months in (("ana", True, 12), ("budi", True, 3), ("citra", False, 12), ("dewi", True, 12)):
        users[name].digest_opt_in, users[name].digest_months = opt_in, months
    session.commit()
    return records | users


def parts(message: EmailMessage) -> tuple[str, str]:
    """The text and HTML alternatives of a digest."""
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def test_opted_in_active_users_get_their_window_in_text_and_html(app, mailbox, story):
    result = send_digest(app, "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert "Sent to ana@kemenperin.example" in result.output and "Sent to budi@kemenperin.example" in result.output
    assert f"Sent 2 digest(s) as of {AS_OF}" in result.output
    messages = mailbox.messages()
    assert sorted(messages) == ["ana@kemenperin.example", "budi@kemenperin.example"]  # not citra, not dewi
    ana = messages["ana@kemenperin.example"]
    assert ana["To"] == "Ana Wijaya <ana@kemenperin.example>" and ana["From"] == SENDER
    assert ana["Subject"] == "Expiring agreements: 2 ending soon, 1 needing attention"
    assert ana["Auto-Submitted"] == "auto-generated"
    text, html = parts(ana)
    for body in (text, html):
        assert "Technology development cooperation" in body and "EV MoU" in body
        assert "2018 (year only)" in body and "30 June 2018" in body
        assert "AITEC Co., Ltd; Ministry of Industry" in body
        assert "Closed textile LoI" not in body
        assert f"{BASE_URL}/agreements/{story['year_only'].id}" in body
        assert f"{BASE_URL}/account/digest" in body
    assert EVIL_TITLE in text
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; Tom &amp; Jerry&#39;s MoU" in html
    assert text.index("EV MoU") < text.index("NEEDS ATTENTION") < text.index(EVIL_TITLE)
    # Each row needing attention says which group it is in (issue 15); the window's rows do not.
    assert text.count("Needs attention: Past the end, no renewal under way") == 1
    assert html.count("Needs attention: Past the end, no renewal under way") == 1
    assert "\nFrom 4 October 2017 to 4 October 2018" in text  # not mangled into ">From" on the way


def test_a_shorter_window_leaves_later_ends_out(app, mailbox, story):
    assert send_digest(app, "--as-of", AS_OF).exit_code == 0
    budi = mailbox.messages()["budi@kemenperin.example"]
    assert budi["To"] == "budi@kemenperin.example"
    assert budi["Subject"] == "Expiring agreements: 1 ending soon, 1 needing attention"
    text, html = parts(budi)
    assert "Technology development cooperation" in text and "EV MoU" not in text and "EV MoU" not in html
    assert "ENDING WITHIN 3 MONTHS" in text and "Ending within 3 months" in html


def test_users_with_nothing_to_report_get_no_mail(app, session, mailbox, make_user, make_agreement):
    user = make_user(UserRole.VIEWER)
    user.digest_opt_in = True
    session.commit()
    make_agreement(title="Far away", end="2030-01-31")
    result = send_digest(app, "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert "Sent 0 digest(s)" in result.output and "1 opted-in user(s) with nothing to report" in result.output
    assert mailbox.envelopes == []


def test_dry_run_sends_nothing_and_says_what_it_would(app, mailbox, story):
    result = send_digest(app, "--as-of", AS_OF, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Would send to ana@kemenperin.example" in result.output
    assert "Would send to budi@kemenperin.example" in result.output
    assert "citra" not in result.output and "dewi" not in result.output
    assert "2 digest(s) would be sent" in result.output
    assert mailbox.envelopes == []


def test_the_day_defaults_to_today(app, mailbox, story):
    result = send_digest(app, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Dry run as of 20" in result.output and mailbox.envelopes == []


@pytest.mark.parametrize(
    ("sender", "message"),
    [("", "TRACKER_MAIL_FROM is not set"), ("Cooperation Tracker", "TRACKER_MAIL_FROM holds no e-mail address")],
)
def test_no_sender_address_means_no_sending(app, mailbox, story, sender, message):
    app.config["TRACKER_MAIL_FROM"] = sender
    result = send_digest(app, "--as-of", AS_OF)
    assert result.exit_code != 0
    assert message in result.output and "Nothing was sent" in result.output
    assert mailbox.envelopes == []


def test_an_unreachable_server_exits_non_zero(app, story):
    app.config.update(TRACKER_SMTP_HOST="127.0.0.1", TRACKER_SMTP_PORT=free_port(), TRACKER_MAIL_FROM=SENDER)
    result = send_digest(app, "--as-of", AS_OF)
    assert result.exit_code != 0
    assert "cannot reach the SMTP server 127.0.0.1" in result.output and "No digest was sent" in result.output


def test_an_invalid_date_is_refused(app, mailbox, story):
    result = send_digest(app, "--as-of", "04/10/2017")
    assert result.exit_code == 2 and "--as-of" in result.output
    assert mailbox.envelopes == []


# aiosmtpd's own warnings: AUTH over plain text (fine on loopback), and its legacy login_data.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
@pytest.mark.filterwarnings("ignore:Session.login_data is deprecated:DeprecationWarning")
def test_signs_in_with_the_configured_account(app, story):
    box = Mailbox()
    port = free_port()
    controller = Controller(
        box,
        hostname="127.0.0.1",
        port=port,
        authenticator=box.authenticate,
        auth_require_tls=False,
    )
    controller.start()
    try:
        app.config.update(
            TRACKER_SMTP_HOST="127.0.0.1",
            TRACKER_SMTP_PORT=port,
            TRACKER_MAIL_FROM=SENDER,
            TRACKER_SMTP_USER="mailer",
            TRACKER_SMTP_PASSWORD="s3cret",
        )
        assert send_digest(app, "--as-of", AS_OF).exit_code == 0
        assert box.logins == [(b"mailer", b"s3cret")] and len(box.envelopes) == 2
        app.config["TRACKER_SMTP_PASSWORD"] = "wrong"
        result = send_digest(app, "--as-of", AS_OF)
        assert result.exit_code != 0 and "refused the session" in result.output
        assert len(box.envelopes) == 2
    finally:
        controller.stop()


# --- the settings page ---------------------------------------------------------------------------


def reloaded(session, user: User) -> User:
    """The user as the database holds it now: a new transaction, and nothing kept from before."""
    session.rollback()
    session.expire_all()
    return session.get(User, user.id)


def test_any_user_opts_in_and_chooses_the_window(app, session, make_user):
    user = make_user(UserRole.VIEWER)
    client = sign_in_client(app.test_client(), user)
    page = client.get("/account/digest")
    assert page.status_code == 200 and '<option selected value="3">3 months</option>' in page.text
    response = client.post("/account/digest", data={"opt_in": "y", "months": "6"})
    assert response.status_code == 302 and response.headers["Location"] == "/account/digest"
    saved = reloaded(session, user)
    assert (saved.digest_opt_in, saved.digest_months) == (True, 6)
    assert 'checked id="opt_in"' in client.get("/account/digest").text
    client.post("/account/digest", data={"months": "6"})
    assert reloaded(session, user).digest_opt_in is False


@pytest.mark.parametrize("months", ["0", "25", "many", ""])
def test_windows_outside_1_to_24_months_are_refused(app, session, make_user, months):
    user = make_user(UserRole.EDITOR)
    client = sign_in_client(app.test_client(), user)
    response = client.post("/account/digest", data={"opt_in": "y", "months": months})
    assert response.status_code == 422
    assert reloaded(session, user).digest_opt_in is False


# --- responsible officers and assignees (issue 15) -----------------------------------------------------


def test_owners_and_assignees_hear_of_their_agreements_and_actions(app, session, mailbox, make_user, make_agreement):
    officer = make_user(UserRole.VIEWER, email="officer@kemenperin.example")  # never opted in to the digest
    assignee = make_user(UserRole.EDITOR, email="staf@kemenperin.example")
    assignee.locale = "id"
    quiet = make_user(UserRole.VIEWER, email="quiet@kemenperin.example")
    quiet.owner_digest = False
    owned = make_agreement(title="AITEC technology cooperation", end="2018", owner=officer)
    make_agreement(title="Far away", end="2030", owner=officer)
    make_agreement(title="Opted out", end="2018", owner=quiet)
    meeting = FollowUpAction(agreement=owned, title="Joint working group meeting", assignee=assignee)
    meeting.due = PartialDate.parse("2017-09")
    done = FollowUpAction(agreement=owned, title="Old report", assignee=assignee, status=ActionStatus.DONE)
    session.add_all([meeting, done])
    session.commit()

    result = send_digest(app, "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    messages = mailbox.messages()
    assert sorted(messages) == ["officer@kemenperin.example", "staf@kemenperin.example"]  # not the one who opted out
    officer_mail = messages["officer@kemenperin.example"]
    assert officer_mail["Subject"] == "Your agreements and actions: 1 agreement, 1 action"
    text, html = parts(officer_mail)
    for body in (text, html):
        assert "AITEC technology cooperation" in body and "Far away" not in body
        assert "Joint working group meeting" in body and "overdue" in body and "Old report" not in body
        assert f"{BASE_URL}/my/" in body
        assert "Needs attention" not in body and "NEEDS ATTENTION" not in body  # not opted in to the whole digest
    staff_text, _html = parts(messages["staf@kemenperin.example"])
    assert "Joint working group meeting" in staff_text
    assert staff_text.startswith("Yth. staf@kemenperin.example,")  # the assignee's language


def test_opted_in_owners_get_both_parts_in_one_mail(app, session, mailbox, make_user, make_agreement):
    officer = make_user(UserRole.VIEWER, email="officer@kemenperin.example")
    officer.digest_opt_in, officer.digest_months = True, 12
    make_agreement(title="AITEC technology cooperation", end="2018", owner=officer)
    session.commit()
    assert send_digest(app, "--as-of", AS_OF).exit_code == 0
    mail = mailbox.messages()["officer@kemenperin.example"]
    assert mail["Subject"] == "Expiring agreements: 1 ending soon, 0 needing attention"
    text, _html = parts(mail)
    assert text.index("YOUR AGREEMENTS AND ACTIONS") < text.index("ENDING WITHIN 12 MONTHS")


# --- decision dates and implementation (issue 15) -------------------------------------------------------


def test_agreements_come_into_the_window_by_their_decision_date(app, session, mailbox, make_user, make_agreement):
    officer = make_user(UserRole.VIEWER, email="officer@kemenperin.example")
    reader = make_user(UserRole.VIEWER, email="reader@kemenperin.example")
    reader.digest_opt_in, reader.digest_months = True, 12
    officer.digest_months = 12  # the window of one's own part too
    # Ends 30 June 2019, past a twelve-month window, unless a year's notice is given: decide by 1 July 2018.
    notice = make_agreement(
        title="MoU kendaraan listrik",
        end="2019-06-30",
        notice_period=12,
        owner=officer,
        implementation=ImplementationStatus.ONGOING,
    )
    sync_terms(session, notice)
    make_agreement(title="Textile LoI", end="2018-03-31")
    make_agreement(title="Far away, no notice", end="2019-06-30", owner=officer)
    session.commit()
    assert send_digest(app, "--as-of", AS_OF).exit_code == 0
    messages = mailbox.messages()
    for address in ("reader@kemenperin.example", "officer@kemenperin.example"):
        text, html = parts(messages[address])
        for body in (text, html):
            assert "MoU kendaraan listrik" in body and "Far away, no notice" not in body
            # Each row says which date it goes by.
            assert "Decide by 1 July 2018 (decision date; the term ends 30 June 2019), 270 days left" in body
            assert "Implementation: Ongoing" in body
    text, _html = parts(messages["reader@kemenperin.example"])
    assert "Ends: 31 March 2018, 178 days left" in text
    assert "Implementation:" not in text.split("Textile LoI")[1].split("* ")[0]  # not recorded: not said
