"""Odd inputs that gave 500s or wrong results (issue 13, item 10): lone surrogates, long and
strange file names, PDF bodies under other names, re-uploading a removed shipped document, and
the language of the empty-question error."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.service import Service
from rag.config import Settings
from tests.api.conftest import make_pdf

QUESTION = "Wat is een skillspaspoort en waarom willen ze dat invoeren?"
NOTE = b"# Lasfonds\n\nHet Lasfonds Zeeland betaalt elke lasser 2.500 euro opleidingsbudget.\n"


def post_raw(client: TestClient, path: str, body: str, **headers: str) -> object:
    return client.post(path, content=body, headers={"Content-Type": "application/json", **headers})


@pytest.mark.parametrize("path", ["/api/ask", "/api/ask/stream"])
def test_a_lone_surrogate_is_a_422_in_our_shape(client: TestClient, path: str) -> None:
    for body in (
        '{"question": "Wat is \\ud800 scholing?"}',
        '{"question": "\\udfff"}',
        '{"question": "Scholing?", "history": [{"role": "user", "content": "\\ud800"}]}',
        '{"question": "Scholing?", "filters": {"organisations": ["\\ud83d"]}}',
    ):
        response = post_raw(client, path, body)
        assert response.status_code == 422, body  # type: ignore[attr-defined]
        error = response.json()  # type: ignore[attr-defined]
        assert set(error) == {"error", "message", "detail"} and error["error"] == "invalid_text"
    english = post_raw(client, path, '{"question": "\\ud800"}', **{"Accept-Language": "en"})
    assert "invalid characters" in english.json()["message"]  # type: ignore[attr-defined]
    pair = post_raw(client, path, '{"question": "Wat is een skillspaspoort? \\ud83d\\ude00"}')
    assert pair.status_code == 200  # type: ignore[attr-defined]


def test_a_lone_surrogate_in_feedback_or_a_field_name_is_no_500(client: TestClient) -> None:
    answer = client.post("/api/ask", json={"question": QUESTION}).json()
    body = (
        '{"rating": "up", "question": "\\ud800", "answer": '
        + __import__("json").dumps(answer)
        + "}"
    )
    assert post_raw(client, "/api/feedback", body).status_code == 422  # type: ignore[attr-defined]
    odd = post_raw(client, "/api/ask", '{"question": "x", "filters": {"\\ud800": 1}}')
    assert odd.status_code in (200, 422)  # type: ignore[attr-defined]


def test_empty_question_follows_accept_language(client: TestClient) -> None:
    for question in ("", "   ", "\n\t"):
        dutch = client.post("/api/ask", json={"question": question})
        assert dutch.status_code == 422 and dutch.json()["error"] == "invalid_question"
        assert "leeg" in dutch.json()["message"]
        english = client.post(
            "/api/ask/stream", json={"question": question}, headers={"Accept-Language": "en"}
        )
        assert english.status_code == 422
        assert english.json()["message"] == "Please ask a question: the question is empty."


def upload(client: TestClient, name: str, data: bytes) -> tuple[int, dict]:
    response = client.post("/api/documents", files={"file": (name, data)})
    return response.status_code, response.json()


def test_long_and_strange_names_are_cleaned(
    client: TestClient, service: Service, tmp_path: Path
) -> None:
    status, created = upload(client, "a" * 300 + ".md", NOTE)
    assert status == 201 and len(created["file"]) <= 120 and created["file"].endswith(".md")
    status, again = upload(client, "a" * 300 + "b.md", NOTE.replace(b"2.500", b"3.000"))
    assert status == 201 and again["file"] != created["file"]  # a short hash keeps them apart
    status, wide = upload(client, "ü" * 200 + ".txt", b"Tekst over scholing in de metaal.")
    assert status == 201 and len(wide["file"].encode()) <= 200
    pdf = make_pdf(tmp_path / "p.pdf", [["Het lasprogramma start in januari in Vlissingen."]])
    status, dots = upload(client, "..", pdf)
    assert status == 201 and dots["file"] == "document.pdf" and dots["pages"] == 1
    pdf2 = make_pdf(tmp_path / "q.pdf", [["Deelnemers krijgen een certificaat na afloop."]])
    status, nul = upload(client, "x.pdf\x00.txt", pdf2)
    assert status == 201 and nul["file"].endswith(".pdf") and nul["pages"] == 1
    uploads = service.settings.data_dir / "uploads"
    assert all(p.parent == uploads for p in uploads.iterdir())


def test_the_content_decides_between_pdf_and_text(client: TestClient, tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "p.pdf", [["Het lasprogramma start in januari in Vlissingen."]])
    status, created = upload(client, "notitie.txt", pdf)
    assert status == 201 and created["file"] == "notitie.pdf" and created["pages"] == 1
    text = client.get(f"/api/documents/{created['id']}").json()
    assert text["chunks"] >= 1
    answer = client.post("/api/ask", json={"question": "Wanneer start het lasprogramma?"}).json()
    assert all("%PDF" not in c["text"] for c in answer["retrieved"])
    status, refused = upload(client, "nep.pdf", b"Dit is gewoon tekst, geen PDF.")
    assert status == 415 and "inhoud is geen PDF" in refused["message"]


def test_removing_a_shipped_document_then_uploading_it_again(
    client: TestClient, fake_settings: Settings
) -> None:
    name = "oom-op-jacht-naar-de-8.txt"
    data = (fake_settings.corpus_dir / name).read_bytes()
    assert client.delete("/api/documents/oom-op-jacht-naar-de-8").status_code == 200
    status, created = upload(client, name, data)
    assert status == 201, created
    assert created["chunks"] >= 1 and created["file"] != name
    assert len(client.get("/api/documents").json()) == 5
    status, duplicate = upload(client, "kopie.txt", data)
    assert status == 409 and created["id"] in duplicate["message"]
