from rag.spelling import Corrector

WORDS = ["arbeidsmigratie", "scholing", "metalektro", "kennismigranten", "werknemers"]


def test_typos_are_corrected_to_corpus_words() -> None:
    corrector = Corrector(WORDS)
    text = "Wat vindt de Metalectro van arbeidsmigartie en scholling voor werknemrs?"
    assert corrector.correct_text(text) == (
        "Wat vindt de metalektro van arbeidsmigratie en scholing voor werknemers?"
    )


def test_unknown_words_far_from_the_corpus_stay() -> None:
    corrector = Corrector(WORDS)
    assert corrector.correct("vakantiedagen") == "vakantiedagen"
    assert corrector.correct("cao") == "cao"
    assert corrector.correct_text("Scholing 2025") == "Scholing 2025"
