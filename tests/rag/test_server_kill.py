"""kill -9 of an ingest half-way through writing its generation to a real Chroma server."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from rag.assistant import Assistant
from rag.config import Settings
from rag.server_store import ServerStore

ROOT = Path(__file__).resolve().parents[2]
NOTE = """# Vakkrachtenfonds Zeeland

Het Vakkrachtenfonds Zeeland geeft elke lasser een opleidingsbudget van 2.500 euro per jaar.
"""
QUESTION = "Hoeveel opleidingsbudget geeft het Vakkrachtenfonds Zeeland een lasser?"

# An ingest (settings from the environment) that writes its passages 10 at a time and stops
# for good after two batches, once it has told so by creating the marker file argv[1].
_INGEST = """
import sys, time
from pathlib import Path
import rag.server_records as store
from rag.assistant import Assistant
from rag.config import load_settings

store._BATCH = 10
metadata = store._chunk_metadata

def stalling(chunk, position):
    if position == 20:
        Path(sys.argv[1]).touch()
        time.sleep(600)
    return metadata(chunk, position)

store._chunk_metadata = stalling
Assistant(load_settings()).ingest()
"""


def _environment(settings: Settings) -> dict[str, str]:
    values = {
        "CHROMA_URL": settings.chroma_url,
        "CHROMA_PREFIX": settings.chroma_prefix,
        "CHROMA_LOCK_SECONDS": settings.chroma_lock_seconds,
        "EMBEDDER": "hashing",
        "DATA_DIR": settings.data_dir,
        "CORPUS_DIR": settings.corpus_dir,
    }
    return {**os.environ, **{f"SECTORWIJZER_{k}": str(v) for k, v in values.items()}}


def test_an_ingest_killed_half_way_leaves_the_previous_generation_and_the_next_completes(
    server_settings: Settings, tmp_path: Path
) -> None:
    first = Assistant(server_settings).ingest().generation
    (server_settings.corpus_dir / "vakkrachtenfonds.md").write_text(NOTE, encoding="utf-8")
    marker = tmp_path / "writing"
    ingest = subprocess.Popen(
        [sys.executable, "-c", _INGEST, str(marker)], cwd=ROOT, env=_environment(server_settings)
    )
    deadline = time.monotonic() + 120
    while not marker.exists() and ingest.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), "the ingest never got to writing its passages"
    os.kill(ingest.pid, signal.SIGKILL)
    ingest.wait()

    store = ServerStore(server_settings)
    leftover = [info for info in store.generations() if info.status == "writing"]
    assert store.current() == first and len(leftover) == 1
    written = store.client.get_collection(f"{server_settings.chroma_prefix}_{leftover[0].name}")
    assert written.count() == 20  # half-way indeed
    reader = Assistant(server_settings)
    answer = reader.ask(QUESTION)
    assert answer.citations and "vakkrachtenfonds" not in reader.documents()

    report = Assistant(server_settings).ingest()  # waits for the dead writer's lease to lapse
    assert report.added == ["vakkrachtenfonds.md"] and store.current() == report.generation
    assert {info.name: info.status for info in store.generations()} == {
        first: "complete",
        report.generation: "complete",
    }
    time.sleep(server_settings.chroma_poll_seconds + 0.1)
    assert reader.ask(QUESTION).citations[0].document_id == "vakkrachtenfonds"
