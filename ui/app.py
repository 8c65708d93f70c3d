"""The chat UI (Gradio Blocks) and `mount_ui`, which serves it at `/` of the FastAPI app."""

from collections.abc import Callable
from pathlib import Path

from rag.offline import apply_offline_env

apply_offline_env()

import gradio as gr  # noqa: E402 - the offline environment must be set first
from fastapi import FastAPI  # noqa: E402

from api.access import key_matches  # noqa: E402
from api.service import Service  # noqa: E402
from ui import assets, text  # noqa: E402
from ui.chat import Chat  # noqa: E402
from ui.compare import Comparisons  # noqa: E402
from ui.compare import examples as compare_examples  # noqa: E402
from ui.library import Library  # noqa: E402
from ui.uploads import upload_dir  # noqa: E402

# Gradio deletes the files it made for this app every hour once they are an hour old, and all
# of them when the server stops.
DELETE_CACHE = (3600, 3600)


def build_ui(service: Service, uploads: Path | None = None) -> gr.Blocks:
    """The whole interface: a chat tab with sources and filters, a Standpunten tab that
    compares the documents on a topic, and a documents tab."""
    chat, library = Chat(service), Library(service, uploads)
    comparisons = Comparisons(service, uploads)
    with gr.Blocks(title=text.TITLE, analytics_enabled=False, delete_cache=DELETE_CACHE) as demo:
        gr.Markdown(text.INTRO)
        status = gr.Markdown(elem_id="index-status")
        timer = gr.Timer(2.0, active=False)
        with gr.Tab(text.TAB_CHAT, elem_id="tab-chat"):
            filters = _chat_tab(chat)
        with gr.Tab(text.TAB_COMPARE, elem_id="tab-compare"):
            _compare_tab(comparisons)
        with gr.Tab(text.TAB_DOCS, elem_id="tab-docs"):
            table, delete_choice = _documents_tab(library, filters)
        outputs = [status, timer, table, *filters, delete_choice]
        demo.load(library.status_and_refresh, None, outputs, api_visibility="private")
        timer.tick(library.status_and_refresh, None, outputs, api_visibility="private")
    library.received = demo.upload_file_set  # only files Gradio's upload route wrote
    return demo


def _chat_tab(chat: Chat) -> list[gr.components.Component]:
    exchanges = gr.State([])
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            chatbot, question, send, clear = _chat_column()
            filters = _filters()
            _examples(question)
        with gr.Column(scale=2):
            gr.Markdown(text.SOURCES_TITLE)
            sources = gr.HTML(text.SOURCES_EMPTY, elem_id="sources")
    outputs = [chatbot, exchanges, sources, question]
    for trigger in (send.click, question.submit):
        trigger(chat.respond, [question, exchanges, *filters], outputs, api_visibility="private")
    chatbot.like(chat.rate, [exchanges], None, api_visibility="private")
    clear.click(chat.clear, None, outputs, api_visibility="private")
    chatbot.clear(chat.clear, None, outputs, api_visibility="private")
    return filters


def _chat_column() -> tuple[gr.Chatbot, gr.Textbox, gr.Button, gr.Button]:
    chatbot = gr.Chatbot(
        label=text.CHAT_LABEL,
        elem_id="chat",
        height=520,
        buttons=["copy"],
        feedback_options=("Like", "Dislike"),
    )
    with gr.Row():
        question = gr.Textbox(
            label=text.QUESTION_LABEL,
            elem_id="question",
            placeholder=text.QUESTION_PLACEHOLDER,
            scale=5,
            lines=1,
            max_lines=4,
        )
        send = gr.Button(text.SEND, variant="primary", elem_id="send", scale=1)
    clear = gr.Button(text.NEW_CHAT, size="sm", elem_id="new-chat")
    return chatbot, question, send, clear


def _examples(question: gr.Textbox) -> None:
    """Example questions per user group; a click puts one in the question box."""
    gr.Markdown(text.EXAMPLES_TITLE)
    for group, questions in text.EXAMPLES.items():
        gr.Examples([[q] for q in questions], inputs=[question], label=group)


def _filters() -> list[gr.components.Component]:
    with gr.Accordion(text.FILTERS, open=False, elem_id="filters"):
        with gr.Row():
            kinds = gr.Dropdown([], multiselect=True, label=text.FILTER_KIND, elem_id="f-kind")
            orgs = gr.Dropdown([], multiselect=True, label=text.FILTER_ORGS, elem_id="f-org")
        docs = gr.Dropdown([], multiselect=True, label=text.FILTER_DOCS, elem_id="f-docs")
        with gr.Row():
            year_from = gr.Dropdown([], value=None, label=text.YEAR_FROM, elem_id="f-from")
            year_to = gr.Dropdown([], value=None, label=text.YEAR_TO, elem_id="f-to")
    return [kinds, orgs, docs, year_from, year_to]


def _compare_tab(comparisons: Comparisons) -> None:
    gr.Markdown(text.COMPARE_HELP)
    with gr.Row():
        topic = gr.Textbox(
            label=text.COMPARE_TOPIC,
            placeholder=text.COMPARE_PLACEHOLDER,
            elem_id="compare-topic",
            scale=5,
            lines=1,
            max_lines=1,
        )
        run = gr.Button(text.COMPARE_BUTTON, variant="primary", elem_id="compare-button", scale=1)
    gr.Examples(compare_examples(), inputs=[topic], label=text.COMPARE_EXAMPLES_LABEL)
    result = gr.HTML(text.COMPARE_EMPTY, elem_id="compare-result")
    files = gr.File(
        label=text.COMPARE_DOWNLOAD,
        file_count="multiple",
        interactive=False,
        height=120,
        elem_id="compare-download",
    )
    for trigger in (run.click, topic.submit):
        trigger(comparisons.run, [topic], [result, files], api_visibility="private")


def _documents_tab(
    library: Library, filters: list[gr.components.Component]
) -> tuple[gr.HTML, gr.Dropdown]:
    needs_key = bool(library.service.settings.api_key)
    key = gr.Textbox(
        label=text.ADMIN_KEY,
        info=text.ADMIN_KEY_INFO,
        type="password",
        visible=needs_key,
        elem_id="key",
    )
    with gr.Row(equal_height=False):
        with gr.Column():
            form, add, status = _upload_form()
        with gr.Column():
            table, refresh, delete_choice, delete = _documents_list()
            export, export_file = _feedback_export()
    refreshed = [table, *filters, delete_choice]
    add.click(library.upload, [*form, key], [status, form[0], *refreshed], api_visibility="private")
    delete.click(
        library.delete, [delete_choice, key], [status, *refreshed], api_visibility="private"
    )
    refresh.click(library.refresh, None, refreshed, api_visibility="private")
    export.click(library.export_feedback, [key], [status, export_file], api_visibility="private")
    return table, delete_choice


def _upload_form() -> tuple[list[gr.components.Component], gr.Button, gr.Markdown]:
    """File, title, organisations, year, kind; the button; the result line."""
    gr.Markdown(text.UPLOAD_TITLE)
    gr.Markdown(text.UPLOAD_HELP)
    upload = gr.File(
        label=text.UPLOAD_FILE,
        file_types=[".pdf", ".txt", ".md"],
        type="filepath",
        elem_id="upload-file",
    )
    title = gr.Textbox(label=text.META_TITLE, elem_id="meta-title")
    orgs = gr.Textbox(label=text.META_ORGS, elem_id="meta-orgs")
    with gr.Row():
        year = gr.Textbox(label=text.META_YEAR, elem_id="meta-year")
        kind = gr.Textbox(
            label=text.META_KIND, placeholder=text.META_KIND_HINT, elem_id="meta-kind"
        )
    add = gr.Button(text.UPLOAD_BUTTON, variant="primary", elem_id="upload-button")
    status = gr.Markdown(elem_id="upload-status")
    return [upload, title, orgs, year, kind], add, status


def _documents_list() -> tuple[gr.HTML, gr.Button, gr.Dropdown, gr.Button]:
    gr.Markdown(text.DOCS_TITLE)
    table = gr.HTML(elem_id="documents")
    refresh = gr.Button(text.DOCS_REFRESH, size="sm")
    with gr.Row():
        delete_choice = gr.Dropdown([], label=text.DELETE_CHOICE, elem_id="delete-doc")
        delete = gr.Button(text.DELETE_BUTTON, variant="stop", elem_id="delete-button")
    return table, refresh, delete_choice, delete


def _feedback_export() -> tuple[gr.Button, gr.File]:
    gr.Markdown(text.FEEDBACK_TITLE)
    gr.Markdown(text.FEEDBACK_HELP)
    export = gr.Button(text.FEEDBACK_EXPORT, elem_id="export-feedback")
    return export, gr.File(label="feedback.jsonl", interactive=False, height=120)


def mount_ui(app: FastAPI, service: Service, path: str = "/") -> FastAPI:
    """Serve the UI at `path` of `app`: no analytics, no run history, no external assets.

    With `SECTORWIJZER_READ_KEY` set, the UI asks for it first (any user name, the read or
    write key as password)."""
    demo = build_ui(service, upload_dir()).queue(default_concurrency_limit=4)
    # Gradio checks that a callback's input files were uploaded (instead of copying any file a
    # client names into its cache) only once it counts as launched, which mounting skips.
    demo.has_launched = True
    settings = service.settings
    return gr.mount_gradio_app(
        app,
        demo,
        path=path,
        footer_links=[],
        run_history=False,
        ssr_mode=False,
        mcp_server=False,
        theme=gr.themes.Default(),
        css=assets.CSS,
        head=assets.HEAD,
        show_error=False,
        max_file_size=settings.max_upload_bytes,
        auth=_read_key_login(service) if settings.read_key else None,
        auth_message=text.READ_KEY_LOGIN if settings.read_key else None,
    )


def _read_key_login(service: Service) -> Callable[[str, str], bool]:
    """Gradio's login check: the password must be the read key or the write key."""

    def login(username: str, password: str) -> bool:
        settings = service.settings
        return key_matches(password, settings.read_key, settings.api_key)

    return login
