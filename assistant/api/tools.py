"""The four things other programs can ask safeguide, as plain JSON-ready functions.

The HTTP API (`assistant/api/http.py`), the MCP tools (`assistant/api/mcp_tools.py`) and the
LangChain adapters call these, so every surface validates input and limits load the same way:
bad input raises `InputError` (a `SafeguideError` whose message says what to fix), and at most
`CONCURRENCY` answers are worked on at once per process, as in the web chat.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from typing import Any

from assistant.changes import render_report
from assistant.editions import SOURCES
from assistant.errors import SafeguideError
from assistant.records import Passage
from assistant.service import Assistant, local_query
from corpus.manifest import LOCAL_SERIES

log = logging.getLogger(__name__)
CONCURRENCY = 4  # answers worked on at once, as the web chat's queue (app.CONCURRENCY)
MAX_K = 20
MAX_CHANGES = 50


class InputError(SafeguideError, ValueError):
    """A tool argument is malformed (bad date, k out of range, unknown series...)."""


class Busy(SafeguideError):
    """Every answer slot stayed taken for the whole wait."""


def parse_as_of(value: str | date | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    text = value.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"as_of {value!r} is not a date: use YYYY-MM-DD, e.g. 2019-05-01.") from None


def _edition(value: str | None) -> str | None:
    text = (value or "").strip()
    return None if text.lower() in ("", "current") else text


def parse_source(value: str | None) -> str:
    """"all" (national guidance and local documents), "national" or "local"; empty: "all"."""
    if value is not None and not isinstance(value, str):
        raise InputError(f"source must be one of {', '.join(SOURCES)}, not {type(value).__name__}.")
    text = (value or "").strip().lower() or "all"
    if text not in SOURCES:
        raise InputError(f"source {value!r} is not known: use one of {', '.join(SOURCES)}.")
    return text


def passage_json(p: Passage) -> dict[str, Any]:
    c = p.chunk
    return {"doc_id": c.doc_id, "title": c.title, "series": c.series, "edition": c.edition,
            "source": "local" if c.series == LOCAL_SERIES else "national",
            "page": c.page_start, "page_end": c.page_end, "paragraph": c.paragraph,
            "section": c.section, "chunk_id": c.chunk_id, "score": round(p.score, 5), "text": c.text}


class GuidanceTools:
    """One per process, over one Assistant (thread-safe: the Assistant is read-only once loaded)."""

    def __init__(self, assistant: Assistant, concurrency: int = CONCURRENCY,
                 wait_s: float = 120.0) -> None:
        self.assistant = assistant
        self._slots = threading.BoundedSemaphore(concurrency)
        self.wait_s = wait_s

    @contextmanager
    def _slot(self) -> Iterator[None]:
        if not self._slots.acquire(timeout=self.wait_s):
            raise Busy("safeguide is busy answering other questions; try again in a minute.")
        try:
            yield
        finally:
            self._slots.release()

    def ask(self, question: str, edition: str | None = None, as_of: str | date | None = None,
            source: str | None = None) -> dict[str, Any]:
        """The answer as `safeguide ask --json` prints it, with "question" added. `source`: "all"
        (default), "national" or "local"."""
        day, scope = parse_as_of(as_of), parse_source(source)
        with self._slot():
            answer = self.assistant.ask(question, edition=_edition(edition), as_of=day, source=scope)
        return {"question": answer.question, **answer.as_json()}

    def passages(self, query: str, edition: str | None = None, k: int = 5,
                 as_of: str | date | None = None, source: str | None = None) -> list[Passage]:
        if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= MAX_K:
            raise InputError(f"k must be a whole number from 1 to {MAX_K}, not {k!r}.")
        scope = parse_source(source)
        with self._slot():
            self.assistant.retriever.ensure_loaded()
            parsed = self.assistant.analyse(query, _edition(edition), parse_as_of(as_of), scope)
            if parsed.scope.unavailable:
                raise InputError(f"Nothing in the corpus can answer that: {parsed.scope.unavailable}")
            found = self.assistant.retrieve(parsed, k=k)[0] if parsed.scope.doc_ids else []
            if parsed.scope.local:  # the local documents: their own pass, as in an answer
                found += self.assistant.retrieve(local_query(parsed), k=k)[0]
        found.sort(key=lambda p: -p.score)
        return [replace(p, rank=i) for i, p in enumerate(found[:k])]

    def search(self, query: str, edition: str | None = None, k: int = 5,
               as_of: str | date | None = None, source: str | None = None) -> list[dict[str, Any]]:
        return [passage_json(p) for p in self.passages(query, edition, k, as_of, source)]

    def compare(self, series: str, old: str, new: str, topic: str | None = None,
                limit: int = 20) -> dict[str, Any]:
        """Paragraph-by-paragraph changes between two full editions, each cited to both."""
        if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_CHANGES:
            raise InputError(f"limit must be a whole number from 1 to {MAX_CHANGES}, not {limit!r}.")
        a = self.assistant
        for name, value in (("series", series), ("old", old), ("new", new)):
            if not (value or "").strip():
                raise InputError(f"{name} is empty: give e.g. series=kcsie, old=2024, new=2025.")
        sid = a.registry.series_id(series)
        with self._slot():
            comparison = a.changes.comparison(sid, old.strip(), new.strip())
            report = a.changes.report(comparison, topic=(topic or "").strip() or None, limit=limit)
        data = report.as_json()
        data["total_changes"] = report.total
        data["text"] = render_report(report, a.registry)
        data["citations"] = [c.as_json() for c in report.citations.values()]
        return data

    def editions(self) -> list[dict[str, Any]]:
        """Every edition, its dates in force, whether it is current and which documents are held."""
        reg, today = self.assistant.registry, self.assistant.settings.current_date()
        rows = []
        for e in reg.editions():
            current = reg.current(e.series, today)
            rows.append({"series": e.series, "edition": e.edition,
                         "label": reg.label(e.series, e.edition),
                         "in_force_from": e.in_force_from.isoformat(),
                         "in_force_to": e.in_force_to.isoformat() if e.in_force_to else None,
                         "current": bool(current and current.edition == e.edition),
                         "documents": [d.id for d in self.assistant.manifest.documents
                                       if d.series == e.series and d.edition == e.edition],
                         "note": e.date_note})
        return rows

    def documents(self) -> list[dict[str, Any]]:
        """National then local documents, each with its index state (ingest/status.py)."""
        from ingest.status import index_status

        self.assistant.refresh_local()
        m = self.assistant.manifest
        states = {s.doc_id: s for s in index_status(self.assistant.settings, m)}
        rows = []
        for d in m.documents:
            st = states.get(d.id)
            rows.append({"doc_id": d.id, "title": d.title, "series": d.series, "edition": d.edition,
                         "kind": d.kind, "status": d.status,
                         "source": "local" if d.is_local else "national",
                         "publication_page": m.series[d.series].publication_page
                         if d.series in m.series else None, "download_url": d.download_url,
                         "state": st.state if st else "stale", "chunks": st.chunks if st else 0,
                         "detail": st.detail if st else ""})
        return rows
