"""Drive an ASGI app with a lazily streamed body, counting how much of the body it pulled.

The TestClient reads a request body completely before the app sees it, so it cannot show
whether the app refused a body before reading it; this can.
"""

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp, Message


@dataclass
class Result:
    status: int
    headers: dict[str, str]
    body: bytes
    pulled: int = 0  # body bytes the app received
    messages: list[Message] = field(default_factory=list)

    def json(self) -> Any:
        return json.loads(self.body)


def call(
    app: ASGIApp,
    method: str,
    path: str,
    chunks: Iterator[bytes],
    headers: dict[str, str] | None = None,
    client: tuple[str, int] = ("127.0.0.1", 50000),
) -> Result:
    """Send one request whose body comes from `chunks`, pulled only as the app asks."""
    return asyncio.run(_call(app, method, path, chunks, headers or {}, client))


async def _call(
    app: ASGIApp,
    method: str,
    path: str,
    chunks: Iterator[bytes],
    headers: dict[str, str],
    client: tuple[str, int],
) -> Result:
    result = Result(0, {}, b"")
    raw = [(k.lower().encode(), v.encode()) for k, v in {"host": "testserver", **headers}.items()]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": raw,
        "client": client,
        "server": ("testserver", 80),
        "state": {},
    }
    pending = iter(chunks)
    done = False

    async def receive() -> Message:
        nonlocal done
        if done:
            await asyncio.sleep(3600)  # a client that sent everything waits for the answer
        chunk = next(pending, None)
        if chunk is None:
            done = True
            return {"type": "http.request", "body": b"", "more_body": False}
        result.pulled += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message: Message) -> None:
        result.messages.append(message)
        if message["type"] == "http.response.start":
            result.status = message["status"]
            result.headers = {k.decode(): v.decode() for k, v in message.get("headers", [])}
        elif message["type"] == "http.response.body":
            result.body += message.get("body", b"")

    await app(scope, receive, send)
    return result


def multipart(name: str, size: int, chunk: int = 1 << 20) -> tuple[dict[str, str], Iterator[bytes]]:
    """Headers and a lazily made multipart body with one file field of `size` bytes."""
    boundary = "sectorwijzer-test-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()

    def body() -> Iterator[bytes]:
        yield head
        left = size
        while left > 0:
            n = min(chunk, left)
            yield b"a" * n
            left -= n
        yield tail

    return {"content-type": f"multipart/form-data; boundary={boundary}"}, body()
