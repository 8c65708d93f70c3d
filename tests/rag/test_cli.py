"""The command line over a real temporary index (hashing embedder: this is about plumbing)."""

import json
from pathlib import Path

import pytest

from rag.cli import main
from rag.config import Settings
from tests.contract import ANSWER_FIELDS, CITATION_FIELDS


def _base(settings: Settings) -> list[str]:
    return [
        "--data-dir",
        str(settings.data_dir),
        "--corpus-dir",
        str(settings.corpus_dir),
        "--embedder",
        "hashing",
    ]


def test_ingest_then_ask_json(
    fake_settings: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main([*_base(fake_settings), "ingest"]) == 0
    assert "5 documents" in capsys.readouterr().out
    monkeypatch.setenv("SECTORWIJZER_REFUSAL_THRESHOLD", "0")
    monkeypatch.setenv("SECTORWIJZER_ANSWER_THRESHOLD", "0")
    assert main([*_base(fake_settings), "ask", "--json", "oranje kaart vakkrachten"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert set(answer) == ANSWER_FIELDS
    assert answer["citations"] and set(answer["citations"][0]) == CITATION_FIELDS
    assert set(answer["retrieved"][0]) == CITATION_FIELDS


def test_ask_builds_the_index_when_missing_and_prints_sources(
    fake_settings: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SECTORWIJZER_REFUSAL_THRESHOLD", "0")
    monkeypatch.setenv("SECTORWIJZER_ANSWER_THRESHOLD", "0")
    assert main([*_base(fake_settings), "ask", "Wat is de oranje kaart?"]) == 0
    out = capsys.readouterr().out
    assert "Bronnen:" in out and "[1]" in out
    assert (Path(fake_settings.data_dir) / "CURRENT").exists()


def test_filters_on_the_command_line(
    fake_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    main([*_base(fake_settings), "ingest"])
    capsys.readouterr()
    args = ["ask", "--json", "--kind", "plan", "scholing en opleiding"]
    assert main([*_base(fake_settings), *args]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert {c["document_id"] for c in answer["retrieved"]} == {"oom-op-jacht-naar-de-8"}


def test_user_errors_exit_1_with_a_message(
    fake_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    main([*_base(fake_settings), "ingest"])
    assert main([*_base(fake_settings), "ask", "   "]) == 1
    assert "leeg" in capsys.readouterr().err
    assert main([*_base(fake_settings), "ask", "wat zegt de cao " * 400]) == 1
    assert "te lang" in capsys.readouterr().err


def test_environment_settings_are_used(
    fake_settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SECTORWIJZER_DATA_DIR", str(fake_settings.data_dir))
    monkeypatch.setenv("SECTORWIJZER_CORPUS_DIR", str(fake_settings.corpus_dir))
    monkeypatch.setenv("SECTORWIJZER_EMBEDDER", "hashing")
    assert main(["ingest"]) == 0
    assert (fake_settings.data_dir / "CURRENT").exists()


def test_global_options_also_work_after_the_subcommand(
    fake_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["ingest", *_base(fake_settings)]
    assert main(args) == 0
    assert (fake_settings.data_dir / "CURRENT").exists()


@pytest.mark.parametrize("fmt", ["json", "markdown", "csv"])
def test_compare_prints_the_comparison(
    fake_settings: Settings,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    fmt: str,
) -> None:
    monkeypatch.setenv("SECTORWIJZER_COMPARE_SILENT_THRESHOLD", "0")
    args = ["--json"] if fmt == "json" else ["--format", fmt]
    assert main([*_base(fake_settings), "compare", "arbeidsmigratie", *args]) == 0
    out = capsys.readouterr().out
    if fmt == "json":
        body = json.loads(out)
        assert body["topic"] == "arbeidsmigratie" and len(body["positions"]) == 5
        assert set(body["positions"][0]["units"][0]) == CITATION_FIELDS
    elif fmt == "csv":
        assert out.startswith("document,organisations,year,quote,page,section\n")
    else:
        assert out.startswith("# Standpunten over: arbeidsmigratie")


def test_compare_with_an_empty_topic_fails_clearly(
    fake_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*_base(fake_settings), "ingest"]) == 0
    assert main([*_base(fake_settings), "compare", " "]) == 1
    assert "het onderwerp is leeg" in capsys.readouterr().err


def test_text_output_lists_the_removed_sentences() -> None:
    from rag.cli import format_answer
    from rag.models import Answer, RemovedSentence, Verification

    note = "1 zinnen verwijderd: niet gesteund door de bronnen."
    removed = [RemovedSentence(sentence="Philips groeit [2].", reason="name")]
    answer = Answer(
        answer="De sector groeit [1].",
        answerable=True,
        language="nl",
        citations=[],
        retrieved=[],
        timings_ms={},
        backend="llm+hybrid+x",
        verification=Verification(kept=["De sector groeit [1]."], removed=removed, note=note),
    )
    lines = format_answer(answer).splitlines()
    assert lines[-2:] == [note, "  - Philips groeit [2]. (name)"]
    assert format_answer(answer.model_copy(update={"verification": None})).endswith("[1].")
