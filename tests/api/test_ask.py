"""`POST /api/ask` and `/api/ask/stream` on a real (hashing) index."""

from fastapi.testclient import TestClient

from api.service import Service
from api.streaming import parse_events, pieces
from tests.contract import ANSWER_FIELDS, CITATION_FIELDS

QUESTION = "Wat is een skillspaspoort en waarom willen ze dat invoeren?"


def test_ask_returns_the_answer_with_exact_field_names(client: TestClient) -> None:
    response = client.post("/api/ask", json={"question": QUESTION})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == ANSWER_FIELDS
    assert body["answerable"] is True and body["language"] == "nl"
    assert body["citations"] and body["retrieved"]
    for citation in body["citations"] + body["retrieved"]:
        assert set(citation) == CITATION_FIELDS
    first = body["citations"][0]
    assert first["quote"] in first["text"]
    assert f"[{first['n']}]" in body["answer"]


def test_ask_accepts_history_and_filters(client: TestClient) -> None:
    history = [
        {"role": "user", "content": "Wat doet OOM?"},
        {"role": "assistant", "content": "OOM is het opleidingsfonds."},
    ]
    filters = {
        "documents": ["oom-op-jacht-naar-de-8"],
        "kind": ["plan"],
        "organisations": ["OOM"],
        "year_from": 2020,
        "year_to": 2022,
    }
    response = client.post(
        "/api/ask", json={"question": "En hun doelen?", "history": history, "filters": filters}
    )
    assert response.status_code == 200
    retrieved = response.json()["retrieved"]
    assert retrieved
    assert {c["document_id"] for c in retrieved} == {"oom-op-jacht-naar-de-8"}


def test_empty_question_is_a_dutch_422(client: TestClient) -> None:
    response = client.post("/api/ask", json={"question": "   "})
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid_question"
    assert "leeg" in body["message"]


def test_too_long_question_names_the_limit(client: TestClient, service: Service) -> None:
    limit = service.settings.max_question_chars
    response = client.post("/api/ask", json={"question": "Waarom " + "lang " * limit})
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_question"
    assert str(limit) in response.json()["message"]


def test_malformed_body_is_a_clear_422(client: TestClient) -> None:
    response = client.post("/api/ask", json={"vraag": "x", "history": "nee"})
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid_request"
    assert body["message"].startswith("Het verzoek is ongeldig")
    assert "question" in body["message"]
    english = client.post("/api/ask", json={}, headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert english.json()["message"].startswith("The request is invalid")


def test_no_index_is_a_503_with_a_message(client: TestClient, service: Service) -> None:
    service.assistant._data.current_file.unlink()
    response = client.post("/api/ask", json={"question": QUESTION})
    assert response.status_code == 503
    assert response.json()["error"] == "index_not_ready"
    assert "sectorwijzer ingest" in response.json()["message"]


def test_unexpected_failure_is_a_json_500_without_trace(
    client: TestClient, service: Service
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("secret internals")

    service.assistant.ask = broken  # type: ignore[method-assign]
    response = client.post("/api/ask", json={"question": QUESTION})
    assert response.status_code == 500
    assert response.json()["error"] == "internal_error"
    assert "secret internals" not in response.text and "Traceback" not in response.text


def test_stream_sends_tokens_then_the_answer(client: TestClient) -> None:
    with client.stream("POST", "/api/ask/stream", json={"question": QUESTION}) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        body = "".join(response.iter_text())
    events = parse_events(body)
    names = [name for name, _ in events]
    assert names[-2:] == ["answer", "done"] and set(names[:-2]) == {"token"}
    answer = events[-2][1]
    assert isinstance(answer, dict) and answer["citations"]
    streamed = "".join(data["text"] for name, data in events if name == "token")  # type: ignore[index]
    assert streamed == answer["answer"]


def test_stream_refuses_a_bad_question_with_json(client: TestClient) -> None:
    response = client.post("/api/ask/stream", json={"question": ""})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/json")


def test_stream_while_the_index_is_building(client: TestClient, service: Service) -> None:
    service.assistant._data.current_file.unlink()
    service._builder = _AliveThread()  # type: ignore[assignment]
    response = client.post("/api/ask/stream", json={"question": QUESTION})
    assert response.status_code == 503
    assert "nog geïndexeerd" in response.json()["message"]
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json()["status"] == "building"


def test_pieces_join_back_to_the_text() -> None:
    text = "Eerste zin. [1] Tweede zin? [2]\nDerde: lijst [3] [4] en meer."
    parts = pieces(text)
    assert "".join(parts) == text and len(parts) >= 3
    assert parts[0] == "Eerste zin. [1]"
    assert pieces("") == []


class _AliveThread:
    def is_alive(self) -> bool:
        return True
