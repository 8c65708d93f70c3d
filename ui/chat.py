"""Chat callbacks: ask (streamed into the chat), rate an answer, start over."""

import logging
from collections.abc import Iterator
from typing import Any

import gradio as gr

from api.service import Service
from api.streaming import pieces
from rag import prompts
from rag.errors import InvalidQuestionError
from rag.feedback import FeedbackRecord, Rating
from rag.models import Answer, Filters, Turn
from ui import render, text

log = logging.getLogger("sectorwijzer.ui")
# chatbot messages, exchanges, sources panel, question box
ChatUpdate = tuple[Any, Any, Any, Any]


class Chat:
    """The chat tab's callbacks around one `Service`."""

    def __init__(self, service: Service) -> None:
        self.service = service

    def respond(
        self,
        question: str,
        exchanges: list[render.Exchange] | None,
        kinds: list[str] | None,
        organisations: list[str] | None,
        documents: list[str] | None,
        year_from: int | None,
        year_to: int | None,
    ) -> Iterator[ChatUpdate]:
        """Show the question at once, then the answer as it comes, then its sources."""
        exchanges = list(exchanges or [])
        question = valid_text(question or "").strip()
        if not question:
            gr.Warning(prompts.render("empty_question", "nl"))
            yield render.chat_messages(exchanges), exchanges, gr.skip(), ""
            return
        messages = render.chat_messages(exchanges) + [
            {"role": "user", "content": question},
            {"role": "assistant", "content": text.SEARCHING},
        ]
        yield messages, exchanges, gr.skip(), ""
        filters = make_filters(kinds, organisations, documents, year_from, year_to)
        yield from self._answer(question, exchanges, filters, messages)

    def _answer(
        self,
        question: str,
        exchanges: list[render.Exchange],
        filters: Filters | None,
        messages: list[render.Message],
    ) -> Iterator[ChatUpdate]:
        try:
            settings = self.service.settings
            turns = history(exchanges, settings.max_history_turns, settings.max_turn_chars)
            events = self.service.ask_stream(question, turns, filters)
        except InvalidQuestionError as exc:
            gr.Warning(exc.message)
            yield render.chat_messages(exchanges), exchanges, gr.skip(), question
            return
        except Exception as exc:  # shown as a message in the chat, never as a trace
            exchanges.append({"question": question, "error": text.explain(exc, "answering")})
            yield render.chat_messages(exchanges), exchanges, gr.skip(), ""
            return
        yield from self._events(messages, exchanges, question, events)

    def _events(
        self,
        messages: list[render.Message],
        exchanges: list[render.Exchange],
        question: str,
        events: Iterator[str | Answer],
    ) -> Iterator[ChatUpdate]:
        """A language model's draft as it is written, then the verified answer in its place."""
        draft = ""
        try:
            for event in events:
                if isinstance(event, str):
                    draft += event
                    reply = {"role": "assistant", "content": render.draft_markdown(draft)}
                    yield [*messages[:-1], reply], exchanges, gr.skip(), ""
                elif draft:
                    exchanges.append(
                        {"question": question, "answer": event.model_dump(mode="json")}
                    )
                    sources = render.sources_html(exchanges)
                    yield render.chat_messages(exchanges), exchanges, sources, ""
                else:
                    yield from self._stream(messages, exchanges, question, event)
        except Exception as exc:  # shown as a message in the chat, never as a trace
            exchanges.append({"question": question, "error": text.explain(exc, "answering")})
            yield render.chat_messages(exchanges), exchanges, gr.skip(), ""

    def _stream(
        self,
        messages: list[render.Message],
        exchanges: list[render.Exchange],
        question: str,
        answer: Answer,
    ) -> Iterator[ChatUpdate]:
        k, shown = len(exchanges), ""
        for piece in pieces(answer.answer):
            shown += piece
            reply = {
                "role": "assistant",
                "content": render.answer_markdown(shown, k, answer.answerable),
            }
            yield [*messages[:-1], reply], exchanges, gr.skip(), ""
        exchanges.append({"question": question, "answer": answer.model_dump(mode="json")})
        yield render.chat_messages(exchanges), exchanges, render.sources_html(exchanges), ""

    def rate(self, exchanges: list[render.Exchange] | None, data: gr.LikeData) -> None:
        """Store a thumbs up/down with the question, the answer and its citations."""
        rating = rating_of(data.liked)
        index = data.index if isinstance(data.index, int) else data.index[0]
        exchanges = exchanges or []
        k = int(index) // 2
        if rating is None or k >= len(exchanges) or "answer" not in exchanges[k]:
            return
        answer = Answer.model_validate(exchanges[k]["answer"])
        record = FeedbackRecord.for_answer(rating, exchanges[k]["question"], answer, source="ui")
        try:
            self.service.feedback.add(record)
        except Exception:
            log.exception("storing feedback failed")
            gr.Warning(text.FEEDBACK_FAILED)
            return
        gr.Info(text.FEEDBACK_THANKS)

    @staticmethod
    def clear() -> ChatUpdate:
        """An empty conversation."""
        return [], [], text.SOURCES_EMPTY, ""


def history(
    exchanges: list[render.Exchange], most_turns: int | None = None, most_chars: int | None = None
) -> list[Turn]:
    """The answered exchanges as conversation turns for the core: the last `most_turns`, each
    cut to `most_chars` (the core refuses more; a long answer's end adds nothing to a
    follow-up)."""
    turns: list[Turn] = []
    for exchange in exchanges:
        if "answer" in exchange:
            turns.append(Turn(role="user", content=exchange["question"][:most_chars]))
            turns.append(Turn(role="assistant", content=exchange["answer"]["answer"][:most_chars]))
    if most_turns is not None:
        turns = turns[len(turns) - most_turns :] if most_turns else []
    return turns


def valid_text(value: str) -> str:
    """`value` with lone UTF-16 surrogates (which a browser can send) replaced by '?'."""
    return value.encode("utf-8", "replace").decode("utf-8")


def make_filters(
    kinds: list[str] | None,
    organisations: list[str] | None,
    documents: list[str] | None,
    year_from: int | str | None,
    year_to: int | str | None,
) -> Filters | None:
    """Filters from the UI's inputs; None when nothing is chosen."""
    filters = Filters(
        kind=list(kinds or []),
        organisations=list(organisations or []),
        documents=list(documents or []),
        year_from=int(year_from) if year_from else None,
        year_to=int(year_to) if year_to else None,
    )
    return None if filters == Filters() else filters


def rating_of(liked: bool | str | None) -> Rating | None:
    """'up' for a like, 'down' for a dislike, None for anything else (e.g. undoing a like)."""
    if liked is True or liked == "Like":
        return "up"
    if liked is False or liked == "Dislike":
        return "down"
    return None
