"""Forms for sources and their links: the source form, the two link forms, the note, the list's filters."""

from __future__ import annotations

from datetime import date
from typing import Any

from wtforms import Field, IntegerField, SearchField, SelectField, StringField, TextAreaField, URLField
from wtforms import ValidationError as FieldError
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import DateInput

from tracker.dates import MAX_YEAR, MIN_YEAR, PartialDate, PartialDateError, Precision
from tracker.forms.agreements import agreement_reference
from tracker.forms.base import BaseForm, QueryForm, ReferenceField, VersionField, options
from tracker.forms.contract import limit
from tracker.i18n import _
from tracker.labels import choices
from tracker.models import MAX_ID, Source, SourceKind
from tracker.queries.sources import DEFAULT_SORT, SourceFilters
from tracker.records.fields import LANGUAGE_PATTERN
from tracker.records.source import LinkData, SourceData, normalize_language
from tracker.urls import InvalidURLError, normalize_url

SEARCH_MAX = 200
LANGUAGE_MESSAGE = _("Use a language code such as id, en or ko.")


def language_validators() -> list[Any]:
    """Blank, or a language tag of at most its column's length."""
    return [Optional(), limit(SourceData, "language"), Regexp(LANGUAGE_PATTERN, message=LANGUAGE_MESSAGE)]


SORT_CHOICES = [
    ("published", _("Newest published first")),
    ("published_asc", _("Oldest published first")),
    ("added", _("Recently added first")),
    ("title", _("Title A–Z")),
]


def parse_day(text: str | date | None) -> date | None:
    """A full date from "YYYY-MM-DD" (what a date input sends); blank means unknown."""
    if not text:
        return None
    if isinstance(text, date):
        return text
    parsed = PartialDate.parse(text)
    if parsed.precision is not Precision.DAY:
        raise PartialDateError(_("Give the full date as YYYY-MM-DD."))
    return parsed.value


def valid_day(form: Any, field: Field) -> None:
    """Field validator: a real day, such as 2017-10-04."""
    try:
        parse_day(field.data)
    except PartialDateError as exc:
        raise FieldError(str(exc)) from exc


def valid_url(form: Any, field: Field) -> None:
    """Field validator: an http(s) URL; other schemes (javascript:, data:, file:) are refused."""
    try:
        normalize_url(field.data)
    except InvalidURLError as exc:
        raise FieldError(str(exc)) from exc


class SourceFields(BaseForm):
    """The fields describing a source, shared by the source form and the link-a-new-source form."""

    url = URLField(
        _("URL"),
        validators=[Optional(), limit(SourceData, "url"), valid_url],
        description=_("The address of the article. Leave blank for a document without a link."),
    )
    title = StringField(_("Title"), validators=[limit(SourceData, "title")])
    kind = SelectField(
        _("Kind"), choices=options(choices(SourceKind)), coerce=SourceKind, default=SourceKind.NEWS_ARTICLE
    )
    outlet = StringField(
        _("Outlet"), validators=[limit(SourceData, "outlet")], description=_("For example tirto.id or Antara.")
    )
    author = StringField(_("Author"), validators=[limit(SourceData, "author")])
    published_on = StringField(
        _("Published on"), widget=DateInput(), validators=[Optional(), valid_day], description=_("YYYY-MM-DD")
    )
    language = StringField(
        _("Language"),
        filters=[normalize_language],
        validators=language_validators(),
        description=_("A language code such as id (Indonesian), en (English) or ko (Korean)."),
    )
    excerpt = TextAreaField(_("Excerpt"), validators=[limit(SourceData, "excerpt")])

    def fill_from(self, source: Source) -> None:
        """Pre-fill from an existing source (for GET of the edit page)."""
        for name in ("url", "title", "outlet", "author", "language", "excerpt"):
            getattr(self, name).data = getattr(source, name) or ""
        self.kind.data = source.kind
        self.published_on.data = source.published_on.isoformat() if source.published_on else ""

    def to_data(self) -> SourceData:
        """The validated input as the service's input type."""
        return SourceData(
            title=self.title.data or "",
            url=self.url.data or "",
            kind=self.kind.data,
            outlet=self.outlet.data or "",
            author=self.author.data or "",
            published_on=parse_day(self.published_on.data),
            language=self.language.data or "",
            excerpt=self.excerpt.data or "",
        )


class SourceForm(SourceFields):
    """Create or edit a source: a title is always required."""

    title = StringField(_("Title"), validators=[DataRequired(message=_("Enter a title.")), limit(SourceData, "title")])
    version = VersionField()

    def fill_from(self, source: Source) -> None:
        """Pre-fill from an existing source, with the version being edited."""
        super().fill_from(source)
        self.version.data = source.version


def note_field() -> TextAreaField:
    """The note of a link, with its hint."""
    return TextAreaField(
        _("What the source supports"),
        validators=[limit(LinkData, "note")],
        description=_("A quote or a short note, for example “signed on 4 October 2017 for five years”."),
    )


class LinkFromSourceForm(BaseForm):
    """Link a source to an agreement, named by its number or title (with suggestions)."""

    agreement_id = agreement_reference(_("Agreement"), required=_("Choose an agreement."))
    note = note_field()


class LinkToAgreementForm(SourceFields):
    """Link a source to an agreement: a recorded source named by its number, address or title, or a new one."""

    source_id = ReferenceField(
        _("A source already recorded"),
        description=_("Its number (as in /sources/12), its address (URL) or its exact title."),
        not_found=_("No recorded source has this number, address or title."),
        ambiguous=_("Several sources have this title: give the number of the one you mean."),
    )
    note = note_field()

    def wants_new_source(self) -> bool:
        """True when the user described a new source rather than choosing one."""
        return bool(self.url.data or self.title.data)

    def validate_source_id(self, field: Field) -> None:
        """Exactly one of: a chosen source, or a new source's URL or title."""
        if field.record_id is not None and self.wants_new_source():
            raise FieldError(_("Choose a recorded source or describe a new one, not both."))
        if field.record_id is None and not self.wants_new_source():
            raise FieldError(_("Choose a recorded source, or give the URL or title of a new one."))


class NoteForm(BaseForm):
    """Change the note of a link."""

    note = note_field()


class ConfirmForm(BaseForm):
    """A confirmation button: nothing to fill in but the CSRF token."""


class SourceQueryForm(QueryForm):
    """The source list's filters and order, read from the query string so every list is a link."""

    q = SearchField(
        _("Search"),
        validators=[Optional(), Length(max=SEARCH_MAX)],
        description=_("Words in the title, outlet, author or URL."),
    )
    outlet = StringField(_("Outlet"), validators=[Optional(), limit(SourceData, "outlet")])
    language = StringField(
        _("Language"),
        filters=[normalize_language],
        validators=language_validators(),
    )
    year = IntegerField(_("Published in"), validators=[Optional(), NumberRange(min=MIN_YEAR, max=MAX_YEAR)])
    sort = SelectField(_("Order"), choices=options(SORT_CHOICES), default=DEFAULT_SORT)
    page = IntegerField(_("Page"), default=1, validators=[Optional(), NumberRange(min=1, max=MAX_ID)])

    def filters(self) -> SourceFilters:
        """The validated filters as the query's input type."""
        return SourceFilters(
            text=self.q.data or "",
            outlet=self.outlet.data or "",
            language=self.language.data or "",
            year=self.year.data,
            sort=self.sort.data or DEFAULT_SORT,
        )


PROBLEM_CHOICES = [
    ("", _("Any problem")),
    ("gone", _("Gone")),
    ("moved", _("Moved")),
    ("failing", _("Failing twice or more in a row")),
]


class LinkProblemQueryForm(QueryForm):
    """The links-to-look-at list's filter: which kind of problem."""

    kind = SelectField(_("Problem"), choices=options(PROBLEM_CHOICES), default="")
    page = IntegerField(_("Page"), default=1, validators=[Optional(), NumberRange(min=1, max=MAX_ID)])
