"""A scripted chat model for plumbing tests: it answers from the prompt it gets, or fails."""

import re
from collections.abc import Callable, Iterator
from typing import Any

from rag.errors import LLMUnavailableError
from rag.llm_client import Message

Script = Callable[[dict[int, str], str], str]
_SOURCE = re.compile(
    r"^\[(\d+)\] [^\n]*\n(.*?)(?=\n\n\[\d+\] |\n\n(?:Vraag|Question): )", re.M | re.S
)


def sources_of(messages: list[Message]) -> dict[int, str]:
    """The numbered source texts in the user message, as the generator rendered them."""
    return {int(n): text for n, text in _SOURCE.findall(messages[-1]["content"])}


def first_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?])\s+", text.strip())[0].rstrip(".") + "."


class ScriptedLLM:
    """`ChatClient` whose reply is `script(sources, prompt)`; `fail_after` pieces it raises."""

    def __init__(self, script: Script, fail_after: int | None = None) -> None:
        self.script = script
        self.fail_after = fail_after
        self.calls: list[list[Message]] = []

    def complete(self, messages: list[Message]) -> str:
        self.calls.append(messages)
        if self.fail_after == 0:
            raise LLMUnavailableError("timeout")
        return self.script(sources_of(messages), messages[-1]["content"])

    def stream(self, messages: list[Message]) -> Iterator[str]:
        text = self.complete(messages)
        for number, piece in enumerate(re.findall(r"\S+\s*", text)):
            if self.fail_after is not None and number >= self.fail_after:
                raise LLMUnavailableError("unreachable")
            yield piece

    def state(self) -> dict[str, Any]:
        return {"status": "ok", "model": "scripted"}
