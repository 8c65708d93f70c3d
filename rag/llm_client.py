"""A chat client for any OpenAI-compatible `/v1/chat/completions` server.

The `openai` package is an optional extra (`pip install -e '.[llm]'`); without it, or when the
server is unreachable, too slow or answers nothing usable, the client raises
`LLMUnavailableError` and the LLM generator answers extractively instead.
"""

import time
from collections.abc import Iterator
from typing import Any, Protocol

from rag.config import Settings
from rag.errors import LLMUnavailableError

Message = dict[str, str]
MISSING_PACKAGE = "the openai package is missing: pip install -e '.[llm]'"


class ChatClient(Protocol):
    """Sends chat messages to a language model."""

    def complete(self, messages: list[Message]) -> str:
        """The whole reply."""
        ...

    def stream(self, messages: list[Message]) -> Iterator[str]:
        """The reply in pieces as the model writes it."""
        ...

    def state(self) -> dict[str, Any]:
        """{"status": "ok" | "unreachable", ...} from a short probe that never hangs."""
        ...


class OpenAIChatClient:
    """`ChatClient` over the `openai` package; every call is bounded by the settings' timeout."""

    def __init__(self, settings: Settings, probe_seconds: float = 2.0) -> None:
        self.model = settings.llm_model
        self.max_tokens = settings.llm_max_tokens
        self.temperature = settings.llm_temperature
        self.url = settings.llm_url
        self._timeout = settings.llm_timeout
        self._key = settings.llm_api_key or "not-needed"  # local servers take any key
        self._probe = min(probe_seconds, settings.llm_timeout)
        self._client: Any = None

    def _openai(self, timeout: float | None = None) -> Any:
        """The client (one per generator; a probe gets its own with a short timeout)."""
        if timeout is None and self._client is not None:
            return self._client
        try:
            import openai
        except ImportError as exc:
            raise LLMUnavailableError(MISSING_PACKAGE) from exc
        client = openai.OpenAI(
            base_url=self.url, api_key=self._key, timeout=timeout or self._timeout, max_retries=0
        )
        if timeout is None:
            self._client = client
        return client

    def _request(self, messages: list[Message], stream: bool) -> Any:
        try:
            return self._openai().chat.completions.create(
                model=self.model,
                messages=messages,
                max_tokens=self.max_tokens,
                temperature=self.temperature,
                stream=stream,
            )
        except Exception as exc:  # connection, timeout, HTTP status: all mean "not usable now"
            raise LLMUnavailableError(describe_failure(exc)) from exc

    def complete(self, messages: list[Message]) -> str:
        reply = self._request(messages, stream=False)
        try:
            text = reply.choices[0].message.content
        except (AttributeError, IndexError, TypeError) as exc:
            raise LLMUnavailableError("no answer text in the reply") from exc
        if not isinstance(text, str) or not text.strip():
            raise LLMUnavailableError("an empty answer")
        return text

    def stream(self, messages: list[Message]) -> Iterator[str]:
        deadline = time.monotonic() + self._timeout
        chunks = self._request(messages, stream=True)
        try:
            for chunk in chunks:
                if time.monotonic() > deadline:
                    raise LLMUnavailableError(f"no answer within {self._timeout:g} s")
                delta = chunk.choices[0].delta.content if chunk.choices else None
                if delta:
                    yield delta
        except LLMUnavailableError:
            raise
        except Exception as exc:  # the server went away mid-answer
            raise LLMUnavailableError(describe_failure(exc)) from exc
        finally:
            close = getattr(chunks, "close", None)
            if close:
                close()

    def state(self) -> dict[str, Any]:
        started = time.monotonic()
        try:
            models = self._openai(timeout=self._probe).models.list()
            names = [m.id for m in getattr(models, "data", [])]
        except LLMUnavailableError as exc:
            return {"status": "unavailable", "url": self.url, "message": exc.message}
        except Exception as exc:  # any failure of the probe is "unreachable", never an error
            return {"status": "unreachable", "url": self.url, "message": describe_failure(exc)}
        ms = round((time.monotonic() - started) * 1000, 1)
        return {"status": "ok", "url": self.url, "model": self.model, "models": names, "ms": ms}


def describe_failure(
    exc: Exception, timeout: str = "timeout", unreachable: str = "unreachable"
) -> str:
    """A short reason for a failed call of the `openai` client (chat here, embeddings in
    `rag.served_embeddings`): `timeout`, `unreachable`, the HTTP status or the error's name."""
    name = type(exc).__name__
    if "Timeout" in name:
        return timeout
    if "Connection" in name:
        return unreachable
    status = getattr(exc, "status_code", None)
    return f"HTTP {status}" if status else name
