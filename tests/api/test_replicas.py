"""Two `sectorwijzer serve` processes against one real Chroma server (stateless replicas):
they answer alike, and an upload or removal through one is answered by the other."""

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from rag.assistant import Assistant
from rag.config import Settings
from tests.chroma_server import free_port

ROOT = Path(__file__).resolve().parents[2]
NOTE = b"""# Vakkrachtenfonds Zeeland

Het Vakkrachtenfonds Zeeland geeft elke lasser een opleidingsbudget van 2.500 euro per jaar.
Werkgevers in Zeeland dragen daarvoor samen een premie af aan het fonds.
"""
QUESTION = "Hoeveel opleidingsbudget geeft het Vakkrachtenfonds Zeeland een lasser?"
STARTUP_SECONDS = 120


def _environment(settings: Settings, data_dir: Path) -> dict[str, str]:
    values = {
        "CHROMA_URL": settings.chroma_url,
        "CHROMA_PREFIX": settings.chroma_prefix,
        "CHROMA_POLL_SECONDS": settings.chroma_poll_seconds,
        "EMBEDDER": "hashing",
        "EMBED_WORKERS": 0,
        "DATA_DIR": data_dir,
        "CORPUS_DIR": settings.corpus_dir,
        "REFUSAL_THRESHOLD": 0,
        "ANSWER_THRESHOLD": 0,
        "RATE_LIMIT_PER_MINUTE": 0,
    }
    return {**os.environ, **{f"SECTORWIJZER_{k}": str(v) for k, v in values.items()}}


@pytest.fixture
def replicas(server_settings: Settings, tmp_path: Path) -> Iterator[list[httpx.Client]]:
    """Two API replicas on their own ports and data directories, ready to answer."""
    Assistant(server_settings).ingest()
    processes, clients = [], []
    try:
        for n in range(2):
            port = free_port()
            log = (tmp_path / f"replica-{n}.log").open("wb")
            command = [sys.executable, "-m", "rag.cli", "serve", "--port", str(port)]
            env = _environment(server_settings, tmp_path / f"replica-{n}")
            processes.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log))
            clients.append(httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30))
        for process, client in zip(processes, clients, strict=True):
            _wait_ready(process, client)
        yield clients
    finally:
        for client in clients:
            client.close()
        for process in processes:
            process.terminate()
            process.wait(30)


def _wait_ready(process: subprocess.Popen[bytes], client: httpx.Client) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, f"a replica exited with status {process.returncode}"
        try:
            if client.get("/readyz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"a replica was not ready within {STARTUP_SECONDS} s")


def _ask(client: httpx.Client, question: str = QUESTION) -> dict[str, Any]:
    response = client.post("/api/ask", json={"question": question})
    assert response.status_code == 200, response.text
    return dict(response.json())


def _eventually(check: Callable[[], bool], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "the other replica never saw the change"
        time.sleep(0.2)


def _cited(answer: dict[str, Any]) -> set[str]:
    return {c["document_id"] for c in answer["citations"] + answer["retrieved"]}


def test_an_upload_through_one_replica_is_answered_by_the_other_until_deleted(
    replicas: list[httpx.Client],
) -> None:
    one, other = replicas
    same = "Wat zegt OOM over de arbeidsmarkt?"
    first, second = _ask(one, same), _ask(other, same)
    for field in ("answer", "citations", "retrieved", "answerable"):
        assert first[field] == second[field]
    assert one.get("/readyz").json()["generation"] == other.get("/readyz").json()["generation"]

    response = one.post(
        "/api/documents",
        files={"file": ("vakkrachtenfonds.md", NOTE)},
        data={"title": "Vakkrachtenfonds", "organisations": "Fonds Zeeland"},
    )
    assert response.status_code == 201, response.text
    doc_id = response.json()["id"]
    _eventually(lambda: _ask(other)["citations"][0]["document_id"] == doc_id)
    answer = _ask(other)
    assert "2.500 euro" in answer["answer"]
    assert other.get(f"/api/documents/{doc_id}").json()["title"] == "Vakkrachtenfonds"

    assert one.delete(f"/api/documents/{doc_id}").status_code == 200
    _eventually(lambda: doc_id not in _cited(_ask(other)))
    assert other.get(f"/api/documents/{doc_id}").status_code == 404
