"""A comparison as a briefing note: Markdown (also the CLI's text) or CSV.

The quotes are the documents' own words, unchanged; the framing around them comes from the
templates in `rag.prompts` (Dutch, or English lead-ins for an English topic).
"""

import csv
import io
from collections.abc import Callable

from rag import prompts
from rag.models import Citation
from rag.positions import Comparison, Position

CSV_COLUMNS = ("document", "organisations", "year", "quote", "page", "section")
FORMATS = ("json", "markdown", "csv")
MEDIA_TYPES = {
    "json": "application/json",
    "markdown": "text/markdown; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}


def to_markdown(comparison: Comparison) -> str:
    """Title, per document its lead-in and quotes (with page/section), then the silent ones."""
    lang = comparison.language
    lines = [prompts.render("compare_title", lang, topic=comparison.topic), ""]
    if not comparison.positions:
        lines += [prompts.render("compare_nothing", lang), ""]
    for position in comparison.positions:
        lines += [f"## {_lead_in(position, lang)}", ""]
        for unit in position.units:
            lines += [*(f"> {line}" for line in unit.quote.splitlines()), ""]
            lines += [f"[{unit.n}] {where(unit, lang)}".rstrip(), ""]
    if comparison.silent:
        lines += [prompts.render("compare_silent", lang), ""]
        lines += [f"- {title}" for title in comparison.silent_titles] + [""]
    return "\n".join(lines).rstrip() + "\n"


def to_csv(comparison: Comparison) -> str:
    """One row per quote: document, organisations, year, quote, page, section."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for position in comparison.positions:
        for unit in position.units:
            row = [
                position.title,
                ", ".join(position.organisations),
                position.year or "",
                unit.quote,
                unit.page or "",
                unit.section,
            ]
            writer.writerow([spreadsheet_safe(cell) for cell in row])
    return out.getvalue()


def spreadsheet_safe(cell: object) -> object:
    """A text cell that a spreadsheet would run as a formula ("=HYPERLINK(...)" in an uploaded
    document) gets a leading apostrophe, as OWASP advises for CSV exports; numbers stay."""
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return f"'{cell}"
    return cell


def to_json(comparison: Comparison) -> str:
    return comparison.model_dump_json(indent=2) + "\n"


EXPORTERS: dict[str, Callable[[Comparison], str]] = {
    "json": to_json,
    "markdown": to_markdown,
    "csv": to_csv,
}


def export(comparison: Comparison, fmt: str) -> str:
    """The comparison in format `fmt` (one of `FORMATS`)."""
    return EXPORTERS[fmt](comparison)


def filename(comparison: Comparison, fmt: str) -> str:
    """A safe download name: standpunten-<topic words>.<ext>."""
    words = "".join(c if c.isalnum() else "-" for c in comparison.topic.lower()).strip("-")
    stem = "-".join(w for w in words.split("-") if w)[:60] or "onderwerp"
    return f"standpunten-{stem}.{ {'markdown': 'md'}.get(fmt, fmt) }"


def _lead_in(position: Position, language: str) -> str:
    organisations = ", ".join(position.organisations) or position.title
    year = f", {position.year}" if position.year else ""
    return prompts.render(
        "compare_document", language, title=position.title, organisations=organisations, year=year
    )


def where(unit: Citation, language: str) -> str:
    """'p. 3, Section' (or just the section: text files have no pages)."""
    page = prompts.render("compare_page", language, page=unit.page) if unit.page else ""
    return ", ".join(part for part in (page, unit.section) if part)
