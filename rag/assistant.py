"""`Assistant`: the one entry point every edge (CLI, API, UI, evals) uses."""

import re
import time
from typing import Any

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding

from rag import prompts
from rag.answer import GenerationRequest, citation_for, make_generator
from rag.config import Settings
from rag.embeddings import make_embedder
from rag.errors import IndexNotReadyError, InvalidQuestionError
from rag.index import Index, open_index
from rag.ingest import IngestReport, ingest
from rag.language import detect_language
from rag.models import Answer, Filters, Turn
from rag.retrieve import Query, allowed_documents, make_retriever, needs_embedding
from rag.store import DataDir

_CAO = re.compile(r"\b(cao|cao's|collectieve arbeidsovereenkomst|collective (labour )?agreement)\b",
                  re.IGNORECASE)
_FOLLOW_UP = re.compile(r"^(en|maar|ook|and|but|what about)\b|\b(ze|zij|hun|hen|dit|dat|daar\w*|"
                        r"hier\w*|they|them|their|it|that|this)\b", re.IGNORECASE)


class Assistant:
    """Answers questions from the index in the settings' data directory."""

    def __init__(self, settings: Settings, embedder: BaseEmbedding | None = None) -> None:
        self.settings = settings
        self.embedder = embedder or make_embedder(settings.embedder)
        self.retriever = make_retriever(settings.retriever, settings.rrf_k)
        self.generator = make_generator(settings.generator)
        self._data = DataDir(settings.data_dir)
        self._index: Index | None = None

    @property
    def backend(self) -> str:
        s = self.settings
        return f"{s.generator}+{s.retriever}+{self.embedder.model_name}"

    def index(self) -> Index:
        """The live index, reopened when an ingest (here or elsewhere) published a new one."""
        current = self._data.current()
        if current is None:
            raise IndexNotReadyError(prompts.render("no_index", "en"))
        if self._index is None or self._index.path != current:
            self._index = open_index(current)
        return self._index

    def ingest(self, rebuild: bool = False, progress: bool = False) -> IngestReport:
        """Bring the index in line with the corpus and the uploads folder."""
        report = ingest(self.settings, self.embedder, rebuild=rebuild, progress=progress)
        self._index = None
        return report

    def documents(self) -> dict[str, dict[str, Any]]:
        """Loaded documents by id, as recorded at ingest."""
        return dict(self.index().state.get("documents", {}))

    def ask(
        self, question: str, history: list[Turn] | None = None, filters: Filters | None = None
    ) -> Answer:
        """Answer `question` from the documents, with citations, or say they don't hold it."""
        started = time.perf_counter()
        question = self._check(question)
        language = detect_language(question)
        index = self.index()
        allowed = allowed_documents(index, filters)
        cao_scope = self._cao_scope(question, index)
        if cao_scope:
            allowed = self._cao_parties(index, allowed)
        text = retrieval_text(question, history or [])
        vector = self._embed(text)
        query = Query(text, vector.tolist() if vector is not None else None, allowed,
                      self.settings.candidates)
        hits = self.retriever.retrieve(index, query)[: self.settings.top_k]
        retrieved_at = time.perf_counter()
        generated = self.generator.generate(GenerationRequest(
            question, language, hits, index, vector, cao_scope, self.settings.refusal_threshold))
        done = time.perf_counter()
        return Answer(
            answer=generated.answer, answerable=generated.answerable, language=language,
            citations=generated.citations,
            retrieved=[citation_for(h, i + 1, "") for i, h in enumerate(hits)],
            timings_ms={"retrieve": _ms(started, retrieved_at), "answer": _ms(retrieved_at, done),
                        "total": _ms(started, done)},
            backend=self.backend,
        )

    def _check(self, question: str) -> str:
        question = (question or "").strip()
        language = detect_language(question)
        if not question:
            raise InvalidQuestionError(prompts.render("empty_question", "nl"))
        limit = self.settings.max_question_chars
        if len(question) > limit:
            raise InvalidQuestionError(prompts.render(
                "question_too_long", language, length=len(question), limit=limit))
        return question

    def _embed(self, text: str) -> np.ndarray | None:
        if not needs_embedding(self.settings.retriever):
            return None
        return np.asarray(self.embedder.get_query_embedding(text), dtype=np.float32)

    @staticmethod
    def _cao_scope(question: str, index: Index) -> bool:
        kinds = {info.get("kind") for info in index.state.get("documents", {}).values()}
        return bool(_CAO.search(question)) and "cao" not in kinds

    @staticmethod
    def _cao_parties(index: Index, allowed: set[str] | None) -> set[str] | None:
        docs = index.state.get("documents", {})
        parties = {doc_id for doc_id, info in docs.items() if info.get("cao_parties")}
        if not parties:
            return allowed
        return parties if allowed is None else allowed & parties


def retrieval_text(question: str, history: list[Turn]) -> str:
    """The question, preceded by the last user turn when it reads as a follow-up."""
    earlier = [t.content for t in history if t.role == "user" and t.content.strip()]
    if not earlier or not _is_follow_up(question):
        return question
    return f"{earlier[-1]} {question}"


def _is_follow_up(question: str) -> bool:
    return len(question.split()) <= 6 or bool(_FOLLOW_UP.search(question))


def _ms(start: float, end: float) -> float:
    return round((end - start) * 1000, 2)
