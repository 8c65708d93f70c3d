"""While a server builds its first index: /readyz and the UI show the documents and passages
done of their totals, and every way of asking gets the same 503 with `Retry-After` (a real
background build with the hashing embedder, held halfway through embedding)."""

import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pydantic import PrivateAttr

from api.app import create_app
from api.messages import text
from api.service import Service
from rag.assistant import Assistant
from rag.config import Settings
from rag.embeddings import HashingEmbedding
from rag.progress import BuildProgress
from ui.chat import Chat
from ui.library import Library

QUESTION = "Wat is een skillspaspoort?"


class HeldEmbedding(HashingEmbedding):
    """The hashing embedder, stopping once some passages are done until the test lets it go."""

    _progress: BuildProgress | None = PrivateAttr(default=None)
    _held: threading.Event = PrivateAttr(default_factory=threading.Event)
    _release: threading.Event = PrivateAttr(default_factory=threading.Event)

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        done = self._progress.snapshot()["passages_done"] if self._progress else 0
        if done and not self._held.is_set():
            self._held.set()
            assert self._release.wait(60), "the test never released the build"
        return [self._vector(t) for t in texts]


@pytest.fixture
def building(settings: Settings) -> Iterator[tuple[Service, HeldEmbedding]]:
    """A service whose background build is held in its embedding step."""
    embedder = HeldEmbedding()
    service = Service(settings, Assistant(settings, embedder))
    embedder._progress = service.progress
    builder = service.start_index_build()
    assert builder is not None
    assert embedder._held.wait(30), "the build never reached its embedding step"
    yield service, embedder
    embedder._release.set()
    builder.join(60)


def test_readyz_reports_the_progress_of_the_build(
    building: tuple[Service, HeldEmbedding],
) -> None:
    service, embedder = building
    with TestClient(create_app(service=service, with_ui=False)) as client:
        ready = client.get("/readyz")
        assert ready.status_code == 503 and ready.headers["Retry-After"] == "5"
        body = ready.json()
        assert body["status"] == "building"
        assert body["message"] == text("index_building", "nl")
        progress = body["progress"]
        assert progress["phase"] == "embedding"
        assert progress["documents_done"] == progress["documents_total"] == 5
        assert 0 < progress["passages_done"] < progress["passages_total"]
        embedder._release.set()
        assert _wait_ready(client)
        done = client.get("/readyz").json()
        assert done["status"] == "ready" and done["progress"] is None
        assert done["chunks"] == progress["passages_total"]


def test_every_way_of_asking_gets_the_same_503_while_building(
    building: tuple[Service, HeldEmbedding],
) -> None:
    service, _ = building
    with TestClient(create_app(service=service, with_ui=False)) as client:
        bodies = []
        for path in ("/api/ask", "/api/ask/stream", "/api/ask"):
            response = client.post(path, json={"question": QUESTION})
            assert response.status_code == 503
            assert response.headers["Retry-After"] == "5"
            bodies.append(response.json())
        english = client.post(
            "/api/ask", json={"question": QUESTION}, headers={"Accept-Language": "en"}
        )
    assert bodies[0] == bodies[1] == bodies[2]
    assert bodies[0]["message"] == text("index_building", "nl")
    assert english.json()["message"] == text("index_building", "en")
    *_, (messages, *_) = Chat(service).respond(QUESTION, [], None, None, None, None, None)
    assert text("index_building", "nl") in messages[-1]["content"]


def test_the_ui_status_line_counts_documents_and_passages(
    building: tuple[Service, HeldEmbedding],
) -> None:
    service, _ = building
    line, timer = Library(service).status()
    progress = service.build_progress()
    assert progress is not None and timer.active is True
    assert "5 van 5 documenten gelezen" in line
    assert f"{progress['passages_done']} van {progress['passages_total']} passages verwerkt" in line


def _wait_ready(client: TestClient, tries: int = 300) -> bool:
    for _ in range(tries):
        if client.get("/readyz").status_code == 200:
            return True
        threading.Event().wait(0.1)
    return False
