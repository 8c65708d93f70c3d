"""Checksums per generation: damage is found at open and by `sectorwijzer check`, reported with
the rebuild hint, and repaired by an ingest or a server start (hashing embedder)."""

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from api.service import Service
from rag.assistant import Assistant
from rag.check import check_data_dir
from rag.cli import main
from rag.config import Settings
from rag.errors import IndexDamagedError
from rag.integrity import CHECKSUMS, verify_generation
from rag.store import DataDir


def _live(settings: Settings) -> Path:
    current = DataDir(settings.data_dir).current()
    assert current is not None
    return current


def _snapshot(generation: Path) -> dict[str, str]:
    return {
        str(p.relative_to(generation)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(generation.rglob("*"))
        if p.is_file()
    }


def truncate_chroma(generation: Path) -> None:
    path = generation / "chroma" / "chroma.sqlite3"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _overwrite_same_size(path: Path) -> None:
    """Flip bytes in the second half of a file: same size, different content."""
    data = bytearray(path.read_bytes())
    for i in range(len(data) // 2, len(data), 7):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))


def overwrite_bm25(generation: Path) -> None:
    _overwrite_same_size(generation / "bm25" / "data.csc.index.npy")


def overwrite_sentences(generation: Path) -> None:
    _overwrite_same_size(generation / "sentences.npy")


def overwrite_hnsw(generation: Path) -> None:
    _overwrite_same_size(next((generation / "chroma").rglob("data_level0.bin")))


def drop_checksums(generation: Path) -> None:
    (generation / CHECKSUMS).unlink()


DAMAGE = [truncate_chroma, overwrite_bm25, overwrite_sentences, overwrite_hnsw, drop_checksums]


@pytest.fixture
def ingested(fake_settings: Settings) -> Settings:
    Assistant(fake_settings).ingest()
    return fake_settings


def test_a_generation_never_changes_once_written(ingested: Settings) -> None:
    generation = _live(ingested)
    before = _snapshot(generation)
    assistant = Assistant(ingested)
    assert assistant.ask("scholing van werknemers").retrieved
    assistant.index().close()
    assert Assistant(ingested).ask("arbeidsmigratie en vakkrachten").retrieved
    assert _snapshot(generation) == before
    assert verify_generation(generation) == len(before) - 1  # every file but the list itself


@pytest.mark.parametrize("damage", DAMAGE)
def test_damage_is_reported_with_the_rebuild_hint_and_an_ingest_repairs_it(
    ingested: Settings, damage: Callable[[Path], None], capsys: pytest.CaptureFixture[str]
) -> None:
    damage(_live(ingested))
    with pytest.raises(IndexDamagedError, match=r"damaged .*sectorwijzer ingest --rebuild"):
        Assistant(ingested).index()
    with pytest.raises(IndexDamagedError):
        check_data_dir(ingested)
    base = ["--data-dir", str(ingested.data_dir), "--corpus-dir", str(ingested.corpus_dir)]
    assert main([*base, "--embedder", "hashing", "check"]) == 1
    err = capsys.readouterr().err
    assert "ingest --rebuild" in err and "Traceback" not in err
    report = Assistant(ingested).ingest()  # a damaged live generation is rebuilt, not reused
    assert len(report.added) == 5
    assert Assistant(ingested).ask("scholing van werknemers").retrieved


def test_check_command_reports_a_sound_index(
    ingested: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--data-dir", str(ingested.data_dir), "--corpus-dir", str(ingested.corpus_dir)]
    assert main([*base, "--embedder", "hashing", "check"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ok: generation ") and "5 documents" in out


@pytest.mark.parametrize("damage", [truncate_chroma, overwrite_sentences])
def test_a_server_start_rebuilds_a_damaged_index(
    ingested: Settings, damage: Callable[[Path], None]
) -> None:
    damaged = _live(ingested)
    damage(damaged)
    service = Service(ingested)
    builder = service.start_index_build()
    assert builder is not None
    builder.join(120)
    assert service.build_error is None
    ready = service.readiness()
    assert ready["documents"] == 5 and ready["generation"] != damaged.name
