"""Query embeddings are cached by their text, bounded, and never shared mutably."""

from typing import Any

import numpy as np
import pytest

from rag.embeddings import make_embedder
from rag.query_cache import QueryEmbeddings


class _Counting:
    def __init__(self) -> None:
        self.inner = make_embedder("hashing")
        self.calls = 0

    def get_query_embedding(self, text: str) -> Any:
        self.calls += 1
        return self.inner.get_query_embedding(text)


def test_repeated_questions_are_embedded_once() -> None:
    embedder = _Counting()
    cache = QueryEmbeddings(embedder, size=2)  # type: ignore[arg-type]
    first = cache.get("Wat is de oranje kaart?")
    again = cache.get("  Wat is de oranje kaart? ")
    assert embedder.calls == 1 and np.array_equal(first, again)
    cache.get("wat is de oranje kaart?")  # another spelling is embedded on its own
    assert embedder.calls == 2
    with pytest.raises(ValueError):
        first[0] = 1.0


def test_the_cache_is_bounded_least_recently_used_first() -> None:
    embedder = _Counting()
    cache = QueryEmbeddings(embedder, size=2)  # type: ignore[arg-type]
    for text in ("a b", "c d", "a b", "e f"):
        cache.get(text)
    assert embedder.calls == 3
    cache.get("a b")  # kept: used more recently than "c d"
    assert embedder.calls == 3
    cache.get("c d")  # evicted
    assert embedder.calls == 4
