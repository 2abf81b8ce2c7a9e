"""The form citing a fact of an agreement to one of its sources or documents, and changing that citation."""

from __future__ import annotations

from typing import Any

from wtforms import RadioField, SelectField, StringField, ValidationError
from wtforms.validators import InputRequired, Length

from tracker.errors import TrackerError
from tracker.forms.base import BaseForm, options
from tracker.forms.contract import form_field
from tracker.i18n import _
from tracker.labels import choices
from tracker.models import Citation, CitationStance, CitedFact
from tracker.records.citation import CitationData
from tracker.records.fields import max_length, spec_of
from tracker.records.problems import InvalidRecord

# The service's and contract's field names, and the input each belongs next to.
FIELDS = {
    "fact": "fact",
    "party_id": "fact",
    "source_id": "origin",
    "document_id": "origin",
    "quote": "quote",
    "stance": "stance",
    "says": "says",
}


class RadioListField(RadioField):
    """A single choice shown as radio buttons in a fieldset with its legend (templates/_macros.html `field`)."""


def split_choice(value: str | None, kinds: tuple[str, ...]) -> tuple[str, int | None]:
    """("party", 12) for "party:12", ("end", None) for "end"; ("", None) for anything of another kind."""
    kind, _sep, number = (value or "").partition(":")
    if kind not in kinds:
        return "", None
    if not number:
        return kind, None
    return (kind, int(number)) if number.isdigit() and len(number) <= 18 else ("", None)


class CitationForm(BaseForm):
    """Which fact (a party's fact names the party), where it is said, the passage, and whether it agrees."""

    fact = SelectField(_("Fact"), validators=[InputRequired(_("Choose the fact this passage is evidence of."))])
    origin = SelectField(
        _("Where it is said"),
        validators=[InputRequired(_("Choose one source or one document."))],
        description=_("One of the agreement's linked sources or attached documents."),
    )
    quote = form_field(spec_of(CitationData, "quote"))
    stance = RadioListField(
        _("What the passage says"),
        choices=options(choices(CitationStance)),
        default=CitationStance.SUPPORTS.value,
        validators=[InputRequired(_("Say whether the passage bears the record out."))],
    )
    says = StringField(
        _("What it says instead"),
        # No Optional(): it would stop the chain before `validate_says`, which requires it when the passage differs.
        validators=[Length(max=max_length(CitationData, "says"))],
        description=_("In a few words, such as “KITECH” or “2006–2016”; needed when the passage says something else."),
    )

    def set_choices(self, facts: list[tuple[str, Any]], origins: list[tuple[str, Any]]) -> None:
        """Offer the agreement's facts (a choice per party) and its live sources and documents."""
        self.fact.choices = options(facts)
        self.origin.choices = options([("", _("Choose a source or a document")), *origins])

    def validate_says(self, field: Any) -> None:
        """A passage that says something else must say what."""
        if self.stance.data == CitationStance.DIFFERS.value and not field.data:
            raise ValidationError(_("Say what the passage says instead."))

    def fill_from(self, citation: Citation) -> None:
        """Show a recorded citation in the inputs."""
        party = f":{citation.party_id}" if citation.party_id is not None else ""
        self.fact.data = citation.fact.value + party
        kind, number = ("source", citation.source_id) if citation.source_id else ("document", citation.document_id)
        self.origin.data = f"{kind}:{number}"
        self.quote.data, self.stance.data, self.says.data = citation.quote, citation.stance.value, citation.says

    def to_data(self) -> CitationData:
        """The validated input as the contract's data."""
        fact, party_id = split_choice(self.fact.data, tuple(fact.value for fact in CitedFact))
        kind, origin_id = split_choice(self.origin.data, ("source", "document"))
        return CitationData(
            fact=CitedFact(fact),
            party_id=party_id,
            source_id=origin_id if kind == "source" else None,
            document_id=origin_id if kind == "document" else None,
            quote=self.quote.data or "",
            stance=CitationStance(self.stance.data),
            says=self.says.data or "",
        )

    def attach(self, error: TrackerError) -> None:
        """Show the service's refusal next to the inputs it names (each problem of an invalid record), or above."""
        problems = error.problems if isinstance(error, InvalidRecord) else []
        pairs = [(problem.field, str(problem.message)) for problem in problems] or [(error.field, error.message)]
        for name, message in pairs:
            field = self[FIELDS[name]] if name in FIELDS else None
            if field is not None:
                field.errors = [*field.errors, message]
            else:
                self.form_errors.append(message)
