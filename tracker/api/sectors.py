"""API: the sector vocabulary, every sector by name (no filters); changed by admins through the resource kit.

Sectors carry no version: their ETag is a digest of the representation, and a change locks the row.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from tracker.api.codecs import sector_data
from tracker.api.helpers import page_args, page_of_list
from tracker.api.representations import sector_input, sector_json
from tracker.api.resources import Records, register
from tracker.models import Sector
from tracker.queries.pagination import Page
from tracker.queries.sectors import all_sectors
from tracker.services import sectors as service


def sector_listing(session: Session) -> Page:
    """One page of the whole vocabulary."""
    page, per_page = page_args()
    return page_of_list(list(all_sectors(session)), page, per_page)


register(
    Records(
        name="sector",
        plural="sectors",
        path="/sectors",
        model=Sector,
        schema="SectorInput",
        service=service,
        decode=sector_data,
        represent=sector_json,
        current_input=sector_input,
        listing=sector_listing,
        versioned=False,
    )
)
