"""`sectorwijzer check`: verify the live index generation and report the uploads' state.

Read-only: it changes nothing (a server may be running on the same data directory).
"""

from dataclasses import dataclass, field

from rag.config import Settings
from rag.errors import IndexNotReadyError
from rag.index import open_index
from rag.ingest import source_files, uploads_dir
from rag.integrity import verify_generation
from rag.server_live import reachable
from rag.server_store import ServerStore
from rag.store import DataDir


@dataclass
class CheckReport:
    """What `check_data_dir` verified and found."""

    generation: str
    files: int
    documents: int
    chunks: int
    unindexed_uploads: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    where: str = ""  # a Chroma server's URL; "" for the data directory

    def lines(self) -> list[str]:
        if self.where:
            return [
                f"ok: generation {self.generation} in the Chroma server at {self.where}: "
                f"{self.documents} documents, {self.chunks} passages, all consistent"
            ]
        out = [
            f"ok: generation {self.generation}: {self.files} files match their checksums, "
            f"{self.documents} documents, {self.chunks} passages"
        ]
        if self.unindexed_uploads:
            out.append(
                "uploads not in the index (set aside by the next write or server start): "
                + ", ".join(self.unindexed_uploads)
            )
        if self.rejected:
            out.append(f"{len(self.rejected)} file(s) set aside in rejected/ (see the .json notes)")
        return out


def check_data_dir(settings: Settings) -> CheckReport:
    """Verify every file of the live generation against its checksums and open it.

    Raises `IndexNotReadyError` (with the rebuild hint) when there is no usable index."""
    if settings.chroma_url:
        return check_server(settings)
    data = DataDir(settings.data_dir)
    current = data.current()
    if current is None:
        raise IndexNotReadyError(f"there is no index in {data.root}; run `sectorwijzer ingest`")
    files = verify_generation(current)
    index = open_index(current)
    try:
        index.check()
        documents = index.state.get("documents", {})
        report = CheckReport(current.name, files, len(documents), len(index.chunks))
    finally:
        index.close()
    folder = uploads_dir(settings)
    indexed = {info["file"] for info in documents.values() if info.get("folder") == folder.name}
    report.unindexed_uploads = sorted(
        p.name for p in source_files(settings) if p.parent == folder and p.name not in indexed
    )
    if data.rejected.is_dir():
        report.rejected = sorted(p.name for p in data.rejected.iterdir() if p.suffix != ".json")
    return report


def check_server(settings: Settings) -> CheckReport:
    """Load the Chroma server's live generation as a replica does and check it is whole
    (state, passages, sentence vectors and the passage vectors' count agree)."""
    store = ServerStore(settings)
    current = reachable(store.current)
    if current is None:
        raise IndexNotReadyError(
            f"there is no index in the Chroma server at {settings.chroma_url}; "
            "run `sectorwijzer ingest`"
        )
    index = reachable(lambda: store.index(store.load(current)))
    reachable(index.check)
    documents = index.state.get("documents", {})
    where = settings.chroma_url or ""
    return CheckReport(current, 0, len(documents), len(index.chunks), where=where)
