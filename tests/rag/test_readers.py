"""Reading PDF, text and Markdown files into pages, with real generated files."""

import random
from pathlib import Path

import pytest
from pypdf import PdfReader

from rag.cleaning import clean_pages
from rag.errors import DocumentError, UnsupportedFileError
from rag.readers import read_document
from tests.rag.pdf_factory import (
    make_encrypted_pdf,
    make_image_only_pdf,
    make_paged_pdf,
    make_pdf,
    make_two_column_pdf,
    new_pdf,
    scale_pdf,
    write_lines,
)

HEADER = "Strategische Agenda Metalektro"
BODIES = [
    ["De Metalektro is een grote sector met veel bedrijven.", "", "12"],
    ["Op pagina twee staat een zin over innovatie.", "Werkgevers investeren in scholing."],
    ["Pagina drie gaat over de energietransitie.", "7"],
    ["De vierde pagina sluit het verhaal af."],
]
LEFT = [
    "Links een over scholing.",
    "Links twee over vakmanschap.",
    "Links drie over leven lang leren.",
    "Links vier over het mbo.",
    "Links vijf over de praktijk.",
    "Links zes over stages.",
]
RIGHT = [
    "Rechts een over techniek.",
    "Rechts twee over robots.",
    "Rechts drie over digitalisering.",
    "Rechts vier over de fabriek.",
    "Rechts vijf over energie.",
    "Rechts zes over export.",
]


@pytest.fixture
def paged_pdf(tmp_path: Path) -> Path:
    return make_paged_pdf(tmp_path / "agenda.pdf", BODIES, header=HEADER)


def test_pdf_pages_keep_their_numbers(paged_pdf: Path) -> None:
    pages = read_document(paged_pdf)
    assert [p.page for p in pages] == [1, 2, 3, 4]
    assert "Op pagina twee staat een zin over innovatie." in pages[1].text
    assert all(HEADER in p.text for p in pages)
    assert "Pagina 3" in pages[2].text


def test_repeated_header_footer_and_page_numbers_are_removed(paged_pdf: Path) -> None:
    doc = clean_pages(read_document(paged_pdf))
    assert HEADER not in doc.text
    assert "Pagina" not in doc.text.replace("Pagina drie", "")
    assert "Pagina drie gaat over de energietransitie." in doc.text
    for body in BODIES:
        assert body[0] in doc.text
    lines = doc.text.split("\n")
    assert not any(line.strip().isdigit() for line in lines)
    assert "12" not in doc.text and " 7" not in doc.text


def test_page_at_maps_offsets_to_pdf_pages(paged_pdf: Path) -> None:
    doc = clean_pages(read_document(paged_pdf))
    second = doc.text.index("Op pagina twee")
    assert doc.page_at(second) == 2
    assert doc.page_at(doc.text.index("Werkgevers investeren")) == 2
    assert doc.page_at(0) == 1
    assert doc.page_at(doc.text.index("Pagina drie")) == 3
    assert doc.page_at(len(doc.text) - 1) == 4


def test_ligatures_are_expanded(tmp_path: Path) -> None:
    path = make_pdf(
        tmp_path / "ligaturen.pdf",
        [["De ﬁnanciering van ﬂexibele banen is geregeld.", "Dit eﬀect is groot."]],
        unicode=True,
    )
    raw = read_document(path)[0].text
    assert "ﬁnanciering" in raw  # the PDF really holds the ligature glyph
    text = clean_pages(read_document(path)).text
    assert "financiering" in text and "flexibele" in text and "effect" in text
    assert not any(ch in text for ch in "ﬁﬂﬀ")


def test_hyphenation_across_lines_is_joined_and_compounds_survive(tmp_path: Path) -> None:
    lines = [
        "Bedrijven investeren in hun werk-",
        "nemers en in de re-integratie van zieke collega's.",
        "Gevraagd wordt een mbo-, hbo- of wo-diploma in de techniek.",
        "Ook de re-",
        "integratie na ziekte krijgt aandacht van het mbo-",
        "onderwijs.",
    ]
    text = clean_pages(read_document(make_pdf(tmp_path / "afbreking.pdf", [lines]))).text
    assert "hun werknemers en" in text
    assert "werk-" not in text and "werk nemers" not in text
    assert text.count("re-integratie") == 2
    assert "mbo-, hbo- of wo-diploma" in text
    assert "mbo-onderwijs" in text


def test_hyphenation_across_a_page_break_joins_on_the_later_page(tmp_path: Path) -> None:
    pages = [["De agenda richt zich op werk-"], ["nemers in de hele sector."]]
    doc = clean_pages(read_document(make_pdf(tmp_path / "pagina.pdf", pages)))
    assert "richt zich op werknemers in de hele sector." in doc.text
    assert doc.page_at(doc.text.index("werknemers")) == 2
    assert doc.page_at(doc.text.index("agenda")) == 1


def _assert_columns_in_order(text: str) -> None:
    for line in text.split("\n"):
        assert not ("Links" in line and "Rechts" in line), f"columns mixed: {line!r}"
    positions = [text.index(s) for s in LEFT + RIGHT]
    assert positions == sorted(positions)


def test_two_columns_are_read_column_by_column(tmp_path: Path) -> None:
    path = make_two_column_pdf(tmp_path / "kolommen.pdf", LEFT, RIGHT)
    naive = PdfReader(path).pages[0].extract_text()
    assert any("Links" in ln and "Rechts" in ln for ln in naive.split("\n")), "fixture interleaves"
    pages = read_document(path)
    assert [p.page for p in pages] == [1]
    _assert_columns_in_order(pages[0].text)
    _assert_columns_in_order(clean_pages(pages).text)


def test_two_columns_under_a_full_width_title(tmp_path: Path) -> None:
    pdf = new_pdf()
    pdf.set_font("Helvetica", size=10)
    pdf.add_page()
    pdf.text(15, 18, "Een brede titel die over beide kolommen van de pagina heen loopt van links")
    for index, (left, right) in enumerate(zip(LEFT, RIGHT, strict=True)):
        pdf.text(15, 30 + 5 * index, left)
        pdf.text(112, 30 + 5 * index, right)
    pdf.output(str(tmp_path / "titel.pdf"))
    text = read_document(tmp_path / "titel.pdf")[0].text
    assert text.startswith("Een brede titel")
    _assert_columns_in_order(text)


def test_two_columns_on_a_scaled_page(tmp_path: Path) -> None:
    source = make_two_column_pdf(tmp_path / "kolommen.pdf", LEFT, RIGHT)
    scaled = scale_pdf(source, tmp_path / "verkleind.pdf", 0.5)
    _assert_columns_in_order(read_document(scaled)[0].text)


def test_single_column_page_keeps_its_line_order(tmp_path: Path) -> None:
    lines = [
        "Dit is een gewone pagina met een enkele kolom die over de volle breedte loopt.",
        "Kort.",
        "Nog een lange regel tekst die de hele breedte van de pagina beslaat, zonder kolommen.",
    ]
    text = read_document(make_pdf(tmp_path / "enkel.pdf", [lines]))[0].text
    assert [ln.strip() for ln in text.split("\n") if ln.strip()] == lines


def test_footnote_marker_glued_to_a_word_is_detached_in_a_pdf(tmp_path: Path) -> None:
    lines = [
        "In 2021 telt de sector 159.710 werknemers1 is zij de grootste.",
        "De CO2-uitstoot daalt.",
    ]
    text = clean_pages(read_document(make_pdf(tmp_path / "voetnoot.pdf", [lines]))).text
    assert "159.710 werknemers is zij" in text
    assert "In 2021" in text and "CO2-uitstoot" in text


def test_arrow_bullets_in_a_pdf_become_dashes(tmp_path: Path) -> None:
    lines = ["De sector telt:", "➔  1.350 bedrijven", "•  veel vakmensen"]
    text = clean_pages(read_document(make_pdf(tmp_path / "pijl.pdf", [lines], unicode=True))).text
    assert "- 1.350 bedrijven" in text.split("\n")
    assert "- veel vakmensen" in text.split("\n")
    assert "➔" not in text and "•" not in text


# --- errors ---------------------------------------------------------------------------


def _error(path: Path) -> DocumentError:
    with pytest.raises(DocumentError) as caught:
        read_document(path)
    assert path.name in str(caught.value)
    assert caught.value.path == path.name
    return caught.value


def test_random_bytes_with_pdf_name_is_a_broken_pdf(tmp_path: Path) -> None:
    path = tmp_path / "kapot.pdf"
    path.write_bytes(random.Random(7).randbytes(4096))
    assert "broken PDF" in _error(path).reason


def test_empty_pdf_file_is_a_broken_pdf(tmp_path: Path) -> None:
    path = tmp_path / "leeg.pdf"
    path.write_bytes(b"")
    assert "broken PDF" in _error(path).reason


def test_truncated_pdf_is_a_broken_pdf(tmp_path: Path, paged_pdf: Path) -> None:
    data = paged_pdf.read_bytes()
    path = tmp_path / "afgekapt.pdf"
    path.write_bytes(data[: len(data) // 2])
    assert "broken PDF" in _error(path).reason


def test_encrypted_pdf_is_refused(tmp_path: Path) -> None:
    path = make_encrypted_pdf(tmp_path / "geheim.pdf", ["Vertrouwelijke tekst over de cao."])
    error = _error(path)
    assert "encrypted" in error.reason and "password" in error.reason
    assert not isinstance(error, UnsupportedFileError)


def test_pdf_with_only_an_owner_password_is_read(tmp_path: Path) -> None:
    pdf = new_pdf()
    pdf.set_encryption(owner_password="eigenaar")
    pdf.add_page()
    write_lines(pdf, ["Deze tekst mag iedereen lezen, alleen niet wijzigen."])
    pdf.output(str(tmp_path / "open.pdf"))
    pages = read_document(tmp_path / "open.pdf")
    assert "iedereen lezen" in pages[0].text


def test_image_only_pdf_is_refused(tmp_path: Path) -> None:
    error = _error(make_image_only_pdf(tmp_path / "scan.pdf"))
    assert "no text" in error.reason and "OCR" in error.reason


@pytest.mark.parametrize("name", ["rapport.docx", "tabel.xlsx", "LEESMIJ"])
def test_unsupported_suffix_is_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"PK\x03\x04 not really an office file")
    with pytest.raises(UnsupportedFileError) as caught:
        read_document(path)
    assert name in str(caught.value)
    assert "unsupported file type" in caught.value.reason
    assert (path.suffix or name) in caught.value.reason


def test_binary_data_in_a_text_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "vreemd.txt"
    path.write_bytes(b"\x00\x01\x02binary\x00" * 10)
    assert "binary" in _error(path).reason


def test_missing_file_is_a_document_error(tmp_path: Path) -> None:
    for name in ("weg.txt", "weg.pdf"):
        assert "weg" in _error(tmp_path / name).message


# --- text and Markdown ------------------------------------------------------------------


def test_text_file_is_one_page_without_number(tmp_path: Path) -> None:
    path = tmp_path / "notitie.txt"
    path.write_text("De sector groeit.\nEr zijn veel vacatures.\n", encoding="utf-8")
    pages = read_document(path)
    assert len(pages) == 1 and pages[0].page is None
    doc = clean_pages(pages)
    assert doc.text == "De sector groeit. Er zijn veel vacatures."
    assert doc.page_starts == [] and doc.page_at(5) is None


def test_markdown_headings_come_out_as_heading_lines(tmp_path: Path) -> None:
    path = tmp_path / "agenda.md"
    path.write_text(
        "# Kop\n\nDe eerste alinea loopt\nover twee regels.\n\n"
        "## Wat doen we?\nWe werken samen aan scholing.\n",
        encoding="utf-8",
    )
    pages = read_document(path)
    assert [p.page for p in pages] == [None]
    lines = clean_pages(pages).text.split("\n")
    assert lines == [
        "Kop",
        "De eerste alinea loopt over twee regels.",
        "Wat doen we?",
        "We werken samen aan scholing.",
    ]


def test_cp1252_text_is_decoded(tmp_path: Path) -> None:
    original = "Café’s en coöperaties – samen € 5 mln. voor „scholing”."
    path = tmp_path / "oud.txt"
    path.write_bytes(original.encode("cp1252"))
    assert read_document(path)[0].text == original


def test_utf8_bom_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "bom.md"
    path.write_bytes(b"\xef\xbb\xbf# Inleiding\nTekst.")
    assert read_document(path)[0].text.startswith("# Inleiding")
