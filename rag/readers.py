"""Read PDF, plain-text and Markdown files into pages of raw text."""

import io
import math
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import DependencyError, PdfReadError

from rag.errors import DocumentError, UnsupportedFileError
from rag.models import Page

SUPPORTED_SUFFIXES = (".pdf", ".txt", ".md", ".markdown")
_MIN_PDF_CHARS = 20

Fragment = tuple[float, float, float, str]  # x, y (page space), font size, text


def read_document(path: Path) -> list[Page]:
    """Return the pages of a document; text formats come back as one page without a number."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnsupportedFileError(path.name, f"unsupported file type '{suffix or path.name}'")
    if suffix == ".pdf":
        return read_pdf(path)
    return [Page(page=None, text=read_text(path))]


def read_text(path: Path) -> str:
    """Read a text file as UTF-8, falling back to cp1252 for older Windows exports."""
    data = _read_bytes(path)
    if b"\x00" in data[:4096]:
        raise DocumentError(path.name, "binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_pdf(path: Path) -> list[Page]:
    """One page record per PDF page, in reading order (two-column pages included)."""
    reader = _open_pdf(path)
    pages: list[Page] = []
    try:
        for number, pdf_page in enumerate(reader.pages, start=1):
            pages.append(Page(page=number, text=_page_text(pdf_page)))
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise DocumentError(path.name, f"broken PDF ({exc})") from exc
    if sum(len(p.text.strip()) for p in pages) < _MIN_PDF_CHARS:
        raise DocumentError(path.name, "PDF holds no text (scanned or image-only; run OCR first)")
    return pages


def pdf_title(path: Path) -> str | None:
    """The title stored in the PDF's metadata, if any."""
    try:
        meta = PdfReader(str(path)).metadata
    except Exception:  # noqa: BLE001 - a title is a nicety; reading errors surface elsewhere
        return None
    title = meta.title if meta else None
    return title.strip() if title and title.strip() else None


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DocumentError(path.name, f"cannot read file ({exc.strerror or exc})") from exc


def _open_pdf(path: Path) -> PdfReader:
    data = _read_bytes(path)
    try:
        reader = PdfReader(io.BytesIO(data))
    except (PdfReadError, ValueError, OSError) as exc:
        raise DocumentError(path.name, f"broken PDF ({exc})") from exc
    if reader.is_encrypted:
        _unlock(reader, path.name)
    return reader


def _unlock(reader: PdfReader, name: str) -> None:
    """Open a PDF that is encrypted without a user password (restrictions only)."""
    try:
        unlocked = reader.decrypt("")
    except DependencyError as exc:  # AES without the 'cryptography' package
        raise DocumentError(name, f"encrypted PDF that cannot be opened here ({exc})") from exc
    except Exception as exc:  # noqa: BLE001 - pypdf raises several types here
        raise DocumentError(name, "encrypted PDF (password protected)") from exc
    if not unlocked:
        raise DocumentError(name, "encrypted PDF (password protected)")


def _page_text(pdf_page: object) -> str:
    fragments: list[Fragment] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            fragments.append(_fragment(text, cm, tm, size))

    plain = pdf_page.extract_text(visitor_text=visit)  # type: ignore[attr-defined]
    box = pdf_page.mediabox  # type: ignore[attr-defined]
    columns = _split_columns(fragments, float(box.left) + float(box.width) / 2)
    if columns is None:
        return str(plain)
    return "\n\n".join(_lines_top_down(column) for column in columns)


def _fragment(text: str, cm: list[float], tm: list[float], size: float) -> Fragment:
    """Position (x, y) and font size in page space: the text matrix mapped through the CTM."""
    x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
    y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
    scale = math.hypot(tm[0], tm[1]) * math.hypot(cm[0], cm[1])
    return (x, y, (size or 10.0) * (scale or 1.0), text)


def _split_columns(fragments: list[Fragment], middle: float) -> list[list[Fragment]] | None:
    """Two columns when every fragment stays on one side of the page's middle, side by side.

    Full-width lines (a title, a closing note) may sit above or below both columns."""
    left = [f for f in fragments if f[0] + _est_width(f) <= middle + 2]
    right = [f for f in fragments if f[0] >= middle - 2]
    if min(len(left), len(right)) < 3:
        return None
    left_ys, right_ys = {round(f[1]) for f in left}, {round(f[1]) for f in right}
    if len(left_ys & right_ys) < 2:
        return None
    spanning = [f for f in fragments if f not in left and f not in right]
    ys = left_ys | right_ys
    above = [f for f in spanning if f[1] > max(ys) + 1]
    below = [f for f in spanning if f[1] < min(ys) - 1]
    if len(above) + len(below) != len(spanning):
        return None
    return [part for part in (above, left, right, below) if part]


def _est_width(fragment: Fragment) -> float:
    return len(fragment[3].rstrip()) * fragment[2] * 0.45


def _lines_top_down(fragments: list[Fragment]) -> str:
    lines: dict[int, list[Fragment]] = {}
    for fragment in fragments:
        lines.setdefault(round(fragment[1]), []).append(fragment)
    ordered = [sorted(lines[y]) for y in sorted(lines, reverse=True)]
    return "\n".join("".join(f[3].strip("\n") for f in line) for line in ordered)
