"""The web chat: a thin Gradio layer over `assistant` (see docs/web.md).

`serve(settings, host, port)` loads one Assistant per process, warms it and launches the app.
All HTML is built by `assistant.webview`, which escapes every user and document string.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import gradio as gr
from starlette.middleware import Middleware

from assistant import discovery
from assistant import webview as wv
from assistant.errors import SafeguideError
from assistant.generators.stream import TokenStream
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.webassets import CSS, JS
from assistant.webchat import (
    CURRENT,
    EXPORT_MAX_AGE_S,
    SOURCE_CHOICES,
    ChatService,
    Turn,
    draft_html,
    status_html,
)
from assistant.websecurity import NONE, Guard, LoginThrottle, Spec
from corpus.local import LOCAL_KINDS
from ingest.local_readers import SUPPORTED

log = logging.getLogger(__name__)
CONCURRENCY = 4
POOL = ThreadPoolExecutor(max_workers=CONCURRENCY, thread_name_prefix="sg-cards")
STREAM_STEP = 48  # characters added per streamed update
STREAM_DELAY_S = 0.01
WARM_QUESTION = "What is early help?"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
WAITING = '<div class="sg-msg sg-wait" role="status">Searching the guidance…</div>'
UNEXPECTED = ("Something went wrong while answering. Please try again; if it keeps happening, "
              "tell whoever runs this service.")
# What the API accepts (checked before the call: bad input is a 422, not a 500)
API_SPECS: dict[str, Spec] = {  # Gradio's /run and /call need every input, in this order
    "ask": [("question", (str,), True), ("edition", (str, NONE), True), ("as_at", (str, NONE), True)],
    "chat": [("message", (str,), True), ("history", (list,), True), ("edition", (str, NONE), True),
             ("as_at", (str, NONE), True)],
    "compare": [("series", (str,), True), ("old", (str,), True), ("new", (str,), True),
                ("topic", (str,), True)],
}


def build_app(assistant: Assistant, settings: Settings) -> gr.Blocks:
    """The chat page, with its queue configured (concurrency CONCURRENCY)."""
    svc = ChatService(assistant, settings)
    # Gradio's copies of export files go to a folder only this user can read (default: /tmp/gradio)
    os.environ.setdefault("GRADIO_TEMP_DIR", tempfile.mkdtemp(prefix="safeguide-gradio-"))
    choices = svc.edition_choices()
    held = svc.comparable()
    first = next(iter(held), "")
    eds = held.get(first) or ["", ""]  # a corpus without two full editions has nothing to compare
    series_choices = [(assistant.registry.series_name(s), s) for s in held]

    def chat(message: str, history: list[dict[str, Any]], edition: str, as_at: str | None,
             state: dict[str, Any], source: str | None = "all") -> Iterator[tuple[Any, ...]]:
        """`source` comes from the Search control through a session State, so the /chat API keeps
        its four values (old gradio_client callers) and searches everything."""
        history = [*(history or []), {"role": "user", "content": wv.render_question(message)}]
        warning = wv.case_warning(wv.case_details(message or ""))
        wait = {"role": "assistant", "content": WAITING}
        yield [*history, wait], "", state, status_html(warning), gr.skip()
        # written answers stream their draft; the checked answer then replaces it
        job = TokenStream(lambda on_token: svc.ask(message, svc.match_edition(edition), as_at,
                                                   state.get("topic"), on_token, source))
        streamed = False
        for draft in job:
            streamed = True
            yield [*history, {"role": "assistant", "content": draft_html(draft)}], "", state, \
                status_html(warning), gr.skip()
        try:
            follow, answer, scope = job.result()
        except Exception as err:  # the page shows one friendly line, never a stack trace
            if not isinstance(err, SafeguideError):
                log.exception("answering failed")
            text = str(err) if isinstance(err, SafeguideError) else UNEXPECTED
            note = {"role": "assistant", "content": wv.render_notice(text)}
            yield [*history, note], "", state, status_html(warning), gr.skip()
            return
        status = status_html(wv.case_warning(wv.case_details(follow.question)), follow)
        uid = svc.uid()
        views = POOL.submit(svc.views, answer)  # page images render while the body streams
        for part in ([] if streamed else wv.stream_parts(answer, STREAM_STEP)):
            msg = {"role": "assistant",
                   "content": wv.render_message(answer, [], follow, part, uid, scope.why)}
            yield [*history, msg], "", state, status, gr.skip()
            time.sleep(STREAM_DELAY_S)
        html = wv.render_message(answer, views.result(), follow, uid=uid, why=scope.why)
        final = {"role": "assistant", "content": html}
        turn = Turn(message, follow.question, follow.topic, answer, datetime.now(UTC))
        copy = f"Question: {follow.question}\n\n{answer.text}\n\n{wv.SAFETY_NOTICE}"
        yield [*history, final], "", {"topic": follow.topic, "turn": turn}, status, copy

    def ask(question: str, edition: str = CURRENT, as_at: str = "") -> dict[str, Any]:
        """API only: the answer record as JSON (no HTML, no session state). It searches national
        guidance and local documents; /api/v1/ask and the MCP tools take a source."""
        try:
            follow, answer, scope = svc.ask(question, svc.match_edition(edition), as_at, None)
        except SafeguideError as err:
            return {"question": question, "error": str(err)}
        return {"question": follow.question, "why_edition": scope.why, **answer.as_json()}

    def compare(series: str, old: str, new: str, topic: str = "") -> str:
        return svc.compare_html(series, old, new, topic or "")

    def editions_of(series: str) -> tuple[Any, Any]:
        eds = held.get(series, [])
        return (gr.update(choices=eds, value=eds[-2] if len(eds) > 1 else None),
                gr.update(choices=eds, value=eds[-1] if eds else None))

    def export(state: dict[str, Any], fmt: str) -> str | None:
        turn: Turn | None = state.get("turn")
        if turn is None:
            gr.Info("Ask a question first.")
            return None
        return svc.export(turn, fmt)

    def feedback(state: dict[str, Any], rating: str, comment: str, opt_in: bool) -> tuple[str, str]:
        turn: Turn | None = state.get("turn")
        if turn is None:
            return "Ask a question first.", comment
        svc.feedback(turn, rating, comment, opt_in)
        kept = "with your question" if opt_in else "without your question"
        return f"Thank you — feedback saved ({kept}).", ""

    def source_control() -> Any:
        """The Search control: shown while local documents are held (else back to "all")."""
        held = svc.has_local()
        return gr.update(visible=True) if held else gr.update(visible=False, value="all")

    def docs_view(request: gr.Request) -> tuple[str, Any, Any]:
        user = getattr(request, "username", None)
        return svc.documents_html(user), gr.update(visible=svc.is_admin(user)), source_control()

    def documents_action(request: gr.Request, action: Callable[[str | None], str]) -> tuple[str, str]:
        """Run an admin action (checked again in ChatService); the list and one line back."""
        user = getattr(request, "username", None)
        try:
            line = wv.esc(action(user))
            note = f'<div class="sg-msg" role="status">{line}</div>'
        except Exception as err:  # the page shows one friendly line, never a stack trace
            if not isinstance(err, SafeguideError):
                log.exception("document action failed")
            note = wv.render_notice(str(err) if isinstance(err, SafeguideError) else UNEXPECTED)
        return svc.documents_html(user), note

    def add_doc(path: str | None, title: str, publisher: str, published: str, kind: str,
                request: gr.Request) -> tuple[str, str, Any, Any]:
        listing, note = documents_action(
            request, lambda user: svc.add_document(user, path, title, publisher, published, kind))
        return listing, note, None, source_control()

    def remove_doc(doc_id: str, request: gr.Request) -> tuple[str, str, str, Any]:
        listing, note = documents_action(request, lambda user: svc.remove_document(user, doc_id))
        return listing, note, "", source_control()

    def one_control(value: Any, other_default: Any) -> Any:
        """Edition and as-at date never both apply: setting one clears the other (visibly)."""
        return gr.update(value=other_default) if value and value != CURRENT else gr.skip()

    with gr.Blocks(title="safeguide — UK child-safeguarding guidance", analytics_enabled=False,
                   delete_cache=(EXPORT_MAX_AGE_S, EXPORT_MAX_AGE_S)) as demo:
        state = gr.State({})
        source_state = gr.State("all")  # the Search control's value, for chat (not an API input)
        gr.HTML('<h1>safeguide</h1><p>UK child-safeguarding guidance, quoted with page '
                'references</p>', elem_id="sg-title", js_on_load=None)
        gr.HTML(f'<div class="sg-safety" id="sg-safety">{wv.esc(wv.SAFETY_NOTICE)}</div>',
                js_on_load=None)
        with gr.Row(elem_id="sg-controls", equal_height=True):
            edition = gr.Dropdown(choices, value=CURRENT, label="Edition (or type a year)",
                                  elem_id="sg-edition", allow_custom_value=True, filterable=True,
                                  scale=2, min_width=200)
            as_at = gr.DateTime(label="Or editions in force on", include_time=False,
                                type="string", value=None, elem_id="sg-asat", scale=1,
                                min_width=200)
            source = gr.Dropdown(SOURCE_CHOICES, value="all", label="Search",
                                 elem_id="sg-source", visible=svc.has_local(), scale=1,
                                 min_width=200)
        status = gr.HTML("", elem_id="sg-status", js_on_load=None)
        chatbot = gr.Chatbot(elem_id="sg-chat", height="62vh", min_height=360, show_label=False,
                             sanitize_html=True, latex_delimiters=[], feedback_options=None,
                             buttons=["copy"], autoscroll=False,
                             placeholder="Ask about Working Together, KCSIE or information "
                                         "sharing. Short follow-ups like “and in 2018?” work.")
        msg = gr.Textbox(label="Your question", elem_id="sg-question", autofocus=True,
                         placeholder="e.g. How long can a social care assessment take?",
                         submit_btn="Ask", max_length=settings.max_question_chars + 500)
        remove_btn = gr.Button("Remove these details from my question", size="sm",
                               visible=False, elem_id="sg-remove")
        clear = gr.Button("Clear the conversation", size="sm", elem_id="sg-clear")
        with gr.Accordion("Copy, export, feedback", open=False, elem_id="sg-actions"):
            copy_box = gr.Textbox(label="Answer with citations", lines=6, buttons=["copy"],
                                  interactive=False, elem_id="sg-copy")
            with gr.Row():
                md_btn = gr.Button("Export Markdown", size="sm", elem_id="sg-export-md")
                json_btn = gr.Button("Export JSON", size="sm", elem_id="sg-export-json")
            export_file = gr.File(label="Answer record", interactive=False, elem_id="sg-export")
            with gr.Row():
                up = gr.Button("👍 Helpful", size="sm", elem_id="sg-up")
                down = gr.Button("👎 Not helpful", size="sm", elem_id="sg-down")
            comment = gr.Textbox(label="Comment (optional)", lines=2, elem_id="sg-comment")
            opt_in = gr.Checkbox(label="Include my question with this feedback (it is not stored "
                                       "otherwise)", value=False, elem_id="sg-optin")
            thanks = gr.Markdown("", elem_id="sg-thanks")
        with gr.Accordion("Compare editions", open=False, elem_id="sg-cmp"):
            with gr.Row():
                cmp_series = gr.Dropdown(series_choices, value=first, label="Guidance",
                                         elem_id="sg-cmp-series")
                cmp_old = gr.Dropdown(eds, value=eds[-2], label="Older edition",
                                      elem_id="sg-cmp-old")
                cmp_new = gr.Dropdown(eds, value=eds[-1], label="Newer edition",
                                      elem_id="sg-cmp-new")
                cmp_topic = gr.Textbox(label="Topic (optional)", elem_id="sg-cmp-topic",
                                       placeholder="e.g. filtering and monitoring")
            cmp_btn = gr.Button("Show the changes", size="sm", elem_id="sg-cmp-run")
            cmp_out = gr.HTML("", elem_id="sg-cmp-out", js_on_load=None)
        with gr.Accordion("Documents", open=False, elem_id="sg-docs"):
            docs_list = gr.HTML("", elem_id="sg-docs-list", js_on_load=None)  # filled on load
            with gr.Column(visible=False, elem_id="sg-docs-admin") as docs_admin:
                doc_file = gr.File(label="Add a local document (PDF, DOCX, HTML, Markdown or text)",
                                   file_types=list(SUPPORTED), type="filepath", elem_id="sg-doc-file")
                with gr.Row():
                    doc_title = gr.Textbox(label="Title (optional)", elem_id="sg-doc-title")
                    doc_pub = gr.Textbox(label="Publisher", elem_id="sg-doc-publisher")
                    doc_date = gr.Textbox(label="Date (YYYY-MM-DD)", elem_id="sg-doc-date")
                    doc_kind = gr.Dropdown(list(LOCAL_KINDS), value="local-procedure", label="Kind",
                                           elem_id="sg-doc-kind")
                doc_add = gr.Button("Add and index", size="sm", elem_id="sg-doc-add")
                with gr.Row():
                    doc_id = gr.Textbox(label="Id of a local document to remove", elem_id="sg-doc-id")
                    doc_rm = gr.Button("Remove", size="sm", elem_id="sg-doc-remove")
            doc_msg = gr.HTML("", elem_id="sg-doc-msg", js_on_load=None)

        msg.submit(chat, [msg, chatbot, edition, as_at, state, source_state],
                   [chatbot, msg, state, status, copy_box], api_name="chat")
        # case details are flagged as the question is typed, before anything is searched
        def typed(text: str) -> tuple[str, Any]:
            kinds = wv.case_details(text or "")
            return status_html(wv.case_warning(kinds)), gr.update(visible=bool(kinds))

        def remove(text: str) -> tuple[str, str, Any]:
            return wv.remove_case_details(text or ""), "", gr.update(visible=False)

        msg.input(typed, [msg], [status, remove_btn], trigger_mode="always_last",
                  show_progress="hidden", queue=False, api_visibility="private")
        remove_btn.click(remove, [msg], [msg, status, remove_btn], queue=False,
                         api_visibility="private")
        edition.change(lambda v: one_control(v, None), [edition], [as_at], api_visibility="private")
        source.change(lambda v: v or "all", [source], [source_state], queue=False,
                      api_visibility="private")
        as_at.change(lambda v: one_control(v, CURRENT), [as_at], [edition],
                     api_visibility="private")
        clear.click(lambda: ([], {}, "", ""), None, [chatbot, state, status, copy_box],
                    api_visibility="private")
        cmp_series.change(editions_of, [cmp_series], [cmp_old, cmp_new], api_visibility="private")
        cmp_btn.click(compare, [cmp_series, cmp_old, cmp_new, cmp_topic], [cmp_out],
                      api_name="compare")
        cmp_topic.submit(compare, [cmp_series, cmp_old, cmp_new, cmp_topic], [cmp_out],
                         api_visibility="private")
        md_btn.click(lambda s: export(s, "md"), [state], [export_file], api_visibility="private")
        json_btn.click(lambda s: export(s, "json"), [state], [export_file],
                       api_visibility="private")
        up.click(lambda s, c, o: feedback(s, "up", c, o), [state, comment, opt_in],
                 [thanks, comment], api_visibility="private")
        down.click(lambda s, c, o: feedback(s, "down", c, o), [state, comment, opt_in],
                   [thanks, comment], api_visibility="private")
        demo.load(docs_view, None, [docs_list, docs_admin, source], api_visibility="private")
        doc_add.click(add_doc, [doc_file, doc_title, doc_pub, doc_date, doc_kind],
                      [docs_list, doc_msg, doc_file, source], api_visibility="private")
        doc_rm.click(remove_doc, [doc_id], [docs_list, doc_msg, doc_id, source],
                     api_visibility="private")
        gr.api(ask, api_name="ask")
    demo.queue(default_concurrency_limit=CONCURRENCY)
    demo.sg_service = svc  # for launch(): exports deleted on shutdown
    return demo


def warm(assistant: Assistant) -> None:
    """Load the index and the embedding model once, before the first visitor."""
    t0 = time.perf_counter()
    assistant.retriever.ensure_loaded()
    assistant.ask(WARM_QUESTION)
    log.info("warmed in %.1f s", time.perf_counter() - t0)


def auth_pairs(settings: Settings) -> list[tuple[str, str]] | None:
    return wv.parse_auth(getattr(settings, "auth", None) or os.environ.get("SAFEGUIDE_AUTH"))


def _app_kwargs(demo: gr.Blocks) -> dict[str, Any]:
    """The guard middleware (login throttle, no schema before login, 4xx on bad API input) and
    a lifespan that deletes the export files when the server stops."""
    svc: ChatService | None = getattr(demo, "sg_service", None)

    @asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        try:
            yield
        finally:
            if svc:
                svc.close()

    return {"middleware": [Middleware(Guard, throttle=LoginThrottle(), specs=API_SPECS)],
            "lifespan": lifespan}


def _allowed_paths(demo: gr.Blocks) -> list[str]:
    svc: ChatService | None = getattr(demo, "sg_service", None)
    return [str(svc.pages.folder)] if svc else []


def launch(demo: gr.Blocks, host: str = "127.0.0.1", port: int = 7860,
           auth: list[tuple[str, str]] | None = None, block: bool = True,
           assistant: Assistant | None = None) -> str:
    """Start the server; with block=False return at once (tests). Returns the local URL.

    With `assistant`, the JSON API (/api/v1) and the MCP server (/gradio_api/mcp/) are served
    beside the page, under the same login (assistant/api/server.py)."""
    page: dict[str, Any] = {
        "css": CSS, "head": JS, "ssr_mode": False, "show_error": False,
        "auth_message": "Sign in to safeguide.", "footer_links": ["api"], "run_history": False,
        "app_kwargs": _app_kwargs(demo), "allowed_paths": _allowed_paths(demo)}
    if assistant is not None:
        from assistant.api import server

        server.start(server.build(demo, assistant, auth, **page), demo, host, port, block)
    else:
        demo.launch(server_name=host, server_port=port, auth=auth, prevent_thread_lock=not block,
                    quiet=True, **page)
    return f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 7860,
          no_login: bool = False) -> None:
    """`safeguide serve`: one Assistant for the process, warmed, then the web chat.

    A host other than loopback needs SAFEGUIDE_AUTH, unless `no_login` says so explicitly."""
    auth = auth_pairs(settings)
    if host not in LOOPBACK and not auth:
        if not no_login:
            raise wv.ConfigError(f"Refusing to serve on {host} without a login: set "
                                 "SAFEGUIDE_AUTH=user:password, or pass --no-login if this network "
                                 "is trusted.")
        log.warning("serving on %s without a login (--no-login)", host)
    assistant = Assistant(settings)
    warm(assistant)
    demo = build_app(assistant, settings)
    url = launch(demo, host, port, auth, block=False, assistant=assistant)
    _stop_on_sigterm()
    try:
        with discovery.announced(settings, url, login=bool(auth)):  # `ask` finds this server
            print(f"safeguide: web chat ready on {url} (login {'on' if auth else 'off'}); JSON API "
                  f"on {url}api/v1/docs, MCP on {url}gradio_api/mcp/; Ctrl+C stops it",
                  flush=True)  # the command's one line of output, with or without -v
            demo.block_thread()
    finally:  # a mounted app's lifespan does not run: delete the export files here
        svc: ChatService | None = getattr(demo, "sg_service", None)
        if svc:
            svc.close()


def _stop_on_sigterm() -> None:
    """SIGTERM (`kill`, a service manager) stops the server as Ctrl+C does, running the clean-up
    (the export files, the record `ask` finds the server by) instead of ending at once."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        serve(Settings(), os.environ.get("SAFEGUIDE_HOST", "127.0.0.1"),
              int(os.environ.get("SAFEGUIDE_PORT", "7860")))
    except SafeguideError as exc:
        print(f"safeguide: {exc}", file=sys.stderr)
        sys.exit(2)
