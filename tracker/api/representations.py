"""JSON representations of the records, as the OpenAPI document describes them, and their ETags."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row

from tracker.clock import local_today
from tracker.dates import PartialDate
from tracker.models import Agreement, AgreementSource, Party, Sector, Source
from tracker.queries.pagination import Page
from tracker.records import agreement as agreement_contract
from tracker.terms import current_term, terms_of


def timestamp(value: datetime | None) -> str | None:
    """ISO 8601 in UTC, "2026-03-01T08:30:00.123456Z"."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None


def partial(value: PartialDate | None) -> str | None:
    """A date at its precision: "2006", "2006-03" or "2006-03-15"."""
    return value.iso() if value else None


def common(record: Any) -> dict[str, Any]:
    """Id and timestamps, shared by every record."""
    return {
        "id": record.id,
        "created_at": timestamp(record.created_at),
        "updated_at": timestamp(record.updated_at),
        "archived_at": timestamp(record.archived_at),
    }


def link_json(link: AgreementSource | Row) -> dict[str, Any]:
    """An agreement–source link (the entity, or a row of its columns: queries/links.links_by_agreement)."""
    return {
        "agreement_id": link.agreement_id,
        "source_id": link.source_id,
        "note": link.note,
        "created_at": timestamp(link.created_at),
    }


def agreement_input(record: Agreement) -> dict[str, Any]:
    """The writable fields of an agreement, as a PUT body would give them."""
    return agreement_contract.input_json(record)


def agreement_json(agreement: Agreement, links: Sequence[AgreementSource | Row]) -> dict[str, Any]:
    """An agreement with its parties (and their roles), sector slugs and source links."""
    parties = [
        {
            "party_id": link.party_id,
            "name": link.party.name,
            "country_code": link.party.country_code,
            "role": link.role.value,
        }
        for link in agreement.party_links
    ]
    return {
        **common(agreement),
        **agreement_input(agreement),
        "parties": parties,
        "sources": [link_json(link) for link in links],
        "current_term": current_term_json(agreement),
        "evidence": agreement.evidence.value,
        "version": agreement.version,
    }


def current_term_json(agreement: Agreement) -> dict[str, Any] | None:
    """The term running today (tracker/terms.py): its number, end at its precision and decision date; or null."""
    term = current_term(terms_of(agreement), local_today())
    if term is None:
        return None
    return {"number": term.number, "end": term.end.iso(), "decision_on": term.decision_on.isoformat()}


def party_input(party: Party) -> dict[str, Any]:
    """The writable fields of a party."""
    return {
        "name": party.name,
        "kind": party.kind.value,
        "country_code": party.country_code,
        "parent_id": party.parent_id,
        "aliases": [alias.alias for alias in party.aliases],
        "notes": party.notes,
    }


def party_json(party: Party) -> dict[str, Any]:
    """A party with its other names."""
    return {**common(party), **party_input(party), "version": party.version}


def source_input(source: Source) -> dict[str, Any]:
    """The writable fields of a source."""
    return {
        "title": source.title,
        "url": source.url,
        "kind": source.kind.value,
        "outlet": source.outlet,
        "author": source.author,
        "published_on": source.published_on.isoformat() if source.published_on else None,
        "language": source.language,
        "excerpt": source.excerpt,
    }


def source_json(source: Source) -> dict[str, Any]:
    """A source with its links to agreements and their notes."""
    return {
        **common(source),
        **source_input(source),
        "published_at": timestamp(source.published_at),
        "canonical_url": source.canonical_url,
        "links": [link_json(link) for link in sorted(source.agreement_links, key=lambda link: link.agreement_id)],
        "version": source.version,
    }


def sector_input(sector: Sector) -> dict[str, Any]:
    """The writable fields of a sector."""
    return {
        "name": sector.name,
        "slug": sector.slug,
        "description": sector.description,
        "keywords": [line for line in sector.keywords.splitlines() if line.strip()],
    }


def sector_json(sector: Sector) -> dict[str, Any]:
    """A sector of the vocabulary."""
    return {**common(sector), **sector_input(sector)}


def page_json(page: Page, items: list[dict[str, Any]]) -> dict[str, Any]:
    """The list envelope: the items of one page and the total."""
    envelope = {"items": items, "total": page.total, "page": page.page, "per_page": page.per_page, "pages": page.pages}
    return envelope | {"total_is_lower_bound": page.total_is_lower_bound, "ordered_by_update": page.ordered_by_update}


def version_etag(version: int) -> str:
    """The ETag of a versioned record: W/"<version>"."""
    return f'W/"{version}"'


def content_etag(representation: dict[str, Any]) -> str:
    """The ETag of a record without a version (sectors, links): a digest of its representation."""
    digest = hashlib.sha256(json.dumps(representation, sort_keys=True).encode()).hexdigest()[:20]
    return f'W/"{digest}"'
