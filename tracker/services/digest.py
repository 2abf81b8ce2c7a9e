"""The e-mail digest settings of a user: whether they want it, and how many months ahead it looks."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tracker.errors import ValidationError
from tracker.i18n import _
from tracker.models import User
from tracker.queries.digest import MAX_DIGEST_MONTHS, MIN_DIGEST_MONTHS


def set_digest(session: Session, user: User, opt_in: bool, months: int, owner_digest: bool | None = None) -> None:
    """Subscribe the user to the digest, or not, with a window of 1 to 24 months; and (unless None) to the digest
    about the agreements they are responsible for and their follow-up actions."""
    if not MIN_DIGEST_MONTHS <= months <= MAX_DIGEST_MONTHS:
        raise ValidationError(
            _("Choose from %(low)s to %(high)s months.", low=MIN_DIGEST_MONTHS, high=MAX_DIGEST_MONTHS), field="months"
        )
    user.digest_opt_in = opt_in
    user.digest_months = months
    if owner_digest is not None:
        user.owner_digest = owner_digest
    session.flush()
