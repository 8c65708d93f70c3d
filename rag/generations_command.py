"""`sectorwijzer generations`: list the index generations, or roll back to the previous one.

Works on the Chroma server with `SECTORWIJZER_CHROMA_URL` set, else on the data directory
(which keeps the previous generation too). A rollback takes the writer lock, like an ingest,
and running servers switch to it on their next look at the live generation.
"""

import argparse
import time
from pathlib import Path

from rag.config import Settings
from rag.errors import IndexNotReadyError
from rag.integrity import CHECKSUMS, verify_generation
from rag.server_live import reachable
from rag.server_store import GenerationInfo, ServerStore
from rag.store import DataDir, read_json
from rag.writelock import writer_lock


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rollback", action="store_true", help="make the previous generation live again"
    )


def generations_command(args: argparse.Namespace, settings: Settings) -> int:
    """Print the generations (the live one marked with *), after a rollback if asked."""
    if args.rollback:
        print(f"live generation: {rollback(settings)} (rolled back)")
    for info in list_generations(settings):
        mark = "*" if info.role == "live" else " "
        role = f"  ({info.role})" if info.role else ""
        print(
            f"{mark} {info.name}  {info.status:<8}  {info.created}  "
            f"{info.documents} documents, {info.chunks} passages{role}"
        )
    return 0


def list_generations(settings: Settings) -> list[GenerationInfo]:
    """The generations of the server or the data directory, oldest first."""
    if settings.chroma_url:
        return reachable(ServerStore(settings).generations)
    data = DataDir(settings.data_dir)
    if not data.generations.is_dir():
        return []
    current = data.current_file.read_text().strip() if data.current_file.exists() else ""
    paths = sorted(data.generations.iterdir(), key=_written_at)
    infos = [_local_info(path, current) for path in paths]
    # A switch keeps the live generation and the one it replaced (`DataDir.switch`).
    previous = [i for i in infos if i.status == "complete" and i.name != current]
    if previous and current:
        previous[-1].role = "previous"
    return infos


def rollback(settings: Settings) -> str:
    """Make the previous generation live again; returns its name."""
    if settings.chroma_url:
        store = ServerStore(settings)

        def locked_rollback() -> str:
            with store.lock(settings.writer_wait_seconds):
                return store.rollback()

        return reachable(locked_rollback)
    data = DataDir(settings.data_dir)
    with writer_lock(data.root, settings.writer_wait_seconds):
        previous = [i for i in list_generations(settings) if i.role == "previous"]
        if not previous:
            raise IndexNotReadyError("there is no previous generation to roll back to")
        path = data.generations / previous[0].name
        verify_generation(path)
        data.switch(path)
        return path.name


def _written_at(path: Path) -> float:
    """When a generation was finished (its checksums are written last), else started."""
    done = path / CHECKSUMS
    return (done if done.exists() else path).stat().st_mtime


def _local_info(path: Path, current: str) -> GenerationInfo:
    complete = not path.name.endswith(".partial") and (path / CHECKSUMS).exists()
    created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(_written_at(path)))
    documents = chunks = 0
    if complete:
        documents = len(read_json(path / "state.json").get("documents", {}))
        with (path / "chunks.jsonl").open(encoding="utf-8") as handle:
            chunks = sum(1 for line in handle if line.strip())
    role = "live" if path.name == current else ""
    status = "complete" if complete else "writing"
    return GenerationInfo(path.name, status, created, documents, chunks, role)
