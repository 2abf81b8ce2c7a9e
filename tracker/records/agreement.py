"""The agreement's contract: its writable fields, the rules that need no database, and its JSON form."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tracker.dates import PartialDate
from tracker.i18n import _
from tracker.models import (
    AgreementStatus,
    AutoRenewal,
    ImplementationStatus,
    InstrumentType,
    NoticeParty,
    NoticeUnit,
    PartyRole,
    Ratification,
    RenewalIntent,
)
from tracker.records import codec
from tracker.records.fields import (
    Kind,
    choice,
    json_value,
    number,
    partial_date,
    plain_specs,
    reference_specs,
    relation,
    text,
    value,
)
from tracker.records.problems import Problem, check_fields

MAX_PARTIES = 50
MAX_SECTORS = 200


@dataclass(kw_only=True)
class AgreementData:
    """Everything a user can set on an agreement, already parsed: one line per field, read by every entry path."""

    title: str = text(
        _("Title"),
        _("title"),
        max_length=500,
        required=True,
        synonyms=("judul", "judul perjanjian", "agreement title", "nama perjanjian"),
    )
    title_local: str = text(
        _("Title in the local language"),
        _("local title"),
        max_length=500,
        synonyms=(
            "title in the local language",
            "local title",
            "title in indonesian",
            "title indonesian",
            "indonesian title",
            "judul lokal",
            "judul bahasa indonesia",
            "judul dalam bahasa indonesia",
        ),
    )
    instrument_type: InstrumentType = choice(
        InstrumentType,
        _("Instrument"),
        _("instrument"),
        column="instrument",
        synonyms=(
            "type",
            "instrument type",
            "type of instrument",
            "agreement type",
            "document type",
            "bentuk",
            "bentuk perjanjian",
            "jenis",
            "jenis perjanjian",
            "jenis dokumen",
        ),
    )
    status: AgreementStatus = choice(
        AgreementStatus, _("Status"), _("status"), synonyms=("status pemberlakuan", "entry into force status")
    )
    renewal_intent: RenewalIntent = choice(
        RenewalIntent,
        _("Renewal"),
        _("renewal"),
        default=RenewalIntent.NOT_RECORDED,
        synonyms=("renewal", "renewal intent", "perpanjangan"),
    )
    signed: PartialDate | None = partial_date(
        _("Signed"),
        _("signed"),
        synonyms=(
            "signed on",
            "signed date",
            "date signed",
            "date of signing",
            "signature date",
            "signing date",
            "date of signature",
            "tanggal penandatanganan",
            "tempat & tanggal penandatanganan",
            "tempat dan tanggal penandatanganan",
            "place and date of signature",
        ),
    )
    place_of_signing: str = text(
        _("Place of signing"),
        _("place of signing"),
        max_length=200,
        synonyms=(
            "place of signing",
            "place of signature",
            "signing place",
            "signed at",
            "place signed",
            "tempat penandatanganan",
            "tempat ditandatangani",
        ),
    )
    start: PartialDate | None = partial_date(
        _("Start"),
        _("start"),
        synonyms=("start date", "starts", "begins", "tanggal mulai", "mulai berlaku"),
    )
    end: PartialDate | None = partial_date(
        _("End"), _("end"), synonyms=("end date", "ends", "expires", "tanggal berakhir", "berakhir")
    )
    # Terms and treaty facts (issue 15): tracker/terms.py reads the terms; keep these together.
    duration_months: int | None = number(
        _("Duration (months)"),
        _("duration"),
        minimum=1,
        maximum=1200,
        synonyms=("duration", "jangka waktu", "masa berlaku", "durasi"),
    )
    auto_renewal: AutoRenewal = choice(
        AutoRenewal,
        _("Automatic renewal"),
        _("automatic renewal"),
        default=AutoRenewal.NO,
        synonyms=("auto renewal", "tacit renewal", "perpanjangan otomatis", "diperpanjang otomatis"),
    )
    renewal_months: int | None = number(
        _("Renewal period (months)"),
        _("renewal period"),
        minimum=1,
        maximum=1200,
        synonyms=("renewal period", "renewal term", "masa perpanjangan", "jangka waktu perpanjangan"),
    )
    notice_period: int | None = number(
        _("Notice period"),
        _("notice period"),
        minimum=1,
        maximum=3650,
        synonyms=("notice", "period of notice", "pemberitahuan", "jangka waktu pemberitahuan"),
    )
    notice_unit: NoticeUnit = choice(
        NoticeUnit,
        _("Notice period in"),
        _("notice unit"),
        default=NoticeUnit.MONTHS,
        synonyms=("notice unit", "satuan pemberitahuan"),
    )
    notice_by: NoticeParty = choice(
        NoticeParty,
        _("Notice given by"),
        _("who gives notice"),
        default=NoticeParty.NOT_RECORDED,
        synonyms=("notice by", "who gives notice", "pemberi pemberitahuan"),
    )
    in_force: PartialDate | None = partial_date(
        _("Entry into force"),
        _("entry into force"),
        synonyms=(
            "entry into force",
            "date of entry into force",
            "in force since",
            "tanggal berlaku",
            "tanggal mulai berlaku",
            "tanggal pemberlakuan",
        ),
    )
    ratification: Ratification = choice(
        Ratification,
        _("Ratification"),
        _("ratification"),
        default=Ratification.NOT_RECORDED,
        synonyms=("status pengesahan", "ratification status", "status ratifikasi", "pengesahan"),
    )
    ratifying_instrument: str = text(
        _("Ratifying instrument"),
        _("ratifying instrument"),
        max_length=300,
        synonyms=("ratified by", "instrument of ratification", "dasar pengesahan", "instrumen pengesahan"),
    )
    document_number: str = text(
        _("Document number"),
        _("document number"),
        max_length=200,
        synonyms=("document no", "reference number", "nomor dokumen", "no dokumen", "nomor perjanjian"),
    )
    # How far it is carried out (issue 15), apart from the legal status; "as of" is when that was assessed.
    implementation: ImplementationStatus = choice(
        ImplementationStatus,
        _("Implementation"),
        _("implementation"),
        default=ImplementationStatus.NOT_RECORDED,
        synonyms=("implementation status", "pelaksanaan", "status pelaksanaan", "status implementasi", "implementasi"),
    )
    implementation_note: str = text(
        _("Implementation note"),
        _("implementation note"),
        max_length=1000,
        synonyms=("note on implementation", "catatan pelaksanaan", "keterangan pelaksanaan"),
    )
    implementation_as_of: PartialDate | None = partial_date(
        _("Implementation as of"),
        _("implementation assessed"),
        synonyms=("implementation date", "implementation as of", "tanggal pelaksanaan", "pelaksanaan per tanggal"),
    )
    # Who answers for it (issue 15): ids, checked against the database by the service.
    owner_id: int | None = value(Kind.REFERENCE, _("Responsible officer"), _("responsible officer"))
    unit_id: int | None = value(Kind.REFERENCE, _("Responsible unit"), _("responsible unit"))
    sector_ids: list[int] = relation(_("Sectors"), _("sectors"), column="sectors")
    sector_slugs: list[str] = field(default_factory=list)  # sectors as the API names them; the service adds them
    parties: list[tuple[int, PartyRole]] = relation(_("Parties"), _("parties"))
    summary: str = text(
        _("Summary"), _("summary"), max_length=20000, long=True, synonyms=("ringkasan", "description", "deskripsi")
    )
    notes: str = text(
        _("Notes"), _("notes"), max_length=20000, long=True, synonyms=("note", "catatan", "keterangan", "remarks")
    )


@dataclass(frozen=True, kw_only=True)
class RelationData:
    """What a user writes on a relation between two agreements (renews, amends …) besides its kind."""

    note: str = text(_("Note"), _("note"), max_length=1000)


# The messages of required fields left blank, in the words the forms and the importer have always used.
MISSING = {
    "title": _("Give the agreement a title."),
    "instrument_type": _("Give the instrument."),
    "status": _("Give the status."),
}


def check(values: Mapping[str, Any]) -> list[Problem]:
    """Every rule that needs no database, over the fields present in `values` (by name)."""
    problems = check_fields(values, AgreementData, MISSING)
    start, end = values.get("start"), values.get("end")
    if isinstance(start, PartialDate) and isinstance(end, PartialDate) and end.is_before(start):
        message = _("The end (%(end)s) is before the start (%(start)s).", end=end.iso(), start=start.iso())
        problems.append(Problem("end", message))
    return problems


def input_json(agreement: Any) -> dict[str, Any]:
    """The writable fields of a recorded agreement, as a PUT body would give them."""
    body = {spec.name: json_value(spec, getattr(agreement, spec.name)) for spec in plain_specs(AgreementData)}
    body.update({spec.name: getattr(agreement, spec.name) for spec in reference_specs(AgreementData)})
    body["sectors"] = [sector.slug for sector in agreement.sectors]
    body["parties"] = [{"party_id": link.party_id, "role": link.role.value} for link in agreement.party_links]
    return body


def from_json(body: Mapping[str, Any]) -> AgreementData:
    """A body that follows the API's input schema as data; sectors stay slugs, for the service to look up."""
    parties = [(int(row["party_id"]), PartyRole(row["role"])) for row in body.get("parties", [])]
    return codec.from_json(AgreementData, body, sector_slugs=list(body.get("sectors", [])), parties=parties)


# The columns of the fields that name another record: the officer by e-mail, the unit by its name.
REFERENCE_COLUMNS = {"owner_id": "owner", "unit_id": "unit"}


def file_columns() -> list[str]:
    """The columns of the agreement file format, in order: the short fields, the links, then the long texts."""
    plain = plain_specs(AgreementData)
    short = [spec.file_key for spec in plain if spec.kind is not Kind.LONG_TEXT]
    long = [spec.file_key for spec in plain if spec.kind is Kind.LONG_TEXT]
    return [*short, "parties", "sectors", "sources", *REFERENCE_COLUMNS.values(), *long]
