"""Shown quotes a reader cannot find on the printed page, before and after the second check.

    SAFEGUIDE_HOME=... python -m evals.layout_check [--golden FILE] [--json OUT]

Runs the normal eval (same questions, same scoring) twice in one process, sharing embeddings:
"before" with the layout steps switched off (no trimming in the answer step, `verify` and the
scorer's recheck on the pypdf text only: the code path before assistant/layout.py existed), then
"after" as shipped. Every shown quote of both passes is then rechecked against the pdfium text in
the page store by a check written here independently of assistant/layout.py.
"""

from __future__ import annotations

import argparse
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest.mock import patch

import numpy as np

from assistant import cite
from assistant.records import Answer, Citation
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.text import normalise
from evals.scorer import GOLDEN_PATH, load_golden, run_eval
from ingest.embed import Embedder, SentenceTransformerEmbedder
from ingest.index import IndexStore

log = logging.getLogger(__name__)


class _Recorder:
    """An Assistant that keeps every answer it gives."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.settings = assistant.settings
        self.retriever = assistant.retriever
        self.answers: list[Answer] = []

    def ask(self, question: str, edition: str | None = None, *, mode: Any = "hybrid") -> Answer:
        answer = self.assistant.ask(question, edition, mode=mode)
        self.answers.append(answer)
        return answer


class _Remembering:
    """An embedder that computes each text once: the second pass reuses the first's vectors."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self.name = embedder.name
        self._seen: dict[str, np.ndarray] = {}

    def embed(self, texts: list[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self._seen))
        if missing:
            self._seen.update(zip(missing, self.embedder.embed(missing), strict=True))
        return np.stack([self._seen[t] for t in texts])


@contextmanager
def _layout_steps_off(assistant: Assistant) -> Iterator[None]:
    generator = assistant.generator
    pages = getattr(generator, "pages", None)
    with patch.object(cite, "quote_in_layout", lambda *_args: True):
        if pages is not None:
            generator.pages = None  # type: ignore[attr-defined]
        try:
            yield
        finally:
            if pages is not None:
                generator.pages = pages  # type: ignore[attr-defined]


def _layout_pages(store: IndexStore, state: dict[str, Any], doc_id: str) -> dict[int, str] | None:
    """pdfium text by page number, or None for a text source / a store without it."""
    info = state["docs"][doc_id]
    data = json.loads(store.pages_file(doc_id, info["sha256"]).read_text(encoding="utf-8"))
    got = {p["number"]: p["layout"] for p in data if p.get("layout") is not None}
    return got or None


def on_printed_page(c: Citation, layout: dict[int, str] | None) -> bool | None:
    """Contiguous on one cited page of the pdfium text; None when there is no such text."""
    if layout is None or c.page is None:
        return None
    want = normalise(c.quote).replace(" ", "")  # spacing aside: pdfium spaces footnote markers
    return any(want in normalise(layout.get(n, "")).replace(" ", "")
               for n in range(c.page, (c.page_end or c.page) + 1))


def _recheck(answers: list[Answer], store: IndexStore) -> dict[str, Any]:
    state = store.load_state()
    cache: dict[str, dict[int, str] | None] = {}
    shown = checked = 0
    failing: list[dict[str, Any]] = []
    for answer in answers:
        for c in answer.citations:
            if c.role == "supersession":  # as the scorer: not scored
                continue
            shown += 1
            if c.doc_id not in cache:
                cache[c.doc_id] = _layout_pages(store, state, c.doc_id)
            ok = on_printed_page(c, cache[c.doc_id])
            if ok is None:
                continue
            checked += 1
            if not ok:
                failing.append({"question": answer.question, "doc_id": c.doc_id, "page": c.page,
                                "page_end": c.page_end, "role": c.role, "quote": c.quote})
    return {"shown_quotes": shown, "with_layout_text": checked, "failing_layout": len(failing),
            "failing_share_of_shown": round(len(failing) / shown, 4) if shown else None,
            "failing_share_of_checked": round(len(failing) / checked, 4) if checked else None,
            "failing": failing}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--golden", type=Path, default=GOLDEN_PATH)
    parser.add_argument("--json", type=Path, help="write the figures and the failing quotes here")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    settings = Settings()
    assistant = Assistant(settings, embedder=_Remembering(SentenceTransformerEmbedder(settings.embed_model)))
    assistant.sentences.size = 1_000_000  # keep every sentence vector for the second pass
    items = load_golden(args.golden)
    out: dict[str, Any] = {}
    for name in ("before", "after"):
        recorder = _Recorder(assistant)
        if name == "before":
            with _layout_steps_off(assistant):
                result = run_eval(recorder, items, golden=str(args.golden))
        else:
            result = run_eval(recorder, items, golden=str(args.golden))
        figures = _recheck(recorder.answers, IndexStore(settings))
        figures["metrics"] = result.metrics
        figures["item_failures"] = {r.id: r.failed for r in result.items if r.failed}
        out[name] = figures
        log.warning("%s: %d shown quotes, %d with pdfium text, %d not on the printed page (%.1f%% of "
                    "shown); quote_validity %.3f, fact_accuracy %.3f", name, figures["shown_quotes"],
                    figures["with_layout_text"], figures["failing_layout"],
                    100 * (figures["failing_share_of_shown"] or 0.0),
                    result.metrics["quote_validity"], result.metrics["fact_accuracy"])
    if args.json:
        args.json.write_text(json.dumps(out, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
