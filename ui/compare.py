"""The "Standpunten" tab: compare the documents on a topic, show who says what, offer the
comparison as Markdown and CSV downloads for a briefing note."""

import html
import tempfile
from pathlib import Path
from typing import Any

from api.messages import describe
from api.service import Service
from rag import prompts
from rag.compare_export import export, filename, where
from rag.errors import SectorwijzerError
from rag.models import Citation
from rag.positions import Comparison, Position
from ui import text
from ui.chat import valid_text
from ui.uploads import upload_dir


class Comparisons:
    """Callbacks of the Standpunten tab around one `Service`."""

    def __init__(self, service: Service, downloads: Path | None = None) -> None:
        self.service = service
        self._downloads = downloads

    def run(self, topic: str) -> tuple[str, list[str] | None]:
        """The comparison as HTML and its Markdown and CSV files, or why it failed."""
        topic = valid_text(topic or "").strip()
        if not topic:
            return _notice(prompts.render("empty_topic", "nl")), None
        try:
            comparison = self.service.compare(topic)
        except SectorwijzerError as exc:
            return _notice(describe(exc, "nl")), None
        return comparison_html(comparison), self._files(comparison)

    def _files(self, comparison: Comparison) -> list[str]:
        # Gradio serves files from its own upload folder (where the feedback export goes too).
        folder = Path(tempfile.mkdtemp(prefix="standpunten-", dir=self._downloads or upload_dir()))
        paths = []
        for fmt in ("markdown", "csv"):
            target = folder / filename(comparison, fmt)
            target.write_text(export(comparison, fmt), encoding="utf-8")
            paths.append(str(target))
        return paths


def comparison_html(comparison: Comparison) -> str:
    """Per document its lead-in and quotes (position units marked), then the silent ones."""
    parts = [_position_html(p, comparison.language) for p in comparison.positions]
    if not parts:
        parts.append(f"<p class='sw-empty'>{prompts.render('compare_nothing', 'nl')}</p>")
    if comparison.silent:
        items = "".join(f"<li>{html.escape(t)}</li>" for t in comparison.silent_titles)
        label = html.escape(prompts.render("compare_silent", comparison.language))
        parts.append(f"<div class='sw-silent'><b>{label}</b><ul>{items}</ul></div>")
    return "<div class='sw-compare'>" + "".join(parts) + "</div>"


def _position_html(position: Position, language: str) -> str:
    organisations = ", ".join(position.organisations) or position.title
    year = f", {position.year}" if position.year else ""
    head = prompts.render(
        "compare_document", language, title=position.title, organisations=organisations, year=year
    )
    units = "".join(
        _unit_html(unit, i < position.position_units, language)
        for i, unit in enumerate(position.units)
    )
    doc = html.escape(position.document_id, quote=True)
    return (
        f"<section class='sw-position' data-document='{doc}'>"
        f"<h3>{html.escape(head)}</h3><ol>{units}</ol></section>"
    )


def _unit_html(unit: Citation, stance: bool, language: str) -> str:
    kind = "sw-unit sw-stance" if stance else "sw-unit"
    label = text.COMPARE_STANCE if stance else text.COMPARE_BACKGROUND
    meta = " · ".join(p for p in (f"[{unit.n}]", where(unit, language), label) if p)
    return (
        f"<li class='{kind}'><blockquote class='sw-quote-text'>{html.escape(unit.quote)}"
        f"</blockquote><div class='sw-meta'>{html.escape(meta)}</div></li>"
    )


def _notice(message: str) -> str:
    return f"<div class='sw-not-found' role='status'>{html.escape(message)}</div>"


def examples() -> list[list[Any]]:
    return [[topic] for topic in text.COMPARE_EXAMPLES]
