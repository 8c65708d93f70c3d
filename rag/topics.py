"""A comparison topic's words as each document writes them, and the topic's language.

Dutch compounds inflect inside the word ("arbeidsmigratie", "arbeidsmigranten"), which the
stemmer does not see. A topic stem is therefore related to the documents' stems that share a
long prefix with it (80% of it, at least eight letters). Retrieval searches for all of them;
the unit ranker is given, per document, the topic in that document's own words, so a document
that writes "arbeidsmigranten" covers the topic "arbeidsmigratie". (Splitting compounds into
their parts, "energietransitie" -> "transitie", was tried and dropped: on the dev topics it
made silent documents speak.)
"""

from rag.bm25 import tokenize
from rag.glossary import load_glossary
from rag.index import Index
from rag.language import detect_language

MIN_STEM = 8  # shorter stems share prefixes by chance ("onderwijs", "onderzoek")
_MAX_RELATED = 4  # per topic stem


def topic_language(topic: str) -> str:
    """'en' for an English topic: detected as such, or (too short to detect) made of English
    glossary phrases only; else 'nl'."""
    if detect_language(topic) == "en" or load_glossary().covers(topic):
        return "en"
    return "nl"


def related_stems(terms: set[str], index: Index) -> dict[str, list[str]]:
    """Each topic stem with the indexed stems related to it (itself not included)."""
    return {term: _related(term, index)[:_MAX_RELATED] for term in sorted(terms)}


def _related(term: str, index: Index) -> list[str]:
    if len(term) < MIN_STEM:
        return []
    prefix = term[: max(MIN_STEM, int(len(term) * 0.8))]
    return sorted(t for t in index.idf if t != term and t.startswith(prefix))


def search_text(related: dict[str, list[str]]) -> str:
    """The related stems, to be searched with the topic."""
    return " ".join(dict.fromkeys(s for stems in related.values() for s in stems))


def own_words(related: dict[str, list[str]], present: set[str]) -> set[str]:
    """The topic's stems as a document writes them: a stem it lacks is replaced by the first
    related stem it has (kept when it has none)."""
    return {
        term if term in present else next((s for s in stems if s in present), term)
        for term, stems in related.items()
    }


def stems(text: str) -> set[str]:
    return set(tokenize(text))
