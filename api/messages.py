"""User-facing error messages in Dutch (default) and English, chosen by `Accept-Language`.

The core's messages about a question are already in the question's language; the others
(uploads, documents, the index) are English in the core and are translated here.
"""

import re

from rag import prompts
from rag.errors import (
    DocumentError,
    DuplicateDocumentError,
    EmbedderMismatchError,
    EmbedderUnavailableError,
    IndexBuildingError,
    IndexBusyError,
    IndexNotReadyError,
    InvalidQuestionError,
    RequestTooLargeError,
    SectorwijzerError,
    UnknownDocumentError,
)

# Reasons the core gives for an unreadable upload, by their English prefix.
_REASONS_NL = {
    "unsupported file type": "dit bestandstype wordt niet ondersteund; upload een PDF-, "
    ".txt- of .md-bestand",
    "the file is empty": "het bestand is leeg",
    "the file is larger than": "het bestand is te groot (maximaal 50 MB)",
    "binary file": "het bestand bevat geen tekst maar binaire gegevens",
    "broken PDF": "de PDF is beschadigd en kan niet worden geopend",
    "PDF holds no text": "de PDF bevat geen tekst (gescand of alleen afbeeldingen); "
    "laat er eerst tekstherkenning (OCR) op los",
    "encrypted PDF": "de PDF is met een wachtwoord beveiligd",
    "no readable text": "er staat geen leesbare tekst in",
    "cannot read file": "het bestand kan niet worden gelezen",
    "duplicate of": "het is een kopie van een document dat al geladen is",
    "the content is not a PDF": "de naam eindigt op .pdf, maar de inhoud is geen PDF",
}
_ALREADY_LOADED = re.compile(r"already loaded as '(?P<id>[^']+)'")

TEXTS: dict[str, dict[str, str]] = {
    "unknown_document": {
        "nl": "Er is geen document met id '{doc_id}'.",
        "en": "There is no document with id '{doc_id}'.",
    },
    "document_error": {
        "nl": "Het bestand '{name}' kan niet worden geladen: {reason}.",
        "en": "The file '{name}' cannot be loaded: {reason}.",
    },
    "duplicate_id": {
        "nl": "Dit document is al geladen als '{doc_id}'.",
        "en": "This document is already loaded as '{doc_id}'.",
    },
    "duplicate_name": {
        "nl": "Er is al een document met deze bestandsnaam geladen.",
        "en": "A document with this file name is already loaded.",
    },
    "index_busy": {
        "nl": "Er wordt al een document toegevoegd of verwijderd. Probeer het zo opnieuw.",
        "en": "Another change of the documents is in progress. Try again shortly.",
    },
    "index_building": {
        "nl": "De documenten worden nog geïndexeerd. Probeer het over een paar seconden opnieuw.",
        "en": "The documents are still being indexed. Try again in a few seconds.",
    },
    "invalid_request": {
        "nl": "Het verzoek is ongeldig: {details}.",
        "en": "The request is invalid: {details}.",
    },
    "internal_error": {
        "nl": "Er ging iets mis in Sectorwijzer. Probeer het opnieuw; blijft het "
        "misgaan, kijk dan in het serverlog.",
        "en": "Something went wrong in Sectorwijzer. Try again; if it keeps "
        "failing, check the server log.",
    },
    "no_key": {
        "nl": "Voor wijzigingen is een geldige API-sleutel nodig (header X-API-Key).",
        "en": "Changes need a valid API key (header X-API-Key).",
    },
    "loopback_only": {
        "nl": "Zonder ingestelde API-sleutel mag je alleen vanaf deze computer "
        "wijzigen. Stel SECTORWIJZER_API_KEY in voor toegang op afstand.",
        "en": "Without a configured API key, changes are only allowed from this "
        "computer. Set SECTORWIJZER_API_KEY for remote access.",
    },
    "not_found": {"nl": "Deze pagina bestaat niet.", "en": "This page does not exist."},
    "method_not_allowed": {
        "nl": "Deze methode ({method}) kan hier niet; wel: {allowed}.",
        "en": "This method ({method}) is not allowed here; allowed: {allowed}.",
    },
    "request_too_large": {
        "nl": "Het verzoek is te groot: maximaal {limit} per verzoek. Stuur een kleiner bestand, "
        "een kortere vraag of minder gespreksgeschiedenis.",
        "en": "The request is too large: at most {limit} per request. Send a smaller file, a "
        "shorter question or less conversation history.",
    },
    "cross_origin": {
        "nl": "Wijzigingen vanaf een andere website worden geweigerd. Gebruik Sectorwijzer zelf "
        "of zet de website in SECTORWIJZER_ALLOWED_ORIGINS.",
        "en": "Changes from another website are refused. Use Sectorwijzer itself or list the "
        "website in SECTORWIJZER_ALLOWED_ORIGINS.",
    },
    "no_read_key": {
        "nl": "Voor deze server is een geldige sleutel nodig, ook om te lezen (header X-API-Key).",
        "en": "This server needs a valid key, also for reading (header X-API-Key).",
    },
    "unreadable_body": {
        "nl": "Het verzoek kan niet worden gelezen: de opbouw ervan is ongeldig.",
        "en": "The request cannot be read: it is malformed.",
    },
    "server_busy": {
        "nl": "Sectorwijzer beantwoordt nu te veel vragen tegelijk. Probeer het over "
        "{seconds} seconden opnieuw.",
        "en": "Sectorwijzer is answering too many questions at once. Try again in "
        "{seconds} seconds.",
    },
    "rate_limited": {
        "nl": "Je stelt te veel vragen kort na elkaar. Probeer het over {seconds} seconden "
        "opnieuw.",
        "en": "You are asking too many questions in a short time. Try again in {seconds} seconds.",
    },
    "embedder_unavailable": {
        "nl": "De embeddingserver ({url}) is niet bruikbaar: {reason}. Probeer het later "
        "opnieuw; blijft het misgaan, kijk dan of die server draait.",
        "en": "The embedding server ({url}) is not usable: {reason}. Try again later; if it "
        "keeps failing, check that the server is running.",
    },
    "embedder_mismatch": {
        "nl": "De index is met een ander embeddingmodel gebouwd dan deze server gebruikt. "
        "Hij wordt opnieuw opgebouwd (of voer `sectorwijzer ingest` uit).",
        "en": "The index was built with another embedding model than this server uses. It "
        "is being rebuilt (or run `sectorwijzer ingest`).",
    },
    "bad_text": {
        "nl": "Het verzoek is ongeldig: de tekst bevat ongeldige tekens (een losse "
        "UTF-16-surrogaat).",
        "en": "The request is invalid: the text holds invalid characters (a lone UTF-16 "
        "surrogate).",
    },
}


def text(key: str, language: str, /, **values: object) -> str:
    """Message `key` in `language` (Dutch unless English is asked for)."""
    variants = TEXTS[key]
    return variants.get(language, variants["nl"]).format(**values)


def language_of(accept_language: str | None) -> str:
    """'en' when the client's first preference is English, else 'nl'."""
    first = (accept_language or "").split(",")[0].strip().lower()
    return "en" if first.startswith("en") else "nl"


def describe(exc: SectorwijzerError, language: str) -> str:
    """The message to show for a domain error."""
    if isinstance(exc, InvalidQuestionError):
        return exc.message  # already in the question's language
    if isinstance(exc, RequestTooLargeError) and exc.template:
        return prompts.render(exc.template, language, **exc.values)
    if isinstance(exc, UnknownDocumentError):
        return text("unknown_document", language, doc_id=exc.doc_id)
    if isinstance(exc, DuplicateDocumentError):
        match = _ALREADY_LOADED.search(exc.message)
        return (
            text("duplicate_id", language, doc_id=match["id"])
            if match
            else text("duplicate_name", language)
        )
    if isinstance(exc, DocumentError):
        return text(
            "document_error", language, name=exc.path, reason=translate_reason(exc.reason, language)
        )
    if isinstance(exc, IndexNotReadyError):
        return _index_message(exc, language)
    if isinstance(exc, EmbedderUnavailableError):
        return text("embedder_unavailable", language, url=exc.url, reason=exc.reason)
    return exc.message


def translate_reason(reason: str, language: str) -> str:
    """A reader's reason in Dutch when one is known; English stays as the core wrote it."""
    if language == "en":
        return reason
    for prefix, dutch in _REASONS_NL.items():
        if reason.startswith(prefix):
            return dutch
    return reason


def _index_message(exc: IndexNotReadyError, language: str) -> str:
    if isinstance(exc, IndexBuildingError):
        return text("index_building", language)
    if isinstance(exc, IndexBusyError):
        return text("index_busy", language)
    if isinstance(exc, EmbedderMismatchError):
        return text("embedder_mismatch", language)
    if "damaged" in exc.message or "inconsistent" in exc.message:
        return exc.message
    return prompts.render("no_index", language)
