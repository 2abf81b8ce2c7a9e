"""Accounts: creating users, passwords, roles, deactivation, and checking sign-ins with throttling."""

from __future__ import annotations

import re
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.errors import DuplicateError, TrackerError, ValidationError
from tracker.i18n import _
from tracker.models import SignInFailure, User, UserRole, utcnow

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# scrypt is memory-hard, so guessing from a stolen hash is slow on any hardware.
HASH_METHOD = "scrypt"
# A hash to compare against when the account does not exist, so that timing does not tell: the scrypt hash (same
# method and cost as HASH_METHOD's) of a random password nobody kept. Written out rather than made at import, which
# cost every process start, the command line's too, 0.1-2 s of CPU.
DUMMY_HASH = (
    "scrypt:32768:8:1$2jQiXHN75yntafIH$8e6d27fb18aea6a8038d6c73ee8ec0f81abb95218b24c196bcf883f790838d1496ad945961ce5506"
    "ca5087e2ebce021cca636d7872dcadbb2cfe40c6f2655202"
)


@dataclass(frozen=True)
class Throttle:
    """How failed sign-ins are slowed down and then locked out: per account, and per client address for browsers
    that have not signed in to the account before (see `sign_in`)."""

    window: timedelta = timedelta(minutes=15)
    account_limit: int = 5
    address_limit: int = 20
    # Failures before the answer starts to be delayed, and the delay's base and ceiling in seconds.
    free_failures: int = 2
    delay_base: float = 0.5
    delay_max: float = 4.0


@dataclass(frozen=True)
class SignInResult:
    """The outcome of a sign-in attempt: a user, or why not, and how long to make the client wait."""

    user: User | None
    locked: bool = False
    delay: float = 0.0


def normalize_email(email: str) -> str:
    """E-mail addresses are compared and stored lower-cased and stripped."""
    return (email or "").strip().lower()


def check_email(email: str) -> str:
    """A plausible e-mail address, lower-cased."""
    email = normalize_email(email)
    if len(email) > 254 or not EMAIL_PATTERN.match(email):
        raise ValidationError(_("Enter a valid e-mail address."), field="email")
    return email


def check_password(password: str) -> str:
    """A password long enough to resist guessing."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValidationError(_("Use at least %(count)s characters.", count=MIN_PASSWORD_LENGTH), field="password")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationError(_("Use at most %(count)s characters.", count=MAX_PASSWORD_LENGTH), field="password")
    return password


def find_user(session: Session, email: str) -> User | None:
    """The user with this e-mail address, if any."""
    return session.scalar(select(User).where(User.email == normalize_email(email)))


def create_user(session: Session, email: str, password: str | None, role: UserRole, name: str = "") -> User:
    """Add a user who can sign in with `email` and `password`, or only through single sign-on when it is None."""
    email = check_email(email)
    if find_user(session, email) is not None:
        raise DuplicateError(_("There is already an account for %(email)s.", email=email), field="email")
    user = User(email=email, name=name.strip(), role=role, active=True, session_version=1, password_hash=NO_PASSWORD)
    if password is not None:
        _store_password(user, check_password(password))
    session.add(user)
    session.flush()
    return user


def _store_password(user: User, password: str) -> None:
    """Hash and keep a new password."""
    user.password_hash = generate_password_hash(password, method=HASH_METHOD)
    user.password_changed_at = utcnow()


def end_sessions(user: User) -> None:
    """Make every session of the user unusable: their cookies carry the old session version."""
    user.session_version = (user.session_version or 0) + 1


def set_password(session: Session, user: User, password: str) -> None:
    """Give the user a new password and sign them out everywhere."""
    _store_password(user, check_password(password))
    end_sessions(user)
    session.flush()


def change_own_password(session: Session, user: User, current: str, new: str) -> None:
    """Change a password after checking the current one."""
    if not check_password_hash(user.password_hash, current or ""):
        raise ValidationError(_("That is not your current password."), field="current")
    set_password(session, user, new)


def set_role(session: Session, user: User, role: UserRole) -> None:
    """Give the user another role; effective on their next request."""
    user.role = role
    session.flush()


def set_active(session: Session, user: User, active: bool) -> None:
    """Deactivate (ending every session) or reactivate an account."""
    user.active = active
    if not active:
        end_sessions(user)
    session.flush()


def random_password() -> str:
    """A strong password to hand out once (demo admin, resets)."""
    return secrets.token_urlsafe(15)


# --- administration by an admin: the same changes with guard rails ----------------------------


def active_admin_ids(session: Session) -> set[int]:
    """Ids of the active admins, locked until commit (PostgreSQL) so two admins cannot demote each other at once."""
    statement = select(User.id).where(User.role == UserRole.ADMIN, User.active.is_(True)).with_for_update()
    return set(session.scalars(statement))


def _keep_an_admin(session: Session, user: User) -> None:
    """Refuse to take away the last active admin: nobody could administer accounts any more."""
    admins = active_admin_ids(session)
    if user.id in admins and len(admins) <= 1:
        raise ValidationError(_("%(email)s is the last active admin; make someone else admin first.", email=user.email))


def change_role(session: Session, actor: User, user: User, role: UserRole) -> None:
    """Give `user` another role, unless that takes away the actor's own or the last admin role."""
    if role is not UserRole.ADMIN:
        if user.id == actor.id:
            raise ValidationError(_("You cannot remove your own admin role; ask another admin."), field="role")
        _keep_an_admin(session, user)
    set_role(session, user, role)


def deactivate(session: Session, actor: User, user: User) -> None:
    """Deactivate another account, ending its sessions; never one's own or the last admin's."""
    if user.id == actor.id:
        raise ValidationError(_("You cannot deactivate your own account."))
    _keep_an_admin(session, user)
    set_active(session, user, False)


def reactivate(session: Session, user: User) -> None:
    """Let a deactivated account sign in again."""
    set_active(session, user, True)


def reset_password(session: Session, actor: User, user: User, password: str) -> None:
    """Set another user's password, ending their sessions; one's own is changed with the current password."""
    if user.id == actor.id:
        raise ValidationError(_("Change your own password on the password page, which asks for the current one."))
    set_password(session, user, password)


# --- signing in ---------------------------------------------------------------------------------


def recent_failures(session: Session, now: datetime, window: timedelta, **where: str) -> list[datetime]:
    """When the failures within `window` before `now` happened, for an e-mail or an address."""
    column, value = next(iter(where.items()))
    statement = select(SignInFailure.occurred_at).where(
        getattr(SignInFailure, column) == value, SignInFailure.occurred_at > now - window
    )
    return sorted(session.scalars(statement))


def is_locked(session: Session, email: str, address: str | None, now: datetime, throttle: Throttle) -> bool:
    """Too many recent failures for this account, or from this address (None: the address does not count)."""
    by_account = recent_failures(session, now, throttle.window, email=email)
    by_address = recent_failures(session, now, throttle.window, address=address) if address else []
    return len(by_account) >= throttle.account_limit or len(by_address) >= throttle.address_limit


def delay_after(failures: int, throttle: Throttle) -> float:
    """How long to hold back the answer after this many recent failures: doubling, then capped."""
    if failures <= throttle.free_failures:
        return 0.0
    return min(throttle.delay_base * 2 ** (failures - throttle.free_failures - 1), throttle.delay_max)


def sign_in(
    session: Session,
    email: str,
    password: str,
    address: str,
    now: datetime | None = None,
    throttle: Throttle = Throttle(),
    known_accounts: Collection[int] = (),
    record: bool = True,
) -> SignInResult:
    """Check credentials, counting failures per account and per address; locked means not even checked.

    The limit per account holds for everyone. The limit per address stops one address from guessing across many
    accounts, but a whole office behind one proxy or NAT shares an address, and one person guessing (or twenty
    typing errors) there would lock everyone out. So the address neither locks out nor counts against a browser
    that has signed in to this very account before (`known_accounts`, from a signed cookie the browser got then;
    OWASP's "device cookies"): colleagues keep signing in while someone guesses from their address, and the guesser,
    who has no such cookie for the accounts guessed, is still stopped by the address. The trade-off: during such a
    lock-out, a browser new to the account (a new colleague, a cleared browser) waits out the 15 minutes too.

    With `record=False` (for a database that cannot take writes) the attempt is checked but nothing is written:
    the right password still signs in, and a failure, which cannot be counted, gets the longest delay.
    """
    now = now or utcnow()
    email = normalize_email(email)[:254]
    address = (address or "unknown")[:64]
    user = find_user(session, email)
    known = user is not None and user.id in known_accounts
    if is_locked(session, email, None if known else address, now, throttle):
        return SignInResult(user=None, locked=True)
    valid = check_password_hash(user.password_hash if user else DUMMY_HASH, (password or "")[:MAX_PASSWORD_LENGTH])
    if user is None or not valid or not user.active:
        if not record:  # a failure that cannot be counted waits as long as the most throttled one
            return SignInResult(user=None, delay=throttle.delay_max)
        # A known browser's slip is kept for the account's count only (an address of "" is never counted).
        session.add(SignInFailure(email=email, address="" if known else address, occurred_at=now))
        session.flush()
        # Guessing one account or spraying many from one address both slow down.
        by_account = recent_failures(session, now, throttle.window, email=email)
        by_address = [] if known else recent_failures(session, now, throttle.window, address=address)
        return SignInResult(user=None, delay=delay_after(max(len(by_account), len(by_address)), throttle))
    if record:
        session.execute(delete(SignInFailure).where(SignInFailure.email == email))
        user.last_sign_in_at = now
        session.flush()
    return SignInResult(user=user)


# --- signing in through an identity provider -------------------------------------------------------

# Stored as the password hash of accounts made by single sign-on: no hash has this form, so no password matches it
# (werkzeug's check_password_hash answers False) until an admin sets one.
NO_PASSWORD = "!single-sign-on"


class SignInRefused(TrackerError):
    """A person the identity provider vouches for may not sign in here; `reason` is for the security log."""

    status_code = 403

    def __init__(self, message: object, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class VerifiedSignIn:
    """Whom a verified e-mail address signed in, whether the account is new, and the role it had before a change."""

    user: User
    created: bool = False
    previous_role: UserRole | None = None


def sign_in_verified(
    session: Session, email: str, name: str = "", role: UserRole | None = None, create: bool = False
) -> VerifiedSignIn:
    """The account of an e-mail address the identity provider has verified.

    Unknown addresses get a new viewer account (or the `role` the provider's claim maps to) when `create` allows,
    and are refused otherwise. A `role` replaces the account's role: the provider's claim decides it at every
    sign-in; None keeps the role the tracker has. No password is checked, so no failure is counted or cleared.
    """
    user = find_user(session, email)
    if user is None:
        created = _new_account(session, email, name, role, create)
        if created is not None:
            return VerifiedSignIn(created, created=True)
        user = find_user(session, email)  # the same person's other sign-in made it a moment ago
    if not user.active:
        raise SignInRefused(
            _("The account for %(email)s is deactivated. Ask an administrator of the tracker.", email=user.email),
            reason="deactivated",
        )
    previous = user.role
    if role is not None and role is not previous:
        user.role = role
    user.last_sign_in_at = utcnow()
    session.flush()
    return VerifiedSignIn(user, previous_role=previous if user.role is not previous else None)


def _new_account(session: Session, email: str, name: str, role: UserRole | None, create: bool) -> User | None:
    """An account for someone the provider signed in, when new accounts are allowed; None when a sign-in of the same
    address at the same moment (a second tab, a double click) stored it first."""
    if not create:
        raise SignInRefused(
            _("There is no account for %(email)s here. Ask an administrator of the tracker to add one.", email=email),
            reason="unknown user",
        )
    try:
        email = check_email(email)
    except ValidationError:
        raise SignInRefused(
            _("%(email)s is not an e-mail address the tracker can use.", email=email), "bad e-mail"
        ) from None
    user = User(
        email=email,
        name=name.strip()[:200],
        role=role or UserRole.VIEWER,
        password_hash=NO_PASSWORD,
        active=True,
        session_version=1,
        last_sign_in_at=utcnow(),
    )
    try:
        with session.begin_nested():  # a savepoint: losing the race to the other sign-in keeps the transaction
            session.add(user)
    except IntegrityError:
        return None
    return user


def user_count(session: Session) -> int:
    """How many accounts exist."""
    return session.scalar(select(func.count()).select_from(User)) or 0
