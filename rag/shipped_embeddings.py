"""The embeddings of the shipped corpus, shipped with it, so a fresh start embeds nothing.

`<corpus>/embeddings/<model name>.npz` holds, for one embedder, the SHA-256 of every text that
ingest embeds for the corpus folder (passages and their sentences, `rag.embedding_step`) and
its float32 vector. Ingest reads it beneath the data directory's own cache; a text it does not
hold (an upload, an edited document, another chunking) is simply embedded. `sectorwijzer
embed-corpus` regenerates it, and a test fails when it no longer covers the corpus.
"""

import logging
import os
import zipfile
from collections.abc import Collection, Sequence
from pathlib import Path

import numpy as np

from rag.embedding_cache import text_digest

FORMAT = 1
FOLDER = "embeddings"

log = logging.getLogger("sectorwijzer.ingest")


def shipped_path(corpus_dir: Path, model_name: str) -> Path:
    """Where the corpus folder keeps the vectors of `model_name`."""
    return corpus_dir / FOLDER / f"{model_name}.npz"


class ShippedEmbeddings:
    """The vectors of one shipped file, by text digest (empty when there is no usable file)."""

    def __init__(self, vectors: dict[str, np.ndarray]) -> None:
        self._vectors = vectors

    @classmethod
    def load(cls, path: Path, model_name: str) -> "ShippedEmbeddings":
        """Read `path`; a missing file gives none, and so does a damaged or foreign one (with a
        warning): ingest then embeds every text itself, which is slower but just as right."""
        if not path.is_file():
            return cls({})
        try:
            with np.load(path, allow_pickle=False) as data:
                fmt, model = int(data["format"]), str(data["model"])
                digests, vectors = data["digests"], data["vectors"]
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
            log.warning("ignoring the shipped embeddings %s: %s", path, exc)
            return cls({})
        if fmt != FORMAT or model != model_name or len(digests) != len(vectors):
            log.warning("ignoring the shipped embeddings %s: format %s of %s", path, fmt, model)
            return cls({})
        matrix = np.asarray(vectors, dtype=np.float32)
        return cls({str(d): matrix[i] for i, d in enumerate(digests)})

    def lookup(self, digests: Collection[str]) -> dict[str, np.ndarray]:
        """The vectors held of `digests`."""
        return {d: self._vectors[d] for d in digests if d in self._vectors}

    def digests(self) -> set[str]:
        return set(self._vectors)

    def __len__(self) -> int:
        return len(self._vectors)


def write_shipped(path: Path, model_name: str, texts: Sequence[str], vectors: np.ndarray) -> None:
    """Write the vectors of `texts` (duplicates once, sorted by digest, so the same corpus gives
    the same file) atomically: a reader sees the old file or the new one."""
    rows = {text_digest(t): i for i, t in enumerate(texts)}
    digests = sorted(rows)
    matrix = np.asarray(vectors, dtype=np.float32)[[rows[d] for d in digests]]
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with partial.open("wb") as out:
        np.savez_compressed(
            out,
            format=np.int64(FORMAT),
            model=np.str_(model_name),
            digests=np.array(digests, dtype="U64"),
            vectors=matrix,
        )
    os.replace(partial, path)
