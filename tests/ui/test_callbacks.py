"""The UI's callbacks on a real (hashing) index, without a browser."""

import json
import warnings
from pathlib import Path

import gradio as gr

from api.service import Service
from rag.answer import make_generator
from tests.ui.conftest import request_from
from ui.chat import Chat, history, make_filters, rating_of
from ui.library import Library

QUESTION = "Wat is een skillspaspoort en waarom willen ze dat invoeren?"
NOTE = "# Lasfonds\n\nHet Lasfonds Zeeland betaalt elke lasser 2.500 euro opleidingsbudget.\n"


def ask(chat: Chat, question: str, exchanges: list | None = None, **filters: object) -> list:
    args = [filters.get(k) for k in ("kinds", "orgs", "docs", "year_from", "year_to")]
    return list(chat.respond(question, exchanges or [], *args))  # type: ignore[arg-type]


def test_answer_streams_into_the_chat_then_shows_sources(service: Service) -> None:
    updates = ask(Chat(service), QUESTION)
    first_messages = updates[0][0]
    assert first_messages[-2] == {"role": "user", "content": QUESTION}
    assert "Zoeken" in first_messages[-1]["content"]
    messages, exchanges, sources, box = updates[-1]
    assert box == "" and len(exchanges) == 1 and exchanges[0]["answer"]["answerable"]
    assert "(#bron-0-1)" in messages[-1]["content"]
    assert "id='bron-0-1'" in sources and "<mark class='sw-quote'>" in sources


def test_follow_up_sends_history(service: Service) -> None:
    chat = Chat(service)
    exchanges = ask(chat, QUESTION)[-1][1]
    turns = history(exchanges)
    assert [t.role for t in turns] == ["user", "assistant"] and turns[0].content == QUESTION
    exchanges = ask(chat, "En wie voert het in?", exchanges)[-1][1]
    assert len(exchanges) == 2


def test_filters_restrict_the_sources(service: Service) -> None:
    exchanges = ask(Chat(service), "Wat zijn de doelen?", kinds=["plan"], year_from=2020)[-1][1]
    retrieved = exchanges[0]["answer"]["retrieved"]
    assert {c["document_id"] for c in retrieved} == {"oom-op-jacht-naar-de-8"}
    assert make_filters(None, [], None, None, None) is None


def test_empty_question_warns_and_adds_nothing(service: Service) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        updates = ask(Chat(service), "   ")
    assert updates[-1][1] == [] and updates[-1][0] == []
    assert any("leeg" in str(w.message) for w in caught)


def test_not_in_documents_state(service: Service) -> None:
    service.assistant.generator = make_generator("extractive", threshold=2.0)
    messages, exchanges, sources, _ = ask(Chat(service), QUESTION)[-1]
    assert exchanges[0]["answer"]["answerable"] is False
    assert messages[-1]["content"].startswith("**Niet gevonden in de documenten.**")
    assert "sw-not-found" in sources


def test_failure_is_a_message_not_a_trace(service: Service) -> None:
    service.assistant._data.current_file.unlink()
    messages, exchanges, _, _ = ask(Chat(service), QUESTION)[-1]
    assert "error" in exchanges[0] and "ingest" in messages[-1]["content"]

    def broken(*args: object) -> None:
        raise RuntimeError("internal detail")

    service.ask_stream = broken  # type: ignore[method-assign]
    messages = ask(Chat(service), QUESTION)[-1][0]
    assert "Er ging iets mis" in messages[-1]["content"]
    assert "internal detail" not in messages[-1]["content"]


def test_thumbs_are_stored_with_question_answer_and_citations(service: Service) -> None:
    chat = Chat(service)
    exchanges = ask(chat, QUESTION)[-1][1]
    chat.rate(exchanges, gr.LikeData(None, {"index": 1, "value": "x", "liked": True}))
    chat.rate(exchanges, gr.LikeData(None, {"index": 1, "value": "x", "liked": False}))
    chat.rate(exchanges, gr.LikeData(None, {"index": 7, "value": "x", "liked": True}))
    records = service.feedback.records()
    assert [r.rating for r in records] == ["up", "down"]
    assert records[0].question == QUESTION and records[0].source == "ui"
    assert records[0].citations == exchanges[0]["answer"]["citations"]
    assert rating_of("") is None and rating_of("Dislike") == "down"


def test_upload_delete_and_export(service: Service, tmp_path: Path) -> None:
    library, local = Library(service, tmp_path), request_from("127.0.0.1")
    path = tmp_path / "lasfonds.md"
    path.write_text(NOTE, encoding="utf-8")
    result = library.upload(str(path), "Lasfonds", "Fonds, FNV", "2024", "plan", "", local)
    assert result[0] == (
        "Gelukt: **Lasfonds** is geladen, geen pagina's (tekstbestand) en 1 passage."
    )
    assert "Lasfonds" in result[2]  # the documents table
    assert service.document("lasfonds")["organisations"] == ["Fonds", "FNV"]
    bad = tmp_path / "kapot.pdf"
    bad.write_bytes(b"%PDF-1.4 broken")
    failed = library.upload(str(bad), "", "", "", "", "", local)[0]
    assert failed.startswith("Niet gelukt: Het bestand 'kapot.pdf' kan niet worden geladen")
    assert library.upload(str(path), "", "", "twintig", "", "", local)[0].startswith("Het jaar")
    assert library.delete("lasfonds", "", local)[0] == "Gelukt: **Lasfonds** is verwijderd."
    Chat(service).rate(
        ask(Chat(service), QUESTION)[-1][1],
        gr.LikeData(None, {"index": 1, "value": "", "liked": True}),
    )
    message, exported = library.export_feedback("", local)
    assert message == "1 beoordelingen geëxporteerd." and exported
    assert json.loads(Path(exported).read_text().splitlines()[0])["rating"] == "up"


def test_changes_follow_the_api_key_rule(service: Service, tmp_path: Path) -> None:
    library, remote = Library(service, tmp_path), request_from("198.51.100.4")
    path = tmp_path / "a.md"
    path.write_text(NOTE, encoding="utf-8")
    assert "alleen vanaf deze computer" in library.upload(str(path), "", "", "", "", "", remote)[0]
    assert "alleen vanaf deze computer" in library.delete("oom-op-jacht-naar-de-8", "", remote)[0]
    assert library.export_feedback("", remote)[1] is None
    service.settings = service.settings.model_copy(update={"api_key": "k"})
    assert "API-sleutel" in library.delete("oom-op-jacht-naar-de-8", "fout", remote)[0]
    assert library.delete("oom-op-jacht-naar-de-8", "k", remote)[0].startswith("Gelukt")
    assert len(service.documents()) == 4


def test_index_status_line(service: Service) -> None:
    library = Library(service)
    line, timer = library.status()
    assert line.startswith("5 documenten geladen (")
    assert timer.active is False
    service._builder = type("Alive", (), {"is_alive": lambda self: True})()  # type: ignore[assignment]
    line, timer = library.status()
    assert "worden geïndexeerd" in line and timer.active is True
    service._builder = None
    service.assistant._data.current_file.unlink()
    assert "geen bruikbare index" in library.status()[0]


def test_llm_draft_is_replaced_by_the_verified_answer(service: Service) -> None:
    from rag.answer import UnitGenerator
    from rag.llm_answer import LLMGenerator
    from rag.verify import Thresholds, Verifier
    from tests.rag.fake_llm import ScriptedLLM, first_sentence

    def draft(sources: dict[int, str], _: str) -> str:
        return f"{first_sentence(sources[1])} [1] Ook Philips doet mee [1]."

    lenient = Thresholds({"nl": 0.3}, {"nl": 0.0})
    generator = LLMGenerator(
        UnitGenerator(threshold=0.0), ScriptedLLM(draft), Verifier(None, lenient)
    )
    service.assistant.generator = generator
    updates = ask(Chat(service), QUESTION)
    drafts = [u[0][-1]["content"] for u in updates if "Concept van het taalmodel" in str(u[0])]
    assert drafts and "Philips" in drafts[-1]
    messages, exchanges, sources, _ = updates[-1]
    final = messages[-1]["content"]
    assert "Concept" not in final and "(#bron-0-1)" in final
    assert "1 zinnen verwijderd: niet gesteund door de bronnen" in final
    assert "<li>Ook Philips doet mee [1]. <i>(naam staat niet in de bron)</i></li>" in final
    assert exchanges[0]["answer"]["verification"]["removed"][0]["reason"] == "name"
    assert "id='bron-0-1'" in sources
