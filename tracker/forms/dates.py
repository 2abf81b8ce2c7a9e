"""The query of the date reading (`?text=4 Oktober 2017`): one date, checked as the record forms check theirs."""

from __future__ import annotations

from tracker.forms.base import QueryForm
from tracker.forms.contract import form_field
from tracker.records.agreement import AgreementData
from tracker.records.fields import spec_of


class DateReadingForm(QueryForm):
    """A date as typed into a partial-date input: the same field, so the same limit, reading and messages."""

    text = form_field(spec_of(AgreementData, "signed"))
