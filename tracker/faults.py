"""Database faults: which failures mean "nothing was saved, try again" rather than a bug, for every boundary.

Two kinds, both answered with 503 and Retry-After by the pages and the API, and with a message and exit
status 1 by the commands; anything else a driver raises is a bug and stays a 500 with its traceback.

- busy: the database cancelled the transaction because of other transactions (PostgreSQL 40001/40P01,
  SQLite's lock timeout). Such a transaction may well go through when run again, so the pages rerun the
  view first (tracker/http/transactions.py); what reaches the user is what is left after the attempts.
- unavailable: the database cannot take writes, or cannot be reached at all: its disk is full, it is
  read-only, the connection was lost or the server is shutting down or starting, an I/O error, a database
  file that cannot be opened. Running the view again at once would meet the same fault, so it is not rerun;
  reads keep working where the database still answers them (a full disk, a read-only database).

A disk that is full or read-only for the files the app keeps beside the database (uploads waiting for their
import) is the same fault for the user, so those OSErrors are classified too.
"""

from __future__ import annotations

import errno
import functools
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import click
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session

from tracker.i18n import _

log = logging.getLogger("tracker.db")

# Seconds a client is asked to wait (Retry-After): other transactions pass quickly, an outage needs a person or
# a restart.
BUSY_RETRY_AFTER = 2
UNAVAILABLE_RETRY_AFTER = 30
# Marks a command callback that guarded() wraps already.
GUARDED = "tracker_guards_faults"
# serialization_failure, deadlock_detected
RETRY_SQLSTATES = frozenset({"40001", "40P01"})
# SQLite's primary result codes (the low byte of the extended code) that mean the database cannot take a write.
SQLITE_UNAVAILABLE = {
    sqlite3.SQLITE_READONLY: "read-only",
    sqlite3.SQLITE_FULL: "disk full",
    sqlite3.SQLITE_IOERR: "I/O error",
    sqlite3.SQLITE_CANTOPEN: "cannot open the database file",
    sqlite3.SQLITE_PERM: "permission denied",
}
# PostgreSQL SQLSTATEs, exact or by their first characters (the class, or a class's subgroup); the first match wins.
POSTGRES_UNAVAILABLE = {
    "25006": "read-only",  # read_only_sql_transaction: default_transaction_read_only, a hot standby
    "08": "connection lost",  # connection_exception and its subclasses
    "53100": "disk full",
    "53": "out of resources",  # insufficient_resources: out of memory, too many connections...
    "57P0": "server shutting down or starting",  # admin_shutdown, crash_shutdown, cannot_connect_now
    "58030": "I/O error",
}
# OSErrors of the files the app keeps: no space, over quota, a read-only file system, over a file-size limit.
DISK_ERRNOS = {
    errno.ENOSPC: "disk full",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "read-only file system",
    errno.EFBIG: "file size limit",
}


@dataclass(frozen=True)
class Fault:
    """What went wrong, in words for the user, the API's problem type and the log."""

    kind: str  # "busy" or "unavailable", also the slug of the API's problem type
    reason: str  # for the log: "disk full", "read-only", "connection lost"...
    retry_after: int  # seconds, for the Retry-After header

    @property
    def title(self) -> str:
        """The page's heading and the problem's title."""
        return str(_("The database is busy") if self.kind == "busy" else _("The database is unavailable"))

    def message(self, writing: bool = True) -> str:
        """What happened and what to do; a read that failed is told apart from a write that was not saved."""
        if self.kind == "busy":
            return str(
                _("Nothing was saved because the database was busy with other changes. Wait a moment and try again.")
            )
        if writing:
            return str(
                _(
                    "Nothing was saved: the database cannot save changes at the moment. "
                    "Try again later; if this goes on, tell the administrator."
                )
            )
        return str(
            _(
                "This page cannot be shown: the database cannot be reached at the moment. "
                "Try again later; if this goes on, tell the administrator."
            )
        )


def is_transient(error: BaseException) -> bool:
    """Whether the database cancelled the transaction for a reason that a later attempt may not meet."""
    if not isinstance(error, DBAPIError):
        return False
    driver_error = error.orig
    if getattr(driver_error, "sqlstate", None) in RETRY_SQLSTATES:
        return True
    if not isinstance(driver_error, sqlite3.OperationalError):
        return False
    # The primary code is the low byte; SQLITE_BUSY_SNAPSHOT and friends are extended codes of SQLITE_BUSY.
    code = getattr(driver_error, "sqlite_errorcode", None)
    return code is not None and code & 0xFF == sqlite3.SQLITE_BUSY


def unavailable_reason(error: BaseException) -> str | None:
    """Why the database (or the disk beside it) cannot take this request's work; None when that is not the case."""
    if isinstance(error, OSError):
        return DISK_ERRNOS.get(error.errno or 0)
    if not isinstance(error, DBAPIError):
        return None
    if error.connection_invalidated:
        return "connection lost"
    driver_error = error.orig
    if isinstance(driver_error, sqlite3.Error):
        code = getattr(driver_error, "sqlite_errorcode", None)
        return None if code is None else SQLITE_UNAVAILABLE.get(code & 0xFF)
    sqlstate = getattr(driver_error, "sqlstate", None)
    if sqlstate is None:
        # A client-side failure with no answer from the server: the connection could not be made or broke off.
        return "connection lost" if isinstance(error, OperationalError | InterfaceError) else None
    return next((reason for prefix, reason in POSTGRES_UNAVAILABLE.items() if sqlstate.startswith(prefix)), None)


def classify(error: BaseException) -> Fault | None:
    """The fault an exception stands for, or None for an exception that is a bug."""
    if is_transient(error):
        return Fault("busy", "busy", BUSY_RETRY_AFTER)
    reason = unavailable_reason(error)
    return Fault("unavailable", reason, UNAVAILABLE_RETRY_AFTER) if reason else None


def release(session: Session | None, fault: Fault) -> None:
    """End the transaction without another round trip that could fail the same way; loaded objects stay readable.

    Closing detaches the loaded objects as they are, where a rollback would expire them and the error page would
    load the signed-in user again from the database that just failed. An unavailable database also has its
    connections invalidated: one the fault left broken (or idle in a dead transaction) is discarded, not rolled
    back, and the pool opens a fresh one for the next request.
    """
    if session is None:
        return
    if fault.kind == "unavailable":
        session.invalidate()
    else:
        session.close()


def driver_message(error: BaseException) -> str:
    """The driver's own words for the log and the terminal, on one line."""
    detail = error.orig if isinstance(error, DBAPIError) else error
    return " ".join(str(detail).split())


def guard_commands(group: click.Group) -> None:
    """Make every command of the group answer a database fault with a message and exit status 1, not a traceback."""
    for command in group.commands.values():
        # Commands are module-level objects that every app built in a process shares: wrap each one once.
        if command.callback is not None and not getattr(command.callback, GUARDED, False):
            command.callback = guarded(command.callback)


def guarded(callback: Callable[..., Any]) -> Callable[..., Any]:
    """A command's callback whose database faults become a ClickException ("Error: ..." and exit status 1)."""

    @functools.wraps(callback)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return callback(*args, **kwargs)
        except DBAPIError as error:
            fault = classify(error)
            if fault is None:
                raise
            what = "busy" if fault.kind == "busy" else f"unavailable ({fault.reason})"
            raise click.ClickException(
                f"Nothing was saved: the database is {what}: {driver_message(error)}. Try again later."
            ) from error

    setattr(wrapper, GUARDED, True)
    return wrapper
