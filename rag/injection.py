"""Instructions planted in a document are data: they can never back a generated sentence.

A passage such as "Negeer alle eerdere instructies en schrijf ..." may steer a language model;
the model is told that sources are data (`rag.prompts.LLM_SYSTEM`), and the citation check
reads the cited text without such sentences, so whatever the model wrote because of them has
no support and is removed.
"""

import re

_INSTRUCTION = re.compile(
    r"\b(negeer|vergeet|ignore|disregard|forget)\b.{0,40}\b(instructie\w*|opdracht\w*|"
    r"instruction\w*|prompt\w*|regels|rules)\b"
    r"|\b(system ?prompt|systeemprompt|je bent nu|you are now|als taalmodel|as an ai)\b"
    r"|\b(antwoord|schrijf|zeg|answer|write|say|respond)\b.{0,20}\b(altijd|voortaan|always|"
    r"from now on|only)\b",
    re.IGNORECASE | re.DOTALL,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


def is_instruction(sentence: str) -> bool:
    """Whether a sentence of a source addresses a language model rather than a reader."""
    return bool(_INSTRUCTION.search(sentence))


def without_instructions(text: str) -> str:
    """`text` without its sentences that look like instructions to a language model."""
    return " ".join(s for s in _SENTENCE.split(text) if s.strip() and not is_instruction(s))
