"""`train-ranker`: reproducible bytes, and the eval set is never read while training."""

import json
import sys
from pathlib import Path
from typing import Any

from rag.assistant import Assistant
from rag.cli import main
from rag.config import Settings
from rag.training import is_gold

TRAINING = Path(__file__).resolve().parents[2] / "evals" / "data" / "train_set.jsonl"
_opened: list[str] = []
_recording = False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _recording and event == "open" and args and isinstance(args[0], str | Path):
        _opened.append(str(args[0]))


sys.addaudithook(_audit)


def _small_training_file(tmp_path: Path) -> Path:
    lines = TRAINING.read_text(encoding="utf-8").splitlines()
    items = [json.loads(line) for line in lines if line.strip()]
    chosen = [i for i in items if i["type"] != "unanswerable"][:24]
    chosen += [i for i in items if i["type"] == "unanswerable"][:8]
    path = tmp_path / "train.jsonl"
    path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in chosen))
    return path


def _train(settings: Settings, source: Path, target: Path) -> bytes:
    args = ["--data-dir", str(settings.data_dir), "--corpus-dir", str(settings.corpus_dir)]
    args += ["--embedder", "hashing", "train-ranker", "--input", str(source)]
    assert main([*args, "--output", str(target)]) == 0
    return target.read_bytes()


def test_training_is_reproducible_and_never_reads_the_eval_set(
    fake_settings: Settings, tmp_path: Path
) -> None:
    global _recording
    Assistant(fake_settings).ingest()
    source = _small_training_file(tmp_path)
    _recording = True
    try:
        first = _train(fake_settings, source, tmp_path / "a.json")
        second = _train(fake_settings, source, tmp_path / "b.json")
    finally:
        _recording = False
    assert first == second
    model = json.loads(first)
    assert model["trained_on"]["questions"] == 32
    assert not [p for p in _opened if "eval_set" in p], "training must not read the eval set"


def test_a_unit_is_gold_when_it_holds_a_gold_quote_or_list_item() -> None:
    item = {
        "gold": [{"document_id": "d", "quote": "Met 1.350 bedrijven is zij groot."}],
        "list_items": ["Hightech"],
    }
    assert is_gold("Intro. Met 1350 bedrijven is zij groot. Slot.", item)
    assert is_gold("Bedrijven zoals:\n- Hightech\n- Automotive", item)
    assert not is_gold("Een andere zin over bedrijven.", item)
