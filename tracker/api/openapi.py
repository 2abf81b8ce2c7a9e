"""The OpenAPI 3.1 description of the JSON API, written by hand; request bodies are validated against it.

The same schemas serve three readers: clients (GET /api/v1/openapi.json), the API itself (`validate_body`
checks every request body against the `...Input` schemas, so the document cannot drift from what is
accepted), and the tests (every response is checked against the schema documented for it).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from tracker.dates import MAX_YEAR, MIN_YEAR
from tracker.documents import DOCUMENT_TYPES
from tracker.forms.agreements import NOTICE_NOT_RECORDED, NOTICE_RECORDED, PER_PAGE_CHOICES
from tracker.models import (
    MAX_ID,
    AgreementStatus,
    AutoRenewal,
    DocumentKind,
    ImplementationStatus,
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
from tracker.records.fields import Kind, Spec, max_length, plain_specs, reference_specs, spec_of
from tracker.records.party import PartyData
from tracker.records.sector import SectorData
from tracker.records.source import LinkData, SourceData
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
    (*READ_ONLY_COMMON, "sources", "current_term"),
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
        },
        f"One page of {item} records.",
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
    "Document": DOCUMENT,
    "DocumentUpload": DOCUMENT_UPLOAD,
    "DocumentPage": page_of("Document"),
    "DocumentSuggestions": DOCUMENT_SUGGESTIONS,
    "NamedMatch": NAMED_MATCH,
    "Cue": CUE,
    "RenewalInput": RENEWAL_INPUT,
    "TerminationInput": TERMINATION_INPUT,
    "NonRenewalInput": NON_RENEWAL_INPUT,
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
    query("party", an_id(), "A party id: agreements it or any unit under it takes part in."),
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


def action_paths() -> dict[str, Schema]:
    """The follow-up actions of one agreement; DELETE cancels."""
    agreement = {"$ref": "#/components/parameters/agreement_id"}
    action = {"$ref": "#/components/parameters/action_id"}
    writes = problems(400, 401, 403, 404, 409, 412, 415, 422, 428)
    item_paths = item("action", "Action", "action_id", "editors and admins")
    item_paths["parameters"] = [agreement, action]
    item_paths["delete"] = {
        "operationId": "cancel_action",
        "summary": "Cancel the action (editors and admins; If-Match required): it stays, with its history.",
        "tags": ["Action"],
        "parameters": [IF_MATCH],
        "responses": {**NO_CONTENT, **problems(401, 403, 404, 409, 412, 428)},
    }
    return {
        "/agreements/{agreement_id}/actions": {
            "parameters": [agreement],
            "get": {
                "operationId": "list_actions",
                "summary": "The agreement's follow-up actions, soonest due first (undated last).",
                "tags": ["Action"],
                "parameters": LIST_PARAMETERS,
                "responses": {**ok("ActionPage", "One page.", etag=False), **problems(400, 401, 404)},
            },
            "post": {
                "operationId": "create_action",
                "summary": "Add a follow-up action to the agreement (editors and admins).",
                "tags": ["Action"],
                "requestBody": body("ActionInput"),
                "responses": {**ok("Action", "Added.", "201"), **writes},
            },
        },
        "/agreements/{agreement_id}/actions/{action_id}": item_paths,
    }


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
* **Documents** are uploaded as `multipart/form-data` (the file in `file`) and downloaded from their `file_url`.
"""


@cache
def document() -> Schema:
    """The whole OpenAPI document (built once; callers must not change it)."""
    paths = {
        **resource_paths("agreement", "Agreement", "agreements", AGREEMENT_FILTERS, "editors and admins"),
        **link_paths(),
        **action_paths(),
        **document_paths(),
        **outcome_paths(),
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
