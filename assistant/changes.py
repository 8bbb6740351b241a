"""Edition changes for people: compare editions, explain supersession, answer "what changed"."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from assistant.cite import make_citation, verify
from assistant.compare import (
    TABLE_TITLE,
    Change,
    Comparison,
    Piece,
    change_table,
    check_table,
    compare_chunks,
)
from assistant.editions import _MONTH, EditionRegistry, Scope, strip_edition_words
from assistant.errors import EditionError
from assistant.layout import trim_to_layout
from assistant.records import Citation
from assistant.retrieve import Retriever
from assistant.text import tokens
from corpus.manifest import Document, Manifest
from ingest.records import Chunk
from ingest.segment import split_sentences

WHAT_CHANGED = re.compile(
    r"\b(what(?:'s| has| have| is)?\s+(?:changed|new|different)|what\s+are\s+the\s+changes|"
    r"changes?\s+(?:in|to|between|from|made)|differences?\s+between|how\s+(?:has|did)\s+.+\s+change)\b",
    re.I)
GENERIC = frozenset([
    "a", "an", "and", "any", "are", "about", "as", "been", "between", "big", "change", "changed",
    "changes", "compare", "compared", "comparison", "current", "did", "does", "edition", "editions",
    "for", "from", "has", "have", "how", "in", "is", "it", "key", "last", "latest", "main", "major",
    "made", "new", "newer", "of", "old", "older", "on", "previous", "regarding", "significant",
    "since", "so", "substantive", "the", "there", "this", "to", "version", "versions", "was", "were",
    "what", "which", "with", "year", "years",
])
MONTHS = frozenset(m for m in _MONTH.strip("()").split("|"))  # "in September 2025" is a date, not a topic
OVERALL = re.compile(r"\b(?:only|no|minor|technical|substantive|significant)\b[^.]{0,40}\bchanges\b", re.I)
NEAREST_FLOOR = 0.42  # word overlap (Dice) below which no current sentence is offered as nearest


@dataclass
class ChangeReport:
    """A selection of changes between two editions, with verified citations to both."""

    comparison: Comparison
    changes: list[Change]
    citations: dict[tuple[int, str], Citation] = field(default_factory=dict)  # (change no, side)
    topic: str | None = None
    paragraph: str | None = None
    total: int = 0  # changes selected before any limit

    def as_json(self) -> dict:
        return _report_json(self)


class EditionChanges:
    def __init__(self, retriever: Retriever, registry: EditionRegistry, manifest: Manifest,
                 today: Callable[[], date]) -> None:
        self.today = today
        self.retriever = retriever
        self.registry = registry
        self.manifest = manifest
        self._cache: dict[tuple[str, str, float], Comparison] = {}

    # --- comparisons --------------------------------------------------------------------
    def full_text(self, series: str, edition: str) -> Document | None:
        return next((d for d in self.registry.docs_for(series, edition)
                     if d.kind != "briefing" and d.numbered_paragraphs), None)

    def previous(self, series: str, edition: str) -> str | None:
        held = [e.edition for e in self.registry.editions(series) if self.full_text(series, e.edition)]
        return held[held.index(edition) - 1] if edition in held and held.index(edition) > 0 else None

    def comparison(self, series: str, old: str, new: str) -> Comparison:
        old_doc, new_doc = self.full_text(series, old), self.full_text(series, new)
        if not old_doc or not new_doc:
            missing = [e for e, d in ((old, old_doc), (new, new_doc)) if d is None]
            raise EditionError(
                f"The full text of {self.registry.series_name(series)} {' and '.join(missing)} is not "
                "held, so paragraphs cannot be compared; for older editions ask "
                f"\"What changed in {self.registry.series_name(series)} {missing[0]}?\" to get the "
                "briefing's summary.")
        self.retriever.ensure_loaded()
        key = (old_doc.id, new_doc.id, self.retriever.loaded_at)
        if key not in self._cache:
            chunks = self.retriever.chunks
            self._cache[key] = compare_chunks(
                series, old, new, [c for c in chunks if c.doc_id == old_doc.id],
                [c for c in chunks if c.doc_id == new_doc.id],
                self.retriever.pages(old_doc.id), self.retriever.pages(new_doc.id))
        return self._cache[key]

    def own_summary(self, comparison: Comparison, marker: int, limit: int = 1) -> list[Citation]:
        """What the newer edition's own table of changes says about them overall, as citations."""
        chunks = [c for c in self.retriever.chunks if c.doc_id == comparison.new_doc
                  and TABLE_TITLE.search(c.section)]
        out: list[Citation] = []
        for chunk in chunks:
            for start, end in split_sentences(chunk.text):
                sentence = chunk.text[start:end]
                if len(sentence.split()) >= 8 and OVERALL.search(sentence):
                    cite = verify(replace(make_citation(marker + len(out), chunk, start, end,
                                                        self.manifest.doc(chunk.doc_id)), role="new"),
                                  self.retriever.pages(chunk.doc_id))
                    if cite.verified:
                        out.append(cite)
                if len(out) == limit:
                    return out
        return out

    def table_check(self, comparison: Comparison) -> dict:
        return check_table(comparison, change_table(self.retriever.pages(comparison.new_doc)))

    def report(self, comparison: Comparison, topic: str | None = None, paragraph: str | None = None,
               include_minor: bool = False, limit: int | None = None) -> ChangeReport:
        if paragraph:
            found = comparison.for_old_paragraph(paragraph) or comparison.for_new_paragraph(paragraph)
            if found is None:
                raise EditionError(f"Paragraph {paragraph} is in neither edition.")
            changes = [found]
        else:
            changes = [c for c in comparison.changes if c.kind in ("changed", "added", "removed", "merged")
                       and (include_minor or not c.minor) and not _front_or_table(c)]
            listed = {p for e in change_table(self.retriever.pages(comparison.new_doc)) for p in e.paragraphs}
            changes.sort(key=lambda c: not (c.new and c.new.paragraph in listed))  # the edition's own first
            if topic:
                changes = self._on_topic(comparison, changes, topic)
        total = len(changes)
        if limit:
            changes = changes[:limit]
        report = ChangeReport(comparison, changes, topic=topic, paragraph=paragraph, total=total)
        for n, change in enumerate(changes):
            for side, piece in (("old", change.old), ("new", change.new)):
                if piece is not None:
                    cite = self.cite_piece(piece, change, side, len(report.citations) + 1)
                    if cite:
                        report.citations[n, side] = cite
        return report

    def _on_topic(self, comparison: Comparison, changes: list[Change], topic: str) -> list[Change]:
        """Changes to paragraphs that hybrid retrieval finds for the topic, best first."""
        hits = self.retriever.search(topic, (comparison.old_doc, comparison.new_doc), 40)
        rank = {p.chunk.chunk_id: p.rank for p in hits}
        want = set(tokens(topic))

        def best(change: Change) -> int | None:
            ranks = [rank[c.chunk_id] for piece in (change.old, change.new) if piece
                     for c in piece.chunks if c.chunk_id in rank]
            return min(ranks) if ranks else None

        def changed_words(change: Change) -> set[str]:
            if change.kind == "changed":
                return set(tokens(f"{change.added_words} {change.removed_words}"))
            return set(tokens(" ".join(p.text for p in (change.old, change.new) if p)))

        picked = [(-len(want & changed_words(c)), r, c) for c in changes if (r := best(c)) is not None
                  and want & set(tokens(" ".join(p.text for p in (c.old, c.new) if p)))]
        return [c for *_, c in sorted(picked, key=lambda t: t[:2])]

    # --- citations ------------------------------------------------------------------------
    def cite_piece(self, piece: Piece, change: Change, side: str, marker: int,
                   near: str = "") -> Citation | None:
        """The sentence of `piece` that best shows the change, as a verified citation; with no edit
        on this side, the one nearest the quote `near` (its wording kept: the same sentence, not
        the piece's first, which may be a bare lead-in such as "The designated safeguarding lead
        should:")."""
        op = "insert" if side == "new" else "delete"
        first = next((t for o, t in change.diff if o == op and tokens(t)), "")
        words = set(tokens(first) or tokens(near))  # the first real edit on this side picks the sentence
        ranked: list[tuple[float, int, Chunk, int, int]] = []
        for chunk in piece.chunks:
            for start, end in split_sentences(chunk.text):
                text = chunk.text[start:end]
                if len(text.strip()) < 12:
                    continue
                score = len(words & set(tokens(text))) if words else -start
                ranked.append((-score, len(ranked), chunk, start, end))
        for *_, chunk, start, end in sorted(ranked, key=lambda r: r[:2]):
            pages = self.retriever.pages(chunk.doc_id)
            span = trim_to_layout(chunk, start, end, pages)  # a reader must find it on the page
            if span is None:
                continue
            cite = replace(make_citation(marker, chunk, *span, self.manifest.doc(chunk.doc_id)), role=side)
            cite = verify(cite, pages)
            if cite.verified:
                return cite
        return None

    # --- supersession -------------------------------------------------------------------------
    def nearest_current(self, cite: Citation, marker: int) -> tuple[str, Citation | None] | None:
        """For a briefing on an old edition: the closest sentence of the current full text, by search."""
        doc = self.manifest.doc(cite.doc_id)
        current = self.registry.current(doc.series, self.today())
        full = self.full_text(doc.series, current.edition) if current else None
        if not current or not full or current.edition == doc.edition:
            return None
        label_old = self.registry.label(doc.series, doc.edition)
        label_new = self.registry.label(doc.series, current.edition)
        want = set(tokens(cite.quote))
        best: tuple[float, Chunk, int, int] | None = None
        for hit in self.retriever.search(cite.quote, (full.id,), 5):
            for start, end in split_sentences(hit.chunk.text):
                got = set(tokens(hit.chunk.text[start:end]))
                score = 2 * len(want & got) / (len(want) + len(got)) if want and got else 0.0
                if best is None or score > best[0]:
                    best = (score, hit.chunk, start, end)
        head = f"[{cite.marker}] quotes a briefing on {label_old}, which is no longer in force."
        if best is None or best[0] < NEAREST_FLOOR:
            return f"{head} No close wording was found in {label_new} (current): check it.", None
        _, chunk, start, end = best
        new = verify(replace(make_citation(marker, chunk, start, end, self.manifest.doc(chunk.doc_id)),
                             role="supersession"), self.retriever.pages(chunk.doc_id))
        if not new.verified:
            return f"{head} Check {label_new} (current).", None
        return (f"{head} The closest wording in {label_new} (current), found by search rather than "
                f"paragraph alignment, is [{marker}].", new)

    def supersession(self, cite: Citation, marker: int) -> tuple[str, Citation | None] | None:
        """For a quote from a superseded full edition: what the current edition did with it."""
        doc = self.manifest.doc(cite.doc_id)
        current = self.registry.current(doc.series, self.today())
        if doc.kind == "briefing" or not current or current.edition == doc.edition:
            return None
        label_old = self.registry.label(doc.series, doc.edition)
        label_new = self.registry.label(doc.series, current.edition)
        try:
            comparison = self.comparison(doc.series, doc.edition, current.edition)
        except EditionError:
            return (f"[{cite.marker}] quotes {label_old}, which has been replaced by {label_new}; "
                    "check the current edition.", None)
        change = comparison.for_chunk(cite.chunk_id)
        if change is None or change.new is None and change.kind != "removed":
            return None
        if change.kind == "removed":
            return (f"[{cite.marker}] quotes {label_old} {change.old.where() if change.old else ''}; "
                    f"{label_new} (current) no longer contains this text.", None)
        assert change.new is not None
        new_cite = self.cite_piece(change.new, change, "new", marker, near=cite.quote)
        new_cite = replace(new_cite, role="supersession") if new_cite else None
        where = change.new.where()
        if change.kind in ("unchanged", "renumbered") or change.minor:
            how = "keeps this wording unchanged" + (f" (now {where})" if change.kind != "unchanged"
                                                     or change.minor else f" ({where})")
        elif change.kind == "merged":
            how = f"keeps this text within {where}"
        else:
            how = f"changed it ({where}): {change.inline(context=4, limit=400)}"
        ref = f" [{marker}]" if new_cite else ""
        note = f"[{cite.marker}] quotes {label_old}, now superseded: {label_new} (current) {how}{ref}"
        return note, new_cite

    # --- "what changed" questions -------------------------------------------------------------
    def editions_asked(self, years_named: tuple[str, ...], scope: Scope) -> tuple[str, str, str] | None:
        """(series, old, new) for a "what changed" question that two full texts can answer."""
        if not scope.editions:
            return None
        series = scope.editions[0][0]
        held = [e.edition for e in self.registry.editions(series)]
        years = sorted(y for y in dict.fromkeys(years_named) if y in held)
        new = years[-1] if years else scope.editions[0][1]
        old = years[0] if len(years) > 1 else self.previous(series, new)
        if old is None or not self.full_text(series, new) or not self.full_text(series, old):
            return None
        return series, old, new


def _front_or_table(change: Change) -> bool:
    """Title pages and the edition's own table of changes describe changes; they are not changes."""
    return any(p.page is not None and p.page <= 2 or TABLE_TITLE.search(p.section) or
               re.search(r"this guidance replaces", p.text, re.I)
               for p in (change.old, change.new) if p is not None)


def topic_of(question: str) -> str | None:
    """The subject of a "what changed" question, once edition and change words are removed."""
    rest = WHAT_CHANGED.sub(" ", strip_edition_words(question))
    words = [w for w in re.findall(r"[\w'’-]+", rest)
             if w.lower() not in GENERIC and w.lower() not in MONTHS and not w.isdigit()]
    return " ".join(words) if tokens(" ".join(words)) else None


def render_report(report: ChangeReport, registry: EditionRegistry) -> str:
    """The changes as lines of text with word diffs, each followed by its citation markers."""
    cmp = report.comparison
    old = registry.label(cmp.series, cmp.old_edition)
    new = registry.label(cmp.series, cmp.new_edition)
    about = f" about “{report.topic}”" if report.topic else ""
    if not report.changes:
        return (f"Comparing {old} with {new} paragraph by paragraph found no substantive change"
                f"{about}.")
    shown = len(report.changes)
    more = f" (showing the first {shown} of {report.total})" if report.total > shown else ""
    lines = [f"Changes from {old} to {new}{about}, compared paragraph by paragraph{more}:"]
    for n, change in enumerate(report.changes):
        refs = "".join(f"[{report.citations[n, s].marker}]" for s in ("old", "new")
                       if (n, s) in report.citations)
        lines.append(f"{n + 1}. {describe(change)} {refs}".rstrip())
    return "\n".join(lines)


def describe(change: Change) -> str:
    if change.kind == "added":
        assert change.new is not None
        return f"Added {change.new.where()}: “{_clip(change.new.text)}”"
    if change.kind == "removed":
        assert change.old is not None
        return f"Removed {change.old.where()}: “{_clip(change.old.text)}”"
    assert change.old is not None and change.new is not None
    if change.kind == "merged":
        return f"{change.old.where()} moved into {change.new.where()}"
    if change.kind in ("unchanged", "renumbered") or change.minor:
        return f"{change.old.where()} → {change.new.where()}: wording unchanged"
    return f"{change.old.where()} → {change.new.where()}: {change.inline(context=5, limit=600)}"


def _clip(text: str, limit: int = 220) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def _report_json(report: ChangeReport) -> dict:
    cmp = report.comparison
    items = []
    for n, change in enumerate(report.changes):
        item = change.as_json()
        item["summary"] = describe(change)
        item["citations"] = {side: report.citations[n, side].as_json() for side in ("old", "new")
                             if (n, side) in report.citations}
        items.append(item)
    return {"series": cmp.series, "old": {"edition": cmp.old_edition, "doc_id": cmp.old_doc},
            "new": {"edition": cmp.new_edition, "doc_id": cmp.new_doc}, "topic": report.topic,
            "paragraph": report.paragraph, "counts": cmp.counts(), "changes": items}
