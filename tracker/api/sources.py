"""API: sources — list with the source list's filters, read, create, replace or patch, archive, restore."""

from __future__ import annotations

from flask import request, url_for
from sqlalchemy.orm import Session

from tracker.api.blueprint import bp
from tracker.api.bodies import read_input, read_patch
from tracker.api.codecs import source_data
from tracker.api.helpers import (
    form_problem,
    json_response,
    load,
    no_content,
    not_found,
    page_args,
    requested_page,
    require_if_match,
)
from tracker.api.representations import page_json, source_input, source_json, version_etag
from tracker.archiving import WITH_ARCHIVED
from tracker.db import get_session
from tracker.forms.sources import SourceQueryForm
from tracker.models import Source
from tracker.queries.sources import source_detail, source_list
from tracker.services import sources as service


@bp.get("/sources")
def list_sources():
    """Sources matching the source list's filters (q, outlet, language, year, sort), one page with the total."""
    form = SourceQueryForm(formdata=request.args)
    if not form.validate():
        raise form_problem(form)
    page, per_page = page_args()
    result = requested_page(source_list(get_session(), form.filters(), page=page, per_page=per_page), page)
    return json_response(page_json(result, [source_json(source) for source in result.items]))


@bp.get("/sources/<id:source_id>")
def get_source(source_id: int):
    """One source with its links; archived ones only for editors and admins."""
    return source_response(load(get_session(), source_detail, source_id))


@bp.post("/sources")
def create_source():
    """Record a new source; a URL already known is a 409 naming the source that has it (`existing_id`)."""
    session = get_session()
    source = service.create_source(session, source_data(read_input("SourceInput")))
    session.commit()
    return source_response(source, status=201, location=url_for(".get_source", source_id=source.id))


@bp.route("/sources/<id:source_id>", methods=["PUT", "PATCH"])
def update_source(source_id: int):
    """Replace (PUT) or change some fields of (PATCH) a live source, over the version If-Match names."""
    session = get_session()
    source = load(session, source_detail, source_id, archived_too=False)
    require_if_match(version_etag(source.version))
    current = source_input(source)
    body = read_patch(current, "SourceInput") if request.method == "PATCH" else read_input("SourceInput")
    service.update_source(session, source, source_data(body), source.version)
    session.commit()
    return source_response(source)


@bp.delete("/sources/<id:source_id>")
def archive_source(source_id: int):
    """Archive a source no live agreement cites; an admin can restore it."""
    session = get_session()
    source = any_source(session, source_id)
    require_if_match(version_etag(source.version))
    service.archive_source(session, source)
    session.commit()
    return no_content()


@bp.post("/sources/<id:source_id>/restore")
def restore_source(source_id: int):
    """Restore an archived source (If-Match honoured if sent)."""
    session = get_session()
    source = any_source(session, source_id)
    if request.headers.get("If-Match"):
        require_if_match(version_etag(source.version))
    service.restore_source(session, source)
    session.commit()
    return source_response(source)


def any_source(session: Session, source_id: int) -> Source:
    """A source, archived or not, or 404."""
    source = session.get(Source, source_id, execution_options=WITH_ARCHIVED)
    if source is None:
        raise not_found()
    return source


def source_response(source: Source, status: int = 200, location: str | None = None):
    """The source's representation with its ETag."""
    return json_response(source_json(source), status, etag=version_etag(source.version), location=location)
