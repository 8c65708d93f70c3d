"""A SQLite cache of passage embeddings, so re-ingesting only embeds text it has not seen."""

import hashlib
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np


class EmbeddingCache:
    """Vectors keyed by (model name, text hash); writes are transactional, so kill -9 is safe."""

    def __init__(self, path: Path, model_name: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path))
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS vectors (model TEXT, digest TEXT, vector BLOB,"
            " PRIMARY KEY (model, digest))"
        )
        self._model = model_name

    def embed(
        self, texts: Sequence[str], compute: Callable[[list[str]], list[list[float]]]
    ) -> np.ndarray:
        """Vectors for `texts` in order, computing (and storing) only the missing ones."""
        digests = [hashlib.sha256(t.encode()).hexdigest() for t in texts]
        found = self._lookup(set(digests))
        missing = list(dict.fromkeys(d for d in digests if d not in found))
        if missing:
            by_digest = dict(zip(digests, texts, strict=True))
            vectors = compute([by_digest[d] for d in missing])
            new = {
                d: np.asarray(v, dtype=np.float32) for d, v in zip(missing, vectors, strict=True)
            }
            self._store(new)
            found.update(new)
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.vstack([found[d] for d in digests])

    def close(self) -> None:
        self._db.close()

    def _lookup(self, digests: set[str]) -> dict[str, np.ndarray]:
        rows = self._db.execute(
            "SELECT digest, vector FROM vectors WHERE model = ?", (self._model,)
        ).fetchall()
        return {d: np.frombuffer(v, dtype=np.float32) for d, v in rows if d in digests}

    def _store(self, vectors: dict[str, np.ndarray]) -> None:
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
                [(self._model, d, v.tobytes()) for d, v in vectors.items()],
            )
