"""Chunk a local document's blocks: by its own paragraph numbering ("4.2.1") where it has one,
by heading otherwise. A chunk's `paragraph` is its own number, else the number of the numbered
heading it sits under ("4.2"), else None (the heading path then locates it)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus.manifest import Document
from ingest.local_readers import Block
from ingest.records import Chunk

SECTION_NUMBER = re.compile(r"^(\d{1,3}(?:\.\d{1,3}){0,3})\.?\s+(?=\S)")
NUMBERED_PARA = re.compile(r"^(\d{1,3}(?:\.\d{1,3}){1,3}|\d{1,3}\.)\s+(?=\S)")  # "4.2.1 " or "12. "


@dataclass
class LocalSegmenter:
    doc: Document
    max_chars: int
    target_chars: int
    headings: list[tuple[int, str, str | None]] = field(default_factory=list)  # (level, text, number)
    paragraph: str | None = None  # the numbered paragraph being built
    lines: list[tuple[int | None, str]] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)

    def run(self, blocks: list[Block]) -> list[Chunk]:
        for block in blocks:
            if block.is_heading:
                self._heading(block)
            elif m := NUMBERED_PARA.match(block.text):
                self._flush()
                self.paragraph = m.group(1).rstrip(".")
                self.lines.append((block.page, block.text))
            else:
                if self.paragraph is None and self._size() + len(block.text) > self.target_chars:
                    self._flush()
                self.lines.append((block.page, block.text))
        self._flush()
        return self.chunks

    def _heading(self, block: Block) -> None:
        self._flush()
        self.paragraph = None
        m = SECTION_NUMBER.match(block.text)
        number = m.group(1) if m else None
        self.headings = [h for h in self.headings if h[0] < block.level] + [(block.level, block.text, number)]

    def _size(self) -> int:
        return sum(len(t) + 1 for _, t in self.lines)

    def _section_number(self) -> str | None:
        return next((n for _, _, n in reversed(self.headings) if n), None)

    def _flush(self) -> None:
        lines, self.lines = self.lines, []
        if not lines:
            return
        piece: list[tuple[int | None, str]] = []
        for line in lines:  # over-long numbered paragraphs: parts split between blocks
            if piece and sum(len(t) + 1 for _, t in piece) + len(line[1]) > self.max_chars:
                self._make(piece)
                piece = []
            piece.append(line)
        self._make(piece)

    def _make(self, lines: list[tuple[int | None, str]]) -> None:
        text, breaks = "", []
        for i, (page, line) in enumerate(lines):
            if i and page != lines[i - 1][0]:
                breaks.append(len(text) + 1)
            text = f"{text}\n{line}" if text else line
        paragraph = self.paragraph or self._section_number()
        part = sum(1 for c in self.chunks if c.paragraph == paragraph and paragraph is not None
                   and c.headings == self._heading_path())
        self.chunks.append(Chunk(
            chunk_id=Chunk.make_id(self.doc.id, len(self.chunks), lines[0][0], paragraph, text),
            doc_id=self.doc.id, title=self.doc.title, series=self.doc.series, edition=self.doc.edition,
            page_start=lines[0][0], page_end=lines[-1][0], paragraph=paragraph,
            headings=self._heading_path() or (self.doc.title,), text=text,
            page_breaks=tuple(breaks), part=part))

    def _heading_path(self) -> tuple[str, ...]:
        return tuple(text for _, text, _ in self.headings)


def segment_local(doc: Document, blocks: list[Block], max_chars: int, target_chars: int) -> list[Chunk]:
    return LocalSegmenter(doc, max_chars, target_chars).run(blocks)
