"""The HTTP API with the LLM generator: verification in the answer, draft events, /readyz."""

import socket

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.service import Service
from api.streaming import parse_events
from rag.answer import UnitGenerator
from rag.config import Settings
from rag.llm_answer import LLMGenerator
from rag.verify import Thresholds, Verifier, load_thresholds
from tests.rag.fake_llm import ScriptedLLM, first_sentence

QUESTION = "Hoeveel bedrijven telt de Metalektro?"


def _draft(sources: dict[int, str], _: str) -> str:
    return f"{first_sentence(sources[1])} [1] Ook Philips groeit hard [1]."


@pytest.fixture
def llm_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"generator": "llm"})


@pytest.fixture
def llm_client(llm_settings: Settings) -> TestClient:
    service = Service(llm_settings)
    service.assistant.ingest()
    llm = ScriptedLLM(_draft)
    thresholds = Thresholds(load_thresholds().overlap, {"nl": 0.0, "en": 0.0})
    service.assistant.generator = LLMGenerator(
        UnitGenerator(threshold=0.0), llm, Verifier(None, thresholds)
    )
    service.assistant.llm = llm
    return TestClient(create_app(service=service, with_ui=False), client=("127.0.0.1", 50000))


def test_ask_carries_the_verification(llm_client: TestClient) -> None:
    body = llm_client.post("/api/ask", json={"question": QUESTION}).json()
    removed = body["verification"]["removed"]
    assert [r["reason"] for r in removed] == ["name"] and "Philips" in removed[0]["sentence"]
    assert "Philips" not in body["answer"] and body["verification"]["fallback"] is False
    assert body["verification"]["note"] == "1 zinnen verwijderd: niet gesteund door de bronnen."


def test_stream_sends_the_draft_then_the_verified_answer(llm_client: TestClient) -> None:
    with llm_client.stream("POST", "/api/ask/stream", json={"question": QUESTION}) as response:
        body = "".join(response.iter_text())
    events = parse_events(body)
    names = [name for name, _ in events]
    assert names[-2:] == ["answer", "done"] and set(names[:-2]) == {"draft"}
    draft = "".join(data["text"] for name, data in events if name == "draft")  # type: ignore[index]
    answer = events[-2][1]
    assert isinstance(answer, dict) and "Philips" in draft and "Philips" not in answer["answer"]
    assert answer["verification"]["kept"] == [answer["answer"]]


def test_readyz_reports_the_llm(llm_client: TestClient) -> None:
    ready = llm_client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["llm"]["status"] == "ok"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_readyz_with_an_unreachable_llm_is_still_ready(llm_settings: Settings) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/v1"
    service = Service(llm_settings.model_copy(update={"llm_url": url}))
    service.assistant.ingest()
    with TestClient(create_app(service=service, with_ui=False)) as client:
        ready = client.get("/readyz").json()
        answer = client.post("/api/ask", json={"question": QUESTION}).json()
    assert ready["status"] == "ready" and ready["llm"]["status"] == "unreachable"
    assert answer["backend"].startswith("llm-fallback-extractive")
    assert answer["verification"]["fallback"] and answer["answerable"]


def test_extractive_answers_have_no_verification(client: TestClient) -> None:
    assert client.post("/api/ask", json={"question": QUESTION}).json()["verification"] is None
    assert client.get("/readyz").json()["llm"] is None
