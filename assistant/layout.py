"""Quotes a reader can find on the printed page: checks against a second text extraction.

The page store's text comes from pypdf (`ingest/readers.py`), which can join a sentence of body
text to the box, flowchart or footnote printed beside it, or to the next page. Ingest also keeps a
second, independent extraction of every PDF page (`Page.layout`: pdfium's text page, in its own
reading order, with a break marked wherever the text size changes, the text jumps back up the
page or a wide gap opens; see `ingest.readers.layout_pages`). A quote is shown only when it is
contiguous within one block of one printed page in that text too (`quote_in_layout`, used by
`assistant.cite.verify`), and the answer step cuts a sentence that runs into a box, a
flowchart, a footnote or onto the next page back to its longest prefix that is
(`trim_to_layout`), or drops it when no sensible prefix is left.

Text sources have no second extraction, so the second check does not apply to them: KCSIE 2025
is held as a .txt file with form-feed pages and the briefings as page-less .txt files
(`Page.layout` is None for all of their pages).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Protocol, TypeVar

import numpy as np

from assistant.text import normalise
from ingest.readers import LAYOUT_BREAK
from ingest.records import Chunk, Page
from ingest.segment import BULLET_CLASS

log = logging.getLogger(__name__)

# Where a quote may be cut: after a sentence end (". ", "? ", "! ", closing quotes and brackets
# kept), after a list item, or after a clause end ("; " or ", "). Never after ":" (a lead-in
# without its items).
_SENTENCE_END = re.compile(r"[.?!][\"”’)]*(?=\s)")
_CLAUSE_END = re.compile(r"[;,](?=\s)")
_ITEM_END = re.compile(rf"(?=\n\s*{BULLET_CLASS}\s)")  # before the next bulleted list item
_BREAK = normalise(LAYOUT_BREAK)
MIN_SENTENCE_CHARS = 25  # as short as a sentence the answer step quotes at all
MIN_CLAUSE_CHARS = 60  # a clause cut off from its sentence must say something on its own
# a sentence's words at the foot of a page before it turns ("This might include" | "self-harm, …")
MIN_TURN_CHARS = 12


def squash(text: str) -> str:
    """`normalise`, then without spaces: pdfium sets a footnote marker after closing punctuation
    on a line of its own ("(2016)’\n226." where pypdf has "(2016)’226.") and spaces some runs
    differently, so the second check compares the order of the characters, not the spacing."""
    return normalise(text).replace(" ", "")


# A footnote marker set after a closing quote, before the sentence's stop, on the line below it in the second
# extraction ("authorities’\n122. This…"), where the page store's text has none ("authorities’.
# This…", `ingest.readers.strip_footnote_refs`).
_MARK_AFTER_CLOSE = re.compile(r"(?<=[a-z][’”])[ \t]*\n?[ \t]*\d{1,3}(?=[.,;:]\s)")


@lru_cache(maxsize=4096)
def _normalised(text: str) -> str:
    return squash(_MARK_AFTER_CLOSE.sub("", text))


def _pages_in(pages: Sequence[Page], first: int | None, last: int | None) -> list[Page]:
    if first is None:
        return list(pages)
    end = last or first
    return [p for p in pages if p.number is not None and first <= p.number <= end]


def layout_applies(pages: Sequence[Page]) -> bool:
    """True when these pages have a second extraction (PDF pages, not text sources)."""
    return bool(pages) and all(p.layout is not None for p in pages)


def quote_in_layout(quote: str, pages: Sequence[Page], first: int | None, last: int | None) -> bool:
    """True when `quote` appears word for word (normalised as for the pypdf check, spacing
    aside) within one layout block of one of the cited pages in the second extraction, or when
    the pages have none (text sources)."""
    if not quote.strip():
        return False
    chosen = _pages_in(pages, first, last)
    if not layout_applies(chosen):
        return True  # text sources (kcsie-2025.txt, briefings): the second check does not apply
    # one page at a time: a quote that runs onto the next page is cut there (trim_to_layout)
    return any(in_layout(quote, _normalised(p.layout or "")) for p in chosen)


# Where a list's lines may sit in separate layout blocks: before each bulleted item, and after a
# lead-in ending in ":" (a box title over its numbered list).
ITEM_BREAK = re.compile(rf"\n\s*{BULLET_CLASS}\s|(?<=:)[ \t]*\n")


def in_layout(text: str, hay: str) -> bool:
    """`text` contiguous in the page's second extraction; a list line by line: each of its lines
    (the lead-in, then each item) contiguous there, in the same order."""
    pos = 0
    for piece in (squash(p) for p in ITEM_BREAK.split(text)):
        if not piece:
            continue
        found = hay.find(piece, pos)
        if found < 0:
            return False
        pos = found + len(piece)
    return True


def trim_to_layout(chunk: Chunk, start: int, end: int, pages: Sequence[Page]) -> tuple[int, int] | None:
    """The span `chunk.text[start:end]`, cut to its longest prefix that ends at a sentence or
    clause boundary and is contiguous in the second extraction of the page where it starts. When
    no such prefix exists and the span opens with a heading that is its own layout block there,
    the same is tried from the line after the heading.

    Returns (start, end) unchanged when the whole span is contiguous there (or when the chunk
    comes from a text source, which has no second extraction), a shorter (start, end') when only
    a prefix is, and None when no prefix long enough to stand on its own is."""
    text = chunk.text
    page_no = chunk.page_at(start + len(text[start:end]) - len(text[start:end].lstrip()))
    if page_no is None:
        return start, end
    page = next((p for p in pages if p.number == page_no), None)
    if page is None or page.layout is None:
        return start, end  # a text source: the second check does not apply
    hay = _normalised(page.layout)
    if in_layout(chunk.text[start:end], hay):
        return start, end
    for begin in _block_starts(text, start, end, hay):
        span = _longest_prefix(text, begin, end, hay)
        if span is not None:
            return span
    return None


def _block_starts(text: str, start: int, end: int, hay: str) -> list[int]:
    """`start`, then each later line start in the span's first half where a layout block ends
    just before it (a heading or a box title glued to the sentence in the pypdf text)."""
    starts = [start]
    for m in re.finditer(r"\n\s*", text[start : start + (end - start) // 2]):
        head = squash(text[start : start + m.start()])
        if head and head + _BREAK in hay:
            starts.append(start + m.end())
    return starts


def _longest_prefix(text: str, start: int, end: int, hay: str) -> tuple[int, int] | None:
    if squash(text[start:end]) in hay:
        return start, end
    cuts = [(m.end(), MIN_SENTENCE_CHARS) for m in _SENTENCE_END.finditer(text, start, end)]
    # a clause cut only inside the first sentence: later, cut at the last whole sentence instead
    first_end = next((cut for cut, minimum in cuts if len(text[start:cut].strip()) >= minimum), end)
    cuts += [(m.start(), MIN_CLAUSE_CHARS) for m in _CLAUSE_END.finditer(text, start, first_end)]
    cuts += [(m.start(), MIN_SENTENCE_CHARS) for m in _ITEM_END.finditer(text, start, end)]
    for cut, minimum in sorted(cuts, reverse=True):
        piece = text[start:cut].rstrip()
        if len(piece.strip()) < minimum or piece.endswith(":"):
            continue
        if squash(piece) in hay:
            log.debug("quote cut at a layout boundary: %r", text[start + len(piece) : end][:80])
            return start, start + len(piece)
    return None


class _Span(Protocol):
    @property
    def chunk(self) -> Chunk: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


S = TypeVar("S", bound=_Span)


def fit_to_layout(units: Sequence[S], scores: np.ndarray,
                  pages_of: Callable[[str], Sequence[Page]]) -> tuple[list[S], np.ndarray]:
    """Candidate quotes (dataclasses with chunk, start and end) cut at layout boundaries with
    `trim_to_layout`; those with nothing sensible left are dropped, with their scores. A sentence
    that turns the page is kept whole when its first page's part is (dev: +1 item, none lost)."""
    kept: list[S] = []
    index: list[int] = []
    for i, unit in enumerate(units):
        pages = pages_of(unit.chunk.doc_id)
        span = trim_to_layout(unit.chunk, unit.start, unit.end, pages)
        if span != (unit.start, unit.end) and turns_whole(unit.chunk, unit.start, unit.end, pages):
            span = (unit.start, unit.end)  # quoted page by page later (answer._fit)
        if span is None:
            continue
        kept.append(unit if span == (unit.start, unit.end)
                    else replace(unit, start=span[0], end=span[1]))  # type: ignore[type-var]
        index.append(i)
    return kept, scores[np.asarray(index, dtype=int)]


def turns_whole(chunk: Chunk, start: int, end: int, pages: Sequence[Page]) -> bool:
    """The span turns a printed page mid-sentence ("…from the school roll at a non-standard |
    transition point, and…"), and its part on the first page is whole there: the sentence is kept
    to be scored whole, not dropped for having no sentence end on its first page."""
    turn = next((b for b in chunk.page_breaks if start < b < end), None)
    return turn is not None and page_part(chunk, start, turn, pages) is not None


def page_part(chunk: Chunk, start: int, turn: int, pages: Sequence[Page]) -> int | None:
    """Where the span from `start` stops on its page, at the page break `turn`, when that part is
    long enough to quote and whole on the printed page; else None."""
    stop = start + len(chunk.text[start:turn].rstrip())
    whole = stop - start >= MIN_TURN_CHARS and trim_to_layout(chunk, start, stop, pages) == (start, stop)
    return stop if whole else None
