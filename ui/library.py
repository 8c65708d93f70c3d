"""Documents tab callbacks: list, upload with progress, delete, export the feedback.

Changes follow the API's rule (`api.access.write_denial`): with an API key configured it must
be typed in; without one, only a browser on this machine may change anything. An upload is
read only from this app's Gradio upload folder (`ui.uploads.received_file`).
"""

import tempfile
import time
from collections.abc import MutableSet
from pathlib import Path
from typing import Any

import gradio as gr

from api.access import write_denial
from api.messages import describe
from api.messages import text as api_text
from api.service import Service
from rag.errors import SectorwijzerError
from ui import render, text
from ui.uploads import received_file, upload_dir

# documents table, the five filters (kind, organisation, document, year from, year to), delete
Refresh = tuple[Any, Any, Any, Any, Any, Any, Any]


class Library:
    """Callbacks of the documents tab around one `Service`."""

    def __init__(
        self,
        service: Service,
        uploads: Path | None = None,
        received: MutableSet[str] | None = None,
    ) -> None:
        self.service = service
        self._uploads = uploads
        self.received = received  # paths Gradio's upload route wrote; None: any in `uploads`

    @property
    def uploads(self) -> Path:
        """The only folder an upload is read from: Gradio's upload folder of this app."""
        if self._uploads is None:
            self._uploads = upload_dir()
        return self._uploads

    def refresh(self) -> Refresh:
        """The table and every document choice, from the current index."""
        try:
            docs = self.service.documents()
        except SectorwijzerError:
            docs = []
        titles = [(str(d.get("title") or d["id"]), str(d["id"])) for d in docs]
        kinds = sorted({str(d.get("kind")) for d in docs if d.get("kind")})
        orgs = sorted({o for d in docs for o in d.get("organisations", [])}, key=str.lower)
        years = sorted({int(d["year"]) for d in docs if d.get("year")})
        return (
            render.documents_html(docs),
            gr.Dropdown(choices=[(render.kind_label(k), k) for k in kinds]),
            gr.Dropdown(choices=orgs),
            gr.Dropdown(choices=titles),
            gr.Dropdown(choices=years),
            gr.Dropdown(choices=years),
            gr.Dropdown(choices=titles, value=None),
        )

    def status(self) -> tuple[str, gr.Timer]:
        """A line on the index (building, failed, ready) and whether to check again soon."""
        service = self.service
        if service.building:
            return render.building_status(service.build_progress()), gr.Timer(active=True)
        if service.build_error:
            return text.STATUS_FAILED.format(message=service.build_error), gr.Timer(active=False)
        try:
            ready = service.readiness()
        except SectorwijzerError as exc:
            return text.STATUS_FAILED.format(message=describe(exc, "nl")), gr.Timer(active=False)
        return (
            text.STATUS_READY.format(documents=ready["documents"], chunks=ready["chunks"]),
            gr.Timer(active=False),
        )

    def status_and_refresh(self) -> tuple[Any, ...]:
        """`status` followed by `refresh`."""
        return (*self.status(), *self.refresh())

    def upload(
        self,
        path: str | None,
        title: str,
        organisations: str,
        year: str,
        kind: str,
        key: str,
        request: gr.Request,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> tuple[Any, ...]:
        """Store and index an upload; reports its pages and passages, or why it failed."""
        year = (year or "").strip()
        problem = self._denied(request, key) or (
            text.BAD_YEAR if year and not (year.isdigit() and len(year) == 4) else None
        )
        if problem or not path:
            return (problem or text.NO_FILE, gr.skip(), *self.refresh())
        received = received_file(path, self.uploads, self.received)
        if received is None:
            return (text.NOT_RECEIVED, None, *self.refresh())
        progress(0.1, desc=text.PROGRESS_STORE)
        meta = {
            "title": title.strip() or None,
            "year": int(year) if year else None,
            "kind": kind.strip() or None,
            "organisations": [o.strip() for o in organisations.split(",") if o.strip()],
        }
        try:
            data = received.read_bytes()
            progress(0.3, desc=text.PROGRESS_INDEX)
            info = self.service.add_document(Path(path).name, data, meta)
        except Exception as exc:
            return (
                text.UPLOAD_FAILED.format(message=text.explain(exc, "document change")),
                gr.skip(),
                *self.refresh(),
            )
        progress(1.0)
        received.unlink(missing_ok=True)  # stored in the data dir now; the copy can go
        if self.received is not None:
            self.received.discard(path)
        return (render.upload_result(info), None, *self.refresh())

    def delete(self, doc_id: str | None, key: str, request: gr.Request) -> tuple[Any, ...]:
        """Remove the chosen document."""
        denied = self._denied(request, key)
        if denied or not doc_id:
            return (denied or text.DELETE_NONE, *self.refresh())
        try:
            title = self.service.document(doc_id).get("title") or doc_id
            self.service.remove_document(doc_id)
        except Exception as exc:
            return (
                text.DELETE_FAILED.format(message=text.explain(exc, "document change")),
                *self.refresh(),
            )
        return (text.DELETE_OK.format(title=title), *self.refresh())

    def export_feedback(self, key: str, request: gr.Request) -> tuple[str, str | None]:
        """Write all feedback to a JSON Lines file offered for download."""
        denied = self._denied(request, key)
        if denied:
            return denied, None
        folder = Path(tempfile.mkdtemp(prefix="feedback-", dir=self.uploads))
        target = folder / f"feedback-{time.strftime('%Y%m%d-%H%M%S')}.jsonl"
        count = self.service.feedback.export_to(target)
        return text.FEEDBACK_EXPORTED.format(n=count), str(target)

    def _denied(self, request: gr.Request, key: str) -> str | None:
        host = request.client.host if request and request.client else None
        denial = write_denial(host, key or None, self.service.settings.api_key)
        return None if denial is None else api_text(denial.message_name, "nl")
