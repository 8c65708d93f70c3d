"""Who may do what; checked by `AccessGuard` before a request's body is read.

- Writes (upload, delete, the feedback export, and the UI's file upload route): with
  `SECTORWIJZER_API_KEY` set, the request must send it as header `X-API-Key` (else 401); with
  no key set, only the machine itself (a loopback address) may write (else 403).
- Reads (ask, list and show documents, rate an answer) are open, unless
  `SECTORWIJZER_READ_KEY` is set: then `X-API-Key` must be the read key or the write key (else
  401).
- Browsers: a request with an unsafe method (POST, PUT, PATCH, DELETE) sent by a page of
  another site is refused (403): its `Origin` must be the app's own (the `Host` or
  `X-Forwarded-Host` it was sent to) or be listed in `SECTORWIJZER_ALLOWED_ORIGINS`, and
  `Sec-Fetch-Site` must not say `cross-site` or `same-site`.

Keys are compared in constant time. The UI applies the write rule through `write_denial`.
"""

import hmac
import ipaddress
import re
from collections.abc import Callable
from typing import Literal
from urllib.parse import urlsplit

from fastapi import Request, Security
from fastapi.security import APIKeyHeader
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from api.errors import AccessDeniedError, access_response, language_in
from rag.config import Settings

API_KEY_HEADER = "X-API-Key"
api_key_header = APIKeyHeader(
    name=API_KEY_HEADER,
    auto_error=False,
    description="Required for writes when SECTORWIJZER_API_KEY is set, and for reads too "
    "when SECTORWIJZER_READ_KEY is set",
)
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
Rule = Literal["write", "read"]
# (method, path) of every route a rule applies to; paths may end in a slash.
RULES: list[tuple[str, re.Pattern[str], Rule]] = [
    ("POST", re.compile(r"/api/documents/?"), "write"),
    ("DELETE", re.compile(r"/api/documents/.+"), "write"),
    ("GET", re.compile(r"/api/feedback/export/?"), "write"),
    ("POST", re.compile(r"(/.*)?/gradio_api/upload/?"), "write"),
    ("POST", re.compile(r"/api/ask(/stream)?/?"), "read"),
    ("POST", re.compile(r"/api/feedback/?"), "read"),
    ("GET", re.compile(r"/api/documents(/.*)?"), "read"),
]


def is_loopback(host: str | None) -> bool:
    """True for 127.0.0.0/8 and ::1 (also IPv4-mapped); False for names and unknown clients."""
    if not host:
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or bool(mapped and mapped.is_loopback)


def key_matches(supplied: str | None, *keys: str | None) -> bool:
    """Whether `supplied` equals one of the configured `keys`, compared in constant time."""
    given = (supplied or "").encode("utf-8", "replace")
    found = False
    for key in keys:
        if key:
            found |= hmac.compare_digest(given, key.encode("utf-8", "replace"))
    return found


def write_denial(
    client_host: str | None, supplied_key: str | None, configured_key: str | None
) -> AccessDeniedError | None:
    """None when the write is allowed, else the error that explains why not."""
    if configured_key:
        return (
            None if key_matches(supplied_key, configured_key) else AccessDeniedError(401, "no_key")
        )
    if is_loopback(client_host):
        return None
    return AccessDeniedError(403, "loopback_only")


def read_denial(supplied_key: str | None, settings: Settings) -> AccessDeniedError | None:
    """None when reading is allowed (no read key set, or the read or write key sent)."""
    if not settings.read_key or key_matches(supplied_key, settings.read_key, settings.api_key):
        return None
    return AccessDeniedError(401, "no_read_key")


def allowed_origins(settings: Settings) -> set[str]:
    """`SECTORWIJZER_ALLOWED_ORIGINS` (comma-separated) as normalised origins."""
    return {_normal(o) for o in settings.allowed_origins.split(",") if o.strip()}


def origin_denial(headers: Headers, settings: Settings) -> AccessDeniedError | None:
    """None unless the request was sent by a page of another site (see the module docs)."""
    origin = headers.get("origin")
    trusted = origin is not None and (
        _normal(origin) in allowed_origins(settings) or _host_of(origin) in _own_hosts(headers)
    )
    cross_site = headers.get("sec-fetch-site", "").lower() in ("cross-site", "same-site")
    if (origin is not None and not trusted) or (cross_site and not trusted):
        return AccessDeniedError(403, "cross_origin")
    return None


def rule_for(method: str, path: str) -> Rule | None:
    """Which rule applies to a request, if any."""
    for rule_method, pattern, rule in RULES:
        if method == rule_method and pattern.fullmatch(path):
            return rule
    return None


def request_denial(
    method: str, path: str, headers: Headers, client_host: str | None, settings: Settings
) -> AccessDeniedError | None:
    """The origin rule for unsafe methods, then the write or read rule of the route."""
    if method in UNSAFE_METHODS:
        denial = origin_denial(headers, settings)
        if denial is not None:
            return denial
    rule = rule_for(method, path)
    key = headers.get(API_KEY_HEADER)
    if rule == "write":
        return write_denial(client_host, key, settings.api_key)
    if rule == "read":
        return read_denial(key, settings)
    return None


class AccessGuard:
    """ASGI middleware: refuse a request before its body is read (a 2 GB upload without a key
    is answered at once instead of being spooled to disk first)."""

    def __init__(self, app: ASGIApp, settings_of: Callable[[], Settings]) -> None:
        self.app = app
        self.settings_of = settings_of

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            client = scope.get("client")
            denial = request_denial(
                scope["method"],
                scope["path"],
                Headers(scope=scope),
                client[0] if client else None,
                self.settings_of(),
            )
            if denial is not None:
                await access_response(denial, language_in(scope))(scope, receive, send)
                return
        await self.app(scope, receive, send)


def require_write(request: Request, key: str | None = Security(api_key_header)) -> None:
    """FastAPI dependency for every route that changes state or exports feedback."""
    host = request.client.host if request.client else None
    denial = write_denial(host, key, request.app.state.service.settings.api_key)
    if denial is not None:
        raise denial


def require_read(request: Request) -> None:
    """FastAPI dependency for asking and listing (a no-op unless a read key is set; the
    OpenAPI document declares the key only then, see `api.openapi`)."""
    key = request.headers.get(API_KEY_HEADER)
    denial = read_denial(key, request.app.state.service.settings)
    if denial is not None:
        raise denial


def _normal(origin: str) -> str:
    return origin.strip().rstrip("/").lower()


def _host_of(origin: str) -> str:
    try:
        return (urlsplit(origin.strip()).netloc or "").lower()
    except ValueError:
        return ""


def _own_hosts(headers: Headers) -> set[str]:
    hosts = {headers.get("host", "")}
    forwarded = headers.get("x-forwarded-host")
    if forwarded:
        hosts.add(forwarded.split(",")[0].strip())
    return {h.lower() for h in hosts if h}
