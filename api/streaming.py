"""Server-sent events for a streamed answer: the text sentence by sentence, then the whole answer.

Wire format (``text/event-stream``)::

    event: token
    data: {"text": "Eerste zin. [1] "}

    event: answer
    data: {...the complete Answer: answer, answerable, citations, retrieved...}

    event: done
    data: {}

Joining the `text` of all `token` events gives exactly `answer.answer`.

With the LLM generator the model's draft comes first as `draft` events (``{"text": piece}``,
shown while it is written and then replaced); the `answer` event carries the verified answer
(its `verification` says what was removed) and no `token` events are sent::

    event: draft
    data: {"text": "De Metalektro"}
    ...
    event: answer
    data: {...the verified Answer...}
"""

import json
import re
from collections.abc import Iterator

from rag.models import Answer

# Split after sentence ends (keeping citation markers with their sentence) and after newlines.
_BOUNDARY = re.compile(r"(?<=[.!?:])(?=\s+[^\s\[])|(?<=\])(?=\s+[^\s\[])|(?<=\n)")


def pieces(text: str) -> list[str]:
    """Sentence-sized pieces whose concatenation is `text`."""
    parts = [p for p in _BOUNDARY.split(text) if p]
    return parts or ([text] if text else [])


def sse(event: str, data: object) -> str:
    """One event in the SSE wire format (JSON data on one line)."""
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def answer_events(answer: Answer) -> Iterator[str]:
    """The events for one answer: tokens, then the full answer, then done."""
    for piece in pieces(answer.answer):
        yield sse("token", {"text": piece})
    yield sse("answer", answer.model_dump(mode="json"))
    yield sse("done", {})


def stream_events(events: Iterator[str | Answer]) -> Iterator[str]:
    """The events for `Assistant.ask_stream`: draft pieces (if any), then the answer."""
    drafted = False
    for event in events:
        if isinstance(event, str):
            drafted = True
            yield sse("draft", {"text": event})
        elif drafted:
            yield sse("answer", event.model_dump(mode="json"))
            yield sse("done", {})
        else:
            yield from answer_events(event)


def parse_events(body: str) -> list[tuple[str, object]]:
    """Parse an SSE body back into (event, data) pairs (for clients and tests)."""
    events = []
    for block in body.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if "event" in fields:
            events.append((fields["event"], json.loads(fields.get("data", "null"))))
    return events
