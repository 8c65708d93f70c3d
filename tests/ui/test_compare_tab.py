"""The Standpunten tab's callback over a real (hashing) index: HTML, downloads, errors."""

import csv
import html
from pathlib import Path

import pytest

from api.service import Service
from rag.config import Settings
from ui.compare import Comparisons, comparison_html


@pytest.fixture
def speaking(fake_settings: Settings) -> Service:
    """Every document speaks (threshold 0): this is about the tab's plumbing."""
    service = Service(fake_settings.model_copy(update={"compare_silent_threshold": 0.0}))
    service.assistant.ingest()
    return service


def test_the_tab_shows_every_quote_and_offers_markdown_and_csv(
    speaking: Service, tmp_path: Path
) -> None:
    shown, files = Comparisons(speaking, tmp_path).run("  arbeidsmigratie ")
    comparison = speaking.compare("arbeidsmigratie")
    assert shown == comparison_html(comparison)
    for position in comparison.positions:
        assert f"data-document='{position.document_id}'" in shown
        for unit in position.units:
            assert html.escape(unit.quote) in shown
    assert files is not None and [Path(f).suffix for f in files] == [".md", ".csv"]
    markdown, table = (Path(f).read_text(encoding="utf-8") for f in files)
    assert markdown.startswith("# Standpunten over: arbeidsmigratie")
    rows = list(csv.DictReader(table.splitlines()))
    assert len(rows) == sum(len(p.units) for p in comparison.positions)
    assert all(Path(f).is_relative_to(tmp_path) for f in files)


def test_silent_documents_are_listed(fake_settings: Settings, tmp_path: Path) -> None:
    service = Service(fake_settings.model_copy(update={"compare_silent_threshold": 1.0}))
    service.assistant.ingest()
    shown, _ = Comparisons(service, tmp_path).run("arbeidsmigratie")
    assert "Geen van de geladen documenten zegt iets over dit onderwerp." in shown
    assert "Deze geladen documenten zeggen niets over dit onderwerp:" in shown
    for info in service.documents():
        assert html.escape(info["title"]) in shown


@pytest.mark.parametrize(
    ("topic", "message"), [("", "het onderwerp is leeg"), ("onderwijs " * 40, "te lang")]
)
def test_a_bad_topic_gets_a_clear_message_and_no_files(
    speaking: Service, tmp_path: Path, topic: str, message: str
) -> None:
    shown, files = Comparisons(speaking, tmp_path).run(topic)
    assert message in shown and "sw-not-found" in shown and files is None


def test_markup_in_a_topic_or_quote_is_escaped(speaking: Service, tmp_path: Path) -> None:
    shown, _ = Comparisons(speaking, tmp_path).run("<script>alert(1)</script> onderwijs")
    assert "<script>" not in shown
