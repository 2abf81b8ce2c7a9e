"""Export buttons: the agreements a query matches (all of them, not one page), and the parties and sources
lists, as CSV, XLSX or JSON. `?format=` picks the format; every other parameter is the list's own filter.

The file is streamed: the response starts as soon as the query is checked and its pieces follow as the rows are
read (tracker/exporting.py), so neither the worker nor a proxy waits silently for 100,000 agreements.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from urllib.parse import parse_qsl, urlencode

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import force_locale, get_locale
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from tracker import exporting, jobs
from tracker.db import get_session
from tracker.forms.agreements import AgreementQueryForm
from tracker.forms.parties import PartyQueryForm
from tracker.forms.sources import SourceQueryForm
from tracker.http.agreements import filters_from
from tracker.http.parties import party_finder
from tracker.models import Job
from tracker.queries import exports as queries
from tracker.queries.agreements import AgreementFilters, SortOrder
from tracker.queries.sectors import sector_choices
from tracker.web.jobs import submit_job
from tracker.web.list_page import refused_list_page

bp = Blueprint("exports", __name__)

INVALID_QUERY_STATUS = 400
# Parameters of a list page that an export ignores: it has every matching row.
PAGING = ("page", "per_page", "format")
# The longest list query a job keeps (the list's own filters are far shorter).
QUERY_MAX = 4000


@bp.app_template_global()
def export_url(endpoint: str, file_format: str) -> str:
    """The export of the current list with its filters, in a format."""
    args = {key: values for key, values in request.args.to_dict(flat=False).items() if key not in PAGING}
    return url_for(endpoint, **args, format=file_format)


def requested_format() -> str:
    """The `format` parameter (csv when absent); anything else is a bad request."""
    file_format = request.args.get("format", "csv")
    if file_format not in exporting.FORMATS:
        abort(400)
    return file_format


def download(pieces: Iterator[bytes], session: Session, file_format: str, stem: str) -> Response:
    """The file, streamed as it is produced, as an attachment named after the list and the day.

    Flask tears the request down when the view returns, closing its session; the pieces are produced afterwards,
    back inside the request's context (stream_with_context: the headers' language), with that session, which its
    next statement reopens. It is closed again after the last piece, or when the download is cut short.
    """
    name = f"{stem}-{date.today().isoformat()}.{file_format}"
    response = Response(
        stream_with_context(closing(pieces, session, file_format)), content_type=exporting.MIMETYPES[file_format]
    )
    response.headers.set("Content-Disposition", "attachment", filename=name)
    response.headers["X-Accel-Buffering"] = "no"  # a proxy (nginx) passes each piece on rather than collecting them
    return response


def closing(pieces: Iterator[bytes], session: Session, file_format: str) -> Iterator[bytes]:
    """The pieces, then the session closed (its connection back in the pool).

    A failure after the first piece cannot change the 200 already sent: the error is raised on to the server, which
    then cuts the connection before the chunked body's end, and the browser reports the download as failed. A JSON
    or XLSX file cut short does not open anyway (no closing bracket, no ZIP directory); a CSV file would, so it
    first gets a last line saying it is incomplete, in case a proxy ends the response as if it were whole.
    """
    try:
        yield from pieces
    except Exception:
        current_app.logger.exception("An export failed after its download had begun")
        if file_format == "csv":
            yield exporting.incomplete_line()
        raise
    finally:
        session.close()


def agreement_query_form(session: Session, args: MultiDict) -> AgreementQueryForm:
    """The agreement list's query form on `args`, with its choices, validated by the caller."""
    form = AgreementQueryForm(formdata=args)
    form.set_choices(lambda: party_finder(session), sector_choices(session))
    return form


def export_filters(form: AgreementQueryForm, args: MultiDict) -> AgreementFilters:
    """The list's filters; without a `sort` the export is by title, so that the same data gives the same file."""
    filters = filters_from(form)
    if not args.get("sort"):
        filters.sort = SortOrder.TITLE
    return filters


@bp.get("/agreements/export")
def agreements():
    """Every agreement the query string matches, as a file."""
    file_format = requested_format()
    session = get_session()
    form = agreement_query_form(session, request.args)
    if not form.validate():
        return refused_list_page(form), INVALID_QUERY_STATUS
    filters = export_filters(form, request.args)
    count = queries.agreement_count_for_export(session, filters)
    if count > current_app.config["TRACKER_EXPORT_JOB_ROWS"]:
        return render_template("exports/job.html", count=count, file_format=file_format, query=export_query())
    records = queries.agreements_for_export(session, filters)
    return download(exporting.export_agreements(records, file_format), session, file_format, "agreements")


def export_query() -> str:
    """The list's filters of the current request as a query string, without paging and format."""
    return urlencode([(key, value) for key, value in request.args.items(multi=True) if key not in PAGING])


@bp.post("/agreements/export/job")
def agreements_job():
    """Prepare a large export in the background: a job, whose page follows it to the download."""
    file_format, query = request.form.get("format", "csv"), request.form.get("query", "")
    if file_format not in exporting.FORMATS or len(query) > QUERY_MAX:
        abort(400)
    session = get_session()
    form = agreement_query_form(session, MultiDict(parse_qsl(query, keep_blank_values=True)))
    if not form.validate():  # as the direct download answers it, and no job is made
        return refused_list_page(form), INVALID_QUERY_STATUS
    parameters = {"query": query, "format": file_format, "locale": str(get_locale())}
    return submit_job(AGREEMENT_EXPORT, parameters)


AGREEMENT_EXPORT = "agreement_export"


@jobs.kind(AGREEMENT_EXPORT)
def agreement_export_job(job: Job, progress: jobs.Progress) -> str:
    """The export button's file, written by a worker: read as the button's request would be, in the user's
    language, with the job's progress counted agreement by agreement."""
    file_format = job.parameters["format"]
    query = job.parameters["query"]
    with (
        current_app.test_request_context("/agreements/export", query_string=query),
        force_locale(job.parameters["locale"]),
    ):
        session = get_session()
        form = agreement_query_form(session, request.args)
        if not form.validate():
            raise ValueError(f"The export's query cannot be read: {form.errors}")
        filters = export_filters(form, request.args)
        progress.start(queries.agreement_count_for_export(session, filters))
        records = progress.counting(queries.agreements_for_export(session, filters))
        name = f"agreements-{date.today().isoformat()}.{file_format}"
        return jobs.write_result(job, name, exporting.export_agreements(records, file_format))


@bp.get("/parties/export")
def parties():
    """Every party the list's filters match, as a file."""
    file_format = requested_format()
    form = PartyQueryForm(formdata=request.args)
    form.set_choices()
    if not form.validate():
        abort(INVALID_QUERY_STATUS)
    session = get_session()
    records = queries.parties_for_export(session, form.filters())
    return download(exporting.export_parties(records, file_format), session, file_format, "parties")


@bp.get("/sources/export")
def sources():
    """Every source the list's filters match, as a file."""
    file_format = requested_format()
    form = SourceQueryForm(formdata=request.args)
    if not form.validate():
        abort(INVALID_QUERY_STATUS)
    session = get_session()
    records = queries.sources_for_export(session, form.filters())
    return download(exporting.export_sources(records, file_format), session, file_format, "sources")
