"""The sentences of a chunk as the answer plans read them: where each starts (after its bullet
and paragraph number) and ends, and whether it is a bulleted list item."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.evidence import LEADER, item_flags
from ingest.records import Chunk
from ingest.segment import BULLET_MARKS, chunk_spans

PARA_NUMBER = re.compile(r"\d{1,3}\.\s+")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    item: bool  # a bulleted list item
    marked: int | None = None  # an item's bullet: where a list carried on from the chunk before starts

    @property
    def opening(self) -> int:
        """Where a quote that opens with this sentence starts: a list item at its bullet."""
        return self.marked if self.item and self.marked is not None else self.start


@lru_cache(maxsize=4096)
def sentences(chunk: Chunk) -> tuple[Sentence, ...]:
    out = []
    spans = chunk_spans(chunk)
    for (start, end), item in zip(spans, item_flags(chunk, spans), strict=True):
        leader = LEADER.match(chunk.text, start, end).group(0)  # type: ignore[union-attr]
        mark = max(leader.rfind(m) for m in BULLET_MARKS)  # its last bullet, or -1
        marked = start + mark if mark >= 0 else None
        start += len(leader)
        if number := PARA_NUMBER.match(chunk.text, start, end):  # cited as the paragraph, not quoted
            start = number.end()
        if chunk.text[start:end].strip():
            out.append(Sentence(start, end, item, marked))
    return tuple(out)
