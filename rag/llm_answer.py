"""The LLM generator: a language model writes from the evidence units, `rag.verify` checks it.

The calibrated answerability decision of the extractive generator comes first: a question it
refuses is refused without asking the model. Otherwise the model gets the chosen evidence
units (not whole chunks, so a 4k-token model on a CPU copes) as numbered sources, and every
sentence it writes must pass the citation check. When the model is unreachable, slow or says
nothing usable, or too little of its answer survives, the extractive answer is given instead
and `backend` and the `verification` note say so.
"""

from collections.abc import Iterator

from rag import prompts
from rag.answer import Generated, GenerationRequest, Scored, UnitGenerator, citation_for
from rag.errors import LLMUnavailableError
from rag.injection import without_instructions
from rag.llm_client import ChatClient, Message
from rag.models import Citation, Verification
from rag.verify import Verifier

FALLBACK = "llm-fallback-extractive"
_MAX_SOURCES = 5
_MAX_SOURCE_CHARS = 900  # ~250 tokens: five sources, the prompt and the answer fit in 4k


class LLMGenerator:
    """Writes an answer with a chat model and keeps only the sentences the sources support."""

    def __init__(self, extractive: UnitGenerator, client: ChatClient, verifier: Verifier) -> None:
        self.extractive, self.client, self.verifier = extractive, client, verifier

    def generate(self, request: GenerationRequest) -> Generated:
        final = None
        for event in self.stream(request):
            final = event if isinstance(event, Generated) else final
        assert final is not None  # stream() always ends with the answer
        return final

    def stream(self, request: GenerationRequest) -> Iterator[str | Generated]:
        """Draft pieces as the model writes them, then the verified `Generated`."""
        quoted, ranked = self.extractive.decide(request)
        if not quoted.answerable:
            yield quoted  # the calibrated refusal: the model is never asked
            return
        sources = evidence(request, quoted, ranked)
        draft: list[str] = []
        try:
            for piece in self.client.stream(messages(request, sources)):
                draft.append(piece)
                yield piece
        except LLMUnavailableError as exc:
            note = prompts.render("llm_unavailable", request.language, reason=exc.message)
            yield fallback(quoted, Verification(fallback=True, note=note))
            return
        yield self.verified(request, "".join(draft), sources, quoted)

    def verified(
        self, request: GenerationRequest, draft: str, sources: list[Citation], quoted: Generated
    ) -> Generated:
        """The draft after the citation check, or the quoted answer when too little survives."""
        # The header counts as source text: "volgens FME (2022)" is what the model was shown.
        numbered = {c.n: f"{_header(c)}\n{c.quote}" for c in sources}
        checked = self.verifier.check(draft, numbered, request.language)
        if checked.verification.fallback:
            return fallback(quoted, checked.verification)
        cited = [
            sources[old - 1].model_copy(update={"n": new})
            for new, old in enumerate(checked.order, start=1)
        ]
        text = checked.text
        if request.cao_scope:
            text = f"{prompts.render('no_cao', request.language)}\n\n{text}"
        return Generated(text, True, cited, checked.verification)


def fallback(quoted: Generated, verification: Verification) -> Generated:
    """The extractive answer, marked as the fallback of the LLM generator."""
    verification.fallback = True
    return Generated(quoted.answer, quoted.answerable, quoted.citations, verification, FALLBACK)


def evidence(request: GenerationRequest, quoted: Generated, ranked: list[Scored]) -> list[Citation]:
    """The sources for the model: the units the extractive answer quotes, then the next best
    distinct units, at most `_MAX_SOURCES`, each cut to `_MAX_SOURCE_CHARS` and without
    sentences that instruct a language model (`rag.injection`)."""
    chosen: list[Citation] = []
    seen: set[str] = set()
    candidates = [(c.quote, c) for c in quoted.citations] + [
        (u.text, citation_for(request.hits[u.candidate.hit_rank], 0, u.text)) for u in ranked[:8]
    ]
    for text, citation in candidates:
        # Sentences that instruct a model are data; the model does not need to read them.
        key = " ".join(without_instructions(text).split())
        if not key or key in seen or any(key in s or s in key for s in seen):
            continue
        seen.add(key)
        # The quote stays a substring of its passage unless an instruction had to go.
        quote = text if key == " ".join(text.split()) else key
        update = {"n": len(chosen) + 1, "quote": quote[:_MAX_SOURCE_CHARS]}
        chosen.append(citation.model_copy(update=update))
        if len(chosen) == _MAX_SOURCES:
            break
    return chosen


def messages(request: GenerationRequest, sources: list[Citation]) -> list[Message]:
    """The system prompt and the numbered sources with the question, in its language."""
    language = request.language
    refusal = prompts.render("refusal", language)
    listed = "\n\n".join(source_text(c, language) for c in sources)
    user = prompts.render("llm_user", language, sources=listed, question=request.question)
    return [
        {"role": "system", "content": prompts.render("llm_system", language, refusal=refusal)},
        *example(language),
        {"role": "user", "content": user},
    ]


def example(language: str) -> list[Message]:
    """The worked example (`prompts.LLM_EXAMPLE_*`) as one user turn and its answer."""
    sources = prompts.render("llm_example_sources", language)
    question = prompts.render("llm_example_question", language)
    user = prompts.render("llm_user", language, sources=sources, question=question)
    return [
        {"role": "user", "content": user},
        {"role": "assistant", "content": prompts.render("llm_example_answer", language)},
    ]


def _header(citation: Citation) -> str:
    return " ".join([citation.title, *citation.organisations, str(citation.year or "")])


def source_text(citation: Citation, language: str) -> str:
    """One numbered source: title, organisation(s), year, page or section, then the text."""
    organisations = ", ".join(citation.organisations)
    year = f", {citation.year}" if citation.year else ""
    place = f", p. {citation.page}" if citation.page else ""
    place += f", {citation.section}" if citation.section else ""
    return prompts.render(
        "llm_source",
        language,
        n=citation.n,
        title=citation.title,
        organisations=organisations or citation.title,
        year=year,
        place=place,
        text=" ".join(citation.quote.split()),
    )
