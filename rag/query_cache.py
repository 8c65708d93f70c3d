"""An LRU cache of query embeddings: repeated and example questions are embedded once."""

import threading
from collections import OrderedDict
from typing import Protocol

import numpy as np


class QueryEncoder(Protocol):
    """Whatever computes a question's vector: an embedder, or a pool of worker processes."""

    def get_query_embedding(self, query: str) -> list[float]: ...


class QueryEmbeddings:
    """Query vectors by their text (outer whitespace stripped), at most `size` kept.

    Case is kept: the model embeds "Cao" and "cao" differently, and an answer must not depend
    on which spelling was asked first."""

    def __init__(self, embedder: QueryEncoder, size: int = 512) -> None:
        self.embedder, self.size = embedder, size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str) -> np.ndarray:
        """The query embedding of `text`, from the cache when it was asked before."""
        key = text.strip()
        with self._lock:
            if key in self._vectors:
                self._vectors.move_to_end(key)
                return self._vectors[key]
        vector = np.asarray(self.embedder.get_query_embedding(text), dtype=np.float32)
        vector.setflags(write=False)  # shared between requests: nobody may change it
        with self._lock:
            self._vectors[key] = vector
            while len(self._vectors) > self.size:
                self._vectors.popitem(last=False)
        return vector
