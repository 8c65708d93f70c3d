"""Every Dutch text of the chat UI, the example questions and the document kinds' labels."""

import logging

from api.messages import describe
from rag.errors import SectorwijzerError

TITLE = "Sectorwijzer"
INTRO = (
    "# Sectorwijzer\n"
    "Stel een vraag over de geladen beleidsdocumenten van de technieksector. Elk antwoord "
    "citeert letterlijk uit de documenten, met een nummer per bron: klik op **[1]** in het "
    "antwoord of op een bron rechts om de passage te lezen, met het geciteerde stuk gemarkeerd."
)

EXAMPLES: dict[str, list[str]] = {
    "Cao en opleiding": [
        "Wat is een skillspaspoort en waarom willen ze dat invoeren?",
        "Wat zijn de pijlers van duurzame inzetbaarheid volgens de Metalektro?",
        "Wat willen de sociale partners in de Metalektro met de cao en het pensioen?",
    ],
    "Arbeidsmigratie": [
        "Waarom zijn kennismigranten zo belangrijk voor de techniek?",
        "Wat willen de technieksectoren met de kennismigrantenregeling?",
        "Waarom lukt het niet goed om technische vakmensen uit andere EU-landen te halen?",
    ],
    "Industriebeleid": [
        "Welke kernpunten van industriebeleid noemen FME en de vakbonden?",
        "Hoe afhankelijk is de technologische industrie van het buitenland?",
        "Wat willen de Metalektro-partners bereiken voor het vestigingsklimaat?",
    ],
}

KIND_LABELS = {
    "agenda": "Agenda",
    "position_paper": "Positiepaper",
    "plan": "Plan",
    "accord": "Akkoord",
    "cao": "Cao-tekst",
    "report": "Rapport",
    "upload": "Upload",
}

STATUS_BUILDING = (
    "**Even geduld:** de documenten worden geïndexeerd{progress}. "
    "Vragen stellen kan zodra dit klaar is; deze melding verdwijnt dan vanzelf."
)
# The parts of `{progress}` above, joined with ", " after a colon.
PROGRESS_DOCUMENTS = "{done} van {total} documenten gelezen"
PROGRESS_PASSAGES = "{done} van {total} passages verwerkt"
PROGRESS_LOADING = "de index wordt geladen"
STATUS_READY = "{documents} documenten geladen ({chunks} passages)."
STATUS_FAILED = "**Let op:** er is geen bruikbare index: {message}"

QUESTION_LABEL = "Je vraag"
QUESTION_PLACEHOLDER = "Bijvoorbeeld: Wat is een skillspaspoort?"
SEND = "Vraag stellen"
NEW_CHAT = "Nieuw gesprek"
CHAT_LABEL = "Gesprek"
SOURCES_TITLE = "### Bronnen"
SOURCES_EMPTY = "<p class='sw-empty'>Hier verschijnen de bronnen van elk antwoord.</p>"
SEARCHING = "_Zoeken in de documenten…_"
NOT_FOUND = "Niet gevonden in de documenten"
DRAFT = "Concept van het taalmodel, wordt nog gecontroleerd…"
# Why the citation check removed a sentence (`rag.verify.REASONS`).
REASONS = {
    "no_citation": "geen bron genoemd",
    "unknown_source": "noemt een bron die er niet is",
    "number": "getal staat niet in de bron",
    "name": "naam staat niet in de bron",
    "not_supported": "niet gesteund door de bron",
    "repeated": "herhaalt een eerdere zin",
    "dangling": "kondigt iets aan dat niet is overgebleven",
}
NOT_FOUND_HINT = (
    "De geladen documenten geven hier geen antwoord op. Dit zijn de passages die "
    "er het dichtst bij komen, ter controle:"
)
CAO_UPLOAD_HINT = (
    "_Heb je de tekst van je cao (pdf)? Voeg hem toe op het tabblad **Documenten**, met als "
    "soort `cao`: dan komen antwoorden over scholing, verlof, uren en salaris uit de cao zelf, "
    "met het artikel erbij._"
)
QUESTION_N = "Vraag {n}"
PAGE = "p. {page}"
NO_YEAR = "z.j."
DOCUMENT_ID = "Document-id: {doc_id}"
ERROR = "**Let op:** {message}"
UNEXPECTED = (
    "Er ging iets mis bij het beantwoorden. Probeer het opnieuw; blijft het misgaan, "
    "kijk dan in het serverlog."
)
FEEDBACK_THANKS = "Bedankt voor je feedback: die is bewaard."
FEEDBACK_FAILED = "De feedback kon niet worden bewaard."

FILTERS = "Filters: alleen zoeken in…"
FILTER_KIND = "Soort document"
FILTER_ORGS = "Organisatie"
FILTER_DOCS = "Documenten"
YEAR_FROM = "Vanaf jaar"
YEAR_TO = "Tot en met jaar"
EXAMPLES_TITLE = "### Voorbeeldvragen"

TAB_CHAT = "Vragen"
TAB_DOCS = "Documenten"
TAB_COMPARE = "Standpunten"
COMPARE_HELP = (
    "### Standpunten vergelijken\n"
    "Geef een onderwerp: per document zie je wat het erover zegt (letterlijk geciteerd, met "
    "bron), het nieuwste document eerst, en welke geladen documenten er niets over zeggen. "
    "Download de vergelijking als Markdown of CSV voor een notitie."
)
COMPARE_TOPIC = "Onderwerp"
COMPARE_PLACEHOLDER = "Bijvoorbeeld: arbeidsmigratie"
COMPARE_BUTTON = "Vergelijken"
COMPARE_EMPTY = "<p class='sw-empty'>Hier verschijnt de vergelijking per document.</p>"
COMPARE_DOWNLOAD = "Download (Markdown en CSV)"
COMPARE_STANCE = "standpunt"
COMPARE_BACKGROUND = "achtergrond"
COMPARE_EXAMPLES_LABEL = "Voorbeelden"
COMPARE_EXAMPLES = ["arbeidsmigratie", "leven lang ontwikkelen", "technisch onderwijs"]
UPLOAD_TITLE = "### Document toevoegen"
UPLOAD_HELP = "PDF, tekst (.txt) of Markdown (.md), hoogstens 50 MB. Metadata is optioneel."
UPLOAD_FILE = "Bestand"
UPLOAD_BUTTON = "Toevoegen en indexeren"
META_TITLE = "Titel"
META_ORGS = "Organisaties (komma's ertussen)"
META_YEAR = "Jaar (bijvoorbeeld 2024)"
BAD_YEAR = "Het jaar moet een getal van vier cijfers zijn, bijvoorbeeld 2024."
META_KIND = "Soort"
META_KIND_HINT = "cao voor een cao-tekst; anders bijvoorbeeld agenda of position_paper"
ADMIN_KEY = "Beheersleutel (API-sleutel)"
ADMIN_KEY_INFO = (
    "Vul de sleutel in voordat je een bestand kiest: het uploaden zelf vraagt er al om."
)
READ_KEY_LOGIN = (
    "Deze Sectorwijzer vraagt een sleutel. Vul bij wachtwoord de leessleutel in "
    "(de gebruikersnaam doet er niet toe)."
)
NO_FILE = "Kies eerst een bestand."
NOT_RECEIVED = (
    "Niet gelukt: dit bestand is niet via het uploadveld ontvangen. Kies het bestand opnieuw."
)
UPLOAD_OK = "Gelukt: **{title}** is geladen, {pages} en {chunks}."
UPLOAD_FAILED = "Niet gelukt: {message}"
PAGES = "{n} pagina's"
NO_PAGES = "geen pagina's (tekstbestand)"
CHUNKS = "{n} passages"
CHUNK = "{n} passage"
PROGRESS_STORE = "Bestand controleren en opslaan"
PROGRESS_INDEX = "Tekst lezen, opdelen en indexeren"
DOCS_TITLE = "### Geladen documenten"
DOCS_HEADERS = ["Titel", "Organisaties", "Jaar", "Soort", "Pagina's", "Passages", "Id"]
DOCS_NONE = "Er zijn (nog) geen documenten geladen."
DOCS_REFRESH = "Lijst verversen"
DOCS_UNAVAILABLE = "De documentenlijst is nog niet beschikbaar: {message}"
DELETE_CHOICE = "Document verwijderen"
DELETE_BUTTON = "Verwijderen"
DELETE_OK = "Gelukt: **{title}** is verwijderd."
DELETE_NONE = "Kies eerst een document."
DELETE_FAILED = "Verwijderen niet gelukt: {message}"
FEEDBACK_TITLE = "### Feedback voor de beoordelaars"
FEEDBACK_HELP = (
    "Duimpjes bij antwoorden worden bewaard met de vraag, het antwoord en de "
    "bronnen. Exporteer ze hier als JSON Lines."
)
FEEDBACK_EXPORT = "Feedback exporteren (JSON Lines)"
FEEDBACK_EXPORTED = "{n} beoordelingen geëxporteerd."


def explain(exc: Exception, action: str) -> str:
    """What a person reads when `action` failed: the domain message, or a plain apology.

    Unexpected errors are logged with their stack trace; the page never shows one.
    """
    if isinstance(exc, SectorwijzerError):
        return describe(exc, "nl")
    logging.getLogger("sectorwijzer.ui").exception("%s failed", action)
    return UNEXPECTED
