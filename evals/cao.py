"""The cao eval: what employees ask, answered from the fictional test cao.

`evals/data/cao_set.jsonl` names per item its fixture (`fixture`: a PDF in the repository,
ingested as a document of kind `cao`) and the article the answer must cite (`article`,
"artikel 5.3"; empty for a question the cao does not answer). A run ingests the shipped
corpus plus the fixture into a temporary data directory (reusing the embedding cache of the
configured data directory when there is one), asks every item of the split and reports:
- from the right article: the gold article in a citation *and* named in the answer text;
- key facts: every key fact of the item in the answer;
- refused: the unanswerable items answered with a refusal;
- ToC cited: citations that quote a table-of-contents line (must be 0);
- table cell: the salary question answered with the row, its header and the amount.

    python -m evals.cao [--split test|dev|all] [--output DIR]
"""

import argparse
import json
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from rag.assistant import Assistant
from rag.cao_layout import is_toc_entry, layout_cao_page
from rag.cleaning import clean_pages
from rag.config import PROJECT_DIR, Settings, load_settings
from rag.models import Answer
from rag.readers import read_document
from rag.textmatch import normalise

CAO_SET = PROJECT_DIR / "evals" / "data" / "cao_set.jsonl"
CAO_META: dict[str, Any] = {
    "kind": "cao",
    "organisations": [
        "Fictieve Werkgeversvereniging Metaal en Techniek",
        "Vakbond Fictief Techniek",
    ],
    "year": 2026,
}
SPLITS = ("test", "dev", "all")


def load_cao_set(split: str = "test", path: Path = CAO_SET) -> list[dict[str, Any]]:
    """The items of one split (`all`: every item)."""
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [i for i in items if split == "all" or i["split"] == split]


def check_cao_set(items: list[dict[str, Any]]) -> list[str]:
    """Problems of the set: a gold quote not in its cleaned fixture, an article it lacks."""
    texts = {
        fixture: clean_pages(read_document(PROJECT_DIR / fixture), layout_cao_page).text
        for fixture in {item["fixture"] for item in items}
    }
    problems = []
    for item in items:
        text = texts[item["fixture"]]
        if item["split"] not in ("dev", "test"):
            problems.append(f"{item['id']}: split must be dev or test")
        for gold in item["gold"]:
            if normalise(gold["quote"]) not in normalise(text):
                problems.append(f"{item['id']}: gold quote not in the fixture")
        answerable = item["type"] != "unanswerable"
        if answerable and f"\n{item['article'].capitalize()} " not in text:
            problems.append(f"{item['id']}: no heading '{item['article']}' in the fixture")
        if answerable != bool(item["gold"] and item["key_facts"] and item["article"]):
            problems.append(f"{item['id']}: gold, key facts and article go with answerable items")
    return problems


def cao_assistant(settings: Settings, fixture: Path, data_dir: Path) -> Assistant:
    """An assistant over the corpus plus `fixture` as a cao, in its own data directory."""
    data_dir.mkdir(parents=True, exist_ok=True)
    cache = settings.data_dir / "embeddings.sqlite"
    if cache.is_file() and not (data_dir / cache.name).exists():
        shutil.copy2(cache, data_dir / cache.name)  # the corpus is then not embedded again
    assistant = Assistant(settings.model_copy(update={"data_dir": data_dir}))
    assistant.ingest()
    loaded = {info.get("file") for info in assistant.documents().values()}
    if fixture.name not in loaded:
        assistant.add_document(fixture.name, fixture.read_bytes(), CAO_META)
    return assistant


def score_cao_item(item: dict[str, Any], answer: Answer) -> dict[str, Any]:
    """One row of figures for one item (see the module docstring)."""
    row: dict[str, Any] = {"id": item["id"], "type": item["type"], "split": item["split"]}
    row["answered"] = answer.answerable
    row["toc_cited"] = sum(
        any(is_toc_entry(line.strip()) for line in c.quote.split("\n")) for c in answer.citations
    )
    if item["type"] == "unanswerable":
        row["correct"] = not answer.answerable
        return row
    gold = item["article"]
    row["from_article"] = any(_same_article(c.article, gold) for c in answer.citations)
    row["article_named"] = bool(re.search(rf"{re.escape(gold)}(?!\.?\d)", answer.answer, re.I))
    text = normalise(answer.answer)
    row["key_facts"] = all(normalise(fact) in text for fact in item["key_facts"])
    row["correct"] = answer.answerable and row["from_article"] and row["article_named"]
    if "table_cell" in item:
        row["table_cell"] = all(normalise(part) in text for part in item["table_cell"])
    return row


def _same_article(cited: str, gold: str) -> bool:
    """ "artikel 5.3, lid 2" is from "artikel 5.3"; "artikel 5.31" is not."""
    return cited == gold or cited.startswith(f"{gold},")


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts over the rows: right article, key facts, refusals, ToC citations, table cells."""
    answerable = [r for r in rows if r["type"] != "unanswerable"]
    unanswerable = [r for r in rows if r["type"] == "unanswerable"]
    return {
        "items": len(rows),
        "from_right_article": f"{sum(r['correct'] for r in answerable)}/{len(answerable)}",
        "key_facts": f"{sum(r['key_facts'] for r in answerable)}/{len(answerable)}",
        "refused_unanswerable": f"{sum(r['correct'] for r in unanswerable)}/{len(unanswerable)}",
        "toc_citations": sum(r["toc_cited"] for r in rows),
        "table_cells": "/".join(
            str(n)
            for n in (
                sum(r["table_cell"] for r in rows if "table_cell" in r),
                sum("table_cell" in r for r in rows),
            )
        ),
    }


def run(settings: Settings, split: str, work: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Ask every item of `split` (each item's fixture loaded once) and score the answers."""
    items = load_cao_set(split)
    rows: list[dict[str, Any]] = []
    for fixture in sorted({item["fixture"] for item in items}):
        assistant = cao_assistant(settings, PROJECT_DIR / fixture, work / Path(fixture).stem)
        for item in (i for i in items if i["fixture"] == fixture):
            answer = assistant.ask(item["question"])
            rows.append({**score_cao_item(item, answer), "answer": answer.answer})
    return summarise(rows), rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.cao", description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=SPLITS, default="test")
    parser.add_argument("--output", type=Path, default=PROJECT_DIR / "evals" / "reports")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="sectorwijzer-cao-") as work:
        summary, rows = run(load_settings(), args.split, Path(work))
    args.output.mkdir(parents=True, exist_ok=True)
    report = args.output / f"cao-{args.split}.json"
    report.write_text(json.dumps({"summary": summary, "rows": rows}, ensure_ascii=False, indent=1))
    print("| metric | value |\n|---|---|")
    print("\n".join(f"| {key} | {value} |" for key, value in summary.items()))
    print(f"report: {report}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
