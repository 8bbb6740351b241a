"""The answer step behind a small Generator interface; the default is extractive."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from assistant.cite import make_citation
from assistant.evidence import (
    ANSWER_SHAPES,
    AnswerContext,
    SentenceVectors,
    Unit,
    answer_type,
    score_units,
    sentence_units,
    support_features,
    support_probability,
)
from assistant.layout import fit_to_layout
from assistant.records import Citation, Passage
from assistant.text import normalise, tokens
from corpus.manifest import Manifest
from ingest.embed import Embedder
from ingest.records import Page


@dataclass
class Draft:
    """What a generator returns: the answer body and the citations its [n] markers point to."""

    body: str
    citations: list[Citation]
    support: float
    abstained: bool = False
    reason: str = ""
    notices: list[str] = field(default_factory=list)
    check: dict[str, Any] = field(default_factory=dict)  # written answers: postcheck counts
    raw: str = ""  # written answers: the model's text before the check
    timings: dict[str, float] = field(default_factory=dict)


class Generator(Protocol):
    """Writes the answer body; `on_token` (when given) receives the text so far as it streams."""

    name: str

    def generate(self, ctx: AnswerContext, passages: list[Passage],
                 on_token: Callable[[str], None] | None = None) -> Draft: ...


class ExtractiveGenerator:
    """Quotes the best-supported sentences, each cited; abstains below a calibrated score."""

    name = "extractive"

    def __init__(self, embedder: Embedder | SentenceVectors, manifest: Manifest, threshold: float,
                 weights: dict[str, float], max_quotes: int = 3, quote_ratio: float = 0.9,
                 pages: Callable[[str], list[Page]] | None = None) -> None:
        self.embedder = embedder
        self.manifest = manifest
        self.threshold = threshold
        self.weights = weights
        self.max_quotes = max_quotes
        self.quote_ratio = quote_ratio
        self.pages = pages  # the page store by doc id: quotes are cut at layout boundaries

    def generate(self, ctx: AnswerContext, passages: list[Passage],
                 on_token: Callable[[str], None] | None = None) -> Draft:
        if not ctx.units:
            ctx.units = sentence_units(passages)
            ctx.scores = score_units(self.embedder, ctx, ctx.units)
        units, scores = ctx.units, ctx.scores
        support = support_probability(support_features(ctx, passages), self.weights)
        if not units or support < self.threshold:
            return Draft("", [], support, abstained=True,
                         reason="no passage in scope supports an answer closely enough")
        if self.pages is not None:  # quotes a reader can find on the printed page
            units, scores = fit_to_layout(units, scores, self.pages)
            if not units:
                return Draft("", [], support, abstained=True,
                             reason="no quote could be found whole on a printed page")
        chosen = self._choose(units, scores)
        cites = [make_citation(n + 1, u.chunk, u.start, u.end, self.manifest.doc(u.chunk.doc_id))
                 for n, u in enumerate(chosen)]
        kind = answer_type(ctx.question)
        lead = lead_clause(cites[0].quote, set(tokens(ctx.query)),
                           ANSWER_SHAPES[kind] if kind else None)
        return Draft(_body(cites, lead), cites, support)

    def _choose(self, units: list[Unit], scores: np.ndarray) -> list[Unit]:
        order = np.argsort(-scores, kind="stable")
        best = float(scores[order[0]])
        chosen: list[Unit] = []
        seen: set[str] = set()
        for i in order:
            unit = units[int(i)]
            key = normalise(unit.text)
            if key in seen or any(_overlaps(unit, c) for c in chosen):
                continue
            if chosen and float(scores[i]) < self.quote_ratio * best:
                break
            chosen.append(unit)
            seen.add(key)
            if len(chosen) == self.max_quotes:
                break
        return chosen


def _overlaps(a: Unit, b: Unit) -> bool:
    return a.chunk.chunk_id == b.chunk.chunk_id and a.start < b.end and b.start < a.end


CLAUSE_SPLIT = re.compile(r"(?<=[;:])\s+|(?<=,)\s+(?=(?:and|or|but|which|where|unless|so|such)\b)")


def lead_clause(quote: str, query_tokens: set[str], shape: re.Pattern[str] | None) -> str:
    """The part of the best quote that answers: the clause with the most query words."""
    text = " ".join(quote.split())
    if len(text) <= 180:
        return text
    parts = [p for p in CLAUSE_SPLIT.split(text) if p.strip()]
    merged: list[str] = []
    for part in parts:  # keep clauses long enough to read on their own
        if merged and len(merged[-1]) < 60:
            merged[-1] = f"{merged[-1]} {part}"
        else:
            merged.append(part)

    def score(clause: str) -> float:
        fit = 2.0 if shape and shape.search(clause) else 0.0
        return fit + len(query_tokens & set(tokens(clause))) - len(clause) / 1000

    return max(merged, key=score).strip()


def _body(cites: list[Citation], lead: str) -> str:
    first = cites[0]
    return f"In short ({first.edition}, {first.duty.split(' (')[0]}): “{lead}” [1]"
