"""The OpenAPI document says what the API really answers: every operation lists the error
statuses the plumbing gives it (problem+json, RFC 9457), and every integer input carries the
range that ``tcx.api.inputs`` enforces. Endpoints declare their success answers and any error
that is theirs alone; the statuses every endpoint shares are added here, once."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from tcx.api.inputs import MAX_INTEGER
from tcx.api.problems import PROBLEM_CONTENT_TYPE, PROBLEM_SCHEMA

PROBLEM_REF = "#/components/schemas/Problem"
BODY_METHODS = {"post", "put", "patch"}

# status -> (description, applies to the operation?)
COMMON_ERRORS: dict[int, str] = {
    400: "The body is not what its content type says (malformed JSON, not UTF-8), or a header is malformed.",
    401: "No valid credentials: send an unexpired, unrevoked API token as 'Authorization: Bearer <token>', "
    "or a signed-in (MFA-verified) session.",
    403: "Authenticated, but not allowed: a read-only token that writes, a role that may not do this, "
    "or a session write without its CSRF token.",
    404: "Not found, or not visible to the caller (TCX answers both alike, so existence does not leak).",
    413: "The body is larger than the API accepts; `limit` gives the limit in bytes.",
    415: "The body's content type is not accepted (send application/json, or multipart/form-data for files).",
    422: "The input is wrong: `errors` names each field and what is wrong with it (a limit, a type, "
    "an unknown field, a NUL character, an integer out of range, a rule of the service).",
    429: "Too many requests (failed authentications) from this client or for this account: retry later.",
}


def _codes_for(method: str, operation: dict[str, Any]) -> list[int]:
    codes = [403, 404, 413]
    if operation.get("security"):
        codes += [401, 429]
    if method in BODY_METHODS:
        codes += [400, 415, 422]
    elif operation.get("parameters") or operation.get("requestBody"):
        codes.append(422)
    return sorted(codes)


def _problem_response(status: int) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": COMMON_ERRORS[status],
        "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": PROBLEM_REF}}},
    }
    if status == 401:
        response["headers"] = {
            "WWW-Authenticate": {
                "description": "The scheme to authenticate with",
                "schema": {"type": "string"},
            }
        }
    return response


def _subschemas(schema: Any) -> Iterator[dict[str, Any]]:
    """A JSON schema and every schema nested in it (not following $ref)."""
    if not isinstance(schema, dict):
        return
    yield schema
    for key in ("properties", "patternProperties", "$defs"):
        for child in (schema.get(key) or {}).values():
            yield from _subschemas(child)
    for key in ("items", "additionalProperties", "not", "contains", "propertyNames"):
        yield from _subschemas(schema.get(key))
    for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
        for child in schema.get(key) or []:
            yield from _subschemas(child)


def _refs(schema: Any) -> Iterator[str]:
    for sub in _subschemas(schema):
        if "$ref" in sub:
            yield sub["$ref"].rsplit("/", 1)[-1]


def _bound_integers(schema: dict[str, Any]) -> None:
    for sub in _subschemas(schema):
        if sub.get("type") == "integer":
            sub.setdefault("minimum", -MAX_INTEGER)
            sub.setdefault("maximum", MAX_INTEGER)


def _input_schemas(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The schemas clients send: parameters, request bodies, and the components they use."""
    inline: list[dict[str, Any]] = []
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            inline += [p["schema"] for p in operation.get("parameters", []) if "schema" in p]
            for media in operation.get("requestBody", {}).get("content", {}).values():
                if "schema" in media:
                    inline.append(media["schema"])
    components = document.get("components", {}).get("schemas", {})
    seen: set[str] = set()
    pending = [name for schema in inline for name in _refs(schema)]
    while pending:
        name = pending.pop()
        if name in seen or name not in components:
            continue
        seen.add(name)
        pending += list(_refs(components[name]))
    return inline + [components[name] for name in sorted(seen)]


def document_errors(document: dict[str, Any]) -> dict[str, Any]:
    """Add the shared error answers to every operation and the enforced integer range to every
    integer input; what an endpoint declares itself is kept."""
    for schema in _input_schemas(document):
        _bound_integers(schema)
    document.setdefault("components", {}).setdefault("schemas", {})["Problem"] = copy.deepcopy(PROBLEM_SCHEMA)
    for operations in document.get("paths", {}).values():
        for method, operation in operations.items():
            # ninja keys the declared answers by int; JSON has string keys only
            responses = {str(code): answer for code, answer in operation.get("responses", {}).items()}
            operation["responses"] = responses
            for status in _codes_for(method, operation):
                responses.setdefault(str(status), _problem_response(status))
    return document
