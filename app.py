"""The web chat: a thin Gradio layer over `assistant` (see docs/web.md).

`serve(settings, host, port)` loads one Assistant per process, warms it and launches the app.
All HTML is built by `assistant.webview`, which escapes every user and document string.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import gradio as gr

from assistant import webview as wv
from assistant.errors import SafeguideError
from assistant.generators.stream import TokenStream
from assistant.records import Answer
from assistant.service import Assistant
from assistant.settings import Settings

log = logging.getLogger(__name__)
CURRENT = "current"
CONCURRENCY = 4
STREAM_STEP = 48  # characters added per streamed update
STREAM_DELAY_S = 0.01
EXPORT_MAX_AGE_S = 600
WARM_QUESTION = "What is early help?"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
WAITING = '<div class="sg-wait">Searching the guidance…</div>'
UNEXPECTED = ("Something went wrong while answering. Please try again; if it keeps happening, "
              "tell whoever runs this service.")

CSS = """
.sg-safety {background:#fff4e5;border-left:4px solid #d97706;padding:6px 10px;font-size:0.95em}
.sg-warn {background:#fef3c7;border-left:4px solid #b45309;padding:6px 10px;margin:4px 0}
.sg-head {font-size:0.85em;color:#4b5563;margin-bottom:4px}
.sg-marker {font-weight:600;color:#1d4ed8}
.sg-cards {margin-top:10px;display:flex;flex-direction:column;gap:6px}
.sg-card {border:1px solid #d1d5db;border-radius:6px;padding:6px 10px;background:#f9fafb}
.sg-card summary {cursor:pointer;list-style:none}
.sg-card summary > span {display:block}
.sg-card-title {font-weight:600}
.sg-card-meta, .sg-card-duty {font-size:0.85em;color:#374151}
.sg-card-chunk {margin-top:4px;font-size:0.92em}
.sg-card-open {font-size:0.8em;color:#1d4ed8;margin-top:2px}
.sg-card[open] .sg-card-open {display:none}
.sg-page {margin-top:8px;border-top:1px dashed #9ca3af;padding-top:6px}
.sg-page-head {font-size:0.85em;font-weight:600}
.sg-page-text {max-height:360px;overflow-y:auto;font-size:0.88em;white-space:normal}
.sg-card mark {background:#fde68a;padding:0 1px}
.sg-badge {background:#fee2e2;color:#991b1b;font-size:0.75em;padding:0 4px;border-radius:3px}
.sg-error {color:#991b1b}
.sg-wait {color:#6b7280;font-style:italic}
.sg-del {background:#fee2e2;color:#991b1b}
.sg-role {background:#e0e7ff;color:#3730a3;font-size:0.75em;padding:0 4px;border-radius:3px}
.sg-ins {background:#dcfce7;color:#166534;text-decoration:none}
"""


@dataclass
class Turn:
    """The last answered question of a session (kept in gr.State, never on disk)."""

    question: str
    asked: str
    topic: str
    answer: Answer
    when: datetime


class ChatService:
    """What the page does, apart from layout: one per process, shared by all sessions."""

    def __init__(self, assistant: Assistant, settings: Settings) -> None:
        self.assistant = assistant
        self.settings = settings
        self.fingerprint = assistant.manifest.fingerprint()
        self._feedback_lock = threading.Lock()
        self.export_dir = Path(tempfile.mkdtemp(prefix="safeguide-export-"))

    def edition_choices(self) -> list[tuple[str, str]]:
        reg, today = self.assistant.registry, self.settings.current_date()
        out = [("Current (in force)", CURRENT)]
        for e in reg.editions():
            if reg.docs_for(e.series, e.edition):
                label = reg.label(e.series, e.edition)
                briefing = all(d.kind == "briefing" for d in reg.docs_for(e.series, e.edition))
                tags = [t for t, on in (("in force", e.in_force_on(today)),
                                        ("briefing only", briefing)) if on]
                out.append((f"{label} ({', '.join(tags)})" if tags else label, label))
        return out

    def compare_pair(self, answer: Answer | None = None) -> tuple[str, str]:
        """Editions to compare: the one an answer used (else the current Working Together)
        and the held edition before it in the same series (else the one after)."""
        reg = self.assistant.registry
        if answer and answer.citations:
            c = answer.citations[0]
            series, edition = self.assistant.manifest.doc(c.doc_id).series, c.edition
        else:
            series = reg.all_series()[0]
            now = reg.current(series, self.settings.current_date())
            edition = now.edition if now else ""
        held = [e.edition for e in reg.editions(series) if reg.docs_for(series, e.edition)]
        if edition not in held or len(held) < 2:
            return CURRENT, CURRENT
        i = held.index(edition)
        other = held[i - 1] if i > 0 else held[i + 1]
        return reg.label(series, edition), reg.label(series, other)

    def ask(self, question: str, edition: str | None, as_at: str | None,
            previous_topic: str | None, on_token: Any = None) -> tuple[wv.FollowUp, Answer]:
        follow = wv.follow_up(question or "", previous_topic)
        chosen = None if not edition or edition == CURRENT else edition
        as_of = None if chosen else wv.parse_as_at(as_at)
        return follow, self.assistant.ask(follow.question, edition=chosen, as_of=as_of,
                                          on_token=on_token)

    def views(self, answer: Answer) -> list[wv.SourceView]:
        chunks = {p.chunk.chunk_id: p.chunk.text for p in answer.passages}
        out = []
        for c in answer.citations:
            chunk = chunks.get(c.chunk_id)
            if chunk is None and (found := self.assistant.retriever.chunk(c.chunk_id)):
                chunk = found.text
            pages = self.assistant.retriever.pages(c.doc_id)
            last = c.page_end or c.page
            page_text = "\n\n".join(
                p.text for p in pages
                if c.page is None or (p.number is not None and c.page <= p.number <= (last or 0)))
            doc = self.assistant.manifest.doc(c.doc_id)
            url = self.assistant.manifest.series[doc.series].publication_page
            out.append(wv.SourceView(c, chunk or c.quote, page_text, url))
        return out

    def settings_summary(self) -> dict[str, Any]:
        s = self.settings
        return {"embed_model": s.embed_model, "generator": s.generator, "index": s.index_name(),
                "top_k": s.top_k, "max_quotes": s.max_quotes,
                "abstain_threshold": s.abstain_threshold, "dense_k": s.dense_k,
                "bm25_k": s.bm25_k, "rrf_k": s.rrf_k}

    def export(self, turn: Turn, fmt: str) -> str:
        record = wv.answer_record(turn.question, turn.asked, turn.answer, self.fingerprint,
                                  self.settings_summary(), turn.when)
        now = time.time()
        for old in self.export_dir.glob("*"):  # exports hold questions: keep them briefly only
            if now - old.stat().st_mtime > EXPORT_MAX_AGE_S:
                old.unlink(missing_ok=True)
        folder = Path(tempfile.mkdtemp(dir=self.export_dir))
        path = folder / f"safeguide-answer-{turn.when:%Y%m%d-%H%M%S}.{fmt}"
        text = wv.record_json(record) if fmt == "json" else wv.record_markdown(record)
        path.write_text(text, encoding="utf-8")
        return str(path)

    def feedback(self, turn: Turn, rating: str, comment: str, include_question: bool) -> None:
        entry = wv.feedback_entry(rating, comment, turn.answer,
                                  turn.question if include_question else None,
                                  self.fingerprint, datetime.now(UTC))
        path = self.settings.home / "feedback.jsonl"
        with self._feedback_lock:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def answer_html(self, topic: str, edition: str) -> str:
        try:
            answer = self.assistant.ask(topic, edition=None if edition == CURRENT else edition)
        except SafeguideError as err:
            return wv.render_notice(str(err))
        return wv.render_message(answer, self.views(answer))


def _draft_html(draft: str) -> str:
    """A written answer while it streams: plainly marked as unchecked."""
    return (f'<div class="sg-msg"><div class="sg-wait">Draft — checking every sentence against its '
            f'source…</div><div class="sg-answer">{wv.esc(draft)}</div></div>')


def _status(warning: str, follow: wv.FollowUp | None = None, answer: Answer | None = None) -> str:
    parts = [f'<div class="sg-warn">{wv.esc(warning)}</div>'] if warning else []
    if follow and follow.carried:
        parts.append(f'<div class="sg-head">{wv.esc(wv.carry_note(follow))}</div>')
    if answer and answer.edition_used:
        label = "Editions searched" if answer.abstained else "Edition used"
        parts.append(f'<div class="sg-head">{label}: {wv.esc(answer.edition_used)}</div>')
    return "".join(parts)


def build_app(assistant: Assistant, settings: Settings) -> gr.Blocks:
    """The chat page, with its queue configured (concurrency CONCURRENCY)."""
    svc = ChatService(assistant, settings)
    choices = svc.edition_choices()
    pair = svc.compare_pair()

    def chat(message: str, history: list[dict[str, Any]], edition: str, as_at: str,
             state: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
        history = [*(history or []), {"role": "user", "content": wv.render_question(message)}]
        warning = wv.case_warning(wv.case_details(message or ""))
        wait = {"role": "assistant", "content": WAITING}
        yield [*history, wait], "", state, _status(warning), gr.skip()
        # written answers stream their draft; the checked answer then replaces it
        job = TokenStream(lambda on_token: svc.ask(message, edition, as_at, state.get("topic"), on_token))
        streamed = False
        for draft in job:
            streamed = True
            yield [*history, {"role": "assistant", "content": _draft_html(draft)}], "", state, \
                _status(warning), gr.skip()
        try:
            follow, answer = job.result()
        except Exception as err:  # the page shows one friendly line, never a stack trace
            if not isinstance(err, SafeguideError):
                log.exception("answering failed")
            text = str(err) if isinstance(err, SafeguideError) else UNEXPECTED
            note = {"role": "assistant", "content": wv.render_notice(text)}
            yield [*history, note], "", state, _status(warning), gr.skip()
            return
        status = _status(wv.case_warning(wv.case_details(follow.question)), follow, answer)
        for part in ([] if streamed else assistant.stream(answer, step=STREAM_STEP)):
            msg = {"role": "assistant", "content": wv.render_message(answer, [], follow, part)}
            yield [*history, msg], "", state, status, gr.skip()
            time.sleep(STREAM_DELAY_S)
        html = wv.render_message(answer, svc.views(answer), follow)
        final = {"role": "assistant", "content": html}
        turn = Turn(message, follow.question, follow.topic, answer, datetime.now(UTC))
        copy = f"Question: {follow.question}\n\n{answer.text}\n\n{wv.SAFETY_NOTICE}"
        yield [*history, final], "", {"topic": follow.topic, "turn": turn}, status, copy

    def suggest_pair(state: dict[str, Any]) -> tuple[Any, Any]:
        turn: Turn | None = state.get("turn")
        if turn is None or not turn.answer.citations:
            return gr.skip(), gr.skip()
        a, b = svc.compare_pair(turn.answer)
        return gr.update(value=a), gr.update(value=b)

    def ask(question: str, edition: str = CURRENT, as_at: str = "") -> dict[str, Any]:
        """API only: the answer record as JSON (no HTML, no session state)."""
        try:
            follow, answer = svc.ask(question, edition, as_at, None)
        except SafeguideError as err:
            return {"question": question, "error": str(err)}
        return {"question": follow.question, **answer.as_json()}

    def compare(state: dict[str, Any], ed_a: str, ed_b: str) -> tuple[str, str]:
        turn: Turn | None = state.get("turn")
        if turn is None:
            note = wv.render_notice("Ask a question first; then compare two editions.")
            return note, ""
        return svc.answer_html(turn.topic, ed_a), svc.answer_html(turn.topic, ed_b)

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

    with gr.Blocks(title="safeguide", analytics_enabled=False,
                   delete_cache=(EXPORT_MAX_AGE_S, EXPORT_MAX_AGE_S)) as demo:
        state = gr.State({})
        gr.HTML(f'<div class="sg-safety" id="sg-safety">{wv.esc(wv.SAFETY_NOTICE)}</div>',
                js_on_load=None)
        gr.Markdown("## safeguide — UK child-safeguarding guidance, quoted with page references")
        with gr.Row():
            edition = gr.Dropdown(choices, value=CURRENT, label="Edition", elem_id="sg-edition",
                                  scale=2)
            as_at = gr.Textbox(label="As at date (YYYY-MM-DD)", placeholder="e.g. 2019-05-01",
                               info="Used when the edition is “Current”.", elem_id="sg-asat",
                               scale=1)
        status = gr.HTML("", elem_id="sg-status", js_on_load=None)
        chatbot = gr.Chatbot(elem_id="sg-chat", height="72vh", min_height=420, show_label=False,
                             sanitize_html=True, latex_delimiters=[], feedback_options=None,
                             buttons=["copy"],
                             placeholder="Ask about Working Together, KCSIE or information "
                                         "sharing. Short follow-ups like “and in 2018?” work.")
        msg = gr.Textbox(label="Your question", elem_id="sg-question", autofocus=True,
                         placeholder="e.g. How long can a social care assessment take?",
                         submit_btn="Ask", max_length=settings.max_question_chars + 500)
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
        with gr.Accordion("Compare editions", open=False):
            with gr.Row():
                ed_a = gr.Dropdown(choices, value=pair[0], label="Edition A", elem_id="sg-ed-a")
                ed_b = gr.Dropdown(choices, value=pair[1], label="Edition B", elem_id="sg-ed-b")
            cmp_btn = gr.Button("Compare editions: same question, two answers", size="sm")
            with gr.Row():
                cmp_a = gr.HTML("", js_on_load=None)
                cmp_b = gr.HTML("", js_on_load=None)

        msg.submit(chat, [msg, chatbot, edition, as_at, state],
                   [chatbot, msg, state, status, copy_box], api_name="chat").then(
            suggest_pair, [state], [ed_a, ed_b], api_visibility="private")
        cmp_btn.click(compare, [state, ed_a, ed_b], [cmp_a, cmp_b], api_name="compare")
        md_btn.click(lambda s: export(s, "md"), [state], [export_file], api_visibility="private")
        json_btn.click(lambda s: export(s, "json"), [state], [export_file],
                       api_visibility="private")
        up.click(lambda s, c, o: feedback(s, "up", c, o), [state, comment, opt_in],
                 [thanks, comment], api_visibility="private")
        down.click(lambda s, c, o: feedback(s, "down", c, o), [state, comment, opt_in],
                   [thanks, comment], api_visibility="private")
        gr.api(ask, api_name="ask")
    demo.queue(default_concurrency_limit=CONCURRENCY)
    return demo


def warm(assistant: Assistant) -> None:
    """Load the index and the embedding model once, before the first visitor."""
    t0 = time.perf_counter()
    assistant.retriever.ensure_loaded()
    assistant.ask(WARM_QUESTION)
    log.info("warmed in %.1f s", time.perf_counter() - t0)


def auth_pairs(settings: Settings) -> list[tuple[str, str]] | None:
    return wv.parse_auth(getattr(settings, "auth", None) or os.environ.get("SAFEGUIDE_AUTH"))


def launch(demo: gr.Blocks, host: str = "127.0.0.1", port: int = 7860,
           auth: list[tuple[str, str]] | None = None, block: bool = True,
           assistant: Assistant | None = None) -> str:
    """Start the server; with block=False return at once (tests). Returns the local URL.

    With `assistant`, the JSON API (/api/v1) and the MCP server (/gradio_api/mcp/) are served
    beside the page, under the same login (assistant/api/server.py)."""
    page: dict[str, Any] = {"css": CSS, "ssr_mode": False, "show_error": False,
            "auth_message": "Sign in to safeguide.", "footer_links": ["api"], "run_history": False}
    if assistant is not None:
        from assistant.api import server

        server.start(server.build(demo, assistant, auth, **page), demo, host, port, block)
    else:
        demo.launch(server_name=host, server_port=port, auth=auth, prevent_thread_lock=not block,
                    quiet=True, **page)
    return f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 7860) -> None:
    """`safeguide serve`: one Assistant for the process, warmed, then the web chat."""
    assistant = Assistant(settings)
    warm(assistant)
    auth = auth_pairs(settings)
    if host not in LOOPBACK and not auth:
        log.warning("serving on %s without a login: set SAFEGUIDE_AUTH=user:password", host)
    demo = build_app(assistant, settings)
    url = launch(demo, host, port, auth, block=False, assistant=assistant)
    print(f"safeguide: web chat ready on {url} (login {'on' if auth else 'off'}); JSON API on "
          f"{url}api/v1/docs, MCP on {url}gradio_api/mcp/; Ctrl+C stops it",
          flush=True)  # the command's one line of output, with or without -v
    demo.block_thread()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    serve(Settings(), os.environ.get("SAFEGUIDE_HOST", "127.0.0.1"),
          int(os.environ.get("SAFEGUIDE_PORT", "7860")))
