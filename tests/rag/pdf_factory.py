"""Small fpdf2 helpers that write test PDFs into a folder (pytest's tmp_path)."""

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
