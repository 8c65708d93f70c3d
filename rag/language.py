"""Deterministic language detection restricted to the languages served (Dutch and English)."""

import re
from functools import lru_cache

from langdetect import DetectorFactory, LangDetectException
from langdetect.detector_factory import init_factory

SERVED = ("nl", "en")
DEFAULT = "nl"
_MIN_CHARS = 25
_DUTCH = {
    "de",
    "het",
    "een",
    "en",
    "van",
    "wat",
    "hoe",
    "welke",
    "zijn",
    "is",
    "niet",
    "voor",
    "op",
    "over",
    "zeggen",
    "zegt",
    "wie",
    "waarom",
    "hoeveel",
    "wordt",
    "worden",
    "ik",
    "mijn",
    "bij",
    "met",
    "ze",
    "er",
    "dat",
    "die",
    "ook",
    "nog",
    "naar",
    "kan",
    "moet",
    "waar",
}
_ENGLISH = {
    "the",
    "a",
    "an",
    "and",
    "of",
    "what",
    "how",
    "which",
    "are",
    "is",
    "not",
    "for",
    "on",
    "about",
    "say",
    "says",
    "who",
    "why",
    "many",
    "much",
    "do",
    "does",
    "i",
    "my",
    "with",
    "they",
    "that",
    "this",
    "to",
    "in",
    "can",
    "should",
    "where",
    "their",
}


@lru_cache(maxsize=1)
def _factory() -> DetectorFactory:
    init_factory()
    from langdetect import detector_factory

    factory = detector_factory._factory
    assert factory is not None
    factory.set_seed(0)
    return factory


def detect_language(text: str) -> str:
    """'nl' or 'en'; short or undecided text counts as Dutch, the corpus language."""
    words = re.findall(r"[a-zà-ÿ']+", text.lower())
    dutch = sum(word in _DUTCH for word in words)
    english = sum(word in _ENGLISH for word in words)
    if abs(dutch - english) >= 2 or len(text.strip()) < _MIN_CHARS:
        return "en" if english > dutch else DEFAULT
    return _langdetect(text) or ("en" if english > dutch else DEFAULT)


def _langdetect(text: str) -> str | None:
    detector = _factory().create()
    detector.set_prior_map({lang: (1.0 if lang in SERVED else 0.0) for lang in _factory().langlist})
    detector.append(text[:2000])
    try:
        language = str(detector.detect())
    except LangDetectException:
        return None
    return language if language in SERVED else None
