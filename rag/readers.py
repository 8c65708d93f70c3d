"""Read PDF, plain-text and Markdown files into pages of raw text.

Whatever a file holds, `read_document` either returns its pages or raises `DocumentError`
whose `reason` starts with one of these English prefixes (the API translates them):
"unsupported file type", "cannot read file", "binary file", "broken PDF", "encrypted PDF",
"PDF holds no text", "PDF too complex to read", "PDF too large to read",
"PDF takes too long to read", "too many pages", "too much text", "file too large to read".

Work and memory stay bounded: the type comes from the bytes (a file that starts with `%PDF`
is a PDF whatever its name), only regular files of at most `MAX_FILE_BYTES` are read, a
document may hold at most `max_pages` pages and `max_chars` characters, a PDF gets
`max_seconds` of reading time, and pypdf's own limits (in pypdf 7.1: 75 MB per decoded
stream, 2,000,000 parsed tokens per content stream; the page tree walk here stops after
2 * max_pages + 1000 entries) stop decompression bombs and oversized streams early.
"""

import contextlib
import io
import math
import re
import stat
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.errors import DependencyError, LimitReachedError

from rag.errors import DocumentError, UnsupportedFileError
from rag.models import Page

SUPPORTED_SUFFIXES = (".pdf", ".txt", ".md", ".markdown")
TEXT_SUFFIXES = (".txt", ".md", ".markdown")
MAX_DOCUMENT_PAGES = 2000
MAX_DOCUMENT_CHARS = 5_000_000
MAX_PDF_SECONDS = 300.0
MAX_FILE_BYTES = 512 * 2**20  # read into memory whole; uploads have their own, lower limit
PDF_MAGIC = b"%PDF"
_MIN_PDF_CHARS = 20
_MAX_DETAIL_CHARS = 160
# Decoded text with more than this share of control characters (or U+FFFD) is binary data.
_MAX_CONTROL_SHARE = 0.05
# Bytes that are not UTF-8 are read as cp1252 only when they look like Western text.
_MAX_HIGH_BYTE_SHARE = 0.3
# Tab, newline, vertical tab, form feed and carriage return are text; the other C0 codes not.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f\ufffd]")
_ASCII = bytes(range(0x80))
_BINARY_MAGIC = (
    (b"PK\x03\x04", "ZIP archive or Office document"),
    (b"\xd0\xcf\x11\xe0", "old Office document"),
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\x7fELF", "program"),
    (b"MZ", "program"),
)

Fragment = tuple[float, float, float, str]  # x, y (page space), font size, text


def read_document(
    path: Path,
    max_pages: int = MAX_DOCUMENT_PAGES,
    max_chars: int = MAX_DOCUMENT_CHARS,
    max_seconds: float = MAX_PDF_SECONDS,
) -> list[Page]:
    """Return the pages of a document; text formats come back as one page without a number.

    Raises `DocumentError` (and nothing else) when the file cannot be read within the limits."""
    suffix = path.suffix.lower()
    if suffix == ".pdf" or _starts_like_pdf(path):
        return read_pdf(path, max_pages=max_pages, max_chars=max_chars, max_seconds=max_seconds)
    if suffix not in TEXT_SUFFIXES:
        raise UnsupportedFileError(path.name, f"unsupported file type '{suffix or path.name}'")
    return [Page(page=None, text=read_text(path, max_chars=max_chars))]


def read_text(path: Path, max_chars: int = MAX_DOCUMENT_CHARS) -> str:
    """Read a text file as UTF-8 (or UTF-16 with a byte order mark), else as cp1252."""
    # Every character takes at most four bytes (plus a byte order mark): a bigger file is too long.
    if _file_size(path) > 4 * max_chars + 4:
        raise _too_much_text(path.name, max_chars)
    data = _read_bytes(path)
    text = decode_text(data, path.name)
    if len(text) > max_chars:
        raise _too_much_text(path.name, max_chars)
    return text


def decode_text(data: bytes, name: str) -> str:
    """Decode a text file's bytes; binary data is a `DocumentError`, not text."""
    for magic, kind in _BINARY_MAGIC:
        if data.startswith(magic):
            raise DocumentError(name, f"binary file ({kind}), not text")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with a byte order mark
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DocumentError(name, "binary file or unknown text encoding, not text") from exc
    elif b"\x00" in data:
        raise DocumentError(name, "binary file, not text")
    else:
        text = _decode_8bit(data, name)
    if text and _control_share(text) > _MAX_CONTROL_SHARE:
        raise DocumentError(name, "binary file, not text")
    return text


def _decode_8bit(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    lenient = data.decode("utf-8-sig", errors="replace")
    broken = lenient.count("\ufffd")
    non_ascii = len(lenient) - len(lenient.encode("ascii", errors="ignore"))
    if non_ascii - broken > broken:
        return lenient  # UTF-8 with a few damaged bytes: keep the rest readable
    text = data.decode("cp1252", errors="replace")  # older Windows exports
    if _control_share(text) > _MAX_CONTROL_SHARE:
        raise DocumentError(name, "binary file, not text")
    if len(data.translate(None, _ASCII)) > _MAX_HIGH_BYTE_SHARE * len(data):
        raise DocumentError(name, "binary file or unknown text encoding, not text")
    return text


def _control_share(text: str) -> float:
    return _CONTROL.subn("", text)[1] / len(text)


def read_pdf(
    path: Path,
    max_pages: int = MAX_DOCUMENT_PAGES,
    max_chars: int = MAX_DOCUMENT_CHARS,
    max_seconds: float = MAX_PDF_SECONDS,
) -> list[Page]:
    """One page record per PDF page, in reading order (two-column pages included)."""
    data = _read_bytes(path)
    try:
        with _pdf_limits(max_pages):
            pages = _read_pdf_pages(data, path.name, max_pages, max_chars, max_seconds)
    except DocumentError:
        raise
    except _Stop as stop:
        raise DocumentError(path.name, stop.reason) from None
    except RecursionError:
        raise DocumentError(path.name, "PDF too complex to read (nested too deeply)") from None
    except (LimitReachedError, MemoryError) as exc:
        raise DocumentError(path.name, f"PDF too large to read ({_detail(exc)})") from None
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types on broken input
        raise DocumentError(path.name, f"broken PDF ({_detail(exc)})") from None
    if sum(len(p.text.strip()) for p in pages) < _MIN_PDF_CHARS:
        raise DocumentError(path.name, "PDF holds no text (scanned or image-only; run OCR first)")
    return pages


def pdf_title(path: Path) -> str | None:
    """The title stored in the PDF's metadata, if any."""
    try:
        meta = PdfReader(str(path)).metadata
        title = meta.title if meta else None
        return title.strip() if isinstance(title, str) and title.strip() else None
    except Exception:  # noqa: BLE001 - a title is a nicety; reading errors surface elsewhere
        return None


class _Stop(BaseException):
    """Raised from inside pypdf's visitors to end a read; pypdf swallows plain exceptions there."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _read_pdf_pages(
    data: bytes, name: str, max_pages: int, max_chars: int, max_seconds: float
) -> list[Page]:
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        _unlock(reader, name)
    declared = _declared_pages(reader)
    if declared is not None and declared > max_pages:  # before pypdf walks the whole page tree
        raise DocumentError(name, f"too many pages ({declared}; at most {max_pages} per document)")
    try:
        count = len(reader.pages)
    except LimitReachedError as exc:
        if "page tree entry limit" not in str(exc):
            raise
        raise DocumentError(name, f"too many pages (more than {max_pages} per document)") from None
    if count > max_pages:
        raise DocumentError(name, f"too many pages ({count}; at most {max_pages} per document)")
    budget = _Budget(max_chars, max_seconds)
    pages: list[Page] = []
    for number in range(1, count + 1):
        budget.check()
        text = _page_text(reader.pages[number - 1], budget)
        budget.add_page(len(text))
        pages.append(Page(page=number, text=text))
    return pages


def _pdf_limits(max_pages: int) -> AbstractContextManager[object]:
    """pypdf's limits for one read: its page tree walk stops soon after `max_pages` pages."""
    try:
        from pypdf import apply_configuration  # noqa: PLC0415 - pypdf >= 7
    except ImportError:  # older pypdf: its default limits apply
        return contextlib.nullcontext()
    return apply_configuration(page_tree_maximum_entries=2 * max_pages + 1000)


def _declared_pages(reader: PdfReader) -> int | None:
    """The page count the file states in its page tree root (may be wrong; None if absent)."""
    trailer: Any = reader.trailer
    try:
        count = trailer["/Root"]["/Pages"]["/Count"]
    except Exception:  # noqa: BLE001 - the page tree walk reports a broken tree
        return None
    return count if isinstance(count, int) else None


class _Budget:
    """The characters and seconds left for one document; `_Stop` once either runs out."""

    def __init__(self, max_chars: int, max_seconds: float) -> None:
        self.max_chars = max_chars
        self.max_seconds = max_seconds
        self.deadline = time.monotonic() + max_seconds
        self.chars = 0  # characters of the pages read so far
        self.page_chars = 0  # characters seen by the visitor on the current page
        self.operations = 0
        self.stopped: _Stop | None = None

    def check(self) -> None:
        if self.stopped is None:
            if self.chars + self.page_chars > self.max_chars:
                self.stopped = _Stop(_too_much_text("", self.max_chars).reason)
            elif time.monotonic() > self.deadline:
                self.stopped = _Stop(
                    f"PDF takes too long to read (more than {self.max_seconds:g} seconds)"
                )
        if self.stopped is not None:
            raise self.stopped

    def on_operation(self, *_: object) -> None:
        self.operations += 1
        if self.operations % 64 == 0 or self.stopped is not None:
            self.check()

    def on_text(self, text: str) -> None:
        self.page_chars += len(text)
        if self.chars + self.page_chars > self.max_chars:
            self.check()

    def add_page(self, chars: int) -> None:
        self.chars += chars
        self.page_chars = 0
        if self.chars > self.max_chars:
            self.check()


def _too_much_text(name: str, max_chars: int) -> DocumentError:
    return DocumentError(name, f"too much text (more than {max_chars} characters per document)")


def _detail(exc: BaseException) -> str:
    """A short, single-line description of an exception from a library."""
    message = " ".join(str(exc).split()) or type(exc).__name__
    if len(message) > _MAX_DETAIL_CHARS:
        message = message[: _MAX_DETAIL_CHARS - 3] + "..."
    return message


def _starts_like_pdf(path: Path) -> bool:
    """Whether the file's first bytes are a PDF header (a read error counts as no)."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return False  # a pipe or a device could block or never end
        with path.open("rb") as handle:
            return handle.read(len(PDF_MAGIC)) == PDF_MAGIC
    except OSError:
        return False  # the reader that handles the file reports the error


def _file_size(path: Path) -> int:
    """The size of a regular file; anything else (missing, a pipe, a device) is an error."""
    try:
        status = path.stat()
    except OSError as exc:
        raise DocumentError(path.name, f"cannot read file ({exc.strerror or exc})") from exc
    if not stat.S_ISREG(status.st_mode):
        raise DocumentError(path.name, "cannot read file (not a regular file)")
    return status.st_size


def _read_bytes(path: Path) -> bytes:
    size = _file_size(path)
    if size > MAX_FILE_BYTES:
        raise DocumentError(
            path.name,
            f"file too large to read ({size // 2**20} MB; at most {MAX_FILE_BYTES // 2**20} MB)",
        )
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DocumentError(path.name, f"cannot read file ({exc.strerror or exc})") from exc
    except MemoryError:
        raise DocumentError(path.name, "cannot read file (not enough memory)") from None


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


def _page_text(pdf_page: object, budget: _Budget) -> str:
    fragments: list[Fragment] = []
    positions_ok = True

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        nonlocal positions_ok
        budget.on_text(text)
        if text.strip():
            fragment = _fragment(text, cm, tm, size)
            positions_ok = positions_ok and all(map(math.isfinite, fragment[:3]))
            fragments.append(fragment)

    extract: Callable[..., str] = pdf_page.extract_text  # type: ignore[attr-defined]
    plain = str(extract(visitor_text=visit, visitor_operand_before=budget.on_operation))
    budget.check()
    if not positions_ok:
        return plain
    try:
        box = pdf_page.mediabox  # type: ignore[attr-defined]
        middle = float(box.left) + float(box.width) / 2
    except Exception:  # noqa: BLE001 - a broken media box only costs the column detection
        return plain
    columns = _split_columns(fragments, middle) if math.isfinite(middle) else None
    if columns is None:
        return plain
    return "\n\n".join(_lines_top_down(column) for column in columns)


def _fragment(text: str, cm: list[float], tm: list[float], size: float) -> Fragment:
    """Position (x, y) and font size in page space: the text matrix mapped through the CTM."""
    try:
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = math.hypot(tm[0], tm[1]) * math.hypot(cm[0], cm[1])
        return (x, y, (float(size) or 10.0) * (scale or 1.0), text)
    except (ArithmeticError, TypeError, ValueError, IndexError):
        return (math.nan, math.nan, math.nan, text)


def _split_columns(fragments: list[Fragment], middle: float) -> list[list[Fragment]] | None:
    """Two columns when every fragment stays on one side of the page's middle, side by side.

    Full-width lines (a title, a closing note) may sit above or below both columns."""
    in_left = [f[0] + _est_width(f) <= middle + 2 for f in fragments]
    in_right = [f[0] >= middle - 2 for f in fragments]
    left = [f for f, keep in zip(fragments, in_left, strict=True) if keep]
    right = [f for f, keep in zip(fragments, in_right, strict=True) if keep]
    if min(len(left), len(right)) < 3:
        return None
    left_ys, right_ys = {round(f[1]) for f in left}, {round(f[1]) for f in right}
    if len(left_ys & right_ys) < 2:
        return None
    spanning = [f for f, a, b in zip(fragments, in_left, in_right, strict=True) if not a and not b]
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
