"""Cleaning raw extracted text: normalisation, hyphenation, bullets, footnotes, pages."""

import pytest

from rag.cleaning import PAGE_BREAK, CleanDocument, clean_pages, clean_text
from rag.models import Page


def _pages(*texts: str) -> list[Page]:
    return [Page(page=number, text=text) for number, text in enumerate(texts, start=1)]


# --- normalisation and junk -----------------------------------------------------------


def test_ligatures_and_compatibility_forms_are_normalised() -> None:
    assert (
        clean_text("De ﬁnanciering van ﬂexibele banen.") == "De financiering van flexibele banen."
    )
    assert clean_text("Dit eﬀect is 50 ％.") == "Dit effect is 50 %."


def test_private_use_and_replacement_glyphs_are_removed() -> None:
    assert clean_text("Samen\ufffd werken aan\ue000 de toe\u00adkomst.") == (
        "Samen werken aan de toekomst."
    )


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Samen\x00 werken\x07 aan de\x1b[31m toekomst.", "Samen werken aan de[31m toekomst."),
        ("Een\x7f zin\x80 met\x9f C1-codes.", "Een zin met C1-codes."),
        (
            "Omgekeerd \u202egnirts\u202c en \u2066geïsoleerd\u2069.",
            "Omgekeerd gnirts en geïsoleerd.",
        ),
        ("Richting\u200e\u200f en\u2060 verbinding\U000e0041.", "Richting en verbinding."),
        ("Halve \ud800surrogaat\udfff.", "Halve surrogaat."),
        ("Tab\tblijft een spatie.", "Tab blijft een spatie."),
    ],
)
def test_control_and_format_characters_are_stripped(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean
    assert clean_pages([Page(page=None, text=raw)]).text == clean


def test_line_separators_become_line_breaks() -> None:
    raw = "Eerste regel.\x0bTweede regel.\x85Derde.\u2028Vierde.\u2029Vijfde.\r\nZesde.\rZeven."
    assert clean_text(raw).split("\n") == [
        "Eerste regel. Tweede regel. Derde. Vierde. Vijfde. Zesde. Zeven."
    ]
    assert clean_text("Kop\x0b\x0bDe tekst loopt door.").split("\n") == [
        "Kop",
        "De tekst loopt door.",
    ]


def test_control_characters_do_not_move_page_starts() -> None:
    doc = clean_pages(_pages("Een\x00 pagina\x1f.", "Twee\x0e\x1f.", "Drie\u202e."))
    assert doc.text == "Een pagina. Twee. Drie."
    assert doc.page_at(doc.text.index("Twee")) == 2
    assert doc.page_at(doc.text.index("Drie")) == 3


def test_symbol_font_bullets_become_dashes() -> None:
    assert clean_text("\uf0b7 Eerste punt\n\uf0a7 Tweede punt") == "- Eerste punt\n- Tweede punt"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("➔\t 1.350 bedrijven", "- 1.350 bedrijven"),
        ("•\tveel vakmensen", "- veel vakmensen"),
        ("  ▪  Scholing", "- Scholing"),
        ("- Al een streepje", "- Al een streepje"),
    ],
)
def test_bullets_are_normalised(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_each_bullet_stays_on_its_own_line() -> None:
    raw = "De sector telt:\n➔ 1.350 bedrijven\n➔ 159.710 werknemers die\nsamen werken\n• Export"
    assert clean_text(raw).split("\n") == [
        "De sector telt:",
        "- 1.350 bedrijven",
        "- 159.710 werknemers die samen werken",
        "- Export",
    ]


# --- hyphenation -----------------------------------------------------------------------


def test_word_broken_over_two_lines_is_joined() -> None:
    assert clean_text("Wij investeren in werk-\nnemers.") == "Wij investeren in werknemers."


def test_real_compound_hyphens_survive() -> None:
    text = clean_text("De re-integratie vraagt een mbo-, hbo- of wo-diploma.")
    assert text == "De re-integratie vraagt een mbo-, hbo- of wo-diploma."


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("de re-\nintegratie", "de re-integratie"),
        ("een mbo-\nopleiding", "een mbo-opleiding"),
        ("de CO2-\nuitstoot", "de CO2-uitstoot"),
        ("arbeids-\nmarkt en arbeidsmarkt", "arbeidsmarkt en arbeidsmarkt"),
        ("de actie-agenda en de actie-\nagenda", "de actie-agenda en de actie-agenda"),
        ("ontwikkel- en groeimogelijkheden", "ontwikkel- en groeimogelijkheden"),
    ],
)
def test_hyphen_at_line_end(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("een mbo-, hbo-\nof wo-diploma", "een mbo-, hbo- of wo-diploma"),
        (
            "zowel de digitale-\nals de energietransitie",
            "zowel de digitale- als de energietransitie",
        ),
        ("het mbo-\nen hbo-onderwijs", "het mbo- en hbo-onderwijs"),
    ],
)
def test_suspended_hyphen_at_line_end_keeps_its_space(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("bedrijven in Noord-\nHolland groeien", "bedrijven in Noord-Holland groeien"),
        ("landen buiten de niet-\nEU markt", "landen buiten de niet-EU markt"),
    ],
)
def test_hyphen_before_a_capital_keeps_the_compound(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


# --- footnotes ---------------------------------------------------------------------------


def test_footnote_marker_glued_to_a_word_is_removed() -> None:
    text = clean_text("De sector telt 159.710 werknemers1 is zij de grootste.")
    assert text == "De sector telt 159.710 werknemers is zij de grootste."


@pytest.mark.parametrize(
    "keep",
    [
        "De CO2-uitstoot daalt.",
        "Uitstoot van CO2 daalt.",
        "In 2021 sloten we een akkoord.",
        "Het gaat om 1.350 bedrijven en 12 regio's.",
        "Een hal van 500 m2 op 3 km2 grond.",
        "Zie artikel 12.",
    ],
)
def test_numbers_that_are_not_footnotes_survive(keep: str) -> None:
    assert clean_text(keep) == keep


def test_footnote_before_punctuation_and_superscript_markers() -> None:
    assert clean_text("Dit zijn de vakmensen12, zegt OOM.") == "Dit zijn de vakmensen, zegt OOM."
    assert clean_text("Dit geldt voor werkgevers².") == "Dit geldt voor werkgevers."


# --- reflow and headings -----------------------------------------------------------------


def test_lines_are_reflowed_and_headings_kept_apart() -> None:
    raw = (
        "1. Inleiding\nDe Metalektro is een sector\nmet veel bedrijven.\n\n"
        "Arbeidsmarkt\nEr is krapte."
    )
    assert clean_text(raw).split("\n") == [
        "1. Inleiding",
        "De Metalektro is een sector met veel bedrijven.",
        "Arbeidsmarkt",
        "Er is krapte.",
    ]


def test_blank_line_inside_a_sentence_does_not_split_it() -> None:
    assert clean_text("De sector investeert in\n\nscholing en innovatie.") == (
        "De sector investeert in scholing en innovatie."
    )


def test_markdown_heading_marks_are_stripped() -> None:
    assert clean_text("## Wat doen we?\nWe werken samen.").split("\n") == [
        "Wat doen we?",
        "We werken samen.",
    ]


def test_bare_page_numbers_and_url_lines_are_dropped() -> None:
    raw = "Eerste zin.\n12\nPagina 3 van 20\n3 / 20\nwww.metalektro.nl\nLaatste zin."
    assert clean_text(raw) == "Eerste zin. Laatste zin."


# --- pages, headers and footers ---------------------------------------------------------


def test_repeated_headers_and_footers_are_removed() -> None:
    bodies = ["Over scholing.", "Over innovatie.", "Over export.", "Over de cao."]
    pages = _pages(
        *(
            f"Strategische Agenda Metalektro\n{body}\nPagina {n}"
            for n, body in enumerate(bodies, start=1)
        )
    )
    doc = clean_pages(pages)
    assert doc.text == " ".join(bodies)


def test_empty_pages_leave_no_blank_lines() -> None:
    doc = clean_pages(_pages("", "", "Tekst op drie.", "", "Vijf.", ""))
    assert doc.text.replace("\n", " ") == "Tekst op drie. Vijf."
    assert "" not in doc.text.split("\n")
    assert doc.page_at(0) == 3
    assert doc.page_at(doc.text.index("Vijf")) == 5


def test_lines_on_fewer_than_half_the_pages_survive() -> None:
    texts = [f"Gewone tekst {n}." for n in range(7)]
    for n in (0, 2, 4):  # 3 of 7 pages: less than half
        texts[n] = "Arbeidsmarkt\n" + texts[n]
    for n in range(4):  # 4 of 7 pages: half or more
        texts[n] = "Lopende kop\n" + texts[n]
    doc = clean_pages(_pages(*texts))
    assert doc.text.count("Arbeidsmarkt") == 3
    assert "Lopende kop" not in doc.text


def test_headers_are_kept_in_documents_of_two_pages() -> None:
    doc = clean_pages(_pages("Kop\nEen.", "Kop\nTwee."))
    assert doc.text.count("Kop") == 2


def test_page_starts_point_at_each_page() -> None:
    doc = clean_pages(_pages("Eerste pagina.", "Tweede pagina.", "", "Vierde pagina."))
    assert PAGE_BREAK not in doc.text
    assert [number for _, number in doc.page_starts] == [1, 2, 3, 4]
    assert doc.page_at(doc.text.index("Tweede")) == 2
    assert doc.page_at(doc.text.index("Vierde")) == 4
    assert doc.page_at(doc.text.index("Eerste")) == 1


def test_sentence_running_over_a_page_break_keeps_both_pages() -> None:
    doc = clean_pages(_pages("De sector investeert in", "scholing en innovatie.\n7"))
    assert doc.text == "De sector investeert in scholing en innovatie."
    assert doc.page_at(doc.text.index("investeert")) == 1
    assert doc.page_at(doc.text.index("scholing")) == 2


def test_stray_form_feed_in_page_text_does_not_shift_pages() -> None:
    doc = clean_pages(_pages("Een\fpagina.", "Twee.", "Drie."))
    assert [number for _, number in doc.page_starts] == [1, 2, 3]
    assert doc.page_at(doc.text.index("Drie")) == 3


def test_page_at_before_any_start_and_without_pages() -> None:
    assert CleanDocument(text="abc", page_starts=[]).page_at(1) is None
    assert CleanDocument(text="abc def", page_starts=[(0, 5), (4, 6)]).page_at(4) == 6
    doc = clean_pages([Page(page=None, text="Gewone tekst.")])
    assert doc.page_starts == [] and doc.page_at(0) is None
