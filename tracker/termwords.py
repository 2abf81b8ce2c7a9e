"""How the agreement page words an agreement's terms: the notice, the renewal, and the decision sentence."""

from __future__ import annotations

from flask_babel import ngettext

from tracker.dates import Precision
from tracker.formatting import full_date, partial_date
from tracker.i18n import _
from tracker.terms import DAYS, Term, Terms


def months_text(count: int) -> str:
    """A span of the terms in whole years and the months left: "5 years", "6 months", "1 year 6 months"."""
    years, months = divmod(count, 12)
    parts = [ngettext("%(num)d year", "%(num)d years", years)] if years else []
    if months or not years:
        parts.append(ngettext("%(num)d month", "%(num)d months", months))
    return " ".join(parts)


def notice_text(terms: Terms) -> str:
    """ "6 months' notice" or "90 days' notice"; "" without a notice period."""
    if not terms.notice_period:
        return ""
    if terms.notice_unit == DAYS:
        return ngettext("%(num)d day's notice", "%(num)d days' notice", terms.notice_period)
    return ngettext("%(num)d month's notice", "%(num)d months' notice", terms.notice_period)


def term_end_text(term: Term) -> str:
    """ "31 December 2018", or "2018; end known only to the year" when the day is not known."""
    end = partial_date(term.end)
    if term.end.precision is Precision.YEAR:
        return str(_("%(end)s; end known only to the year", end=end))
    if term.end.precision is Precision.MONTH:
        return str(_("%(end)s; end known only to the month", end=end))
    return end


def decision_sentence(term: Term, terms: Terms) -> str:
    """ "Decide by 1 July 2018 at the latest (6 months' notice before the end of the current term, 31 December
    2018)", with the end's precision said when it is known only to the year or month."""
    end = term_end_text(term)
    if not terms.notice_period:
        return str(_("The current term ends %(end)s.", end=end))
    return str(
        _(
            "Decide by %(day)s at the latest (%(notice)s before the end of the current term, %(end)s).",
            day=full_date(term.decision_on),
            notice=notice_text(terms),
            end=end,
        )
    )
