"""The answer step behind a small Generator interface; the default is extractive."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from assistant.cite import make_citation
from assistant.records import Citation, Passage
from assistant.text import normalise, tokens
from corpus.manifest import Manifest
from ingest.embed import Embedder
from ingest.records import Chunk
from ingest.segment import split_sentences

LEADER = re.compile(r"[\s\-•▶●◦▪*–]*")


_NUM = r"(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty)"
QUESTION_TYPES = [
    ("duration", re.compile(r"\bhow (long|soon|quickly|often)\b|\btimescale|\btimeframe|\bwithin\b"
                            r"|\bdeadline|\bhow many (days|weeks|months|hours)", re.I)),
    ("number", re.compile(r"\bhow (many|much|old)\b|\bwhat age\b|\bnumber of\b", re.I)),
    ("date", re.compile(r"^\s*when\b|\bwhat date\b|\bcome into force\b", re.I)),
    ("who", re.compile(r"^\s*who\b|\bwhich (bodies|organisations|agencies|partners|people)\b", re.I)),
]
ANSWER_SHAPES = {
    "duration": re.compile(rf"\b{_NUM}[- ](working |calendar |school )?(day|hour|week|month|year)s?\b"
                           r"|\b(annually|immediately|as soon as possible)\b", re.I),
    "number": re.compile(rf"\b{_NUM}\b", re.I),
    "date": re.compile(r"\b(19|20)\d\d\b|\b(january|february|march|april|may|june|july|august|"
                       r"september|october|november|december)\b", re.I),
    "who": re.compile(r"\([^)]*,[^)]*\)|:\s*\S.*,|\b\w+(?: \w+){0,3}, \w+(?: \w+){0,3},? and \w+", re.I),
}


def answer_type(question: str) -> str | None:
    """The shape of answer a question asks for (a duration, a number, a date, who)."""
    return next((name for name, pat in QUESTION_TYPES if pat.search(question)), None)


@dataclass
class Draft:
    """What a generator returns: the answer body and the citations its [n] markers point to."""

    body: str
    citations: list[Citation]
    support: float
    abstained: bool = False
    reason: str = ""


@dataclass(frozen=True)
class Unit:
    passage_rank: int
    chunk: Chunk
    start: int
    end: int

    @property
    def text(self) -> str:
        return self.chunk.text[self.start : self.end].strip()


@dataclass
class AnswerContext:
    question: str
    query: str  # the question without edition words
    query_vector: np.ndarray
    idf: dict[str, float] = field(default_factory=dict)


class Generator(Protocol):
    name: str

    def generate(self, ctx: AnswerContext, passages: list[Passage]) -> Draft: ...


def sentence_units(passages: list[Passage]) -> list[Unit]:
    """Sentences of the top passages; an introduction ending in ':' keeps its first bullets."""
    units: list[Unit] = []
    for p in passages:
        spans = split_sentences(p.chunk.text)
        for i, (start, end) in enumerate(spans):
            start += len(LEADER.match(p.chunk.text, start, end).group(0))  # type: ignore[union-attr]
            text = p.chunk.text[start:end].strip()
            if len(text) < 25 or re.fullmatch(r"\d{1,3}\.", text):
                continue
            if text.endswith(":"):
                tail = [e for _, e in spans[i + 1 : i + 5]]
                end = next((e for e in tail if e - start > 350), tail[-1] if tail else end)
            units.append(Unit(p.rank, p.chunk, start, end))
    return units


class ExtractiveGenerator:
    """Quotes the best-supported sentences, each cited; abstains below a calibrated score."""

    name = "extractive"

    def __init__(self, embedder: Embedder, manifest: Manifest, threshold: float,
                 max_quotes: int = 3) -> None:
        self.embedder = embedder
        self.manifest = manifest
        self.threshold = threshold
        self.max_quotes = max_quotes

    def score_units(self, ctx: AnswerContext, units: list[Unit]) -> np.ndarray:
        if not units:
            return np.zeros(0)
        sims = self.embedder.embed([u.text for u in units]) @ ctx.query_vector
        q = set(tokens(ctx.query))
        total = sum(ctx.idf.get(t, 1.0) for t in q) or 1.0
        lex = np.array([sum(ctx.idf.get(t, 1.0) for t in q & set(tokens(u.text))) / total
                        for u in units])
        prior = np.array([0.06 / (1 + u.passage_rank) for u in units])
        kind = answer_type(ctx.question)
        fit = np.array([0.06 if kind and ANSWER_SHAPES[kind].search(u.text) else 0.0 for u in units])
        return 0.5 * sims + 0.45 * lex + prior + fit

    def generate(self, ctx: AnswerContext, passages: list[Passage]) -> Draft:
        units = sentence_units(passages)
        scores = self.score_units(ctx, units)
        if not units or float(scores.max()) < self.threshold:
            best = float(scores.max()) if units else 0.0
            return Draft("", [], best, abstained=True,
                         reason="no passage in scope supports an answer closely enough")
        chosen = self._choose(units, scores)
        cites = [make_citation(n + 1, u.chunk, u.start, u.end, self.manifest.doc(u.chunk.doc_id))
                 for n, u in enumerate(chosen)]
        kind = answer_type(ctx.question)
        lead = lead_clause(cites[0].quote, set(tokens(ctx.query)),
                           ANSWER_SHAPES[kind] if kind else None)
        return Draft(_body(cites, lead), cites, float(scores.max()))

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
            if chosen and float(scores[i]) < max(self.threshold, 0.85 * best):
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
