"""Domain errors raised by services and turned into 4xx responses by the boundary."""

from __future__ import annotations


class TrackerError(Exception):
    """Base of all domain errors; `field` names the form field the message belongs next to."""

    status_code = 400

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationError(TrackerError):
    """Input breaks a rule of the domain."""

    status_code = 422


class DuplicateError(TrackerError):
    """The record would duplicate one that exists."""

    status_code = 409


class InUseError(TrackerError):
    """The record cannot be archived because live records use it."""

    status_code = 409


class NotFoundError(TrackerError):
    """No record with that id."""

    status_code = 404


class ConflictError(TrackerError):
    """Someone else saved the record after the user loaded it; nothing was saved."""

    status_code = 409


class StateError(TrackerError):
    """The record is not in a state that allows the action: archiving an archived record, restoring a live one."""

    status_code = 409


class ForbiddenError(TrackerError):
    """The user may see the record but not change it (someone else's shared saved query)."""

    status_code = 403
