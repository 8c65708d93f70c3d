"""A client of the Chroma server named by `SECTORWIJZER_CHROMA_URL` (client/server mode)."""

from typing import Any, cast
from urllib.parse import urlsplit

import chromadb
from chromadb.api.client import Client
from chromadb.config import Settings as ChromaSettings

from rag.config import Settings
from rag.errors import ConfigurationError, IndexNotReadyError


def connect(settings: Settings) -> Client:
    """An `HttpClient` for the configured server (`IndexNotReadyError` when it cannot be
    reached); it connects on its first request.

    Clients of one server share one connection pool inside Chroma (reference counted), so
    closing one never closes another's."""
    host, port, ssl = server_address(settings.chroma_url or "")
    headers = dict(settings.chroma_headers)
    if settings.chroma_token:
        headers["Authorization"] = f"Bearer {settings.chroma_token}"
    try:
        client: Any = chromadb.HttpClient(
            host=host,
            port=port,
            ssl=ssl,
            headers=headers or None,
            settings=ChromaSettings(anonymized_telemetry=False),
        )
    except ValueError as exc:  # chromadb's "Could not connect to a Chroma server"
        raise IndexNotReadyError(
            f"the Chroma server cannot be used ({settings.chroma_url}: {exc})"
        ) from exc
    return cast(Client, client)


def server_address(url: str) -> tuple[str, int, bool]:
    """Host, port and whether to use TLS, from "http://host:port" (port 8000 by default)."""
    parts = urlsplit(url if "://" in url else f"http://{url}")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(
            f"SECTORWIJZER_CHROMA_URL must look like http://host:8000, not '{url}'"
        )
    if parts.path not in ("", "/"):
        raise ConfigurationError(f"SECTORWIJZER_CHROMA_URL takes no path ('{parts.path}')")
    ssl = parts.scheme == "https"
    return parts.hostname, parts.port or (443 if ssl else 8000), ssl
