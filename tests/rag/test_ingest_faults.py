"""A reader failure of any kind is that document's failure; a failed write leaves no trace; a
removal is all or nothing (real Chroma, BM25 and files; hashing embedder)."""

import json
import zlib
from pathlib import Path

import pytest
from pypdf.errors import LimitReachedError

import rag.ingest
from rag.assistant import Assistant
from rag.config import Settings
from rag.errors import DocumentError
from rag.manifest import load_manifest
from rag.store import DataDir
from tests.rag.pdf_factory import raw_pdf as pdf_from_objects

NOTE = b"# Ploegendienst\n\nDe ploegendienst in de fabriek begint om zes uur en eindigt om twee."


def raw_pdf(contents: list[bytes], flate: bool = False) -> bytes:
    """A minimal PDF, one page per content stream (raw bytes: built in milliseconds)."""
    pages = len(contents)
    kids = b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i, content in enumerate(contents):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (5 + 2 * i)
        )
        extra = b" /Filter /FlateDecode" if flate else b""
        objects.append(
            b"<< /Length %d%s >>\nstream\n%s\nendstream" % (len(content), extra, content)
        )
    return pdf_from_objects(objects)


def nested_pdf() -> bytes:
    """A content stream whose operand nests `[` 100,000 deep (RecursionError in pypdf)."""
    return raw_pdf([b"BT /F1 12 Tf 72 712 Td " + b"[" * 100_000 + b" (x) TJ ET"])


def bomb_pdf(megabytes: int = 100) -> bytes:
    """A ~100 KB stream that inflates to `megabytes` MB of zeros (pypdf LimitReachedError)."""
    packer, block = zlib.compressobj(9), b"\0" * 2**20
    data = b"".join(packer.compress(block) for _ in range(megabytes)) + packer.flush()
    return raw_pdf([data], flate=True)


def text_pdf(pages: int) -> bytes:
    words = ["ploegendienst", "scholing", "vakkrachten", "robotisering", "arbeidsmigratie"]
    line = b"BT /F1 12 Tf 72 712 Td (%s gaat over %s in de fabriek en de sector.) Tj ET"
    return raw_pdf(
        [line % (b"Hoofdstuk %d" % n, words[n % 5].encode()) for n in range(1, pages + 1)]
    )


@pytest.fixture
def assistant(fake_settings: Settings) -> Assistant:
    assistant = Assistant(fake_settings)
    assistant.ingest()
    return assistant


def _uploads(settings: Settings) -> Path:
    return settings.data_dir / "uploads"


def _assert_no_trace(settings: Settings, name: str) -> None:
    uploads = _uploads(settings)
    if uploads.exists():
        assert sorted(p.name for p in uploads.iterdir() if p.name != "manifest.json") == []
        assert name not in load_manifest(uploads)


@pytest.mark.parametrize(
    ("name", "make", "reason"),
    [
        ("diep.pdf", nested_pdf, "nested too deeply"),
        ("bom.pdf", bomb_pdf, "PDF too large to read|inflates beyond"),
    ],
)
def test_hostile_pdf_upload_is_refused_and_later_writes_still_work(
    assistant: Assistant, fake_settings: Settings, name: str, make: object, reason: str
) -> None:
    before = assistant.index().path
    with pytest.raises(DocumentError, match=reason):
        assistant.add_document(name, make())  # type: ignore[operator]
    _assert_no_trace(fake_settings, name)
    assert assistant.index().path == before and len(assistant.documents()) == 5
    # Neither in this process nor after a restart does the bad file block a write.
    assistant.add_document("notitie.md", NOTE)
    restarted = Assistant(fake_settings)
    restarted.remove_document("notitie")
    restarted.remove_document("techniekpact-nationaal-akkoord")
    assert len(restarted.documents()) == 4


def test_hostile_files_left_in_the_folders_never_fail_an_ingest(fake_settings: Settings) -> None:
    (fake_settings.corpus_dir / "diep.pdf").write_bytes(nested_pdf())
    uploads = _uploads(fake_settings)
    uploads.mkdir(parents=True)
    (uploads / "bom.pdf").write_bytes(bomb_pdf())
    report = Assistant(fake_settings).ingest()
    assert set(report.failed) == {"diep.pdf", "bom.pdf"} and len(report.added) == 5
    # The upload is moved aside with a note of why; the admin's corpus file stays put.
    assert report.set_aside == ["bom.pdf"] and not (uploads / "bom.pdf").exists()
    rejected = fake_settings.data_dir / "rejected"
    notes = [json.loads(p.read_text()) for p in rejected.glob("*.json")]
    assert [n["file"] for n in notes] == ["bom.pdf"] and "PDF" in notes[0]["reason"]
    assert (fake_settings.corpus_dir / "diep.pdf").exists()


@pytest.mark.parametrize(
    "error",
    [MemoryError(), RecursionError("deep"), LimitReachedError("limit"), RuntimeError("bug")],
    ids=["memory", "recursion", "limit", "any"],
)
def test_any_reader_exception_is_only_that_documents_failure(
    fake_settings: Settings, monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    real = rag.ingest.prepare_document

    def prepare(path: Path, *args: object, **kwargs: int) -> object:
        if path.name == "kapot.md":
            raise error
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(rag.ingest, "prepare_document", prepare)
    (fake_settings.corpus_dir / "kapot.md").write_text("# Kapot\n\nDit leest de lezer nooit.")
    report = Assistant(fake_settings).ingest()
    assert list(report.failed) == ["kapot.md"] and report.failed["kapot.md"]
    assert len(report.added) == 5 and report.documents == 5


def test_page_and_character_caps_give_a_clear_reason(
    assistant: Assistant, fake_settings: Settings
) -> None:
    capped = Assistant(
        fake_settings.model_copy(update={"max_document_pages": 3, "max_document_chars": 2000})
    )
    with pytest.raises(DocumentError, match=r"too many pages \(5; at most 3 per document\)"):
        capped.add_document("lang.pdf", text_pdf(5))
    text = " ".join(f"Zin {n} over de ploegendienst in de fabriek." for n in range(80))
    with pytest.raises(DocumentError, match="too much text"):
        capped.add_document("lang.md", f"# Lang\n\n{text}".encode())
    _assert_no_trace(fake_settings, "lang.md")
    assert capped.add_document("kort.pdf", text_pdf(3))["pages"] == 3


def test_a_write_that_fails_leaves_no_trace(
    assistant: Assistant, fake_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = DataDir(fake_settings.data_dir)
    before = sorted(data.generations.iterdir())

    def full(self: DataDir, final: Path) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(DataDir, "switch", full)
    with pytest.raises(OSError, match="No space"):
        assistant.add_document("notitie.md", NOTE)
    _assert_no_trace(fake_settings, "notitie.md")
    assert data.current() == before[-1] and "notitie" not in assistant.documents()
    monkeypatch.undo()
    assert assistant.add_document("notitie.md", NOTE)["id"] == "notitie"  # the retry works


def test_a_removal_is_all_or_nothing(
    assistant: Assistant, fake_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    assistant.add_document("notitie.md", NOTE)
    upload = _uploads(fake_settings) / "notitie.md"

    def crash(self: DataDir, final: Path) -> Path:
        raise RuntimeError("stroomstoring")

    monkeypatch.setattr(DataDir, "switch", crash)
    for doc_id in ("notitie", "techniekpact-nationaal-akkoord"):
        with pytest.raises(RuntimeError):
            assistant.remove_document(doc_id)
        assert doc_id in assistant.documents()
    assert upload.read_bytes() == NOTE and "notitie.md" in load_manifest(upload.parent)
    assert (
        not (fake_settings.data_dir / "excluded.json").exists()
        or json.loads((fake_settings.data_dir / "excluded.json").read_text()) == []
    )
    hits = assistant.ask("ploegendienst fabriek zes uur").retrieved
    assert any(h.document_id == "notitie" for h in hits)
    monkeypatch.undo()
    assistant.remove_document("notitie")
    assert not upload.exists() and "notitie" not in assistant.documents()
    assert "notitie.md" not in load_manifest(upload.parent)


def test_an_interrupted_removal_is_undone_or_finished(
    assistant: Assistant, fake_settings: Settings
) -> None:
    assistant.add_document("een.md", NOTE)
    assistant.add_document("twee.md", NOTE.replace(b"zes", b"zeven"))
    uploads = _uploads(fake_settings)
    # kill -9 after the switch: the index no longer holds the document.
    (uploads / "twee.md").rename(uploads / "twee.md.removing")
    rag.ingest.ingest(fake_settings, assistant.embedder)
    # kill -9 before the switch: the file was renamed, the index still holds the document.
    (uploads / "een.md").rename(uploads / "een.md.removing")
    result = Assistant(fake_settings).reconcile()
    assert result.restored == ["een.md"] and result.removed == ["twee.md"]
    assert (uploads / "een.md").exists() and not list(uploads.glob("*.removing"))
    assert set(load_manifest(uploads)) == {"een.md"}
