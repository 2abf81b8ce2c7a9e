"""Forms for signing in and changing one's password."""

from __future__ import annotations

from wtforms import EmailField, HiddenField, PasswordField
from wtforms.validators import EqualTo, InputRequired, Length

from tracker.forms.base import BaseForm
from tracker.i18n import _
from tracker.services.accounts import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH


class SignInForm(BaseForm):
    """E-mail and password."""

    email = EmailField(_("E-mail address"), validators=[InputRequired(), Length(max=254)])
    password = PasswordField(_("Password"), validators=[InputRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    next = HiddenField(validators=[Length(max=2000)])


def new_password_field(label: object) -> PasswordField:
    """A new password: long enough, not absurdly long."""
    return PasswordField(
        label,
        validators=[InputRequired(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)],
        description=_(
            "At least %(count)s characters; a few unrelated words make a good one.", count=MIN_PASSWORD_LENGTH
        ),
    )


class ChangePasswordForm(BaseForm):
    """One's current password, then the new one twice."""

    current = PasswordField(_("Current password"), validators=[InputRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    password = new_password_field(_("New password"))
    confirm = PasswordField(
        _("New password again"), validators=[InputRequired(), EqualTo("password", message=_("The two do not match."))]
    )
