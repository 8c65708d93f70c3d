"""Calibrate the support thresholds of `rag.verify` on the training questions only.

Positive pairs: each sentence of a training question's reference answer (a paraphrase written
by a person) with the gold quotes it rests on. Negative pairs: the same sentence with the gold
quotes of another question about the same document (the hard case: same topic, other claim).
Per language, the (overlap, similarity) pair maximising TPR - 2 * FPR wins, the strictest of
equals: letting an unsupported sentence through costs twice as much as removing a supported
one. The eval set
(evals/data/eval_set.jsonl) is never read here::

    python -m rag.verify_calibration [--write]
"""

import argparse
import json
import re
from pathlib import Path
from typing import Any

import numpy as np

from rag.bm25 import tokenize
from rag.config import PROJECT_DIR, load_settings
from rag.embeddings import make_embedder
from rag.verify import THRESHOLDS_PATH, Embed, embedding_function, overlap

TRAIN = PROJECT_DIR / "evals" / "data" / "train_set.jsonl"
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý0-9])")
_OVERLAPS = np.round(np.arange(0.0, 1.0001, 0.05), 2)
_SIMILARITIES = np.round(np.arange(0.60, 0.9501, 0.005), 3)


def pairs(path: Path = TRAIN) -> list[tuple[str, str, str, bool]]:
    """(language, sentence, source text, supported) pairs from the training questions."""
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    items = [i for i in items if i["gold"] and i.get("split", "train") == "train"]
    found = []
    for k, item in enumerate(items):
        source = "\n".join(g["quote"] for g in item["gold"])
        other = _other(items, k)
        for sentence in _SENTENCE.split(item["reference_answer"]):
            if len(tokenize(sentence)) >= 2:
                found.append((item["language"], sentence, source, True))
                found.append((item["language"], sentence, other, False))
    return found


def _other(items: list[dict[str, Any]], k: int) -> str:
    """The gold quotes of the next question on the same document (else simply the next)."""
    document = items[k]["gold"][0]["document_id"]
    quotes = {g["quote"] for g in items[k]["gold"]}
    ring = items[k + 1 :] + items[:k]
    same = [i for i in ring if i["gold"][0]["document_id"] == document]
    for item in same + ring:
        if not {g["quote"] for g in item["gold"]} & quotes:
            return "\n".join(g["quote"] for g in item["gold"])
    return ""


def features(found: list[tuple[str, str, str, bool]], embed: Embed) -> np.ndarray:
    """Rows of (overlap, similarity, supported); every distinct text is embedded once."""
    texts = list(dict.fromkeys(t for _, sentence, source, _ in found for t in (sentence, source)))
    vectors = dict(zip(texts, embed(texts), strict=True))
    rows = [
        (overlap(sentence, source, language), float(vectors[sentence] @ vectors[source]), supported)
        for language, sentence, source, supported in found
    ]
    return np.asarray(rows, dtype=float)


def best_thresholds(rows: np.ndarray) -> dict[str, float]:
    """The grid point maximising TPR - 2 * FPR, with its rates."""
    positive, negative = rows[:, 2] == 1, rows[:, 2] == 0
    best: dict[str, float] = {"score": -np.inf}
    for o in _OVERLAPS:
        for s in _SIMILARITIES:
            passed = (rows[:, 0] >= o) & (rows[:, 1] >= s)
            tpr, fpr = passed[positive].mean(), passed[negative].mean()
            if tpr - 2 * fpr >= best["score"]:  # a tie goes to the stricter pair
                best = {"score": tpr - 2 * fpr, "overlap": o, "similarity": s, "tpr": tpr}
                best["fpr"] = fpr
    return {key: round(float(value), 3) for key, value in best.items()}


def calibrate(embed: Embed, path: Path = TRAIN) -> dict[str, Any]:
    """Thresholds per language and the rates they reach on the training pairs."""
    found = pairs(path)
    result: dict[str, Any] = {"overlap": {}, "similarity": {}, "train": {}}
    for language in ("nl", "en"):
        rows = features([p for p in found if p[0] == language], embed)
        best = best_thresholds(rows)
        result["overlap"][language] = best["overlap"]
        result["similarity"][language] = best["similarity"]
        result["train"][language] = {"pairs": len(rows), "tpr": best["tpr"], "fpr": best["fpr"]}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help=f"write {THRESHOLDS_PATH.name}")
    args = parser.parse_args()
    settings = load_settings()
    embedder = make_embedder(settings.embedder, settings)
    result = calibrate(embedding_function(embedder))
    text = json.dumps(result, indent=2)
    print(text)
    if args.write:
        THRESHOLDS_PATH.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
