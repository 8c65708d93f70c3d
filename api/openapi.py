"""The OpenAPI document, corrected to say what the API does.

FastAPI documents request validation errors as its own `HTTPValidationError` and gives error
responses the media type of the route's response class; this API answers every error with
`ErrorBody` as JSON, and a body it cannot even parse with 400. With a read key configured,
the read operations declare the key too.
"""

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from api.access import API_KEY_HEADER, rule_for

ERROR_REF = {"$ref": "#/components/schemas/ErrorBody"}
FASTAPI_ERRORS = ("HTTPValidationError", "ValidationError")
SCHEME = "APIKeyHeader"
MALFORMED = {
    "description": "Malformed body (not UTF-8, broken JSON framing or multipart)",
    "content": {"application/json": {"schema": ERROR_REF}},
}


def install_openapi(app: FastAPI, read_key_set: Callable[[], bool]) -> None:
    """Replace `app.openapi` by a builder that applies the corrections (once, then cached)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            app.openapi_schema = corrected(spec, read_key_set())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def corrected(spec: dict[str, Any], read_key_set: bool) -> dict[str, Any]:
    """`spec` with JSON `ErrorBody` error responses and, if set, the read key declared."""
    for path, operations in spec.get("paths", {}).items():
        for method, operation in operations.items():
            if "requestBody" in operation:
                operation["responses"].setdefault("400", dict(MALFORMED))
            for status, response in operation.get("responses", {}).items():
                if status.startswith(("4", "5")) and _is_error_body(response):
                    response["content"] = {"application/json": {"schema": ERROR_REF}}
                    response.setdefault("description", "Error")
            if read_key_set and rule_for(method.upper(), path) == "read":
                operation["security"] = [{SCHEME: []}]
    schemas = spec.get("components", {}).get("schemas", {})
    for name in FASTAPI_ERRORS:
        schemas.pop(name, None)
    if read_key_set:
        schemes = spec.setdefault("components", {}).setdefault("securitySchemes", {})
        schemes.setdefault(SCHEME, {"type": "apiKey", "in": "header", "name": API_KEY_HEADER})
    return spec


def _is_error_body(response: dict[str, Any]) -> bool:
    refs = [
        str(media.get("schema", {}).get("$ref", ""))
        for media in response.get("content", {}).values()
    ]
    return any(ref.endswith(("/ErrorBody", *(f"/{n}" for n in FASTAPI_ERRORS))) for ref in refs)
