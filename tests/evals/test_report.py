"""Report rendering from small synthetic result rows: files, plots and escaped content."""

import json
from pathlib import Path
from typing import Any

from evals.metrics import aggregate, breakdown
from evals.report import failure_reasons, markdown_table, write_report
from evals.runner import latency

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
EVIL = "<script>alert('x')</script> & co"


def _row(item_id: str, item_type: str, **changes: Any) -> dict[str, Any]:
    passage = {
        "n": 1,
        "document_id": "doc",
        "quote": "Een zin.",
        "text": "Een zin. Meer <b>tekst</b>.",
    }
    row: dict[str, Any] = {
        "id": item_id,
        "type": item_type,
        "persona": "employee",
        "language": "nl",
        "answerable_item": item_type != "unanswerable",
        "answered": True,
        "rank": 1,
        "hit@1": True,
        "hit@5": True,
        "rr": 1.0,
        "recall@5": 1.0,
        "ndcg@10": 1.0,
        "citations": 1,
        "cited_gold": 1,
        "gold_covered": 1,
        "gold": 1,
        "facts": 1,
        "facts_found": 1,
        "segments": 1,
        "supported_segments": 1,
        "valid_citations": True,
        "numbers_supported": True,
        "latency_ms": {"retrieve": 10.0, "answer": 2.0, "total": 12.0},
        "config": "hybrid",
        "question": f"Vraag {item_id}?",
        "answer": "Een zin. [1]",
        "cited": [passage],
        "retrieved": [passage],
        "gold_quotes": ["Een zin."],
    }
    row.update(changes)
    return row


def _results() -> dict[str, Any]:
    good = _row("q1", "fact")
    missed = _row("q2", "list", question=EVIL, answer=EVIL, rank=None, **{"hit@1": False})
    missed.update({"hit@5": False, "rr": 0.0, "cited_gold": 0, "gold_covered": 0})
    answered = _row("q3", "unanswerable", persona="policy", gold=0, facts=0, gold_quotes=[])
    results = {}
    for name, rows in (("hybrid", [good, missed, answered]), ("bm25", [good])):
        results[name] = {
            "metrics": aggregate(rows),
            "latency": latency(rows),
            "by_type": breakdown(rows, "type"),
            "by_persona": breakdown(rows, "persona"),
            "seconds": 1.0,
            "rows": rows,
        }
    return results


def test_failure_reasons() -> None:
    results = _results()
    good, missed, answered = results["hybrid"]["rows"]
    assert failure_reasons(good) == []
    assert failure_reasons(missed) == ["missed retrieval", "cited no gold"]
    assert failure_reasons(answered) == ["wrongly answered"]
    refused = _row("q4", "fact", answered=False, citations=0, segments=0, supported_segments=0)
    assert failure_reasons(refused) == ["wrongly refused"]


def test_write_report_files_plots_and_escaping(tmp_path: Path) -> None:
    folder = write_report(_results(), tmp_path / "report", {"embedder": "hashing", "seconds": 2})
    names = {p.name for p in folder.iterdir()}
    assert {"report.md", "report.html", "results.jsonl"} <= names
    for plot in ("metrics.png", "latency.png", "types.png"):
        assert (folder / plot).read_bytes().startswith(PNG_MAGIC)
    rows = [json.loads(line) for line in (folder / "results.jsonl").read_text().splitlines()]
    assert [r["id"] for r in rows] == ["q1", "q2", "q3", "q1"]
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "Meer &lt;b&gt;tekst&lt;/b&gt;" in html
    assert "data:image/png;base64," in html and "http" not in html
    assert "q2 (list; missed retrieval, cited no gold)" in html
    markdown = (folder / "report.md").read_text(encoding="utf-8")
    assert "| hit@5 | 0.500 | 1.000 |" in markdown
    assert "- q3 (wrongly answered)" in markdown and "&lt;script&gt;" in markdown
    assert "| unanswerable | 1 | n/a |" in markdown
    assert "## What the metrics mean" in markdown and "**citation_precision**" in markdown
    assert "&amp;" not in markdown, "R&D stays R&D in markdown"


def test_markdown_table_lists_latency_per_stage() -> None:
    table = markdown_table(_results())
    assert table.startswith("| metric | hybrid | bm25 |")
    for stage in ("retrieve", "answer", "total"):
        assert f"| latency {stage} p50 (ms) |" in table
