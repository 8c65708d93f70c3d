"""SHA-256 checksums of every file of an index generation, written last and verified at open.

A generation is immutable once published: readers load it into memory (Chroma works on a
private copy, see `rag.index`), so any later change of its files is damage. `checksums.json`
maps each file's path (relative to the generation) to its size and SHA-256.
"""

import hashlib
import json
import os
from pathlib import Path

from rag.errors import IndexDamagedError

CHECKSUMS = "checksums.json"
REBUILD_HINT = "run `sectorwijzer ingest --rebuild`"
_BLOCK = 1 << 20


def file_digest(path: Path) -> str:
    """SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def write_checksums(generation: Path) -> dict[str, dict[str, object]]:
    """Record size and SHA-256 of every file under `generation` (written atomically, last)."""
    entries = {
        path.relative_to(generation).as_posix(): {
            "size": path.stat().st_size,
            "sha256": file_digest(path),
        }
        for path in sorted(generation.rglob("*"))
        if path.is_file() and path.name != CHECKSUMS
    }
    tmp = generation / f"{CHECKSUMS}.tmp"
    with tmp.open("w", encoding="utf-8") as handle:
        json.dump(entries, handle, indent=1)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(generation / CHECKSUMS)
    return entries


def verify_generation(generation: Path) -> int:
    """Check every recorded file's size and hash; returns the number of files checked.

    Raises `IndexDamagedError` (with the rebuild hint) for a missing checksum list, a missing,
    truncated or altered file, or a file the list does not know of."""
    entries = _load(generation)
    problems = []
    for name, entry in entries.items():
        problem = _check_file(generation / name, entry)
        if problem:
            problems.append(f"{name} {problem}")
    recorded = set(entries) | {CHECKSUMS}
    extra = [
        path.relative_to(generation).as_posix()
        for path in generation.rglob("*")
        if path.is_file() and path.relative_to(generation).as_posix() not in recorded
    ]
    problems.extend(f"{name} is not part of the index" for name in sorted(extra))
    if problems:
        shown = "; ".join(problems[:3]) + (f" (+{len(problems) - 3} more)" if problems[3:] else "")
        raise IndexDamagedError(f"the index in {generation} is damaged ({shown}); {REBUILD_HINT}")
    return len(entries)


def _load(generation: Path) -> dict[str, dict[str, object]]:
    try:
        entries = json.loads((generation / CHECKSUMS).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexDamagedError(
            f"the index in {generation} is damaged ({CHECKSUMS} is missing: "
            f"written by an older version or cut short); {REBUILD_HINT}"
        ) from None
    except (OSError, ValueError) as exc:
        raise IndexDamagedError(
            f"the index in {generation} is damaged ({CHECKSUMS} unreadable: {exc}); {REBUILD_HINT}"
        ) from exc
    if not isinstance(entries, dict) or not all(isinstance(v, dict) for v in entries.values()):
        raise IndexDamagedError(
            f"the index in {generation} is damaged ({CHECKSUMS} malformed); {REBUILD_HINT}"
        )
    return entries


def _check_file(path: Path, entry: dict[str, object]) -> str | None:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return "is missing"
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if size != entry.get("size"):
        return f"has {size} bytes instead of {entry.get('size')}"
    try:
        digest = file_digest(path)
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    return None if digest == entry.get("sha256") else "has changed (checksum mismatch)"
