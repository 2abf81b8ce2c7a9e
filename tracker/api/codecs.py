"""API codecs: a validated JSON body as the data class a service takes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tracker.api.problems import ApiError, field_error
from tracker.records import agreement as agreement_contract
from tracker.records.agreement import AgreementData
from tracker.records.codec import from_json
from tracker.records.party import PartyData
from tracker.records.problems import InvalidRecord
from tracker.records.sector import SectorData
from tracker.records.source import SourceData


def agreement_data(body: dict[str, Any]) -> AgreementData:
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
    return decoded(lambda valid: from_json(PartyData, valid), body)


def source_data(body: dict[str, Any]) -> SourceData:
    """A validated body as the service's input; a day that does not exist is a 422."""
    return decoded(lambda valid: from_json(SourceData, valid), body)


def sector_data(body: dict[str, Any]) -> SectorData:
    """A validated body as the service's input."""
    return decoded(lambda valid: from_json(SectorData, valid), body)
