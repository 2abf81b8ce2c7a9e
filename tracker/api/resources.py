"""The API's CRUD handlers, one kit for every resource: list, read, create, replace or patch, delete, restore.

A resource module declares what is its own (a `Records` for an archivable record type, or its own class with the
same steps, as links have) and registers it; the kit adds its routes to the API blueprint under the endpoint names
`list_<plural>`, `get_<name>`, `create_<name>`, `update_<name>`, `<delete_verb>_<name>` and `restore_<name>`, so
that every resource reads bodies, honours If-Match, commits and answers alike.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Protocol

from flask import Response, json, request, url_for
from sqlalchemy.orm import Session

from tracker.api.blueprint import bp
from tracker.api.bodies import read_input, read_patch
from tracker.api.helpers import json_response, load, no_content, not_found, require_if_match
from tracker.api.representations import content_etag, page_json, version_etag
from tracker.archiving import WITH_ARCHIVED
from tracker.db import get_session
from tracker.http.archived import sees_archived
from tracker.http.fragments import kept
from tracker.queries.pagination import Page

Json = dict[str, Any]


class Resource(Protocol):
    """What the kit asks of a resource; URL arguments (`party_id`, …) are passed on as keywords."""

    name: str  # endpoints get_<name>, create_<name>, …
    plural: str  # endpoint list_<plural>
    path: str  # the list's URL, where POST creates
    item_path: str  # one record's URL
    schema: str  # the OpenAPI schema of a body that creates
    update_schema: str  # … and of one that replaces (PUT) or, merged into the record's input, patches
    delete_verb: str  # "archive", or "delete" for what is deleted for good
    restorable: bool

    def list_page(self, session: Session, **parent: int) -> tuple[Page, list[Json]]: ...
    def read(self, session: Session, **ids: int) -> Any: ...
    def for_change(self, session: Session, **ids: int) -> Any: ...
    def for_removal(self, session: Session, **ids: int) -> Any: ...
    def parent(self, session: Session, **parent: int) -> Any: ...
    def create(self, session: Session, body: Json, parent: Any) -> Any: ...
    def update(self, session: Session, record: Any, body: Json) -> None: ...
    def delete(self, session: Session, record: Any) -> None: ...
    def restore(self, session: Session, record: Any) -> None: ...  # only if restorable
    def represent(self, record: Any) -> Json: ...
    def current_input(self, record: Any) -> Json: ...
    def etag(self, record: Any) -> str: ...
    def key(self, record: Any) -> dict[str, int]: ...


@dataclass(frozen=True)
class Records:
    """An archivable record type with an id: the declaration of what is its own, and the kit's steps made from it.

    Versioned records are changed over the version If-Match names; the others (sectors) carry no version, so their
    ETag is a digest of the representation and their row is locked for a change.
    """

    name: str
    plural: str
    path: str
    model: type[Any]
    schema: str
    # create_<name>, update_<name>, archive_<name>, restore_<name>, looked up at each call (a stand-in counts)
    service: ModuleType
    decode: Callable[[Json], Any]  # a validated body as the data class the service takes (tracker/api/codecs.py)
    represent: Callable[[Any], Json]
    current_input: Callable[[Any], Json]  # the writable fields as a PUT body gives them
    listing: Callable[[Session], Page]  # one page of the records the query string asks for
    detail: Callable[..., Any] | None = None  # the detail query; None: the row alone
    represent_page: Callable[[Session, Sequence[Any]], list[Json]] | None = None  # a page's items, in bulk
    versioned: bool = True
    # The list's answers are kept per data version and query (tracker/http/fragments.py): a list read often.
    kept_list: bool = False
    delete_verb = "archive"
    restorable = True

    @property
    def item_path(self) -> str:
        """One record's URL."""
        return f"{self.path}/<id:{self.name}_id>"

    @property
    def update_schema(self) -> str:
        """A replacing body is checked as a creating one."""
        return self.schema

    def list_page(self, session: Session) -> tuple[Page, list[Json]]:
        """One page of records and their representations."""
        page = self.listing(session)
        if self.represent_page is not None:
            return page, self.represent_page(session, page.items)
        return page, [self.represent(record) for record in page.items]

    def read(self, session: Session, **ids: int) -> Any:
        """The record as GET shows it: live for everyone, archived too for those who see the archive; or 404."""
        if self.detail is not None:
            return load(session, self.detail, self.id_of(ids))
        return self.row(session, self.id_of(ids), archived_too=sees_archived())

    def for_change(self, session: Session, **ids: int) -> Any:
        """The live record to replace or patch; or 404."""
        if self.detail is not None:
            return load(session, self.detail, self.id_of(ids), archived_too=False)
        return self.row(session, self.id_of(ids), archived_too=False, lock=not self.versioned)

    def for_removal(self, session: Session, **ids: int) -> Any:
        """The record to archive or restore, archived or not; or 404."""
        return self.row(session, self.id_of(ids), archived_too=True, lock=not self.versioned)

    def row(self, session: Session, record_id: int, archived_too: bool, lock: bool = False) -> Any:
        """The record's row, archived ones too if asked, locked if asked (a change no version guards); or 404."""
        options = WITH_ARCHIVED if archived_too else {}
        record = session.get(self.model, record_id, execution_options=options, with_for_update=lock or None)
        if record is None:
            raise not_found()
        return record

    def id_of(self, ids: dict[str, int]) -> int:
        """The record's id among the URL arguments."""
        return ids[f"{self.name}_id"]

    def parent(self, session: Session) -> None:
        """Top-level records are created under nothing."""
        return None

    def create(self, session: Session, body: Json, parent: None) -> Any:
        """Store a new record."""
        return self.operation("create")(session, self.decode(body))

    def update(self, session: Session, record: Any, body: Json) -> None:
        """Store the record as the body gives it, over the version read when versioned."""
        version = (record.version,) if self.versioned else ()
        self.operation("update")(session, record, self.decode(body), *version)

    def delete(self, session: Session, record: Any) -> None:
        """Archive the record."""
        self.operation("archive")(session, record)

    def restore(self, session: Session, record: Any) -> None:
        """Restore the archived record."""
        self.operation("restore")(session, record)

    def operation(self, verb: str) -> Callable[..., Any]:
        """The service's function for a verb, e.g. `create_party`."""
        return getattr(self.service, f"{verb}_{self.name}")

    def etag(self, record: Any) -> str:
        """The version, or a digest of the representation for records without one."""
        return version_etag(record.version) if self.versioned else content_etag(self.represent(record))

    def key(self, record: Any) -> dict[str, int]:
        """The record's URL arguments."""
        return {f"{self.name}_id": record.id}


def register(resource: Resource) -> None:
    """Add the resource's routes to the API blueprint."""
    name, item = resource.name, resource.item_path
    route(resource.path, f"list_{resource.plural}", ["GET"], list_records, resource)
    route(item, f"get_{name}", ["GET"], get_record, resource)
    route(resource.path, f"create_{name}", ["POST"], create_record, resource)
    route(item, f"update_{name}", ["PUT", "PATCH"], update_record, resource)
    route(item, f"{resource.delete_verb}_{name}", ["DELETE"], delete_record, resource)
    if resource.restorable:
        route(f"{item}/restore", f"restore_{name}", ["POST"], restore_record, resource)


def route(path: str, endpoint: str, methods: list[str], handler: Callable[..., Response], resource: Resource) -> None:
    """One URL rule of the API blueprint served by a handler of the kit for this resource."""
    bp.add_url_rule(path, endpoint, functools.partial(handler, resource), methods=methods)


def list_records(resource: Resource, **parent: int) -> Response:
    """One page of the resource's records, with the total."""
    session = get_session()
    if not getattr(resource, "kept_list", False):  # only Records declare it
        page, items = resource.list_page(session, **parent)
        return json_response(page_json(page, items))
    text, status = kept(session, f"api.{resource.plural}", lambda: (list_text(resource, session, parent), 200))
    return Response(text, status=status, mimetype="application/json")


def list_text(resource: Resource, session: Session, parent: dict[str, int]) -> str:
    """One page of the resource's records with the total, as JSON text (a refused query raises its problem)."""
    page, items = resource.list_page(session, **parent)
    return json.dumps(page_json(page, items))


def get_record(resource: Resource, **ids: int) -> Response:
    """One record; archived ones only for editors and admins."""
    return respond(resource, resource.read(get_session(), **ids))


def create_record(resource: Resource, **parent: int) -> Response:
    """Record a new one (under its parent, looked up before the body is read)."""
    session = get_session()
    owner = resource.parent(session, **parent)
    record = resource.create(session, read_input(resource.schema), owner)
    session.commit()
    location = url_for(f".get_{resource.name}", **resource.key(record))
    return respond(resource, record, status=201, location=location)


def update_record(resource: Resource, **ids: int) -> Response:
    """Replace (PUT) or change some fields of (PATCH) a live record, if it is as If-Match names it."""
    session = get_session()
    record = resource.for_change(session, **ids)
    require_if_match(resource.etag(record))
    if request.method == "PATCH":
        body = read_patch(resource.current_input(record), resource.update_schema)
    else:
        body = read_input(resource.update_schema)
    resource.update(session, record, body)
    session.commit()
    return respond(resource, record)


def delete_record(resource: Resource, **ids: int) -> Response:
    """Archive a record (what "delete" does everywhere; an admin can restore it), or delete what is not kept."""
    session = get_session()
    record = resource.for_removal(session, **ids)
    require_if_match(resource.etag(record))
    resource.delete(session, record)
    session.commit()
    return no_content()


def restore_record(resource: Resource, **ids: int) -> Response:
    """Restore an archived record (If-Match honoured if sent); the answer shows it as GET does."""
    session = get_session()
    record = resource.for_removal(session, **ids)
    if request.headers.get("If-Match"):
        require_if_match(resource.etag(record))
    resource.restore(session, record)
    session.commit()
    return respond(resource, resource.read(session, **ids))


def respond(resource: Resource, record: Any, status: int = 200, location: str | None = None) -> Response:
    """The record's representation with its ETag."""
    return json_response(resource.represent(record), status, etag=resource.etag(record), location=location)
