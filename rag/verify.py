"""The citation check: every generated sentence must be backed by the sources it cites.

A sentence stays only when
1. it cites at least one source (`no_citation`), and only sources that exist (`unknown_source`);
2. every number (amount, percentage, date) in it occurs in a cited source (`number`);
3. every proper name in it occurs in a cited source (`name`);
4. its content words are supported by the cited text (read without sentences that instruct
   a language model, `rag.injection`): stemmed overlap and embedding
   similarity both reach the thresholds calibrated on the training questions
   (`rag.verify_calibration`, never the eval set) (`not_supported`);
5. it does not repeat an earlier sentence (`repeated`: small models loop at temperature 0);
6. it is not a lead-in ("De problemen zijn:") with nothing kept after it (`dangling`).
A sentence that fails 2-4 for the sources it cites but passes them all for another source
(small models often cite the first source for a fact from the third) is kept, citing the
first such source instead: the same checks, not a looser similarity match.
Failing sentences are removed (or, with `mark_unverified`, kept with a mark); the remaining
markers are renumbered 1, 2, ... in order of use; with fewer than `min_kept` sentences left the
caller falls back to the extractive answer.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding

from rag import prompts
from rag.bm25 import tokenize
from rag.citations import Sentence, join_lines, renumber, split_sentences
from rag.claims import missing_names, missing_numbers
from rag.glossary import dutch_terms
from rag.injection import without_instructions
from rag.models import RemovedSentence, Verification

THRESHOLDS_PATH = Path(__file__).resolve().parent / "data" / "verify_thresholds.json"
REASONS = (
    "no_citation",
    "unknown_source",
    "number",
    "name",
    "not_supported",
    "repeated",
    "dangling",
)
# Texts in, one L2-normalised row per text out (the assistant's embedder).
Embed = Callable[[list[str]], np.ndarray]


@dataclass(frozen=True)
class Thresholds:
    """Minimum stemmed overlap and embedding similarity of a supported sentence, per language."""

    overlap: dict[str, float] = field(default_factory=lambda: {"nl": 0.5, "en": 0.0})
    similarity: dict[str, float] = field(default_factory=lambda: {"nl": 0.0, "en": 0.0})

    def passes(self, language: str, overlap: float, similarity: Callable[[], float]) -> bool:
        """Both thresholds reached; `similarity` (an embedding call) is only computed when
        the overlap already passes."""
        lang = language if language in self.overlap else "nl"
        return overlap >= self.overlap[lang] and similarity() >= self.similarity[lang]


def load_thresholds(path: Path | None = None) -> Thresholds:
    """The calibrated thresholds (rag/data/verify_thresholds.json)."""
    data = json.loads((path or THRESHOLDS_PATH).read_text(encoding="utf-8"))
    return Thresholds(dict(data["overlap"]), dict(data["similarity"]))


def overlap(claim: str, source: str, language: str) -> float:
    """The share of the claim's content stems found in the source. An English claim is read
    through the glossary's Dutch terms (the sources are Dutch); its own words count when
    they occur as such (names, numbers)."""
    present = set(tokenize(source))
    words = set(tokenize(claim))
    if language == "en":
        words = set(tokenize(dutch_terms(claim))) | (words & present)
    if not words:
        return 1.0 if language != "en" else 0.0
    return len(words & present) / len(words)


def embedding_function(embedder: BaseEmbedding) -> Embed:
    """`Embed` over a llama-index embedder (passages, as the sources are embedded)."""

    def embed(texts: list[str]) -> np.ndarray:
        matrix = np.asarray(embedder.get_text_embedding_batch(texts), dtype=np.float32)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return matrix / np.where(norms == 0, 1.0, norms)

    return embed


@dataclass
class Checked:
    """The verified text, the old source number of each new marker, and the record."""

    text: str
    order: list[int]
    verification: Verification


class Verifier:
    """Checks a generated answer against its numbered sources (see the module docstring)."""

    def __init__(
        self,
        embed: Embed | None,
        thresholds: Thresholds | None = None,
        mark_unverified: bool = False,
        min_kept: int = 1,
    ) -> None:
        self.embed, self.mark, self.min_kept = embed, mark_unverified, min_kept
        self.thresholds = thresholds or load_thresholds()

    def check(self, draft: str, sources: dict[int, str], language: str) -> Checked:
        """Verify `draft`, whose markers [n] refer to `sources` (number -> cited text)."""
        judged = [self.judge(s, sources, language) for s in split_sentences(draft)]
        sentences = [s for s, _ in judged]
        reasons = _dangling(sentences, _repeats(sentences, [r for _, r in judged]))
        shown = [(s, r) for s, r in zip(sentences, reasons, strict=True) if r is None or self.mark]
        texts = [s.text if r is None else self._marked(s, sources, language) for s, r in shown]
        texts, order = renumber(texts)
        removed = [
            RemovedSentence(sentence=s.text, reason=r)
            for s, r in zip(sentences, reasons, strict=True)
            if r is not None
        ]
        kept = [t for t, (_, r) in zip(texts, shown, strict=True) if r is None]
        record = Verification(kept=kept, removed=removed)
        record.fallback = len(kept) < self.min_kept
        record.note = _note(len(removed), self.mark, record.fallback, language)
        return Checked(join_lines([s for s, _ in shown], texts), order, record)

    def judge(
        self, sentence: Sentence, sources: dict[int, str], language: str
    ) -> tuple[Sentence, str | None]:
        """`sentence` and why it fails, or the sentence re-cited to the first other source
        that passes every check (then no reason)."""
        reason = self.reason(sentence, sources, language)
        if reason not in ("number", "name", "not_supported"):
            return sentence, reason
        for n in sorted(set(sources) - set(sentence.cited)):
            moved = replace(sentence, text=f"{sentence.claim} [{n}]", cited=(n,))
            if self.reason(moved, sources, language) is None:
                return moved, None
        return sentence, reason

    def reason(self, sentence: Sentence, sources: dict[int, str], language: str) -> str | None:
        """Why `sentence` fails (a `REASONS` code), or None when the sources back it."""
        if not sentence.cited:
            return "no_citation"
        if any(n not in sources for n in sentence.cited):
            return "unknown_source"
        texts = [without_instructions(sources[n]) for n in sentence.cited]
        cited = "\n".join(texts)
        if missing_numbers(sentence.claim, cited):
            return "number"
        if missing_names(sentence.claim, cited):
            return "name"
        if not self.supported(sentence.claim, texts, language):
            return "not_supported"
        return None

    def supported(self, claim: str, cited: list[str], language: str) -> bool:
        """Stemmed overlap and embedding similarity (best cited source) reach the thresholds."""
        share = overlap(claim, "\n".join(cited), language)
        return self.thresholds.passes(language, share, lambda: self.similarity(claim, cited))

    def similarity(self, claim: str, cited: list[str]) -> float:
        """Cosine similarity of the claim and its closest cited source (1.0 without embedder)."""
        if self.embed is None:
            return 1.0
        vectors = self.embed([claim, *cited])
        return float(np.max(vectors[1:] @ vectors[0]))

    @staticmethod
    def _marked(sentence: Sentence, sources: dict[int, str], language: str) -> str:
        # Markers of sources that do not exist go; the mark tells the reader not to trust it.
        valid = "".join(f"[{n}]" for n in sentence.cited if n in sources)
        mark = prompts.render("unverified_mark", language)
        return " ".join(part for part in (sentence.claim, mark, valid) if part)


def _repeats(sentences: list[Sentence], reasons: list[str | None]) -> list[str | None]:
    """`reasons` with every later copy of an already kept claim marked `repeated`."""
    seen: set[str] = set()
    marked: list[str | None] = []
    for sentence, reason in zip(sentences, reasons, strict=True):
        key = " ".join(sentence.claim.casefold().split())
        marked.append("repeated" if reason is None and key in seen else reason)
        if reason is None:
            seen.add(key)
    return marked


def _dangling(sentences: list[Sentence], reasons: list[str | None]) -> list[str | None]:
    """`reasons` with the last kept sentence marked `dangling` when it only announces what
    follows (ends with ":"), since everything after it was removed."""
    kept = [i for i, reason in enumerate(reasons) if reason is None]
    if kept and sentences[kept[-1]].claim.rstrip().endswith(":"):
        return [*reasons[: kept[-1]], "dangling", *reasons[kept[-1] + 1 :]]
    return reasons


def _note(removed: int, marked: bool, fallback: bool, language: str) -> str:
    if fallback:
        return prompts.render("verify_fallback", language)
    if not removed:
        return ""
    return prompts.render("verify_marked" if marked else "verify_removed", language, count=removed)
