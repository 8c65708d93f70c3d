"""Reading a question: follow-up context, its focus, and whether it asks about the cao."""

import re

from rag.bm25 import tokenize
from rag.index import Index
from rag.models import Turn

# The cao itself, not the cao parties ("cao-partijen") writing in their own agenda.
_CAO = re.compile(
    r"\b(cao(?!-?\s?(partij|partner|tafel|overleg))|cao's|collectieve arbeidsovereenkomst|"
    r"collective (labour )?agreement)\b",
    re.IGNORECASE,
)
# What a provision says or grants: "wat zegt/regelt de cao over", "staat er in de cao".
_PROVISION = re.compile(
    r"\b(zegt|zeggen|regelt|regelen|bepaalt|staat|staan|afgesproken|afspraken|recht|"
    r"says?|provides?|rules?|entitle\w*|in de cao|in the cao)\b",
    re.IGNORECASE,
)
_DEMONSTRATIVE = re.compile(r"\b(die|dat|deze|dit|daar\w*|hier\w*|that|this|these|those)\b", re.I)
# Verbs and fillers of a follow-up that carry no subject of their own.
_NO_SUBJECT = set(
    tokenize(
        "willen wil doen doet bedoel bedoelen meer over precies dan nog ook meer noemen "
        "want wants do does mean more about else"
    )
)
_QUESTION_VERBS = set(
    tokenize(
        "telt tellen bestaat bestaan betekent betekenen houdt inhouden gaat gaan doet doen "
        "heeft hebben noemen noemt bedoelen bedoelt zit zitten komt komen kun kunnen moet "
        "moeten zou zouden wordt worden krijgt"
    )
)
_MAX_HISTORY_CHARS = 500
_SHORT_FOLLOW_UP = 4  # "En voor het hbo?": too short to carry a subject of its own
_FOLLOW_UP = re.compile(
    r"^(en|maar|ook|and|but|what about)\b|\b(ze|zij|hun|hen|dit|dat|daar\w*|hier\w*|they|them|"
    r"their|it|that|this)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w[\w'-]*")
# Personal terms of employment: only the cao text itself can answer these.
_ENTITLEMENT = re.compile(
    r"\b(vakantie\w*|\w*verlof\w*|lonen|loon\w*|\w*toeslag\w*|\w*vergoeding\w*|\w*premie\w*|"
    r"recht op|uitkering\w*|overuren|overwerk\w*|(heb|krijg|mag|betaal|verdien) ik|salarisscha\w*|"
    r"ik (\w+ )?met pensioen|pensioenleeftijd|wages?|leave|"
    r"allowances?|premiums?|entitled|do i get|give me)\b",
    re.IGNORECASE,
)


def retrieval_text(question: str, history: list[Turn], index: Index) -> str:
    """What to search for: the follow-up's own words decide, the history resolves references.

    A follow-up with a subject of its own ("En wat willen ze met kennismigranten?") keeps it
    and only borrows the names (organisations, documents) of the last question; one without
    ("En waarom?", "Hoeveel is dat?") or one that points at "die regeling" reads the last
    question too.
    """
    earlier = [t.content for t in history if t.role == "user" and t.content.strip()]
    if not earlier or not is_follow_up(question):
        return question
    last = earlier[-1][:_MAX_HISTORY_CHARS]
    own = set(tokenize(question)) - index.naming_terms - _NO_SUBJECT
    if not own or _points_back(question) or len(question.split()) <= _SHORT_FOLLOW_UP:
        return f"{last} {question}"
    names = [w for w in _WORD.findall(last) if set(tokenize(w)) & index.naming_terms]
    return " ".join([question, *dict.fromkeys(names)])


def _points_back(question: str) -> bool:
    """'die regeling', 'hoeveel kost dat?': a short question that points at the last one."""
    words = re.findall(r"\w+", question.lower())
    return any(_DEMONSTRATIVE.fullmatch(w) for w in words) and len(words) <= 8


def is_follow_up(question: str) -> bool:
    """Short questions and questions that point back ("en", "ze", "dat") lean on the history."""
    return len(question.split()) <= 6 or bool(_FOLLOW_UP.search(question))


def focus(text: str, index: Index) -> tuple[str, set[str]]:
    """The question without the words that only name a document or organisation, and
    without the verbs every question uses ("telt", "bestaat", "betekent").

    "Hoeveel werknemers telt de Metalektro?" focuses on "Hoeveel werknemers de": every
    passage of the Metalektro agenda says "Metalektro", so the name cannot pick the answer,
    and no passage says "telt".
    """
    ignored = index.naming_terms | _QUESTION_VERBS
    kept = [
        w for w in _WORD.findall(text) if not set(tokenize(w)) or not set(tokenize(w)) <= ignored
    ]
    terms = set(tokenize(" ".join(kept)))
    if not terms:
        return text, set(tokenize(text))
    return " ".join(kept), terms


def asks_about_cao(question: str) -> bool:
    """The question asks what the cao itself provides (not what the cao parties write)."""
    return bool(_CAO.search(question)) and bool(_PROVISION.search(question))


def asks_for_entitlement(question: str) -> bool:
    """Wages, leave, allowances, premiums, "waar heb ik recht op": what only a cao text holds."""
    return bool(_ENTITLEMENT.search(question))
