"""Run the eval set against one or more configurations and write a report."""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from tqdm import tqdm

from evals.metrics import aggregate, score_item
from evals.validate import load_eval_set
from rag.assistant import Assistant
from rag.config import Settings
from rag.models import Turn

REPORTS_DIR = Path(__file__).resolve().parent / "reports"


def run_config(
    assistant: Assistant, items: list[dict[str, Any]], label: str, progress: bool = True
) -> list[dict[str, Any]]:
    """Ask every item; return one scored row per item, with the answer kept for the report."""
    rows = []
    for item in tqdm(items, desc=label, disable=not progress, unit="q"):
        history = [Turn(**t) for t in item.get("history", [])]
        answer = assistant.ask(item["question"], history=history)
        row = score_item(item, answer)
        row.update(
            config=label,
            question=item["question"],
            answer=answer.answer,
            cited=[c.quote for c in answer.citations],
            gold_quotes=[g["quote"] for g in item.get("gold", [])],
        )
        rows.append(row)
    return rows


def latency(rows: list[dict[str, Any]], stage: str = "total") -> dict[str, float]:
    values = sorted(r["latency_ms"][stage] for r in rows)
    if not values:
        return {"p50": 0.0, "p95": 0.0}
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return {"p50": statistics.median(values), "p95": p95}


def evaluate(
    settings: Settings, configs: list[str], limit: int | None = None, progress: bool = True
) -> dict[str, Any]:
    """Metrics per retriever configuration on one shared index."""
    items = load_eval_set()[:limit] if limit else load_eval_set()
    base = Assistant(settings)
    if base._data.current() is None:
        base.ingest(progress=progress)
    results: dict[str, Any] = {}
    for config in configs:
        assistant = Assistant(settings.model_copy(update={"retriever": config}), base.embedder)
        rows = run_config(assistant, items, config, progress)
        results[config] = {"metrics": aggregate(rows), "latency": latency(rows), "rows": rows}
    return results


def write_report(results: dict[str, Any], folder: Path) -> Path:
    """results.jsonl and report.md in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "results.jsonl").open("w", encoding="utf-8") as handle:
        for result in results.values():
            for row in result["rows"]:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    (folder / "report.md").write_text(markdown_report(results), encoding="utf-8")
    return folder


def markdown_report(results: dict[str, Any]) -> str:
    names = list(results)
    metrics = list(next(iter(results.values()))["metrics"]) if results else []
    lines = [
        "# Sectorwijzer evaluation",
        "",
        "| metric | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]
    for metric in metrics:
        lines.append(
            f"| {metric} | "
            + " | ".join(f"{results[n]['metrics'][metric]:.3f}" for n in names)
            + " |"
        )
    for stat in ("p50", "p95"):
        lines.append(
            f"| latency {stat} (ms) | "
            + " | ".join(f"{results[n]['latency'][stat]:.0f}" for n in names)
            + " |"
        )
    return "\n".join(lines) + "\n"


def eval_command(args: argparse.Namespace, settings: Settings) -> int:
    """`sectorwijzer eval`: print the metrics table and write the report folder."""
    configs = (args.compare or settings.retriever).split(",")
    names = [c.strip() for c in configs if c.strip()]
    results = evaluate(settings, names, args.limit, progress=sys.stderr.isatty())
    folder = Path(args.output) if args.output else REPORTS_DIR / time.strftime("%Y%m%d-%H%M%S")
    write_report(results, folder)
    print(markdown_report(results))
    print(f"report: {folder}")
    return 0
