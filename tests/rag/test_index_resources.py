"""No resource leak per ingest: 50 uploads in one process leave open files, threads and memory
flat (real Chroma, BM25 and files; hashing embedder)."""

import gc
import os
from pathlib import Path

from rag.assistant import Assistant
from rag.config import Settings
from rag.store import DataDir, Workspace

INGESTS = 50
WARM_UP = 10


def _open_files() -> int:
    return len(os.listdir("/proc/self/fd"))


def _threads() -> int:
    return len(os.listdir("/proc/self/task"))  # OS threads, Chroma's Rust threads included


def _rss_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _ingest(assistant: Assistant, n: int) -> None:
    """An upload (even n) or the removal of the previous one (odd n): the corpus stays small,
    so any growth is a leak, not a bigger index."""
    if n % 2:
        assistant.remove_document(f"notitie-{n - 1}")
        return
    text = f"# Notitie {n}\n\nDe ploegendienst nummer {n} begint om zes uur in hal {n}."
    assistant.add_document(f"notitie-{n}.md", text.encode())
    assert assistant.ask(f"ploegendienst nummer {n}").retrieved


def test_fifty_ingests_leave_files_threads_and_memory_flat(fake_settings: Settings) -> None:
    assistant = Assistant(fake_settings)
    assistant.ingest()
    for n in range(WARM_UP):  # warm up: language profiles, tokenizer caches, first Chroma system
        _ingest(assistant, n)
    gc.collect()
    files, threads, rss = _open_files(), _threads(), _rss_mb()
    for n in range(WARM_UP, WARM_UP + INGESTS):
        _ingest(assistant, n)
    gc.collect()
    grown = (_open_files() - files, _threads() - threads, _rss_mb() - rss)
    print(
        f"after {INGESTS} ingests: open files {grown[0]:+d}, threads {grown[1]:+d}, "
        f"RSS {grown[2]:+.1f} MB (from {files}, {threads}, {rss:.0f} MB)"
    )
    assert grown[0] <= 3, f"open files grew by {grown[0]}"
    assert grown[1] <= 2, f"threads grew by {grown[1]}"
    assert grown[2] < 30, f"RSS grew by {grown[2]:.0f} MB"
    data = DataDir(fake_settings.data_dir)
    assert len(list(data.generations.iterdir())) <= 2  # live and previous only
    assert len(list(data.runtime.iterdir())) == 1  # one private Chroma copy: the live index


def test_closing_an_index_is_idempotent_and_removes_its_file_copy(
    fake_settings: Settings,
) -> None:
    assistant = Assistant(fake_settings)
    assistant.ingest()
    index = assistant.index()
    copies = list(DataDir(fake_settings.data_dir).runtime.iterdir())
    assert len(copies) == 1
    index.close()
    index.close()
    assert index.closed and not copies[0].exists()


def test_a_runtime_copy_left_by_a_killed_process_is_removed(fake_settings: Settings) -> None:
    Assistant(fake_settings).ingest()
    runtime = DataDir(fake_settings.data_dir).runtime
    left = runtime / "999999-dead"
    (left / "chroma").mkdir(parents=True)
    (left / Workspace.LOCK).touch()  # its process died: nobody holds the lock any more
    (runtime / "1-alive").mkdir()
    held = Workspace(runtime / "1-alive")  # another reader that is still running
    for path in (left, held.path):
        os.utime(path, (0, 0))
    Assistant(fake_settings).index()
    assert not left.exists() and held.path.exists()
    held.release()
    assert not held.path.exists()
