"""Two writers at once (a CLI ingest while the server uploads): one lock across processes, a
clear message for the one that gives up, nothing lost or corrupted (hashing embedder)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rag.assistant import Assistant
from rag.cli import main
from rag.config import Settings
from rag.errors import IndexBusyError
from rag.integrity import verify_generation
from rag.store import DataDir

ROOT = Path(__file__).resolve().parents[2]

# A writer in another process: uploads argv[4] with the text argv[5]; with a marker file
# (argv[2]) it signals once it is embedding, then takes `argv[6]` seconds per batch.
_WRITER = """
import sys, time
from pathlib import Path
from rag.embeddings import EMBEDDERS, HashingEmbedding
from rag.config import load_settings
from rag.assistant import Assistant

class Slow(HashingEmbedding):
    def _get_text_embeddings(self, texts):
        Path(sys.argv[2]).touch()
        time.sleep(float(sys.argv[6]))
        return [self._vector(t) for t in texts]

EMBEDDERS["hashing"] = Slow
settings = load_settings(data_dir=sys.argv[1], corpus_dir=sys.argv[3], embedder="hashing")
Assistant(settings).add_document(sys.argv[4], sys.argv[5].encode())
"""


def _writer(settings: Settings, marker: Path, name: str, seconds: float) -> subprocess.Popen[bytes]:
    text = f"# {name}\n\nDe ploegendienst van {name} begint om zes uur in de fabriek."
    args = [str(settings.data_dir), str(marker), str(settings.corpus_dir), name, text]
    return subprocess.Popen([sys.executable, "-c", _WRITER, *args, str(seconds)], cwd=ROOT)


def _wait_for(marker: Path, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    assert marker.exists(), "the other writer never started embedding"


@pytest.fixture
def ingested(fake_settings: Settings) -> Settings:
    Assistant(fake_settings).ingest()
    return fake_settings


def test_a_second_writer_is_told_who_holds_the_data_dir_and_a_killed_holder_frees_it(
    ingested: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    holder = _writer(ingested, tmp_path / "started", "traag.md", 60)
    _wait_for(tmp_path / "started", holder)
    impatient = Assistant(ingested.model_copy(update={"writer_wait_seconds": 0.5}))
    with pytest.raises(IndexBusyError, match=rf"process {holder.pid} holds .*writer.lock"):
        impatient.add_document("notitie.md", b"# Notitie\n\nEen korte notitie over scholing.")
    assert not (ingested.data_dir / "uploads" / "notitie.md").exists()
    monkeypatch.setenv("SECTORWIJZER_WRITER_WAIT_SECONDS", "0.5")
    base = ["--data-dir", str(ingested.data_dir), "--corpus-dir", str(ingested.corpus_dir)]
    assert main([*base, "--embedder", "hashing", "ingest"]) == 1
    assert "another change of the documents is in progress" in capsys.readouterr().err
    os.kill(holder.pid, signal.SIGKILL)  # the kernel drops a dead holder's lock
    holder.wait()
    assistant = Assistant(ingested)
    assert assistant.add_document("notitie.md", b"# Notitie\n\nEen korte notitie over scholing.")
    assert "traag" not in assistant.documents()  # the killed upload was set aside
    current = DataDir(ingested.data_dir).current()
    assert current is not None and verify_generation(current)


def test_two_writers_in_two_processes_both_land(ingested: Settings, tmp_path: Path) -> None:
    first = _writer(ingested, tmp_path / "first", "eerste.md", 2)
    _wait_for(tmp_path / "first", first)
    second = _writer(ingested, tmp_path / "second", "tweede.md", 0)  # waits for the first
    assert first.wait(120) == 0 and second.wait(120) == 0
    documents = Assistant(ingested).documents()
    assert {"eerste", "tweede"} <= set(documents) and len(documents) == 7
    current = DataDir(ingested.data_dir).current()
    assert current is not None and verify_generation(current)
