"""Forms for agreements: the edit form, the query form (GET) and the relation form."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from markupsafe import Markup, escape
from wtforms import (
    Field,
    FieldList,
    FormField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    ValidationError,
)
from wtforms.validators import Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from tracker.dates import MAX_YEAR, MIN_YEAR, PartialDate
from tracker.datewords import MAX_DATE_LENGTH, place_before_date
from tracker.forms.base import (
    BaseForm,
    LongSelect,
    PartialDateValidator,
    QueryForm,
    ReferenceField,
    VersionField,
    country_options,
    optional_id,
    options,
    partial_date_or_none,
)
from tracker.forms.contract import DATE_HINT, contract_form, fill_plain, limit, plain_data
from tracker.forms.periods import YearsMonthsField
from tracker.forms.pickers import PartyFilterField, PartyRoleForm
from tracker.i18n import _
from tracker.labels import choices
from tracker.models import (
    AgreementStatus,
    AutoRenewal,
    EvidenceLevel,
    ImplementationStatus,
    InstrumentType,
    PartyRole,
    Ratification,
    RelationKind,
    RenewalIntent,
)
from tracker.queries.agreements import SortOrder
from tracker.queries.lookup import PartyFinder
from tracker.records.agreement import AgreementData, RelationData
from tracker.records.fields import max_length, spec_of

BLANK_PARTY_ROWS = 3
# The row number in the blank row the script copies.
ROW_PLACEHOLDER = "__row__"
PLACE_MAX = max_length(AgreementData, "place_of_signing")
PER_PAGE_CHOICES = (10, 25, 50, 100)
OWNER_PATTERN = r"^(me|[0-9]{1,9})$"
ME = "me"
# The notice period filter's values: whether an agreement records one.
NOTICE_RECORDED, NOTICE_NOT_RECORDED = "recorded", "not_recorded"


class LeanCheckbox(CheckboxInput):
    """A checkbox of a list, written directly: WTForms' generic input looks through the field's flags and sorts
    its attributes for each of the dozens of options on the query page. The HTML is the same."""

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        """The checkbox, as WTForms writes it (attributes in name order); the generic way for extra attributes."""
        if kwargs or field.render_kw:
            return super().__call__(field, **kwargs)
        checked = "checked " if getattr(field, "checked", field.data) else ""
        names = f'id="{escape(field.id)}" name="{escape(field.name)}"'
        return Markup(f'<input {checked}{names} type="checkbox" value="{escape(field._value())}">')


class CheckboxListField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes, easier than a multi-select for most people."""

    widget = ListWidget(prefix_label=False)
    option_widget = LeanCheckbox()


def years_and_months(name: str, label: Any, hint: Any) -> YearsMonthsField:
    """A span of the terms kept in months, typed as years and months, within the contract's bounds."""
    spec = spec_of(AgreementData, name)
    return YearsMonthsField(label, minimum=spec.minimum, maximum=spec.maximum, description=hint)


class AgreementForm(contract_form(BaseForm, AgreementData)):  # type: ignore[misc]
    """Create or edit an agreement: an input per field of the contract, its sectors and parties; the terms' duration
    and renewal period in years and months."""

    duration_months = years_and_months("duration_months", _("Duration"), _("Such as 5 years 0 months."))
    renewal_months = years_and_months(
        "renewal_months", _("Renewal period"), _("Each further term, when it differs; blank renews for the duration.")
    )

    owner_id = SelectField(
        _("Responsible officer"), coerce=optional_id, invalid_choice_message=_("Choose a user from the list.")
    )
    unit_id = SelectField(
        _("Responsible unit"),
        coerce=optional_id,
        invalid_choice_message=_("Choose a unit from the list."),
        description=_("The unit of the ministry (or another party at home) that answers for the agreement."),
    )
    sectors = CheckboxListField(_("Sectors"), coerce=int)
    parties = FieldList(FormField(PartyRoleForm), label=_("Parties"), min_entries=1, max_entries=50)
    version = VersionField()
    finder: PartyFinder | None = None

    def set_choices(self, finder: PartyFinder, sector_choices: list[tuple[int, str]]) -> None:
        """Offer the sectors, resolve party rows against `finder`, and leave a few blank party rows on a new page."""
        self.sectors.choices = options(sector_choices)
        if not self.is_submitted():  # a form sent back keeps the rows it had ("Add row" adds one)
            blank_rows = sum(1 for row in self.parties if row.form.is_blank())
            for _row in range(BLANK_PARTY_ROWS - blank_rows):
                self.add_row()
        for row in self.parties.entries:
            row.form.set_finder(finder)
        self.finder = finder

    def add_row(self) -> bool:
        """One more blank party row, unless the table is full."""
        if len(self.parties) >= self.parties.max_entries:
            return False
        self.parties.append_entry()
        if self.finder is not None:
            self.parties.entries[-1].form.set_finder(self.finder)
        return True

    def template_row(self) -> PartyRoleForm:
        """A blank party row named `parties-__row__-…`, which the script copies (with the row's number) for another
        row; also the new party's inputs it copies into a row."""
        row = PartyRoleForm(prefix=f"{self.parties.name}-{ROW_PLACEHOLDER}-")
        if self.finder is not None:
            row.set_finder(self.finder)
        return row

    def party_rows(self) -> list[PartyRoleForm]:
        """The party rows' forms."""
        return [row.form for row in self.parties.entries]

    def set_owner_choices(self, user_choices: list[tuple[int, str]], unit_choices: list[tuple[int, str]]) -> None:
        """Offer the users as responsible officers and the home parties as responsible units."""
        self.owner_id.choices = options([("", _("— none —")), *user_choices])
        self.unit_id.choices = options([("", _("— none —")), *unit_choices])

    def fill_from(self, agreement: Any) -> None:
        """Pre-fill the form from an existing agreement (for GET of the edit page)."""
        fill_plain(self, agreement, AgreementData)
        self.owner_id.data, self.unit_id.data = agreement.owner_id, agreement.unit_id
        self.sectors.data = [sector.id for sector in agreement.sectors]
        while self.parties.entries:
            self.parties.pop_entry()
        for link in agreement.party_links:
            self.parties.append_entry({"party_id": str(link.party_id), "role": link.role.value})

    def to_data(self) -> AgreementData:
        """The validated input as the service's input type; a blank place of signing is the place the signing date
        names ("Jakarta, 22-Apr-1992"), as an import reads it."""
        plain = plain_data(self, AgreementData)
        if not plain["place_of_signing"]:
            plain["place_of_signing"] = place_before_date((self.signed.raw_data or [""])[0])[:PLACE_MAX]
        return AgreementData(
            **plain,
            owner_id=self.owner_id.data,
            unit_id=self.unit_id.data,
            sector_ids=list(self.sectors.data or []),
            parties=[
                (row.chosen_id, PartyRole(row.role.data)) for row in self.party_rows() if row.chosen_id is not None
            ],
        )


def year_field(label: Any) -> IntegerField:
    """An optional year between the supported bounds."""
    return IntegerField(
        label,
        validators=[
            Optional(),
            NumberRange(MIN_YEAR, MAX_YEAR, message=_("Give a year between %(min)s and %(max)s.")),
        ],
    )


def day_bound(label: Any) -> StringField:
    """An optional date as precise as is known ("2027", "Juli 2027", "2027-07-01"), read as the record forms read
    dates: a bound of a date filter (a year or month stands for its first day "from", its last day "by")."""
    return StringField(
        label,
        validators=[Optional(), Length(max=MAX_DATE_LENGTH), PartialDateValidator()],
        description=DATE_HINT,
    )


# The most agreements one query can name by id (the bulk actions' selections are pages of at most 100).
MAX_SELECTION = 1000


def selection_size(form: Any, field: Field) -> None:
    """At most MAX_SELECTION ids, each a database id."""
    if len(field.data or []) > MAX_SELECTION:
        raise ValidationError(_("Name at most %(count)s agreements.", count=MAX_SELECTION))
    if any(not 0 < value < 2**31 for value in field.data or []):
        raise ValidationError(_("There is no such agreement."))


class AgreementQueryForm(QueryForm):
    """The agreement list's filters, read from the query string so every query is a link."""

    q = StringField(_("Text"), validators=[Optional(), Length(max=200)])
    party = PartyFilterField(
        _("Party (with its units)"), description=_("Its name, another name it goes by, or its number.")
    )
    country = SelectField(_("Partner country"), validators=[Optional()], widget=LongSelect())
    sector = CheckboxListField(_("Sector"))
    status = CheckboxListField(_("Status"), choices=options(choices(AgreementStatus)))
    instrument = CheckboxListField(_("Instrument"), choices=options(choices(InstrumentType)))
    renewal = CheckboxListField(_("Renewal"), choices=options(choices(RenewalIntent)))
    implementation = CheckboxListField(_("Implementation"), choices=options(choices(ImplementationStatus)))
    # The strongest evidence cited for the record (issue 17); "none" lists the agreements that need a source.
    evidence = CheckboxListField(_("Evidence"), choices=options(choices(EvidenceLevel)))
    auto_renewal = SelectField(
        _("Automatic renewal"), choices=options([("", _("Any")), *choices(AutoRenewal)]), default=""
    )
    notice_period = SelectField(
        _("Notice period"),
        choices=options([("", _("Any")), (NOTICE_RECORDED, _("Recorded")), (NOTICE_NOT_RECORDED, _("Not recorded"))]),
        default="",
    )
    decision_after = day_bound(_("Decision date from"))
    decision_before = day_bound(_("Decision date by"))
    ratification = CheckboxListField(_("Ratification"), choices=options(choices(Ratification)))
    in_force_after = day_bound(_("In force from"))
    in_force_before = day_bound(_("In force by"))
    # A user's id or "me"; the list page offers the users, other callers take any id (an unknown one matches none).
    owner = SelectField(
        _("Responsible officer"),
        choices=[],
        validate_choice=False,
        validators=[Optional(), Regexp(OWNER_PATTERN, message=_("Give a user's number or “me”."))],
    )
    active_in = year_field(_("Active in year"))
    ends_from = year_field(_("Ends from year"))
    ends_to = year_field(_("Ends by year"))
    signed_from = year_field(_("Signed from year"))
    signed_to = year_field(_("Signed by year"))
    sort = SelectField(
        _("Sort by"),
        choices=options(
            [
                (SortOrder.RELEVANCE.value, _("Best match (without words: last updated)")),
                (SortOrder.UPDATED_DESC.value, _("Last updated, newest first")),
                (SortOrder.UPDATED.value, _("Last updated, oldest first")),
                (SortOrder.TITLE.value, _("Title, A–Z")),
                (SortOrder.TITLE_DESC.value, _("Title, Z–A")),
                (SortOrder.START.value, _("Start, earliest first")),
                (SortOrder.START_DESC.value, _("Start, latest first")),
                (SortOrder.END.value, _("End, soonest first")),
                (SortOrder.END_DESC.value, _("End, latest first")),
                (SortOrder.SIGNED.value, _("Signed, earliest first")),
                (SortOrder.SIGNED_DESC.value, _("Signed, latest first")),
            ]
        ),
        default=SortOrder.RELEVANCE.value,
    )
    # These agreements only: an export of a bulk action's selection (`?id=3&id=8`); not shown among the filters.
    id = SelectMultipleField(_("Agreements"), coerce=int, validate_choice=False, validators=[selection_size])
    page = IntegerField(_("Page"), default=1, validators=[Optional(), NumberRange(min=1, max=100000)])
    per_page = SelectField(
        _("Per page"), coerce=int, choices=options((n, str(n)) for n in PER_PAGE_CHOICES), default=25
    )

    def set_choices(self, party_finder: Callable[[], PartyFinder], sector_choices: list[tuple[str, str]]) -> None:
        """Offer what exists: sectors (by slug) and countries; a party is looked up by `party_finder` when given."""
        self.party.finder = party_finder
        self.sector.choices = options(sector_choices)
        self.country.choices = country_options(_("Any country"))

    def set_owner_choices(self, user_choices: list[tuple[int, str]]) -> None:
        """Offer "anyone", "me" and the users as responsible officers (the list page)."""
        self.owner.choices = options([("", _("Anyone")), (ME, _("Me")), *user_choices])

    def validate_ends_to(self, field: Any) -> None:
        """ "Ends by" may not come before "ends from"."""
        if years_reversed(self.ends_from, field):
            raise ValidationError(_("This year comes before the “ends from” year."))

    def validate_signed_to(self, field: Any) -> None:
        """ "Signed by" may not come before "signed from"."""
        if years_reversed(self.signed_from, field):
            raise ValidationError(_("This year comes before the “signed from” year."))

    def validate_decision_before(self, field: Any) -> None:
        """The decision date's "by" may not come before its "from"."""
        if days_reversed(self.decision_after, field):
            raise ValidationError(_("This date comes before the “decision date from” date."))

    def validate_in_force_before(self, field: Any) -> None:
        """The entry into force's "by" may not come before its "from"."""
        if days_reversed(self.in_force_after, field):
            raise ValidationError(_("This date comes before the “in force from” date."))


def years_reversed(first: IntegerField, last: IntegerField) -> bool:
    """Both years given, and the last before the first."""
    return first.data is not None and last.data is not None and last.data < first.data


def bound(field: Field) -> PartialDate | None:
    """A date bound's date, None when blank or unreadable (its own validator reports that)."""
    try:
        return partial_date_or_none(field)
    except ValidationError:
        return None


def earliest(field: Field) -> date | None:
    """The first day a "from" bound names (1 January for a year)."""
    given = bound(field)
    return given.earliest if given else None


def latest(field: Field) -> date | None:
    """The last day a "by" bound names (31 December for a year)."""
    given = bound(field)
    return given.latest if given else None


def days_reversed(first: Field, last: Field) -> bool:
    """Both bounds given, and every day the last names before every day the first names."""
    start, end = earliest(first), latest(last)
    return start is not None and end is not None and end < start


def agreement_reference(label: Any, required: Any = None) -> ReferenceField:
    """A field naming one agreement by its number or exact title."""
    return ReferenceField(
        label,
        description=_("Its number (the one in its address, as in /agreements/123) or its exact title."),
        required=required,
        not_found=_("No agreement has this number or title."),
        ambiguous=_("Several agreements have this title: give the number of the one you mean."),
    )


class RelationForm(BaseForm):
    """Relate this agreement to another one, named by its number or its exact title."""

    kind = SelectField(_("This agreement"), choices=options(choices(RelationKind)))
    other = agreement_reference(_("Other agreement"), required=_("Give the other agreement's number or exact title."))
    note = StringField(_("Note"), validators=[Optional(), limit(RelationData, "note")])
