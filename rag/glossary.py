"""Offline English->Dutch domain glossary, so an English question's keyword search finds Dutch.

BM25 indexes Dutch stems; English words never match them. `Glossary.dutch_terms` turns the
English phrases of a question into the Dutch words the documents use ("labour migration" ->
"arbeidsmigratie arbeidsmigranten"), to be searched together with the question.
The glossary lives in rag/data/glossary_en_nl.tsv: `english<TAB>dutch`, one entry a line.
"""

import re
from functools import lru_cache
from pathlib import Path

DEFAULT_PATH = Path(__file__).parent / "data" / "glossary_en_nl.tsv"
MAX_PHRASE_WORDS = 3
# Words: letters and digits, with "&" inside ("r&d"); hyphens and apostrophes split words,
# so "long-term" matches "long term" and "employers'" matches "employers".
_WORD = re.compile(r"[a-z0-9]+(?:&[a-z0-9]+)*")


def words(text: str) -> tuple[str, ...]:
    """The lowercased words of `text`, as the glossary matches them."""
    return tuple(_WORD.findall(text.lower()))


class Glossary:
    """English phrases (up to `MAX_PHRASE_WORDS` words) mapped to their Dutch search terms."""

    def __init__(self, entries: dict[tuple[str, ...], str]) -> None:
        self._entries = entries
        self._longest = max((len(key) for key in entries), default=0)

    def __len__(self) -> int:
        return len(self._entries)

    @classmethod
    def parse(cls, text: str) -> "Glossary":
        """Read `english<TAB>dutch` lines; blank lines are skipped, a later key wins."""
        entries: dict[tuple[str, ...], str] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            english, tab, dutch = line.partition("\t")
            key = words(english)
            if not tab or not key or not dutch.strip() or len(key) > MAX_PHRASE_WORDS:
                raise ValueError(f"glossary line {number} is not `english<TAB>dutch`: {line!r}")
            entries[key] = " ".join(dutch.lower().split())
        return cls(entries)

    def dutch_terms(self, text: str) -> str:
        """The Dutch terms of the English phrases in `text`, longest phrase first at each word.

        Space-joined, each Dutch word once, in order of appearance; "" when nothing matches."""
        tokens = words(text)
        found: dict[str, None] = {}
        i = 0
        while i < len(tokens):
            for size in range(min(self._longest, len(tokens) - i), 0, -1):
                dutch = self._entries.get(tokens[i : i + size])
                if dutch is not None:
                    found.update(dict.fromkeys(dutch.split()))
                    i += size
                    break
            else:
                i += 1
        return " ".join(found)

    def covers(self, text: str) -> bool:
        """Every word of `text` belongs to an English phrase of the glossary: a short text
        ("labour migration") that language detection cannot decide is English."""
        tokens = words(text)
        i = 0
        while i < len(tokens):
            sizes = range(min(self._longest, len(tokens) - i), 0, -1)
            size = next((n for n in sizes if tokens[i : i + n] in self._entries), 0)
            if not size:
                return False
            i += size
        return bool(tokens)


def load_glossary(path: Path | None = None) -> Glossary:
    """The glossary in `path` (default: the packaged one), read once per path."""
    return _load(path or DEFAULT_PATH)


@lru_cache(maxsize=8)
def _load(path: Path) -> Glossary:
    return Glossary.parse(path.read_text(encoding="utf-8"))


def dutch_terms(text: str) -> str:
    """The Dutch terms of `text` by the packaged glossary (see `Glossary.dutch_terms`)."""
    return load_glossary().dutch_terms(text)
