"""A real Chroma server (`chroma run`, as shipped with chromadb) on a free loopback port.

Missing `chroma` fails the tests that need it: client/server mode is tested, never skipped.
"""

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.processes import free_port

STARTUP_SECONDS = 60


def chroma_executable() -> str:
    """The `chroma` command of this environment (beside its Python), else on the PATH."""
    beside = Path(sys.executable).parent / "chroma"
    found = str(beside) if beside.exists() else shutil.which("chroma")
    if found is None:
        pytest.fail(
            "the `chroma` command (package chromadb) is missing: client/server tests need it"
        )
    return found


@contextmanager
def chroma_server(path: Path) -> Iterator[str]:
    """Run `chroma run` on `path` until the block ends; yields its URL once it answers."""
    port = free_port()
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    log = (path.parent / f"chroma-{port}.log").open("wb")
    command = [chroma_executable(), "run", "--path", str(path), "--host", "127.0.0.1"]
    process = subprocess.Popen([*command, "--port", str(port)], stdout=log, stderr=log, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"`chroma run` exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"`chroma run` did not answer at {url} within {STARTUP_SECONDS} s")
