"""Where the index generations live, chosen in one place: the data directory (embedded, the
default) or a Chroma server (`SECTORWIJZER_CHROMA_URL`, client/server mode).

Either way the assistant gets the same two parts: the live index it reads, and the writer
that changes the documents and publishes the next generation.
"""

from dataclasses import dataclass
from typing import Any, Protocol

from llama_index.core.base.embeddings.base import BaseEmbedding

from rag.config import Settings
from rag.index import Index
from rag.ingest import IngestReport
from rag.library import Reconciliation
from rag.progress import BuildProgress
from rag.server_live import ServerLive
from rag.server_store import ServerStore
from rag.server_writer import ServerWriter
from rag.store import DataDir
from rag.writer import Exclusive, LiveIndex, Writer


class Live(Protocol):
    """The live index of this process, reloaded when another process publishes a new one."""

    def get(self) -> Index: ...

    def exists(self) -> bool: ...


class Changes(Protocol):
    """Ingest, upload and removal, each published as a new generation (see `rag.writer`)."""

    def ingest(
        self,
        rebuild: bool = False,
        progress: bool = False,
        exclusive: Exclusive = ...,
        tracker: BuildProgress | None = None,
    ) -> IngestReport: ...

    def add_document(
        self,
        filename: str,
        data: bytes,
        meta: dict[str, Any] | None = None,
        exclusive: Exclusive = ...,
    ) -> dict[str, Any]: ...

    def remove_document(self, doc_id: str, exclusive: Exclusive = ...) -> None: ...

    def reconcile(self) -> Reconciliation: ...


@dataclass
class Backend:
    """The live index and the writer of one store."""

    live: Live
    writer: Changes


def make_backend(settings: Settings, embedder: BaseEmbedding) -> Backend:
    """The data directory's generations, or the Chroma server's when `chroma_url` is set."""
    if settings.chroma_url:
        store = ServerStore(settings)
        server_live = ServerLive(store, settings.chroma_poll_seconds)
        return Backend(server_live, ServerWriter(settings, embedder, store, server_live))
    live = LiveIndex(DataDir(settings.data_dir))
    return Backend(live, Writer(settings, embedder, live))
