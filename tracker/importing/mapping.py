"""Which column of a file fills which field, how rows are completed, and the built-in presets."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tracker.importing.fields import guess_target, header_key, is_target
from tracker.models import AgreementStatus, InstrumentType

KEMLU_PRESET = "kemlu-treaty-list"


@dataclass
class Mapping:
    """Target field -> the file's column header, and the options that complete a row."""

    columns: dict[str, str] = field(default_factory=dict)
    # Add the state of the home country (TRACKER_HOME_COUNTRY) to every agreement as a signatory.
    home_state: bool = False
    # When no instrument is given, read it from the title ("Memorandum of Understanding on ..." is an MoU).
    instrument_from_title: bool = False
    default_instrument: InstrumentType | None = None
    default_status: AgreementStatus | None = None
    # Sectors the file names that the vocabulary lacks are added to it (else the dry run lists them once).
    create_sectors: bool = False
    # Choices about this file's names, made on its preview (not kept in presets), by the name as written:
    # names to keep apart from the party another name matched ("BKPM" is not the recorded board), and new parties
    # not to place under the party their name ends with.
    kept_apart: frozenset[str] = frozenset()
    not_units: frozenset[str] = frozenset()

    def to_json(self) -> dict[str, Any]:
        """What an ImportPreset stores."""
        return {
            "fields": dict(self.columns),
            "options": {
                "home_state": self.home_state,
                "instrument_from_title": self.instrument_from_title,
                "default_instrument": self.default_instrument.value if self.default_instrument else None,
                "default_status": self.default_status.value if self.default_status else None,
                "create_sectors": self.create_sectors,
            },
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Mapping:
        """A stored mapping; unknown targets and values are dropped rather than trusted."""
        fields = data.get("fields") if isinstance(data.get("fields"), dict) else {}
        options = data.get("options") if isinstance(data.get("options"), dict) else {}
        return cls(
            columns={str(target): str(column) for target, column in fields.items() if is_target(str(target))},
            home_state=bool(options.get("home_state")),
            instrument_from_title=bool(options.get("instrument_from_title")),
            default_instrument=_member(InstrumentType, options.get("default_instrument")),
            default_status=_member(AgreementStatus, options.get("default_status")),
            create_sectors=bool(options.get("create_sectors")),
        )

    def bind(self, headers: list[str]) -> dict[str, str]:
        """Target -> the file's header that the mapping's column names (compared loosely); missing ones left out."""
        by_key = {header_key(header): header for header in reversed(headers)}
        bound = {}
        for target, column in self.columns.items():
            header = column if column in headers else by_key.get(header_key(column))
            if header is not None:
                bound[target] = header
        return bound


def _member(enum_class: Any, value: Any) -> Any:
    """The enum member with this value, or None."""
    try:
        return enum_class(value) if value else None
    except ValueError:
        return None


def automatic(headers: list[str]) -> Mapping:
    """The mapping the headers suggest by themselves: keys, labels and known synonyms; first column wins."""
    columns: dict[str, str] = {}
    for header in headers:
        target = guess_target(header)
        if target and target not in columns:
            columns[target] = header
    return Mapping(columns)


def kemlu_treaty_list() -> Mapping:
    """The treaty list of Indonesia's foreign ministry (Kementerian Luar Negeri), as its search exports it.

    The partner country becomes its state party, Indonesia's state is added as the other signatory, the
    instrument is read from the title, and a treaty with neither status is recorded as signed.
    """
    return Mapping(
        columns={
            "title": "Judul Perjanjian",
            "partner": "Negara/Organisasi",
            "signed": "Tempat & Tanggal Penandatanganan",
            "ratification": "Status Pengesahan",
            "status": "Status Pemberlakuan",
            "notes": "Keterangan",
        },
        home_state=True,
        instrument_from_title=True,
        default_instrument=InstrumentType.OTHER,
        default_status=AgreementStatus.SIGNED,
    )


BUILT_IN = {KEMLU_PRESET: kemlu_treaty_list}


def suits(mapping: Mapping, headers: list[str]) -> bool:
    """Whether every column the mapping names for title, signing date and partner is in the file."""
    bound = mapping.bind(headers)
    return all(target in bound for target in ("title", "signed", "partner") if target in mapping.columns)


def detect_built_in(headers: list[str]) -> str | None:
    """The built-in preset whose columns the file has, if any (the treaty list is recognised by its headers)."""
    for name, make in BUILT_IN.items():
        if suits(make(), headers):
            return name
    return None
