"""Forms for parties: the edit form (POST) and the list's filters (GET)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wtforms import IntegerField, SelectField, StringField, TextAreaField, ValidationError
from wtforms.validators import Length, NumberRange, Optional

from tracker.forms.base import BaseForm, LongSelect, QueryForm, VersionField, country_options, options
from tracker.forms.contract import form_field
from tracker.forms.pickers import PartyFilterField
from tracker.i18n import _
from tracker.labels import choices
from tracker.models import MAX_ID, Party, PartyKind
from tracker.queries.lookup import PartyFinder
from tracker.queries.parties import PartyFilters, party_label
from tracker.records.fields import max_length, spec_of
from tracker.records.party import PartyData, alias_problems

NAME_MAX = max_length(PartyData, "name")
ALIASES_TEXT_MAX = spec_of(PartyData, "aliases").text_max


def upper(value: Any) -> Any:
    """Country codes are compared upper-case, so "kr" in a hand-typed link still works."""
    return value.upper() if isinstance(value, str) else value


def alias_lines(text: str | None) -> list[str]:
    """One alias per line of the textarea, blank lines dropped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class PartyForm(BaseForm):
    """Create or edit a party."""

    name = form_field(spec_of(PartyData, "name"))
    kind = form_field(spec_of(PartyData, "kind"))
    country_code = SelectField(_("Country"), filters=[upper], widget=LongSelect())
    # Typed or picked (static/js/enhance.js section 7), resolved on the server: never a select of every party.
    parent_id = PartyFilterField(_("Part of"))
    aliases = TextAreaField(_("Other names"), validators=[Optional(), Length(max=ALIASES_TEXT_MAX)])
    notes = form_field(spec_of(PartyData, "notes"))
    version = VersionField()

    def set_choices(self, parties: Callable[[], PartyFinder]) -> None:
        """Offer the countries; the parent is looked up among the live parties (the service refuses a cycle)."""
        self.country_code.choices = country_options(_("— none (international body) —"))
        self.parent_id.finder = parties

    def fill_from(self, party: Party) -> None:
        """Pre-fill the form from an existing party (for GET of the edit page)."""
        self.name.data = party.name
        self.kind.data = party.kind.value
        self.country_code.data = party.country_code or ""
        self.parent_id.data = party_label(party.parent.name, party.parent.country_code) if party.parent else ""
        self.aliases.data = "\n".join(alias.alias for alias in party.aliases)
        self.notes.data = party.notes
        self.version.data = party.version

    def validate_aliases(self, field: Any) -> None:
        """Each alias fits its column."""
        problems = alias_problems(alias_lines(field.data))
        if problems:
            raise ValidationError(str(problems[0].message))

    def to_data(self) -> PartyData:
        """The validated input as the service's input type."""
        return PartyData(
            name=self.name.data,
            kind=PartyKind(self.kind.data),
            country_code=self.country_code.data or None,
            parent_id=self.parent_id.record_id,
            aliases=alias_lines(self.aliases.data),
            notes=self.notes.data or "",
        )


class PartyQueryForm(QueryForm):
    """The party list's filters, read from the query string so every list is a link."""

    q = StringField(_("Name or other name"), validators=[Optional(), Length(max=NAME_MAX)])
    kind = SelectField(_("Kind"), choices=options([("", _("Any kind")), *choices(PartyKind)]), default="")
    country = SelectField(_("Country"), filters=[upper], default="", widget=LongSelect())
    page = IntegerField(_("Page"), default=1, validators=[Optional(), NumberRange(min=1, max=MAX_ID)])

    def set_choices(self) -> None:
        """Offer every country."""
        self.country.choices = country_options(_("Any country"))

    def filters(self) -> PartyFilters:
        """The validated filters as the query's input type."""
        return PartyFilters(
            text=self.q.data or "",
            kind=PartyKind(self.kind.data) if self.kind.data else None,
            country_code=self.country.data or None,
        )
