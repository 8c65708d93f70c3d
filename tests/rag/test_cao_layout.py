"""A cao page laid out before cleaning: headings and leden apart, table rows with their header."""

from rag.cao_layout import (
    is_cao_heading,
    is_toc_entry,
    label_row,
    layout_cao_page,
    parse_labelled_row,
    table_header,
    table_row,
)
from rag.cleaning import clean_pages
from rag.models import Page

PAGE = """Hoofdstuk 5 Scholing en ontwikkeling
Artikel 5.3 Studieverlof
1. Een werknemer die een opleiding volgt, heeft recht op studieverlof van ten hoogste
vijf dagen per kalenderjaar.
2. Tijdens het studieverlof betaalt de werkgever het salaris volledig door.
De werkgever kan het verlof alleen weigeren als zwaarwegende bedrijfsbelangen zich
ertegen verzetten.
Bijlage 1 Salaristabel
Salarisschalen per 1 januari 2026
Schaal   Trede 0   Trede 1   Trede 2
1        € 2.100   € 2.165   € 2.230
2        € 2.290   € 2.355   € 2.420"""


def test_each_heading_and_lid_is_one_paragraph() -> None:
    text = clean_pages([Page(page=1, text=PAGE)], layout_cao_page).text
    lines = text.split("\n")
    assert lines[:3] == [
        "Hoofdstuk 5 Scholing en ontwikkeling",
        "Artikel 5.3 Studieverlof",
        "1. Een werknemer die een opleiding volgt, heeft recht op studieverlof van ten hoogste "
        "vijf dagen per kalenderjaar.",
    ]
    # A lid runs on over a sentence that ends at a line break, up to the next lid or heading.
    assert lines[3] == (
        "2. Tijdens het studieverlof betaalt de werkgever het salaris volledig door. De werkgever "
        "kan het verlof alleen weigeren als zwaarwegende bedrijfsbelangen zich ertegen verzetten."
    )
    assert lines[4:6] == ["Bijlage 1 Salaristabel", "Salarisschalen per 1 januari 2026"]


def test_table_rows_carry_their_header() -> None:
    text = clean_pages([Page(page=1, text=PAGE)], layout_cao_page).text
    assert text.split("\n")[-2:] == [
        "Schaal 1: Trede 0 € 2.100; Trede 1 € 2.165; Trede 2 € 2.230.",
        "Schaal 2: Trede 0 € 2.290; Trede 1 € 2.355; Trede 2 € 2.420.",
    ]
    assert "Schaal Trede 0" not in text  # the header lives on in every row


def test_rows_and_headers_are_recognised_strictly() -> None:
    assert table_row("Drieploegendienst   19%") == ("Drieploegendienst", ["19%"])
    assert table_row("5   € 2.860   € 2.925") == ("5", ["€ 2.860", "€ 2.925"])
    # A wrapped sentence that happens to end in a number is no row.
    assert table_row("De werknemer ontvangt jaarlijks in mei een vakantietoeslag van 8%") is None
    assert table_row("tot 90% als de werknemer zich volledig houdt") is None
    assert table_header("Rooster   Toeslag", 1) == ["Rooster", "Toeslag"]
    assert table_header("Schaal Trede 0 Trede 1", 2) == ["Schaal", "Trede 0", "Trede 1"]
    assert table_header("Schaal Trede 0 Trede 1", 3) is None
    assert table_header("Dit is een zin.", 2) is None


def test_a_labelled_row_reads_back() -> None:
    line = label_row(["Schaal", "Trede 0", "Trede 1"], "5", ["€ 2.860", "€ 2.925"])
    assert line == "Schaal 5: Trede 0 € 2.860; Trede 1 € 2.925."
    assert parse_labelled_row(line) == (
        "Schaal",
        "5",
        [("Trede 0", "€ 2.860"), ("Trede 1", "€ 2.925")],
    )
    assert parse_labelled_row("Onder werknemer wordt verstaan: iedere persoon.") is None


def test_headings_and_contents_lines() -> None:
    assert is_cao_heading("Artikel 5.3 Studieverlof")
    assert is_cao_heading("Bijlage 1 Salaristabel")
    assert not is_cao_heading("Artikel 5.1, lid 1, geldt ook voor uitzendkrachten.")
    assert is_toc_entry("Artikel 5.3 Studieverlof ............ 13")
    assert is_toc_entry("Hoofdstuk 5 Scholing en ontwikkeling 12")
    assert not is_toc_entry("Artikel 5.3 Studieverlof")
    assert not is_toc_entry("Schaal 5: Trede 0 € 2.860; Trede 1 € 2.925.")


def test_other_documents_are_cleaned_as_before() -> None:
    plain = clean_pages([Page(page=1, text=PAGE)]).text
    assert "Schaal 1: Trede 0" not in plain
