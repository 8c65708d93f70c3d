"""Reading PDF, text and Markdown files into pages, with real generated files."""

import os
import random
import threading
import time
import tracemalloc
from pathlib import Path

import pytest
from pypdf import PdfReader

from rag import readers
from rag.cleaning import clean_pages
from rag.config import load_settings
from rag.errors import DocumentError, UnsupportedFileError
from rag.readers import MAX_DOCUMENT_CHARS, MAX_DOCUMENT_PAGES, read_document
from tests.rag.pdf_factory import (
    deflate_bomb,
    form_xobject_pdf,
    make_encrypted_pdf,
    make_image_only_pdf,
    make_paged_pdf,
    make_pdf,
    make_two_column_pdf,
    nested_arrays_page,
    new_pdf,
    raw_pages_pdf,
    scale_pdf,
    stream,
    text_page,
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


# --- hostile and oversized files: a DocumentError with a clear reason, in bounded time ---


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_content_nested_100000_deep_is_too_complex(tmp_path: Path) -> None:
    path = _write(tmp_path, "diep.pdf", raw_pages_pdf([nested_arrays_page(100_000)]))
    assert _error(path).reason == "PDF too complex to read (nested too deeply)"


def test_decompression_bomb_stops_at_pypdfs_limit_with_bounded_memory(tmp_path: Path) -> None:
    bomb = deflate_bomb(1 << 30)  # 1 MB that inflates to 1 GB
    assert len(bomb) < 1_100_000
    path = _write(tmp_path, "bom.pdf", raw_pages_pdf([stream(bomb, b"/Filter /FlateDecode ")]))
    tracemalloc.start()
    try:
        error = _error(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert error.reason.startswith("PDF too large to read (")
    assert peak < 300 * 2**20, f"peak {peak / 2**20:.0f} MiB"


def test_ten_thousand_pages_exceed_the_page_cap(tmp_path: Path) -> None:
    data = raw_pages_pdf([text_page("Een pagina over scholing in de techniek.")], pages=10_000)
    path = _write(tmp_path, "dik.pdf", data)
    assert len(data) < 2_000_000
    assert _error(path).reason == "too many pages (10000; at most 2000 per document)"


def test_page_cap_is_a_parameter(tmp_path: Path) -> None:
    data = raw_pages_pdf([text_page("Een pagina over scholing in de techniek.")], pages=30)
    path = _write(tmp_path, "dertig.pdf", data)
    assert "at most 29 per document" in _error_with(path, max_pages=29).reason
    assert [p.page for p in read_document(path, max_pages=30)] == list(range(1, 31))
    lying = _write(tmp_path, "liegt.pdf", data.replace(b"/Count 30", b"/Count  1"))
    assert _error_with(lying, max_pages=29).reason == "too many pages (30; at most 29 per document)"


def test_a_long_page_tree_stops_soon_after_the_cap(tmp_path: Path) -> None:
    data = raw_pages_pdf([text_page("Een pagina.")], pages=5000)
    path = _write(tmp_path, "boom.pdf", data.replace(b"/Count 5000", b"/Count    1"))
    assert _error_with(path, max_pages=5).reason == "too many pages (more than 5 per document)"


def test_character_cap_counts_the_whole_document(tmp_path: Path) -> None:
    pages = [text_page(f"Pagina {n} gaat over scholing en innovatie.") for n in range(1, 6)]
    path = _write(tmp_path, "tekst.pdf", raw_pages_pdf(pages))
    total = sum(len(p.text) for p in read_document(path))
    reason = _error_with(path, max_chars=total - 1).reason
    assert reason == f"too much text (more than {total - 1} characters per document)"
    assert len(read_document(path, max_chars=total)) == 5


def test_character_cap_stops_inside_a_page_and_inside_a_form(tmp_path: Path) -> None:
    # pypdf swallows plain exceptions raised while it extracts a form XObject: the stop holds.
    path = _write(tmp_path, "vorm.pdf", form_xobject_pdf("Tekst in een formulier.", 200))
    started = time.monotonic()
    assert _error_with(path, max_chars=1000).reason.startswith("too much text")
    assert time.monotonic() - started < 5
    assert "formulier" in read_document(path, max_chars=10_000)[0].text


def test_reading_time_is_bounded(tmp_path: Path) -> None:
    busy = stream(b"BT /F1 12 Tf 72 720 Td " + b"(woord) Tj 0 -1 Td " * 3000 + b"ET")
    path = _write(tmp_path, "traag.pdf", raw_pages_pdf([busy], pages=400))
    started = time.monotonic()
    reason = _error_with(path, max_seconds=0.3).reason
    assert reason == "PDF takes too long to read (more than 0.3 seconds)"
    assert time.monotonic() - started < 10  # reading all 400 pages takes about a minute


def test_broken_pdf_reasons_are_short_single_lines(tmp_path: Path) -> None:
    data = raw_pages_pdf([text_page("Een zin.")]).replace(b"/Pages 2 0 R", b"/Pages 99 0 R")
    reason = _error(_write(tmp_path, "stuk.pdf", data)).reason
    assert reason.startswith(("broken PDF (", "PDF holds no text"))
    assert "\n" not in reason and len(reason) < 200


# --- the type comes from the bytes -------------------------------------------------------


def test_pdf_bytes_under_a_text_name_are_read_as_pdf(tmp_path: Path, paged_pdf: Path) -> None:
    for name in ("notitie.txt", "agenda.md", "x.pdf.txt"):
        path = _write(tmp_path, name, paged_pdf.read_bytes())
        pages = read_document(path)
        assert [p.page for p in pages] == [1, 2, 3, 4]
        assert "%PDF" not in pages[0].text


def test_broken_pdf_under_a_text_name_is_not_indexed_as_text(tmp_path: Path) -> None:
    path = _write(tmp_path, "notitie.md", b"%PDF-1.7\n" + b"stream garbage " * 50)
    assert _error(path).reason.startswith("broken PDF")


def test_pdf_bytes_without_a_suffix_are_read_as_pdf(tmp_path: Path, paged_pdf: Path) -> None:
    path = _write(tmp_path, "LEESMIJ", paged_pdf.read_bytes())
    assert len(read_document(path)) == 4


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (bytes(range(1, 256)) * 40, "binary file, not text"),  # no NUL byte, many controls
        (b"tekst zonder fouten " * 100 + b"\x00", "binary file, not text"),  # NUL at the end
        (bytes(range(0x80, 0x100)) * 40, "binary file or unknown text encoding, not text"),
        (b"PK\x03\x04" + b"word/document.xml" * 20, "binary file (ZIP archive or Office document)"),
        (b"\x89PNG\r\n\x1a\n" + b"IHDR" * 20, "binary file (PNG image), not text"),
        (b"\xff\xfe" + b"\x00\xd8" * 50, "binary file or unknown text encoding, not text"),
    ],
)
def test_binary_garbage_under_a_text_name_is_refused(
    tmp_path: Path, data: bytes, reason: str
) -> None:
    assert _error(_write(tmp_path, "vreemd.txt", data)).reason.startswith(reason)


def test_utf16_text_with_a_byte_order_mark_is_decoded(tmp_path: Path) -> None:
    text = "Café’s en coöperaties investeren in scholing."
    path = _write(tmp_path, "windows.txt", text.encode("utf-16"))
    assert read_document(path)[0].text == text


def test_utf8_with_one_damaged_byte_stays_utf8(tmp_path: Path) -> None:
    data = "Coöperaties en café’s: één aanpak.".encode() + b" \xff " + "Ook daarna één.".encode()
    text = read_document(_write(tmp_path, "half.txt", data))[0].text
    assert text.startswith("Coöperaties en café’s: één aanpak.") and "\ufffd" in text
    assert "Ã" not in text


def test_text_character_cap(tmp_path: Path) -> None:
    path = _write(tmp_path, "lang.md", b"Woord " * 500)
    assert _error_with(path, max_chars=2999).reason.startswith("too much text (more than 2999")
    assert len(read_document(path, max_chars=3000)[0].text) == 3000
    big = _write(tmp_path, "groot.txt", b"x" * 20_000)  # refused from its size, before reading
    assert _error_with(big, max_chars=1000).reason.startswith("too much text")


@pytest.mark.parametrize("name", ["pijp.txt", "pijp.pdf", "pijp"])
def test_a_named_pipe_is_refused_without_blocking(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    os.mkfifo(path)
    outcome: list[BaseException] = []

    def read() -> None:
        try:
            read_document(path)
        except DocumentError as exc:
            outcome.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(10)
    assert not reader.is_alive(), "reading a pipe blocked"
    assert len(outcome) == 1
    assert isinstance(outcome[0], UnsupportedFileError) or "not a regular file" in str(outcome[0])


def test_files_above_the_byte_limit_are_not_read(
    tmp_path: Path, paged_pdf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 1000)
    assert paged_pdf.stat().st_size > 1000
    assert _error(paged_pdf).reason.startswith("file too large to read (")


def test_reader_caps_match_the_settings() -> None:
    settings = load_settings()
    assert settings.max_document_pages == MAX_DOCUMENT_PAGES == 2000
    assert settings.max_document_chars == MAX_DOCUMENT_CHARS == 5_000_000


def _error_with(path: Path, **limits: float) -> DocumentError:
    with pytest.raises(DocumentError) as caught:
        read_document(path, **limits)  # type: ignore[arg-type]
    assert caught.value.path == path.name
    return caught.value
