"""`sectorwijzer serve --workers N`: N uvicorn worker processes on one port.

Each worker is a whole server (its own `Service`, index and model) that embeds questions in
its own process with cores / N threads: several default-sized thread teams on the same cores
oversubscribe them (measured: a query ~4x slower). So no embedding worker processes are
started besides. The workers share the data directory as separate `serve` processes would:
every change holds its writer lock, and a worker reopens the index when CURRENT names a new
generation (`rag.writer.LiveIndex`), so an upload through one worker is answered by all.

uvicorn starts workers by spawning fresh interpreters that import `worker_app`; the settings
(the environment plus the command line's options) travel to them as JSON in one variable.
"""

import logging
import multiprocessing
import os
import sys

from fastapi import FastAPI

from api.access import is_loopback
from rag.config import Settings

SETTINGS_VARIABLE = "SECTORWIJZER_SERVE_SETTINGS_JSON"  # not a field: Settings ignores it
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def serve_workers(settings: Settings, workers: int, log_level: str = "info") -> int:
    """Build a missing index first (once, not in every worker), then run `workers` workers
    until stopped."""
    import uvicorn

    if settings.embed_workers:
        print(
            f"--workers {workers}: each worker embeds its own questions; no extra embedding "
            "processes are started",
            file=sys.stderr,
        )
    settings = settings.model_copy(update={"embed_workers": 0})
    if not _prepare_index(settings):
        return 1
    threads = str(max(1, (os.cpu_count() or 1) // workers))
    for variable in THREAD_VARIABLES:
        os.environ.setdefault(variable, threads)  # an operator's own choice wins
    os.environ[SETTINGS_VARIABLE] = settings.model_dump_json()
    print(
        f"Sectorwijzer: http://{settings.host}:{settings.port}/  ({workers} workers, "
        f"{os.environ['OMP_NUM_THREADS']} threads each)",
        file=sys.stderr,
    )
    access_note(settings)
    print(
        "Note: the chat UI (Gradio) keeps a browser's session in one process; with several "
        "workers on one port its requests may reach another one. Use the API here, or run "
        "single-worker replicas behind a proxy with sticky sessions (docs/deploy.md).",
        file=sys.stderr,
    )
    uvicorn.run(
        "api.workers:worker_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=workers,
        log_level=log_level,
    )
    return 0


def access_note(settings: Settings) -> None:
    """Say so when a server others can reach accepts changes from this machine only."""
    if not settings.api_key and not is_loopback(settings.host):
        print(
            "Note: no SECTORWIJZER_API_KEY set, so uploads and deletions are only accepted "
            "from this machine.",
            file=sys.stderr,
        )


def worker_app() -> FastAPI:
    """The application of one worker process (uvicorn calls it after spawning the worker)."""
    from api.app import create_app
    from api.service import Service

    logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(name)s: %(message)s")
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    sys.setswitchinterval(0.001)  # as in `api.server`: the event loop gets in sooner
    settings = Settings.model_validate_json(os.environ[SETTINGS_VARIABLE])
    service = Service(settings)
    service.start_index_build()  # the index exists: this reconciles the uploads folder
    return create_app(service=service)  # no embedding processes: nothing to close


def _prepare_index(settings: Settings) -> bool:
    """Build the index in a child process when it is missing, damaged or of another embedder,
    so the workers start on one index and this supervising process holds no model."""
    context = multiprocessing.get_context("spawn")
    child = context.Process(target=_ensure_index, args=(settings,), name="index-build")
    child.start()
    child.join()
    return child.exitcode == 0


def _ensure_index(settings: Settings) -> None:
    from rag.assistant import Assistant
    from rag.errors import IndexNotReadyError, SectorwijzerError

    assistant = Assistant(settings)
    try:
        assistant.index().check()
        return
    except IndexNotReadyError as exc:
        print(
            f"No usable index in {settings.data_dir} ({exc.message}); building it before "
            "the workers start",
            file=sys.stderr,
        )
    try:
        report = assistant.ingest(progress=sys.stderr.isatty())
    except SectorwijzerError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        sys.exit(1)
    print(f"index built: {report.documents} documents, {report.chunks} passages", file=sys.stderr)
