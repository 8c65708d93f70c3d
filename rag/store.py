"""On-disk index generations: each ingest writes a complete new one, then switches atomically.

Layout under the data directory::

    CURRENT                 name of the live generation (replaced with os.replace)
    embeddings.sqlite       embedding cache shared by all generations
    generations/<name>/     chroma/, bm25/, chunks.jsonl, sentences.npy, state.json,
                            checksums.json (size and SHA-256 of every other file, written last)
    runtime/<pid>-<id>/     a reader's private copy of a generation's Chroma files
    writer.lock             one writer at a time, across processes (see `rag.writelock`)
    uploads/, rejected/     uploaded files; files set aside (unreadable, interrupted uploads)

A crash (even kill -9) before the switch leaves CURRENT on the previous, complete generation.
A published generation never changes: readers load it, so a change of its files is damage.
"""

import fcntl
import json
import os
import shutil
import time
import uuid
from pathlib import Path

import numpy as np

from rag.errors import IndexDamagedError
from rag.models import Chunk

COLLECTION = "passages"
_STALE_SECONDS = 60  # a runtime folder younger than this may still be getting its lock


class DataDir:
    """Paths and the generation switch of one data directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.generations = root / "generations"
        self.current_file = root / "CURRENT"
        self.cache_file = root / "embeddings.sqlite"
        self.runtime = root / "runtime"
        self.rejected = root / "rejected"

    def current(self) -> Path | None:
        """The live generation, or None when nothing was ingested yet."""
        if not self.current_file.exists():
            return None
        path = self.generations / self.current_file.read_text().strip()
        if not (path / "state.json").exists():
            raise IndexDamagedError(
                f"the index in {self.root} is damaged (generation {path.name} is incomplete); "
                "run `sectorwijzer ingest --rebuild`"
            )
        return path

    def new_generation(self) -> Path:
        self.generations.mkdir(parents=True, exist_ok=True)
        # Unique per call: Chroma caches clients by path within a process.
        name = f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
        path = self.generations / f"{name}.partial"
        path.mkdir()
        return path

    def publish(self, partial: Path) -> Path:
        """Make a fully written generation the live one and remove the older ones."""
        return self.switch(self.finalize(partial))

    def finalize(self, partial: Path) -> Path:
        """Flush a written generation and give it its final name; it is not live yet."""
        final = partial.with_suffix("")
        _fsync_tree(partial)
        partial.rename(final)
        _fsync_dir(self.generations)
        return final

    def switch(self, final: Path) -> Path:
        """Point CURRENT at a finalized generation (atomically) and prune older ones."""
        previous = self.current_file.read_text().strip() if self.current_file.exists() else ""
        tmp = self.current_file.with_suffix(".tmp")
        tmp.write_text(final.name)
        with tmp.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, self.current_file)
        _fsync_dir(self.root)
        # The previous generation stays one round: a server in another process may be reading it.
        self.prune(keep={final, self.generations / previous} if previous else {final})
        return final

    def discard(self, generation: Path) -> None:
        """Remove a generation that was built but never made live."""
        shutil.rmtree(generation, ignore_errors=True)

    def workspace(self) -> "Workspace":
        """A fresh private folder, locked while in use (a reader's copy of the Chroma files);
        folders that no process holds any more (left by a kill -9) are removed first."""
        self.runtime.mkdir(parents=True, exist_ok=True)
        for path in self.runtime.iterdir():
            if _age(path) > _STALE_SECONDS and not Workspace.held(path):
                shutil.rmtree(path, ignore_errors=True)
        path = self.runtime / f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
        path.mkdir()
        return Workspace(path)

    def prune(self, keep: set[Path]) -> None:
        """Delete every generation not in `keep`, including leftovers of crashed ingests."""
        if not self.generations.exists():
            return
        for path in self.generations.iterdir():
            if path not in keep:
                shutil.rmtree(path, ignore_errors=True)


class Workspace:
    """A folder under `runtime/` that is this process's while its lock file is held."""

    LOCK = ".lock"

    def __init__(self, path: Path) -> None:
        self.path = path
        self._descriptor: int | None = os.open(path / self.LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(self._descriptor, fcntl.LOCK_EX)

    @classmethod
    def held(cls, path: Path) -> bool:
        """Whether some process (this one included) still holds the folder."""
        try:
            descriptor = os.open(path / cls.LOCK, os.O_RDWR)
        except OSError:
            return False
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return False
        except BlockingIOError:
            return True
        finally:
            os.close(descriptor)

    def release(self) -> None:
        """Delete the folder and give up its lock (idempotent)."""
        shutil.rmtree(self.path, ignore_errors=True)
        if self._descriptor is not None:
            os.close(self._descriptor)
            self._descriptor = None


def write_chunks(path: Path, chunks: list[Chunk]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for chunk in chunks:
            handle.write(chunk.model_dump_json() + "\n")


def read_chunks(path: Path) -> list[Chunk]:
    with path.open(encoding="utf-8") as handle:
        return [Chunk.model_validate_json(line) for line in handle if line.strip()]


def write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def read_json(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise IndexDamagedError(f"{path} is not a JSON object")
    return data


def write_matrix(path: Path, matrix: np.ndarray) -> None:
    with path.open("wb") as handle:
        np.save(handle, matrix.astype(np.float32))


def _age(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except OSError:  # removed meanwhile by another process
        return 0.0


def _fsync_dir(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _fsync_tree(root: Path) -> None:
    for path in root.rglob("*"):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
