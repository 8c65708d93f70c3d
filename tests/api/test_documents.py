"""`/api/documents`: list, show, upload then ask, delete then ask, and broken uploads."""

from pathlib import Path

from fastapi.testclient import TestClient

from tests.api.conftest import make_pdf

NOTE = """# Vakkrachtenfonds Zeeland

Het Vakkrachtenfonds Zeeland geeft elke lasser een opleidingsbudget van 2.500 euro per jaar.
Werkgevers in Zeeland dragen daarvoor samen een premie af aan het fonds.
"""
QUESTION = "Hoeveel opleidingsbudget geeft het Vakkrachtenfonds Zeeland een lasser?"
SUMMARY_FIELDS = {
    "id",
    "title",
    "organisations",
    "year",
    "kind",
    "pages",
    "chunks",
    "language",
    "ingested_at",
}


def upload(client: TestClient, name: str, data: bytes, **form: object) -> dict:
    response = client.post("/api/documents", files={"file": (name, data)}, data=form)
    return {"status": response.status_code, **response.json()}


def test_list_and_show_documents(client: TestClient) -> None:
    listed = client.get("/api/documents").json()
    assert len(listed) == 5
    assert all(set(doc) == SUMMARY_FIELDS for doc in listed)
    assert [d["title"].lower() for d in listed] == sorted(d["title"].lower() for d in listed)
    one = client.get("/api/documents/oom-op-jacht-naar-de-8").json()
    assert one["organisations"] == ["OOM"] and one["year"] == 2021 and one["chunks"] > 0
    assert one["file"] == "oom-op-jacht-naar-de-8.txt"


def test_unknown_document_is_a_dutch_404(client: TestClient) -> None:
    response = client.get("/api/documents/bestaat-niet")
    assert response.status_code == 404
    assert response.json()["message"] == "Er is geen document met id 'bestaat-niet'."
    assert client.delete("/api/documents/bestaat-niet").status_code == 404


def test_upload_then_ask_then_delete_then_ask(client: TestClient) -> None:
    created = upload(
        client,
        "vakkrachtenfonds.md",
        NOTE.encode(),
        title="Vakkrachtenfonds",
        organisations="Fonds Zeeland, FNV",
        year="2024",
        kind="plan",
    )
    assert created["status"] == 201
    doc_id = created["id"]
    assert created["organisations"] == ["Fonds Zeeland", "FNV"] and created["year"] == 2024
    assert created["chunks"] >= 1
    assert client.get("/readyz").json()["documents"] == 6
    answer = client.post("/api/ask", json={"question": QUESTION}).json()
    assert answer["citations"][0]["document_id"] == doc_id
    assert "2.500 euro" in answer["answer"]

    assert client.delete(f"/api/documents/{doc_id}").json() == {"id": doc_id, "deleted": True}
    assert client.get(f"/api/documents/{doc_id}").status_code == 404
    again = client.post("/api/ask", json={"question": QUESTION}).json()
    assert doc_id not in {c["document_id"] for c in again["citations"] + again["retrieved"]}


def test_upload_pdf_reports_pages(client: TestClient, tmp_path: Path) -> None:
    data = make_pdf(
        tmp_path / "x.pdf",
        [
            ["Het lasprogramma start in januari in Vlissingen."],
            ["Deelnemers krijgen een certificaat na afloop."],
        ],
    )
    created = upload(client, "lasprogramma.pdf", data, organisations=["A", "B"])
    assert created["status"] == 201
    assert created["pages"] == 2 and created["organisations"] == ["A", "B"]


def test_unsupported_upload(client: TestClient) -> None:
    created = upload(client, "notulen.docx", b"PK\x03\x04 not really a docx")
    assert created["status"] == 415 and created["error"] == "unsupported_file"
    assert created["message"].startswith("Het bestand 'notulen.docx' kan niet worden geladen")
    assert "PDF" in created["message"]
    assert len(client.get("/api/documents").json()) == 5


def test_broken_and_empty_uploads(client: TestClient) -> None:
    broken = upload(client, "kapot.pdf", b"%PDF-1.4\nthis is not a pdf at all")
    assert broken["status"] == 422 and broken["error"] == "unreadable_document"
    assert "beschadigd" in broken["message"] or "geen tekst" in broken["message"]
    empty = upload(client, "leeg.txt", b"")
    assert empty["status"] == 422 and "leeg" in empty["message"]
    assert len(client.get("/api/documents").json()) == 5


def test_duplicate_upload_is_a_409(client: TestClient) -> None:
    assert upload(client, "een.md", NOTE.encode())["status"] == 201
    duplicate = upload(client, "twee.md", NOTE.encode())
    assert duplicate["status"] == 409
    assert duplicate["message"] == "Dit document is al geladen als 'een'."


def test_english_messages_on_request(client: TestClient) -> None:
    response = client.get("/api/documents/nope", headers={"Accept-Language": "en"})
    assert response.json()["message"] == "There is no document with id 'nope'."
