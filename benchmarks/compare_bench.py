"""Benchmark: warm latency of a comparison ("Standpunten") against a chat answer.

    python benchmarks/compare_bench.py --data-dir DIR [--rounds N]

Over the topics of `evals/data/compare_set.jsonl`, after one warm-up pass (model, index),
measures each comparison and the chat answer to "Wat vinden de documenten van <topic>?",
with the query-embedding cache emptied before each measured pass; prints p50/p95 of both and
the ratio compare/ask measured in the same run. Not a test: figures are read, not asserted.
"""

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rag.offline import apply_offline_env  # noqa: E402

apply_offline_env()

from evals.comparisons import load_topics  # noqa: E402
from rag.assistant import Assistant  # noqa: E402
from rag.config import load_settings  # noqa: E402
from rag.query_cache import QueryEmbeddings  # noqa: E402


def _ms(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return (time.perf_counter() - started) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    assistant = Assistant(load_settings(data_dir=args.data_dir))
    topics = [item["topic"] for item in load_topics(split="all")]
    for topic in topics:  # warm-up
        assistant.compare(topic)
    compare, ask = [], []
    for _ in range(args.rounds):
        assistant._queries = QueryEmbeddings(assistant.embedder)  # no cached topics
        for topic in topics:
            compare.append(_ms(lambda t=topic: assistant.compare(t)))
            ask.append(_ms(lambda t=topic: assistant.ask(f"Wat vinden de documenten van {t}?")))
    for name, values in (("compare", compare), ("ask", ask)):
        p95 = statistics.quantiles(values, n=20)[-1]
        print(f"{name:8} p50 {statistics.median(values):7.0f} ms   p95 {p95:7.0f} ms")
    print(f"compare/ask p50: {statistics.median(compare) / statistics.median(ask):.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
