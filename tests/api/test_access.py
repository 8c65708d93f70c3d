"""The API key rule: with a key, writes need it; without one, writes only from loopback."""

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from api.access import is_loopback, write_denial
from api.service import Service
from tests.api.conftest import REMOTE

DOC = ("nieuw.txt", b"Een nieuw document over lassen in de scheepsbouw in Vlissingen.")


def writes(client: TestClient, headers: dict[str, str] | None = None) -> list[int]:
    """Status of an upload, a delete and the feedback export."""
    return [
        client.post("/api/documents", files={"file": DOC}, headers=headers).status_code,
        client.delete("/api/documents/oom-op-jacht-naar-de-8", headers=headers).status_code,
        client.get("/api/feedback/export", headers=headers).status_code,
    ]


def test_without_key_loopback_may_write(client: TestClient) -> None:
    assert writes(client) == [201, 200, 200]


def test_without_key_remote_may_read_but_not_write(
    make_client: Callable[..., TestClient],
) -> None:
    remote = make_client(REMOTE)
    assert writes(remote) == [403, 403, 403]
    denied = remote.post("/api/documents", files={"file": DOC}).json()
    assert denied["error"] == "forbidden" and "SECTORWIJZER_API_KEY" in denied["message"]
    assert remote.get("/api/documents").status_code == 200
    assert remote.post("/api/ask", json={"question": "Wat doet OOM?"}).status_code == 200
    assert len(remote.get("/api/documents").json()) == 5


def test_with_key_every_writer_needs_it(
    make_client: Callable[..., TestClient], service: Service
) -> None:
    service.settings = service.settings.model_copy(update={"api_key": "geheim-123"})
    local, remote = make_client(), make_client(REMOTE)
    assert writes(local) == [401, 401, 401]
    assert writes(remote, {"X-API-Key": "fout"}) == [401, 401, 401]
    missing = local.delete("/api/documents/oom-op-jacht-naar-de-8")
    assert missing.json()["error"] == "unauthorized" and "X-API-Key" in missing.json()["message"]
    assert writes(remote, {"X-API-Key": "geheim-123"}) == [201, 200, 200]


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("10.0.0.1", False),
        ("203.0.113.7", False),
        ("testclient", False),
        (None, False),
    ],
)
def test_is_loopback(host: str | None, expected: bool) -> None:
    assert is_loopback(host) is expected


def test_write_denial_statuses() -> None:
    assert write_denial("127.0.0.1", None, None) is None
    assert write_denial("10.1.1.1", None, None).status == 403  # type: ignore[union-attr]
    assert write_denial("127.0.0.1", None, "k").status == 401  # type: ignore[union-attr]
    assert write_denial("10.1.1.1", "k", "k") is None
