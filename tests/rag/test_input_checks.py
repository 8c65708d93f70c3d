"""Bounds on questions, topics and history, each with its message in the user's language."""

import pytest

from rag.errors import InvalidQuestionError, RequestTooLargeError
from rag.input_checks import checked_history, checked_text
from rag.models import Turn


def test_text_is_stripped_and_blank_or_long_text_refused() -> None:
    assert checked_text("  wat is scholing?  ", 50, "question") == "wat is scholing?"
    with pytest.raises(InvalidQuestionError, match="leeg"):
        checked_text("   ", 50, "question")
    with pytest.raises(InvalidQuestionError, match="te lang \\(65 tekens\\)"):
        checked_text("wat zegt de cao over " + "scholing " * 5, 20, "topic")


def test_history_bounded_by_turns_and_by_turn_length() -> None:
    turns = [Turn(role="user", content="vraag"), Turn(role="assistant", content="antwoord")]
    assert checked_history(turns, 2, 10, "nl") == turns
    assert checked_history(None, 2, 10, "nl") == []
    with pytest.raises(RequestTooLargeError) as many:
        checked_history(turns, 1, 10, "en")
    assert many.value.template == "history_too_long" and "2 turns" in str(many.value)
    with pytest.raises(RequestTooLargeError) as long:
        checked_history(turns, 2, 5, "nl")
    assert long.value.template == "turn_too_long" and "8 tekens" in str(long.value)
