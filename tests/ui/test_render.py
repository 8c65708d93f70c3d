"""Rendering of answers, sources (with the highlighted quote) and the documents table."""

from rag import prompts
from rag.models import Answer, Citation
from ui import render, text

PASSAGE = "Eerst <iets> anders. Leren loont & werkt. Daarna de rest."


def citation(n: int = 1, quote: str = "Leren loont & werkt.") -> Citation:
    return Citation(
        n=n,
        document_id="doc-a",
        title="Agenda <A>",
        organisations=["FME", "CNV"],
        year=2022,
        kind="agenda",
        page=4,
        section="Scholing",
        quote=quote,
        text=PASSAGE,
        score=0.9,
    )


def answer(answerable: bool = True) -> Answer:
    cites = [citation()] if answerable else []
    return Answer(
        answer="Leren loont & werkt. [1]" if answerable else "Geen antwoord.",
        answerable=answerable,
        language="nl",
        citations=cites,
        retrieved=[citation(1), citation(2)],
        timings_ms={},
        backend="x",
    )


def exchange(answerable: bool = True) -> render.Exchange:
    return {"question": "Loont <leren>?", "answer": answer(answerable).model_dump(mode="json")}


def test_markers_link_to_their_source() -> None:
    assert render.answer_markdown("Zin. [1] Nog een. [2]", 3) == (
        "Zin. [[1]](#bron-3-1) Nog een. [[2]](#bron-3-2)"
    )
    assert render.answer_markdown("Niets.", 0, answerable=False).startswith(
        "**Niet gevonden in de documenten.**"
    )


def test_source_shows_metadata_and_highlights_the_quote_in_its_passage() -> None:
    html = render.sources_html([exchange()])
    assert "id='bron-0-1'" in html and "Agenda &lt;A&gt;" in html
    assert "FME, CNV · 2022 · p. 4 · § Scholing" in html
    assert (
        "Eerst &lt;iets&gt; anders. <mark class='sw-quote'>Leren loont &amp; werkt.</mark>"
        " Daarna de rest."
    ) in html
    assert "<iets>" not in html


def test_quote_missing_from_passage_is_still_shown() -> None:
    shown = render.highlighted("Een passage.", "Een ander citaat.")
    assert shown.startswith("<mark class='sw-quote'>Een ander citaat.</mark>")
    assert render.highlighted("Tekst.", "") == "Tekst."


def test_unanswerable_shows_not_found_state_with_closest_passages() -> None:
    html = render.sources_html([exchange(answerable=False)])
    assert "sw-not-found" in html and "Niet gevonden in de documenten" in html
    assert "id='bron-0-d1'" in html and "id='bron-0-d2'" in html
    assert "sw-quote" not in html


def test_newest_answer_first_and_errors_skipped() -> None:
    exchanges = [exchange(), {"question": "Kapot", "error": "Mis"}, exchange()]
    html = render.sources_html(exchanges)
    assert html.index("antwoord-2") < html.index("antwoord-0")
    assert "antwoord-1" not in html
    messages = render.chat_messages(exchanges)
    assert [m["role"] for m in messages] == ["user", "assistant"] * 3
    assert messages[3]["content"] == "**Let op:** Mis"
    assert render.sources_html([]).count("sw-empty") == 1


def test_documents_table_and_upload_result() -> None:
    docs = [
        {
            "id": "a",
            "title": "T <1>",
            "organisations": ["X"],
            "year": 2020,
            "kind": "position_paper",
            "pages": 3,
            "chunks": 9,
        }
    ]
    table = render.documents_html(docs)
    assert "<td>T &lt;1&gt;</td>" in table and "<td>Positiepaper</td>" in table
    assert "sw-empty" in render.documents_html([])
    assert render.upload_result({"title": "T", "pages": 3, "chunks": 9}) == (
        "Gelukt: **T** is geladen, 3 pagina's en 9 passages."
    )
    assert "1 passage." in render.upload_result({"id": "t", "pages": None, "chunks": 1})


HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)> & co"


def test_markup_in_a_question_or_a_document_is_shown_never_run() -> None:
    from rag.models import Citation
    from ui.render import chat_messages, documents_html, sources_html

    citation = Citation(
        n=1,
        document_id="d",
        title=HOSTILE,
        organisations=[HOSTILE],
        year=2024,
        kind="plan",
        page=1,
        section=HOSTILE,
        quote=HOSTILE,
        text=f"Voor. {HOSTILE} Na.",
        score=1.0,
    )
    answer = {
        "answer": f"{HOSTILE} [1]",
        "answerable": True,
        "language": "nl",
        "citations": [citation.model_dump()],
        "retrieved": [citation.model_dump()],
        "timings_ms": {},
        "backend": "x",
    }
    exchanges = [{"question": HOSTILE, "answer": answer}]
    rendered = [m["content"] for m in chat_messages(exchanges)]
    rendered += [sources_html(exchanges), documents_html([{"id": "d", "title": HOSTILE}])]
    for output in rendered:
        assert "<script" not in output and "<img" not in output
    assert "&lt;script&gt;" in rendered[0] and "[[1]](#bron-0-1)" in rendered[1]


def test_an_answer_without_a_cao_offers_the_upload_on_the_documents_tab() -> None:
    note = prompts.render("cao_scope", "nl")
    shown = render.answer_markdown(f"{note}\n\nScholing is belangrijk. [1]", 0)
    assert shown.endswith(text.CAO_UPLOAD_HINT) and "**Documenten**" in shown
    refused = render.answer_markdown(prompts.render("entitlement", "en"), 0, answerable=False)
    assert text.CAO_UPLOAD_HINT in refused
    assert text.CAO_UPLOAD_HINT not in render.answer_markdown("Scholing loont. [1]", 0)


def test_verification_note_opens_the_removed_sentences_escaped() -> None:
    from ui.render import verification_html

    assert verification_html(None) == ""
    assert verification_html({"note": "", "removed": [], "kept": ["a"], "fallback": False}) == ""
    note = "1 zinnen verwijderd: niet gesteund door de bronnen."
    shown = verification_html(
        {"note": note, "removed": [{"sentence": "<b>x</b> [9]", "reason": "unknown_source"}]}
    )
    assert f"<summary><small>{note}</small></summary>" in shown
    assert "&lt;b&gt;x&lt;/b&gt; [9] <i>(noemt een bron die er niet is)</i>" in shown
    fallback = verification_html({"note": "Het taalmodel is niet bereikbaar", "removed": []})
    assert "<details" not in fallback and "niet bereikbaar" in fallback
