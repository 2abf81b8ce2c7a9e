"""The archive: archived records with who archived them when, restoring them, and opening archived pages.

"Delete" buttons archive (see tracker/archiving.py); editors and admins may still open an archived record's
page, viewers get 404 as if it were gone; only admins restore.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy.orm import Session

from tracker.archiving import WITH_ARCHIVED
from tracker.db import get_session
from tracker.errors import TrackerError
from tracker.http.archived import live_or_archived
from tracker.i18n import _
from tracker.models import Agreement, ArchivableMixin, Document, Party, Sector, Source
from tracker.queries.archive import archive_listing
from tracker.services import agreements, documents, parties, sectors, sources
from tracker.services.archive import already_archived, record_label

bp = Blueprint("archive", __name__)

R = TypeVar("R", bound=ArchivableMixin)


def get_any_or_404(session: Session, model: type[R], record_id: int) -> R:
    """Load a record by primary key, archived or not, or answer 404."""
    record = session.get(model, record_id, execution_options=WITH_ARCHIVED)
    if record is None:
        abort(404)
    return record


def detail_or_404(load: Callable[..., R | None], record_id: int) -> R:
    """A record's page data: a live record for everyone, an archived one only for those who see the archive."""
    record = live_or_archived(get_session(), load, record_id)
    if record is None:
        abort(404)
    return record


def render_confirmation(template: str, record: ArchivableMixin, **context: Any) -> Any:
    """An "Archive …?" page, which changes nothing; for a record archived already it says so, with 409."""
    error = already_archived(record) if record.is_archived else None
    return render_template(template, error=error, **context), error.status_code if error else 200


@bp.get("/archive")
def index():
    """Archived agreements, parties, sources, sectors and documents, with who archived them when."""
    return render_template("archive/index.html", listing=archive_listing(get_session()))


@bp.post("/agreements/<id:agreement_id>/restore")
def restore_agreement(agreement_id: int):
    """Restore an archived agreement whose parties, sectors and sources are live."""
    page = url_for("agreements.detail", agreement_id=agreement_id)
    return restore(Agreement, agreement_id, agreements.restore_agreement, page)


@bp.post("/parties/<id:party_id>/restore")
def restore_party(party_id: int):
    """Restore an archived party whose parent is live."""
    return restore(Party, party_id, parties.restore_party, url_for("parties.detail", party_id=party_id))


@bp.post("/sources/<id:source_id>/restore")
def restore_source(source_id: int):
    """Restore an archived source."""
    return restore(Source, source_id, sources.restore_source, url_for("sources.detail", source_id=source_id))


@bp.post("/sectors/<id:sector_id>/restore")
def restore_sector(sector_id: int):
    """Restore an archived sector to the vocabulary."""
    return restore(Sector, sector_id, sectors.restore_sector, url_for("sectors.index"))


@bp.post("/documents/<id:document_id>/restore")
def restore_document(document_id: int):
    """Restore an archived document of a live agreement to its list and search text."""
    document = get_any_or_404(get_session(), Document, document_id)
    page = url_for("agreements.detail", agreement_id=document.agreement_id, _anchor="documents")
    return restore(Document, document_id, documents.restore_document, page)


def restore(model: type[R], record_id: int, service: Callable[[Session, R], None], page: str) -> Any:
    """Run a restore service; then back to the archive (`next=archive`) or to the restored record's page."""
    session = get_session()
    record = get_any_or_404(session, model, record_id)
    label = record_label(record)
    try:
        service(session, record)
    except TrackerError as error:
        session.rollback()
        return render_template("archive/refused.html", error=error, label=label), error.status_code
    session.commit()
    flash(str(_("“%(name)s” restored.", name=label)), "success")
    return redirect(url_for("archive.index") if request.values.get("next") == "archive" else page)
