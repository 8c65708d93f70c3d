"""The UI's file uploads (issue 13, items 4 and 5): the upload callback reads only files that
Gradio's upload route received, and that route follows the write rule and a size limit."""

import json
import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.service import Service
from tests.ui.conftest import request_from
from ui import text, uploads
from ui.library import Library

PROJECT = Path(__file__).resolve().parents[2]
NOTE = b"# Lasfonds\n\nHet Lasfonds Zeeland betaalt elke lasser 2.500 euro opleidingsbudget.\n"
UPLOAD_FN = "upload"  # the api_name of the documents tab's upload event


def test_the_callback_reads_only_files_the_upload_route_received(
    service: Service, tmp_path: Path
) -> None:
    folder = tmp_path / "gradio"
    folder.mkdir()
    received: set[str] = set()
    library, local = Library(service, folder, received), request_from("127.0.0.1")
    inside = folder / "h1" / "notitie.md"
    inside.parent.mkdir()
    inside.write_bytes(NOTE)
    link = folder / "h2" / "readme.md"
    link.parent.mkdir()
    link.symlink_to(PROJECT / "README.md")
    received.update({str(link), str(PROJECT / "README.md")})
    for path in (
        "/etc/passwd",
        "/etc/X11/rgb.txt",
        str(PROJECT / "README.md"),
        str(inside),
        str(link),
    ):
        result = library.upload(path, "", "", "", "", "", local)
        assert result[0] == text.NOT_RECEIVED, path
    assert len(service.documents()) == 5
    received.add(str(inside))
    result = library.upload(str(inside), "", "", "", "", "", local)
    assert result[0].startswith("Gelukt"), result[0]
    assert not inside.exists() and str(inside) not in received  # the copy is not kept


def join_upload(client: TestClient, path: str, session: str) -> dict:
    """Run the upload callback through Gradio's queue, as the browser does."""
    config = client.get("/config").json()
    fn_index = next(
        i for i, dep in enumerate(config["dependencies"]) if dep.get("api_name") == UPLOAD_FN
    )
    file_data = {"path": path, "orig_name": Path(path).name, "meta": {"_type": "gradio.FileData"}}
    joined = client.post(
        "/gradio_api/queue/join",
        json={
            "data": [file_data, "", "", "", "", ""],
            "fn_index": fn_index,
            "session_hash": session,
            "event_data": None,
            "trigger_id": None,
        },
    )
    assert joined.status_code == 200, joined.text
    with client.stream("GET", "/gradio_api/queue/data", params={"session_hash": session}) as s:
        for line in s.iter_lines():
            if line.startswith("data:"):
                message = json.loads(line[5:])
                if message.get("msg") == "process_completed":
                    return message
    raise AssertionError("no process_completed message")


def test_server_files_named_in_a_file_data_are_not_ingested(service: Service) -> None:
    with TestClient(create_app(service=service), client=("127.0.0.1", 1)) as client:
        for n, path in enumerate(["/etc/X11/rgb.txt", str(PROJECT / "README.md")]):
            if not Path(path).exists():
                continue
            done = join_upload(client, path, f"sessie{n}")
            refused = done.get("success") is False  # Gradio's own check: "not uploaded by a user"
            assert refused or done["output"]["data"][0] == text.NOT_RECEIVED
        assert len(service.documents()) == 5
        copies = [p for p in uploads.upload_dir().rglob("*") if p.name in ("README.md", "rgb.txt")]
        assert not copies  # Gradio did not even copy them into its folder
        answer = client.post("/api/ask", json={"question": "Hoe start je de service?"}).json()
        assert all("serve.sh" not in c["text"] for c in answer["retrieved"])
        sent = client.post("/gradio_api/upload", files={"files": ("notitie.md", NOTE)})
        assert sent.status_code == 200
        done = join_upload(client, sent.json()[0], "sessie9")
        assert done["output"]["data"][0].startswith("Gelukt"), done
        assert len(service.documents()) == 6


def test_the_upload_route_follows_the_write_rule_and_a_size_limit(service: Service) -> None:
    service.settings = service.settings.model_copy(update={"max_upload_bytes": 64 * 1024})
    app = create_app(service=service)
    files = {"files": ("notitie.md", NOTE)}
    with TestClient(app, client=("203.0.113.7", 1)) as remote:
        refused = remote.post("/gradio_api/upload", files=files)
        assert refused.status_code == 403 and refused.json()["error"] == "forbidden"
    with TestClient(app, client=("127.0.0.1", 1)) as local:
        evil = local.post("/gradio_api/upload", files=files, headers={"Origin": "http://x.test"})
        assert evil.status_code == 403
        big = {"files": ("groot.txt", b"a" * (2 * 1024 * 1024))}
        too_large = local.post("/gradio_api/upload", files=big)
        assert too_large.status_code == 413 and too_large.json()["error"] == "request_too_large"
        just_over = {"files": ("groot.txt", b"a" * (65 * 1024))}
        assert local.post("/gradio_api/upload", files=just_over).status_code == 413  # Gradio's own
        service.settings = service.settings.model_copy(update={"api_key": "geheim"})
        assert local.post("/gradio_api/upload", files=files).status_code == 401
        keyed = local.post("/gradio_api/upload", files=files, headers={"X-API-Key": "geheim"})
        assert keyed.status_code == 200
        stored = Path(keyed.json()[0])
        assert stored.is_file() and stored.is_relative_to(uploads.upload_dir())


def test_the_upload_folder_is_the_processes_own_and_goes_at_exit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("GRADIO_TEMP_DIR", raising=False)
    monkeypatch.setattr(uploads, "_OWN", [])
    monkeypatch.setattr(uploads.atexit, "register", lambda fn: None)
    folder = uploads.upload_dir()
    assert os.environ["GRADIO_TEMP_DIR"] == str(folder) and folder.name.startswith("sectorwijzer")
    assert uploads.upload_dir() == folder  # one per process
    (folder / "x").mkdir()
    uploads._remove_own()
    assert not folder.exists()
