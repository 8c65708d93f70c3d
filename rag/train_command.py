"""`sectorwijzer train-ranker`: fit the unit ranker and the answer threshold, write the model."""

import argparse
import time
from pathlib import Path

from rag.assistant import Assistant
from rag.config import PROJECT_DIR, Settings
from rag.ranker import DEFAULT_MODEL_PATH, save_model
from rag.training import build_examples, fit, load_questions, lodo_precision_at_1, precision_at_1

DEFAULT_TRAINING_FILE = PROJECT_DIR / "evals" / "data" / "train_set.jsonl"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", default=str(DEFAULT_TRAINING_FILE), help="training questions")
    parser.add_argument("--output", default=str(DEFAULT_MODEL_PATH), help="model file to write")


def train_command(args: argparse.Namespace, settings: Settings) -> int:
    """Retrieve every training question, fit both models, print what they reach, save."""
    started = time.perf_counter()
    # Retrieval only: the generator (and so the current model) is not needed to train.
    assistant = Assistant(settings.model_copy(update={"generator": "sentences"}))
    if not assistant.has_index():
        assistant.ingest()
    items = [i for i in load_questions(Path(args.input)) if i.get("split", "train") == "train"]
    examples = build_examples(assistant, items)
    model = fit(examples)
    path = save_model(model, Path(args.output))
    print(f"trained on {len(examples)} questions ({model.trained_on['answerable']} answerable)")
    print(
        f"unit P@1 in-sample {precision_at_1(examples, model.units):.3f}, "
        f"leave-one-document-out {lodo_precision_at_1(examples):.3f}"
    )
    print(f"answer threshold {model.threshold:.2f} (calibrated on 5-fold out-of-fold predictions)")
    print(f"model: {path} ({time.perf_counter() - started:.0f} s)")
    return 0
