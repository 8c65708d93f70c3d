"""Turn raw extracted text into clean running text: ligatures, hyphenation, bullets, footnotes."""

import bisect
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable

from pydantic import BaseModel

from rag.models import Page
from rag.structure import BULLET, is_heading

PAGE_BREAK = "\f"
_JUNK = re.compile("[\u00ad\u200b\u200c\u200d\ufeff\ufffd\ue000-\uf8ff]")
# Control characters other than tab, newline and the form feed that marks a page break; the
# invisible direction and format marks; lone surrogates and non-characters.
_CONTROL = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u061c\u180e\u200e\u200f\u202a-\u202e"
    "\u2060-\u206f\ud800-\udfff\ufff9-\ufffb\ufffe\uffff\U000e0000-\U000e007f]"
)
# Vertical tab (a manual line break in Word exports), NEL and the Unicode line separators.
_LINE_BREAKS = str.maketrans(dict.fromkeys("\x0b\x85\u2028\u2029", "\n"))
_BULLET_START = re.compile(r"^[ \t]*(?:[➔→►▶▪■□◦●•∙·✓✔➢➤»]|-(?=\s))[➔→►▶▪■□◦●•∙·✓✔➢➤»\s]*")
_PAGE_NUMBER = re.compile(
    r"^\s*(?:(?:pagina|page|p\.)\s*)?\d{1,3}(?:\s*(?:/|van|of)\s*\d{1,3})?\s*$", re.IGNORECASE
)
_MARKDOWN_HEADING = re.compile(r"^#{1,6} +(\S.*?)(?: +#+)?$")
_URL_LINE = re.compile(r"^\s*(?:https?://|www\.)\S+\s*$")
_FOOTNOTE = re.compile(r"\b([^\W\d_]*[a-zà-ÿ]{2})(\d{1,2})(?=[\s.,;:)!?]|$)", re.MULTILINE)
_UNITS = {"km", "hm", "dm", "cm", "mm"}  # "km2" is an area, not a footnote
# The lookbehinds only skip starts inside a word (no match can begin there): linear time.
_HYPHEN_BREAK = re.compile(r"(?<!\w)(\w+)-[ \t]*\n(\f\n)?[ \t]*([^\W\d_]\w*)")
_CONJUNCTIONS = {"en", "of", "als", "tot", "noch", "dan"}  # "mbo-, hbo- of wo-diploma"
# Symbol/Wingdings bullets (private-use code points) that would otherwise vanish as junk.
_SYMBOL_BULLETS = str.maketrans(dict.fromkeys("\uf0b7\uf0a7\uf0a8\uf076\uf0d8\uf0e0\uf0fc", "•"))
_SPLIT_WORD = re.compile(r"(?<![a-zà-ÿ])([a-zà-ÿ]+)[ \t]*\n[ \t]*([a-zà-ÿ]+)")
_SENTENCE_END = (".", "!", "?", ":", ";")
_KEEP_HYPHEN_PREFIXES = {
    "mbo",
    "hbo",
    "wo",
    "vmbo",
    "havo",
    "vwo",
    "mkb",
    "cao",
    "ict",
    "llo",
    "oo",
    "o&o",
    "eu",
    "r&d",
    "co",
    "ex",
    "non",
    "oud",
    "vice",
    "zzp",
    "bbl",
    "bol",
    "hr",
    "ai",
    "it",
}
_VOWELS = set("aeiouyáéíóúäëïöü")


class CleanDocument(BaseModel):
    """Cleaned text of a whole document and where each page starts in it."""

    text: str
    page_starts: list[tuple[int, int]]  # (offset, page number) for PDFs; empty for text files

    def page_at(self, offset: int) -> int | None:
        index = bisect.bisect_right(self.page_starts, offset, key=lambda start: start[0])
        return self.page_starts[index - 1][1] if index else None


def clean_pages(
    pages: list[Page], page_layout: Callable[[str], str] | None = None
) -> CleanDocument:
    """Clean every page, drop repeated headers/footers and join pages into one text.

    `page_layout` rewrites each page once its headers and footers are gone (a cao's
    structure, `rag.cao_layout`); without it, pages are cleaned as they are."""
    texts = [_normalise(page.text).replace(PAGE_BREAK, "\n").strip("\n") for page in pages]
    if len(texts) >= 3:
        texts = _drop_repeated_lines(texts)
    if page_layout is not None:
        texts = [page_layout(text) for text in texts]
    raw = f"\n{PAGE_BREAK}\n".join(texts)
    cleaned = clean_text(raw)
    text, offsets = _extract_page_breaks(cleaned)
    numbers = [p.page for p in pages]
    if numbers and numbers[0] is None:
        return CleanDocument(text=text, page_starts=[])
    later = zip(offsets, numbers[1:], strict=False)
    starts = [(0, numbers[0] or 1)] + [(offset, number or 0) for offset, number in later]
    return CleanDocument(text=text, page_starts=starts)


def clean_text(text: str) -> str:
    """Clean raw text (one page or many joined by form feeds) into reflowed paragraphs."""
    text = _normalise(text)
    cleaned = (_clean_line(line) for line in text.split("\n"))
    text = _join_hyphenation("\n".join(line for line in cleaned if line is not None))
    text = _FOOTNOTE.sub(_drop_footnote, text)
    return _reflow(text.split("\n"))


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_LINE_BREAKS)
    return _CONTROL.sub("", _JUNK.sub("", text.translate(_SYMBOL_BULLETS)))


def _drop_footnote(match: re.Match[str]) -> str:
    word = match.group(1)
    return match.group(0) if word.lower() in _UNITS else word


def _clean_line(line: str) -> str | None:
    if line.strip(" \t") == PAGE_BREAK:  # str.strip() alone would eat the form feed
        return PAGE_BREAK
    if _PAGE_NUMBER.match(line) or _URL_LINE.match(line):
        return None
    bullet = _BULLET_START.match(line)
    if bullet and line[bullet.end() :].strip():
        line = BULLET + line[bullet.end() :]
    line = re.sub(r"[ \t]+", " ", line).strip()
    heading = _MARKDOWN_HEADING.match(line)
    # Blank lines around a Markdown heading keep it on its own line, whatever its wording.
    return f"\n{heading.group(1)}\n" if heading else line


def _drop_repeated_lines(pages: list[str]) -> list[str]:
    """Headers and footers: short lines that recur (digits aside) on half the pages or more."""

    def key(line: str) -> str:
        return re.sub(r"\d+", "#", line.strip().lower())

    counts = Counter(
        k for page in pages for k in {key(line) for line in page.split("\n")} if k and len(k) <= 80
    )
    repeated = {k for k, n in counts.items() if n >= max(3, math.ceil(len(pages) / 2))}
    return [
        "\n".join(line for line in page.split("\n") if key(line) not in repeated) for page in pages
    ]


def _join_hyphenation(text: str) -> str:
    vocabulary = Counter(w.lower() for w in re.findall(r"[\w-]+", text))

    def join(match: re.Match[str]) -> str:
        head, page_break, tail = match.groups()
        word = _hyphen_join(head, tail, vocabulary)
        # Across a page break the whole word moves to the next page.
        return f"\n{PAGE_BREAK}\n{word}" if page_break else word

    def rejoin(match: re.Match[str]) -> str:
        # A hyphen lost in extraction ("demo\ngrafische"): join only into a word the text uses.
        head, tail = match.group(1), match.group(2)
        joined = (head + tail).lower()
        known = vocabulary[head.lower()] > 1 and vocabulary[tail.lower()] > 1
        return head + tail if vocabulary[joined] > 0 and not known else match.group(0)

    return _SPLIT_WORD.sub(rejoin, _HYPHEN_BREAK.sub(join, text))


def _hyphen_join(head: str, tail: str, vocabulary: Counter[str]) -> str:
    if tail.lower() in _CONJUNCTIONS:  # a suspended hyphen ("hbo- of"), not a broken word
        return f"{head}- {tail}"
    return f"{head}-{tail}" if _keeps_hyphen(head, tail, vocabulary) else head + tail


def _keeps_hyphen(head: str, tail: str, vocabulary: Counter[str]) -> bool:
    hyphenated, joined = f"{head}-{tail}".lower(), (head + tail).lower()
    if vocabulary[hyphenated] > 0:
        return True
    if vocabulary[joined] > 0:
        return False
    if head.lower() in _KEEP_HYPHEN_PREFIXES or head[-1].isdigit() or head.isupper():
        return True
    if tail[0].isupper():  # "Noord-Holland", "niet-EU"
        return True
    return head[-1].lower() in _VOWELS and tail[0].lower() in _VOWELS


def _reflow(lines: list[str]) -> str:
    """Join lines broken mid-sentence; keep headings, bullets and paragraphs apart."""
    blocks: list[str] = []
    current = _Block()
    for line, following in zip(lines, _next_contents(lines), strict=True):
        if not line:
            if current.has_content and not _continues(current.tail, following):
                blocks.append(current.pop())
            continue
        if line == PAGE_BREAK:
            current.add_page_break()
            continue
        if current.has_content and _starts_block(line, current, following):
            blocks.append(current.pop())
        current.add_line(line)
        if is_heading(line) and not line.startswith(BULLET) and _heading_context("", following):
            blocks.append(current.pop())
    last = current.pop()
    if last.strip(f" {PAGE_BREAK}") or not blocks:
        blocks.append(last)
    elif last:  # trailing empty pages: their breaks close the last block
        blocks[-1] += f" {last}"
    return "\n".join(b.strip(" ") for b in blocks if b.strip(f" {PAGE_BREAK}") or PAGE_BREAK in b)


class _Block:
    """The paragraph being built, as parts, so that a long one costs linear time.

    It behaves as the string `text` would under `text = line` (when empty),
    `text = f"{text} {PAGE_BREAK}"` and `text = f"{text} {line}".strip(" ")`."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.has_content = False  # holds more than spaces and page breaks

    def add_page_break(self) -> None:
        self.parts.append(f" {PAGE_BREAK}" if self.parts else PAGE_BREAK)

    def add_line(self, line: str) -> None:
        if not self.parts:
            self.parts.append(line)
        elif self.parts[0].startswith(" ") or not line.strip(" "):
            whole = f"{''.join(self.parts)} {line}".strip(" ")  # rare: strip as a whole
            self.parts = [whole] if whole else []
        else:
            self.parts.append(f" {line.rstrip(' ')}")
        self.has_content = self.has_content or bool(line.strip(f" {PAGE_BREAK}"))

    @property
    def tail(self) -> str:
        """The end of the text without trailing spaces and page breaks (the last part)."""
        for part in reversed(self.parts):
            if part.strip(f" {PAGE_BREAK}"):
                return part.rstrip(f" {PAGE_BREAK}")
        return ""

    def startswith(self, prefix: str) -> bool:
        head = ""
        for part in self.parts:
            head += part
            if len(head) >= len(prefix):
                break
        return head.startswith(prefix)

    def pop(self) -> str:
        text = "".join(self.parts)
        self.parts, self.has_content = [], False
        return text


def _starts_block(line: str, current: _Block, following: str) -> bool:
    """A bullet, the first line after a bullet, or a heading between sentences."""
    bullet_ends = current.startswith(BULLET) and not line[0].islower()
    heading = is_heading(line) and _heading_context(current.tail, following)
    return line.startswith(BULLET) or bullet_ends or heading


def _next_contents(lines: list[str]) -> list[str]:
    """For each line, the next line after it that is neither empty nor a page break."""
    following = [""] * len(lines)
    for index in range(len(lines) - 1, 0, -1):
        line = lines[index]
        following[index - 1] = line if line and line != PAGE_BREAK else following[index]
    return following


def _continues(current: str, following: str) -> bool:
    """A blank line inside a sentence (a page or column break) does not end the paragraph."""
    tail = current.rstrip(f" {PAGE_BREAK}")
    return bool(following) and not tail.endswith(_SENTENCE_END) and following[0].islower()


def _heading_context(previous: str, following: str) -> bool:
    tail = previous.rstrip(f" {PAGE_BREAK}")
    ends_sentence = not tail or tail.endswith(_SENTENCE_END)
    starts_new = not following or not following[0].islower()
    return ends_sentence and starts_new


def _extract_page_breaks(text: str) -> tuple[str, list[int]]:
    """Remove the form feeds and return where each later page starts in the remaining text."""
    parts = text.split(PAGE_BREAK)
    out = parts[0].rstrip(" ")
    offsets: list[int] = []
    for part in parts[1:]:
        part = part.lstrip(" ")
        if out and part and not out.endswith("\n") and not part.startswith("\n"):
            out += " "
        offsets.append(len(out))
        out += part.rstrip(" ") if PAGE_BREAK in text else part
    return out, offsets
