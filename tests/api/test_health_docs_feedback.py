"""Health, readiness, the offline OpenAPI docs, feedback, and the UI mounted at `/`."""

import json
import re

from fastapi.testclient import TestClient

from api.app import create_app
from api.service import Service

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.IGNORECASE)


def test_healthz_and_readyz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["documents"] == 5 and ready["chunks"] > 0
    assert "hashing" in ready["backend"]


def test_readyz_without_index(client: TestClient, service: Service) -> None:
    service.assistant._data.current_file.unlink()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "missing" and response.json()["message"]


def test_docs_load_their_assets_from_the_app(client: TestClient) -> None:
    for page in ("/docs", "/redoc"):
        html = client.get(page).text
        assert not EXTERNAL.search(html), page
        for asset in re.findall(r"""(?:src|href)=["']([^"']+)["']""", html):
            assert client.get(asset).status_code == 200, asset
    paths = client.get("/openapi.json").json()["paths"]
    assert {
        "/api/ask",
        "/api/ask/stream",
        "/api/compare",
        "/api/documents",
        "/api/documents/{doc_id}",
        "/api/feedback",
        "/api/feedback/export",
        "/healthz",
        "/readyz",
    } <= set(paths)


def test_feedback_is_stored_and_exported(client: TestClient) -> None:
    question = "Wat is een skillspaspoort?"
    answer = client.post("/api/ask", json={"question": question}).json()
    saved = client.post(
        "/api/feedback",
        json={"rating": "up", "question": question, "answer": answer, "comment": "helder"},
    )
    assert saved.status_code == 201 and saved.json()["id"] == 1
    assert (
        client.post(
            "/api/feedback", json={"rating": "meh", "question": question, "answer": answer}
        ).status_code
        == 422
    )
    export = client.get("/api/feedback/export")
    assert export.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in export.text.splitlines()]
    assert len(lines) == 1
    assert lines[0]["question"] == question and lines[0]["rating"] == "up"
    assert lines[0]["citations"] == answer["citations"] and lines[0]["comment"] == "helder"


def test_ui_is_mounted_at_root(service: Service) -> None:
    with TestClient(create_app(service=service), client=("127.0.0.1", 1)) as client:
        page = client.get("/")
        assert page.status_code == 200 and "<html" in page.text
        config = client.get("/config").json()
        assert config["analytics_enabled"] is False
        assert client.get("/healthz").status_code == 200
        assert client.get("/api/documents").status_code == 200
