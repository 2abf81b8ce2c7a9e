"""API codecs: a validated JSON body as the data class a service takes."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from tracker.api.problems import ApiError, field_error
from tracker.dates import PartialDate, PartialDateError
from tracker.i18n import _
from tracker.models import AgreementStatus, InstrumentType, PartyKind, PartyRole, RenewalIntent, SourceKind
from tracker.queries.sectors import all_sectors
from tracker.services.agreements import AgreementData
from tracker.services.parties import PartyData
from tracker.services.sectors import SectorData
from tracker.services.sources import SourceData


def agreement_data(session: Session, body: dict[str, Any]) -> AgreementData:
    """A validated body as the service's input; sectors by slug become ids."""
    return AgreementData(
        title=body["title"],
        title_local=body.get("title_local", ""),
        instrument_type=InstrumentType(body["instrument_type"]),
        status=AgreementStatus(body["status"]),
        renewal_intent=RenewalIntent(body.get("renewal_intent", RenewalIntent.NONE.value)),
        summary=body.get("summary", ""),
        notes=body.get("notes", ""),
        signed=partial_date(body, "signed"),
        start=partial_date(body, "start"),
        end=partial_date(body, "end"),
        sector_ids=sector_ids(session, body.get("sectors", [])),
        parties=[(int(row["party_id"]), PartyRole(row["role"])) for row in body.get("parties", [])],
    )


def partial_date(body: dict[str, Any], name: str) -> PartialDate | None:
    """A partial date field; blank or null is unknown; an impossible date is a 422 naming the field."""
    text = body.get(name)
    if not text:
        return None
    try:
        return PartialDate.parse(text)
    except PartialDateError as exc:
        raise ApiError(422, str(exc), [field_error(name, exc)]) from exc


def sector_ids(session: Session, slugs: list[str]) -> list[int]:
    """The ids of the live sectors with these slugs; 422 naming the first unknown one."""
    ids = {sector.slug: sector.id for sector in all_sectors(session)}
    unknown = [slug for slug in slugs if slug not in ids]
    if unknown:
        message = _("There is no sector with the slug “%(slug)s”.", slug=unknown[0])
        raise ApiError(422, str(message), [field_error("sectors", message)])
    return [ids[slug] for slug in dict.fromkeys(slugs)]


def party_data(body: dict[str, Any]) -> PartyData:
    """A validated body as the service's input."""
    parent_id = body.get("parent_id")
    return PartyData(
        name=body["name"],
        kind=PartyKind(body["kind"]),
        country_code=body.get("country_code") or None,
        parent_id=int(parent_id) if parent_id is not None else None,
        aliases=body.get("aliases", []),
        notes=body.get("notes", ""),
    )


def source_data(body: dict[str, Any]) -> SourceData:
    """A validated body as the service's input."""
    return SourceData(
        title=body["title"],
        url=body.get("url") or "",
        kind=SourceKind(body.get("kind", SourceKind.NEWS_ARTICLE.value)),
        outlet=body.get("outlet", ""),
        author=body.get("author", ""),
        published_on=day(body.get("published_on")),
        language=body.get("language", ""),
        excerpt=body.get("excerpt", ""),
    )


def day(text: str | None) -> date | None:
    """A full date "YYYY-MM-DD" (already in that form); a day that does not exist is a 422."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        message = _("That day does not exist.")
        raise ApiError(422, str(message), [field_error("published_on", message)]) from exc


def sector_data(body: dict[str, Any]) -> SectorData:
    """A validated body as the service's input."""
    return SectorData(
        name=body["name"],
        slug=body.get("slug", ""),
        description=body.get("description", ""),
        keywords=body.get("keywords", []),
    )
