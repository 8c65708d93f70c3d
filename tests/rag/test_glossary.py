import time
from pathlib import Path

import pytest

from rag.glossary import (
    DEFAULT_PATH,
    MAX_PHRASE_WORDS,
    Glossary,
    dutch_terms,
    load_glossary,
    words,
)


def _terms(text: str) -> list[str]:
    return load_glossary().dutch_terms(text).split()


def test_a_phrase_beats_its_single_words() -> None:
    assert load_glossary().dutch_terms("labour market") == "arbeidsmarkt"
    assert "arbeid" not in _terms("the labour market")
    assert "arbeidsmigratie" in _terms("labour migration") and "arbeid" not in _terms(
        "labour migration"
    )
    # Three words beat the two-word phrase they start with.
    assert _terms("collective agreement parties") == ["cao-partijen"]
    assert _terms("collective agreement") == ["cao"]


def test_inflections_and_spellings_find_the_same_dutch_words() -> None:
    assert _terms("vacancy") == _terms("vacancies") == ["vacatures"]
    assert "arbeidsmigratie" in _terms("labor migration")
    assert _terms("digitalisation") == _terms("digitalization") == ["digitalisering"]
    assert "opleiding" in _terms("training") and "opleidingen" in _terms("trainings")
    assert "kennismigranten" in _terms("a knowledge migrant") == _terms("knowledge migrants")
    assert "mkb" in _terms("SMEs") and "mkb" in _terms("SME")


def test_case_hyphens_and_apostrophes_do_not_matter() -> None:
    assert _terms("LIFELONG LEARNING")[:2] == ["leven", "lang"]
    assert _terms("life-long learning") == _terms("lifelong learning")
    assert _terms("long-term") == ["lange", "termijn"]
    assert "werkgeversorganisaties" in _terms("the employers' organisations")


def test_terms_are_deduplicated_in_order_of_appearance() -> None:
    assert _terms("employers and employer") == ["werkgevers", "werkgever"]
    assert _terms("vacancies, shortages and vacancies") == [
        "vacatures",
        "tekort",
        "tekorten",
        "krapte",
    ]


def test_unknown_words_give_nothing() -> None:
    assert dutch_terms("") == ""
    assert dutch_terms("The quick brown fox jumps over the lazy dog.") == ""
    assert dutch_terms("How many, why, when?") == ""


@pytest.mark.parametrize(
    "dutch",
    [
        "Hoeveel werknemers telt de Metalektro volgens de strategische agenda?",
        "Waarom zijn kennismigranten zo belangrijk voor de techniek?",
        "In welke sectoren is het personeelstekort het grootst volgens de technieksectoren?",
        "Verhoog de bekostiging van het mbo techniek naar 1,8.",
        "Werkgevers en werknemers moeten daarom blijven investeren in een leven lang ontwikkelen.",
    ],
)
def test_dutch_text_gives_nothing(dutch: str) -> None:
    assert dutch_terms(dutch) == ""


def test_module_function_uses_the_packaged_glossary() -> None:
    question = "Why do the technical sectors say knowledge migrants matter?"
    assert dutch_terms(question) == load_glossary().dutch_terms(question)
    assert load_glossary() is load_glossary(None) is load_glossary(DEFAULT_PATH)
    assert len(load_glossary()) > 400


def test_a_glossary_file_is_read_once_per_path(tmp_path: Path) -> None:
    path = tmp_path / "g.tsv"
    path.write_text("skills passport\tskillspaspoort\nskills\tvaardigheden\n", encoding="utf-8")
    glossary = load_glossary(path)
    assert glossary is load_glossary(path)
    assert glossary.dutch_terms("A skills passport and skills") == "skillspaspoort vaardigheden"


@pytest.mark.parametrize(
    "line", ["no tab here", "\tleeg", "english\t ", "one two three four\tvier"]
)
def test_malformed_lines_are_refused(line: str) -> None:
    with pytest.raises(ValueError, match="line 1"):
        Glossary.parse(line)


def test_every_line_has_two_non_empty_lowercase_columns() -> None:
    lines = DEFAULT_PATH.read_text(encoding="utf-8").splitlines()
    assert lines
    for number, line in enumerate(lines, start=1):
        columns = line.split("\t")
        assert len(columns) == 2, f"line {number}: {line!r}"
        english, dutch = columns
        assert english and dutch, f"line {number}: {line!r}"
        assert english == english.strip().lower() and dutch == dutch.strip().lower()
        assert 1 <= len(words(english)) <= MAX_PHRASE_WORDS, f"line {number}: {line!r}"


def test_no_english_key_appears_twice() -> None:
    lines = DEFAULT_PATH.read_text(encoding="utf-8").splitlines()
    keys = [line.split("\t")[0] for line in lines]
    assert len(keys) == len(set(keys))
    normalised = [words(key) for key in keys]  # "long-term" and "long term" would collide
    assert len(normalised) == len(set(normalised))


def test_a_thirty_word_question_takes_well_under_a_millisecond() -> None:
    glossary = load_glossary()
    question = (
        "How many hours of paid study leave does the collective agreement give me, and what do "
        "the technical sectors say about labour migration and knowledge migrants in 2025?"
    )
    assert 25 <= len(question.split()) <= 35
    runs = 200
    started = time.perf_counter()
    for _ in range(runs):
        glossary.dutch_terms(question)
    assert (time.perf_counter() - started) / runs < 0.001


@pytest.mark.parametrize(
    ("text", "covered"),
    [
        ("labour migration", True),
        ("Lifelong learning", True),
        ("technical education", True),
        ("arbeidsmigratie", False),
        ("labour migration en scholing", False),
        ("", False),
    ],
)
def test_covers_tells_a_short_english_topic(text: str, covered: bool) -> None:
    assert load_glossary().covers(text) is covered
