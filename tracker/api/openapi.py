"""The OpenAPI 3.1 description of the JSON API, written by hand; request bodies are validated against it.

The same schemas serve three readers: clients (GET /api/v1/openapi.json), the API itself (`validate_body`
checks every request body against the `...Input` schemas, so the document cannot drift from what is
accepted), and the tests (every response is checked against the schema documented for it).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from tracker.dates import MAX_YEAR, MIN_YEAR
from tracker.documents import DOCUMENT_TYPES
from tracker.forms.agreements import MAX_SELECTION, NOTICE_NOT_RECORDED, NOTICE_RECORDED, PER_PAGE_CHOICES
from tracker.models import (
    MAX_ID,
    AgreementStatus,
    AutoRenewal,
    CitationStance,
    CitedFact,
    ConflictState,
    DocumentKind,
    EvidenceLevel,
    ImplementationStatus,
    InboxState,
    InstrumentType,
    NoticeParty,
    PartyKind,
    PartyRole,
    Ratification,
    RenewalIntent,
    SourceKind,
)
from tracker.queries.agreements import SortOrder
from tracker.queries.sources import SORTS
from tracker.records.action import ActionData
from tracker.records.agreement import MAX_PARTIES, MAX_SECTORS, AgreementData
from tracker.records.citation import CitationData
from tracker.records.fields import Kind, Spec, max_length, plain_specs, reference_specs, spec_of
from tracker.records.party import PartyData
from tracker.records.sector import SectorData
from tracker.records.source import LinkData, SourceData
from tracker.services.bulk_changes import BulkAction
from tracker.services.outcomes import OLD_STATUSES, REASON_MAX

Schema = dict[str, Any]

VERSION = "1.0.0"
BASE_PATH = "/api/v1"
PARTIAL_DATE_PATTERN = "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
DAY_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
# Fields of a representation that a client may send back unchanged (GET, edit, PUT): they are ignored.
READ_ONLY_COMMON = ("id", "version", "created_at", "updated_at", "archived_at")


def ref(name: str) -> Schema:
    """A reference to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def values(enum_class: Any) -> list[str]:
    """The stored values of an enumeration, which is how the API names its members."""
    return [member.value for member in enum_class]


def text(max_length: int, description: str = "", min_length: int = 0) -> Schema:
    """A string of bounded length (surrounding whitespace and NUL characters are removed first)."""
    schema: Schema = {"type": "string", "maxLength": max_length}
    if min_length:
        schema["minLength"] = min_length
    if description:
        schema["description"] = description
    return schema


def nullable(schema: Schema) -> Schema:
    """The schema, or null."""
    return {**schema, "type": [schema["type"], "null"]}


def an_id(description: str = "") -> Schema:
    """A database id."""
    return {"type": "integer", "minimum": 1, "maximum": MAX_ID, **({"description": description} if description else {})}


def read_only(names: tuple[str, ...]) -> dict[str, Schema]:
    """Properties accepted in a request body and ignored: what the representation has and no one writes."""
    return {name: {"readOnly": True, "description": "Ignored: set by the server."} for name in names}


TIMESTAMP: Schema = {"type": "string", "format": "date-time", "description": "ISO 8601, UTC."}
PARTIAL_DATE: Schema = {
    "type": ["string", "null"],
    "pattern": PARTIAL_DATE_PATTERN,
    "description": "A date at its known precision: YYYY, YYYY-MM or YYYY-MM-DD; null when unknown.",
    "examples": ["2006", "2006-03", "2006-03-15"],
}
PARTIAL_DATE_INPUT: Schema = {
    "type": ["string", "null"],
    "pattern": f"^$|{PARTIAL_DATE_PATTERN}",
    "description": "YYYY, YYYY-MM or YYYY-MM-DD, only as precise as is known; null or empty when unknown.",
    "examples": ["2006", "2006-03", "2006-03-15", None],
}
COMMON_OUTPUT: dict[str, Schema] = {
    "id": an_id(),
    "created_at": TIMESTAMP,
    "updated_at": TIMESTAMP,
    "archived_at": {**TIMESTAMP, "type": ["string", "null"], "description": "Set when archived (deleted)."},
}


# What the references of the record contracts name.
REFERENCE_TEXT = {
    "owner_id": "The responsible officer: a user's id; null for none.",
    "unit_id": "The responsible unit: a party's id (on the home side); null for none.",
    "assignee_id": "The user the action is assigned to; null for nobody.",
}


def output_property(spec: Spec) -> Schema:
    """How a representation shows a plain field of a record contract, or a reference to another record."""
    if spec.kind is Kind.REFERENCE:
        return {
            "type": ["integer", "null"],
            "description": REFERENCE_TEXT.get(spec.name, "A record's id; null for none."),
        }
    if spec.kind is Kind.CHOICE:
        return {"enum": values(spec.choices)}
    if spec.kind is Kind.PARTIAL_DATE:
        return PARTIAL_DATE
    if spec.kind is Kind.NUMBER:
        return {"type": ["integer", "null"]}
    return {"type": "string"}


def input_property(spec: Spec) -> Schema:
    """What a request body may give for a plain field of a record contract, or a reference to another record."""
    if spec.kind is Kind.REFERENCE:
        return nullable(an_id(REFERENCE_TEXT.get(spec.name, "A record's id; null for none.")))
    if spec.kind is Kind.CHOICE:
        schema: Schema = {"enum": values(spec.choices)}
        return {**schema, "default": spec.default.value} if spec.default is not None else schema
    if spec.kind is Kind.PARTIAL_DATE:
        return PARTIAL_DATE_INPUT
    if spec.kind is Kind.NUMBER:
        return {"type": ["integer", "null"], "minimum": spec.minimum, "maximum": spec.maximum}
    return text(spec.max_length or 0, min_length=1 if spec.required else 0)


def schema_specs(data_class: type) -> tuple[Spec, ...]:
    """The fields a contract's schemas show: the plain ones, and the references to other records (owners)."""
    return (*plain_specs(data_class), *reference_specs(data_class))


def output_properties(data_class: type) -> dict[str, Schema]:
    """The representation's properties of a contract's plain fields and references."""
    return {spec.name: output_property(spec) for spec in schema_specs(data_class)}


def input_properties(data_class: type) -> dict[str, Schema]:
    """The request body's properties of a contract's plain fields and references."""
    return {spec.name: input_property(spec) for spec in schema_specs(data_class)}


def required_names(data_class: type) -> list[str]:
    """The plain fields a request body must give."""
    return [spec.name for spec in plain_specs(data_class) if spec.required]


def output(properties: dict[str, Schema], description: str) -> Schema:
    """A representation: every property is always present, and nothing else."""
    return {
        "type": "object",
        "description": description,
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def input_schema(properties: dict[str, Schema], required: list[str], ignored: tuple[str, ...], description: str):
    """A request body: the writable fields, the read-only ones accepted and ignored, nothing unknown."""
    return {
        "type": "object",
        "description": description,
        "properties": {**properties, **read_only(ignored)},
        "required": required,
        "additionalProperties": False,
    }


def patch_of(schema: Schema) -> Schema:
    """The PATCH variant of an input schema: the same fields, none of them required (JSON merge patch)."""
    described = "Only the fields given change (JSON merge patch); " + schema["description"][0].lower()
    return {**schema, "required": [], "description": described + schema["description"][1:]}


# --- resources ---------------------------------------------------------------------------------

LINK = output(
    {
        "agreement_id": an_id(),
        "source_id": an_id(),
        "note": {"type": "string", "description": "What the source supports about the agreement."},
        "created_at": TIMESTAMP,
    },
    "A link between an agreement and a source that supports it, with a note.",
)
LINK_INPUT = input_schema(
    {"source_id": an_id("The source to link."), "note": text(max_length(LinkData, "note"))},
    ["source_id"],
    ("agreement_id", "created_at"),
    "A new link from the agreement in the URL to a source.",
)
LINK_UPDATE = input_schema(
    {"note": text(max_length(LinkData, "note"))},
    [],
    ("agreement_id", "source_id", "created_at"),
    "The note of a link (PUT replaces it).",
)

AGREEMENT_PARTY = output(
    {
        "party_id": an_id(),
        "name": {"type": "string"},
        "country_code": {"type": ["string", "null"]},
        "role": {"enum": values(PartyRole)},
    },
    "A party's part in an agreement.",
)
AGREEMENT_PARTY_INPUT = input_schema(
    {"party_id": an_id(), "role": {"enum": values(PartyRole)}},
    ["party_id", "role"],
    ("name", "country_code"),
    "A party and its role.",
)
AGREEMENT = output(
    {
        **COMMON_OUTPUT,
        **output_properties(AgreementData),
        "sectors": {"type": "array", "items": {"type": "string"}, "description": "Sector slugs."},
        "parties": {"type": "array", "items": ref("AgreementParty")},
        "sources": {"type": "array", "items": ref("Link")},
        "current_term": {
            "type": ["object", "null"],
            "properties": {
                "number": {"type": "integer", "minimum": 1},
                "end": PARTIAL_DATE,
                "decision_on": {"type": "string", "format": "date"},
            },
            "required": ["number", "end", "decision_on"],
            "additionalProperties": False,
            "description": "The term running today, computed from the terms: its end and the last day to give notice.",
        },
        "evidence": {
            "enum": values(EvidenceLevel),
            "description": "The strongest evidence among the supporting citations: signed_text (a signed text), "
            "official (an official statement or document), news (a news report) or none.",
        },
        "version": {"type": "integer", "minimum": 1},
    },
    "A cooperation agreement.",
)
AGREEMENT_INPUT = input_schema(
    {
        **input_properties(AgreementData),
        "sectors": {
            "type": "array",
            "items": text(max_length(SectorData, "slug")),
            "maxItems": MAX_SECTORS,
            "description": "Sector slugs.",
        },
        "parties": {"type": "array", "items": ref("AgreementPartyInput"), "maxItems": MAX_PARTIES},
    },
    required_names(AgreementData),
    (*READ_ONLY_COMMON, "sources", "current_term", "evidence"),
    "An agreement as written: PUT replaces every field, missing optional ones become empty.",
)

ACTION = output(
    {
        "id": an_id(),
        "agreement_id": an_id("The agreement the action is about."),
        **output_properties(ActionData),
        "created_at": TIMESTAMP,
        "updated_at": TIMESTAMP,
        "version": {"type": "integer", "minimum": 1},
    },
    "A follow-up action of an agreement: what is to be done, by when, by whom; open, done or cancelled.",
)
ACTION_INPUT = input_schema(
    input_properties(ActionData),
    required_names(ActionData),
    ("id", "agreement_id", "created_at", "updated_at", "version"),
    "A follow-up action as written: PUT replaces every field, missing optional ones become empty.",
)

# Documents attached to an agreement (issue 17): uploaded as multipart/form-data, never deleted.
DOCUMENT = output(
    {
        "id": an_id(),
        "agreement_id": an_id("The agreement the document belongs to."),
        "kind": {"enum": values(DocumentKind), "description": "Signed text, annex, letter or other."},
        "language": {"type": "string", "maxLength": 16, "description": "BCP 47 language tag; empty when not said."},
        "dated": PARTIAL_DATE,
        "filename": {"type": "string", "maxLength": 255, "description": "The name it was uploaded under."},
        "media_type": {"enum": list(DOCUMENT_TYPES), "description": "The type read from the file's content."},
        "size": {"type": "integer", "minimum": 0, "description": "Bytes."},
        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$", "description": "SHA-256 of the file, in hex."},
        "uploaded_at": TIMESTAMP,
        "archived": {"type": "boolean", "description": "Archived documents are seen by editors and admins only."},
        "file_url": {"type": "string", "description": "Where the file is downloaded."},
    },
    "A file attached to an agreement: its signed text, an annex, a letter; kept as uploaded, found by its text.",
)
DOCUMENT_UPLOAD = {
    "type": "object",
    "description": "A file to attach, with what it is.",
    "properties": {
        "file": {
            "type": "string",
            "contentMediaType": "application/octet-stream",
            "description": "PDF, DOCX, PNG, JPEG, TIFF or UTF-8 text (read from the content, not the name); at most "
            "TRACKER_DOCUMENT_MAX_MB (25 MB by default).",
        },
        "kind": {"enum": values(DocumentKind), "default": "other"},
        "language": {"type": "string", "maxLength": 16, "description": "A language tag such as id, en or ko."},
        "dated": {
            "type": "string",
            "pattern": f"^$|{PARTIAL_DATE_PATTERN}",
            "description": "YYYY, YYYY-MM or YYYY-MM-DD.",
        },
    },
    "required": ["file"],
}
# Conflicting reports (issue 17): claims as stored; resolving names the preferred claim and why.
CLAIM = output(
    {
        "origin": {"enum": ["record", "source", "document"]},
        "id": {"type": ["integer", "null"], "description": "The source's or document's id; null for the record."},
        "label": {"type": "string", "description": "The outlet, title or file name; empty for the record."},
        "value": {
            "type": ["string", "array", "null"],
            "items": {"type": "string"},
            "description": "Party names (parties), a date at its precision (signed, start, end), an enum value "
            "(instrument, status, renewal_intent) or, for a citation, its words; null where nothing is recorded.",
        },
        "agrees": {"type": "boolean", "description": "Whether it fits the record (the record always does)."},
        "cited": {"type": "boolean", "description": "From a citation that differs, in the words of who cited it."},
    },
    "Who says what about one fact of the agreement.",
)
CONFLICT = output(
    {
        "id": an_id(),
        "agreement_id": an_id("The agreement whose evidence disagrees."),
        "agreement_title": {"type": "string"},
        "fact": {"enum": values(CitedFact)},
        "state": {"enum": values(ConflictState)},
        "current": {"type": "boolean", "description": "False once the evidence no longer says it (still listed)."},
        "detected_at": TIMESTAMP,
        "claims": {"type": "array", "items": ref("Claim"), "description": "The record's claim first."},
        "preferred": {
            "type": ["string", "null"],
            "description": "The claim preferred when resolved: record, source:<id> or document:<id>.",
        },
        "reason": {"type": "string", "description": "Why it was preferred; empty while open."},
        "resolved_at": {**TIMESTAMP, "type": ["string", "null"], "description": "ISO 8601, UTC; null while open."},
        "resolved_by": {"type": ["string", "null"], "description": "The e-mail of who resolved it."},
        "url": {"type": "string"},
    },
    "Where what an agreement's sources, documents or citations say about one fact differs from its record or from "
    "each other.",
)
CONFLICT_RESOLUTION = {
    "type": "object",
    "description": "Which claim is preferred, and why.",
    "properties": {
        "preferred": {"type": "string", "pattern": "^(record|source:[0-9]+|document:[0-9]+)$", "maxLength": 40},
        "reason": text(2000, "Why this claim: the signed text, a later or official report…", min_length=1),
    },
    "required": ["preferred", "reason"],
    "additionalProperties": False,
}
NAMED_MATCH = output(
    {"id": an_id(), "name": {"type": "string"}, "matched": {"type": "array", "items": {"type": "string"}}},
    "A recorded party or sector the text names, with the words found.",
)
CUE = output({"value": {"type": "string"}, "phrase": {"type": "string"}}, "A value the text's words point to.")
DOCUMENT_SUGGESTIONS = output(
    {
        "parties": {"type": "array", "items": ref("NamedMatch")},
        "periods": {
            "type": "array",
            "items": output(
                {"start": PARTIAL_DATE, "end": PARTIAL_DATE, "phrase": {"type": "string"}}, "A period the text gives."
            ),
        },
        "instruments": {"type": "array", "items": ref("Cue")},
        "statuses": {"type": "array", "items": ref("Cue")},
        "renewals": {"type": "array", "items": ref("Cue")},
        "sectors": {"type": "array", "items": ref("NamedMatch")},
    },
    "What a document's text suggests for its agreement's record, best first, as the news intake's review.",
)

# The news inbox (issue 17): items the feeds brought, triaged by editors.
NULLABLE_TIMESTAMP: Schema = {**TIMESTAMP, "type": ["string", "null"]}
INBOX_ITEM = output(
    {
        "id": an_id(),
        "feed": {
            "type": ["object", "null"],
            "properties": {"id": an_id(), "name": {"type": "string"}},
            "required": ["id", "name"],
            "additionalProperties": False,
            "description": "The feed that brought it; null once the feed is gone.",
        },
        "url": {"type": "string", "description": "The address the feed gave."},
        "canonical_url": {"type": ["string", "null"], "description": "The canonical address the page names."},
        "title": {"type": "string"},
        "outlet": {"type": "string"},
        "published_at": {**NULLABLE_TIMESTAMP, "description": "When the page or the feed says it was published."},
        "language": {"type": "string", "maxLength": 16},
        "excerpt": {"type": "string", "description": "The page's first words; empty when its page is not kept."},
        "score": {"type": "number", "description": "How well it matches what the tracker records."},
        "reasons": {
            "type": "array",
            "items": {"type": "string"},
            "description": "What matched, in words of the site's language (TRACKER_LOCALE), as the API's messages.",
        },
        "state": {
            "enum": values(InboxState),
            "description": "new (waiting), linked, created, dismissed; unmatched (below the threshold) or duplicate "
            "(another address of a page seen before), kept so that they are not fetched again.",
        },
        "found_at": TIMESTAMP,
        "triaged_at": {**NULLABLE_TIMESTAMP, "description": "When an editor linked or dismissed it."},
        "source_id": {**an_id("The source its page became, once linked."), "type": ["integer", "null"]},
    },
    "A news item a feed brought, with how well it matches what the tracker records and why.",
)
INBOX_LINK_INPUT = input_schema(
    {"agreement_id": an_id("The live agreement the item is about."), "note": text(max_length(LinkData, "note"))},
    ["agreement_id"],
    (),
    "Link a waiting item to an agreement: its page becomes a source (or a new snapshot of the source recorded under "
    "its address), linked with the note.",
)

DOCUMENT_FILL = output(
    {
        "filled": {
            "type": "array",
            "items": {"enum": ["start", "end", "parties"]},
            "description": "The fields filled in; empty when the record already had what the document suggests.",
        },
        "agreement": ref("Agreement"),
    },
    "What filling the record from a document did, and the agreement as it is now.",
)

# Recording what happened (issue 15): operations on an agreement, each one transaction.
RENEWAL_INPUT = {
    **AGREEMENT_INPUT,
    "properties": {
        **AGREEMENT_INPUT["properties"],
        "old_status": {
            "enum": [status.value for status in OLD_STATUSES],
            "description": "What the renewed agreement becomes: expired (ran to its end) or superseded.",
        },
    },
    "required": [*AGREEMENT_INPUT["required"], "old_status"],
    "description": "The new agreement, as for POST /agreements, and the status the renewed one takes.",
}
TERMINATION_INPUT = input_schema(
    {
        "on": {
            "type": "string",
            "pattern": PARTIAL_DATE_PATTERN,
            "description": "The day the termination took effect (YYYY, YYYY-MM or a day).",
        },
        "notice_by": {"enum": values(NoticeParty), "description": "Who gave notice."},
        "reason": text(REASON_MAX),
    },
    ["on"],
    (),
    "A termination: the agreement's status becomes terminated, its end the day when earlier; who and why go to "
    "its notes.",
)
NON_RENEWAL_INPUT = input_schema(
    {"reason": text(REASON_MAX)},
    [],
    (),
    "A non-renewal: no renewal planned; expired when the end has passed. The reason goes to the notes.",
)

# Bulk changes (issue 18): one change to many agreements, all or nothing.
BULK_CHANGE_INPUT: Schema = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "action": {"enum": values(BulkAction), "description": "What to do to each agreement."},
        "value": {
            "type": ["string", "integer", "null"],
            "maxLength": 200,
            "description": "set_status: a status; set_renewal: a renewal; assign_owner: a user's id, or null for "
            "nobody; add_sector and remove_sector: a sector's id or slug; archive: none.",
        },
        "ids": {
            "type": "array",
            "items": an_id(),
            "minItems": 1,
            "maxItems": MAX_SELECTION,
            "description": "The agreements, taken as they are.",
        },
        "records": {
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_SELECTION,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "properties": {"id": an_id(), "version": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}},
                "required": ["id", "version"],
            },
            "description": "The agreements with the version read: when one changed since, nothing is saved (412).",
        },
        "query": text(4000, "The list's query string (`status=in_force&sector=textiles`): every agreement it matches."),
    },
    "required": ["action"],
    "oneOf": [{"required": ["ids"]}, {"required": ["records"]}, {"required": ["query"]}],
    "description": "One change to the agreements named by exactly one of `ids`, `records` or `query`.",
}
BULK_CHANGE_RESULT = output(
    {
        "action": {"enum": values(BulkAction)},
        "count": {"type": "integer", "minimum": 0, "description": "Agreements named."},
        "changed": {"type": "integer", "minimum": 0, "description": "Agreements changed (one history entry each)."},
        "unchanged": {"type": "integer", "minimum": 0, "description": "Agreements that already were so."},
        "records": {
            "type": "array",
            "items": output(
                {"id": {"type": "integer"}, "outcome": {"enum": ["changed", "unchanged"]}}, "One agreement's outcome."
            ),
        },
    },
    "What the change did, agreement by agreement.",
)

PARTY = output(
    {
        **COMMON_OUTPUT,
        "name": {"type": "string"},
        "kind": {"enum": values(PartyKind)},
        "country_code": {"type": ["string", "null"], "description": "ISO 3166-1 alpha-2; null for none."},
        "parent_id": {"type": ["integer", "null"], "description": "The party this one comes under."},
        "aliases": {"type": "array", "items": {"type": "string"}},
        "notes": {"type": "string"},
        "version": {"type": "integer", "minimum": 1},
    },
    "An organisation or a state that takes part in agreements.",
)
PARTY_INPUT = input_schema(
    {
        "name": text(max_length(PartyData, "name"), min_length=1),
        "kind": {"enum": values(PartyKind)},
        "country_code": {
            "type": ["string", "null"],
            "pattern": "^([A-Za-z]{2})?$",
            "description": "ISO 3166-1 alpha-2 code; null or empty for none.",
        },
        "parent_id": nullable(an_id("The party this one comes under.")),
        "aliases": {
            "type": "array",
            "items": text(max_length(PartyData, "aliases")),
            "maxItems": spec_of(PartyData, "aliases").max_items,
        },
        "notes": text(max_length(PartyData, "notes")),
    },
    ["name", "kind"],
    READ_ONLY_COMMON,
    "A party as written: PUT replaces every field, missing optional ones become empty.",
)

SOURCE = output(
    {
        **COMMON_OUTPUT,
        "url": {"type": ["string", "null"]},
        "kind": {"enum": values(SourceKind)},
        "title": {"type": "string"},
        "outlet": {"type": "string"},
        "author": {"type": "string"},
        "published_on": {"type": ["string", "null"], "format": "date"},
        "published_at": {**TIMESTAMP, "type": ["string", "null"]},
        "canonical_url": {"type": ["string", "null"]},
        "language": {"type": "string", "description": "BCP 47 tag, or empty."},
        "excerpt": {"type": "string"},
        "links": {"type": "array", "items": ref("Link"), "description": "The agreements it supports."},
        "version": {"type": "integer", "minimum": 1},
    },
    "A news article or document reporting on agreements: the evidence.",
)
SOURCE_INPUT = input_schema(
    {
        "title": text(max_length(SourceData, "title"), min_length=1),
        "url": {
            **text(max_length(SourceData, "url")),
            "type": ["string", "null"],
            "description": "http(s) URL; null or empty for none.",
        },
        "kind": {"enum": values(SourceKind), "default": SourceKind.NEWS_ARTICLE.value},
        "outlet": text(max_length(SourceData, "outlet")),
        "author": text(max_length(SourceData, "author")),
        "published_on": {"type": ["string", "null"], "pattern": f"^$|{DAY_PATTERN}", "description": "YYYY-MM-DD."},
        "language": text(max_length(SourceData, "language"), "A language tag such as id, en or ko."),
        "excerpt": text(max_length(SourceData, "excerpt")),
    },
    ["title"],
    (*READ_ONLY_COMMON, "links", "published_at", "canonical_url"),
    "A source as written: PUT replaces every field, missing optional ones become empty.",
)

SECTOR = output(
    {
        **COMMON_OUTPUT,
        "slug": {"type": "string"},
        "name": {"type": "string"},
        "description": {"type": "string"},
        "keywords": {"type": "array", "items": {"type": "string"}},
    },
    "An entry of the sector vocabulary; agreements name sectors by slug.",
)
SECTOR_INPUT = input_schema(
    {
        "name": text(max_length(SectorData, "name"), min_length=1),
        "slug": {
            **text(max_length(SectorData, "slug")),
            "pattern": "^[a-z0-9-]*$",
            "description": "Made from the name when empty.",
        },
        "description": text(max_length(SectorData, "description")),
        "keywords": {
            "type": "array",
            "items": text(max_length(SectorData, "keywords")),
            "maxItems": spec_of(SectorData, "keywords").max_items,
        },
    },
    ["name"],
    READ_ONLY_COMMON,
    "A sector as written: PUT replaces every field, missing optional ones become empty.",
)

SAVED_QUERY_PROPERTIES: dict[str, Schema] = {
    "id": {"type": "integer", "readOnly": True},
    "name": {"type": "string"},
    "query": {"type": "string", "description": "The agreement list's query string (the filters of GET /agreements)."},
    "shared": {"type": "boolean", "description": "Seen (not changed) by everyone."},
    "in_digest": {"type": "boolean", "description": "The owner's e-mail digest has a section of its agreements."},
    "owner_id": {"type": "integer"},
    "mine": {"type": "boolean", "description": "Saved by the token's user (who alone may change it)."},
    "agreements_url": {"type": "string", "description": "Its agreements: GET /agreements?saved=<id>."},
    "created_at": {"type": "string", "format": "date-time"},
    "updated_at": {"type": "string", "format": "date-time"},
}
SAVED_QUERY = output(SAVED_QUERY_PROPERTIES, "A named query of the agreement list, personal or shared.")
SAVED_QUERY_COUNTED = output(
    {
        **SAVED_QUERY_PROPERTIES,
        "count": {
            "type": ["integer", "null"],
            "minimum": 0,
            "description": "How many agreements it matches now; null when the query no longer works (a sector gone).",
        },
    },
    "A saved query with its current count.",
)
SAVED_QUERY_INPUT = input_schema(
    {
        "name": text(100, "Unique among the owner's saved queries.", min_length=1),
        "query": text(
            2000,
            "The agreement list's filters as a query string (sector=electric-vehicles&country=KR), or the list's"
            " address; checked as GET /agreements checks them (422 on `query`). Empty: every agreement.",
        ),
        "shared": {"type": "boolean", "default": False},
        "in_digest": {"type": "boolean", "default": False},
    },
    ["name"],
    ("id", "owner_id", "mine", "agreements_url", "created_at", "updated_at", "count"),
    "A saved query as written: PUT replaces every field, missing optional ones become empty or false.",
)

PROBLEM: Schema = {
    "type": "object",
    "description": "RFC 9457 problem details (application/problem+json).",
    "properties": {
        "type": {"type": "string", "format": "uri-reference"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {"type": "array", "items": ref("FieldError")},
        "existing_id": {"type": "integer", "description": "The record already holding a unique value."},
        "stale": {
            "type": "array",
            "items": {"type": "object", "properties": {"id": {"type": "integer"}, "version": {"type": "integer"}}},
            "description": "A bulk change's records that changed since they were read, with their versions now.",
        },
    },
    "required": ["type", "title", "status", "detail"],
}
FIELD_ERROR = output(
    {
        "field": {"type": "string", "description": "The body field or query parameter; empty for the whole."},
        "message": {"type": "string"},
    },
    "What is wrong with one field.",
)


def page_of(item: str) -> Schema:
    """A page of a list with the total count."""
    return output(
        {
            "items": {"type": "array", "items": ref(item)},
            "total": {"type": "integer", "minimum": 0, "description": "Items matching, on all pages."},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "enum": list(PER_PAGE_CHOICES)},
            "pages": {"type": "integer", "minimum": 1},
            "total_is_lower_bound": {
                "type": "boolean",
                "description": "True when more than `total` items match and the pages hold only the first `total`: "
                "a search of agreements for words in more than 10,000 of them lists 10,000 (see `ordered_by_update`). "
                "Add words or filters to see the rest.",
            },
            "ordered_by_update": {
                "type": "boolean",
                "description": "True when the words searched for are in more than 10,000 agreements, too many to rank "
                "by relevance: the pages list the agreements with the words as typed by last update, newest first "
                "(as `sort=-updated` would), the first 10,000 of them. False whenever the order is the one asked for.",
            },
        },
        f"One page of {item} records.",
    )


# A fact of an agreement cited to one of its sources or documents (issue 17).
CITATION_WRITABLE: dict[str, Schema] = {
    "fact": {"enum": values(CitedFact), "description": "The fact cited; a party's citation names the party."},
    "party_id": nullable(an_id("The party a party's citation is about (one the record names).")),
    "source_id": nullable(an_id("A source linked to the agreement; or give document_id.")),
    "document_id": nullable(an_id("A live document of the agreement; or give source_id.")),
    "quote": text(max_length(CitationData, "quote"), "The passage that says it."),
    "stance": {
        "enum": values(CitationStance),
        "default": "supports",
        "description": "supports: the passage bears out the record; differs: it says something else (in says).",
    },
    "says": text(max_length(CitationData, "says"), "What the passage says instead, when it differs."),
}
CITATION = output(
    {
        "id": an_id(),
        "agreement_id": an_id("The agreement whose fact is cited."),
        **CITATION_WRITABLE,
        "snapshot_id": nullable(an_id("The kept text of the source the quote was read against.")),
        "quote_found": {"type": "boolean", "description": "Whether the quote is in that text (or the document's)."},
        "created_at": TIMESTAMP,
        "updated_at": TIMESTAMP,
    },
    "A fact of an agreement cited to a source or document, with the passage that says it.",
)
CITATION_INPUT = input_schema(
    CITATION_WRITABLE,
    ["fact"],
    ("id", "agreement_id", "snapshot_id", "quote_found", "created_at", "updated_at"),
    "A citation as written: PUT replaces every field, missing optional ones become empty.",
)

SCHEMAS: dict[str, Schema] = {
    "Agreement": AGREEMENT,
    "AgreementInput": AGREEMENT_INPUT,
    "AgreementPatch": patch_of(AGREEMENT_INPUT),
    "AgreementParty": AGREEMENT_PARTY,
    "AgreementPartyInput": AGREEMENT_PARTY_INPUT,
    "AgreementPage": page_of("Agreement"),
    "SavedQuery": SAVED_QUERY,
    "SavedQueryCounted": SAVED_QUERY_COUNTED,
    "SavedQueryInput": SAVED_QUERY_INPUT,
    "SavedQueryPage": page_of("SavedQuery"),
    "Party": PARTY,
    "PartyInput": PARTY_INPUT,
    "PartyPatch": patch_of(PARTY_INPUT),
    "PartyPage": page_of("Party"),
    "Source": SOURCE,
    "SourceInput": SOURCE_INPUT,
    "SourcePatch": patch_of(SOURCE_INPUT),
    "SourcePage": page_of("Source"),
    "Sector": SECTOR,
    "SectorInput": SECTOR_INPUT,
    "SectorPatch": patch_of(SECTOR_INPUT),
    "SectorPage": page_of("Sector"),
    "Action": ACTION,
    "ActionInput": ACTION_INPUT,
    "ActionPatch": patch_of(ACTION_INPUT),
    "ActionPage": page_of("Action"),
    "Citation": CITATION,
    "CitationInput": CITATION_INPUT,
    "CitationPatch": patch_of(CITATION_INPUT),
    "CitationPage": page_of("Citation"),
    "Document": DOCUMENT,
    "DocumentUpload": DOCUMENT_UPLOAD,
    "DocumentPage": page_of("Document"),
    "DocumentSuggestions": DOCUMENT_SUGGESTIONS,
    "DocumentFill": DOCUMENT_FILL,
    "Claim": CLAIM,
    "Conflict": CONFLICT,
    "ConflictPage": page_of("Conflict"),
    "ConflictResolution": CONFLICT_RESOLUTION,
    "NamedMatch": NAMED_MATCH,
    "InboxItem": INBOX_ITEM,
    "InboxItemPage": page_of("InboxItem"),
    "InboxLinkInput": INBOX_LINK_INPUT,
    "Cue": CUE,
    "RenewalInput": RENEWAL_INPUT,
    "TerminationInput": TERMINATION_INPUT,
    "NonRenewalInput": NON_RENEWAL_INPUT,
    "BulkChangeInput": BULK_CHANGE_INPUT,
    "BulkChangeResult": BULK_CHANGE_RESULT,
    "Link": LINK,
    "LinkInput": LINK_INPUT,
    "LinkUpdate": LINK_UPDATE,
    "LinkPage": page_of("Link"),
    "Problem": PROBLEM,
    "FieldError": FIELD_ERROR,
}

# --- parameters --------------------------------------------------------------------------------


def query(name: str, schema: Schema, description: str, repeatable: bool = False) -> Schema:
    """A query parameter; a repeatable one is given once per value (`?status=signed&status=in_force`)."""
    if repeatable:
        return {
            "name": name,
            "in": "query",
            "description": description,
            "schema": {"type": "array", "items": schema},
            "style": "form",
            "explode": True,
        }
    return {"name": name, "in": "query", "description": description, "schema": schema}


def path_id(name: str) -> Schema:
    """An id in the path."""
    return {"name": name, "in": "path", "required": True, "schema": an_id()}


YEAR: Schema = {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR}
# A bound of a date filter, as precise as wanted: a year or month stands for its first day "from", its last day "by".
DATE_BOUND: Schema = {"type": "string", "pattern": PARTIAL_DATE_PATTERN}
PARAMETERS: dict[str, Schema] = {
    "page": query("page", {"type": "integer", "minimum": 1, "maximum": 100000, "default": 1}, "Page number, from 1."),
    "per_page": query(
        "per_page", {"type": "integer", "enum": list(PER_PAGE_CHOICES)}, "Items per page (default: the site's)."
    ),
    "IfMatch": {
        "name": "If-Match",
        "in": "header",
        "required": True,
        "description": 'The ETag of the record as last read (W/"3"); 412 when it changed since, 428 when missing.',
        "schema": {"type": "string"},
        "example": 'W/"1"',
    },
    "agreement_id": path_id("agreement_id"),
    "party_id": path_id("party_id"),
    "source_id": path_id("source_id"),
    "sector_id": path_id("sector_id"),
    "action_id": path_id("action_id"),
    "document_id": path_id("document_id"),
    "citation_id": path_id("citation_id"),
    "item_id": path_id("item_id"),
    "conflict_id": path_id("conflict_id"),
    "saved_query_id": path_id("saved_id"),
}
LIST_PARAMETERS = [{"$ref": "#/components/parameters/page"}, {"$ref": "#/components/parameters/per_page"}]
AGREEMENT_FILTERS = [
    query(
        "q",
        text(200),
        "Words, all of which must occur in the titles, the document number or ratifying instrument, summary, notes, a"
        " party's name or alias, a sector's name or keyword, or a source's title or text; a word of 3 or more"
        " characters also matches longer words it begins,"
        " an inflected English word the other forms of its stem (batteries: battery), and a sector's name or keyword"
        " the sector's other names and keywords (baterai: battery).",
    ),
    query(
        "party",
        text(500),
        "A party: agreements it or any unit under it takes part in. Its id, or its name, another name it goes by or"
        " its label 'Name (Country)', accents and case aside; a name several parties go by, or none, is a 400 problem.",
    ),
    query("country", {"type": "string", "pattern": "^[A-Z]{2}$"}, "A partner's ISO 3166-1 alpha-2 country."),
    query("sector", {"type": "string"}, "A sector slug; repeat for any of several.", repeatable=True),
    query("status", {"enum": values(AgreementStatus)}, "Any of these statuses.", repeatable=True),
    query("instrument", {"enum": values(InstrumentType)}, "Any of these instruments.", repeatable=True),
    query("renewal", {"enum": values(RenewalIntent)}, "Any of these renewal intents.", repeatable=True),
    query(
        "implementation",
        {"enum": values(ImplementationStatus)},
        "Any of these implementation statuses (kept apart from the legal status).",
        repeatable=True,
    ),
    query(
        "evidence",
        {"enum": values(EvidenceLevel)},
        "Any of these evidence levels: the strongest origin among the citations that support the record's facts"
        " (signed_text > official > news > none); 'none' lists the agreements that still need a source.",
        repeatable=True,
    ),
    query(
        "owner",
        {"type": "string", "pattern": "^(me|[0-9]{1,9})$"},
        "The responsible officer: a user's id, or 'me' (the token's user).",
    ),
    query("auto_renewal", {"enum": values(AutoRenewal)}, "Renewing automatically (yes) or not (no)."),
    query(
        "notice_period",
        {"enum": [NOTICE_RECORDED, NOTICE_NOT_RECORDED]},
        "Whether the agreement records a notice period (the notice before its end that decides a renewal).",
    ),
    query(
        "decision_after",
        DATE_BOUND,
        "With a decision date (the last day to give notice, of any of its terms) on or after this day (YYYY, YYYY-MM"
        " or YYYY-MM-DD; a year or month counts from its first day). An agreement without terms has none.",
    ),
    query(
        "decision_before",
        DATE_BOUND,
        "With a decision date on or before this day (a year or month counts to its last day; not before"
        " decision_after).",
    ),
    query("ratification", {"enum": values(Ratification)}, "Any of these ratification states.", repeatable=True),
    query(
        "in_force_after",
        DATE_BOUND,
        "Entered into force on or after this day (an entry into force known to the year or month counts at its first"
        " day; unknown never matches).",
    ),
    query("in_force_before", DATE_BOUND, "Entered into force on or before this day (not before in_force_after)."),
    query("active_in", YEAR, "Agreements whose known period overlaps this year."),
    query("ends_from", YEAR, "Ending in this year or later."),
    query("ends_to", YEAR, "Ending in this year or earlier (not before ends_from)."),
    query("signed_from", YEAR, "Signed in this year or later (an unknown signing date never matches)."),
    query("signed_to", YEAR, "Signed in this year or earlier (not before signed_from)."),
    query("id", an_id(), f"These agreements only (at most {MAX_SELECTION}).", repeatable=True),
    query(
        "saved",
        an_id(),
        "A saved query's id (GET /saved-queries): its filters replace the others given; page, per_page and sort"
        " still apply (sort: else the saved one). 400 naming `saved` when the token's user sees no such query.",
    ),
    query(
        "sort",
        {"enum": values(SortOrder), "default": SortOrder.RELEVANCE.value},
        "The order; '-' descends, unknown dates last either way; relevance puts the best matches of q first"
        " (without q: last updated first).",
    ),
]
PARTY_FILTERS = [
    query("q", text(max_length(PartyData, "name")), "Words in the name or another name."),
    query("kind", {"enum": values(PartyKind)}, "Only parties of this kind."),
    query("country", {"type": "string", "pattern": "^[A-Za-z]{2}$"}, "ISO 3166-1 alpha-2 country."),
]
SOURCE_FILTERS = [
    query("q", text(200), "Words in the title, outlet, author or URL."),
    query("outlet", text(max_length(SourceData, "outlet")), "The outlet, in any case."),
    query("language", text(max_length(SourceData, "language")), "A language tag; 'en' also finds 'en-GB'."),
    query("year", YEAR, "Published in this year."),
    query("sort", {"enum": list(SORTS), "default": "published"}, "The order."),
]

# --- responses ---------------------------------------------------------------------------------

PROBLEM_TEXT = {
    "400": "Malformed JSON, or query parameters that do not parse (`errors` names them).",
    "401": "No token, or an unknown or revoked one.",
    "403": "The token's user has a role that may not do this.",
    "404": "No such record (archived ones are found by editors and admins).",
    "409": "A duplicate, a record still in use, or an action the record's state does not allow.",
    "412": "If-Match names a version that is no longer current.",
    "415": "The body is not JSON (Content-Type application/json).",
    "422": "The data breaks a rule (`errors` names each field).",
    "428": "If-Match is missing.",
}
RESPONSES: dict[str, Schema] = {
    code: {"description": text_, "content": {"application/problem+json": {"schema": ref("Problem")}}}
    for code, text_ in PROBLEM_TEXT.items()
}
RESPONSES["default"] = {
    "description": "Any other error (405, 413, 503...), as problem details.",
    "content": {"application/problem+json": {"schema": ref("Problem")}},
}
ETAG_HEADER = {"ETag": {"description": 'The record\'s version, W/"<version>".', "schema": {"type": "string"}}}


def problems(*codes: int) -> dict[str, Schema]:
    """References to the shared problem responses."""
    found = {str(code): {"$ref": f"#/components/responses/{code}"} for code in codes}
    return {**found, "default": {"$ref": "#/components/responses/default"}}


def ok(schema: str, description: str, status: str = "200", etag: bool = True) -> dict[str, Schema]:
    """A JSON success response."""
    response: Schema = {"description": description, "content": {"application/json": {"schema": ref(schema)}}}
    if etag:
        response["headers"] = dict(ETAG_HEADER)
    if status == "201":
        response.setdefault("headers", {})["Location"] = {
            "description": "The new record's URL.",
            "schema": {"type": "string"},
        }
    return {status: response}


def body(schema: str) -> Schema:
    """A required JSON request body."""
    content = {"application/json": {"schema": ref(schema)}}
    if schema.endswith("Patch"):
        content["application/merge-patch+json"] = {"schema": ref(schema)}
    return {"required": True, "content": content}


IF_MATCH = {"$ref": "#/components/parameters/IfMatch"}
NO_CONTENT = {"204": {"description": "Done; nothing to return."}}

# --- paths -------------------------------------------------------------------------------------


def collection(kind: str, name: str, filters: list[Schema], who: str) -> Schema:
    """GET (list) and POST (create) on a collection."""
    return {
        "get": {
            "operationId": f"list_{kind}s",
            "summary": f"List {kind}s, filtered and paginated.",
            "tags": [name],
            "parameters": [*filters, *LIST_PARAMETERS],
            "responses": {**ok(f"{name}Page", "One page.", etag=False), **problems(400, 401)},
        },
        "post": {
            "operationId": f"create_{kind}",
            "summary": f"Create a {kind} ({who}).",
            "tags": [name],
            "requestBody": body(f"{name}Input"),
            "responses": {**ok(name, "Created.", "201"), **problems(400, 401, 403, 409, 415, 422)},
        },
    }


def item(kind: str, name: str, id_name: str, who: str) -> Schema:
    """GET, PUT, PATCH and DELETE (archive) on one record."""
    writes = problems(400, 401, 403, 404, 409, 412, 415, 422, 428)
    return {
        "parameters": [{"$ref": f"#/components/parameters/{id_name}"}],
        "get": {
            "operationId": f"get_{kind}",
            "summary": f"Read a {kind}; the ETag carries its version.",
            "tags": [name],
            "responses": {**ok(name, "The record."), **problems(401, 404)},
        },
        "put": {
            "operationId": f"replace_{kind}",
            "summary": f"Replace a {kind} ({who}; If-Match required).",
            "tags": [name],
            "parameters": [IF_MATCH],
            "requestBody": body(f"{name}Input"),
            "responses": {**ok(name, "Saved."), **writes},
        },
        "patch": {
            "operationId": f"patch_{kind}",
            "summary": f"Change some fields of a {kind} ({who}; If-Match required).",
            "tags": [name],
            "parameters": [IF_MATCH],
            "requestBody": body(f"{name}Patch"),
            "responses": {**ok(name, "Saved."), **writes},
        },
        "delete": {
            "operationId": f"archive_{kind}",
            "summary": f"Archive a {kind} ({who}; If-Match required); an admin can restore it.",
            "tags": [name],
            "parameters": [IF_MATCH],
            "responses": {**NO_CONTENT, **problems(401, 403, 404, 409, 412, 428)},
        },
    }


def restore(kind: str, name: str, id_name: str) -> Schema:
    """POST …/restore: bring an archived record back (admins)."""
    return {
        "parameters": [{"$ref": f"#/components/parameters/{id_name}"}],
        "post": {
            "operationId": f"restore_{kind}",
            "summary": f"Restore an archived {kind} (admins).",
            "tags": [name],
            "responses": {**ok(name, "Restored."), **problems(401, 403, 404, 409)},
        },
    }


def link_paths() -> dict[str, Schema]:
    """The links of one agreement to its sources."""
    agreement = {"$ref": "#/components/parameters/agreement_id"}
    source = {"$ref": "#/components/parameters/source_id"}
    writes = problems(400, 401, 403, 404, 412, 415, 422, 428)
    return {
        "/agreements/{agreement_id}/sources": {
            "parameters": [agreement],
            "get": {
                "operationId": "list_links",
                "summary": "The agreement's links to sources, with their notes.",
                "tags": ["Link"],
                "parameters": LIST_PARAMETERS,
                "responses": {**ok("LinkPage", "One page.", etag=False), **problems(400, 401, 404)},
            },
            "post": {
                "operationId": "create_link",
                "summary": "Link a source to the agreement (editors and admins).",
                "tags": ["Link"],
                "requestBody": body("LinkInput"),
                "responses": {**ok("Link", "Linked.", "201"), **problems(400, 401, 403, 404, 409, 415, 422)},
            },
        },
        "/agreements/{agreement_id}/sources/{source_id}": {
            "parameters": [agreement, source],
            "get": {
                "operationId": "get_link",
                "summary": "One link and its note; the ETag tracks the note.",
                "tags": ["Link"],
                "responses": {**ok("Link", "The link."), **problems(401, 404)},
            },
            "put": {
                "operationId": "replace_link",
                "summary": "Replace the link's note (If-Match required).",
                "tags": ["Link"],
                "parameters": [IF_MATCH],
                "requestBody": body("LinkUpdate"),
                "responses": {**ok("Link", "Saved."), **writes},
            },
            "patch": {
                "operationId": "patch_link",
                "summary": "Change the link's note (If-Match required).",
                "tags": ["Link"],
                "parameters": [IF_MATCH],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": ref("LinkUpdate")},
                        "application/merge-patch+json": {"schema": ref("LinkUpdate")},
                    },
                },
                "responses": {**ok("Link", "Saved."), **writes},
            },
            "delete": {
                "operationId": "delete_link",
                "summary": "Unlink: the agreement and the source stay (If-Match required).",
                "tags": ["Link"],
                "parameters": [IF_MATCH],
                "responses": {**NO_CONTENT, **problems(401, 403, 404, 412, 428)},
            },
        },
    }


@dataclass(frozen=True)
class AgreementPart:
    """A record kept under one agreement (its follow-up actions, its citations), as its paths describe it."""

    kind: str  # "action": operation ids list_actions, create_action, get_action, …
    name: str  # the schemas' name, "Action"
    list_summary: str
    create_summary: str
    delete_verb: str
    delete_summary: str
    delete_problems: tuple[int, ...]


def agreement_part_paths(part: AgreementPart) -> dict[str, Schema]:
    """The list and create paths of a record under an agreement, and its item paths with its own DELETE."""
    agreement = {"$ref": "#/components/parameters/agreement_id"}
    own = {"$ref": f"#/components/parameters/{part.kind}_id"}
    writes = problems(400, 401, 403, 404, 409, 412, 415, 422, 428)
    item_paths = item(part.kind, part.name, f"{part.kind}_id", "editors and admins")
    item_paths["parameters"] = [agreement, own]
    item_paths["delete"] = {
        "operationId": f"{part.delete_verb}_{part.kind}",
        "summary": part.delete_summary,
        "tags": [part.name],
        "parameters": [IF_MATCH],
        "responses": {**NO_CONTENT, **problems(*part.delete_problems)},
    }
    return {
        f"/agreements/{{agreement_id}}/{part.kind}s": {
            "parameters": [agreement],
            "get": {
                "operationId": f"list_{part.kind}s",
                "summary": part.list_summary,
                "tags": [part.name],
                "parameters": LIST_PARAMETERS,
                "responses": {**ok(f"{part.name}Page", "One page.", etag=False), **problems(400, 401, 404)},
            },
            "post": {
                "operationId": f"create_{part.kind}",
                "summary": part.create_summary,
                "tags": [part.name],
                "requestBody": body(f"{part.name}Input"),
                "responses": {**ok(part.name, "Added.", "201"), **writes},
            },
        },
        f"/agreements/{{agreement_id}}/{part.kind}s/{{{part.kind}_id}}": item_paths,
    }


ACTIONS = AgreementPart(
    "action",
    "Action",
    "The agreement's follow-up actions, soonest due first (undated last).",
    "Add a follow-up action to the agreement (editors and admins).",
    "cancel",
    "Cancel the action (editors and admins; If-Match required): it stays, with its history.",
    (401, 403, 404, 409, 412, 428),
)
CITATIONS = AgreementPart(
    "citation",
    "Citation",
    "The citations of the agreement's facts, in the order they were made.",
    "Cite a fact of the agreement to one of its sources or documents (editors and admins).",
    "delete",
    "Remove the citation (editors and admins; If-Match required); the history keeps it.",
    (401, 403, 404, 412, 428),
)


def document_paths() -> dict[str, Schema]:
    """The documents of one agreement: uploaded as multipart/form-data, downloaded as files; DELETE archives."""
    agreement = {"$ref": "#/components/parameters/agreement_id"}
    both = [agreement, {"$ref": "#/components/parameters/document_id"}]
    upload = {"required": True, "content": {"multipart/form-data": {"schema": ref("DocumentUpload")}}}
    file = {"description": "The file, as an attachment.", "content": {kind: {} for kind in DOCUMENT_TYPES}}
    tags = ["Document"]
    return {
        "/agreements/{agreement_id}/documents": {
            "parameters": [agreement],
            "get": {
                "operationId": "list_documents",
                "summary": "The agreement's documents, by their date (undated last).",
                "tags": tags,
                "parameters": LIST_PARAMETERS,
                "responses": {**ok("DocumentPage", "One page.", etag=False), **problems(400, 401, 404)},
            },
            "post": {
                "operationId": "upload_document",
                "summary": "Attach a file to the agreement (editors and admins); its text joins the search.",
                "tags": tags,
                "requestBody": upload,
                "responses": {**ok("Document", "Attached.", "201"), **problems(401, 403, 404, 409, 415, 422)},
            },
        },
        "/agreements/{agreement_id}/documents/{document_id}": {
            "parameters": both,
            "get": {
                "operationId": "get_document",
                "summary": "One document's record; the ETag changes when it is archived.",
                "tags": tags,
                "responses": {**ok("Document", "The record."), **problems(401, 404)},
            },
            "delete": {
                "operationId": "archive_document",
                "summary": "Archive the document (editors and admins; If-Match required): its file and history stay.",
                "tags": tags,
                "parameters": [IF_MATCH],
                "responses": {**NO_CONTENT, **problems(401, 403, 404, 409, 412, 428)},
            },
        },
        "/agreements/{agreement_id}/documents/{document_id}/fill": {
            "parameters": both,
            "post": {
                "operationId": "fill_from_document",
                "summary": "Fill in the period and parties the agreement's record lacks from what the document's text "
                "suggests (editors and admins; If-Match with the agreement's version); recorded values are never "
                "replaced.",
                "tags": tags,
                "parameters": [IF_MATCH],
                "responses": {
                    **ok("DocumentFill", "Filled in; the ETag is the agreement's."),
                    **problems(401, 403, 404, 409, 412, 422, 428),
                },
            },
        },
        "/agreements/{agreement_id}/documents/{document_id}/restore": {
            "parameters": both,
            "post": {
                "operationId": "restore_document",
                "summary": "Restore an archived document (admins); 409 while its agreement is archived.",
                "tags": tags,
                "responses": {**ok("Document", "Restored."), **problems(401, 403, 404, 409)},
            },
        },
        "/agreements/{agreement_id}/documents/{document_id}/file": {
            "parameters": both,
            "get": {
                "operationId": "download_document",
                "summary": "Download the file as uploaded (Content-Disposition: attachment).",
                "tags": tags,
                "responses": {"200": file, **problems(401, 404)},
            },
        },
        "/agreements/{agreement_id}/documents/{document_id}/suggestions": {
            "parameters": both,
            "get": {
                "operationId": "document_suggestions",
                "summary": "What the document's text suggests for the record: parties, periods, cues, sectors.",
                "tags": tags,
                "responses": {**ok("DocumentSuggestions", "The suggestions.", etag=False), **problems(401, 404)},
            },
        },
    }


def inbox_paths() -> dict[str, Schema]:
    """The news inbox (editors and admins): list by state, read, dismiss, link to an agreement."""
    item_id = {"$ref": "#/components/parameters/item_id"}
    states = query("state", {"enum": values(InboxState)}, "Items in any of these states (default: new).", True)
    tags = ["Inbox"]

    def triage(operation_id: str, summary: str, extra: Schema, *codes: int) -> Schema:
        answer = {**ok("InboxItem", "The item, triaged.", etag=False), **problems(401, 403, 404, 409, *codes)}
        return {
            "parameters": [item_id],
            "post": {"operationId": operation_id, "summary": summary, "tags": tags, **extra, "responses": answer},
        }

    return {
        "/inbox": {
            "get": {
                "operationId": "list_inbox",
                "summary": "The inbox's items in the states asked for (those waiting by default), best match first.",
                "tags": tags,
                "parameters": [states, *LIST_PARAMETERS],
                "responses": {**ok("InboxItemPage", "One page.", etag=False), **problems(400, 401, 403)},
            },
        },
        "/inbox/{item_id}": {
            "parameters": [item_id],
            "get": {
                "operationId": "get_inbox_item",
                "summary": "One item, whatever its state.",
                "tags": tags,
                "responses": {**ok("InboxItem", "The item.", etag=False), **problems(401, 403, 404)},
            },
        },
        "/inbox/{item_id}/dismiss": triage(
            "dismiss_inbox_item", "Dismiss a waiting item: it never comes back (409 once triaged).", {}
        ),
        "/inbox/{item_id}/link": triage(
            "link_inbox_item",
            "Record a waiting item's page as a source and link it to the agreement with the note (409 once "
            "triaged); Location names the new link.",
            {"requestBody": body("InboxLinkInput")},
            400,
            415,
            422,
        ),
    }


def conflict_paths() -> dict[str, Schema]:
    """Conflicting reports: listed open first, read, resolved (editors and admins)."""
    item = [{"$ref": "#/components/parameters/conflict_id"}]
    filters = [
        query("state", {"enum": values(ConflictState)}, "Only open or only resolved conflicts (default: both)."),
        query("agreement", an_id(), "Only the conflicts of this agreement."),
    ]
    tags = ["Conflict"]
    return {
        "/conflicts": {
            "get": {
                "operationId": "list_conflicts",
                "summary": "Conflicts of live agreements: open first (found now before no longer found), newest first.",
                "tags": tags,
                "parameters": filters + LIST_PARAMETERS,
                "responses": {**ok("ConflictPage", "One page.", etag=False), **problems(400, 401)},
            },
        },
        "/conflicts/{conflict_id}": {
            "parameters": item,
            "get": {
                "operationId": "get_conflict",
                "summary": "One conflict with its claims.",
                "tags": tags,
                "responses": {**ok("Conflict", "The conflict.", etag=False), **problems(401, 404)},
            },
        },
        "/conflicts/{conflict_id}/resolve": {
            "parameters": item,
            "post": {
                "operationId": "resolve_conflict",
                "summary": "Resolve the conflict (editors and admins): the preferred claim and why; the agreement's "
                "history records it. 409 when already resolved.",
                "tags": tags,
                "requestBody": body("ConflictResolution"),
                "responses": {**ok("Conflict", "Resolved.", etag=False), **problems(400, 401, 403, 404, 409, 415, 422)},
            },
        },
    }


def outcome_paths() -> dict[str, Schema]:
    """Recording a renewal, a termination or a non-renewal of an agreement: If-Match names its version."""
    agreement = {"$ref": "#/components/parameters/agreement_id"}
    writes = problems(400, 401, 403, 404, 409, 412, 415, 422, 428)

    def operation(operation_id: str, summary: str, schema: str, answer: Schema) -> Schema:
        post = {"operationId": operation_id, "summary": summary, "tags": ["Agreement"], "parameters": [IF_MATCH]}
        return {"parameters": [agreement], "post": {**post, "requestBody": body(schema), "responses": answer}}

    return {
        "/agreements/{agreement_id}/renewal": operation(
            "record_renewal",
            "Record the agreement's renewal (editors and admins; If-Match with its version): creates the new "
            "agreement, relates it (new renews old), and sets the old one's renewal to renewed and its status.",
            "RenewalInput",
            {**ok("Agreement", "The new agreement.", "201"), **writes},
        ),
        "/agreements/{agreement_id}/termination": operation(
            "record_termination",
            "Record the agreement's termination (editors and admins; If-Match with its version).",
            "TerminationInput",
            {**ok("Agreement", "The agreement, terminated."), **writes},
        ),
        "/agreements/{agreement_id}/non-renewal": operation(
            "record_non_renewal",
            "Record that the agreement is not renewed (editors and admins; If-Match with its version).",
            "NonRenewalInput",
            {**ok("Agreement", "The agreement."), **writes},
        ),
    }


def bulk_paths() -> dict[str, Schema]:
    """One change to many agreements: editors and admins, all or nothing."""
    post = {
        "operationId": "bulk_agreements",
        "summary": "Change many agreements at once (editors and admins): their status, renewal, responsible officer "
        "or sectors, or archive them; one transaction, one history entry per agreement changed.",
        "tags": ["Agreement"],
        "requestBody": body("BulkChangeInput"),
        "responses": {
            **ok("BulkChangeResult", "Done; each agreement's outcome.", etag=False),
            **problems(400, 401, 403, 404, 412, 415, 422),
        },
    }
    return {"/agreements/bulk": {"post": post}}


def saved_query_paths() -> dict[str, Schema]:
    """Saved queries: one's own and the shared ones; only the owner replaces one (no If-Match: not versioned)."""
    tags = ["SavedQuery"]
    writes = problems(400, 401, 403, 404, 409, 415, 422)
    return {
        "/saved-queries": {
            "get": {
                "operationId": "list_saved_queries",
                "summary": "The token's user's saved queries, then those others share, by name.",
                "tags": tags,
                "parameters": LIST_PARAMETERS,
                "responses": {**ok("SavedQueryPage", "One page.", etag=False), **problems(400, 401)},
            },
            "post": {
                "operationId": "create_saved_query",
                "summary": "Save a query of the agreement list under a name (any role).",
                "tags": tags,
                "requestBody": body("SavedQueryInput"),
                "responses": {**ok("SavedQuery", "Saved.", "201", etag=False), **problems(400, 401, 409, 415, 422)},
            },
        },
        "/saved-queries/{saved_id}": {
            "parameters": [{"$ref": "#/components/parameters/saved_query_id"}],
            "get": {
                "operationId": "get_saved_query",
                "summary": "One's own or a shared saved query, with how many agreements it matches now.",
                "tags": tags,
                "responses": {**ok("SavedQueryCounted", "The saved query.", etag=False), **problems(401, 404)},
            },
            "put": {
                "operationId": "update_saved_query",
                "summary": "Replace one's own saved query: rename, re-point, share or unshare (403: someone else's).",
                "tags": tags,
                "requestBody": body("SavedQueryInput"),
                "responses": {**ok("SavedQuery", "Saved.", etag=False), **writes},
            },
            "delete": {
                "operationId": "delete_saved_query",
                "summary": "Delete one's own saved query; admins may delete a shared one.",
                "tags": tags,
                "responses": {**NO_CONTENT, **problems(401, 403, 404)},
            },
        },
    }


def resource_paths(kind: str, name: str, plural: str, filters: list[Schema], who: str) -> dict[str, Schema]:
    """Collection, item and restore paths of one kind of record."""
    id_name = f"{kind}_id"
    return {
        f"/{plural}": collection(kind, name, filters, who),
        f"/{plural}/{{{id_name}}}": item(kind, name, id_name, who),
        f"/{plural}/{{{id_name}}}/restore": restore(kind, name, id_name),
    }


DESCRIPTION = """\
Manage agreements, parties, sources, sectors, the links between agreements and sources, and the documents attached
to agreements.

* **Authentication**: `Authorization: Bearer <token>`, with a personal token made on the
  "API tokens" page (/account/tokens) or by `flask --app app create-token EMAIL`. The token's user's
  role applies as in the interface: viewers read, editors write, admins also restore and edit sectors.
* **Versions**: reads return an `ETag` (`W/"<version>"`). PUT, PATCH and DELETE require `If-Match`
  with it: 428 when missing, 412 when the record changed since.
* **Errors**: RFC 9457 problem details (`application/problem+json`), with `errors: [{field, message}]`
  for field-level problems.
* **Lists**: `page` (from 1) and `per_page` (10, 25, 50 or 100); the answer gives `total` and `pages`.
  Unknown query parameters are ignored; unknown body fields are refused (422).
* **Delete** archives: the record leaves every list and keeps its history; admins restore it with
  POST `.../restore`. Deleting a link removes it. A document is archived (its file stays).
* **The news inbox** (editors and admins): `GET /inbox?state=new` lists what the feeds brought, best match first;
  `POST /inbox/{item_id}/link` with `{"agreement_id", "note"}` records the page as a source linked to the agreement,
  `POST /inbox/{item_id}/dismiss` leaves it out for good.
* **Documents** are uploaded as `multipart/form-data` (the file in `file`) and downloaded from their `file_url`.
"""


@cache
def document() -> Schema:
    """The whole OpenAPI document (built once; callers must not change it)."""
    paths = {
        # Before /agreements/{agreement_id}, which its path would also match: a literal path is matched first.
        **bulk_paths(),
        **resource_paths("agreement", "Agreement", "agreements", AGREEMENT_FILTERS, "editors and admins"),
        **link_paths(),
        **agreement_part_paths(ACTIONS),
        **agreement_part_paths(CITATIONS),
        **document_paths(),
        **conflict_paths(),
        **outcome_paths(),
        **inbox_paths(),
        **resource_paths("party", "Party", "parties", PARTY_FILTERS, "editors and admins"),
        **resource_paths("source", "Source", "sources", SOURCE_FILTERS, "editors and admins"),
        **resource_paths("sector", "Sector", "sectors", [], "admins"),
        **saved_query_paths(),
    }
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {"title": "Cooperation Tracker API", "version": VERSION, "description": DESCRIPTION},
        "servers": [{"url": BASE_PATH}],
        "security": [{"bearerAuth": []}],
        "paths": {
            **paths,
            "/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document.",
                    "tags": ["Meta"],
                    "security": [],
                    "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {}}}},
                }
            },
        },
        "components": {
            "schemas": SCHEMAS,
            "parameters": PARAMETERS,
            "responses": RESPONSES,
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "description": "A personal API token."}
            },
        },
    }
