"""Run the eval set against one or more configurations and write a report.

Configurations: the retrievers of `rag.retrieve` (`hybrid`, `dense`, `bm25`) behind the full
`Assistant`, and `naive`, a plain llama-index pipeline (`evals.baseline`). All share one
embedder instance, so the model loads once per run::

    sectorwijzer eval --compare bm25,dense,hybrid,naive [--limit N] [--output DIR]
    sectorwijzer eval --compare extractive,llm   # generators side by side (an LLM server runs)
"""

import argparse
import hashlib
import math
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Protocol

from llama_index.core.base.embeddings.base import BaseEmbedding
from tqdm import tqdm

from evals import verification_stats
from evals.baseline import NaiveBaseline
from evals.metrics import STAGES, aggregate, breakdown, score_item
from evals.report import markdown_table, write_report
from evals.validate import DEFAULT_PATH, load_eval_set
from rag.assistant import Assistant
from rag.config import PROJECT_DIR, Settings
from rag.embeddings import make_embedder
from rag.errors import ConfigurationError
from rag.models import Answer, Citation, Turn
from rag.retrieve import RETRIEVERS

NAIVE = "naive"
SENTENCES = "sentences"  # the first extractive generator (bare sentences), hybrid retrieval
LODO = "lodo"  # the default, its ranker retrained without the document of each question
# Generators behind hybrid retrieval: `llm` needs SECTORWIJZER_LLM_URL (and _LLM_MODEL).
GENERATOR_CONFIGS = ("extractive", "llm")
CONFIGS = (*RETRIEVERS, SENTENCES, *GENERATOR_CONFIGS, NAIVE, LODO)
SPLITS = ("test", "dev", "all")


class System(Protocol):
    """Anything that answers like `Assistant.ask`."""

    def ask(self, question: str, history: list[Turn] | None = None) -> Answer: ...


def reports_dir() -> Path:
    """evals/reports in a checkout; ./sectorwijzer-reports for an installed package."""
    if (PROJECT_DIR / "pyproject.toml").exists():
        return PROJECT_DIR / "evals" / "reports"
    return Path.cwd() / "sectorwijzer-reports"


def parse_configs(text: str) -> list[str]:
    """Comma-separated configuration names, checked against the known ones."""
    names = list(dict.fromkeys(c.strip() for c in text.split(",") if c.strip()))
    unknown = [n for n in names if n not in CONFIGS]
    if unknown or not names:
        known = ", ".join(CONFIGS)
        raise ConfigurationError(f"unknown configuration {unknown or text!r} (known: {known})")
    return names


def make_system(config: str, settings: Settings, embedder: BaseEmbedding) -> System:
    """The Assistant with retriever `config`, or the naive baseline."""
    if config == NAIVE:
        return NaiveBaseline(settings, embedder)
    if config == SENTENCES or config in GENERATOR_CONFIGS:
        update = {"retriever": "hybrid", "generator": config}
    else:
        update = {"retriever": config}
    assistant = Assistant(settings.model_copy(update=update), embedder)
    assistant.index()  # load it now, so the first question's latency does not include it
    return assistant


def _passages(citations: list[Citation]) -> list[dict[str, Any]]:
    return [
        {"n": c.n, "document_id": c.document_id, "quote": c.quote, "text": c.text}
        for c in citations
    ]


def run_config(
    system: System, items: list[dict[str, Any]], label: str, progress: bool = True
) -> list[dict[str, Any]]:
    """Ask every item; return one scored row per item, with the answer kept for the report."""
    rows = []
    for item in tqdm(items, desc=label, disable=not progress, unit="q", file=sys.stderr):
        history = [Turn(**t) for t in item.get("history", [])]
        answer = system.ask(item["question"], history=history)
        row = score_item(item, answer)
        row.update(
            config=label,
            question=item["question"],
            answer=answer.answer,
            cited=_passages(answer.citations),
            retrieved=_passages(answer.retrieved[:3]),
            gold_quotes=[g["quote"] for g in item.get("gold", [])],
            **verification_stats.row_fields(answer),
        )
        rows.append(row)
    return rows


def latency(rows: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """p50 and p95 in milliseconds per stage (retrieve, answer, total)."""
    result = {}
    for stage in STAGES:
        values = sorted(float(r["latency_ms"].get(stage, 0.0)) for r in rows)
        if not values:
            result[stage] = {"p50": math.nan, "p95": math.nan}
            continue
        p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
        result[stage] = {"p50": statistics.median(values), "p95": p95}
    return result


def summarise(rows: list[dict[str, Any]], seconds: float) -> dict[str, Any]:
    """Metrics, breakdowns and latencies of one configuration's rows."""
    return {
        "metrics": aggregate(rows),
        "latency": latency(rows),
        "by_type": breakdown(rows, "type"),
        "by_persona": breakdown(rows, "persona"),
        "seconds": seconds,
        "verification": verification_stats.summary(rows),
        "rows": rows,
    }


def split_items(split: str, limit: int | None = None) -> list[dict[str, Any]]:
    """The eval items of one split (`test` is what is reported; `dev` is for tuning)."""
    if split not in SPLITS:
        raise ConfigurationError(f"unknown split {split!r} (known: {', '.join(SPLITS)})")
    items = [i for i in load_eval_set() if split == "all" or i.get("split", "dev") == split]
    return stratified(items, limit) if limit else items


def stratified(items: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """`limit` items taken in turn from each question type (file order within a type), so a
    quick run still measures refusals, lists and follow-ups; the same file gives the same
    sample."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        groups.setdefault(item["type"], []).append(item)
    chosen: list[dict[str, Any]] = []
    for depth in range(max((len(g) for g in groups.values()), default=0)):
        chosen += [g[depth] for g in groups.values() if depth < len(g)]
    return chosen[:limit]


def evaluate(
    settings: Settings,
    configs: list[str],
    limit: int | None = None,
    progress: bool = True,
    split: str = "test",
) -> dict[str, Any]:
    """Metrics per configuration on one split, all on one index and one embedder instance."""
    items = split_items(split, limit)
    embedder = make_embedder(settings.embedder, settings)
    if any(c != NAIVE for c in configs):
        base = Assistant(settings, embedder)
        if base._data.current() is None:
            base.ingest(progress=progress)
    results: dict[str, Any] = {}
    for config in configs:
        started = time.perf_counter()
        if config == LODO:
            rows = run_lodo(settings, embedder, items, progress)
        else:
            rows = run_config(make_system(config, settings, embedder), items, config, progress)
        results[config] = summarise(rows, time.perf_counter() - started)
    return results


def run_lodo(
    settings: Settings, embedder: BaseEmbedding, items: list[dict[str, Any]], progress: bool
) -> list[dict[str, Any]]:
    """Each document's items answered by a ranker trained without that document's questions."""
    from evals.lodo import fold_systems  # trains five models: only when asked for

    rows: list[dict[str, Any]] = []
    for document, system, chosen in fold_systems(settings, embedder, items):
        rows += run_config(system, chosen, f"{LODO}:{document}", progress)
    return rows


def _git(*args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=PROJECT_DIR, capture_output=True, text=True, timeout=10, check=True
    )
    return done.stdout.strip()


def _commit() -> str:
    """The checkout's commit (with "+changes" when the tree differs), or "" outside git."""
    try:
        return _git("rev-parse", "--short", "HEAD") + (
            "+changes" if _git("status", "--porcelain") else ""
        )
    except (OSError, subprocess.SubprocessError):
        return ""


def eval_set_digest() -> str:
    """The first 12 hex digits of the eval set file's SHA-256: which data was measured."""
    return hashlib.sha256(DEFAULT_PATH.read_bytes()).hexdigest()[:12]


def eval_command(args: argparse.Namespace, settings: Settings) -> int:
    """`sectorwijzer eval`: print the metrics table and write the report folder."""
    names = parse_configs(args.compare or settings.retriever)
    started = time.perf_counter()
    split = getattr(args, "split", "test")
    results = evaluate(settings, names, args.limit, sys.stderr.isatty(), split)
    folder = Path(args.output) if args.output else reports_dir() / time.strftime("%Y%m%d-%H%M%S")
    context = {
        "embedder": settings.embedder,
        "generator": settings.generator,
        "top_k": settings.top_k,
        "split": split,
        "commit": _commit(),
        "eval_set": eval_set_digest(),
        "seconds": time.perf_counter() - started,
    }
    write_report(results, folder, context)
    print(markdown_table(results))
    print(f"report: {folder} ({context['seconds']:.0f} s)")
    return 0
