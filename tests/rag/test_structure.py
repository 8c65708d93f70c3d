"""Headings and sentence spans on Dutch text."""

import pytest

from rag.structure import BULLET, is_heading, split_sentences


def _sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in split_sentences(text)]


@pytest.mark.parametrize(
    "line",
    [
        "Strategische Agenda Metalektro",
        "Inleiding",
        "1. Inleiding",
        "2.3 Arbeidsmarkt en scholing",
        "Hoofdstuk 3",
        "Bijlage A",
        "DE ARBEIDSMARKT",
        "Werkgevers en werknemers",
        "  Voorwoord  ",
    ],
)
def test_headings(line: str) -> None:
    assert is_heading(line)


@pytest.mark.parametrize(
    "line",
    [
        "",
        "De sector groeit.",
        "Wat doen we?",
        "Samenvatting:",
        "Dit is een zin die doorloopt naar de",
        "werknemers en werkgevers",
        "- Eerste punt",
        "2021",
        "€ 1.350",
        "10.000 banen erbij in de regio",
        "Sociale partners willen zich samen inzetten voor een succesvolle en concurrerende sector",
    ],
)
def test_not_headings(line: str) -> None:
    assert not is_heading(line)


def test_plain_sentences_are_split() -> None:
    text = "De sector groeit. Er zijn veel vacatures! Hoe lossen we dat op? Samen."
    assert _sentences(text) == [
        "De sector groeit.",
        "Er zijn veel vacatures!",
        "Hoe lossen we dat op?",
        "Samen.",
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Er zijn o.a. werkgevers en bonden betrokken.",
        "Scholen werken bijv. Samen met bedrijven.",
        "Het gaat o.a. ASML en Philips aan.",
        "Zie art. 5 lid 2 van de cao.",
        "Dit geldt ca. 3 jaar lang.",
        "Dhr. J. de Vries tekent namens FME.",
        "Mevr. Jansen is voorzitter i.v.m. COVID.",
        "Het kost 3.5 keer zo veel.",
        "Er zijn 1.350 bedrijven.",
        "Lees https://www.metalektro.nl/agenda voor meer.",
    ],
)
def test_abbreviations_and_numbers_do_not_split(sentence: str) -> None:
    assert _sentences(f"{sentence} Daarna volgt een zin.") == [sentence, "Daarna volgt een zin."]


def test_closing_quotes_and_brackets_stay_with_their_sentence() -> None:
    text = 'Hij zei: "Kom op." Toen ging hij. (Zie de bijlage.) Daarna volgt meer.'
    assert _sentences(text) == [
        'Hij zei: "Kom op."',
        "Toen ging hij.",
        "(Zie de bijlage.)",
        "Daarna volgt meer.",
    ]


def test_bullets_and_line_breaks_end_sentences() -> None:
    text = f"De sector telt:\n{BULLET}1.350 bedrijven\n{BULLET}Veel vakmensen. Met ambitie.\nEinde"
    assert _sentences(text) == [
        "De sector telt:",
        "1.350 bedrijven",
        "Veel vakmensen.",
        "Met ambitie.",
        "Einde",
    ]


def test_spans_are_shifted_by_offset_and_trimmed() -> None:
    text = "  Een zin.   Twee zin.  "
    spans = split_sentences(text, offset=100)
    assert spans == [(102, 110), (113, 122)]
    assert [text[s - 100 : e - 100] for s, e in spans] == ["Een zin.", "Twee zin."]


def test_empty_lines_give_no_sentences() -> None:
    assert split_sentences("\n\n   \n") == []
    assert _sentences("Een.\n\nTwee.") == ["Een.", "Twee."]
