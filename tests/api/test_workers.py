"""`sectorwijzer serve --workers 2`: a real server with two uvicorn worker processes over one
data directory answers, each worker with half the cores' threads, and an upload through one
worker is seen by the other (plumbing with the hashing embedder)."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from rag.config import Settings
from tests.rag.embed_server import free_port

ROOT = Path(__file__).resolve().parent.parent.parent
NOTE = "# Vakkrachtenfonds\n\nHet vakkrachtenfonds betaalt de omscholing van monteurs in Zeeland.\n"


def _workers(pid: int) -> list[int]:
    """The worker processes uvicorn spawned (not multiprocessing's resource tracker)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    children = [int(child) for child in path.read_text().split()] if path.exists() else []
    return [c for c in children if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]


def _environment(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    pairs = (item.decode(errors="replace").partition("=") for item in raw if item)
    return {key: value for key, _, value in pairs}


@pytest.fixture
def two_workers(fake_settings: Settings, tmp_path: Path) -> Iterator[tuple[str, int]]:
    port = free_port()
    command = [sys.executable, "-m", "rag.cli", "serve", "--workers", "2", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--data-dir", str(fake_settings.data_dir)]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SECTORWIJZER_EMBEDDER": "hashing"}
    env["SECTORWIJZER_CORPUS_DIR"] = str(fake_settings.corpus_dir)
    env.pop("OMP_NUM_THREADS", None)
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base, process, log)
        yield base, process.pid
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_ready(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text(errors="replace")[-3000:]
        try:
            if httpx.get(f"{base}/readyz", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    pytest.fail(f"not ready: {log.read_text(errors='replace')[-3000:]}")


@pytest.mark.integration
def test_two_workers_answer_and_see_each_others_uploads(two_workers: tuple[str, int]) -> None:
    base, pid = two_workers
    workers = _workers(pid)
    assert len(workers) == 2
    threads = {_environment(child).get("OMP_NUM_THREADS") for child in workers}
    assert threads == {str(max(1, (os.cpu_count() or 1) // 2))}

    answer = httpx.post(f"{base}/api/ask", json={"question": "Wat staat er over scholing?"})
    assert answer.status_code == 200 and answer.json()["retrieved"]

    files = {"file": ("vakkrachtenfonds.md", NOTE.encode())}
    created = httpx.post(f"{base}/api/documents", files=files, timeout=60)
    assert created.status_code == 201, created.text
    generation = httpx.get(f"{base}/readyz").json()["generation"]
    # A new connection each time: the kernel hands them to either worker, and both must
    # answer from the generation the upload published.
    seen = {httpx.get(f"{base}/readyz").json()["generation"] for _ in range(20)}
    listed = [httpx.get(f"{base}/api/documents").json() for _ in range(10)]
    assert seen == {generation}
    assert all(created.json()["id"] in {d["id"] for d in docs} for docs in listed)
