"""Who may change the documents (upload, delete) and read the feedback export.

With `SECTORWIJZER_API_KEY` set, such requests must send it as header `X-API-Key`. With no key
set, they are allowed only from the machine itself (a loopback address). The UI applies the
same rule through `write_denial`.
"""

import hmac
import ipaddress

from fastapi import Request, Security
from fastapi.security import APIKeyHeader

from api.errors import AccessDeniedError

API_KEY_HEADER = "X-API-Key"
api_key_header = APIKeyHeader(
    name=API_KEY_HEADER,
    auto_error=False,
    description="Required for writes when SECTORWIJZER_API_KEY is set",
)


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


def write_denial(
    client_host: str | None, supplied_key: str | None, configured_key: str | None
) -> AccessDeniedError | None:
    """None when the write is allowed, else the error that explains why not."""
    if configured_key:
        supplied = (supplied_key or "").encode()
        if hmac.compare_digest(supplied, configured_key.encode()):
            return None
        return AccessDeniedError(401, "no_key")
    if is_loopback(client_host):
        return None
    return AccessDeniedError(403, "loopback_only")


def require_write(request: Request, key: str | None = Security(api_key_header)) -> None:
    """FastAPI dependency for every route that changes state or exports feedback."""
    configured = request.app.state.service.settings.api_key
    host = request.client.host if request.client else None
    denial = write_denial(host, key, configured)
    if denial is not None:
        raise denial
