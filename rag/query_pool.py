"""Question embeddings computed in worker processes, so concurrent questions use every core.

The embedding model runs its own thread team (OpenMP) per process: two teams in one process
oversubscribe the cores, and on a busy machine a team that waits for a core slows every query
down. So each worker process runs one model with threads = cores / workers, set before the
model's library loads (it reads the count once), and the index stays in the server process.
"""

import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from llama_index.core.base.embeddings.base import BaseEmbedding

from rag.config import Settings

_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
_worker_embedder: BaseEmbedding | None = None  # one per worker process
PARENT_CHECK_SECONDS = 1.0


def _start_worker(embedder: str, threads: int, parent: int) -> None:
    # A worker waits on a pipe it holds both ends of: it would outlive a server that was
    # killed (or left with os._exit) and keep its output pipes open. So it watches.
    threading.Thread(target=_exit_without, args=(parent,), daemon=True).start()
    for variable in _THREAD_VARIABLES:
        os.environ[variable] = str(threads)
    from rag.embeddings import make_embedder  # after the thread count is set

    global _worker_embedder
    _worker_embedder = make_embedder(embedder)


def _exit_without(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)


def _embed(text: str) -> list[float]:
    if _worker_embedder is None:  # the initializer always runs first
        raise RuntimeError("embedding worker not started")
    return list(_worker_embedder.get_query_embedding(text))


def _probe(text: str) -> tuple[int, str]:
    _embed(text)
    return os.getpid(), os.environ.get("OMP_NUM_THREADS", "")


class PooledQueryEncoder:
    """Embeds questions in `workers` processes (started on first use or by `warm_up`)."""

    def __init__(self, embedder: str, workers: int, cores: int | None = None) -> None:
        self.embedder, self.workers = embedder, workers
        self.threads = max(1, (cores or os.cpu_count() or 1) // workers)
        self._lock = threading.Lock()
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        # spawn, not fork: the server process holds threads and open index files.
        return ProcessPoolExecutor(
            self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(self.embedder, self.threads, os.getpid()),
        )

    def get_query_embedding(self, query: str) -> list[float]:
        """The query vector of `query`; a pool whose worker died is replaced once."""
        pool = self._pool
        try:
            return pool.submit(_embed, query).result()
        except BrokenProcessPool:
            with self._lock:
                if self._pool is pool:
                    self._pool = self._new_pool()
            return self._pool.submit(_embed, query).result()

    def warm_up(self) -> dict[int, str]:
        """Start the workers and load their models (the first questions need not wait);
        returns the thread count each worker that answered runs with, by process id."""
        futures = [self._pool.submit(_probe, "opwarmen") for _ in range(self.workers * 2)]
        wait(futures)
        return dict(future.result() for future in futures)

    def close(self) -> None:
        """Stop the worker processes."""
        self._pool.shutdown(wait=True, cancel_futures=True)


def make_query_encoder(settings: Settings) -> PooledQueryEncoder | None:
    """Worker processes when `settings.embed_workers` asks for them; None: the assistant
    embeds in its own process (the model's library lets several threads call it at once).
    A served embedder (`openai`) computes nothing here, so it never gets worker processes."""
    from rag.embeddings import CONFIGURED

    if settings.embed_workers and settings.embedder not in CONFIGURED:
        return PooledQueryEncoder(settings.embedder, settings.embed_workers)
    return None
