"""Questions under load (real FastAPI, Chroma and BM25; a gated fake query encoder holds
questions inside the model, so the queue fills deterministically): questions run at the same
time, past `max_queue` they get 503 with Retry-After, and health checks never wait."""

import threading
import time
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.ask_queue import AskQueue
from api.service import Service
from rag.assistant import Assistant
from rag.config import Settings
from rag.embeddings import make_embedder


class GatedEncoder:
    """Embeds like the hashing embedder, but only once `release` is set; counts who waits."""

    def __init__(self) -> None:
        self.inner = make_embedder("hashing")
        self.release = threading.Event()
        self.inside = 0
        self._lock = threading.Lock()

    def get_query_embedding(self, query: str) -> list[float]:
        with self._lock:
            self.inside += 1
        self.release.wait(60)
        return list(self.inner.get_query_embedding(query))


Queued = Callable[..., TestClient]
Asking = Callable[[TestClient, int], list[int]]


def wait_until(condition: Callable[[], bool]) -> bool:
    """Poll `condition` for up to 30 s (a guard against hanging, not a timing check)."""
    deadline = time.monotonic() + 30
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
    return condition()


@pytest.fixture
def gate() -> GatedEncoder:
    return GatedEncoder()


@pytest.fixture
def queued(settings: Settings, gate: GatedEncoder) -> Iterator[Queued]:
    """A client of an app whose questions wait in `gate`, with the given load settings."""
    clients: list[TestClient] = []

    def make(**load: int) -> TestClient:
        tuned = settings.model_copy(update={"rate_limit_per_minute": 0, **load})
        service = Service(tuned, Assistant(tuned, query_encoder=gate))
        service.assistant.ingest()
        client = TestClient(create_app(service=service, with_ui=False)).__enter__()
        clients.append(client)
        return client

    yield make
    gate.release.set()
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def asking(gate: GatedEncoder) -> Iterator[Asking]:
    """Start `n` questions in the background; their statuses arrive in the returned list."""
    threads: list[threading.Thread] = []

    def start(client: TestClient, n: int) -> list[int]:
        statuses: list[int] = []
        for i in range(n):
            question = {"question": f"Wat regelt de cao over ploegendienst {i}?"}
            thread = threading.Thread(target=_post, args=(client, question, statuses))
            thread.start()
            threads.append(thread)
        return statuses

    yield start
    gate.release.set()
    for thread in threads:
        thread.join(60)


def _post(client: TestClient, question: dict[str, str], statuses: list[int]) -> None:
    statuses.append(client.post("/api/ask", json=question).status_code)


def admitted(client: TestClient) -> int:
    queue: AskQueue = client.app.state.ask_queue  # type: ignore[attr-defined]
    return queue.admitted


def test_questions_are_answered_at_the_same_time(
    queued: Queued, asking: Asking, gate: GatedEncoder
) -> None:
    client = queued(ask_threads=3, max_queue=10)
    statuses = asking(client, 3)
    assert wait_until(lambda: gate.inside == 3)  # one lock around every ask would stop at 1
    gate.release.set()
    assert wait_until(lambda: len(statuses) == 3) and statuses == [200, 200, 200]


def test_past_the_queue_bound_a_question_gets_503_with_retry_after(
    queued: Queued, asking: Asking, gate: GatedEncoder
) -> None:
    client = queued(ask_threads=1, max_queue=2)
    statuses = asking(client, 2)
    assert wait_until(lambda: gate.inside == 1 and admitted(client) == 2)
    refused = client.post("/api/ask", json={"question": "Hoeveel vakantiedagen?"})
    assert refused.status_code == 503
    seconds = refused.headers["Retry-After"]
    assert seconds.isdigit() and int(seconds) >= 1
    body = refused.json()
    assert body["error"] == "server_busy"
    assert body["message"] == (
        f"Sectorwijzer beantwoordt nu te veel vragen tegelijk. Probeer het over {seconds} "
        "seconden opnieuw."
    )
    english = client.post(
        "/api/ask/stream",
        json={"question": "How many days off?"},
        headers={"Accept-Language": "en"},
    )
    assert english.status_code == 503 and english.json()["message"].startswith(
        "Sectorwijzer is answering too many questions at once."
    )
    gate.release.set()
    assert wait_until(lambda: len(statuses) == 2) and statuses == [200, 200]
    assert client.post("/api/ask", json={"question": "Hoeveel vakantiedagen?"}).status_code == 200


def test_health_checks_answer_while_every_question_thread_waits(
    queued: Queued, asking: Asking, gate: GatedEncoder
) -> None:
    # As many waiting questions as the default thread pool has threads (40): had questions
    # used that pool, /readyz (a thread-pool endpoint) would wait until one finished.
    client = queued(ask_threads=40, max_queue=64)
    asking(client, 48)
    assert wait_until(lambda: gate.inside == 40 and admitted(client) == 48)
    replies: dict[str, int] = {}

    def check() -> None:
        for path in ("/healthz", "/readyz", "/api/documents"):
            replies[path] = client.get(path).status_code

    checker = threading.Thread(target=check)
    checker.start()
    checker.join(30)
    assert replies == {"/healthz": 200, "/readyz": 200, "/api/documents": 200}
    assert gate.inside == 40  # all of them were still waiting meanwhile
