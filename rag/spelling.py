"""Typo tolerance: map a word the corpus never uses to the closest word it does use."""

import re
from collections import defaultdict
from collections.abc import Iterable
from difflib import SequenceMatcher

_MIN_LENGTH = 5
_MIN_RATIO = 0.84


class Corrector:
    """Closest known word by edit similarity, searched among words of similar shape only."""

    def __init__(self, vocabulary: Iterable[str]) -> None:
        self._known = set(vocabulary)
        self._buckets: dict[str, list[str]] = defaultdict(list)
        for word in self._known:
            if len(word) >= _MIN_LENGTH - 1:
                self._buckets[word[:2]].append(word)

    def correct(self, token: str) -> str:
        """`token` itself when known or too short; else the closest known word, if close enough."""
        if token in self._known or len(token) < _MIN_LENGTH or token[0].isdigit():
            return token
        best, best_ratio = token, _MIN_RATIO
        for word in self._buckets.get(token[:2], []):
            if abs(len(word) - len(token)) > 2:
                continue
            ratio = SequenceMatcher(None, token, word).ratio()
            if ratio > best_ratio:
                best, best_ratio = word, ratio
        return best

    def correct_text(self, text: str) -> str:
        """`text` with every unknown word replaced by its closest known word."""
        return re.sub(r"[^\W\d_]+", lambda m: self._keep_case(m.group(0)), text)

    def _keep_case(self, word: str) -> str:
        fixed = self.correct(word.lower())
        return word if fixed == word.lower() else fixed
