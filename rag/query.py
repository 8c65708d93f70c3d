"""Reading a question: follow-up context, its focus, and whether it asks about the cao."""

import re

from rag.bm25 import tokenize
from rag.index import Index
from rag.models import Turn

_CAO = re.compile(
    r"\b(cao|cao's|collectieve arbeidsovereenkomst|collective (labour )?agreement)\b", re.IGNORECASE
)
_FOLLOW_UP = re.compile(
    r"^(en|maar|ook|and|but|what about)\b|\b(ze|zij|hun|hen|dit|dat|daar\w*|hier\w*|they|them|"
    r"their|it|that|this)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w[\w'-]*")
# Personal terms of employment: only the cao text itself can answer these.
_ENTITLEMENT = re.compile(
    r"\b(vakantie\w*|\w*verlof\w*|lonen|loon\w*|\w*toeslag\w*|\w*vergoeding\w*|\w*premie\w*|"
    r"recht op|uitkering\w*|overuren|overwerk\w*|(heb|krijg|mag|betaal) ik|wages?|leave|"
    r"allowances?|premiums?|entitled|do i get|give me)\b",
    re.IGNORECASE,
)


def retrieval_text(question: str, history: list[Turn]) -> str:
    """The question, preceded by the last user turn when it reads as a follow-up."""
    earlier = [t.content for t in history if t.role == "user" and t.content.strip()]
    if not earlier or not is_follow_up(question):
        return question
    return f"{earlier[-1]} {question}"


def is_follow_up(question: str) -> bool:
    """Short questions and questions that point back ("en", "ze", "dat") lean on the history."""
    return len(question.split()) <= 6 or bool(_FOLLOW_UP.search(question))


def focus(text: str, index: Index) -> tuple[str, set[str]]:
    """The question without the words that only name a document or organisation.

    "Hoeveel werknemers telt de Metalektro?" focuses on "Hoeveel werknemers telt de": every
    passage of the Metalektro agenda says "Metalektro", so the name cannot pick the answer.
    """
    kept = [
        w
        for w in _WORD.findall(text)
        if not set(tokenize(w)) or not set(tokenize(w)) <= index.naming_terms
    ]
    terms = set(tokenize(" ".join(kept)))
    if not terms:
        return text, set(tokenize(text))
    return " ".join(kept), terms


def asks_about_cao(question: str) -> bool:
    return bool(_CAO.search(question))


def asks_for_entitlement(question: str) -> bool:
    """Wages, leave, allowances, premiums, "waar heb ik recht op": what only a cao text holds."""
    return bool(_ENTITLEMENT.search(question))
