"""Text structure shared by cleaning, chunking and answering: headings, bullets, sentences."""

import re

BULLET = "- "
_ABBREVIATIONS = (
    "o.a",
    "bijv",
    "bv",
    "d.w.z",
    "e.d",
    "m.n",
    "i.p.v",
    "nl",
    "mr",
    "dr",
    "ir",
    "ing",
    "drs",
    "nr",
    "ca",
    "vs",
    "incl",
    "excl",
    "t.o.v",
    "m.b.t",
    "z.g.a",
    "e.g",
    "i.e",
    "etc",
    "resp",
    "art",
    "lid",
    "blz",
    "p",
    "jl",
    "vgl",
    "zgn",
    "mln",
    "mld",
    "mrd",
    "min",
    "max",
    "dhr",
    "mevr",
    "mw",
    "prof",
    "i.v.m",
    "t.a.v",
    "a.d.h.v",
    "o.b.v",
    "n.a.v",
    "m.u.v",
)
# Group 1 is the gap between two sentences; closing quotes and brackets stay with the first.
_BOUNDARY = re.compile(r"(?<=[.!?…])[\"'”’)]*(\s+)(?=[\"'“‘(]?[A-Z0-9À-Ý€])")
_HEADING_END = (".", ",", ";", "!", "?", ":", "-", "–")
_NOT_LAST = {
    "de",
    "het",
    "een",
    "van",
    "en",
    "in",
    "op",
    "voor",
    "met",
    "te",
    "om",
    "die",
    "dat",
    "aan",
    "als",
    "is",
    "zijn",
    "of",
    "door",
    "bij",
    "naar",
    "tot",
    "we",
    "wij",
    "ook",
    "the",
    "and",
    "to",
    "a",
    "for",
    "zich",
    "er",
    "uit",
    "over",
    "dan",
    "maar",
}


def is_heading(line: str) -> bool:
    """A short line that reads as a title: capitalised or numbered, no closing punctuation."""
    text = line.strip()
    if not text or text.startswith(BULLET) or text.endswith(_HEADING_END):
        return False
    words = text.split()
    if words[-1].lower() in _NOT_LAST and not words[-1].isupper():  # "Bijlage A" is a title
        return False
    first = text[0]
    if first.isdigit():
        numbered = re.match(r"^\d{1,2}(\.\d{1,2})*\.?\s+[A-ZÀ-Ý]", text)
        return bool(numbered) and len(words) <= 20
    if len(words) > 10 or len(text) > 90:
        return False
    letters = sum(ch.isalpha() for ch in text)
    return first.isupper() and letters >= 0.6 * len(text.replace(" ", ""))


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Sentence spans (start, end) in `text`, shifted by `offset`; every line break ends one."""
    spans: list[tuple[int, int]] = []
    position = 0
    for line in text.split("\n"):
        for start, end in _line_sentences(line):
            spans.append((offset + position + start, offset + position + end))
        position += len(line) + 1
    return spans


def _line_sentences(line: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(line):
        if _ends_with_abbreviation(line, start, match.start()):
            continue
        spans.append((start, match.start(1)))
        start = match.end()
    spans.append((start, len(line)))
    return [_trim(line, s, e) for s, e in spans if line[s:e].strip()]


def _ends_with_abbreviation(line: str, start: int, end: int) -> bool:
    """Whether the last word of `line[start:end]` is an abbreviation or a single letter.

    Only that word is looked at (not the whole slice), so a line of many abbreviations
    stays linear."""
    word_end = end
    while word_end > start and line[word_end - 1].isspace():
        word_end -= 1
    word_start = word_end
    while word_start > start and not line[word_start - 1].isspace():
        word_start -= 1
    last = line[word_start:word_end].lower().rstrip(".")
    return last in _ABBREVIATIONS or bool(re.fullmatch(r"[a-z]", last))


def _trim(line: str, start: int, end: int) -> tuple[int, int]:
    """The span without surrounding whitespace and without a leading bullet marker."""
    start, end = _strip_span(line, start, end)
    if start + len(BULLET) <= end and line.startswith(BULLET, start):
        start, end = _strip_span(line, start + len(BULLET), end)
    return start, end


def _strip_span(line: str, start: int, end: int) -> tuple[int, int]:
    while start < end and line[start].isspace():
        start += 1
    while end > start and line[end - 1].isspace():
        end -= 1
    return start, end
