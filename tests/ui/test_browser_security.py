"""In headless Chromium (issue 13, items 4, 8 and the security headers): the Content Security
Policy lets the UI and the API docs work, the key typed in the UI goes with Gradio's file
upload, and a page of another origin on this machine cannot upload (the attack of the issue).

Skipped without Chromium or Playwright, except in CI (see `tests/ui/test_browser.py`).
"""

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from api.app import create_app
from api.service import Service
from rag.config import Settings, load_settings
from tests.conftest import CORPUS
from tests.ui.test_browser import _require_browser, launch_context, serve_app

KEY = "beheer-sleutel-42"
NOTE = "# Lasfonds Zeeland\n\nHet Lasfonds Zeeland betaalt elke lasser 2.500 euro per jaar.\n"
# A page that posts an upload to the app the way the attack did (no-cors FormData).
ATTACK = """<!doctype html><html><body><script>
async function attack(target) {
  const results = [];
  for (const path of ["/api/documents", "/gradio_api/upload"]) {
    const form = new FormData();
    form.append(path.endsWith("upload") ? "files" : "file",
                new Blob(["Aanval: dit document hoort er niet in."]), "aanval.txt");
    try {
      await fetch(target + path, {method: "POST", mode: "no-cors", body: form});
      results.push("sent");
    } catch (e) { results.push("error"); }
  }
  return results;
}
</script></body></html>"""


def _settings(root: Path, **extra: object) -> Settings:
    shutil.copytree(CORPUS, root / "corpus")
    return load_settings(
        data_dir=root / "data",
        corpus_dir=root / "corpus",
        embedder="hashing",
        refusal_threshold=0.0,
        answer_threshold=0.0,
        **extra,
    )


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """The app with a key, the app without one, and an attacker's page on another port."""
    _require_browser()
    keyed = Service(_settings(tmp_path_factory.mktemp("keyed"), api_key=KEY))
    open_ = Service(_settings(tmp_path_factory.mktemp("open")))
    for service in (keyed, open_):
        service.assistant.ingest()
    attacker = FastAPI()
    attacker.get("/")(lambda: HTMLResponse(ATTACK))
    running = [serve_app(create_app(service=keyed)), serve_app(create_app(service=open_))]
    running.append(serve_app(attacker))
    yield {
        "keyed": (running[0][0], keyed),
        "open": (running[1][0], open_),
        "attacker": running[2][0],
    }
    for _, server, thread, sock in running:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture
def browser_page(tmp_path: Path) -> Iterator[tuple[object, list[str]]]:
    """A page in a fresh profile, with the console messages it logs."""
    from playwright import sync_api

    console: list[str] = []
    with sync_api.sync_playwright() as playwright:
        context = launch_context(playwright, tmp_path / "profile")
        page = context.new_page()
        page.on("console", lambda message: console.append(message.text))
        yield page, console
        context.close()


def test_the_policy_lets_ui_and_docs_work_and_uploads_carry_the_key(
    servers: dict, browser_page: tuple, tmp_path: Path
) -> None:
    page, console = browser_page
    base, service = servers["keyed"]
    note = tmp_path / "lasfonds-zeeland.md"
    note.write_text(NOTE, encoding="utf-8")
    page.goto(base + "/")
    page.get_by_role("tab", name="Documenten").click()
    page.locator("#documents table").wait_for()
    page.fill("#key input", KEY)
    page.set_input_files("#upload-file input[type=file]", str(note))
    page.locator("#upload-file :text('lasfonds-zeeland.md')").wait_for()
    page.click("#upload-button")
    page.locator("#upload-status :text('is geladen')").wait_for()
    assert any(d["id"] == "lasfonds-zeeland" for d in service.documents())
    page.goto(base + "/docs")
    page.locator(".swagger-ui .opblock-summary-path[data-path='/api/ask']").wait_for()
    page.goto(base + "/redoc")
    page.locator("text=Download OpenAPI specification").first.wait_for()
    # ReDoc's own logo from its CDN is blocked, as it should be; nothing of the app's may be.
    blocked = [
        m
        for m in console
        if ("Content Security Policy" in m or "Refused to" in m) and "https://cdn." not in m
    ]
    assert not blocked, blocked


def test_a_page_of_another_origin_cannot_upload(servers: dict, browser_page: tuple) -> None:
    page, _ = browser_page
    base, service = servers["open"]
    before = len(service.documents())
    page.goto(servers["attacker"] + "/")
    assert page.evaluate("target => attack(target)", base) == ["sent", "sent"]
    time.sleep(1.0)
    assert len(service.documents()) == before
    assert not any(d["id"].startswith("aanval") for d in service.documents())
