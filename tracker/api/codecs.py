"""API codecs: a validated JSON body as the data class a service takes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from tracker.api.problems import ApiError, field_error
from tracker.i18n import _
from tracker.models import PartyKind, SourceKind
from tracker.records import agreement as agreement_contract
from tracker.records.agreement import AgreementData
from tracker.records.party import PartyData
from tracker.records.problems import InvalidRecord
from tracker.records.sector import SectorData
from tracker.records.source import SourceData


def agreement_data(session: Session, body: dict[str, Any]) -> AgreementData:
    """A validated body as the service's input (sectors stay slugs: the service looks them up)."""
    return decoded(agreement_contract.from_json, body)


def decoded(decode: Callable[[dict[str, Any]], Any], body: dict[str, Any]) -> Any:
    """The record contract's reading of a body; its problems as a 422 naming each field."""
    try:
        return decode(body)
    except InvalidRecord as error:
        errors = [field_error(problem.field, problem.message) for problem in error.problems]
        raise ApiError(422, str(error.message), errors) from error


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
