"""Leave-one-document-out: does the learned ranker generalise to documents it has not seen?

For each document, the unit ranker and the answer threshold are retrained on the training
questions of the other documents only, and that document's eval items are answered with it.
Unanswerable items belong to the document their question retrieves first.
"""

from collections.abc import Iterator
from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding

from rag.answer import UnitGenerator
from rag.assistant import Assistant
from rag.config import Settings
from rag.models import Turn
from rag.train_command import DEFAULT_TRAINING_FILE
from rag.training import build_examples, fit, load_questions


def fold_systems(
    settings: Settings, embedder: BaseEmbedding, items: list[dict[str, Any]]
) -> Iterator[tuple[str, Assistant, list[dict[str, Any]]]]:
    """(document, assistant with that fold's ranker, the eval items of that document)."""
    retriever = Assistant(settings.model_copy(update={"generator": "sentences"}), embedder)
    training = [i for i in load_questions(DEFAULT_TRAINING_FILE) if i.get("split") == "train"]
    examples = build_examples(retriever, training)
    folds = _assign(retriever, items)
    for document in sorted(folds):
        model = fit([e for e in examples if document not in e.documents])
        system = Assistant(settings, embedder)
        system.generator = UnitGenerator(model)
        yield document, system, folds[document]


def _assign(assistant: Assistant, items: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Each item to one document: its first gold document, else the first one it retrieves."""
    folds: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        gold = [g["document_id"] for g in item.get("gold", []) if not g.get("pooled")]
        if gold:
            document = gold[0]
        else:
            history = [Turn(**t) for t in item.get("history", [])]
            hits = assistant.prepare(item["question"], history).hits
            document = hits[0].chunk.document_id if hits else "-"
        folds.setdefault(document, []).append(item)
    return folds
