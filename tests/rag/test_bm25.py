from pathlib import Path

from rag.bm25 import KeywordIndex, tokenize


def test_dutch_stems_without_stopwords() -> None:
    tokens = tokenize("Wat zegt de cao over de scholing van werknemers?")
    assert tokens == ["scholing", "werknemer"] or tokens == ["school", "werknemer"]
    assert "mbo" in tokenize("mbo-niveau") and "mbo-niveau" in tokenize("mbo-niveau")


def test_reloaded_index_keeps_the_dutch_stemmer(tmp_path: Path) -> None:
    index = KeywordIndex.build(["De werknemers volgen opleidingen.", "De kat slaapt."])
    index.save(tmp_path / "bm25")
    loaded = KeywordIndex.load(tmp_path / "bm25")
    scores = loaded.scores("werknemer opleiding")
    assert scores[0] > 0 and scores[1] == 0
    assert list(loaded.scores("onbekendwoord")) == [0.0, 0.0]


def test_empty_index_round_trips(tmp_path: Path) -> None:
    KeywordIndex.build([]).save(tmp_path / "bm25")
    assert KeywordIndex.load(tmp_path / "bm25").scores("scholing").size == 0
