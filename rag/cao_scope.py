"""Which documents answer a cao question, and whether to say that no cao text is loaded.

- With a cao loaded (a document of kind `cao`), a question about what the cao provides, an
  entitlement ("heb ik recht op", "hoeveel vakantiedagen krijg ik"), or a question in the
  first person about training, study leave, budgets, hours, leave or pay is answered from
  the cao text(s) only, so the answer quotes the article and not an agenda's paraphrase.
- Without one, such questions go to the cao parties' own documents, and the answer says
  that no cao text is loaded: once per conversation, not again in every follow-up.
"""

import re
from dataclasses import dataclass

from rag import prompts
from rag.cao_articles import CAO_KIND
from rag.index import Index
from rag.models import Turn
from rag.query import asks_about_cao, asks_for_entitlement

_TOPIC = re.compile(
    r"\b(scholing|opleiding\w*|cursus\w*|training\w*|studie\w*|loopbaan\w*|\w*budget\w*|uur|"
    r"uren|arbeidsduur|werktijd\w*|werkweek|rooster\w*|overwerk\w*|overuren|\w*verlof\w*|"
    r"vakantie\w*|vrije dag\w*|feestdag\w*|salaris\w*|schaal|trede|\w*toeslag\w*|loon\w*|"
    r"proeftijd|opzeg\w*|ziek\w*|pensioen\w*|courses?|study|hours?|leave|holidays?|"
    r"salary|wages?|pay|training)\b",
    re.IGNORECASE,
)
_PERSONAL = re.compile(r"\b(ik|mij|me|mijn|i|my)\b", re.IGNORECASE)


@dataclass
class CaoScope:
    """The documents a question may be answered from and what to say about the cao."""

    allowed: set[str] | None  # None: every document
    cao_scope: bool  # no cao loaded, a cao question: say so (once) and ask the cao parties
    entitlement: bool  # no cao loaded and only a cao text could answer: refuse, say why
    cao_text: bool = False  # a cao is loaded and answers this question


def cao_scope(
    question: str, history: list[Turn], index: Index, allowed: set[str] | None
) -> CaoScope:
    """The scope of `question` given the loaded documents and the earlier turns."""
    provision = asks_about_cao(question)
    entitlement = asks_for_entitlement(question)
    caos = documents_of_kind(index, CAO_KIND)
    if not caos:
        if not (provision or entitlement):
            return CaoScope(allowed, False, False)
        return CaoScope(_parties(index, allowed), not said_before(history), entitlement)
    if provision or entitlement or prefers_cao(question):
        return CaoScope(_restrict(allowed, caos), False, False, cao_text=True)
    return CaoScope(allowed, False, False)


def prefers_cao(question: str) -> bool:
    """A first-person question about a subject a cao regulates ("hoeveel uur werk ik")."""
    return bool(_TOPIC.search(question) and _PERSONAL.search(question))


def said_before(history: list[Turn]) -> bool:
    """Whether an earlier answer of this conversation already said no cao is loaded."""
    return any(t.role == "assistant" and notes_missing_cao(t.content) for t in history)


def notes_missing_cao(answer: str) -> bool:
    """Whether an answer says that no cao text is loaded (so an edge can offer the upload)."""
    notes = [
        prompts.render(name, lang) for name in ("no_cao", "entitlement") for lang in ("nl", "en")
    ]
    return any(note in answer for note in notes)


def documents_of_kind(index: Index, kind: str) -> set[str]:
    """Ids of the loaded documents of `kind`."""
    documents = index.state.get("documents", {})
    return {doc_id for doc_id, info in documents.items() if info.get("kind") == kind}


def _parties(index: Index, allowed: set[str] | None) -> set[str] | None:
    """The cao parties' documents within the filters (the filters when none is marked)."""
    documents = index.state.get("documents", {})
    parties = {doc_id for doc_id, info in documents.items() if info.get("cao_parties")}
    if not parties:
        return allowed
    return parties if allowed is None else allowed & parties


def _restrict(allowed: set[str] | None, preferred: set[str]) -> set[str] | None:
    """`preferred` within the filters; the filters alone when that leaves nothing."""
    if not preferred:
        return allowed
    chosen = preferred if allowed is None else allowed & preferred
    return chosen or allowed
