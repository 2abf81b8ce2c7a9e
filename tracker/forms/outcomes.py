"""Forms for recording what happened to an agreement: its renewal, its termination, its non-renewal."""

from __future__ import annotations

from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from tracker.datewords import MAX_DATE_LENGTH
from tracker.forms.agreements import AgreementForm
from tracker.forms.base import BaseForm, PartialDateValidator, VersionField, options, partial_date_or_none
from tracker.forms.contract import DATE_HINT, fill_plain
from tracker.i18n import _
from tracker.labels import choices, label
from tracker.models import AgreementStatus, NoticeParty
from tracker.records.agreement import AgreementData
from tracker.records.fields import Kind, plain_specs
from tracker.services.outcomes import OLD_STATUSES, REASON_MAX, Termination


class RenewalForm(AgreementForm):
    """The new agreement's form, and what the old one becomes; `version` is the old agreement's, as opened."""

    old_status = SelectField(
        _("The old agreement is now"),
        choices=options((status.value, label(status)) for status in OLD_STATUSES),
        default=AgreementStatus.EXPIRED.value,
        description=_("Expired: it ran to its end. Superseded: the new one replaced it before its end."),
    )

    def fill_from_data(self, data: AgreementData) -> None:
        """Pre-fill the form with the new agreement's proposed fields."""
        fill_plain(self, data, AgreementData)
        for spec in plain_specs(AgreementData):
            if spec.kind in (Kind.TEXT, Kind.LONG_TEXT):  # the edit form has them from `obj=`
                self[spec.name].data = getattr(data, spec.name)
        self.owner_id.data, self.unit_id.data = data.owner_id, data.unit_id
        self.sectors.data = list(data.sector_ids)
        while self.parties.entries:
            self.parties.pop_entry()
        for party_id, role in data.parties:
            self.parties.append_entry({"party_id": str(party_id), "role": role.value})

    def old_status_data(self) -> AgreementStatus:
        """The chosen status of the old agreement."""
        return AgreementStatus(self.old_status.data)


def reason_field() -> TextAreaField:
    """An optional reason, kept in the agreement's notes."""
    return TextAreaField(
        _("Reason"),
        validators=[Optional(), Length(max=REASON_MAX)],
        description=_("Optional. Added to the agreement's notes with the date."),
    )


class TerminationForm(BaseForm):
    """Record a termination: the day it took effect, who gave notice and why."""

    on = StringField(
        _("Terminated on"),
        validators=[InputRequired(_("Give the day the termination took effect.")), Length(max=MAX_DATE_LENGTH)],
        description=DATE_HINT,
    )
    notice_by = SelectField(_("Notice given by"), choices=options(choices(NoticeParty)))
    reason = reason_field()
    version = VersionField()

    def validate_on(self, field: StringField) -> None:
        """A date as precise as is known."""
        PartialDateValidator()(self, field)

    def to_data(self) -> Termination:
        """The validated input as the service takes it."""
        return Termination(
            on=partial_date_or_none(self.on), notice_by=NoticeParty(self.notice_by.data), reason=self.reason.data or ""
        )


class NonRenewalForm(BaseForm):
    """Record that the agreement is not renewed, with an optional reason."""

    reason = reason_field()
    version = VersionField()
