"""Domain errors. Only the edges (CLI, API, UI) turn them into exit codes or HTTP statuses."""


class SectorwijzerError(Exception):
    """Base class: every error carries a message fit to show a user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidQuestionError(SectorwijzerError):
    """The question is empty, too long or otherwise unusable."""


class DocumentError(SectorwijzerError):
    """A document cannot be read: broken, encrypted, scanned or of an unsupported type."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class UnsupportedFileError(DocumentError):
    """The file type is not PDF, plain text or Markdown."""


class DocumentNotFoundError(SectorwijzerError):
    """No document with that id is loaded."""


class UnknownDocumentError(DocumentNotFoundError):
    """No loaded document has this id."""

    def __init__(self, doc_id: str) -> None:
        super().__init__(f"unknown document '{doc_id}'")
        self.doc_id = doc_id


class DuplicateDocumentError(SectorwijzerError):
    """The same content is already loaded under another name."""


class IndexNotReadyError(SectorwijzerError):
    """There is no usable index yet, or it is corrupt; run `sectorwijzer ingest`."""


class IndexBuildingError(IndexNotReadyError):
    """The first index is still being built (a server builds it in the background)."""


class IndexDamagedError(IndexNotReadyError):
    """A file of the live index generation is missing, truncated or altered (checksums)."""


class IndexBusyError(IndexNotReadyError):
    """Another writer (an ingest, upload or removal, maybe in another process) holds the data
    directory and did not finish within the wait limit."""


class EmbedderMismatchError(IndexNotReadyError):
    """The live index holds vectors of another embedder than this process uses; ingest
    rebuilds it (query and passage vectors of two models never meet)."""


class ConfigurationError(SectorwijzerError):
    """A setting names an unknown component or holds an impossible value."""


class LLMUnavailableError(SectorwijzerError):
    """The language model server is unreachable, too slow or returned no usable text; the
    LLM generator answers extractively instead (see `rag.llm_answer`)."""


class EmbedderUnavailableError(SectorwijzerError):
    """The embedding server (`SECTORWIJZER_EMBED_URL`) is unreachable, too slow or answered
    with an error or unusable vectors."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"the embedding server at {url} is not usable: {reason}")
        self.url = url
        self.reason = reason


class RequestTooLargeError(SectorwijzerError):
    """A request exceeds a configured bound (history turns, turn length); `template` and
    `values` let an edge render the message in another language (see `rag.prompts`)."""

    def __init__(self, message: str, template: str = "", **values: object) -> None:
        super().__init__(message)
        self.template = template
        self.values = values
