"""Shared fixtures: a real temporary data directory, the real corpus, fake or real embedders."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from rag.offline import apply_offline_env

apply_offline_env()

from rag.assistant import Assistant  # noqa: E402
from rag.config import Settings, load_settings  # noqa: E402

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
