import pytest

from rag.language import detect_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("wat zegt de cao over scholing?", "nl"),
        ("scholing", "nl"),
        ("arbeidsmigratie kennismigranten", "nl"),
        ("Hoeveel werknemers heeft de Metalektro?", "nl"),
        ("What do the sectors say about labour migration?", "en"),
        ("Which proposals on education are made?", "en"),
        ("", "nl"),
    ],
)
def test_short_questions_are_detected_within_the_served_languages(text: str, expected: str) -> None:
    assert detect_language(text) == expected


def test_detection_is_deterministic_and_restricted() -> None:
    text = "Die Arbeitnehmer erhalten eine Weiterbildung im Betrieb und im Unternehmen."
    results = {detect_language(text) for _ in range(5)}
    assert len(results) == 1 and results <= {"nl", "en"}
