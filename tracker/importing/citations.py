"""The facts a row's quote states, cited to the row's sources when the import writes it (issue 17).

A ministry's sheet gives one quote per row ("kerja samanya sudah berlangsung dari 2006 dan akan berakhir 2018"):
it is the link's note, and each fact of the row the quote itself states becomes a citation of each of the row's
sources — the start and end its periods give and the signing it reports with its year (the suggestions' readers,
tracker/ingest/suggest/), a party it names by name, alias or name without its legal form, the status, renewal
intent and instrument its cue words point to. Facts the quote
does not state stay "not sourced", as a person would leave them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from tracker.dates import PartialDate, Precision
from tracker.ingest.suggest.cues import INSTRUMENT_CUES, RENEWAL_CUES, STATUS_CUES, find_cues
from tracker.ingest.suggest.periods import find_periods
from tracker.models import AgreementStatus, CitedFact
from tracker.text import normalise_name

# The legal forms of companies, left out when a name is looked for in a quote ("AITEC Co., Ltd" as "AITEC").
LEGAL_FORMS = frozenset({"co", "ltd", "inc", "pt", "tbk", "corp", "corporation", "llc", "gmbh", "plc", "limited"})
PRECISION_ORDER = (Precision.YEAR, Precision.MONTH, Precision.DAY)
FORMATS = {Precision.YEAR: "%Y", Precision.MONTH: "%Y-%m", Precision.DAY: "%Y-%m-%d"}
# "Kerja sama" is in nearly every quote: only the cues that name an instrument count.
NAMING_INSTRUMENT_CUES = tuple(cue for cue in INSTRUMENT_CUES if cue.strength >= 2)
NON_WORD = re.compile(r"[^\w&]+")
CUED_FACTS = (
    ("status", CitedFact.STATUS, STATUS_CUES),
    ("renewal_intent", CitedFact.RENEWAL_INTENT, RENEWAL_CUES),
    ("instrument_type", CitedFact.INSTRUMENT, NAMING_INSTRUMENT_CUES),
)


def quoted_facts(quote: str, values: dict[str, Any], parties: Iterable[tuple[Any, Iterable[str]]]) -> list[tuple]:
    """(fact, party) for each fact of the row the quote states; `parties` gives each party with its names."""
    if not quote.strip():
        return []
    found: list[tuple] = [(fact, None) for fact in dated_facts(quote, values)]
    found += [
        (fact, None)
        for name, fact, cues in CUED_FACTS
        if values.get(name) is not None and values[name] in {cue.value for cue in find_cues(quote, cues)}
    ]
    words = f" {name_words(quote)} "
    for party, names in parties:
        keys = {key for name in names for key in (name_words(name), core_name(name_words(name))) if key}
        if any(f" {key} " in words for key in keys):
            found.append((CitedFact.PARTY, party))
    return found


def dated_facts(quote: str, values: dict[str, Any]) -> list[CitedFact]:
    """The start and end the quote's periods give ("sejak 2006", "hingga 2018"), and the signing when the quote
    says it was signed and names its year."""
    periods = find_periods(quote)
    found = [
        fact
        for name, fact in (("start", CitedFact.START), ("end", CitedFact.END))
        if values.get(name) is not None and any(same_date(getattr(period, name), values[name]) for period in periods)
    ]
    signed = values.get("signed")
    signing = AgreementStatus.SIGNED in {cue.value for cue in find_cues(quote, STATUS_CUES)}
    if signed is not None and signing and re.search(rf"\b{signed.value.year}\b", quote):
        found.insert(0, CitedFact.SIGNED)
    return found


def same_date(said: PartialDate | None, recorded: PartialDate) -> bool:
    """Whether a date the quote gives is the recorded one, as far as the less precise of the two goes."""
    if said is None:
        return False
    coarser = min(said.precision, recorded.precision, key=PRECISION_ORDER.index)
    return said.value.strftime(FORMATS[coarser]) == recorded.value.strftime(FORMATS[coarser])


def core_name(words: str) -> str:
    """A company's name without its legal form ("aitec co ltd" → "aitec", "pt krakatau steel tbk" → "krakatau
    steel"); empty when nothing distinctive is left."""
    parts = words.split()
    while parts and parts[-1] in LEGAL_FORMS:
        parts.pop()
    while parts and parts[0] in LEGAL_FORMS:
        parts.pop(0)
    core = " ".join(parts)
    return core if core != words and len(core) >= 3 else ""


def name_words(text: str) -> str:
    """A name or a quote as words to compare: folded, punctuation between words read as a space ("Co.Ltd")."""
    return normalise_name(NON_WORD.sub(" ", text))
