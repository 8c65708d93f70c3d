"""The eval runner end to end (hashing embedder, real index) and the CI gate's exit status."""

import argparse
import json
from pathlib import Path

import pytest

from evals import gate
from evals.baseline import NaiveBaseline, sentence_pieces
from evals.metrics import aggregate
from evals.runner import eval_command, parse_configs
from rag.config import Settings
from rag.errors import ConfigurationError


def test_parse_configs_checks_names() -> None:
    assert parse_configs("bm25, hybrid,naive,bm25") == ["bm25", "hybrid", "naive"]
    with pytest.raises(ConfigurationError):
        parse_configs("hybrid,colbert")


def test_sentence_pieces_join_back_to_the_text() -> None:
    text = "Eerste zin. Tweede zin!\nDerde regel zonder punt\n\nVierde."
    pieces = sentence_pieces(text)
    assert "".join(pieces) == text and len(pieces) >= 3


def test_naive_baseline_answers_with_cited_top_passages(fake_settings: Settings) -> None:
    baseline = NaiveBaseline(fake_settings)
    answer = baseline.ask("Hoeveel werknemers telt de Metalektro?")
    assert answer.answerable and 1 <= len(answer.citations) <= 3
    assert len(answer.retrieved) == fake_settings.top_k
    assert all(c.quote and c.quote in c.text for c in answer.retrieved)
    assert set(answer.timings_ms) == {"retrieve", "answer", "total"}
    assert answer.answer.endswith(f"[{len(answer.citations)}]")


def test_eval_command_compares_configurations_and_writes_the_report(
    fake_settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "report"
    args = argparse.Namespace(compare="bm25,hybrid,naive", limit=5, output=str(output))
    assert eval_command(args, fake_settings) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("| metric | bm25 | hybrid | naive |")
    assert "| latency total p95 (ms) |" in printed
    rows = [json.loads(line) for line in (output / "results.jsonl").read_text().splitlines()]
    assert [r["config"] for r in rows] == ["bm25"] * 5 + ["hybrid"] * 5 + ["naive"] * 5
    assert all(0.0 <= r["ndcg@10"] <= 1.0 and 0.0 <= r["recall@5"] <= 1.0 for r in rows)
    assert all(r["answered"] for r in rows if r["config"] == "naive")
    for name in ("report.md", "report.html", "metrics.png", "latency.png", "types.png"):
        assert (output / name).stat().st_size > 0


def _thresholds(path: Path, minimums: dict[str, float]) -> Path:
    path.write_text("[minimum]\n" + "".join(f'"{k}" = {v}\n' for k, v in minimums.items()))
    return path


def test_gate_exits_non_zero_when_a_metric_is_below_its_minimum(
    fake_settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = [
        "--data-dir",
        str(fake_settings.data_dir),
        "--corpus-dir",
        str(fake_settings.corpus_dir),
        "--embedder",
        "hashing",
        "--limit",
        "4",
    ]
    low = _thresholds(tmp_path / "low.toml", {"hit@5": 0.0, "citation_validity": 0.5})
    assert gate.main([*base, "--thresholds", str(low)]) == 0
    assert "gate passed" in capsys.readouterr().out
    high = _thresholds(tmp_path / "high.toml", {"hit@5": 0.0, "mrr": 1.01})
    assert gate.main([*base, "--thresholds", str(high)]) == 1
    captured = capsys.readouterr()
    assert "mrr" in captured.err and "hit@5" not in captured.err
    assert "BELOW" in captured.out


def test_shipped_thresholds_gate_known_metrics() -> None:
    minimums = gate.load_thresholds()
    assert {"hit@1", "hit@5", "mrr", "citation_precision", "refusal_accuracy"} <= set(minimums)
    assert set(minimums) <= set(aggregate([]))
    assert all(0.0 < value <= 1.0 for value in minimums.values())


def test_a_limited_run_samples_every_question_type() -> None:
    from evals.runner import split_items, stratified

    items = split_items("test")
    sample = split_items("test", limit=12)
    assert len(sample) == 12
    assert {i["type"] for i in sample} == {i["type"] for i in items}
    assert sample == stratified(items, 12), "the same file gives the same sample"


def test_compare_extractive_and_llm_reports_the_citation_check(
    fake_settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on: every LLM answer falls back
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/v1"
    settings = fake_settings.model_copy(update={"llm_url": url, "answer_threshold": 0.0})
    output = tmp_path / "report"
    args = argparse.Namespace(compare="extractive,llm", limit=3, output=str(output))
    assert eval_command(args, settings) == 0
    assert capsys.readouterr().out.startswith("| metric | extractive | llm |")
    rows = [json.loads(line) for line in (output / "results.jsonl").read_text().splitlines()]
    extractive, llm = rows[:3], rows[3:]
    assert all(r["verification"] is None for r in extractive)
    answered = [r for r in llm if r["answered"]]
    assert answered and all(r["verification"]["fallback"] for r in answered)
    assert [r["answer"] for r in llm] == [r["answer"] for r in extractive]
    report = (output / "report.md").read_text()
    assert "## Citation check" in report
    assert f"- fallbacks to the extractive answer: {len(answered)}" in report
