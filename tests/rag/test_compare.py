"""Comparisons over the real corpus with real Chroma and BM25 (hashing embedder: plumbing)."""

import csv
import io
from collections.abc import Iterator

import pytest

from rag.assistant import Assistant
from rag.compare_export import CSV_COLUMNS, filename, spreadsheet_safe, to_csv, to_markdown
from rag.config import Settings
from rag.errors import InvalidQuestionError
from rag.models import Filters
from rag.positions import Comparison, states_position
from rag.topics import own_words, related_stems, search_text, topic_language

OOM = "oom-op-jacht-naar-de-8"


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    """One index for the module; every document speaks (threshold 0) unless a test says not."""
    import shutil

    from rag.config import load_settings
    from tests.conftest import CORPUS

    root = tmp_path_factory.mktemp("compare")
    shutil.copytree(CORPUS, root / "corpus")
    settings = load_settings(
        data_dir=root / "data",
        corpus_dir=root / "corpus",
        embedder="hashing",
        compare_silent_threshold=0.0,
    )
    assistant = Assistant(settings)
    assistant.ingest()
    yield assistant


def _with(assistant: Assistant, **update: object) -> Assistant:
    settings: Settings = assistant.settings.model_copy(update=update)
    other = Assistant(settings, embedder=assistant.embedder)
    return other


def test_positions_are_grouped_per_document_newest_first_with_verbatim_quotes(
    assistant: Assistant,
) -> None:
    comparison = assistant.compare("arbeidsmigratie")
    assert comparison.language == "nl" and comparison.silent == []
    assert {p.document_id for p in comparison.positions} == set(assistant.documents())
    years = [p.year or 0 for p in comparison.positions]
    assert years == sorted(years, reverse=True)
    numbers = [u.n for p in comparison.positions for u in p.units]
    assert numbers == list(range(1, len(numbers) + 1))
    for position in comparison.positions:
        assert 1 <= len(position.units) <= assistant.settings.compare_units
        for i, unit in enumerate(position.units):
            assert unit.quote and unit.quote in unit.text
            assert unit.document_id == position.document_id
            # Units that state a position come first; background after them.
            assert states_position(unit.quote) == (i < position.position_units)


def test_a_threshold_above_every_score_makes_every_document_silent(assistant: Assistant) -> None:
    comparison = _with(assistant, compare_silent_threshold=1.0).compare("arbeidsmigratie")
    documents = assistant.documents()
    assert comparison.positions == []
    assert set(comparison.silent) == set(documents)
    assert comparison.silent_titles == [documents[d]["title"] for d in comparison.silent]
    years = [documents[d].get("year") or 0 for d in comparison.silent]
    assert years == sorted(years, reverse=True)
    assert "zeggen niets over dit onderwerp" in to_markdown(comparison)


def test_filters_restrict_the_compared_documents(assistant: Assistant) -> None:
    comparison = assistant.compare("opleiding", Filters(documents=[OOM]))
    assert [p.document_id for p in comparison.positions] == [OOM]
    assert comparison.silent == []


@pytest.mark.parametrize(
    ("topic", "message"),
    [("   ", "het onderwerp is leeg"), ("arbeidsmigratie " * 30, "te lang")],
)
def test_an_empty_or_huge_topic_is_refused_clearly(
    assistant: Assistant, topic: str, message: str
) -> None:
    with pytest.raises(InvalidQuestionError, match=message):
        assistant.compare(topic)


def test_an_english_topic_gets_english_lead_ins(assistant: Assistant) -> None:
    assert topic_language("labour migration") == "en"
    assert topic_language("arbeidsmigratie") == "nl"
    comparison = assistant.compare("labour migration")
    assert comparison.language == "en"
    markdown = to_markdown(comparison)
    assert markdown.startswith("# Positions on: labour migration")
    assert "quoted in Dutch" in markdown


def test_related_stems_find_inflected_compounds(assistant: Assistant) -> None:
    index = assistant.index()
    related = related_stems({"arbeidsmigratie", "energietransitie", "cao"}, index)
    assert "arbeidsmigrant" in related["arbeidsmigratie"]
    assert "transitie" not in related["energietransitie"]
    assert related["cao"] == []
    assert "arbeidsmigrant" in search_text(related).split()


def test_each_document_is_ranked_on_the_topic_in_its_own_words() -> None:
    related = {"arbeidsmigratie": ["arbeidsmigrant"], "beleid": []}
    assert own_words(related, {"arbeidsmigrant", "beleid"}) == {"arbeidsmigrant", "beleid"}
    assert own_words(related, {"arbeidsmigratie", "arbeidsmigrant"}) == {
        "arbeidsmigratie",
        "beleid",
    }
    assert own_words(related, set()) == {"arbeidsmigratie", "beleid"}


def test_markdown_and_csv_exports_hold_every_quote(assistant: Assistant) -> None:
    comparison = assistant.compare("leven lang ontwikkelen")
    markdown = to_markdown(comparison)
    rows = list(csv.reader(io.StringIO(to_csv(comparison))))
    assert tuple(rows[0]) == CSV_COLUMNS
    units = [(p, u) for p in comparison.positions for u in p.units]
    assert len(rows) - 1 == len(units)
    for row, (position, unit) in zip(rows[1:], units, strict=True):
        assert row[0] == position.title and row[3] == unit.quote
        assert row[2] == str(position.year or "")
        for line in unit.quote.splitlines():
            assert f"> {line}" in markdown
    assert filename(comparison, "markdown") == "standpunten-leven-lang-ontwikkelen.md"


def test_an_empty_comparison_says_so() -> None:
    comparison = Comparison(topic="x", silent=["a"], silent_titles=["Doc A"])
    markdown = to_markdown(comparison)
    assert "Geen van de geladen documenten" in markdown and "- Doc A" in markdown
    assert to_csv(comparison) == ",".join(CSV_COLUMNS) + "\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Wij roepen op om een oranje kaart in te stellen.", True),
        ("Versober de kennismigrantenregeling niet!", True),
        (
            "Slechts 7% van de technische vacatures wordt ingevuld via internationale instroom.",
            True,
        ),
        ("Er werken ongeveer 156.000 mensen bij 14.000 bedrijven.", True),
        ("We want a labour migration scheme.", True),
        ("Het akkoord is in 2017 gesloten door de partners van het Techniekpact.", False),
        ("De metaalbewerking is een sector met veel bedrijven.", False),
    ],
)
def test_position_cues(text: str, expected: bool) -> None:
    assert states_position(text) is expected


def test_the_chat_groups_position_answers_the_same_way(assistant: Assistant) -> None:
    chat = _with(assistant, answer_threshold=0.0, refusal_threshold=0.0)
    answer = chat.ask("Wat vinden de technieksectoren van arbeidsmigratie?")
    documents = list(dict.fromkeys(c.document_id for c in answer.citations))
    years = [next(c.year or 0 for c in answer.citations if c.document_id == d) for d in documents]
    assert years == sorted(years, reverse=True)
    for document in documents:
        cues = [states_position(c.quote) for c in answer.citations if c.document_id == document]
        assert cues == sorted(cues, reverse=True)  # position units before background


def test_a_csv_cell_that_would_run_as_a_formula_is_defused() -> None:
    assert spreadsheet_safe('=HYPERLINK("http://x","klik")') == '\'=HYPERLINK("http://x","klik")'
    assert spreadsheet_safe("@SUM(A1)") == "'@SUM(A1)" and spreadsheet_safe("-1+2") == "'-1+2"
    assert spreadsheet_safe("Wij roepen op") == "Wij roepen op" and spreadsheet_safe(2025) == 2025
