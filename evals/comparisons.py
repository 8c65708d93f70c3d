"""Evaluate the comparison mode on `evals/data/compare_set.jsonl`, or calibrate its rule.

    python -m evals.comparisons --split test            # the reported figures
    python -m evals.comparisons --calibrate             # silent threshold from the dev topics

Each item is a topic with the documents that hold a position on it (`gold_documents`, each
with an `evidence` phrase read in that document) and a `split`: `dev` topics calibrate
`SECTORWIJZER_COMPARE_SILENT_THRESHOLD`, `test` topics are only reported.
"""

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from evals.compare_metrics import calibrate, mean_scores, score_comparison
from rag.assistant import Assistant
from rag.config import PROJECT_DIR, load_settings

DEFAULT_SET = PROJECT_DIR / "evals" / "data" / "compare_set.jsonl"
SPLITS = ("test", "dev", "all")


def load_topics(path: Path = DEFAULT_SET, split: str = "test") -> list[dict[str, Any]]:
    """The items of `split` ("all": every item)."""
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [item for item in items if split == "all" or item["split"] == split]


def document_texts(assistant: Assistant) -> dict[str, str]:
    """Every loaded document's indexed text (what a verbatim quote must occur in)."""
    texts: dict[str, list[str]] = {doc: [] for doc in assistant.documents()}
    for chunk in assistant.index().chunks:
        texts.setdefault(chunk.document_id, []).append(chunk.text)
    return {doc: "\n".join(parts) for doc, parts in texts.items()}


def evaluate(assistant: Assistant, items: list[dict[str, Any]]) -> dict[str, Any]:
    """Per topic its scores and the documents shown and silent; the means."""
    texts = document_texts(assistant)
    rows = []
    for item in items:
        comparison = assistant.compare(item["topic"])
        scores = score_comparison(item, comparison, texts)
        shown = [p.document_id for p in comparison.positions]
        rows.append({"id": item["id"], "topic": item["topic"], **scores, "shown": shown})
    return {"topics": rows, "mean": mean_scores(rows)}


def calibrate_silent(assistant: Assistant, items: list[dict[str, Any]]) -> tuple[float, float]:
    """The silent threshold with the best mean silent accuracy on `items` (dev topics)."""
    topics = [
        (assistant.topic_evidence(item["topic"]).best(), list(item["gold_documents"]))
        for item in items
    ]
    return calibrate(topics)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.comparisons", description=__doc__)
    parser.add_argument("--split", choices=SPLITS, default="test")
    parser.add_argument("--calibrate", action="store_true", help="calibrate on the dev split")
    parser.add_argument("--data-dir", help="index folder (SECTORWIJZER_DATA_DIR)")
    parser.add_argument("--set", type=Path, default=DEFAULT_SET, help="the comparison topics")
    args = parser.parse_args(argv)
    assistant = Assistant(load_settings(data_dir=args.data_dir))
    if not assistant.has_index():
        assistant.ingest()
    if args.calibrate:
        threshold, accuracy = calibrate_silent(assistant, load_topics(args.set, "dev"))
        print(f"silent threshold {threshold} (dev silent accuracy {accuracy})")
        return 0
    result = evaluate(assistant, load_topics(args.set, args.split))
    json.dump(result, sys.stdout, indent=1, ensure_ascii=False)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
