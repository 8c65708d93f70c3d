"""What kind of answer a question asks for: a fact or number, a list, positions, an explanation.

The kind picks the answer's shape (`rag.compose`) and is a feature of the unit ranker.
"""

import re

KINDS = ("fact", "quantity", "list", "position", "explanation")

# Only questions for an amount: "wie" and "wanneer" are answered by a name or a date.
_QUANTITY = re.compile(
    r"\b(hoeveel|hoe (hoog|groot|lang|veel|oud|vaak)|wat kost|welk (percentage|bedrag|aandeel)|"
    r"how (many|much|high|long|old|often)|what (percentage|share))\b",
    re.IGNORECASE,
)
# "Welke voorstellen", "noem", "wat zijn de": a plural asks for several items.
_LIST = re.compile(
    r"\b(welke \w+(en|s|'s)|noem|opsomming|wat zijn (de|hun)|lijst|onderdelen|punten|"
    r"which \w+s|list|what are (the|their)|name the)\b",
    re.IGNORECASE,
)
_POSITION = re.compile(
    r"\b(vind\w*|willen|wil|wensen|standpunt\w*|pleit\w*|roep\w* op|vragen .* van|"
    r"mening|visie|positie|vergelijk\w*|verschil\w*|eens|kijk\w*|denk\w*|tegenover|think|"
    r"want|position|view|propose|"
    r"call for|compare|differ\w*)\b",
    re.IGNORECASE,
)
_EXPLANATION = re.compile(
    r"^\s*(waarom|hoe\b(?! (hoog|groot|lang|veel|oud|vaak))|why|how)\b", re.IGNORECASE
)
_NUMBER = re.compile(r"\d")
# Words with which a document states what it wants: a feature of the unit ranker for position
# questions, and the first of the position cues of `rag.positions`.
_STANCE = re.compile(
    r"\b(wil|willen|pleit\w*|roep\w*|vragen|vraagt|moet|moeten|nodig|voorstel\w*|zorg(en)? "
    r"voor|inzetten|streven|ambitie\w*|oproep|kabinet)\b",
    re.IGNORECASE,
)


def question_kind(question: str) -> str:
    """One of `KINDS`; a number or date question beats a list, a list beats a position."""
    if _QUANTITY.search(question):
        return "quantity"
    if _LIST.search(question):
        return "list"
    if _POSITION.search(question):
        return "position"
    if _EXPLANATION.search(question):
        return "explanation"
    return "fact"


def has_number(text: str) -> bool:
    return bool(_NUMBER.search(text))


def takes_stance(text: str) -> bool:
    """The text uses a word with which a document says what it wants or calls for."""
    return bool(_STANCE.search(text))
