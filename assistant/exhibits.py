"""The exhibits a question can name: a case study the guidance tells, or a flow chart it draws.
Each is a run of chunks; a question about one is answered from the run its words find best."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TypeGuard

from ingest.records import Chunk
from ingest.segment import FLOW_CHART_TITLE, FOOTNOTES, chart_box

CASE_STUDY = "case study"
FLOW_CHART = "flow chart"
EXAMPLE = re.compile(r"\bcase stud(y|ies)\b|\bexamples?\b", re.I)  # illustrations, not guidance


def example(chunk: Chunk) -> bool:
    """The chunk tells an illustration (a case study's story, an annex's examples): unnumbered text
    under such a heading. A numbered paragraph after the box is the guidance again."""
    return chunk.paragraph is None and any(EXAMPLE.search(h) for h in chunk.headings[-1:])


def _unnumbered(chunk: Chunk) -> bool:
    return chunk.paragraph is None and FOOTNOTES not in chunk.headings


def _opens_figure(chunk: Chunk, before: Chunk | None) -> bool:
    """The chunk opens a flow chart: with its title, or first under a title heading."""
    return bool(FLOW_CHART_TITLE.match(chunk.text)) or (
        chart_box(chunk) and (before is None or before.headings[-1:] != chunk.headings[-1:]))


def figure_runs(chunks: Sequence[Chunk]) -> dict[str, tuple[Chunk, ...]]:
    """Each flow chart's chunks by chunk id: from its title on, the unnumbered chunks of the same
    page up to the next title (a chart is drawn on one page; its boxes run over several chunks)."""
    runs: dict[str, tuple[Chunk, ...]] = {}
    run: list[Chunk] = []
    for i, chunk in enumerate(chunks):
        before = chunks[i - 1] if i and chunks[i - 1].doc_id == chunk.doc_id else None
        if _unnumbered(chunk) and _opens_figure(chunk, before):
            run = [chunk]
        elif run and before is run[-1] and _unnumbered(chunk) and chunk.page_start == run[0].page_end:
            run.append(chunk)
        else:
            run = []
            continue
        for c in run:
            runs[c.chunk_id] = tuple(run)
    return runs


def chart_title(run: tuple[Chunk, ...]) -> str:
    """A flow chart's title: its first line, with the line it wraps onto ("Flow chart 1: Action
    taken when a child is referred to local" / "authority children's social care"), or the heading
    it is printed as."""
    first = run[0]
    if not FLOW_CHART_TITLE.match(first.text):
        return first.headings[-1] if first.headings else ""
    lines = first.text.split("\n")
    return " ".join(lines[:2]) if len(lines) > 1 and lines[1][:1].islower() else lines[0]


def story_run(first: Chunk, preceding: Callable[[Chunk], Chunk | None],
              following: Callable[[Chunk], Chunk | None]) -> tuple[Chunk, ...]:
    """A case study's chunks: `first` with the story chunks of the same section around it."""

    def told(chunk: Chunk | None) -> TypeGuard[Chunk]:
        return chunk is not None and example(chunk) and chunk.headings == first.headings

    before, after = [first], [first]
    while told(c := preceding(before[-1])):
        before.append(c)
    while told(c := following(after[-1])):
        after.append(c)
    return (*before[:0:-1], *after)


def exhibit_chunk(kind: str, chunk: Chunk) -> bool:
    """The chunk is part of an exhibit of the kind: a story, or a flow chart's boxes."""
    if kind == CASE_STUDY:
        return example(chunk)
    return kind == FLOW_CHART and _unnumbered(chunk) and chart_box(chunk)
