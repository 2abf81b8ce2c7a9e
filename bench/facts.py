"""Issue 15's facts of a synthetic agreement: its terms (written out as services/terms.py writes them), the
treaty-registry facts (entry into force, ratification and its instrument, document number) and implementation.

Drawn from a random generator of their own (`facts_random`), so a seed's other data stays what it was before these
facts existed: benchmark figures of earlier issues compare with databases generated since.
"""

from __future__ import annotations

from datetime import date, timedelta
from random import Random
from typing import Any

from tracker.dates import PartialDate, Precision
from tracker.models import (
    AgreementStatus,
    AutoRenewal,
    ImplementationStatus,
    InstrumentType,
    NoticeParty,
    NoticeUnit,
    Ratification,
)
from tracker.services.terms import term_rows
from tracker.terms import DAYS, MONTHS, Terms

DatePart = tuple[date, Precision]
# Agreements recorded with a duration: most of those with an end, more of the open-ended (they renew themselves).
TERMS_SHARE, OPEN_TERMS_SHARE = 0.35, 0.7
AUTO_RENEWAL_SHARE, OPEN_AUTO_RENEWAL_SHARE = 0.4, 0.8
NOTICE_SHARE = 0.7
# Statuses of agreements that have been carried out, or were meant to be: their implementation is worth recording.
STARTED = {
    AgreementStatus.IN_FORCE,
    AgreementStatus.EXPIRED,
    AgreementStatus.TERMINATED,
    AgreementStatus.SUPERSEDED,
    AgreementStatus.SUSPENDED,
}
IMPLEMENTATION_WEIGHTS = {
    ImplementationStatus.NOT_RECORDED: 45,
    ImplementationStatus.NOT_STARTED: 5,
    ImplementationStatus.ONGOING: 25,
    ImplementationStatus.IMPLEMENTED: 18,
    ImplementationStatus.STALLED: 7,
}
IMPLEMENTATION_NOTES = {
    ImplementationStatus.NOT_STARTED: ("Menunggu penunjukan tim teknis.", "Waiting for the partner's focal point."),
    ImplementationStatus.ONGOING: ("Pelatihan tahap kedua berjalan.", "Joint working group met in March."),
    ImplementationStatus.IMPLEMENTED: ("Laporan akhir diterima.", "All activities completed; final report filed."),
    ImplementationStatus.STALLED: ("Pendanaan mitra tertunda.", "Stalled since the partner's reorganisation."),
}
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
# Ratifying instruments as the foreign ministry's registry writes them.
INSTRUMENT_KINDS = ("Keppres", "Keputusan Presiden", "Perpres", "Peraturan Presiden", "UU")


def facts_random(seed_value: int) -> Random:
    """The generator of these facts for a seed (apart from the seed's main one)."""
    return Random(f"issue 15 facts {seed_value}")


def draw(
    rng: Random,
    agreement_id: int,
    instrument: InstrumentType,
    status: AgreementStatus,
    dates: tuple[DatePart | None, DatePart | None, DatePart | None],
    today: date,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The agreement row's issue 15 columns, and its agreement_term rows. `dates` are (start, end, signed)."""
    start, end, signed = dates
    terms = terms_columns(rng, start, end)
    columns = {
        **terms,
        **treaty_columns(rng, instrument, status, start, signed),
        **implementation_columns(rng, status, start, today),
    }
    written = Terms(
        start=PartialDate(*start) if start else None,
        end=PartialDate(*end) if end else None,
        duration_months=terms["duration_months"],
        auto_renewal=terms["auto_renewal"] == AutoRenewal.YES.value,
        renewal_months=terms["renewal_months"],
        notice_period=terms["notice_period"],
        notice_unit=terms["notice_unit"],
    )
    return columns, term_rows([(agreement_id, written)])


def terms_columns(rng: Random, start: DatePart | None, end: DatePart | None) -> dict[str, Any]:
    """Duration, automatic renewal and notice: "five years, renewed for five more unless notice six months before"."""
    columns: dict[str, Any] = {
        "duration_months": None,
        "auto_renewal": AutoRenewal.NO.value,
        "renewal_months": None,
        "notice_period": None,
        "notice_unit": NoticeUnit.MONTHS.value,
        "notice_by": NoticeParty.NOT_RECORDED.value,
    }
    share, auto_share = (TERMS_SHARE, AUTO_RENEWAL_SHARE) if end else (OPEN_TERMS_SHARE, OPEN_AUTO_RENEWAL_SHARE)
    if start is not None and rng.random() < share:
        years = max(1, end[0].year - start[0].year) if end else rng.choice((2, 3, 5, 5, 5, 10))
        columns["duration_months"] = 12 * years
        if rng.random() < auto_share:
            columns["auto_renewal"] = AutoRenewal.YES.value
            columns["renewal_months"] = rng.choice((None, None, 12, 24, 60))
    elif end is None or rng.random() > 0.1:
        return columns  # a notice alone, on an end, is rarer
    if rng.random() < NOTICE_SHARE:
        in_days = rng.random() < 0.2
        columns["notice_period"] = rng.choice((30, 60, 90)) if in_days else rng.choice((1, 3, 3, 6, 6, 6, 12))
        columns["notice_unit"] = DAYS if in_days else MONTHS
        parties = [party.value for party in NoticeParty if party is not NoticeParty.NOT_RECORDED]
        columns["notice_by"] = rng.choice(parties)
    return columns


def treaty_columns(
    rng: Random, instrument: InstrumentType, status: AgreementStatus, start: DatePart | None, signed: DatePart | None
) -> dict[str, Any]:
    """Ratification and its instrument, the entry into force and the document number."""
    binding = instrument is InstrumentType.AGREEMENT
    weights = (40, 20, 30, 10) if binding else (75, 25, 0, 0)
    ratification = rng.choices(list(Ratification), weights)[0]
    signing = (signed or start or (date(2020, 1, 1), Precision.YEAR))[0]
    instrument_text = ""
    if ratification is Ratification.RATIFIED:
        instrument_text = (
            f"{rng.choice(INSTRUMENT_KINDS)} No. {rng.randint(1, 120)} Tahun {signing.year + rng.randint(0, 2)}"
        )
    in_force = None
    if start is not None and status in STARTED and rng.random() < (0.6 if binding else 0.2):
        in_force = (start[0] + timedelta(days=rng.choice((0, 0, 30))), start[1]) if start[1] is Precision.DAY else start
    return {
        "ratification": ratification.value,
        "ratifying_instrument": instrument_text,
        "in_force_on": in_force[0] if in_force else None,
        "in_force_precision": in_force[1].value if in_force else None,
        "document_number": document_number(rng, signing),
    }


def document_number(rng: Random, signing: date) -> str:
    """A reference as the ministry's and partners' registries write them, or none (about half are unrecorded)."""
    number, roll, year, month = rng.randint(1, 999), rng.random(), signing.year, signing.month
    if roll < 0.2:
        return f"B-{number}/M-IND/KS/{ROMAN[month - 1]}/{year}"
    if roll < 0.35:
        return f"{number}/KEMENPERIN/{rng.choice(('PKS', 'MOU', 'NK'))}/{year}"
    if roll < 0.45:
        return f"B-{number}/KEMENPERIN/{year}"
    if roll < 0.5:
        return f"No. {number:03d}/{rng.choice(('BSKJI', 'BPSDMI', 'ILMATE'))}/{ROMAN[month - 1]}/{year}"
    return ""


def implementation_columns(rng: Random, status: AgreementStatus, start: DatePart | None, today: date) -> dict[str, Any]:
    """How far the agreement is carried out, with a note and when that was assessed, for started agreements."""
    empty = {"implementation_note": "", "implementation_as_of_on": None, "implementation_as_of_precision": None}
    if start is None or status not in STARTED:
        return {"implementation": ImplementationStatus.NOT_RECORDED.value, **empty}
    weights = IMPLEMENTATION_WEIGHTS
    implementation = rng.choices(list(weights), list(weights.values()))[0]
    if implementation is ImplementationStatus.NOT_RECORDED:
        return {"implementation": implementation.value, **empty}
    # Assessed some day since the start (started agreements began by `today`).
    assessed = start[0] + timedelta(days=rng.randint(0, max(0, (today - start[0]).days)))
    by_month = rng.random() < 0.4
    return {
        "implementation": implementation.value,
        "implementation_note": rng.choice(IMPLEMENTATION_NOTES[implementation]),
        "implementation_as_of_on": assessed.replace(day=1) if by_month else assessed,
        "implementation_as_of_precision": (Precision.MONTH if by_month else Precision.DAY).value,
    }
