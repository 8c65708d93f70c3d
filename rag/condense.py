"""Follow-ups with a language model: condense the history and the follow-up into one question.

The model's rewrite is used only when it looks like a question of sensible length; anything
else (an unreachable model, an empty or rambling reply) leaves the extractive rule of
`rag.query.retrieval_text` to read the follow-up.
"""

import re

from rag import prompts
from rag.errors import LLMUnavailableError
from rag.llm_client import ChatClient
from rag.models import Turn

_MAX_TURNS = 4  # the last exchanges carry the subject; older ones only cost context
_MAX_TURN_CHARS = 400
_LABEL = re.compile(r"^(zelfstandige vraag|standalone question|vraag|question)\s*:\s*", re.I)


def history_text(history: list[Turn], language: str) -> str:
    """The last turns, one per line, as "Gebruiker: ..." / "User: ..."."""
    names = {"nl": ("Gebruiker", "Assistent"), "en": ("User", "Assistant")}
    user, assistant = names.get(language, names["nl"])
    lines = []
    for turn in history[-_MAX_TURNS:]:
        who = user if turn.role == "user" else assistant
        lines.append(f"{who}: {' '.join(turn.content.split())[:_MAX_TURN_CHARS]}")
    return "\n".join(lines)


def condense(client: ChatClient, question: str, history: list[Turn], language: str) -> str | None:
    """A standalone question in `language`, or None when the model gives no usable one."""
    if not history:
        return None
    prompt = prompts.render(
        "condense", language, history=history_text(history, language), question=question
    )
    try:
        reply = client.complete([{"role": "user", "content": prompt}])
    except LLMUnavailableError:
        return None
    return usable(reply, question)


def usable(reply: str, question: str) -> str | None:
    """The first line of the reply, unquoted, when it is a plausible rewrite of `question`."""
    lines = [line.strip(" \"'“”*") for line in reply.strip().splitlines() if line.strip()]
    if not lines:
        return None
    text = _LABEL.sub("", lines[0]).strip()
    if not 3 <= len(text.split()) <= 3 * len(question.split()) + 30:
        return None
    return text
