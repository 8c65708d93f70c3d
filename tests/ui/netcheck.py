"""Run `sectorwijzer serve` in this process, use every part of it, report any network attempt.

Usage: python -m tests.ui.netcheck DATA_DIR CORPUS_DIR PORT [--netns]

An audit hook (installed before anything is imported) records every socket connect, sendto
and name lookup that is not for a loopback address. With --netns the process is expected to
run under `unshare -n` (a network namespace with no interfaces): it brings up loopback only,
so any outbound attempt would fail as well as be recorded. Prints one JSON report on stdout.
"""

import fcntl
import ipaddress
import json
import os
import socket
import struct
import sys
import threading
import time
import urllib.error
import urllib.request
from typing import Any

ATTEMPTS: list[str] = []
_LOCAL_NAMES = {"localhost", "", None}


def _is_local(host: Any) -> bool:
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    if host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def audit(event: str, args: tuple[Any, ...]) -> None:
    """Record non-loopback connects, sends and lookups."""
    if event in ("socket.connect", "socket.sendto") and isinstance(args[1], tuple):
        if not _is_local(args[1][0]):
            ATTEMPTS.append(f"{event} {args[1]!r}")
    elif event == "socket.getaddrinfo" and not _is_local(args[0]):
        ATTEMPTS.append(f"{event} {args[0]!r}")


def loopback_up() -> None:
    """Bring up `lo` inside a fresh network namespace (root only)."""
    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sh", b"lo", 0)
        flags = struct.unpack("16sh", fcntl.ioctl(sock, siocgifflags, request))[1]
        fcntl.ioctl(sock, siocsifflags, struct.pack("16sh", b"lo", flags | iff_up))


def fetch(
    opener: urllib.request.OpenerDirector,
    url: str,
    body: dict | None = None,
    raw: tuple[bytes, str] | None = None,
) -> tuple[int, bytes]:
    data, headers = None, {}
    if body is not None:
        data, headers = json.dumps(body).encode(), {"Content-Type": "application/json"}
    if raw is not None:
        data, headers = raw[0], {"Content-Type": raw[1]}
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def exercise(base: str) -> dict[str, int]:
    """Load the UI and the docs with their assets, ask, stream, upload and read back."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    statuses: dict[str, int] = {}
    question = {"question": "Wat is een skillspaspoort?"}
    for path in (
        "/",
        "/config",
        "/theme.css",
        "/docs",
        "/redoc",
        "/openapi.json",
        "/api/documents",
        "/readyz",
        "/healthz",
    ):
        statuses[path], _ = fetch(opener, base + path)
    statuses["/api/ask"], _ = fetch(opener, base + "/api/ask", question)
    statuses["/api/ask/stream"], _ = fetch(opener, base + "/api/ask/stream", question)
    boundary = "sectorwijzer"
    upload = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="net.md"\r\n\r\n# Net\n\nDit document gaat over netwerken.\r\n'
        f"--{boundary}--\r\n"
    ).encode()
    statuses["POST /api/documents"], _ = fetch(
        opener, base + "/api/documents", raw=(upload, f"multipart/form-data; boundary={boundary}")
    )
    return statuses


def main(argv: list[str]) -> int:
    data_dir, corpus_dir, port = argv[0], argv[1], argv[2]
    if "--netns" in argv:
        loopback_up()
    from rag.cli import main as cli

    args = [
        "--data-dir",
        data_dir,
        "--corpus-dir",
        corpus_dir,
        "--embedder",
        "hashing",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        port,
    ]
    threading.Thread(target=cli, args=(args,), daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if fetch(opener, base + "/readyz")[0] == 200:
                break
        except OSError:
            pass
        time.sleep(0.2)
    report = {"statuses": exercise(base), "attempts": ATTEMPTS}
    print(json.dumps(report), flush=True)
    return 0


if __name__ == "__main__":
    sys.addaudithook(audit)
    os.environ.setdefault("SECTORWIJZER_REFUSAL_THRESHOLD", "0.0")
    os._exit(main(sys.argv[1:]))  # the server thread does not stop by itself
