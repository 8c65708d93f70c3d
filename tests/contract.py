"""The public JSON contract of an answer, shared by the CLI and API tests.

Spelled out rather than derived from the models, so a renamed field fails the tests.
"""

ANSWER_FIELDS = {
    "answer",
    "answerable",
    "language",
    "citations",
    "retrieved",
    "timings_ms",
    "verification",
    "backend",
}
CITATION_FIELDS = {
    "n",
    "document_id",
    "title",
    "organisations",
    "year",
    "kind",
    "page",
    "section",
    "quote",
    "text",
    "score",
    "article",  # "artikel 5.3, lid 2" for a cao quote, "" otherwise
}
