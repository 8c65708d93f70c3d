"""Benchmark: full ingest of the corpus, then warm query latency per stage and retriever.

    python benchmarks/bench.py [--data-dir DIR] [--queries N]

Prints seconds and chunks/s for a fresh ingest (no embedding cache, nor the shipped
embeddings), then p50/p95 of the retrieve, answer and total stages for bm25, dense and hybrid
over the eval questions, each with its ratio to the bm25-only baseline measured in the same
run. Not a test: these machines are noisy, so figures are read, not asserted.
"""

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rag.offline import apply_offline_env  # noqa: E402

apply_offline_env()

from evals.validate import load_eval_set  # noqa: E402
from rag.assistant import Assistant  # noqa: E402
from rag.config import load_settings  # noqa: E402

CONFIGS = ("bm25", "dense", "hybrid")
CORPUS = Path(__file__).resolve().parent.parent / "corpus"
STAGES = ("retrieve", "answer", "total")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def bench_ingest(data_dir: Path) -> Assistant:
    # A corpus copy without the shipped embeddings, so the ingest embeds every text.
    corpus = data_dir / "corpus-without-embeddings"
    shutil.rmtree(corpus, ignore_errors=True)
    shutil.copytree(CORPUS, corpus, ignore=shutil.ignore_patterns("embeddings"))
    assistant = Assistant(load_settings(data_dir=data_dir, corpus_dir=corpus))
    started = time.perf_counter()
    report = assistant.ingest(rebuild=True)
    seconds = time.perf_counter() - started
    print(
        f"ingest: {report.documents} documents, {report.chunks} chunks, {seconds:.1f} s, "
        f"{report.chunks / seconds:.2f} chunks/s"
    )
    return assistant


def bench_queries(base: Assistant, questions: list[str]) -> dict[str, dict[str, list[float]]]:
    timings: dict[str, dict[str, list[float]]] = {}
    for config in CONFIGS:
        settings = base.settings.model_copy(update={"retriever": config})
        assistant = Assistant(settings, base.embedder)
        assistant.ask(questions[0])  # warm-up: open the index, load the model
        stages: dict[str, list[float]] = {stage: [] for stage in STAGES}
        for question in questions:
            answer = assistant.ask(question)
            for stage in STAGES:
                stages[stage].append(answer.timings_ms[stage])
        timings[config] = stages
    return timings


def print_table(timings: dict[str, dict[str, list[float]]]) -> None:
    baseline = statistics.median(timings["bm25"]["total"])
    print(
        f"{'config':8} "
        + " ".join(f"{s + ' p50':>13} {s + ' p95':>13}" for s in STAGES)
        + "  total/bm25"
    )
    for config, stages in timings.items():
        cells = " ".join(
            f"{statistics.median(v):13.1f} {percentile(v, 0.95):13.1f}" for v in stages.values()
        )
        print(f"{config:8} {cells}  {statistics.median(stages['total']) / baseline:9.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--queries", type=int, default=60)
    args = parser.parse_args()
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="sectorwijzer-bench-"))
    (data_dir / "embeddings.sqlite").unlink(missing_ok=True)
    assistant = bench_ingest(data_dir)
    questions = [item["question"] for item in load_eval_set()][: args.queries]
    print(f"queries: {len(questions)} eval questions per configuration, warm, in ms")
    print_table(bench_queries(assistant, questions))


if __name__ == "__main__":
    main()
