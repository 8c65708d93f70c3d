"""`Assistant`: the one entry point every edge (CLI, API, UI, evals) uses."""

import time
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding

from rag import prompts
from rag.answer import Generated, GenerationRequest, citation_for, make_generator
from rag.bm25 import tokenize
from rag.condense import condense
from rag.config import Settings
from rag.embeddings import make_embedder
from rag.errors import (
    InvalidQuestionError,
    RequestTooLargeError,
)
from rag.glossary import dutch_terms
from rag.index import Index
from rag.ingest import IngestReport
from rag.kinds import question_kind
from rag.language import detect_language
from rag.library import Reconciliation
from rag.llm_client import ChatClient, OpenAIChatClient
from rag.models import Answer, Filters, Turn
from rag.query import asks_about_cao, asks_for_entitlement, focus, retrieval_text
from rag.query_cache import QueryEmbeddings
from rag.retrieve import Hit, Query, allowed_documents, make_retriever, needs_embedding
from rag.store import DataDir
from rag.verify import Verifier, embedding_function
from rag.writer import Exclusive, LiveIndex, Writer


class Assistant:
    """Answers questions from the index in the settings' data directory."""

    def __init__(self, settings: Settings, embedder: BaseEmbedding | None = None) -> None:
        self.settings = settings
        self.embedder = embedder or make_embedder(settings.embedder)
        self.retriever = make_retriever(settings.retriever, settings.rrf_k)
        self.llm: ChatClient | None = None
        parts = None
        if settings.generator == "llm":
            self.llm = OpenAIChatClient(settings)
            verifier = Verifier(
                embedding_function(self.embedder),
                mark_unverified=settings.verify_mark_unverified,
                min_kept=settings.verify_min_kept,
            )
            parts = (self.llm, verifier)
        self.generator = make_generator(
            settings.generator, settings.ranker_path, settings.answer_threshold, parts
        )
        self._data = DataDir(settings.data_dir)
        self._live = LiveIndex(self._data)
        self._writer = Writer(settings, self.embedder, self._live)
        self._queries = QueryEmbeddings(self.embedder)

    @property
    def backend(self) -> str:
        s = self.settings
        return f"{s.generator}+{s.retriever}+{self.embedder.model_name}"

    def index(self) -> Index:
        """The live index, reopened when an ingest (here or elsewhere) published a new one."""
        return self._live.get()

    def has_index(self) -> bool:
        """Whether an ingest has published an index (damaged or not)."""
        return self._data.current_file.exists()

    def ingest(
        self, rebuild: bool = False, progress: bool = False, exclusive: Exclusive = nullcontext
    ) -> IngestReport:
        """Bring the index in line with the corpus and the uploads folder (see `rag.writer`)."""
        return self._writer.ingest(rebuild, progress, exclusive)

    def add_document(
        self,
        filename: str,
        data: bytes,
        meta: dict[str, Any] | None = None,
        exclusive: Exclusive = nullcontext,
    ) -> dict[str, Any]:
        """Store an upload, ingest it and return its document record; a failure of any kind
        leaves the index and the uploads folder as they were."""
        return self._writer.add_document(filename, data, meta, exclusive)

    def remove_document(self, doc_id: str, exclusive: Exclusive = nullcontext) -> None:
        """Remove a document from the index (an upload's file is deleted too), all or nothing."""
        self._writer.remove_document(doc_id, exclusive)

    def reconcile(self) -> Reconciliation:
        """Repair the uploads folder after an interruption (see `rag.library.reconcile`)."""
        return self._writer.reconcile()

    def documents(self) -> dict[str, dict[str, Any]]:
        """Loaded documents by id, as recorded at ingest."""
        return dict(self.index().state.get("documents", {}))

    def ask(
        self, question: str, history: list[Turn] | None = None, filters: Filters | None = None
    ) -> Answer:
        """Answer `question` from the documents, with citations, or say they don't hold it."""
        started = time.perf_counter()
        request = self.prepare(question, history or [], filters)
        retrieved_at = time.perf_counter()
        generated = self.generator.generate(request)
        return self._answer(request, generated, started, retrieved_at)

    def ask_stream(
        self, question: str, history: list[Turn] | None = None, filters: Filters | None = None
    ) -> Iterator[str | Answer]:
        """Like `ask`, streamed: draft pieces while a language model writes, then the verified
        `Answer` (an extractive generator yields the `Answer` only). The question is checked
        and its passages retrieved before this returns, so bad input raises here."""
        started = time.perf_counter()
        request = self.prepare(question, history or [], filters)
        return self._stream(request, started, time.perf_counter())

    def _stream(
        self, request: GenerationRequest, started: float, retrieved_at: float
    ) -> Iterator[str | Answer]:
        stream = getattr(self.generator, "stream", None)
        events = stream(request) if stream else iter([self.generator.generate(request)])
        for event in events:
            if isinstance(event, str):
                yield event
            else:
                yield self._answer(request, event, started, retrieved_at)

    def _answer(
        self, request: GenerationRequest, generated: Generated, started: float, retrieved_at: float
    ) -> Answer:
        done = time.perf_counter()
        s = self.settings
        backend = f"{generated.backend}+{s.retriever}+{self.embedder.model_name}"
        return Answer(
            answer=generated.answer,
            answerable=generated.answerable,
            language=request.language,
            citations=generated.citations,
            retrieved=[citation_for(h, i + 1, "") for i, h in enumerate(request.hits)],
            timings_ms={
                "retrieve": _ms(started, retrieved_at),
                "answer": _ms(retrieved_at, done),
                "total": _ms(started, done),
            },
            backend=backend if generated.backend else self.backend,
            verification=generated.verification,
        )

    def prepare(
        self, question: str, history: list[Turn], filters: Filters | None = None
    ) -> GenerationRequest:
        """Check and read the question and retrieve its passages: all the answer step needs."""
        question = self._check(question)
        language = detect_language(question)
        history = self._check_history(history, language)
        index = self.index()
        scope = self._scope(question, index, filters)
        reading = self._read(question, language, history, index)
        query = Query(
            reading.text,
            _as_list(reading.vector),
            scope.allowed,
            self.settings.candidates,
            _as_list(reading.focus_vector),
        )
        hits = self.retriever.retrieve(index, query)[: self.settings.top_k]
        return self._request(question, language, hits, index, reading, scope)

    def _scope(self, question: str, index: Index, filters: Filters | None) -> "_Scope":
        """Allowed documents; without a cao text, cao questions go to the cao parties' documents."""
        allowed = allowed_documents(index, filters)
        entitlement = asks_for_entitlement(question)
        cao_scope = self._cao_missing(index) and (asks_about_cao(question) or entitlement)
        if cao_scope:
            allowed = self._cao_parties(index, allowed)
        return _Scope(allowed, cao_scope, cao_scope and entitlement)

    def _read(self, question: str, language: str, history: list[Turn], index: Index) -> "_Reading":
        """The text to search for (follow-up context, typos fixed), its focus and embeddings.

        An English question also searches with the Dutch terms of the glossary, so keyword
        search finds what its Dutch twin finds."""
        standalone = condense(self.llm, question, history, language) if self.llm else None
        text = index.corrector.correct_text(standalone or retrieval_text(question, history, index))
        vector = self._embed(text)
        if language == "en":
            text = f"{text} {dutch_terms(text)}".strip()
        focus_text, focus_terms = focus(text, index)
        focus_vector = vector if focus_text == text else self._embed(focus_text)
        return _Reading(text, vector, focus_terms, focus_vector)

    def _request(
        self,
        question: str,
        language: str,
        hits: list[Hit],
        index: Index,
        reading: "_Reading",
        scope: "_Scope",
    ) -> GenerationRequest:
        s = self.settings
        return GenerationRequest(
            question,
            language,
            hits,
            index,
            reading.focus_vector,
            reading.focus_terms,
            scope.cao_scope,
            scope.entitlement,
            s.refusal_threshold,
            s.refusal_english_allowance,
            s.refusal_quantity_coverage,
            question_kind(question),
            set(tokenize(question)),
        )

    def _check(self, question: str) -> str:
        question = (question or "").strip()
        language = detect_language(question)
        if not question:
            raise InvalidQuestionError(prompts.render("empty_question", "nl"))
        limit = self.settings.max_question_chars
        if len(question) > limit:
            raise InvalidQuestionError(
                prompts.render("question_too_long", language, length=len(question), limit=limit)
            )
        return question

    def _check_history(self, history: list[Turn] | None, language: str) -> list[Turn]:
        """The earlier turns, refused when there are more or longer ones than the settings allow.

        Checked here, so every edge (API, UI, CLI) hands the follow-up reading and the typo
        corrector bounded text only."""
        turns = list(history or [])
        most = self.settings.max_history_turns
        if len(turns) > most:
            values: dict[str, object] = {"turns": len(turns), "limit": most}
            message = prompts.render("history_too_long", language, **values)
            raise RequestTooLargeError(message, "history_too_long", **values)
        longest = max((len(turn.content) for turn in turns), default=0)
        if longest > self.settings.max_turn_chars:
            values = {"length": longest, "limit": self.settings.max_turn_chars}
            message = prompts.render("turn_too_long", language, **values)
            raise RequestTooLargeError(message, "turn_too_long", **values)
        return turns

    def _embed(self, text: str) -> np.ndarray | None:
        if not needs_embedding(self.settings.retriever):
            return None
        return self._queries.get(text)

    @staticmethod
    def _cao_missing(index: Index) -> bool:
        kinds = {info.get("kind") for info in index.state.get("documents", {}).values()}
        return "cao" not in kinds

    @staticmethod
    def _cao_parties(index: Index, allowed: set[str] | None) -> set[str] | None:
        docs = index.state.get("documents", {})
        parties = {doc_id for doc_id, info in docs.items() if info.get("cao_parties")}
        if not parties:
            return allowed
        return parties if allowed is None else allowed & parties


@dataclass
class _Scope:
    allowed: set[str] | None
    cao_scope: bool
    entitlement: bool


@dataclass
class _Reading:
    text: str
    vector: np.ndarray | None
    focus_terms: set[str]
    focus_vector: np.ndarray | None


def _as_list(vector: np.ndarray | None) -> list[float] | None:
    return vector.tolist() if vector is not None else None


def _ms(start: float, end: float) -> float:
    return round((end - start) * 1000, 2)
