"""With `SECTORWIJZER_READ_KEY` set, the UI asks for the key before it shows anything."""

from fastapi.testclient import TestClient

from api.app import create_app
from api.service import Service


def test_the_ui_needs_the_read_key_or_the_write_key(service: Service) -> None:
    service.settings = service.settings.model_copy(
        update={"read_key": "lezen-1", "api_key": "schrijven-2"}
    )
    with TestClient(create_app(service=service), client=("127.0.0.1", 1)) as client:
        assert client.get("/config").status_code == 401
        upload = client.post("/gradio_api/upload", files={"files": ("a.md", b"# A\n\nTekst.")})
        assert upload.status_code == 401
        assert client.post("/login", data={"username": "x", "password": "fout"}).status_code == 400
        assert (
            client.post("/login", data={"username": "x", "password": "lezen-1"}).status_code == 200
        )
        assert client.get("/config").status_code == 200
    with TestClient(create_app(service=service), client=("127.0.0.1", 1)) as client:
        assert client.post(
            "/login", data={"username": "beheer", "password": "schrijven-2"}
        ).is_success
        assert client.get("/config").status_code == 200
