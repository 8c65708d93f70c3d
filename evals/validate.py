"""Check the evaluation set: schema, gold quotes against the cleaned corpus, and minimum counts.

Run ``python -m evals.validate`` to validate the shipped set; it exits 1 when problems are found.
"""

import json
import sys
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

from rag.cleaning import clean_pages
from rag.readers import SUPPORTED_SUFFIXES, read_document
from rag.textmatch import normalise

DEFAULT_PATH = Path(__file__).parent / "data" / "eval_set.jsonl"
DEFAULT_CORPUS = Path(__file__).resolve().parents[1] / "corpus"

FIELD_TYPES: dict[str, type] = {
    "id": str,
    "question": str,
    "language": str,
    "persona": str,
    "type": str,
    "difficulty": str,
    "topics": list,
    "history": list,
    "reference_answer": str,
    "key_facts": list,
    "gold": list,
}
ENUMS: dict[str, set[str]] = {
    "language": {"nl", "en"},
    "persona": {"employee", "policy", "evaluator"},
    "type": {"fact", "list", "position", "cross-document", "unanswerable", "follow-up"},
    "difficulty": {"easy", "medium", "hard"},
    "split": {"dev", "test", "train"},
}
ROLES = {"user", "assistant"}
MAX_GOLD = 3
MAX_KEY_FACTS = 3
MIN_QUOTE_WORDS = 4
MIN_ITEMS = 100
MIN_TOPIC = {"scholing": 15, "arbeidsmigratie": 12}
MIN_TYPE = {"cross-document": 10, "unanswerable": 12, "follow-up": 6}
ENGLISH_SHARE = (0.07, 0.20)


def load_eval_set(path: Path | None = None) -> list[dict[str, Any]]:
    """Read the evaluation set, one JSON object per non-empty line."""
    source = path or DEFAULT_PATH
    lines = source.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def document_ids(corpus_dir: Path) -> dict[str, str]:
    """Map corpus file names to document ids via manifest.toml (file stem when not listed)."""
    manifest = corpus_dir / "manifest.toml"
    tables: dict[str, Any] = {}
    if manifest.exists():
        tables = tomllib.loads(manifest.read_text(encoding="utf-8")).get("documents", {})
    ids: dict[str, str] = {}
    for path in sorted(corpus_dir.iterdir()):
        if path.is_file() and path.suffix.lower() in SUPPORTED_SUFFIXES:
            ids[path.name] = str(tables.get(path.name, {}).get("id", path.stem))
    return ids


def load_corpus(corpus_dir: Path) -> dict[str, str]:
    """Normalised cleaned text of every corpus document, keyed by document id."""
    texts: dict[str, str] = {}
    for name, doc_id in document_ids(corpus_dir).items():
        cleaned = clean_pages(read_document(corpus_dir / name))
        texts[doc_id] = normalise(cleaned.text)
    return texts


def check_fields(item: dict[str, Any]) -> list[str]:
    """Missing fields, wrong types and values outside the allowed enums."""
    label = item.get("id", "<no id>")
    problems: list[str] = []
    for field, expected in FIELD_TYPES.items():
        if field not in item:
            problems.append(f"{label}: missing field '{field}'")
        elif not isinstance(item[field], expected):
            problems.append(f"{label}: field '{field}' must be {expected.__name__}")
    for field, allowed in ENUMS.items():
        if isinstance(item.get(field), str) and item[field] not in allowed:
            problems.append(f"{label}: invalid {field} '{item[field]}'")
    for field in ("id", "question", "reference_answer"):
        if isinstance(item.get(field), str) and not item[field].strip():
            problems.append(f"{label}: field '{field}' is empty")
    return problems


def check_lists(item: dict[str, Any]) -> list[str]:
    """Topics and key facts must be non-empty strings; history turns need a role and content."""
    label = item["id"]
    problems: list[str] = []
    if not item["topics"] or not all(isinstance(t, str) and t for t in item["topics"]):
        problems.append(f"{label}: topics must be a non-empty list of strings")
    if not all(isinstance(f, str) and f.strip() for f in item["key_facts"]):
        problems.append(f"{label}: key facts must be non-empty strings")
    for turn in item["history"]:
        if not isinstance(turn, dict) or turn.get("role") not in ROLES:
            problems.append(f"{label}: history turn needs role 'user' or 'assistant'")
        elif not isinstance(turn.get("content"), str) or not turn["content"].strip():
            problems.append(f"{label}: history turn has no content")
    return problems


def check_type_rules(item: dict[str, Any]) -> list[str]:
    """Rules that depend on the item type: gold and key facts, history, cross-document sources."""
    label, kind = item["id"], item["type"]
    gold, facts = item["gold"], item["key_facts"]
    problems: list[str] = []
    if kind == "unanswerable":
        if gold or facts:
            problems.append(f"{label}: unanswerable item must have no gold and no key facts")
    else:
        if not 1 <= len(authored_gold(item)) <= MAX_GOLD:
            problems.append(
                f"{label}: answerable item needs 1 to {MAX_GOLD} authored (not pooled) gold quotes"
            )
        if not 1 <= len(facts) <= MAX_KEY_FACTS:
            problems.append(f"{label}: answerable item needs 1 to {MAX_KEY_FACTS} key facts")
    if (kind == "follow-up") != bool(item["history"]):
        problems.append(f"{label}: history must be non-empty exactly for follow-up items")
    if kind == "cross-document" and len(gold_documents(item)) < 2:
        problems.append(f"{label}: cross-document item needs quotes from at least two documents")
    return problems


def authored_gold(item: dict[str, Any]) -> list[Any]:
    """The gold entries written by the author, i.e. all except pooled relevance judgments."""
    gold = item.get("gold") or []
    return [g for g in gold if not (isinstance(g, dict) and g.get("pooled") is True)]


def gold_documents(item: dict[str, Any]) -> set[str]:
    """The document ids cited by an item's authored (not pooled) gold quotes."""
    gold = [g for g in authored_gold(item) if isinstance(g, dict)]
    return {g["document_id"] for g in gold if isinstance(g.get("document_id"), str)}


def check_gold(item: dict[str, Any], corpus: dict[str, str]) -> list[str]:
    """Each gold quote (pooled ones too) must name a known document and occur verbatim in it.

    The optional ``pooled`` key marks a pooled relevance judgment and must be a bool.
    """
    label = item["id"]
    problems: list[str] = []
    for gold in item["gold"]:
        entry = gold if isinstance(gold, dict) else {}
        doc_id, quote = entry.get("document_id"), entry.get("quote")
        if "pooled" in entry and not isinstance(entry["pooled"], bool):
            problems.append(f"{label}: gold key 'pooled' must be a bool")
        if not isinstance(doc_id, str) or not isinstance(quote, str):
            problems.append(f"{label}: gold entry needs string 'document_id' and 'quote'")
        elif doc_id not in corpus:
            problems.append(f"{label}: unknown document_id '{doc_id}'")
        elif len(quote.split()) < MIN_QUOTE_WORDS or "\n" in quote:
            problems.append(f"{label}: quote too short or spans lines: {quote!r}")
        elif normalise(quote) not in corpus[doc_id]:
            problems.append(f"{label}: quote not found in '{doc_id}': {quote!r}")
    return problems


def check_optional(item: dict[str, Any], corpus: dict[str, str]) -> list[str]:
    """`list_items` (every item of a gold list, each verbatim in a document) and `twin_of`."""
    label, items = item["id"], item.get("list_items", [])
    if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
        return [f"{label}: list_items must be a list of non-empty strings"]
    texts = list(corpus.values())
    problems = [
        f"{label}: list item not found in any document: {entry!r}"
        for entry in items
        if "\n" in entry or not any(normalise(entry) in text for text in texts)
    ]
    if "twin_of" in item and not isinstance(item["twin_of"], str):
        problems.append(f"{label}: twin_of must be the id of the item this one translates")
    return problems


def check_key_facts(item: dict[str, Any]) -> list[str]:
    """Every key fact must occur in a gold quote or in the reference answer."""
    quotes = [g["quote"] for g in item["gold"] if isinstance(g, dict) and "quote" in g]
    haystack = normalise(" | ".join([*map(str, quotes), item["reference_answer"]]))
    return [
        f"{item['id']}: key fact {fact!r} not in any gold quote or the reference answer"
        for fact in item["key_facts"]
        if isinstance(fact, str) and normalise(fact) not in haystack
    ]


def check_duplicates(items: list[dict[str, Any]]) -> list[str]:
    """Ids and questions must be unique."""
    problems: list[str] = []
    for field in ("id", "question"):
        counts = Counter(item.get(field) for item in items if isinstance(item.get(field), str))
        problems += [f"duplicate {field}: {value!r}" for value, n in counts.items() if n > 1]
    return problems


def _topics(item: dict[str, Any]) -> set[str]:
    topics = item.get("topics")
    return {t for t in topics if isinstance(t, str)} if isinstance(topics, list) else set()


def check_counts(items: list[dict[str, Any]]) -> list[str]:
    """Minimum numbers of items per topic and type, and the share of English questions."""
    problems = (
        [f"only {len(items)} items, need at least {MIN_ITEMS}"] if len(items) < MIN_ITEMS else []
    )
    topics = Counter(t for item in items for t in _topics(item))
    types = Counter(item.get("type") for item in items)
    types["cross-document"] = sum(
        item.get("type") == "cross-document" and len(gold_documents(item)) >= 2 for item in items
    )
    for name, minimum in [*MIN_TOPIC.items(), *MIN_TYPE.items()]:
        found = topics[name] if name in MIN_TOPIC else types[name]
        if found < minimum:
            problems.append(f"only {found} items for '{name}', need at least {minimum}")
    share = sum(item.get("language") == "en" for item in items) / max(len(items), 1)
    if not ENGLISH_SHARE[0] <= share <= ENGLISH_SHARE[1]:
        problems.append(
            f"English share {share:.0%} outside {ENGLISH_SHARE[0]:.0%}-{ENGLISH_SHARE[1]:.0%}"
        )
    return problems


def validate(items: list[dict[str, Any]], corpus_dir: Path = DEFAULT_CORPUS) -> list[str]:
    """All problems found in the evaluation set; an empty list means it is valid."""
    corpus = load_corpus(corpus_dir)
    problems: list[str] = []
    for item in items:
        if not isinstance(item, dict):
            problems.append(f"not a JSON object: {item!r}")
            continue
        field_problems = check_fields(item)
        problems += field_problems
        if field_problems:
            continue
        problems += check_lists(item) + check_type_rules(item)
        problems += check_gold(item, corpus) + check_key_facts(item)
        problems += check_optional(item, corpus)
    valid = [item for item in items if isinstance(item, dict)]
    return problems + check_duplicates(valid) + check_counts(valid)


def main() -> None:
    """Validate the shipped evaluation set; print the problems and exit 1 when there are any."""
    items = load_eval_set()
    problems = validate(items, DEFAULT_CORPUS)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) in {len(items)} items", file=sys.stderr)
        sys.exit(1)
    print(f"eval set OK: {len(items)} items")


if __name__ == "__main__":
    main()
