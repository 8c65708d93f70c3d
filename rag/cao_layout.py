"""A cao page's layout before cleaning: each heading, lid and table row a paragraph of its own.

A cao is read by its structure: hoofdstukken, artikelen with numbered leden, bijlagen with
tables. The general cleaner joins lines into paragraphs by punctuation, which would glue a
lid to the next one and every table row into one line. So, for documents of kind `cao` only,
each page is laid out first:
- a heading ("Hoofdstuk 5 ...", "Artikel 5.3 ...", "Bijlage 1 ...") and a table-of-contents
  line stand alone;
- a lid ("2. De werknemer ...") is one paragraph, its wrapped lines joined;
- a table row keeps its header: "Schaal 5: Trede 0 € 2.860; Trede 1 € 2.925; ...".
"""

import re
from dataclasses import dataclass

from rag.structure import is_heading

HEADING = re.compile(r"^(hoofdstuk|artikel|art\.|bijlage)\s+\d+(\.\d+)*\b", re.IGNORECASE)
LID = re.compile(r"^(\d{1,2})\.\s+\S")
TOC_TITLE = re.compile(r"^(inhoudsopgave|inhoud|inhoudstafel)$", re.IGNORECASE)
_VALUE = re.compile(r"€\s?\d{1,3}(?:\.\d{3})*(?:,\d{1,2})?|\b\d{1,3}(?:,\d{1,2})?\s?%")
_END = (".", "!", "?", ":", ";")
_MAX_LABEL_WORDS = 6


@dataclass
class _Paragraph:
    lines: list[str]
    open: bool  # more wrapped lines may join it

    @property
    def text(self) -> str:
        # A line that ends in a hyphen keeps its break: the cleaner decides how the word joins.
        parts: list[str] = []
        for line in self.lines:
            parts += [line, "\n" if line.endswith("-") else " "]
        return "".join(parts[:-1])


def layout_cao_page(text: str) -> str:
    """The page with blank lines between its structural paragraphs and tables labelled."""
    lines = _label_tables([line.strip() for line in text.split("\n")])
    paragraphs: list[_Paragraph] = []
    for line, row in lines:
        current = paragraphs[-1] if paragraphs else None
        if not line:
            if current:
                current.open = False
        elif row or _stands_alone(line):
            paragraphs.append(_Paragraph([line], open=bool(LID.match(line))))
        elif current and current.open and _continues(current, line):
            current.lines.append(line)
        else:
            paragraphs.append(_Paragraph([line], open=True))
    # Blank lines around the page too: its first and last paragraph do not run into the
    # neighbouring page's unless the cleaner sees a sentence continue there.
    return "\n\n".join(["", *(p.text for p in paragraphs), ""])


def _stands_alone(line: str) -> bool:
    return (
        is_cao_heading(line) or is_toc_entry(line) or bool(LID.match(line) or TOC_TITLE.match(line))
    )


def is_cao_heading(line: str) -> bool:
    """ "Hoofdstuk 5 Scholing", "Artikel 5.3 Studieverlof", "Bijlage 1 Salaristabel"."""
    return bool(HEADING.match(line)) and is_heading(line)


def is_toc_entry(line: str) -> bool:
    """A line of a table of contents: a heading or number, then a page number at the end."""
    return bool(_TOC_START.match(line) and _TOC_END.search(line))


_TOC_START = re.compile(rf"({HEADING.pattern}|\d+(\.\d+)*\s+[A-ZÀ-Ý])", re.IGNORECASE)
_TOC_END = re.compile(r"[^\d.,€%\s]\s*(\.{2,}|…+|_{2,})?\s*\d{1,3}$")


def _continues(paragraph: _Paragraph, line: str) -> bool:
    """A wrapped line joins a lid or sentence that has not ended; a caption stays alone."""
    text = paragraph.text
    if LID.match(text):  # a lid runs on until the next heading, lid or blank line
        return True
    if text.endswith(_END):
        return line[0].islower()
    caption = len(paragraph.lines) == 1 and not LID.match(text) and is_heading(text)
    return not caption or line[0].islower()


def _label_tables(lines: list[str]) -> list[tuple[str, bool]]:
    """Each line, and whether it is a table row: a table (a header line, then two or more rows
    of values) becomes its rows, each labelled with the header."""
    out: list[tuple[str, bool]] = []
    i = 0
    while i < len(lines):
        table = _table_at(lines, i)
        if table is None:
            out.append((lines[i], False))
            i += 1
            continue
        header, rows = table
        out.extend((label_row(header, label, values), True) for label, values in rows)
        i += 1 + len(rows)
    return out


def _table_at(lines: list[str], i: int) -> tuple[list[str], list[tuple[str, list[str]]]] | None:
    rows: list[tuple[str, list[str]]] = []
    for line in lines[i + 1 :]:
        row = table_row(line)
        if row is None or (rows and len(row[1]) != len(rows[0][1])):
            break
        rows.append(row)
    if len(rows) < 2:
        return None
    header = table_header(lines[i], len(rows[0][1]))
    return (header, rows) if header else None


def table_row(line: str) -> tuple[str, list[str]] | None:
    """(label, values) of a row: a short label followed by amounts or percentages only."""
    values = list(_VALUE.finditer(line))
    if not values:
        return None
    label = line[: values[0].start()].strip()
    rest = _VALUE.sub("", line[values[0].start() :]).strip()
    if not label or rest or len(label.split()) > _MAX_LABEL_WORDS:
        return None
    return label, [v.group(0) for v in values]


def table_header(line: str, columns: int) -> list[str] | None:
    """The row header and one label per column ("Schaal", "Trede 0", ...), if `line` has them."""
    words = line.split()
    if not words or _VALUE.search(line) or line.endswith(_END):
        return None
    if len(words) == 1 + 2 * columns:
        pairs = words[1:]
        return [words[0], *(f"{pairs[j]} {pairs[j + 1]}" for j in range(0, len(pairs), 2))]
    if len(words) == 1 + columns:
        return words
    return None


def parse_labelled_row(line: str) -> tuple[str, str, list[tuple[str, str]]] | None:
    """(row header, row label, [(column, value), ...]) of a line written by `label_row`."""
    match = _LABELLED.match(line.strip())
    if not match:
        return None
    cells = [_CELL.match(cell) for cell in match.group(3).split("; ")]
    if not all(cells):
        return None
    return match.group(1), match.group(2), [(c.group(1), c.group(2)) for c in cells if c]


_LABELLED = re.compile(r"^(\S+) ([^:;]{1,80}): (.+)\.$")
_CELL = re.compile(rf"^(\S.{{0,40}}?) ({_VALUE.pattern})$")


def label_row(header: list[str], label: str, values: list[str]) -> str:
    """One row with its header: "Schaal 5: Trede 0 € 2.860; Trede 1 € 2.925."."""
    cells = "; ".join(f"{name} {value}" for name, value in zip(header[1:], values, strict=True))
    return f"{header[0]} {label}: {cells}."
