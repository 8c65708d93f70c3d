import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rag.assistant import Assistant
from rag.config import Settings
from rag.errors import IndexNotReadyError
from rag.store import DataDir, read_chunks

ROOT = Path(__file__).resolve().parents[2]


def _chunk_docs(assistant: Assistant) -> dict[str, int]:
    counts: dict[str, int] = {}
    for chunk in assistant.index().chunks:
        counts[chunk.document_id] = counts.get(chunk.document_id, 0) + 1
    return counts


def test_first_ingest_indexes_the_whole_corpus(fake_settings: Settings) -> None:
    assistant = Assistant(fake_settings)
    report = assistant.ingest()
    assert len(report.added) == 5 and not report.failed
    index = assistant.index()
    assert index.vectors.client.count() == len(index.chunks) == report.chunks
    assert index.keywords.size == len(index.chunks)
    assert set(_chunk_docs(assistant)) == set(assistant.documents())


def test_unchanged_files_are_skipped(fake_settings: Settings) -> None:
    assistant = Assistant(fake_settings)
    first = assistant.ingest()
    second = assistant.ingest()
    assert len(second.unchanged) == 5 and not second.changed
    assert second.generation == first.generation


def test_changed_file_replaces_all_its_chunks(fake_settings: Settings) -> None:
    assistant = Assistant(fake_settings)
    assistant.ingest()
    path = fake_settings.corpus_dir / "oom-op-jacht-naar-de-8.txt"
    path.write_text("Nieuwe versie. De zeppelinvloot van OOM telt zeventien luchtschepen.\n")
    report = assistant.ingest()
    assert report.updated == ["oom-op-jacht-naar-de-8.txt"]
    chunks = [c for c in assistant.index().chunks if c.document_id == "oom-op-jacht-naar-de-8"]
    assert len(chunks) == 1 and "zeppelinvloot" in chunks[0].text
    assert assistant.index().vectors.client.count() == len(assistant.index().chunks)
    assert "Op jacht" not in " ".join(c.text for c in chunks)


def test_removed_file_disappears_from_both_indexes(fake_settings: Settings) -> None:
    assistant = Assistant(fake_settings)
    assistant.ingest()
    (fake_settings.corpus_dir / "techniekpact-nationaal-akkoord.txt").unlink()
    report = assistant.ingest()
    assert report.removed == ["techniekpact-nationaal-akkoord.txt"]
    index = assistant.index()
    assert "techniekpact-nationaal-akkoord" not in _chunk_docs(assistant)
    assert index.vectors.client.count() == len(index.chunks) == index.keywords.size
    hits = assistant.ask("Nationaal Akkoord Leren, Werken en Groeien Techniekpact").retrieved
    assert all(h.document_id != "techniekpact-nationaal-akkoord" for h in hits)


def test_broken_pdf_is_reported_and_the_rest_ingests(fake_settings: Settings) -> None:
    (fake_settings.corpus_dir / "kapot.pdf").write_bytes(b"%PDF-1.4 dit is geen echte pdf")
    report = Assistant(fake_settings).ingest()
    assert "kapot.pdf" in report.failed and "PDF" in report.failed["kapot.pdf"]
    assert len(report.added) == 5


def test_duplicate_file_is_reported_not_indexed_twice(fake_settings: Settings) -> None:
    source = fake_settings.corpus_dir / "oom-op-jacht-naar-de-8.txt"
    (fake_settings.corpus_dir / "kopie.txt").write_bytes(source.read_bytes())
    report = Assistant(fake_settings).ingest()
    assert report.failed == {"kopie.txt": "duplicate of oom-op-jacht-naar-de-8.txt"}
    assert report.documents == 5


def test_document_without_manifest_entry_gets_derived_metadata(fake_settings: Settings) -> None:
    (fake_settings.corpus_dir / "Mijn Notitie.md").write_text(
        "# Notitie over ploegendiensten\n\nDe ploegendienst begint om zes uur in de fabriek.\n"
    )
    assistant = Assistant(fake_settings)
    assistant.ingest()
    info = assistant.documents()["mijn-notitie"]
    assert info["title"] == "Notitie over ploegendiensten"
    assert info["organisations"] == [] and info["year"] is None and info["language"] == "nl"


def test_publish_failure_keeps_the_previous_index(
    fake_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    assistant = Assistant(fake_settings)
    assistant.ingest()
    before = DataDir(fake_settings.data_dir).current()
    (fake_settings.corpus_dir / "oom-op-jacht-naar-de-8.txt").write_text(
        "Een heel andere tekst over de ploegendienst in de fabriek."
    )

    def crash(self: DataDir, final: Path) -> Path:
        raise RuntimeError("stroomstoring")

    monkeypatch.setattr(DataDir, "switch", crash)
    with pytest.raises(RuntimeError):
        assistant.ingest()
    assert DataDir(fake_settings.data_dir).current() == before
    assert assistant.ask("Op jacht naar de 8 OOM opleidingsfonds").retrieved
    monkeypatch.undo()
    assistant.ingest()
    leftovers = sorted(p.name for p in (fake_settings.data_dir / "generations").iterdir())
    current = DataDir(fake_settings.data_dir).current()
    assert current is not None and current.name in leftovers
    assert len(leftovers) == 2 and not any(name.endswith(".partial") for name in leftovers)


# A subprocess whose embedder touches argv[2] and then hangs: the moment to kill -9 it.
SLOW_EMBEDDER = """
import sys, time
from pathlib import Path
from rag.embeddings import EMBEDDERS, HashingEmbedding
from rag.config import load_settings
from rag.assistant import Assistant

class Slow(HashingEmbedding):
    def _get_text_embeddings(self, texts):
        Path(sys.argv[2]).touch()
        time.sleep(60)
        return [self._vector(t) for t in texts]

EMBEDDERS["hashing"] = Slow
"""
_SLOW_INGEST = (
    SLOW_EMBEDDER
    + """
Assistant(load_settings(data_dir=sys.argv[1], corpus_dir=sys.argv[3], embedder="hashing")).ingest()
"""
)


def test_ingest_killed_halfway_leaves_the_previous_index_usable(
    fake_settings: Settings, tmp_path: Path
) -> None:
    assistant = Assistant(fake_settings)
    assistant.ingest()
    before = read_chunks(DataDir(fake_settings.data_dir).current() / "chunks.jsonl")  # type: ignore[operator]
    (fake_settings.corpus_dir / "nieuw.txt").write_text("Een nieuw document over robots.")
    marker = tmp_path / "embedding-started"
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            _SLOW_INGEST,
            str(fake_settings.data_dir),
            str(marker),
            str(fake_settings.corpus_dir),
        ],
        cwd=ROOT,
    )
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.1)
    assert marker.exists(), "the slow ingest never started embedding"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    fresh = Assistant(fake_settings)
    assert [c.id for c in fresh.index().chunks] == [c.id for c in before]
    assert fresh.ask("scholing van werknemers").retrieved
    report = fresh.ingest()
    assert report.added == ["nieuw.txt"]


def test_damaged_index_is_reported_then_rebuilt(fake_settings: Settings) -> None:
    assistant = Assistant(fake_settings)
    assistant.ingest()
    current = DataDir(fake_settings.data_dir).current()
    assert current is not None
    (current / "chunks.jsonl").write_text("{niet json")
    with pytest.raises(IndexNotReadyError, match="damaged"):
        Assistant(fake_settings).index()
    report = Assistant(fake_settings).ingest()
    assert len(report.added) == 5
    assert Assistant(fake_settings).ask("arbeidsmigratie").retrieved


def test_edited_manifest_metadata_reaches_the_chunks(fake_settings: Settings) -> None:
    assistant = Assistant(fake_settings)
    assistant.ingest()
    manifest = fake_settings.corpus_dir / "manifest.toml"
    manifest.write_text(manifest.read_text().replace("year = 2021", "year = 2020"))
    report = assistant.ingest()
    assert report.updated == ["oom-op-jacht-naar-de-8.txt"]
    years = {c.year for c in assistant.index().chunks if c.document_id == "oom-op-jacht-naar-de-8"}
    assert years == {2020}


def test_removed_manifest_entry_falls_back_to_derived_metadata(fake_settings: Settings) -> None:
    assistant = Assistant(fake_settings)
    assistant.ingest()
    manifest = fake_settings.corpus_dir / "manifest.toml"
    text = manifest.read_text()
    start = text.index('[documents."oom-op-jacht-naar-de-8.txt"]')
    end = text.index("[documents.", start + 1)
    manifest.write_text(text[:start] + text[end:])
    report = assistant.ingest()
    assert report.updated == ["oom-op-jacht-naar-de-8.txt"]
    info = assistant.documents()["oom-op-jacht-naar-de-8"]
    assert info["organisations"] == [] and info["year"] is None
