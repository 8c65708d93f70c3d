"""A SQLite cache of passage embeddings, so re-ingesting only embeds text it has not seen.

Beneath it may lie a read-only `VectorSource` (the embeddings shipped with the corpus,
`rag.shipped_embeddings`): what either holds is never computed again.
"""

import hashlib
import sqlite3
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

_LOOKUP_BATCH = 500  # SQLite's bound on query parameters is 999 in old builds


def text_digest(text: str) -> str:
    """The key of a text's vector (with the model name): its SHA-256, hex."""
    return hashlib.sha256(text.encode()).hexdigest()


class VectorSource(Protocol):
    """Vectors of one model by text digest, read-only."""

    def lookup(self, digests: Collection[str]) -> dict[str, np.ndarray]:
        """The vectors it holds of `digests` (missing ones are left out)."""
        ...


class FirstOf:
    """Several vector sources asked in turn: a vector is taken from the first that holds it."""

    def __init__(self, sources: Sequence[VectorSource]) -> None:
        self._sources = list(sources)

    def lookup(self, digests: Collection[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for source in self._sources:
            found.update(source.lookup([d for d in digests if d not in found]))
        return found


class EmbeddingCache:
    """Vectors keyed by (model name, text hash); writes are transactional, so kill -9 is safe."""

    def __init__(self, path: Path, model_name: str, fallback: VectorSource | None = None) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path))
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS vectors (model TEXT, digest TEXT, vector BLOB,"
            " PRIMARY KEY (model, digest))"
        )
        self._model = model_name
        self._fallback = fallback
        self.computed = 0  # texts embedded by this cache's calls (neither stored nor shipped)

    def embed(
        self, texts: Sequence[str], compute: Callable[[list[str]], list[list[float]]]
    ) -> np.ndarray:
        """Vectors for `texts` in order, computing (and storing) only the missing ones."""
        digests = [text_digest(t) for t in texts]
        found = self._lookup(set(digests))
        if self._fallback is not None:
            found.update(self._fallback.lookup({d for d in digests if d not in found}))
        missing = list(dict.fromkeys(d for d in digests if d not in found))
        if missing:
            by_digest = dict(zip(digests, texts, strict=True))
            vectors = compute([by_digest[d] for d in missing])
            new = {
                d: np.asarray(v, dtype=np.float32) for d, v in zip(missing, vectors, strict=True)
            }
            self._store(new)
            self.computed += len(new)
            found.update(new)
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.vstack([found[d] for d in digests])

    def close(self) -> None:
        self._db.close()

    def _lookup(self, digests: set[str]) -> dict[str, np.ndarray]:
        wanted = sorted(digests)
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(wanted), _LOOKUP_BATCH):
            batch = wanted[start : start + _LOOKUP_BATCH]
            marks = ",".join("?" * len(batch))
            rows = self._db.execute(
                f"SELECT digest, vector FROM vectors WHERE model = ? AND digest IN ({marks})",
                (self._model, *batch),
            ).fetchall()
            found.update((d, np.frombuffer(v, dtype=np.float32)) for d, v in rows)
        return found

    def _store(self, vectors: dict[str, np.ndarray]) -> None:
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
                [(self._model, d, v.tobytes()) for d, v in vectors.items()],
            )
