"""What a comparison returns, and which quoted units state a position.

A unit states a position when it says what its authors want, propose, call for or oppose
(the stance words of `rag.kinds`, plus opposition and English cues), or when it gives a
number that supports a claim (a share, an amount, a count; a bare year does not count).
Such units are quoted before background sentences, in the chat and in a comparison.
"""

import re

from pydantic import BaseModel, Field

from rag.kinds import takes_stance
from rag.models import Citation

_MORE_CUES = re.compile(
    r"\b(tegen|niet\s+\w+en|geen\s+\w+|versober\w*|bepleit\w*|stel\w* voor|"
    r"wants?|propos\w*|calls? for|urges?|opposes?|must|should|needs?)\b",
    re.IGNORECASE,
)
# A number that supports a claim: a percentage, a thousands-separated count, an amount in
# millions or billions, or a number before a unit of people or money.
_CLAIM_NUMBER = re.compile(
    r"\d+(,\d+)?\s*(%|procent\b|percent\b)|\b\d{1,3}(\.\d{3})+\b|"
    r"\b\d+(,\d+)?\s*(miljoen|miljard|duizend|million|billion)\b|"
    r"\b\d+\s+(mensen|werknemers|bedrijven|vacatures|vakmensen|euro|technici)\b",
    re.IGNORECASE,
)


def states_position(text: str) -> bool:
    """The unit says what its authors want, propose, call for or oppose, or gives a number
    that supports a claim."""
    return takes_stance(text) or bool(_MORE_CUES.search(text) or _CLAIM_NUMBER.search(text))


class Position(BaseModel):
    """What one document says on a topic: its units, position units first."""

    document_id: str
    title: str
    organisations: list[str] = Field(default_factory=list)
    year: int | None = None
    units: list[Citation] = Field(description="Verbatim quotes; position units first")
    position_units: int = Field(
        0, description="How many of the first `units` state a position (the rest: background)"
    )


class Comparison(BaseModel):
    """Who says what on a topic: per document, newest first, and the documents that are silent."""

    topic: str
    language: str = "nl"
    positions: list[Position] = Field(default_factory=list)
    silent: list[str] = Field(
        default_factory=list, description="Ids of loaded documents that say nothing on the topic"
    )
    silent_titles: list[str] = Field(
        default_factory=list, description="The titles of `silent`, in the same order"
    )
