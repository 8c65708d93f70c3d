"""Test PDFs: fpdf2 helpers that write real documents, and raw builders for hostile ones."""

import zlib
from collections.abc import Sequence
from pathlib import Path

import pytest
from fpdf import FPDF
from pypdf import PdfWriter

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
LINE_HEIGHT = 6.0


def new_pdf(unicode: bool = False) -> FPDF:
    """An A4 PDF without automatic page breaks, in Helvetica or (unicode) DejaVu Sans."""
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(False)
    pdf.set_compression(False)
    if unicode:
        require_dejavu()
        pdf.add_font("DejaVu", fname=str(DEJAVU))
        pdf.set_font("DejaVu", size=11)
    else:
        pdf.set_font("Helvetica", size=11)
    return pdf


def require_dejavu() -> None:
    """Skip the calling test when the DejaVu Sans TTF font is not installed."""
    if not DEJAVU.is_file():
        pytest.skip(f"font {DEJAVU} is missing; needed for Unicode text in generated PDFs")


def write_lines(pdf: FPDF, lines: Sequence[str], x: float = 20.0, y: float = 30.0) -> float:
    """Write each line at (x, y), one line height apart; returns the y below the last line."""
    for line in lines:
        if line:
            pdf.text(x, y, line)
        y += LINE_HEIGHT
    return y


def make_pdf(path: Path, pages: Sequence[Sequence[str]], unicode: bool = False) -> Path:
    """A PDF with one page per entry, each page holding its lines top to bottom."""
    pdf = new_pdf(unicode)
    for lines in pages:
        pdf.add_page()
        write_lines(pdf, lines)
    pdf.output(str(path))
    return path


def make_paged_pdf(
    path: Path, bodies: Sequence[Sequence[str]], header: str, footer: str = "Pagina {n}"
) -> Path:
    """Pages with a running header at the top, body lines, and a numbered footer at the bottom."""
    pdf = new_pdf()
    for number, body in enumerate(bodies, start=1):
        pdf.add_page()
        pdf.text(20, 15, header)
        write_lines(pdf, body, y=35)
        pdf.text(20, 285, footer.format(n=number))
    pdf.output(str(path))
    return path


def make_two_column_pdf(path: Path, left: Sequence[str], right: Sequence[str]) -> Path:
    """One page with two text columns; each y line gets its left then its right fragment."""
    pdf = new_pdf()
    pdf.set_font("Helvetica", size=10)
    pdf.add_page()
    y = 30.0
    for index in range(max(len(left), len(right))):
        if index < len(left):
            pdf.text(15, y, left[index])
        if index < len(right):
            pdf.text(112, y, right[index])
        y += 5.0
    pdf.output(str(path))
    return path


def make_image_only_pdf(path: Path) -> Path:
    """A page with a filled rectangle and a line but not one character of text."""
    pdf = new_pdf()
    pdf.add_page()
    pdf.set_fill_color(40, 40, 40)
    pdf.rect(20, 20, 170, 120, style="F")
    pdf.line(20, 150, 190, 250)
    pdf.output(str(path))
    return path


def make_encrypted_pdf(path: Path, lines: Sequence[str], user_password: str = "secret") -> Path:
    """A PDF that needs a user password to open."""
    pdf = new_pdf()
    pdf.set_encryption(owner_password="eigenaar", user_password=user_password)
    pdf.add_page()
    write_lines(pdf, lines)
    pdf.output(str(path))
    return path


def scale_pdf(source: Path, target: Path, factor: float) -> Path:
    """A copy whose pages are scaled through the CTM (`cm`), as N-up or resized prints are."""
    writer = PdfWriter(clone_from=source)
    for page in writer.pages:
        page.scale_by(factor)
    writer.write(target)
    return target


# --- raw PDFs for hostile and oversized inputs (no fpdf2: exact bytes, built in milliseconds) ---

TEXT_PAGE = b"BT /F1 12 Tf 72 720 Td (%s) Tj ET"


def raw_pdf(objects: Sequence[bytes]) -> bytes:
    """A PDF whose object n (from 1) has body `objects[n - 1]`; object 1 is the catalog."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def stream(data: bytes, extra: bytes = b"") -> bytes:
    """A stream object body holding `data` (already encoded by whatever `extra` declares)."""
    return b"<< /Length %d %s>>\nstream\n%s\nendstream" % (len(data), extra, data)


def raw_pages_pdf(contents: Sequence[bytes], pages: int | None = None) -> bytes:
    """A PDF whose pages show the given content stream bodies (see `stream`).

    With `pages`, that many pages share the content streams in turn: a 10,000-page PDF is a
    few hundred kilobytes and takes milliseconds to build."""
    count = pages if pages is not None else len(contents)
    first_page = 4 + len(contents)
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(count))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        *contents,
    ]
    for i in range(count):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (4 + i % len(contents))
        )
    return raw_pdf(objects)


def text_page(text: str) -> bytes:
    """A content stream body that shows one line of (Latin-1) text."""
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return stream(TEXT_PAGE % escaped.encode("latin-1"))


def deflate_bomb(inflated_bytes: int, block: int = 1 << 20) -> bytes:
    """A /FlateDecode body of `inflated_bytes` spaces at about 1:1000, built in milliseconds.

    Each block ends with a full flush, so the compressed blocks are byte-identical and can be
    repeated; the checksum at the end is left out (a reader stops at its limit long before)."""
    compressor = zlib.compressobj(9)
    first = compressor.compress(b" " * block) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeat = compressor.compress(b" " * block) + compressor.flush(zlib.Z_FULL_FLUSH)
    return first + repeat * (inflated_bytes // block - 1)


def nested_arrays_page(depth: int) -> bytes:
    """A content stream whose TJ operand nests `[` `depth` deep."""
    return stream(b"BT /F1 12 Tf 72 720 Td " + b"[" * depth + b"(x)" + b"]" * depth + b" TJ ET")


def form_xobject_pdf(text: str, repeats: int) -> bytes:
    """One page that draws a form XObject `repeats` times; the form shows `text`."""
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    form = b"BT /F1 12 Tf 72 700 Td (%s) Tj ET" % escaped.encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        stream(
            form,
            b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> ",
        ),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /XObject << /X1 4 0 R >> >> /Contents 6 0 R >>",
        stream(b"q /X1 Do Q " * repeats),
    ]
    return raw_pdf(objects)
