"""`sectorwijzer serve`: one process serving the API and the chat UI with uvicorn (or, with
`--workers N`, N such processes on one port: `api.workers`)."""

import argparse
import logging
import os
import sys
import threading

from api.service import Service
from api.workers import access_note, serve_workers
from rag.config import Settings


def serve_command(args: argparse.Namespace, settings: Settings) -> int:
    """Build the index in the background when it is missing, then serve until stopped."""
    host = getattr(args, "host", None) or settings.host
    port = getattr(args, "port", None) or settings.port
    processes = max(1, getattr(args, "workers", None) or settings.workers)
    if processes > 1:
        settings = settings.model_copy(update={"host": host, "port": port, "workers": processes})
        return serve_workers(settings, processes)
    workers = embed_workers(getattr(args, "embed_workers", None), settings)
    settings = settings.model_copy(update={"host": host, "port": port, "embed_workers": workers})
    logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(name)s: %(message)s")
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    # Question threads hold the GIL in turns; a shorter switch interval (default 5 ms) lets
    # the event loop (health checks, 503s) in sooner when they all run.
    sys.setswitchinterval(0.001)
    service = Service(settings)
    # Start embedding before the UI library is imported: both take a while, on separate cores.
    if service.start_index_build() is not None:
        print(
            f"No index in {settings.data_dir} yet: building it in the background "
            "(/readyz reports when it is done).",
            file=sys.stderr,
        )
    if service.query_encoder is not None:  # load the models now, not on the first questions
        threading.Thread(target=service.query_encoder.warm_up, name="warm-up", daemon=True).start()
    try:
        serve(service, host, port)
    finally:
        service.close()
    return 0


def embed_workers(option: int | None, settings: Settings) -> int:
    """The option, else the setting, else one worker process per core (at most 4)."""
    if option is not None:
        return max(0, option)
    if settings.embed_workers is not None:
        return settings.embed_workers
    return min(os.cpu_count() or 1, 4)


def serve(service: Service, host: str, port: int, log_level: str = "info") -> None:
    """Run the app on host:port (blocks)."""
    import uvicorn

    from api.app import create_app

    app = create_app(service=service)
    display = f"[{host}]" if ":" in host else host
    print(f"Sectorwijzer: http://{display}:{port}/  (API docs: /docs)", file=sys.stderr)
    access_note(service.settings.model_copy(update={"host": host}))
    uvicorn.run(app, host=host, port=port, log_level=log_level)
