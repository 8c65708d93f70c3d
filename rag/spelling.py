"""Typo tolerance: map a word the corpus never uses to the closest word it does use.

The work is bounded whatever the input: words longer than `MAX_WORD_LENGTH` are no typo of a
corpus word and stay as they are, each distinct unknown word is looked up once, and at most
`MAX_CORRECTIONS` unknown words of one text are looked up at all, the last ones first (the
rest stay as typed).
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from difflib import SequenceMatcher

_MIN_LENGTH = 5
_MIN_RATIO = 0.84
MAX_WORD_LENGTH = 40
MAX_CORRECTIONS = 32
_WORD = re.compile(r"[^\W\d_]+")


class Corrector:
    """Closest known word by edit similarity, searched among words of similar shape only."""

    def __init__(self, vocabulary: Iterable[str]) -> None:
        self._known = set(vocabulary)
        self._buckets: dict[str, list[str]] = defaultdict(list)
        # Sorted, so a tie between two equally close words goes the same way in every process
        # (set order follows the per-process string hash seed).
        for word in sorted(self._known):
            if len(word) >= _MIN_LENGTH - 1:
                self._buckets[word[:2]].append(word)

    def needs_search(self, token: str) -> bool:
        """Whether `token` is unknown and of a length a typo of a known word can have."""
        return (
            token not in self._known
            and _MIN_LENGTH <= len(token) <= MAX_WORD_LENGTH
            and not token[0].isdigit()
        )

    def correct(self, token: str) -> str:
        """`token` itself when known, too short or too long; else the closest known word, if
        close enough."""
        if not self.needs_search(token):
            return token
        best, best_ratio = token, _MIN_RATIO
        matcher = SequenceMatcher(None, token)
        for word in self._buckets.get(token[:2], []):
            if abs(len(word) - len(token)) > 2:
                continue
            matcher.set_seq2(word)
            # The quick upper bounds skip most words before the exact (quadratic) ratio.
            if matcher.real_quick_ratio() <= best_ratio or matcher.quick_ratio() <= best_ratio:
                continue
            ratio = matcher.ratio()
            if ratio > best_ratio:
                best, best_ratio = word, ratio
        return best

    def correct_text(self, text: str) -> str:
        """`text` with its unknown words replaced by their closest known words.

        The last words come first (a follow-up's own question ends the text): once
        `MAX_CORRECTIONS` distinct unknown words are looked up, earlier ones stay as typed."""
        fixed: dict[str, str] = {}
        for word in reversed(_WORD.findall(text)):
            lower = word.lower()
            if lower in fixed or not self.needs_search(lower):
                continue
            if len(fixed) >= MAX_CORRECTIONS:
                break
            fixed[lower] = self.correct(lower)

        def replace(match: re.Match[str]) -> str:
            word = match.group(0)
            lower = word.lower()
            found = fixed.get(lower, lower)
            return word if found == lower else found

        return _WORD.sub(replace, text)
