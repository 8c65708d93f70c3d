"""Turn domain errors into JSON responses with a clear message; never leak a stack trace.

Every error body is ``{"error": <code>, "message": <for the user>, "detail": <extra>}``.
"""

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.ask_queue import QueueFullError
from api.messages import describe, language_of, text
from rag import prompts
from rag.errors import (
    ConfigurationError,
    DocumentError,
    DocumentNotFoundError,
    DuplicateDocumentError,
    EmbedderUnavailableError,
    IndexBuildingError,
    IndexNotReadyError,
    InvalidQuestionError,
    RequestTooLargeError,
    SectorwijzerError,
    UnsupportedFileError,
)

log = logging.getLogger("sectorwijzer.api")

# Pydantic error types of an empty or blank `question` (min_length, pattern).
_BLANK = {"string_too_short", "string_pattern_mismatch"}
BAD_TEXT = "lone surrogate"
# Seconds a client should wait before asking again while the index is being built: the
# shipped corpus is ready in seconds (its embeddings are shipped), uploads take longer.
BUILDING_RETRY_AFTER = "5"

# Most specific first: the first matching class decides.
STATUSES: list[tuple[type[SectorwijzerError], int, str]] = [
    (InvalidQuestionError, 422, "invalid_question"),
    (RequestTooLargeError, 413, "request_too_large"),
    (UnsupportedFileError, 415, "unsupported_file"),
    (DuplicateDocumentError, 409, "duplicate_document"),
    (DocumentError, 422, "unreadable_document"),
    (DocumentNotFoundError, 404, "unknown_document"),
    (IndexNotReadyError, 503, "index_not_ready"),
    (EmbedderUnavailableError, 503, "embedder_unavailable"),
    (ConfigurationError, 500, "configuration_error"),
]


class AccessDeniedError(Exception):
    """A write without the right API key (401) or, with no key configured, not from loopback."""

    def __init__(self, status: int, message_name: str) -> None:
        super().__init__(message_name)
        self.status = status
        self.message_name = message_name


def error_body(code: str, message: str, detail: Any = None) -> dict[str, Any]:
    """The JSON shape of every error response."""
    return {"error": code, "message": message, "detail": detail}


def status_of(exc: SectorwijzerError) -> tuple[int, str]:
    """HTTP status and error code for a domain error."""
    for cls, status, code in STATUSES:
        if isinstance(exc, cls):
            return status, code
    return 400, "error"


def install_error_handlers(app: FastAPI) -> None:
    """Register the exception handlers on `app` (the middleware is in `api.middleware`)."""
    # Starlette types handlers as taking any Exception, hence the ignores.
    app.add_exception_handler(SectorwijzerError, _domain)  # type: ignore[arg-type]
    app.add_exception_handler(AccessDeniedError, _access)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, _http)  # type: ignore[arg-type]
    app.add_exception_handler(QueueFullError, _queue_full)  # type: ignore[arg-type]


def language_in(scope: Scope) -> str:
    """'en' or 'nl' from the Accept-Language header of an ASGI scope."""
    return language_of(Headers(scope=scope).get("accept-language"))


def _language(request: Request) -> str:
    return language_of(request.headers.get("accept-language"))


async def _domain(request: Request, exc: SectorwijzerError) -> JSONResponse:
    status, code = status_of(exc)
    body = error_body(code, describe(exc, _language(request)), exc.message)
    building = isinstance(exc, IndexBuildingError)
    headers = {"Retry-After": BUILDING_RETRY_AFTER} if building else None
    return JSONResponse(body, status_code=status, headers=headers)


def access_response(exc: AccessDeniedError, language: str) -> JSONResponse:
    """401 (with `WWW-Authenticate`) or 403 for a refused request."""
    code = "unauthorized" if exc.status == 401 else "forbidden"
    body = error_body(code, text(exc.message_name, language))
    headers = {"WWW-Authenticate": "X-API-Key"} if exc.status == 401 else None
    return JSONResponse(body, status_code=exc.status, headers=headers)


async def _access(request: Request, exc: AccessDeniedError) -> JSONResponse:
    return access_response(exc, _language(request))


async def _queue_full(request: Request, exc: QueueFullError) -> JSONResponse:
    seconds = exc.retry_after
    body = error_body("server_busy", text("server_busy", _language(request), seconds=seconds))
    return JSONResponse(body, status_code=503, headers={"Retry-After": str(seconds)})


async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    language = _language(request)
    errors = [
        {
            "field": _clean(".".join(str(p) for p in e.get("loc", ())[1:])),
            "problem": _clean(str(e.get("msg"))),
        }
        for e in exc.errors()
    ]
    if any(
        e.get("type") == "string_unicode" or BAD_TEXT in str(e.get("msg")) for e in exc.errors()
    ):
        return JSONResponse(error_body("invalid_text", text("bad_text", language)), 422)
    for field, template in (("question", "empty_question"), ("topic", "empty_topic")):
        if any(
            tuple(e.get("loc", ()))[1:] == (field,) and e.get("type") in _BLANK
            for e in exc.errors()
        ):
            message = prompts.render(template, language)
            return JSONResponse(error_body("invalid_question", message, errors), status_code=422)
    details = "; ".join(f"{e['field'] or 'body'}: {e['problem']}" for e in errors)
    body = error_body("invalid_request", text("invalid_request", language, details=details), errors)
    return JSONResponse(body, status_code=422)


def _clean(value: str) -> str:
    """`value` without lone surrogates (field names come from the client and may hold them)."""
    return value.encode("utf-8", "replace").decode("utf-8")


async def _http(request: Request, exc: HTTPException) -> JSONResponse:
    language = _language(request)
    if exc.status_code == 404:
        body = error_body("not_found", text("not_found", language))
    elif exc.status_code == 405:
        allowed = (exc.headers or {}).get("Allow", "")
        message = text("method_not_allowed", language, method=request.method, allowed=allowed)
        body = error_body("method_not_allowed", message)
    elif exc.status_code == 400:
        body = error_body("invalid_request", text("unreadable_body", language), str(exc.detail))
    else:
        body = error_body("http_error", str(exc.detail))
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


def error_response(scope: Scope, status: int, code: str, name: str, **values: object) -> Response:
    """An error in the project's shape for middleware, which has no `Request` or handlers."""
    message = text(name, language_in(scope), **values)
    return JSONResponse(error_body(code, message), status_code=status)


class CatchAllMiddleware:
    """Answer an unexpected exception with a JSON 500 (the traceback goes to the log only)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            log.exception("unexpected error on %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            await _send_internal_error(scope, send)


async def _send_internal_error(scope: Scope, send: Send) -> None:
    headers = dict(scope.get("headers") or [])
    language = language_of(headers.get(b"accept-language", b"").decode("latin-1"))
    payload = json.dumps(error_body("internal_error", text("internal_error", language)))
    await send(
        {
            "type": "http.response.start",
            "status": 500,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": payload.encode()})
