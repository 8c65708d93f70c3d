"""Citation markers in generated text: split it into sentences, read each one's [n], renumber.

A language model writes "Zin. [1]" as often as "Zin [1]." and cites several sources as
"[1, 2]" or "[1][2]"; all of these count. A sentence keeps the markers that follow it.
"""

import re
from dataclasses import dataclass

_MARKER = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
# A sentence ends at . ! or ? (with the markers after it) before whitespace and a capital, a
# quote or a list bullet (not a digit: "o.a. 7%"): "159.710" and "o.a. de" stay whole.
_END = re.compile(
    r"(?<=[.!?])((?:\s*\[\d+(?:\s*[,;]\s*\d+)*\])*)\s+(?=[A-ZÀ-Ý\"'“‘(-])"
    r"|(?<=\])\s+(?=[A-ZÀ-Ý\"'“‘(-])"
)
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")


@dataclass(frozen=True)
class Sentence:
    """One generated sentence: its text as written, without markers, the numbers it cites,
    and the line it stands on (list items stay on lines of their own)."""

    text: str
    claim: str
    cited: tuple[int, ...]
    line: int = 0


def markers(text: str) -> list[int]:
    """Every source number cited in `text`, in order, repeats kept."""
    return [int(n) for group in _MARKER.findall(text) for n in re.split(r"\s*[,;]\s*", group)]


def strip_markers(text: str) -> str:
    """`text` without its markers, whitespace tidied ("Zin [1]." -> "Zin.")."""
    bare = _MARKER.sub("", text)
    bare = re.sub(r"\s+([.,;:!?])", r"\1", bare)
    return re.sub(r"[ \t]+", " ", bare).strip()


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of a generated answer; every line (a list item) splits on its own."""
    found: list[Sentence] = []
    for number, line in enumerate(text.splitlines()):
        for piece in _pieces(line):
            claim = strip_markers(_BULLET.sub("", piece))
            if re.search(r"\w", claim):
                cited = tuple(dict.fromkeys(markers(piece)))
                found.append(Sentence(piece.strip(), claim, cited, number))
    return found


def _pieces(line: str) -> list[str]:
    pieces, start = [], 0
    for match in _END.finditer(line):
        end = match.start() + len(match.group(1) or "")
        pieces.append(line[start:end])
        start = match.end()
    pieces.append(line[start:])
    return _leading_markers_last([p for p in pieces if p.strip()])


def _leading_markers_last(pieces: list[str]) -> list[str]:
    """Small models often write "[1] Zin." (the marker first, as in the source list): markers
    that open a line belong to the sentence after them, and move to its end."""
    if len(pieces) > 1 and _MARKER.sub("", pieces[0]).strip() == "":
        return [f"{pieces[1].strip()} {pieces[0].strip()}", *pieces[2:]]
    return pieces


def join_lines(sentences: list[Sentence], texts: list[str]) -> str:
    """`texts` (one per sentence) laid out as written: same line joined by a space."""
    lines: dict[int, list[str]] = {}
    for sentence, text in zip(sentences, texts, strict=True):
        lines.setdefault(sentence.line, []).append(text)
    return "\n".join(" ".join(parts) for parts in lines.values())


def renumber(sentences: list[str]) -> tuple[list[str], list[int]]:
    """Markers made consecutive in order of first use: the rewritten sentences and, for each
    new number 1, 2, ..., the old number it replaces."""
    order: list[int] = []
    for sentence in sentences:
        order.extend(n for n in markers(sentence) if n not in order)
    new = {old: i + 1 for i, old in enumerate(order)}

    def rewrite(match: re.Match[str]) -> str:
        numbers = dict.fromkeys(new[int(n)] for n in re.split(r"\s*[,;]\s*", match.group(1)))
        return "".join(f"[{n}]" for n in numbers)

    return [_MARKER.sub(rewrite, s) for s in sentences], order
