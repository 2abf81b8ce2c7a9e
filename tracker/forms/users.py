"""Forms of the user administration: new account, role, password reset."""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, ValidationError
from wtforms.validators import InputRequired, Length

from tracker.forms.base import BaseForm, options
from tracker.i18n import _
from tracker.labels import choices
from tracker.models import UserRole
from tracker.services.accounts import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, random_password


def role_field() -> SelectField:
    """The role to give, viewer by default: the least that lets someone work."""
    return SelectField(_("Role"), choices=options(choices(UserRole)), default=UserRole.VIEWER.value)


class SetPasswordForm(BaseForm):
    """A password typed twice, or one generated and shown once."""

    generate = BooleanField(_("Generate a password and show it once"))
    password = PasswordField(
        _("Password"),
        validators=[Length(max=MAX_PASSWORD_LENGTH)],
        description=_(
            "At least %(count)s characters; a few unrelated words make a good one.", count=MIN_PASSWORD_LENGTH
        ),
    )
    confirm = PasswordField(_("Password again"), validators=[Length(max=MAX_PASSWORD_LENGTH)])

    def validate_password(self, field: Any) -> None:
        """Required and long enough unless one is generated."""
        if not self.generate.data and len(field.data or "") < MIN_PASSWORD_LENGTH:
            raise ValidationError(
                _("Type a password of at least %(count)s characters, or generate one.", count=MIN_PASSWORD_LENGTH)
            )

    def validate_confirm(self, field: Any) -> None:
        """The same password twice, so that a typing slip does not lock the person out."""
        if not self.generate.data and field.data != self.password.data:
            raise ValidationError(_("The two do not match."))

    def chosen_password(self) -> tuple[str, bool]:
        """The password to set and whether it was generated (and so must be shown)."""
        if self.generate.data:
            return random_password(), True
        return self.password.data, False


class AccountForm(BaseForm):
    """A new account signing in through single sign-on only: e-mail address, name and role."""

    email = EmailField(_("E-mail address"), validators=[InputRequired(), Length(max=254)])
    name = StringField(_("Name"), validators=[Length(max=200)])
    role = role_field()

    def chosen_role(self) -> UserRole:
        """The selected role (the select field accepts only its choices)."""
        return UserRole(self.role.data)

    def chosen_password(self) -> tuple[str | None, bool]:
        """No password: password sign-in is turned off, the account signs in through the provider."""
        return None, False


class NewUserForm(SetPasswordForm, AccountForm):
    """A new account: e-mail address, name, role and first password."""


class RoleForm(BaseForm):
    """Another role for an account."""

    role = role_field()

    def chosen_role(self) -> UserRole:
        """The selected role."""
        return UserRole(self.role.data)
