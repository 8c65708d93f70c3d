"""Uploads and removals through the core (real Chroma, BM25 and files; hashing embedder)."""

import pytest

from rag.assistant import Assistant
from rag.config import Settings
from rag.errors import DocumentError, DocumentNotFoundError, DuplicateDocumentError
from rag.library import safe_name

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
