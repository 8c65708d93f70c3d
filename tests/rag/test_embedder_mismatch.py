"""An index built by one embedder is never searched with another's question vectors: it is
refused with a clear error until an ingest rebuilds it (plumbing with hashing embedders)."""

import pytest

from rag.assistant import Assistant
from rag.config import Settings
from rag.embeddings import HashingEmbedding
from rag.errors import EmbedderMismatchError


class OtherModel(HashingEmbedding):
    """Another model: its vectors must not meet the hashing model's."""

    model_name: str = "hashing-other"
    dim: int = 48


def test_an_index_of_another_embedder_is_refused_then_rebuilt(fake_settings: Settings) -> None:
    first = Assistant(fake_settings)
    built = first.ingest()
    assert first.ask("Wat staat er over scholing?").retrieved

    other = Assistant(fake_settings, embedder=OtherModel())
    with pytest.raises(EmbedderMismatchError, match="hashing-64.*hashing-other"):
        other.ask("Wat staat er over scholing?")
    rebuilt = other.ingest()  # nothing changed in the corpus, yet it rebuilds

    assert rebuilt.generation != built.generation
    assert other.index().state["embedder"] == "hashing-other"
    assert other.ask("Wat staat er over scholing?").retrieved
    assert other.ingest().generation == rebuilt.generation  # now there is nothing to do
