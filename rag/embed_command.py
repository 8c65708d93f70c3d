"""`sectorwijzer embed-corpus`: regenerate the embeddings shipped with the corpus folder."""

import argparse
import sys
import time

import numpy as np
from tqdm import tqdm

from rag.config import Settings
from rag.embedding_step import embedded_texts
from rag.embeddings import make_embedder
from rag.errors import ConfigurationError
from rag.ingest import corpus_chunks
from rag.shipped_embeddings import shipped_path, write_shipped

_BATCH = 16


def embed_corpus_command(args: argparse.Namespace, settings: Settings) -> int:
    """Chunk the corpus folder as ingest does now, embed every text with the model (never from
    a cache: the file must hold what the model gives today) and write the shipped file."""
    started = time.perf_counter()
    embedder = make_embedder(settings.embedder, settings)
    chunks, failed = corpus_chunks(settings)
    if failed:
        reasons = "; ".join(f"{name}: {why}" for name, why in failed.items())
        raise ConfigurationError(f"the corpus folder has files ingest cannot read ({reasons})")
    passages, sentences = embedded_texts(chunks)
    texts = list(dict.fromkeys(passages + sentences))
    vectors: list[list[float]] = []
    with tqdm(total=len(texts), desc="embedding", disable=not sys.stderr.isatty()) as bar:
        for start in range(0, len(texts), _BATCH):
            batch = texts[start : start + _BATCH]
            vectors.extend(embedder.get_text_embedding_batch(batch))
            bar.update(len(batch))
    path = shipped_path(settings.corpus_dir, embedder.model_name)
    write_shipped(path, embedder.model_name, texts, np.asarray(vectors, dtype=np.float32))
    print(
        f"{len(texts)} texts of {len(chunks)} passages and their sentences: {path} "
        f"({path.stat().st_size // 1024} KB, {time.perf_counter() - started:.0f} s)"
    )
    return 0
