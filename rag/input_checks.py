"""Bounds on what a user sends: a question or topic, and the earlier turns of a conversation.

Checked in the core, so every edge (API, UI, CLI) hands the follow-up reading and the typo
corrector bounded text only; the messages come from `rag.prompts` in the user's language.
"""

from rag import prompts
from rag.errors import InvalidQuestionError, RequestTooLargeError
from rag.language import detect_language
from rag.models import Turn


def checked_text(text: str, limit: int, what: str) -> str:
    """`text` stripped; blank or longer than `limit` is refused with the prompts
    `empty_<what>` / `<what>_too_long` (what: "question" or "topic")."""
    text = (text or "").strip()
    if not text:
        raise InvalidQuestionError(prompts.render(f"empty_{what}", "nl"))
    if len(text) > limit:
        language = detect_language(text)
        message = prompts.render(f"{what}_too_long", language, length=len(text), limit=limit)
        raise InvalidQuestionError(message)
    return text


def checked_history(
    history: list[Turn] | None, most_turns: int, most_chars: int, language: str
) -> list[Turn]:
    """The earlier turns, refused when there are more than `most_turns` or one is longer
    than `most_chars`."""
    turns = list(history or [])
    if len(turns) > most_turns:
        values: dict[str, object] = {"turns": len(turns), "limit": most_turns}
        message = prompts.render("history_too_long", language, **values)
        raise RequestTooLargeError(message, "history_too_long", **values)
    longest = max((len(turn.content) for turn in turns), default=0)
    if longest > most_chars:
        values = {"length": longest, "limit": most_chars}
        message = prompts.render("turn_too_long", language, **values)
        raise RequestTooLargeError(message, "turn_too_long", **values)
    return turns
