"""API: the sector vocabulary — list, read, and for admins create, replace or patch, archive, restore."""

from __future__ import annotations

from flask import request, url_for
from sqlalchemy.orm import Session

from tracker.api.blueprint import bp
from tracker.api.bodies import read_input, read_patch
from tracker.api.codecs import sector_data
from tracker.api.helpers import (
    json_response,
    no_content,
    not_found,
    page_args,
    page_of_list,
    require_if_match,
)
from tracker.api.representations import content_etag, page_json, sector_input, sector_json
from tracker.archiving import WITH_ARCHIVED
from tracker.db import get_session
from tracker.http.archived import sees_archived
from tracker.models import Sector
from tracker.queries.sectors import all_sectors
from tracker.services import sectors as service


@bp.get("/sectors")
def list_sectors():
    """Every sector by name, one page with the total (the vocabulary has no filters)."""
    page, per_page = page_args()
    result = page_of_list(list(all_sectors(get_session())), page, per_page)
    return json_response(page_json(result, [sector_json(sector) for sector in result.items]))


@bp.get("/sectors/<id:sector_id>")
def get_sector(sector_id: int):
    """One sector; archived ones only for editors and admins."""
    sector = session_sector(get_session(), sector_id, archived_too=sees_archived())
    return sector_response(sector)


@bp.post("/sectors")
def create_sector():
    """Add a sector to the vocabulary."""
    session = get_session()
    sector = service.create_sector(session, sector_data(read_input("SectorInput")))
    session.commit()
    return sector_response(sector, status=201, location=url_for(".get_sector", sector_id=sector.id))


@bp.route("/sectors/<id:sector_id>", methods=["PUT", "PATCH"])
def update_sector(sector_id: int):
    """Replace (PUT) or change some fields of (PATCH) a live sector, if it is as If-Match names it."""
    session = get_session()
    sector = session_sector(session, sector_id, archived_too=False, lock=True)
    require_if_match(content_etag(sector_json(sector)))
    current = sector_input(sector)
    body = read_patch(current, "SectorInput") if request.method == "PATCH" else read_input("SectorInput")
    service.update_sector(session, sector, sector_data(body))
    session.commit()
    return sector_response(sector)


@bp.delete("/sectors/<id:sector_id>")
def archive_sector(sector_id: int):
    """Archive a sector no live agreement uses; an admin can restore it."""
    session = get_session()
    sector = session_sector(session, sector_id, archived_too=True, lock=True)
    require_if_match(content_etag(sector_json(sector)))
    service.archive_sector(session, sector)
    session.commit()
    return no_content()


@bp.post("/sectors/<id:sector_id>/restore")
def restore_sector(sector_id: int):
    """Restore an archived sector (If-Match honoured if sent)."""
    session = get_session()
    sector = session_sector(session, sector_id, archived_too=True, lock=True)
    if request.headers.get("If-Match"):
        require_if_match(content_etag(sector_json(sector)))
    service.restore_sector(session, sector)
    session.commit()
    return sector_response(sector)


def session_sector(session: Session, sector_id: int, archived_too: bool, lock: bool = False) -> Sector:
    """A sector, archived ones too if asked, locked for a change if asked (sectors carry no version); or 404."""
    options = WITH_ARCHIVED if archived_too else {}
    sector = session.get(Sector, sector_id, execution_options=options, with_for_update=lock or None)
    if sector is None:
        raise not_found()
    return sector


def sector_response(sector: Sector, status: int = 200, location: str | None = None):
    """The sector's representation with its ETag (a digest: sectors carry no version)."""
    data = sector_json(sector)
    return json_response(data, status, etag=content_etag(data), location=location)
