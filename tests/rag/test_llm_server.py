"""The LLM generator against a real llama_cpp.server (SmolLM2-135M-Instruct) and the real
embedder and corpus: ask, stream, follow-up condensation, verification of real output, and
the fallback when the server dies mid-answer."""

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from rag.assistant import Assistant
from rag.claims import missing_numbers
from rag.condense import condense
from rag.llm_answer import FALLBACK
from rag.llm_client import OpenAIChatClient
from rag.models import Answer, Turn
from tests.processes import ServerProcess
from tests.rag.llm_server import ALIAS, start_server

pytestmark = pytest.mark.integration
QUESTION = "Hoeveel bedrijven telt de Metalektro?"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    running = start_server(tmp_path_factory.mktemp("llama") / "server.log")
    yield running
    running.stop()


def llm_assistant(real: Assistant, url: str, timeout: float = 120.0) -> Assistant:
    update = {"generator": "llm", "llm_url": url, "llm_model": ALIAS, "llm_timeout": timeout}
    update["llm_max_tokens"] = 120
    return Assistant(real.settings.model_copy(update=update), real.embedder)


def check_verified(answer: Answer) -> None:
    """What the check guarantees for any model output: consecutive markers that all exist,
    every shown sentence cited, every number in a cited source; or the extractive fallback."""
    assert answer.verification is not None
    if answer.verification.fallback:
        assert answer.backend.startswith(FALLBACK) and answer.verification.note
        return
    numbers = [int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)]
    assert sorted(set(numbers)) == list(range(1, len(answer.citations) + 1))
    cited = "\n".join(c.quote for c in answer.citations)
    for sentence in answer.verification.kept:
        assert re.search(r"\[\d+\]", sentence) and sentence in answer.answer
        assert missing_numbers(re.sub(r"\[\d+\]", "", sentence), cited) == []


def test_ask_gives_a_verified_answer(server: ServerProcess, real_assistant: Assistant) -> None:
    answer = llm_assistant(real_assistant, server.url).ask(QUESTION)
    assert answer.answerable
    check_verified(answer)
    assert answer.backend.split("+")[0] in ("llm", FALLBACK)


def test_refusals_never_ask_the_model(server: ServerProcess, real_assistant: Assistant) -> None:
    answer = llm_assistant(real_assistant, server.url).ask(
        "Hoeveel vakantiedagen heb ik volgens de cao Metalektro?"
    )
    assert not answer.answerable and answer.verification is None


def test_stream_gives_drafts_then_the_verified_answer(
    server: ServerProcess, real_assistant: Assistant
) -> None:
    events = list(llm_assistant(real_assistant, server.url).ask_stream(QUESTION))
    *drafts, final = events
    assert drafts and all(isinstance(d, str) for d in drafts)
    assert isinstance(final, Answer)
    check_verified(final)


def test_follow_up_is_condensed_by_the_model(
    server: ServerProcess, real_assistant: Assistant
) -> None:
    client = OpenAIChatClient(llm_assistant(real_assistant, server.url).settings)
    history = [Turn(role="user", content=QUESTION), Turn(role="assistant", content="1.350 [1]")]
    standalone = condense(client, "En hoeveel werknemers?", history, "nl")
    assert standalone is None or len(standalone.split()) >= 3
    answer = llm_assistant(real_assistant, server.url).ask("En hoeveel werknemers?", history)
    check_verified(answer) if answer.answerable else None


def test_the_english_answer_is_verified_too(
    server: ServerProcess, real_assistant: Assistant
) -> None:
    answer = llm_assistant(real_assistant, server.url).ask(
        "What do the technical sectors propose about labour migration?"
    )
    assert answer.language == "en"
    if answer.answerable:
        check_verified(answer)


def test_a_server_killed_mid_answer_falls_back(
    server: ServerProcess, tmp_path: Path, real_assistant: Assistant
) -> None:
    doomed = start_server(tmp_path / "doomed.log")  # its own server: this one is killed
    try:
        events = llm_assistant(real_assistant, doomed.url).ask_stream(QUESTION)
        first = next(events)
        assert isinstance(first, str)  # the model has started writing
        threading.Thread(target=doomed.stop).start()
        final = [e for e in events if isinstance(e, Answer)][-1]
    finally:
        doomed.stop()
    assert final.verification is not None
    # Killed before its last piece: the extractive answer, marked; a model that finished
    # within the kill's few milliseconds gives a verified answer instead.
    check_verified(final)
