"""Reads on citations: an agreement's facts with the citations of each as its page lists them, the origins a fact can
be cited to, and one citation with its agreement."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import count

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from tracker.archiving import WITH_ARCHIVED
from tracker.models import (
    Agreement,
    AgreementParty,
    AutoRenewal,
    Citation,
    CitationStance,
    CitedFact,
    Document,
    Party,
    Source,
)
from tracker.queries.documents import live_documents
from tracker.records.citation import FACTS
from tracker.text import text_fragment


@dataclass(frozen=True)
class Mark:
    """One citation as the page shows it: numbered in the page's order, with the fragment that finds its quote."""

    number: int
    citation: Citation

    @property
    def fragment(self) -> str:
        """`:~:text=…` of the quote's first words, for the link to the kept text ("" without a quote)."""
        return text_fragment(self.citation.quote)

    @property
    def origin_live(self) -> bool:
        """Whether its source or document is still there to open (a document may have been archived since)."""
        return self.citation.source is not None or (
            self.citation.document is not None and not self.citation.document.is_archived
        )

    @property
    def supports(self) -> bool:
        """Whether it bears the recorded value out, from an origin that still counts (as the evidence level has it)."""
        return self.citation.stance is CitationStance.SUPPORTS and self.origin_live


@dataclass
class FactRow:
    """One fact of the record with its citations; a party's row names the party (None once archived, on a live
    agreement's page) and its roles on the agreement (none once off the record)."""

    fact: CitedFact
    party_id: int | None = None
    party: Party | None = None
    roles: list[AgreementParty] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)

    @property
    def sourced(self) -> bool:
        """Whether a citation supports the recorded value: without one, the page says "not sourced"."""
        return any(mark.supports for mark in self.marks)

    @property
    def cite_value(self) -> str:
        """The fact as the citation form's choice names it: "end", or "party:12"."""
        return f"party:{self.party_id}" if self.party_id is not None else self.fact.value


@dataclass
class Facts:
    """The agreement's facts in the page's order, and the citations of parties the record no longer names."""

    rows: list[FactRow]
    apart: list[FactRow]


def terms_recorded(agreement: Agreement) -> bool:
    """Whether the record says anything of its terms: a duration, a notice period or automatic renewal."""
    return bool(agreement.duration_months or agreement.notice_period or agreement.auto_renewal is AutoRenewal.YES)


def facts_of(agreement: Agreement) -> Facts:
    """The facts of an agreement loaded by `agreement_detail`, each with its citations numbered in the page's order:
    the parties in the record's order, then signed, start, end, status, renewal intent, instrument and the terms
    (when recorded or cited). Citations of a party no longer on the record come last, apart."""
    cited: dict[tuple[CitedFact, int | None], list[Citation]] = {}
    for citation in agreement.citations:
        cited.setdefault((citation.fact, citation.party_id), []).append(citation)
    rows = [*_party_rows(agreement), *_other_rows(agreement, cited)]
    named = {(row.fact, row.party_id) for row in rows}
    apart = [
        FactRow(fact, party_id=party_id, party=citations[0].party)
        for (fact, party_id), citations in cited.items()
        if (fact, party_id) not in named
    ]
    numbers = count(1)
    for row in [*rows, *apart]:
        row.marks = [Mark(next(numbers), citation) for citation in cited.get((row.fact, row.party_id), [])]
    return Facts(rows, apart)


def _party_rows(agreement: Agreement) -> list[FactRow]:
    """A row per party on the record, in the record's order, with its roles."""
    rows: dict[int, FactRow] = {}
    for link in agreement.party_links:
        row = rows.setdefault(link.party_id, FactRow(CitedFact.PARTY, party_id=link.party_id, party=link.party))
        row.roles.append(link)
    return list(rows.values())


def _other_rows(agreement: Agreement, cited: dict[tuple[CitedFact, int | None], list[Citation]]) -> list[FactRow]:
    """A row per fact other than the parties; the terms only when recorded or cited."""
    return [
        FactRow(fact)
        for fact in FACTS
        if fact is not CitedFact.PARTY
        and (fact is not CitedFact.TERMS or terms_recorded(agreement) or (fact, None) in cited)
    ]


@dataclass(frozen=True)
class Origin:
    """A source or document a fact can be cited to, by the value the form's choice gives it."""

    value: str
    source: Source | None = None
    document: Document | None = None


def citable_origins(agreement: Agreement) -> list[Origin]:
    """The agreement's linked live sources and live documents, in its page's order, loaded by `agreement_detail`."""
    links = agreement.source_links
    sources = [Origin(f"source:{link.source.id}", source=link.source) for link in links if not link.source.is_archived]
    documents = [Origin(f"document:{document.id}", document=document) for document in live_documents(agreement)]
    return sources + documents


def citation_of(session: Session, citation_id: int, include_archived: bool = False) -> Citation | None:
    """A citation with its agreement, party and origin; one of an archived agreement only when asked."""
    statement = (
        select(Citation)
        .join(Citation.agreement)
        .where(Citation.id == citation_id)
        .options(
            joinedload(Citation.agreement),
            joinedload(Citation.party),
            joinedload(Citation.source),
            joinedload(Citation.document),
        )
    )
    options = WITH_ARCHIVED if include_archived else {}
    return session.scalars(statement, execution_options=options).first()
