"""Party pickers that work without JavaScript: a party typed by name, alias, label or number and resolved on the
server, with a "did you mean" list when the text names several parties or none exactly; static/js/enhance.js
(section 7) adds search-as-you-type over GET /lookup/parties in front of the same fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wtforms import Form, HiddenField, SelectField, StringField, ValidationError
from wtforms.utils import unset_value
from wtforms.validators import Length, Optional

from tracker.errors import TrackerError
from tracker.forms.base import LongSelect, country_options, options, reference_id
from tracker.i18n import FormTranslations, _
from tracker.labels import choices, label
from tracker.models import PartyKind, PartyRole
from tracker.queries.lookup import PartyEntry, PartyFinder
from tracker.records.fields import max_length
from tracker.records.party import PartyData
from tracker.text import normalise_name

# The value of the party row's choice (and hidden id) that asks for a new party of the typed name.
NEW = "new"
# How many parties a "did you mean" list offers.
CANDIDATES = 8
TEXT_MAX = 500
NAME_MAX = max_length(PartyData, "name")


def exact_name(entries: list[PartyEntry], text: str) -> bool:
    """Whether one of the parties is called exactly `text` (then no new party of that name is offered)."""
    key = normalise_name(text)
    return any(entry.keys[0] == key for entry in entries)


class PartyRoleForm(Form):
    """One row of the parties table: a party typed or picked, and its role; a blank party means an unused row.

    `party` is the text shown; `party_id` the party it was picked as (by the script, or by the server once resolved;
    "new" for a party to create), kept while the text still names that party; `choice` is the "did you mean" radio.
    """

    class Meta:
        def get_translations(self, form: Any) -> FormTranslations:
            return FormTranslations()  # a sub-form does not inherit BaseForm's meta: WTForms' messages translated

    party = StringField(_("Party"), validators=[Optional(), Length(max=TEXT_MAX)])
    party_id = HiddenField()
    choice = StringField(_("Did you mean"))
    role = SelectField(_("Role"), choices=options(choices(PartyRole)), default=PartyRole.SIGNATORY.value)
    new_kind = SelectField(
        _("Kind of the new party"), choices=options([("", _("— choose —")), *choices(PartyKind)]), default=""
    )
    new_country = SelectField(_("Country of the new party"), default="", widget=LongSelect())

    finder: PartyFinder | None = None
    resolved: PartyEntry | None = None
    creates = False
    offer_new = False
    candidates: tuple[PartyEntry, ...] = ()
    # The party's id once resolved, or once created by the view (`AgreementForm.create_parties`).
    chosen_id: int | None = None

    def set_finder(self, finder: PartyFinder) -> None:
        """Resolve against these parties; show a picked party's label when only its id was given (an edit)."""
        self.finder = finder
        self.new_country.choices = country_options(_("— none —"))
        picked = (self.party_id.data or "").strip()
        if picked.isdigit() and not (self.party.data or "").strip():
            entry = finder.get(int(picked))
            if entry is not None:
                self.show(entry)

    def show(self, entry: PartyEntry) -> None:
        """Show the row as this party, whatever was typed."""
        self.party.data, self.party.raw_data, self.party_id.data = entry.label, [entry.label], str(entry.id)

    def is_blank(self) -> bool:
        """Nothing typed nor picked."""
        return not (self.party.data or "").strip() and not (self.party_id.data or "").strip()

    def validate_party(self, field: StringField) -> None:
        """Resolve the row to one party, a new one, or none; else say why, with what it could mean."""
        if self.finder is None:
            return
        text = " ".join((field.data or "").split())
        choice, picked = (self.choice.data or "").strip(), (self.party_id.data or "").strip()
        if choice == NEW or (picked == NEW and text):
            self.create(text)
        elif choice.isdigit():
            self.resolve(self.finder.get(int(choice)))
        elif text:
            entry = self.finder.get(int(picked)) if picked.isdigit() else None
            self.resolve(entry if entry is not None and entry.is_named(text) else self.named(text))

    def named(self, text: str) -> PartyEntry:
        """The one party the text names; else ValidationError, with the candidates kept for the template."""
        assert self.finder is not None
        number = reference_id(text)
        if number is not None:
            entry = self.finder.get(number)
            if entry is None:
                raise ValidationError(_("No party has the number %(number)s.", number=number))
            return entry
        exact = self.finder.exact(text)
        if len(exact) == 1:
            return exact[0]
        self.offer_new = not exact_name(exact, text) and len(text) <= NAME_MAX
        if exact:
            self.candidates = tuple(exact[:CANDIDATES])
            raise ValidationError(_("Several parties go by “%(name)s”: choose one below.", name=text))
        self.candidates = tuple(hit.party for hit in self.finder.find(text, CANDIDATES))
        if self.candidates:
            raise ValidationError(
                _("No party is called exactly “%(name)s”: choose one below, or create a new party.", name=text)
            )
        raise ValidationError(_("No party is called “%(name)s”: check the spelling, or create a new party.", name=text))

    def resolve(self, entry: PartyEntry | None) -> None:
        """The row names this party (None: a party chosen meanwhile archived)."""
        if entry is None:
            raise ValidationError(_("This party is no longer recorded: choose another one."))
        self.resolved, self.chosen_id, self.choice.data = entry, entry.id, ""
        self.show(entry)

    def create(self, text: str) -> None:
        """The row asks for a new party called `text`."""
        self.creates = self.offer_new = True
        self.party_id.data, self.choice.data = NEW, NEW
        if not text:
            raise ValidationError(_("Type the new party's name."))
        if len(text) > NAME_MAX:
            raise ValidationError(_("Keep the name to %(max)s characters.", max=NAME_MAX))

    def validate_new_kind(self, field: SelectField) -> None:
        """A new party needs its kind."""
        if self.creates and not field.data:
            raise ValidationError(_("Choose what kind of party the new one is."))

    def new_party(self) -> PartyData:
        """The party this row asks to create."""
        name = " ".join((self.party.data or "").split())
        return PartyData(name=name, kind=PartyKind(self.new_kind.data), country_code=self.new_country.data or None)


def create_parties(rows: list[PartyRoleForm], create: Callable[[PartyData], int]) -> None:
    """Create the new parties the rows ask for (`create` returns the new party's id); a refusal is raised again as
    naming its row's party field."""
    for row in rows:
        if not row.creates:
            continue
        try:
            row.chosen_id = create(row.new_party())
        except TrackerError as error:
            error.field = row.party.name
            raise


def party_hint(entry: PartyEntry) -> str:
    """What tells a party from its namesakes in a list: its aliases and its kind."""
    return " · ".join(part for part in (", ".join(entry.aliases), str(label(entry.kind))) if part)


class PartyFilterField(StringField):
    """The agreement query's party: its number (`?party=12`, as links and the API have always given it), or a name,
    alias or label typed in the plain form; `record_id` is the party found, `candidates` what an ambiguous or
    unknown name could mean."""

    def __init__(self, label: Any, **kwargs: Any) -> None:
        kwargs.setdefault("validators", [Optional(), Length(max=TEXT_MAX)])
        super().__init__(label, **kwargs)
        self.finder: Callable[[], PartyFinder] | None = None
        self.record_id: int | None = None
        self.shown: PartyEntry | None = None
        self.candidates: tuple[PartyEntry, ...] = ()

    @property
    def choice_name(self) -> str:
        """The name of the "did you mean" radios a form (not the GET filter, whose list is links) offers."""
        return f"{self.name}-choice"

    @property
    def offered(self) -> list[tuple[str, str, str]]:
        """The candidates as "did you mean" radios: (the id sent, the label, a hint of aliases and kind)."""
        return [(str(entry.id), entry.label, party_hint(entry)) for entry in self.candidates]

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        """The text typed, or the party chosen from a "did you mean" list (`<name>-choice`: its id)."""
        super().process(formdata, data, extra_filters)
        choice = (formdata.get(self.choice_name) or "").strip() if formdata is not None else ""
        if choice.isdigit():
            self.data = f"#{choice}"

    def pre_validate(self, form: Any) -> None:
        """Resolve the text to one live party."""
        text = " ".join((self.data or "").split())
        if not text:
            return
        finder = self.finder() if self.finder else None
        number = reference_id(text)
        if finder is None:
            raise ValidationError(_("There is no such party."))
        entry = finder.get(number) if number is not None else None
        if number is not None and entry is None:
            raise ValidationError(_("There is no such party."))
        if entry is None:
            exact = finder.exact(text)
            if len(exact) != 1:
                self.candidates = tuple(exact[:CANDIDATES]) or tuple(hit.party for hit in finder.find(text, CANDIDATES))
                message = _("Several parties go by “%(name)s”: choose one below.", name=text) if exact else None
                raise ValidationError(message or _("No party is called “%(name)s”.", name=text))
            entry = exact[0]
        self.record_id, self.shown = entry.id, entry
        self.data, self.raw_data = entry.label, [entry.label]  # shown as its label; the script sends the id
