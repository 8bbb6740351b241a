"""What the web chat does, apart from layout (no gradio import): one ChatService per process.

app.py builds the page and wires its events to these methods; HTML comes from `webview`.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant import webview as wv
from assistant.editions import parse_date, spell_editions, years_in
from assistant.errors import QuestionError, SafeguideError
from assistant.pageimage import PageImages, image_size
from assistant.records import Answer, Citation
from assistant.service import Assistant
from assistant.settings import Settings

log = logging.getLogger(__name__)
CURRENT = "current"
SOURCE_CHOICES = [("National guidance and local documents", "all"),
                  ("National guidance only", "national"), ("Local documents only", "local")]
EXPORT_MAX_AGE_S = 600


@dataclass
class Turn:
    """The last answered question of a session (kept in gr.State, never on disk)."""

    question: str
    asked: str
    topic: str
    answer: Answer
    when: datetime


@dataclass(frozen=True)
class Scope:
    """The edition or date a question is asked under, and why (shown with the answer)."""

    edition: str | None
    as_of: Any
    why: str


class ChatService:
    """Shared by all sessions of one process."""

    def __init__(self, assistant: Assistant, settings: Settings) -> None:
        self.assistant = assistant
        self.settings = settings
        self.fingerprint = assistant.manifest.fingerprint()
        self._feedback_lock = threading.Lock()
        self.export_dir = Path(tempfile.mkdtemp(prefix="safeguide-export-"))
        self._count = 0
        self._count_lock = threading.Lock()
        self.pages = PageImages()  # page images, served by Gradio from this private folder

    # ------------------------------------------------------------------------- controls
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

    def has_local(self) -> bool:
        """Whether any local documents are held (the Search control is shown only then)."""
        return bool(self.assistant.local_documents())

    def match_edition(self, typed: str | None) -> str:
        """The edition control's value: a choice, or typed text such as "2018" or "kcsie 2024"
        matched to the one held edition it names (a QuestionError when it names none or several)."""
        text = " ".join((typed or "").split())
        values = [v for _, v in self.edition_choices()]
        if not text or text.lower() in ("current", "current (in force)"):
            return CURRENT
        for label, value in self.edition_choices():
            if text in (label, value):
                return value
        words = text.lower().replace("(", " ").replace(")", " ").split()
        hits = [v for label, v in self.edition_choices()[1:]
                if all(w in label.lower() for w in words)]
        if len(hits) == 1 and hits[0] in values:
            return hits[0]
        held = "; ".join(label for label, _ in self.edition_choices()[1:])
        which = "matches several editions" if hits else "matches no edition held"
        raise QuestionError(f"The Edition box “{text}” {which}; pick one from the list ({held}).")

    def scope(self, question: str, edition: str | None, as_at: str | None) -> Scope:
        """Controls never override the question silently: an edition, year or date named in the
        question wins; otherwise the Edition control; otherwise the as-at date; else today."""
        day = parse_date(question)
        # "WT23" names 2023 as "Working Together 2023" does
        years = list(dict.fromkeys(years_in(spell_editions(question))))
        named = [f"{day:%-d %B %Y}"] if day else years
        chosen = None if not edition or edition == CURRENT else edition
        as_of = wv.parse_as_at(as_at)
        if named:
            ignored = [f"Edition “{chosen}”" if chosen else "",
                       f"as-at date {as_of:%-d %B %Y}" if as_of else ""]
            ignored = [i for i in ignored if i]
            why = (f"The question names {named[0]}, so that is used" if len(named) == 1 else
                   f"The question names {', '.join(named[:-1])} and {named[-1]}, so those are used")
            if ignored:
                verb = "was" if len(ignored) == 1 else "were"
                why += f" (the {' and '.join(ignored)} set on the page {verb} not used)"
            return Scope(None, None, why + ".")
        if chosen:
            return Scope(chosen, None, f"Chosen in the Edition control: {chosen}.")
        if as_of:
            return Scope(None, as_of, f"Editions in force on {as_of:%-d %B %Y} (the as-at date).")
        return Scope(None, None, "")

    # ------------------------------------------------------------------------- answering
    def ask(self, question: str, edition: str | None, as_at: str | None,
            previous_topic: str | None, on_token: Any = None, source: str | None = "all",
            ) -> tuple[wv.FollowUp, Answer, Scope]:
        """`source`: the Search control ("all", "national" or "local"; empty: "all")."""
        follow = wv.follow_up(question or "", previous_topic)
        scope = self.scope(follow.question, edition, as_at)
        answer = self.assistant.ask(follow.question, edition=scope.edition, as_of=scope.as_of,
                                    on_token=on_token, source=source or "all")
        if scope.edition:  # the service calls any named edition "as named in the question"
            answer.notices = [n.replace("(as named in the question)", "(chosen on the page)")
                              for n in answer.notices]
        return follow, answer, scope

    def uid(self) -> str:
        """A short id that keeps each answer's card ids unique on the page."""
        with self._count_lock:
            self._count += 1
            return str(self._count)

    def views(self, answer: Answer, images: bool = True) -> list[wv.SourceView]:
        """What each card shows; with `images`, the printed page of PDF sources as a picture
        with the quote highlighted (rendered now, at most 2 at a time)."""
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
            info = self.assistant.manifest.series.get(doc.series)  # None: a local document
            url = info.publication_page if info else ""
            note = ""
            if c.status == "superseded" and c.role == "answer":
                note = (f"{c.title} has been superseded: check the current edition (the notices "
                        "under the answer say whether this paragraph changed).")
            out.append(wv.SourceView(c, chunk or c.quote, page_text, url, doc.pdf_url or "",
                                     note=note))
        if images:
            with ThreadPoolExecutor(max_workers=2) as pool:
                found_images = list(pool.map(self.page_image, [v.citation for v in out]))
            out = [replace(v, image=img, image_size=size)
                   for v, (img, size) in zip(out, found_images, strict=True)]
        return out

    def page_image(self, c: Citation) -> tuple[str, tuple[int, int]]:
        """The address and size of the cited page's image (quote highlighted); ("", (0, 0)) for
        text sources."""
        doc = self.assistant.manifest.doc(c.doc_id)
        path = self.assistant.settings.corpus_dir / doc.file  # the corpus the index was built from
        if c.page is None or path.suffix.lower() != ".pdf" or not path.is_file():
            return "", (0, 0)
        image = self.pages.render(path, c.page, c.quote)
        if image is None:
            return "", (0, 0)
        return f"gradio_api/file={image}", image_size(image)

    def comparable(self) -> dict[str, list[str]]:
        """Series → editions whose full text is held (at least two), oldest first."""
        reg, ch = self.assistant.registry, self.assistant.changes
        out = {}
        for series in reg.all_series():
            held = [e.edition for e in reg.editions(series) if ch.full_text(series, e.edition)]
            if len(held) >= 2:
                out[series] = held
        return out

    def compare_html(self, series: str, old: str, new: str, topic: str = "",
                     limit: int = 25, minor_limit: int = 60) -> str:
        """The compare view for two full editions (assistant.compare), optionally on a topic."""
        reg, ch = self.assistant.registry, self.assistant.changes
        try:
            if old == new:
                raise SafeguideError("Pick two different editions to compare.")
            if old > new:  # editions are years: always old → new
                old, new = new, old
            comparison = ch.comparison(series, old, new)
            report = ch.report(comparison, topic=topic.strip() or None, limit=limit)
        except SafeguideError as err:
            return wv.render_notice(str(err))
        docs = {d.id: d for d in self.assistant.manifest.documents}

        def view(n: int, c: Any) -> wv.ChangeView:
            return wv.ChangeView(
                c.kind, c.old.where() if c.old else "", c.new.where() if c.new else "", c.shown,
                c.old.text if c.old else "", c.new.text if c.new else "",
                report.citations.get((n, "old")), report.citations.get((n, "new")),
                docs[comparison.old_doc].pdf_url or "", docs[comparison.new_doc].pdf_url or "")

        changes = [view(n, c) for n, c in enumerate(report.changes)]
        minor_all = [c for c in comparison.changes if c.minor]
        minor = [wv.ChangeView(c.kind, c.old.where() if c.old else "",
                               c.new.where() if c.new else "", c.diff)
                 for c in minor_all[:minor_limit]]
        counts = comparison.counts()
        notes = [f"Also {counts.get('renumbered', 0)} paragraph(s) renumbered with the same text, "
                 f"and {len(minor_all)} minor change(s)."]
        return wv.render_comparison(reg.label(series, old), reg.label(series, new), topic.strip(),
                                    changes, minor, report.total, notes)

    # ------------------------------------------------------------------------- documents
    def is_admin(self, username: str | None) -> bool:
        """Only signed-in users named in SAFEGUIDE_ADMINS (never anyone when login is off)."""
        return bool(username) and username in self.settings.admin_names()

    def documents(self) -> list[Any]:
        from ingest.local import list_documents

        self.assistant.refresh_local()
        return list_documents(self.settings, self.assistant.manifest)

    def documents_html(self, username: str | None) -> str:
        return wv.render_documents(self.documents(), self.is_admin(username))

    def add_document(self, username: str | None, path: str | None, title: str, publisher: str,
                     published: str, kind: str) -> str:
        """An uploaded file added and indexed (admins only); one line saying what happened."""
        from ingest.local import add_document

        self._admin_only(username)
        if not path:
            raise SafeguideError("Choose a file to add first.")
        day = wv.parse_as_at(published) if published else None
        result = add_document(self.settings, self.assistant.embedder, Path(path),
                              title=title.strip() or None, publisher=publisher.strip() or None,
                              published=day, kind=kind or "local-procedure")
        log.info("%s by %s", result.status, username)
        return result.line()

    def remove_document(self, username: str | None, doc_id: str) -> str:
        from ingest.local import remove_document

        self._admin_only(username)
        entry = remove_document(self.settings, (doc_id or "").strip(), self.assistant.manifest)
        log.info("removed %s by %s", entry.id, username)
        return f"Removed: {entry.id} — {entry.title}"

    def _admin_only(self, username: str | None) -> None:
        if not self.is_admin(username):
            raise SafeguideError("Only administrators (SAFEGUIDE_ADMINS) can add or remove documents.")

    # ------------------------------------------------------------------ export, feedback
    def settings_summary(self) -> dict[str, Any]:
        s = self.settings
        return {"embed_model": s.embed_model, "generator": s.generator, "index": s.index_name(),
                "top_k": s.top_k, "max_quotes": s.max_quotes,
                "abstain_threshold": s.abstain_threshold, "dense_k": s.dense_k,
                "bm25_k": s.bm25_k, "rrf_k": s.rrf_k}

    def export(self, turn: Turn, fmt: str) -> str:
        record = wv.answer_record(turn.question, turn.asked, turn.answer, self.fingerprint,
                                  self.settings_summary(), turn.when)
        self.sweep_exports(EXPORT_MAX_AGE_S)
        folder = Path(tempfile.mkdtemp(dir=self.export_dir))
        path = folder / f"safeguide-answer-{turn.when:%Y%m%d-%H%M%S}.{fmt}"
        text = wv.record_json(record) if fmt == "json" else wv.record_markdown(record)
        path.write_text(text, encoding="utf-8")
        return str(path)

    def sweep_exports(self, max_age_s: float) -> None:
        """Exports hold questions: delete those older than `max_age_s`."""
        now = time.time()
        for old in self.export_dir.glob("*"):
            if now - old.stat().st_mtime > max_age_s:
                shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink(missing_ok=True)

    def close(self) -> None:
        """On shutdown: delete every export file and page image (Gradio deletes its own cached
        copies)."""
        shutil.rmtree(self.export_dir, ignore_errors=True)
        self.pages.close()

    def feedback(self, turn: Turn, rating: str, comment: str, include_question: bool) -> None:
        entry = wv.feedback_entry(rating, comment, turn.answer,
                                  turn.question if include_question else None,
                                  self.fingerprint, datetime.now(UTC))
        path = self.settings.home / "feedback.jsonl"
        with self._feedback_lock:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(entry, ensure_ascii=False) + "\n")


def draft_html(draft: str) -> str:
    """A written answer while it streams: plainly marked as unchecked."""
    return (f'<div class="sg-msg"><div class="sg-wait">Draft — checking every sentence against its '
            f'source…</div><div class="sg-answer">{wv.esc(draft)}</div></div>')


def status_html(warning: str, follow: wv.FollowUp | None = None) -> str:
    """Above the chat: the case-details warning and what a follow-up carried over (the edition
    used, and why, heads each answer)."""
    parts = [f'<div class="sg-warn" role="status">{wv.esc(warning)}</div>'] if warning else []
    if follow and follow.carried:
        parts.append(f'<div class="sg-head">{wv.esc(wv.carry_note(follow))}</div>')
    return "".join(parts)
