"""Answering from a loaded cao when the answerability model hesitates.

The answerability model learned from agendas and position papers, where a passage rarely
states a rule; a cao states little else. For a question scoped to a loaded cao
(`rag.cao_scope`) the cao's own structure is the sharper test: the answer is there when a
unit of an article holds the question's most specific term (its focus term that is rarest
in the index), in the unit or in the article's heading. A question about something the cao
does not regulate ("mag ik mijn hond meenemen?") names a term no article holds and is still
refused. Deterministic: no threshold, nothing tuned.
"""

from rag.answer import GenerationRequest, Scored
from rag.bm25 import tokenize
from rag.cao_articles import CAO_KIND, article_heading

# Modal and asking verbs, and English function words the Dutch stopword list keeps: rare in
# policy prose, so of high idf, yet they never say what a question is about.
_ASKING = set(
    tokenize(
        "mag mogen moet moeten kan kun kunnen wil willen ga gaan krijg krijgt krijgen heb "
        "hebt hebben ben bent word wordt worden per i do does get how many much what which "
        "can may"
    )
)


def cao_evidence(request: GenerationRequest, ranked: list[Scored]) -> list[Scored]:
    """The ranked units of cao articles that hold the question's key term, best first."""
    key = key_terms(request)
    if not key:
        return []
    chosen = []
    for unit in ranked:
        chunk = request.hits[unit.candidate.hit_rank].chunk
        terms = set(tokenize(f"{unit.text}\n{article_heading(chunk)}"))
        if chunk.kind == CAO_KIND and key & terms:
            chosen.append(unit)
    return chosen


def key_terms(request: GenerationRequest) -> set[str]:
    """The question's focus terms of the highest idf, verbs of asking aside.

    A Dutch term the index lacks counts highest (the cao does not use the word, so it does
    not regulate the thing); an English one is skipped, as its Dutch glossary terms stand in
    for it."""
    index = request.index
    english = request.language == "en"
    weights = {
        term: index.idf.get(term, index.unseen_idf)
        for term in request.focus_terms - _ASKING
        if term in index.idf or not english
    }
    if not weights:
        return set()
    top = max(weights.values())
    return {term for term, weight in weights.items() if weight >= top}
