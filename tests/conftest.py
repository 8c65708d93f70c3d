"""Shared fixtures: a real temporary data directory, the real corpus, fake or real embedders."""

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from rag.offline import apply_offline_env

apply_offline_env()

from rag.assistant import Assistant  # noqa: E402
from rag.config import Settings, load_settings  # noqa: E402
from tests.chroma_server import chroma_server  # noqa: E402

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture
def fake_settings(tmp_path: Path, corpus_copy: Path) -> Settings:
    """Settings for plumbing tests: the hashing embedder, a fresh data dir, a corpus copy."""
    return load_settings(data_dir=tmp_path / "data", corpus_dir=corpus_copy, embedder="hashing")


@pytest.fixture(scope="session")
def real_assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    """The real embedder over the shipped corpus, ingested once per test session."""
    data = tmp_path_factory.mktemp("real-data")
    assistant = Assistant(load_settings(data_dir=data, corpus_dir=CORPUS))
    assistant.ingest()
    yield assistant


@pytest.fixture(scope="session")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Chroma server for the session (each test uses its own collection prefix)."""
    with chroma_server(tmp_path_factory.mktemp("chroma") / "db") as url:
        yield url


@pytest.fixture
def server_settings(fake_settings: Settings, chroma_url: str) -> Settings:
    """`fake_settings` in client/server mode: a fresh collection prefix on the session's
    Chroma server, a short lock lease and pointer check, replaced generations dropped at
    once, answers at any score."""
    return fake_settings.model_copy(
        update={
            "chroma_url": chroma_url,
            "chroma_prefix": f"t{uuid.uuid4().hex[:10]}",
            "chroma_poll_seconds": 0.2,
            "chroma_lock_seconds": 3.0,
            "chroma_retire_seconds": 0.0,
            "refusal_threshold": 0.0,
            "answer_threshold": 0.0,
        }
    )
