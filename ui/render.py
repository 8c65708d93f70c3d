"""Pure rendering: chat messages, the sources panel (HTML) and the documents table.

An exchange is ``{"question": str, "answer": <Answer as dict>}`` or, when asking failed,
``{"question": str, "error": str}``. Source `n` of exchange `k` has the element id
``bron-{k}-{n}``; the answer's marker ``[n]`` links to it.
"""

import html
import re
from typing import Any

from rag.cao_scope import notes_missing_cao
from rag.models import Answer, Citation
from ui import text

_MARKER = re.compile(r"\[(\d+)\]")
Exchange = dict[str, Any]
Message = dict[str, str]


def source_id(k: int, n: int | str) -> str:
    return f"bron-{k}-{n}"


def answer_markdown(answer_text: str, k: int, answerable: bool = True) -> str:
    """The answer with each citation marker as a link to its source in the panel.

    Markup in a quoted document (or a question) is shown as text, never run: `<` and `&` are
    escaped before the markdown is built."""
    safe = html.escape(answer_text, quote=False)
    linked = _MARKER.sub(lambda m: f"[[{m[1]}]](#{source_id(k, m[1])})", safe)
    if notes_missing_cao(answer_text):  # offer the upload where the answer misses the cao
        linked = f"{linked}\n\n{text.CAO_UPLOAD_HINT}"
    return linked if answerable else f"**{text.NOT_FOUND}.** {linked}"


def draft_markdown(draft: str) -> str:
    """A language model's unverified draft while it is written (replaced when verified)."""
    return f"_{text.DRAFT}_\n\n{html.escape(draft, quote=False)}"


def verification_html(verification: dict[str, Any] | None) -> str:
    """The check's note under an answer; removed sentences open from it. "" when nothing
    was removed and there was no fallback (and for extractive answers)."""
    if not verification or not verification.get("note"):
        return ""
    note = html.escape(verification["note"], quote=False)
    removed = verification.get("removed") or []
    if not removed:
        return f"\n\n<small class='sw-verification'>{note}</small>"
    items = "".join(
        f"<li>{html.escape(r['sentence'], quote=False)} "
        f"<i>({html.escape(text.REASONS.get(r['reason'], r['reason']), quote=False)})</i></li>"
        for r in removed
    )
    return (
        f"\n\n<details class='sw-verification'><summary><small>{note}</small></summary>"
        f"<ul>{items}</ul></details>"
    )


def chat_messages(exchanges: list[Exchange]) -> list[Message]:
    """Chatbot messages (user, assistant) for every exchange."""
    messages: list[Message] = []
    for k, exchange in enumerate(exchanges):
        messages.append({"role": "user", "content": html.escape(exchange["question"], quote=False)})
        if "error" in exchange:
            reply = text.ERROR.format(message=exchange["error"])
        else:
            answer = exchange["answer"]
            reply = answer_markdown(answer["answer"], k, answer["answerable"])
            reply += verification_html(answer.get("verification"))
        messages.append({"role": "assistant", "content": reply})
    return messages


def sources_html(exchanges: list[Exchange]) -> str:
    """The sources panel: the sources of every answer, newest first and open."""
    sections = [
        _exchange_section(k, ex) for k, ex in reversed(list(enumerate(exchanges))) if "answer" in ex
    ]
    if not sections:
        return f"<div class='sw-sources'>{text.SOURCES_EMPTY}</div>"
    return "<div class='sw-sources'>" + "".join(sections) + "</div>"


def _exchange_section(k: int, exchange: Exchange) -> str:
    answer = Answer.model_validate(exchange["answer"])
    label = text.QUESTION_N.format(n=k + 1)
    head = f"<summary><b>{label}</b>: {html.escape(exchange['question'])}</summary>"
    if answer.answerable:
        body = "".join(source_html(k, str(c.n), c) for c in answer.citations)
    else:
        closest = "".join(source_html(k, f"d{c.n}", c, quote=False) for c in answer.retrieved[:3])
        body = (
            f"<div class='sw-not-found' role='status'><b>{text.NOT_FOUND}</b>"
            f"<p>{text.NOT_FOUND_HINT}</p></div>{closest}"
        )
    return f"<details class='sw-exchange' id='antwoord-{k}' open>{head}{body}</details>"


def source_html(k: int, n: str, citation: Citation, quote: bool = True) -> str:
    """One source: a collapsible passage with its metadata and the quote highlighted."""
    marker = f"[{citation.n}]" if quote else "•"
    summary = (
        f"<summary><span class='sw-marker'>{marker}</span> "
        f"<span class='sw-title'>{html.escape(citation.title)}</span> "
        f"<span class='sw-meta'>{html.escape(source_meta(citation))}</span></summary>"
    )
    passage = highlighted(citation.text, citation.quote) if quote else html.escape(citation.text)
    doc = html.escape(text.DOCUMENT_ID.format(doc_id=citation.document_id))
    return (
        f"<details class='sw-source' id='{source_id(k, n)}'>{summary}"
        f"<div class='sw-passage'>{passage}</div><div class='sw-doc'>{doc}</div></details>"
    )


def source_meta(citation: Citation) -> str:
    """Organisations, year, page and section, as one line."""
    parts = [", ".join(citation.organisations), str(citation.year or text.NO_YEAR)]
    if citation.page:
        parts.append(text.PAGE.format(page=citation.page))
    if citation.section:
        parts.append(f"§ {citation.section}")
    return " · ".join(p for p in parts if p)


def highlighted(passage: str, quote: str) -> str:
    """The passage (escaped) with the quote marked; the quote is shown first if not found."""
    start = passage.find(quote) if quote else -1
    if start < 0:
        mark = f"<mark class='sw-quote'>{html.escape(quote)}</mark><br>" if quote else ""
        return mark + html.escape(passage)
    end = start + len(quote)
    return (
        html.escape(passage[:start])
        + f"<mark class='sw-quote'>{html.escape(quote)}</mark>"
        + html.escape(passage[end:])
    )


def documents_html(documents: list[dict[str, Any]]) -> str:
    """The loaded documents as a table (see `text.DOCS_HEADERS`)."""
    if not documents:
        return f"<p class='sw-empty'>{text.DOCS_NONE}</p>"
    head = "".join(f"<th>{h}</th>" for h in text.DOCS_HEADERS)
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(cell))}</td>" for cell in row) + "</tr>"
        for row in document_rows(documents)
    )
    return (
        f"<table class='sw-documents'><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    )


def document_rows(documents: list[dict[str, Any]]) -> list[list[Any]]:
    """One row per document: title, organisations, year, kind, pages, passages, id."""
    return [
        [
            d.get("title", ""),
            ", ".join(d.get("organisations", [])),
            d.get("year") or "",
            kind_label(d.get("kind", "")),
            d.get("pages") or "",
            d.get("chunks", 0),
            d.get("id", ""),
        ]
        for d in documents
    ]


def kind_label(kind: str) -> str:
    return text.KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())


def upload_result(info: dict[str, Any]) -> str:
    """What an upload added: title, pages and passages."""
    pages = info.get("pages")
    return text.UPLOAD_OK.format(
        title=info.get("title") or info.get("id"),
        pages=text.PAGES.format(n=pages) if pages else text.NO_PAGES,
        chunks=(text.CHUNK if info.get("chunks") == 1 else text.CHUNKS).format(
            n=info.get("chunks", 0)
        ),
    )


def building_status(progress: dict[str, Any] | None) -> str:
    """The status line while the index is built: documents read and passages processed of
    their totals, as far as they are known yet."""
    if not progress:
        return text.STATUS_BUILDING.format(progress="")
    parts = []
    if progress["documents_total"]:
        parts.append(
            text.PROGRESS_DOCUMENTS.format(
                done=progress["documents_done"], total=progress["documents_total"]
            )
        )
    if progress["passages_total"]:
        parts.append(
            text.PROGRESS_PASSAGES.format(
                done=progress["passages_done"], total=progress["passages_total"]
            )
        )
    if progress["phase"] in ("writing", "loading", "done"):
        parts.append(text.PROGRESS_LOADING)
    return text.STATUS_BUILDING.format(progress=": " + ", ".join(parts) if parts else "")
