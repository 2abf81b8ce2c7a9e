"""Forms of the news intake: where the page comes from, and the review of what was found in it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, StringField, SubmitField, TextAreaField, ValidationError
from wtforms.validators import Length, Optional

from tracker.forms.agreements import CheckboxListField, agreement_reference
from tracker.forms.base import (
    BaseForm,
    Finder,
    Searcher,
    optional_id,
    options,
    partial_date_or_none,
)
from tracker.forms.contract import form_field, limit
from tracker.forms.pickers import PartyFilterField
from tracker.i18n import _
from tracker.models import AgreementStatus, InstrumentType, PartyRole, RenewalIntent
from tracker.queries.lookup import PartyFinder
from tracker.records.agreement import AgreementData
from tracker.records.fields import spec_of
from tracker.records.source import LinkData, SourceData

MAX_PASTE = 5 * 1024 * 1024


class AddSourceForm(BaseForm):
    """A link to fetch, a page or text pasted, or a saved page uploaded: exactly one of them."""

    url = StringField(_("Link to the article"), validators=[Optional(), limit(SourceData, "url")])
    pasted = TextAreaField(
        _("Or paste the page or its text"),
        validators=[Optional(), Length(max=MAX_PASTE)],
        description=_("The HTML of the page (view source) or just the text of the article."),
    )
    pasted_url = StringField(
        _("Where the pasted text comes from (optional)"), validators=[Optional(), limit(SourceData, "url")]
    )
    upload = FileField(_("Or upload a saved page"), description=_("A .html, .htm or .txt file of at most 5 MB."))

    def validate(self, extra_validators: Any = None) -> bool:
        """The fields, then exactly one way of giving the page (checked here: Optional() skips inline checks)."""
        valid = super().validate(extra_validators)
        given = sum([bool(self.url.data), bool(self.pasted.data), bool(self.upload.data)])
        if given != 1:
            message = (
                _("Give a link, paste the page, or upload it.")
                if given == 0
                else _("Give only one of: a link, pasted text, an upload.")
            )
            self.url.errors = [*self.url.errors, message]
            return False
        return valid


class ReviewForm(BaseForm):
    """The user's confirmation of what the page supports."""

    payload = HiddenField()
    # The inbox item the page came from (tracker/web/inbox.py), marked linked or created on confirmation.
    inbox_item = HiddenField()
    # The suggested agreements as checkboxes (any live agreement's id is accepted), and one more by number or title.
    link_agreements = CheckboxListField(_("Link the source to these agreements"), coerce=optional_id)
    link_other = agreement_reference(_("Another agreement"))
    note = TextAreaField(
        _("What the source supports (a note or a quote)"), validators=[Optional(), limit(LinkData, "note")]
    )
    create_new = BooleanField(_("Also record a new agreement from this page"))
    new_title = form_field(spec_of(AgreementData, "title"), required=False)
    new_instrument = form_field(spec_of(AgreementData, "instrument_type"))
    new_status = form_field(spec_of(AgreementData, "status"))
    new_renewal = form_field(spec_of(AgreementData, "renewal_intent"))
    new_start = form_field(spec_of(AgreementData, "start"))
    new_end = form_field(spec_of(AgreementData, "end"))
    # The ticked and suggested parties as checkboxes (any live party's id is accepted), and one more typed or picked:
    # never every party (thousands), which would hide the few ticked ones.
    new_parties = CheckboxListField(_("Parties (as signatories)"), coerce=optional_id)
    add_party = PartyFilterField(
        _("Another party"), description=_("Its name, an alias or its number; “Add” keeps it ticked above.")
    )
    # The "Add" button next to `add_party`: show the review again with that party ticked, saving nothing.
    adding_party = SubmitField(_("Add"))
    new_sectors = CheckboxListField(_("Sectors"), coerce=optional_id)

    def set_choices(
        self,
        find_agreements: Finder,
        parties: Callable[[], PartyFinder],
        sectors: list[tuple[int, str]],
        search_agreements: Searcher | None = None,
    ) -> None:
        """Offer every live sector; agreements and parties are looked up (`find_agreements(number, title)`, the
        party finder), never listed whole: the page shows the suggested ones and a field for any other."""
        self.link_agreements.validate_choice = False
        self.link_agreements.choices = []
        self.find_agreements = find_agreements
        self.link_other.find = find_agreements
        self.link_other.search = search_agreements
        self.party_finder = parties
        self.add_party.finder = parties
        self.new_parties.validate_choice = False
        self.new_parties.choices = []
        self.new_sectors.choices = options(sectors)

    def show_parties(self, suggested: list[int]) -> None:
        """The checkboxes shown: the ticked parties first, then the suggested ones not ticked, each with its label."""
        finder = self.party_finder()
        ticked = [party_id for party_id in self.new_parties.data or [] if party_id is not None]
        shown = [finder.get(party_id) for party_id in dict.fromkeys([*ticked, *suggested])]
        self.new_parties.choices = options([(entry.id, entry.label) for entry in shown if entry is not None])

    def validate_new_parties(self, field: Any) -> None:
        """Each ticked party must be a live party (the checkboxes are the suggested and added ones)."""
        finder = self.party_finder()
        if any(party_id is None or finder.get(party_id) is None for party_id in field.data or []):
            raise ValidationError(_("This party is no longer recorded: choose another one."))

    def keep_added_party(self) -> None:
        """Tick the party typed or picked in `add_party` and empty the field, for the next one."""
        if self.add_party.record_id is not None:
            self.new_parties.data = list(dict.fromkeys([*(self.new_parties.data or []), self.add_party.record_id]))
        self.add_party.data, self.add_party.raw_data, self.add_party.record_id = "", [""], None

    def validate_link_agreements(self, field: Any) -> None:
        """Each ticked agreement must exist (the checkboxes are the suggestions shown with the form)."""
        if any(not self.find_agreements(agreement_id, "") for agreement_id in field.data or []):
            raise ValidationError(_("No agreement has this number or title."))

    def agreements_to_link(self) -> list[int]:
        """The ticked agreements and the one named in the field, each once."""
        chosen = [*(self.link_agreements.data or []), self.link_other.record_id]
        return list(dict.fromkeys(agreement_id for agreement_id in chosen if agreement_id is not None))

    def validate(self, extra_validators: Any = None) -> bool:
        """The fields, then a title for a new agreement (checked here: Optional() skips inline checks)."""
        valid = super().validate(extra_validators)
        self.keep_added_party()  # shown ticked if the form comes back; `chosen_parties` is the same
        if self.create_new.data and not self.new_title.data:
            self.new_title.errors = [*self.new_title.errors, _("Give the new agreement a title.")]
            return False
        return valid

    def validate_create_new(self, field: Any) -> None:
        """Something must be confirmed: a link, or a new agreement."""
        if not field.data and not self.link_agreements.data and not self.link_other.data:
            raise ValidationError(_("Tick at least one agreement to link, or record a new agreement."))

    def new_agreement(self) -> AgreementData | None:
        """The new agreement the user asked for, if any."""
        if not self.create_new.data:
            return None
        return AgreementData(
            title=self.new_title.data,
            instrument_type=InstrumentType(self.new_instrument.data),
            status=AgreementStatus(self.new_status.data),
            renewal_intent=RenewalIntent(self.new_renewal.data),
            start=partial_date_or_none(self.new_start),
            end=partial_date_or_none(self.new_end),
            sector_ids=list(self.new_sectors.data or []),
            parties=[(party_id, PartyRole.SIGNATORY) for party_id in self.chosen_parties()],
        )

    def chosen_parties(self) -> list[int]:
        """The ticked parties and the one typed or picked in `add_party`, each once."""
        chosen = [*(self.new_parties.data or []), self.add_party.record_id]
        return list(dict.fromkeys(party_id for party_id in chosen if party_id is not None))
