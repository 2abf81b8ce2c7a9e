"""Importing agreements: upload, map the columns, preview (the dry run), import all or nothing, presets.

The uploaded file stays on the server (tracker/importing/storage.py) under a random token that only the
uploader can use; the preview is a GET link carrying the mapping, and the commit re-reads the stored bytes
and checks every row again in its own transaction, so nothing the browser sends back is trusted.

A file of more than TRACKER_IMPORT_JOB_ROWS rows is committed by a background job (tracker/jobs.py): the upload is
handed over to the job's folder, and the job imports it as the request would, all or nothing in one transaction,
counting rows as its progress; its page then says what was imported, or lists the rows' problems.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_login import current_user
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from tracker import jobs
from tracker.db import get_session
from tracker.errors import TrackerError
from tracker.forms.imports import CommitForm, MappingForm, PresetForm, UploadForm
from tracker.history.recorder import ACTOR
from tracker.i18n import _, _n
from tracker.importing import dry_run, import_table, run_import
from tracker.importing import presets as preset_service
from tracker.importing.fields import LIST_TARGETS
from tracker.importing.mapping import automatic, detect_built_in
from tracker.importing.plan import ImportPlan, Outcome
from tracker.importing.reading import FileFormatError, Table, read_table
from tracker.importing.storage import (
    StoredUpload,
    UploadMissing,
    discard_handed,
    discard_upload,
    hand_over,
    load_handed,
    load_upload,
    save_upload,
    sweep,
    take_back,
)
from tracker.importing.values import list_items
from tracker.models import ImportPreset, Job, User
from tracker.queries.sectors import sector_id_choices
from tracker.web.helpers import INVALID_FORM_STATUS, get_or_404

bp = Blueprint("imports", __name__, url_prefix="/import")

# How many rows the preview lists one by one (every problem is listed whatever the size).
PREVIEW_ROWS = 200
# How many problems, new parties and new sources the preview lists (the command line lists them all).
MAX_PROBLEMS = 1000
MAX_LISTED = 100
SAMPLE_ROWS = 3


@bp.url_value_preprocessor
def allow_large_upload(endpoint: str | None, _values: dict | None) -> None:
    """Let an upload be larger than other requests; set before anything reads the form (CSRF does, early)."""
    if endpoint == "imports.upload":
        request.max_content_length = current_app.config["TRACKER_IMPORT_MAX_BYTES"]


def folder() -> Path:
    """Where uploads wait for their commit."""
    return Path(current_app.config["TRACKER_IMPORT_DIR"] or Path(current_app.instance_path) / "imports")


def max_age() -> float:
    """How long an upload can wait for its commit, in seconds."""
    return current_app.config["TRACKER_IMPORT_MAX_AGE"].total_seconds()


def stored(token: str) -> StoredUpload | None:
    """The signed-in user's upload under the token; None (after saying so) when it is gone."""
    try:
        return load_upload(folder(), token, current_user.id, max_age())
    except UploadMissing:
        flash(_("This upload has expired or is not yours; upload the file again."), "warning")
        return None


def table_of(upload: StoredUpload) -> Table:
    """The stored file read again (it was readable when uploaded)."""
    return read_table(upload.data, upload.filename)


def upload_form() -> UploadForm:
    """The upload form with the presets to choose from."""
    form = UploadForm()
    form.set_choices(preset_service.preset_choices(get_session()))
    return form


@bp.get("")
def start():
    """Ask for the file and the preset; list the saved presets."""
    return render_start(upload_form())


def render_start(form: UploadForm, status: int = 200):
    """The upload page."""
    presets = preset_service.saved_presets(get_session())
    return render_template("imports/upload.html", form=form, presets=presets), status


@bp.post("")
def upload():
    """Keep the file on the server and go on to the mapping (nothing is imported yet)."""
    form = upload_form()
    if not form.validate():
        return render_start(form, INVALID_FORM_STATUS)
    data, filename = form.file.data.read(), form.file.data.filename or ""
    try:
        table = read_table(data, filename, form.format.data or None)
    except FileFormatError as error:
        form.file.errors = [str(error)]
        return render_start(form, INVALID_FORM_STATUS)
    sweep(folder(), max_age())
    name = filename if not form.format.data else f"{Path(filename).stem}.{form.format.data}"
    token = save_upload(folder(), current_user.id, name, data)
    preset = form.preset.data or detect_built_in(table.headers) or ""
    return redirect(url_for(".mapping", upload_token=token, preset=preset or None))


@bp.get("/<upload_token>")
def mapping(upload_token: str):
    """Map the file's columns to fields, starting from the preset or from what the headers say."""
    upload = stored(upload_token)
    if upload is None:
        return redirect(url_for(".start"))
    table = table_of(upload)
    preset_name = request.args.get("preset", "")
    preset = preset_service.find_mapping(get_session(), preset_name)
    form = MappingForm(table.headers, formdata=None)
    form.fill(preset or automatic(table.headers), table.headers)
    return render_mapping(upload, table, form, preset_name if preset else "")


def render_mapping(upload: StoredUpload, table: Table, form: MappingForm, preset: str = "", status: int = 200):
    """The mapping screen with a few values of each column."""
    samples = {header: [cells.get(header) for _number, cells in table.rows[:SAMPLE_ROWS]] for header in table.headers}
    splits = list_samples(form.chosen_columns(), samples)  # from the choices as sent: the form may be invalid
    labels = dict(preset_service.preset_choices(get_session()))
    context = {"upload": upload, "table": table, "form": form, "samples": samples, "preset": preset, "splits": splits}
    context["preset_label"] = labels.get(preset, preset)
    return render_template("imports/mapping.html", **context), status


def list_samples(columns: dict[str, str], samples: dict[str, list]) -> dict[str, list[str]]:
    """For each column mapped to a list field, how its first cell holding several items splits."""
    splits = {}
    for target, header in columns.items():
        if target not in LIST_TARGETS:
            continue
        for value in samples.get(header, []):
            items = list_items(target, value) if value is not None else []
            if len(items) > 1:
                splits[header] = items
                break
    return splits


@bp.get("/<upload_token>/preview")
def preview(upload_token: str):
    """The dry run: what would be created, what is already there, and every problem, by row and column."""
    upload = stored(upload_token)
    if upload is None:
        return redirect(url_for(".start"))
    table = table_of(upload)
    form = MappingForm(table.headers, formdata=request.args)
    if not form.validate():
        return render_mapping(upload, table, form, status=INVALID_FORM_STATUS)
    plan = dry_run(get_session(), upload.data, upload.filename, form.mapping(), home_country())
    return render_preview(upload, form, plan)


def home_country() -> str:
    """The home side's country (TRACKER_HOME_COUNTRY)."""
    return current_app.config["TRACKER_HOME_COUNTRY"]


def render_preview(upload: StoredUpload, form: MappingForm | CommitForm, plan: ImportPlan, status: int | None = None):
    """The preview page; 422 when the file has problems."""
    context = {
        "upload": upload,
        "plan": plan,
        "params": form.params(),
        "refusing_params": form.refusing(),
        "sector_names": dict(sector_id_choices(get_session())),
        "shown_rows": plan.rows[:PREVIEW_ROWS],
        "preset_form": PresetForm(form.headers, formdata=None),
        "outcomes": Outcome,
        "max_problems": MAX_PROBLEMS,
        "max_listed": MAX_LISTED,
        "in_background": in_background(plan.total),
    }
    status = status or (200 if plan.ok else INVALID_FORM_STATUS)
    return render_template("imports/preview.html", **context), status


@bp.post("/<upload_token>/commit")
def commit(upload_token: str):
    """Check the stored file again and import it whole, or nothing if any row has a problem."""
    upload = stored(upload_token)
    if upload is None:
        return redirect(url_for(".start"))
    table = table_of(upload)
    form = CommitForm(table.headers)
    if not form.validate():
        return render_mapping(
            upload, table, MappingForm(table.headers, formdata=request.form), status=INVALID_FORM_STATUS
        )
    if in_background(len(table.rows)):
        return submit_import_job(upload, form)
    session = get_session()
    plan, result = run_import(session, upload.data, upload.filename, form.mapping(), home_country())
    if result is None:
        session.rollback()
        flash(NOTHING_IMPORTED, "error")
        return render_preview(upload, form, plan)
    session.commit()
    discard_upload(folder(), upload_token)
    skipped = plan.total - result.agreements
    flash(imported_message(result.agreements, result.parties, result.sources, skipped), "success")
    return redirect(url_for("agreements.index", sort="-updated"))


def in_background(rows: int) -> bool:
    """Whether a file of this many rows is imported by a background job (TRACKER_IMPORT_JOB_ROWS)."""
    return rows > current_app.config["TRACKER_IMPORT_JOB_ROWS"]


NOTHING_IMPORTED = _("Nothing was imported: the file has problems (listed below).")
IMPORT_COMMIT = "import_commit"


def submit_import_job(upload: StoredUpload, form: CommitForm):
    """Hand the upload to a new job that imports it, and follow the job on its page."""
    session = get_session()
    parameters = {"params": form.params(), "home": home_country(), "locale": str(get_locale())}
    job = jobs.create_job(session, session.get(User, current_user.id), IMPORT_COMMIT, parameters)
    destination = jobs.jobs_dir() / str(job.id)
    try:
        hand_over(folder(), upload.token, destination)
    except UploadMissing:  # committed by another request meanwhile
        session.rollback()
        flash(_("This upload has expired or is not yours; upload the file again."), "warning")
        return redirect(url_for(".start"))
    try:
        session.commit()
    except BaseException:
        take_back(destination, folder(), upload.token)  # no job: the upload is the uploader's again
        raise
    jobs.enqueue(job)
    return redirect(url_for("jobs.detail", job_id=job.id), 303)


@jobs.kind(IMPORT_COMMIT)
def import_commit_job(job: Job, progress: jobs.Progress) -> str:
    """The commit, by a worker: the handed-over file checked and imported all or nothing, in the user's language,
    its rows counted as the job's progress; the outcome (what was created, or the problems) is the job's result."""
    upload = load_handed(jobs.jobs_dir() / str(job.id))
    with current_app.test_request_context("/import", method="POST"), force_locale(job.parameters["locale"]):
        table = read_table(upload.data, upload.filename)
        form = MappingForm(table.headers, formdata=MultiDict(job.parameters["params"]))
        if not form.validate():
            raise ValueError(f"The import's mapping cannot be read: {form.errors}")
        session = jobs.job_session()
        with session:
            result = commit_in_job(session, job, table, form, progress)
    discard_handed(jobs.jobs_dir() / str(job.id))
    return result


def commit_in_job(session: Session, job: Job, table: Table, form: MappingForm, progress: jobs.Progress) -> str:
    """Import the table in the session's one transaction, which also marks the job done: both or neither commit.

    On SQLite that transaction holds the write lock from its first statement, so the progress goes to the job's
    progress file instead of its row (tracker/jobs.py).
    """
    session.info[ACTOR] = job.user_id
    progress.in_file = session.get_bind().dialect.name == "sqlite"
    progress.start(len(table.rows))
    plan, result = import_table(session, table, form.mapping(), job.parameters["home"], progress.step)
    outcome = import_outcome(plan, result)
    relative = jobs.write_result(job, "outcome.json", [json.dumps(outcome, ensure_ascii=False).encode()])
    jobs.finish_in(session, progress, relative)
    session.commit()
    return relative


def import_outcome(plan: ImportPlan, result: Any) -> dict[str, Any]:
    """What the job's page says: the counts of what was created, or the first problems (nothing was created)."""
    if result is None:
        problems = [[problem.row, problem.column, str(problem.message)] for problem in plan.problems[:MAX_PROBLEMS]]
        return {"imported": False, "problems": problems, "problem_count": len(plan.problems)}
    counts = {"agreements": result.agreements, "parties": result.parties, "sources": result.sources}
    return {"imported": True, **counts, "skipped": plan.total - result.agreements}


@bp.app_template_global()
def import_summary(outcome: dict[str, Any]) -> str:
    """An import job's report in a sentence or two, in the reader's language."""
    return imported_message(outcome["agreements"], outcome["parties"], outcome["sources"], outcome["skipped"])


def imported_message(agreements: int, parties: int, sources: int, skipped: int) -> str:
    """What the import did, in a sentence or two."""
    done = _n(
        "Imported %(num)s agreement, with %(parties)s new parties and %(sources)s new sources.",
        "Imported %(num)s agreements, with %(parties)s new parties and %(sources)s new sources.",
        agreements,
        parties=parties,
        sources=sources,
    )
    if not skipped:
        return str(done)
    rest = _n(
        "%(num)s row was already recorded or repeated and was skipped.",
        "%(num)s rows were already recorded or repeated and were skipped.",
        skipped,
    )
    return f"{done} {rest}"


@bp.post("/<upload_token>/preset")
def save_preset(upload_token: str):
    """Save the previewed mapping as a preset, then show the preview again."""
    upload = stored(upload_token)
    if upload is None:
        return redirect(url_for(".start"))
    table = table_of(upload)
    form = PresetForm(table.headers)
    session = get_session()
    if not form.validate():
        flash(" ".join(str(error) for errors in form.errors.values() for error in _flat(errors)), "error")
        return redirect(url_for(".preview", upload_token=upload_token, **_args(form)))
    try:
        preset = preset_service.save_preset(session, form.name.data, form.mapping(), current_user.id)
    except TrackerError as error:
        session.rollback()
        flash(error.message, "error")
        return redirect(url_for(".preview", upload_token=upload_token, **_args(form)))
    session.commit()
    flash(_("Preset “%(name)s” saved.", name=preset.name), "success")
    return redirect(url_for(".preview", upload_token=upload_token, **_args(form)))


def _args(form: CommitForm) -> dict[str, str]:
    """The form's mapping as query-string arguments."""
    return dict(form.params())


def _flat(errors: object) -> list[object]:
    """Field errors, flattened (a FieldList's errors are lists of lists)."""
    if isinstance(errors, list | tuple):
        return [item for error in errors for item in _flat(error)]
    return [errors] if errors else []


@bp.post("/presets/<id:preset_id>/delete")
def delete_preset(preset_id: int):
    """Delete a saved preset (built-in presets are not stored and cannot be deleted)."""
    session = get_session()
    preset = get_or_404(session, ImportPreset, preset_id)
    name = preset.name
    preset_service.delete_preset(session, preset)
    session.commit()
    flash(_("Preset “%(name)s” deleted.", name=name), "success")
    return redirect(url_for(".start"))
