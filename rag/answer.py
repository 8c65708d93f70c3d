"""The extractive generator: rank evidence units, decide answerability, quote in a shape.

Every word of a quoted unit comes from a source passage, so this generator cannot
hallucinate; its only own words are the templates in `rag.prompts`. The unit ranker and the
answerability decision are learned (`rag.ranker`), never tuned on the evaluation items.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from rag import prompts, units
from rag.answerability import question_vector
from rag.cao_articles import article_reference
from rag.errors import ConfigurationError
from rag.features import Candidate, Evidence, candidates, unit_matrix
from rag.index import Index
from rag.kinds import has_number
from rag.models import Citation, Verification
from rag.ranker import RankerModel, load_model
from rag.retrieve import Hit


@dataclass
class GenerationRequest:
    """The question, its language and kind, the ranked passages and the query's focus."""

    question: str
    language: str
    hits: list[Hit]
    index: Index
    focus_vector: np.ndarray | None
    focus_terms: set[str]
    cao_scope: bool = False
    entitlement: bool = False
    threshold: float = 1.17
    english_allowance: float = 0.06
    quantity_coverage: float = 0.2
    kind: str = "fact"
    question_terms: set[str] = field(default_factory=set)
    cao_text: bool = False  # scoped to a loaded cao (`rag.cao_scope`)


@dataclass
class Generated:
    """An answer; `verification` and `backend` are set by the LLM generator only (`backend`:
    the generator that really answered, when it is not the configured one)."""

    answer: str
    answerable: bool
    citations: list[Citation] = field(default_factory=list)
    verification: Verification | None = None
    backend: str = ""


class Generator(Protocol):
    """Turns retrieved passages into an answer with citations."""

    def generate(self, request: GenerationRequest) -> Generated: ...


@dataclass
class Scored:
    """A candidate unit with its ranker probability."""

    candidate: Candidate
    probability: float
    text: str
    document_id: str

    @property
    def unit(self) -> units.Unit:
        """The unit's span (what `rag.grouping` reads)."""
        return self.candidate.unit


class UnitGenerator:
    """Quotes the best evidence units in the shape the question asks for, or refuses."""

    def __init__(
        self,
        model: RankerModel | None = None,
        path: Path | None = None,
        threshold: float | None = None,
    ) -> None:
        self._model, self._path, self._threshold = model, path, threshold

    @property
    def model(self) -> RankerModel:
        """The ranker, loaded on first use (ingesting needs none)."""
        if self._model is None:
            self._model = load_model(self._path)
        return self._model

    def generate(self, request: GenerationRequest) -> Generated:
        return self.decide(request)[0]

    def decide(self, request: GenerationRequest) -> tuple[Generated, list[Scored]]:
        """The quoted answer or the refusal, and the ranked units (none when refused)."""
        if request.entitlement:
            return Generated(refusal_text(request), False, []), []
        ranked, answerable = self.rank(request)
        threshold = self.model.threshold if self._threshold is None else self._threshold
        if ranked and answerable < threshold and request.cao_text:
            from rag.cao_evidence import cao_evidence  # reads this module's types

            ranked = cao_evidence(request, ranked)  # a cao article that holds the key term
            answerable = threshold if ranked else answerable
        if not ranked or answerable < threshold:
            return Generated(refusal_text(request), False, []), []
        from rag.compose import compose  # the shapes depend on this module's types

        return compose(request, ranked, self.model.selection), ranked

    def rank(self, request: GenerationRequest) -> tuple[list[Scored], float]:
        """Units best first with their probabilities, and p(answerable) of the question."""
        evidence = evidence_of(request)
        cands = candidates(evidence)
        if not cands:
            return [], 0.0
        matrix = unit_matrix(evidence, cands)
        logits = self.model.units.logits(matrix)
        probabilities = 1.0 / (1.0 + np.exp(-logits))
        order = np.argsort(-logits, kind="stable")
        ranked = [_scored(request, cands[i], float(probabilities[i])) for i in order]
        vector = question_vector(evidence, matrix, logits, has_number(ranked[0].text))
        return ranked, float(self.model.answerable.predict(vector[None, :])[0])


def evidence_of(request: GenerationRequest) -> Evidence:
    """What the feature functions read from a request."""
    return Evidence(
        request.index,
        request.hits,
        request.focus_vector,
        request.focus_terms,
        request.question_terms or request.focus_terms,
        request.kind,
        request.language == "en",
        request.entitlement,
        request.question,
    )


def _scored(request: GenerationRequest, candidate: Candidate, probability: float) -> Scored:
    document = request.hits[candidate.hit_rank].chunk.document_id
    return Scored(candidate, probability, unit_text(request, candidate), document)


def unit_text(request: GenerationRequest, candidate: Candidate) -> str:
    return units.unit_text(request.index, candidate.unit)


def citation_for(hit: Hit, n: int, quote: str) -> Citation:
    """The citation object of a hit, quoting `quote` (a substring of the passage)."""
    chunk = hit.chunk
    return Citation(
        n=n,
        document_id=chunk.document_id,
        title=chunk.title,
        organisations=chunk.organisations,
        year=chunk.year,
        kind=chunk.kind,
        page=chunk.page,
        section=chunk.section,
        quote=quote,
        text=chunk.text,
        score=round(hit.score, 6),
        article=article_reference(chunk, quote),
    )


def refusal_text(request: GenerationRequest) -> str:
    """'Not in the documents', why (a cao entitlement), and the closest documents by name."""
    text = prompts.render("refusal", request.language)
    if request.entitlement:
        text = f"{text} {prompts.render('entitlement', request.language)}"
    elif request.cao_scope:
        text = f"{text} {prompts.render('no_cao', request.language)}"
    titles = list(dict.fromkeys(hit.chunk.title for hit in request.hits[:3]))
    if titles:
        text += " " + prompts.render("closest", request.language, titles="; ".join(titles))
    return text


def _legacy(path: Path | None, threshold: float | None, llm: "LLMParts | None") -> Generator:
    from rag.legacy_answer import SentenceGenerator

    return SentenceGenerator()


def _llm(path: Path | None, threshold: float | None, llm: "LLMParts | None") -> Generator:
    from rag.llm_answer import LLMGenerator  # it builds on this module's generator

    if llm is None:
        raise ConfigurationError("the llm generator needs a chat client and a verifier")
    return LLMGenerator(UnitGenerator(path=path, threshold=threshold), *llm)


# The LLM generator's chat client and verifier (`rag.llm_client`, `rag.verify`).
LLMParts = tuple[Any, Any]
GENERATORS: dict[str, Callable[[Path | None, float | None, LLMParts | None], Generator]] = {
    "extractive": lambda path, threshold, llm: UnitGenerator(path=path, threshold=threshold),
    "sentences": _legacy,
    "llm": _llm,
}


def make_generator(
    name: str,
    model_path: Path | None = None,
    threshold: float | None = None,
    llm: LLMParts | None = None,
) -> Generator:
    """The generator registered under `name`: `extractive` (default, units + learned ranker),
    `sentences` (the first version, kept for comparison) or `llm` (an OpenAI-compatible model
    writes from the extractive generator's evidence, `rag.verify` checks every sentence)."""
    if name not in GENERATORS:
        raise ConfigurationError(f"unknown generator '{name}' (known: {', '.join(GENERATORS)})")
    return GENERATORS[name](model_path, threshold, llm)
