"""Reading request bodies: JSON only, cleaned like form input, checked against the OpenAPI schemas."""

from __future__ import annotations

import json
from functools import cache
from typing import TYPE_CHECKING, Any

from flask import request

from tracker.api.openapi import document
from tracker.api.problems import ApiError, field_error
from tracker.i18n import _

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema import ValidationError as SchemaError

JSON_TYPES = ("application/json", "application/merge-patch+json")


def read_json() -> Any:
    """The request's JSON body: 415 for another media type, 400 when it does not parse."""
    if request.mimetype not in JSON_TYPES and not request.mimetype.endswith("+json"):
        raise ApiError(415, str(_("Send the body as JSON, with Content-Type: application/json.")))
    try:
        # Cached: a view rerun after a transient database failure reads the body again.
        return json.loads(request.get_data(), parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as exc:
        raise ApiError(400, str(_("The body is not valid JSON.")), [field_error("", _("Malformed JSON."))]) from exc


def _refuse_constant(name: str) -> None:
    """NaN and Infinity are not JSON, though Python's parser takes them."""
    raise ValueError(name)


def read_object() -> dict[str, Any]:
    """The JSON body as an object, cleaned (see `clean`)."""
    data = read_json()
    if not isinstance(data, dict):
        raise ApiError(422, str(_("The body must be a JSON object.")), [field_error("", _("Expected an object."))])
    return clean(data)


def clean(value: Any, path: str = "") -> Any:
    """Strings stripped of surrounding whitespace and NUL characters (as forms do); unencodable text refused."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            message = _("Text must be valid Unicode.")
            raise ApiError(422, str(message), [field_error(path, message)]) from exc
        return value.replace("\x00", "").strip()
    if isinstance(value, list):
        return [clean(item, f"{path}[{index}]") for index, item in enumerate(value)]
    if isinstance(value, dict):
        return {key: clean(item, join(path, key)) for key, item in value.items()}
    return value


def join(path: str, key: Any) -> str:
    """A field path: "parties[0].role"."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


@cache
def validator(schema_name: str) -> Draft202012Validator:
    """A JSON Schema 2020-12 validator for one component schema, resolving its references in the document."""
    # Imported at the first API write, not with the app: jsonschema and its references are ~30 modules of every start.
    from jsonschema import Draft202012Validator

    components = document()["components"]
    return Draft202012Validator({"$ref": f"#/components/schemas/{schema_name}", "components": components})


def validate(data: dict[str, Any], schema_name: str) -> dict[str, Any]:
    """`data` when it follows the schema; otherwise 422 naming every field at fault."""
    errors = sorted(validator(schema_name).iter_errors(data), key=lambda error: list(error.absolute_path))
    if errors:
        found = [field_error(error_field(error), message_for(error)) for error in errors]
        raise ApiError(422, str(_("Some fields are not valid.")), _unique(found))
    return data


def error_field(error: SchemaError) -> str:
    """The path of the field a schema error is about; an unknown or missing field is named itself."""
    path = ""
    for key in error.absolute_path:
        path = join(path, key)
    if error.validator == "required":
        return join(path, _quoted_name(error.message))
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return join(path, extra[0]) if extra else path
    return path


def _quoted_name(message: str) -> str:
    """The property named first in quotes by jsonschema's "'title' is a required property"."""
    return message.split("'")[1] if message.count("'") >= 2 else ""


def message_for(error: SchemaError) -> str:
    """A translated message for a schema error, by the keyword that failed."""
    schema, keyword = error.schema, error.validator
    messages = {
        "required": lambda: _("This field is required."),
        "additionalProperties": lambda: _("Unknown field."),
        "type": lambda: _("Expected %(type)s.", type=_type_names(schema.get("type"))),
        "enum": lambda: _("Use one of: %(values)s.", values=", ".join(map(str, schema["enum"]))),
        "maxLength": lambda: _("At most %(limit)s characters.", limit=schema["maxLength"]),
        "minLength": lambda: _("This field may not be empty."),
        "maxItems": lambda: _("At most %(limit)s items.", limit=schema["maxItems"]),
        "minimum": lambda: _("At least %(limit)s.", limit=schema["minimum"]),
        "maximum": lambda: _("At most %(limit)s.", limit=schema["maximum"]),
        "pattern": lambda: _pattern_message(schema),
    }
    return str(messages.get(str(keyword), lambda: _("Not valid."))())


def _type_names(kind: Any) -> str:
    """ "string or null" from a schema's type."""
    kinds = kind if isinstance(kind, list) else [kind]
    return " / ".join(str(name) for name in kinds)


def _pattern_message(schema: dict[str, Any]) -> Any:
    """What a pattern wants, in words."""
    return _("Not in the expected form: %(hint)s", hint=schema.get("description", schema.get("pattern", "")))


def _unique(errors: list[dict[str, str]]) -> list[dict[str, str]]:
    """The errors without repeats, in order."""
    seen: list[dict[str, str]] = []
    for error in errors:
        if error not in seen:
            seen.append(error)
    return seen


def read_input(schema_name: str) -> dict[str, Any]:
    """A cleaned, validated JSON object body."""
    return validate(read_object(), schema_name)


def read_patch(current: dict[str, Any], schema_name: str) -> dict[str, Any]:
    """A PATCH body merged over the record's current writable fields, validated as a whole (JSON merge patch)."""
    patch = validate(read_object(), schema_name.replace("Input", "Patch"))
    return validate({**current, **patch}, schema_name)
