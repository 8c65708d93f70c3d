"""`sectorwijzer generations [--rollback]` on the data directory (the embedded default)."""

import pytest

from rag.assistant import Assistant
from rag.cli import main
from rag.config import Settings


def test_generations_lists_the_live_and_previous_one_and_rolls_back(
    fake_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assistant = Assistant(fake_settings)
    first = assistant.ingest().generation
    (fake_settings.corpus_dir / "zeppelins.md").write_text(
        "# Zeppelins\n\nDe zeppelinvloot telt zeventien luchtschepen.\n", encoding="utf-8"
    )
    second = assistant.ingest().generation
    base = ["--data-dir", str(fake_settings.data_dir), "--embedder", "hashing"]
    assert main([*base, "generations"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"  {first}  complete") and lines[0].endswith("(previous)")
    assert "5 documents" in lines[0]
    assert lines[1].startswith(f"* {second}  complete") and lines[1].endswith("(live)")

    assert main([*base, "generations", "--rollback"]) == 0
    out = capsys.readouterr().out
    assert f"live generation: {first} (rolled back)" in out
    assert "zeppelins" not in assistant.documents()  # the server reloads the live one
    assert main([*base, "generations", "--rollback"]) == 0  # and forward again
    assert "zeppelins" in assistant.documents()


def test_rollback_without_a_previous_generation_is_refused(
    fake_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    Assistant(fake_settings).ingest()
    base = ["--data-dir", str(fake_settings.data_dir), "--embedder", "hashing"]
    assert main([*base, "generations", "--rollback"]) == 1
    assert "no previous generation" in capsys.readouterr().err
