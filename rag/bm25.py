"""Keyword index: BM25 (bm25s) over Dutch-stemmed tokens without stopwords."""

import re
import threading
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_DUTCH, STOPWORDS_EN

_WORD = re.compile(r"[0-9]+(?:[.,][0-9]+)*|[a-zà-ÿ]+(?:-[a-zà-ÿ]+)*", re.IGNORECASE)
# Question words and "what does X say" verbs carry no topic; "cao" is in nearly every question
# of employees and says nothing about which passage answers.
_QUESTION_WORDS = {
    "cao",
    "wat",
    "welke",
    "welk",
    "hoeveel",
    "hoe",
    "waarom",
    "wie",
    "waar",
    "wanneer",
    "zegt",
    "zeggen",
    "vindt",
    "vinden",
    "volgens",
    "staat",
    "eigenlijk",
    "precies",
}
_STOPWORDS = frozenset(STOPWORDS_DUTCH) | frozenset(STOPWORDS_EN) | _QUESTION_WORDS


_local = threading.local()


def _stemmer() -> Stemmer.Stemmer:
    # One per thread: PyStemmer's stemmers are not thread-safe, and questions run concurrently.
    stemmer: Stemmer.Stemmer | None = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer("dutch")
    return stemmer


def tokenize(text: str) -> list[str]:
    """Lowercased Dutch stems without stopwords; compounds also yield their hyphen parts."""
    tokens: list[str] = []
    for word in _WORD.findall(text.lower()):
        parts = [word] + (word.split("-") if "-" in word else [])
        tokens.extend(p for p in parts if p and p not in _STOPWORDS)
    return list(_stemmer().stemWords(tokens))


class KeywordIndex:
    """A BM25 index whose tokenizer lives here, so a reload can never lose the Dutch stemmer."""

    def __init__(self, model: bm25s.BM25 | None, size: int) -> None:
        self._model = model
        self.size = size

    @classmethod
    def build(cls, texts: list[str]) -> "KeywordIndex":
        if not texts:
            return cls(None, 0)
        model = bm25s.BM25()
        corpus = [tokenize(t) or ["_leeg_"] for t in texts]
        model.index(corpus, show_progress=False)
        return cls(model, len(texts))

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        if self._model is not None:
            self._model.save(str(directory))
        (directory / "size.txt").write_text(str(self.size))

    @classmethod
    def load(cls, directory: Path) -> "KeywordIndex":
        size = int((directory / "size.txt").read_text())
        return cls(bm25s.BM25.load(str(directory)) if size else None, size)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every passage for the query (zeros when no query term is indexed)."""
        vocabulary = self._model.vocab_dict if self._model is not None else {}
        tokens = [t for t in tokenize(query) if t in vocabulary]
        if not tokens or self._model is None:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._model.get_scores(tokens), dtype=np.float32)
