"""Evidence units: reference words take their antecedent, lists stay whole, headings never quote."""

from pathlib import Path

import numpy as np

from rag.compose import quote_lines
from rag.index import Index, sentence_rows
from rag.models import Chunk
from rag.units import Unit, starts_with_reference, units_of_chunk

TEXT = (
    "Inleiding\n"
    "De sector groeit snel. Daarom willen we meer mensen opleiden.\n"
    "We doen drie dingen:\n"
    "- Eerste punt van de lijst\n"
    "- Tweede punt van de lijst\n"
    "- Derde punt van de lijst\n"
    "Een losse zin over iets heel anders in deze passage."
)
TITLED = (
    "Dit volgt op de vorige passage.\n"
    "Onze voorstellen:\n"
    "- Hervorm de bekostiging van het MBO\n"
    "Zodat ruimte ontstaat voor instroom. Verhoog de bekostiging naar 1,8.\n"
    "- Halveer het collegegeld voor techniekstudies\n"
    "In HBO/WO gedurende de eerste twee jaar."
)


def _index(*texts: str) -> Index:
    chunks = [
        Chunk(id=f"c{i}", document_id="doc", title="Titel", start=0, end=len(t), text=t)
        for i, t in enumerate(texts)
    ]
    rows = sentence_rows(chunks)
    state = {"documents": {"doc": {"title": "Titel", "organisations": []}}}
    return Index(Path("."), chunks, None, None, rows, np.zeros((len(rows), 4)), state)  # type: ignore[arg-type]


def _unit_of(index: Index, position: int, sentence: str) -> Unit:
    for unit in units_of_chunk(index, position):
        if index.sentence_text(index.sentence_rows[unit.anchor]).startswith(sentence):
            return unit
    raise AssertionError(f"no unit anchored on {sentence!r}")


def _text(index: Index, unit: Unit) -> str:
    return index.chunks[unit.position].text[unit.start : unit.end]


def test_a_reference_word_takes_the_sentence_before_it() -> None:
    index = _index(TEXT)
    unit = _unit_of(index, 0, "Daarom")
    assert _text(index, unit) == "De sector groeit snel. Daarom willen we meer mensen opleiden."
    assert unit.kind == "context" and unit.complete


def test_a_colon_lead_in_and_each_item_give_the_whole_list() -> None:
    index = _index(TEXT)
    lead = _unit_of(index, 0, "We doen drie dingen")
    item = _unit_of(index, 0, "Tweede punt")
    assert lead == item or (lead.start, lead.end) == (item.start, item.end)
    text = _text(index, lead)
    assert text.startswith("We doen drie dingen:") and text.endswith("Derde punt van de lijst")
    assert lead.kind == "list"


def test_headings_are_never_units_and_plain_sentences_stand_alone() -> None:
    index = _index(TEXT)
    anchors = {index.sentence_text(index.sentence_rows[u.anchor]) for u in units_of_chunk(index, 0)}
    assert "Inleiding" not in anchors
    unit = _unit_of(index, 0, "Een losse zin")
    assert unit.kind == "sentence" and _text(index, unit).startswith("Een losse zin")


def test_a_reference_word_at_the_start_of_a_passage_is_marked_incomplete() -> None:
    index = _index(TITLED)
    unit = _unit_of(index, 0, "Dit volgt")
    assert not unit.complete


def test_a_list_whose_items_carry_paragraphs_is_one_unit_shown_as_its_items() -> None:
    index = _index(TITLED)
    unit = _unit_of(index, 0, "Halveer")
    text = _text(index, unit)
    assert text.startswith("Onze voorstellen:") and "Halveer het collegegeld" in text
    lines = quote_lines(text, 3, items_only=True)
    assert lines == [
        "Onze voorstellen: [3]",
        "- Hervorm de bekostiging van het MBO [3]",
        "- Halveer het collegegeld voor techniekstudies [3]",
    ]
    # The explanation under an item is still a unit of its own for a fact question.
    fact = _unit_of(index, 0, "Verhoog")
    assert _text(index, fact) == "Verhoog de bekostiging naar 1,8."


def test_prose_that_continues_an_item_takes_the_item_along() -> None:
    index = _index(TITLED)
    unit = _unit_of(index, 0, "Zodat")
    assert _text(index, unit).startswith("Hervorm de bekostiging")


def test_reference_words() -> None:
    assert starts_with_reference("Hiervoor is geld nodig.")
    assert starts_with_reference("Deze beleidslijnen helpen.")
    assert starts_with_reference("daarom doen we dit")
    assert not starts_with_reference("De sector groeit.")
    assert not starts_with_reference("Ditmaal niet.")


def test_quote_lines_cite_every_line() -> None:
    assert quote_lines("Eerste zin. Tweede zin.", 1) == ["Eerste zin. Tweede zin. [1]"]
    assert quote_lines("Lijst:\n- a b\n- c d", 2) == ["Lijst: [2]", "- a b [2]", "- c d [2]"]
