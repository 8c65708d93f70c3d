"""Uploads and removals through the core (real Chroma, BM25 and files; hashing embedder)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from api.service import Service
from rag.assistant import Assistant
from rag.config import Settings
from rag.errors import DocumentError, DocumentNotFoundError, DuplicateDocumentError
from rag.library import safe_name, store_upload
from rag.manifest import load_manifest
from tests.rag.test_ingest import SLOW_EMBEDDER

ROOT = Path(__file__).resolve().parents[2]

NOTE = "# Ploegendienst\n\nDe ploegendienst in de fabriek begint om zes uur en eindigt om twee uur."


def test_upload_is_ingested_with_its_metadata(fake_settings: Settings) -> None:
    assistant = Assistant(fake_settings)
    assistant.ingest()
    info = assistant.add_document("notitie.md", NOTE.encode(), {"year": 2024, "kind": "notitie"})
    assert info["id"] == "notitie" and info["year"] == 2024 and info["kind"] == "notitie"
    assert info["title"] == "Ploegendienst" and info["chunks"] == 1
    assert any(c.document_id == "notitie" for c in assistant.index().chunks)


def test_duplicate_upload_is_refused_and_changes_nothing(fake_settings: Settings) -> None:
    assistant = Assistant(fake_settings)
    assistant.ingest()
    data = (fake_settings.corpus_dir / "oom-op-jacht-naar-de-8.txt").read_bytes()
    before = assistant.index().path
    with pytest.raises(DuplicateDocumentError, match="oom-op-jacht-naar-de-8"):
        assistant.add_document("kopie.txt", data)
    assert assistant.index().path == before
    assert not (fake_settings.data_dir / "uploads" / "kopie.txt").exists()


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("rapport.docx", b"PK\x03\x04", "unsupported file type"),
        ("leeg.txt", b"", "empty"),
        ("kapot.pdf", b"%PDF-1.4 kapot", "PDF"),
    ],
)
def test_bad_uploads_are_reported_and_leave_nothing_behind(
    fake_settings: Settings, name: str, data: bytes, reason: str
) -> None:
    assistant = Assistant(fake_settings)
    assistant.ingest()
    with pytest.raises(DocumentError, match=reason):
        assistant.add_document(name, data)
    uploads = fake_settings.data_dir / "uploads"
    assert not (uploads / name).exists()
    assert len(assistant.documents()) == 5


def test_remove_upload_and_corpus_document(fake_settings: Settings) -> None:
    assistant = Assistant(fake_settings)
    assistant.ingest()
    assistant.add_document("notitie.md", NOTE.encode())
    assistant.remove_document("notitie")
    assert not (fake_settings.data_dir / "uploads" / "notitie.md").exists()
    assistant.remove_document("techniekpact-nationaal-akkoord")
    assert (fake_settings.corpus_dir / "techniekpact-nationaal-akkoord.txt").exists()
    assert set(assistant.documents()) == {
        "strategische-agenda-metalektro",
        "position-paper-arbeidsmarktkrapte-2025",
        "oom-op-jacht-naar-de-8",
        "industriecoalitie-modern-industriebeleid",
    }
    with pytest.raises(DocumentNotFoundError):
        assistant.remove_document("bestaat-niet")


def test_safe_name_strips_folders_and_odd_characters() -> None:
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("C:\\Users\\me\\cao 2024.pdf") == "cao 2024.pdf"
    assert safe_name("rapport<1>.md") == "rapport_1_.md"


# --- reconcile: an upload interrupted by kill -9 never lingers, blocks or slips in later ---

_KILLED_UPLOAD = (
    SLOW_EMBEDDER
    + """
settings = load_settings(data_dir=sys.argv[1], corpus_dir=sys.argv[3], embedder="hashing")
Assistant(settings).add_document("notitie.md", sys.argv[4].encode())
"""
)


def _kill_during_upload(settings: Settings, marker: Path) -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            _KILLED_UPLOAD,
            str(settings.data_dir),
            str(marker),
            str(settings.corpus_dir),
            NOTE,
        ],
        cwd=ROOT,
    )
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.1)
    assert marker.exists(), "the upload never started embedding"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()


def test_upload_killed_midway_is_set_aside_on_start_and_a_retry_works(
    fake_settings: Settings, tmp_path: Path
) -> None:
    Assistant(fake_settings).ingest()
    _kill_during_upload(fake_settings, tmp_path / "embedding-started")
    uploads = fake_settings.data_dir / "uploads"
    assert (uploads / "notitie.md").exists()  # the orphan the issue describes
    service = Service(fake_settings)
    assert service.start_index_build() is None  # an index exists: only the reconcile runs
    assert service.reconciler is not None
    service.reconciler.join(60)
    assert not (uploads / "notitie.md").exists() and "notitie.md" not in load_manifest(uploads)
    notes = list((fake_settings.data_dir / "rejected").glob("*.json"))
    assert len(notes) == 1 and "interrupted upload" in notes[0].read_text()
    info = service.add_document("notitie.md", NOTE.encode())
    assert info["id"] == "notitie" and len(service.documents()) == 6


def test_an_orphan_never_slips_in_with_the_next_unrelated_upload(fake_settings: Settings) -> None:
    assistant = Assistant(fake_settings)
    assistant.ingest()
    # What a kill -9 between storing and indexing leaves: the file and its manifest entry.
    store_upload(fake_settings, "wees.md", NOTE.encode(), assistant.documents())
    (fake_settings.data_dir / "uploads" / "half.md.partial").write_bytes(b"# Half")
    info = assistant.add_document("ander.md", b"# Ander\n\nDe robots in de fabriek draaien door.")
    assert info["id"] == "ander" and "wees" not in assistant.documents()
    assert sorted(p.name for p in (fake_settings.data_dir / "uploads").iterdir()) == [
        "ander.md",
        "manifest.json",
    ]
    assert assistant.add_document("wees.md", NOTE.encode())["id"] == "wees"


def test_reconcile_without_a_usable_index_sets_nothing_aside(fake_settings: Settings) -> None:
    uploads = fake_settings.data_dir / "uploads"
    uploads.mkdir(parents=True)
    (uploads / "notitie.md").write_text(NOTE)
    assert not Assistant(fake_settings).reconcile().changed
    assert (uploads / "notitie.md").exists()
