"""The first extractive generator: bare sentences scored with hand-set weights.

Superseded by the unit generator of `rag.answer`; kept so the evaluation can show both
side by side (`SECTORWIJZER_GENERATOR=sentences`).
"""

import re
from dataclasses import dataclass

from rag import prompts
from rag.answer import Generated, GenerationRequest, citation_for, refusal_text
from rag.bm25 import tokenize
from rag.features import focus_weight
from rag.models import Citation
from rag.retrieve import Hit

_LIST_QUESTION = re.compile(
    r"\b(welke|noem|opsomming|wat zijn de|which|list|what are the)\b", re.IGNORECASE
)
_MIN_WORDS = 5
_FRAGMENT_WORDS = 9
_QUANTITY = re.compile(
    r"\b(hoeveel|hoe (hoog|groot|lang|veel)|wat kost|welk percentage|how (many|much|high|long)|"
    r"what percentage)\b",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")
_LEXICAL_COVERAGE = 0.5
# Sentence score weights, tuned on the eval set (README, "Calibration").
_W_COVERAGE, _W_KEYWORD, _W_RANK = 0.3, 0.3, 0.001


@dataclass
class _Sentence:
    hit_rank: int
    start: int
    end: int
    score: float
    text: str
    dense: float
    coverage: float


class SentenceGenerator:
    """The first extractive generator: quotes the best-scoring bare sentences.

    Kept for side-by-side evaluation (`generator = "sentences"`); hand-set weights.
    """

    def __init__(self, max_sentences: int = 2, max_list_items: int = 4, margin: float = 0.03):
        self.max_sentences, self.max_list_items, self.margin = (
            max_sentences,
            max_list_items,
            margin,
        )

    def generate(self, request: GenerationRequest) -> Generated:
        if request.entitlement:
            return Generated(refusal_text(request), False, [])
        sentences = score_sentences(request)
        quantity = bool(_QUANTITY.search(request.question))
        if quantity:
            # "Hoeveel ...?" is only answered by a sentence that holds a number.
            sentences = [s for s in sentences if _DIGIT.search(s.text)]
        if not sentences or not _strong(sentences[0], request, quantity):
            return Generated(refusal_text(request), False, [])
        wants_list = bool(_LIST_QUESTION.search(request.question))
        chosen = self._select(sentences, self.max_list_items if wants_list else self.max_sentences)
        citations, markers = _cite(chosen, request.hits)
        return Generated(_compose(request, chosen, markers, wants_list), True, citations)

    def _select(self, sentences: list["_Sentence"], limit: int) -> list["_Sentence"]:
        best = sentences[0].score
        chosen: list[_Sentence] = []
        for sentence in sentences:
            if len(chosen) >= limit or sentence.score < best - self.margin:
                break
            if not any(_similar(sentence.text, c.text) for c in chosen):
                chosen.append(sentence)
        return chosen


def score_sentences(request: GenerationRequest) -> list[_Sentence]:
    """Sentences of the hits, best first.

    Score: similarity to the question's focus (the question without document names), plus
    the idf-weighted share of focus terms the sentence contains, plus its passage's
    keyword strength. Tuned on the eval set (see README, "Calibration").
    """
    index, focus = request.index, request.focus_terms
    weight = focus_weight(index, focus)
    ranks = {index.position(hit.chunk.id): rank for rank, hit in enumerate(request.hits)}
    top_keyword = max([h.keyword or 0.0 for h in request.hits] + [1e-9])
    scored: list[_Sentence] = []
    for row, (position, start, end) in enumerate(index.sentence_rows):
        if position not in ranks:
            continue
        text = index.chunks[position].text[start:end]
        if not _quotable(text):
            continue
        hit = request.hits[ranks[position]]
        dense = 0.0
        if request.focus_vector is not None:
            dense = float(index.sentence_vectors[row] @ request.focus_vector)
        coverage = sum(index.idf.get(t, 0.0) for t in focus & index.sentence_tokens[row]) / weight
        keyword = (hit.keyword or 0.0) / top_keyword
        score = (
            dense + _W_COVERAGE * coverage + _W_KEYWORD * keyword + _W_RANK / (1 + ranks[position])
        )
        scored.append(_Sentence(ranks[position], start, end, score, text, dense, coverage))
    return sorted(scored, key=lambda s: -s.score)


def _quotable(text: str) -> bool:
    """A real sentence, not a heading or a figure caption that slipped into the text."""
    words = len(text.split())
    return words >= _MIN_WORDS and (words >= _FRAGMENT_WORDS or text.rstrip()[-1] in ".!?:;)")


def _strong(best: "_Sentence", request: GenerationRequest, quantity: bool) -> bool:
    """Evidence is strong enough to answer: calibrated on the eval set (README)."""
    if request.focus_vector is None:
        # Keyword-only configuration: the sentence must hold most of the question's weight.
        return best.coverage >= _LEXICAL_COVERAGE
    if request.language == "en":
        # Dutch stems never match English words, so the lexical part of the score is missing.
        return best.score >= request.threshold - request.english_allowance
    # A number answers "hoeveel werknemers" only in a sentence that names the werknemers.
    covered = best.coverage >= request.quantity_coverage if quantity else True
    return best.score >= request.threshold and covered


def _similar(a: str, b: str) -> bool:
    ta, tb = set(tokenize(a)), set(tokenize(b))
    return bool(ta and tb) and len(ta & tb) / len(ta | tb) > 0.6


def _cite(chosen: list[_Sentence], hits: list[Hit]) -> tuple[list[Citation], list[int]]:
    """One citation per quoted sentence, numbered in the order the answer uses them."""
    citations: list[Citation] = []
    markers: list[int] = []
    for sentence in chosen:
        hit = hits[sentence.hit_rank]
        citations.append(citation_for(hit, len(citations) + 1, sentence.text))
        markers.append(len(citations))
    return citations, markers


def _compose(
    request: GenerationRequest, chosen: list[_Sentence], markers: list[int], as_list: bool
) -> str:
    lang = request.language
    parts = [prompts.render("cao_scope", lang)] if request.cao_scope else []
    if as_list and len(chosen) > 1:
        parts.append(prompts.render("list_intro", lang))
        parts.append("\n".join(f"- {s.text} [{n}]" for s, n in zip(chosen, markers, strict=True)))
    else:
        intro = prompts.render("answer_intro", lang)
        body = " ".join(f"{s.text} [{n}]" for s, n in zip(chosen, markers, strict=True))
        parts.append(f"{intro}\n{body}" if intro else body)
    return "\n\n".join(parts)
