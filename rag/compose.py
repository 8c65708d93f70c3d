"""Answer shapes: which ranked units to quote for a kind of question, and how to lay them out.

- fact and number questions: the best unit (the one holding the number), plus a close second;
- list questions: the whole list, one item per line, each cited;
- explanations ("waarom", "hoe"): 2-4 units of the passage that argues it, in document order;
- positions, and answers drawn from several documents: grouped per source (`rag.grouping`,
  shared with the comparison mode), newest source first, organisation(s) and year in bold,
  1-2 units each, those that state a position first.
Every quoted line ends in its [n] marker; lines without one are framing from `rag.prompts`.
"""

from rag import prompts
from rag.answer import Generated, GenerationRequest, Scored, citation_for
from rag.cao_articles import article_heading
from rag.grouping import by_document, distinct
from rag.kinds import has_number
from rag.models import Citation
from rag.retrieve import Hit
from rag.structure import BULLET

_DEFAULTS = {
    "ratio": 0.5,
    "list_ratio": 0.8,
    "other_document_ratio": 0.8,
    "number_ratio": 0.25,
    "floor": 0.15,
    "max_units": 3,
    "max_documents": 4,
    "max_explain": 4,
}
_SHORT_LIST = 4


def compose(
    request: GenerationRequest, ranked: list[Scored], selection: dict[str, float]
) -> Generated:
    """The answer text and its citations for the chosen units."""
    s = {**_DEFAULTS, **selection}
    if request.kind != "list":
        # A long list answers a list question; for anything else one of its items does.
        ranked = [u for u in ranked if u.candidate.unit.items <= _SHORT_LIST] or ranked
    if request.kind == "quantity":
        ranked = _number_first(ranked, s)
    eligible = _eligible(ranked, s)
    if request.kind == "position" or len({u.document_id for u in eligible}) > 1:
        groups = _by_document(request, eligible, s)
    elif request.kind == "list":
        groups = [_list_units(ranked, eligible, s)]
    elif request.kind == "explanation":
        groups = [_explanation(ranked, s)]
    else:
        groups = [eligible[: int(s["max_units"])]]
    return _render(request, groups, grouped=len(groups) > 1 or request.kind == "position")


def _number_first(ranked: list[Scored], s: dict[str, float]) -> list[Scored]:
    """A number question leads with the best unit that holds a number, if one ranks near."""
    bar = s["number_ratio"] * ranked[0].probability
    for unit in ranked[:5]:
        if has_number(unit.text) and unit.probability >= bar:
            return [unit, *(u for u in ranked if u is not unit)]
    return ranked


def _eligible(ranked: list[Scored], s: dict[str, float]) -> list[Scored]:
    """The best unit and those close to it; another document has to come closer still."""
    best = ranked[0]
    bar = max(s["floor"], s["ratio"] * best.probability)
    other = max(bar, s["other_document_ratio"] * best.probability)
    close = [
        u
        for u in ranked[1:]
        if u.probability >= (bar if u.document_id == best.document_id else other)
    ]
    return distinct([best, *close])


def _by_document(
    request: GenerationRequest, eligible: list[Scored], s: dict[str, float]
) -> list[list[Scored]]:
    """Per source, position units first, newest source first (shared with `rag.compare`)."""
    groups = by_document(eligible, lambda u: request.hits[u.candidate.hit_rank].chunk.year, 2)
    return groups[: int(s["max_documents"])]


def _list_units(ranked: list[Scored], eligible: list[Scored], s: dict[str, float]) -> list[Scored]:
    """The best list unit if it ranks (nearly) first, else the eligible units as items."""
    bar = s["list_ratio"] * ranked[0].probability
    for unit in ranked[:3]:
        if unit.candidate.unit.kind == "list" and unit.probability >= bar:
            return [unit]
    return eligible[:4]


def _explanation(ranked: list[Scored], s: dict[str, float]) -> list[Scored]:
    best = ranked[0]
    same = [
        u
        for u in ranked
        if u.candidate.unit.position == best.candidate.unit.position and u.probability >= s["floor"]
    ]
    chosen = distinct([best, *same])[: int(s["max_explain"])]
    return sorted(chosen, key=lambda u: u.candidate.unit.start)


def _render(request: GenerationRequest, groups: list[list[Scored]], grouped: bool) -> Generated:
    lang = request.language
    parts = [prompts.render("cao_scope", lang)] if request.cao_scope else []
    citations: list[Citation] = []
    for group in groups:
        hit = request.hits[group[0].candidate.hit_rank]
        lines = [_source_line(hit, lang, "source_header")] if grouped else []
        for unit in group:
            n = len(citations) + 1
            source = request.hits[unit.candidate.hit_rank]
            citations.append(citation_for(source, n, unit.text))
            if citations[-1].article:  # a cao: the answer names the article it quotes
                lines.append(_article_line(source, citations[-1].article, lang))
            elif lang == "en" and not grouped:
                lines.append(_source_line(source, lang, "quoted_from"))
            lines.extend(quote_lines(unit.text, n, unit.candidate.unit.kind == "list"))
        parts.append("\n".join(lines))
    return Generated("\n\n".join(parts), True, citations)


def _source_line(hit: Hit, language: str, template: str) -> str:
    chunk = hit.chunk
    organisations = ", ".join(chunk.organisations) or chunk.title
    year = f", {chunk.year}" if chunk.year else ""
    return prompts.render(
        template, language, organisations=organisations, year=year, title=chunk.title
    )


def _article_line(hit: Hit, article: str, language: str) -> str:
    heading = article_heading(hit.chunk) or hit.chunk.section
    return prompts.render(
        "cao_article", language, article=article, heading=heading, title=hit.chunk.title
    )


def quote_lines(text: str, n: int, items_only: bool = False) -> list[str]:
    """A unit as answer lines: prose joined on one line, each list item on its own, all cited.

    `items_only`: a list whose items each carry a paragraph shows its lead-in and items."""
    lines: list[str] = []
    prose: list[str] = []
    for number, raw in enumerate(text.split("\n")):
        line = raw.strip()
        if not line or (items_only and number and not line.startswith(BULLET)):
            continue
        if line.startswith(BULLET):
            if prose:
                lines.append(" ".join(f"{p} [{n}]" for p in prose))
                prose = []
            lines.append(f"- {line[len(BULLET) :].strip()} [{n}]")
        else:
            prose.append(line)
    if prose:
        lines.append(" ".join(f"{p} [{n}]" for p in prose))
    return lines
