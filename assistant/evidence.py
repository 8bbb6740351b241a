"""Sentence-level evidence: split the candidate passages into sentences, score each against the
question (dense + idf-weighted overlap + answer shape), and rerank passages by their best one."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from assistant.records import Passage
from assistant.text import tokens
from ingest.embed import Embedder
from ingest.records import Chunk
from ingest.segment import split_sentences

if TYPE_CHECKING:
    from ingest.sentences import SentenceLookup

LEADER = re.compile(r"[\s\-•▶●◦▪*–]*")
_NUM = r"(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty)"
QUESTION_TYPES = [
    ("money", re.compile(r"\bhow much\b.*\b(cost|fee|fine|pay|paid|charge|compensation)|\b(cost|fee|fine|"
                         r"salary|allowance|compensation)s?\b", re.I)),
    ("percent", re.compile(r"\bpercentage\b|\bper ?cent\b|\bproportion\b", re.I)),
    ("phone", re.compile(r"\b(phone|telephone|helpline) number\b|\bnumber (to|should I) (call|ring)", re.I)),
    ("hours", re.compile(r"\bhow many hours\b|\bhours long\b", re.I)),
    ("duration", re.compile(r"\bhow (long|soon|quickly|often)\b|\btimescale|\btimeframe|\bwithin\b"
                            r"|\bdeadline|\bhow many (days|weeks|months|hours)", re.I)),
    ("number", re.compile(r"\bhow (many|much|old)\b|\bwhat age\b|\bnumber of\b", re.I)),
    ("date", re.compile(r"^\s*when\b|\bwhat date\b|\bcome into force\b", re.I)),
    ("who", re.compile(r"^\s*who\b|\bwhich (bodies|organisations|agencies|partners|people)\b", re.I)),
]
ANSWER_SHAPES = {
    "money": re.compile(r"£\s?\d|\b\d+ pounds\b", re.I),
    "percent": re.compile(r"\d+(\.\d+)?\s?%|\bper ?cent\b", re.I),
    "phone": re.compile(r"\b0\d{3}[ -]?\d{3}[ -]?\d{3,4}\b|\b\d{3}\b(?= )"),
    "hours": re.compile(rf"\b{_NUM}[- ]hours?\b", re.I),
    "duration": re.compile(rf"\b{_NUM}[- ](working |calendar |school )?(day|hour|week|month|year)s?\b"
                           r"|\b(annually|immediately|as soon as possible|every \w+ years?)\b", re.I),
    "number": re.compile(rf"\b{_NUM}\b", re.I),
    "date": re.compile(r"\b(19|20)\d\d\b|\b(january|february|march|april|may|june|july|august|"
                       r"september|october|november|december)\b", re.I),
    "who": re.compile(r"\([^)]*,[^)]*\)|:\s*\S.*,|\b\w+(?: \w+){0,3}, \w+(?: \w+){0,3},? and \w+", re.I),
}


def answer_type(question: str) -> str | None:
    """The shape of answer a question asks for (a duration, a number, a date, who)."""
    return next((name for name, pat in QUESTION_TYPES if pat.search(question)), None)


@dataclass(frozen=True)
class Unit:
    """A sentence (or an introduction with its first bullets) inside a chunk."""

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
    query: str  # the question without edition words, abbreviations expanded
    query_vector: np.ndarray
    idf: dict[str, float] = field(default_factory=dict)
    sentence_query_vector: np.ndarray | None = None  # when sentences use another model
    units: list[Unit] = field(default_factory=list)
    scores: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @cached_property
    def query_tokens(self) -> set[str]:
        return set(tokens(self.query))


def sentence_units(passages: list[Passage]) -> list[Unit]:
    """Sentences of the passages; an introduction ending in ':' keeps its first bullets."""
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


def coverage(ctx: AnswerContext, text: str | set[str]) -> float:
    """Share of the question's idf weight whose words appear in `text` (or its token set)."""
    q = ctx.query_tokens
    words = set(tokens(text)) if isinstance(text, str) else text
    total = sum(ctx.idf.get(t, 1.0) for t in q) or 1.0
    return sum(ctx.idf.get(t, 1.0) for t in q & words) / total


class SentenceVectors:
    """Embeds sentences: vectors stored at ingest first (`store`), then recent ones remembered
    (passages recur across questions), and only the rest embedded now."""

    def __init__(self, embedder: Embedder, size: int = 20_000, store: SentenceLookup | None = None) -> None:
        self.embedder = embedder
        self.size = size
        self.store = store
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def embed(self, texts: list[str]) -> np.ndarray:
        stored = self.store.get(texts) if self.store is not None else {}
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._cache and t not in stored))
        if missing:
            fresh = self.embedder.embed(missing)
            with self._lock:
                self._cache.update(zip(missing, fresh, strict=True))
                while len(self._cache) > self.size:
                    self._cache.popitem(last=False)
        with self._lock:
            return np.stack([stored[t] if t in stored else self._cache[t] for t in texts])


def score_units(embedder: Embedder | SentenceVectors, ctx: AnswerContext,
                units: list[Unit]) -> np.ndarray:
    if not units:
        return np.zeros(0)
    qv = ctx.sentence_query_vector if ctx.sentence_query_vector is not None else ctx.query_vector
    sims = embedder.embed([u.text for u in units]) @ qv
    lex = np.array([coverage(ctx, u.text) for u in units])
    prior = np.array([0.06 / (1 + u.passage_rank) for u in units])
    kind = answer_type(ctx.question)
    fit = np.array([0.12 if kind and ANSWER_SHAPES[kind].search(u.text) else 0.0 for u in units])
    form = np.array([_form_penalty(u.text) for u in units])
    # weights chosen by a coarse grid search on the golden set (see README, "Answer step")
    return 0.5 * sims + 0.2 * lex + prior + fit - form


def _form_penalty(text: str) -> float:
    """Headings and dangling introductions are poor quotes."""
    if text.endswith(":"):
        return 0.08
    if not re.search(r"[.!?;)”’\"]$", text) and len(text) < 150:
        return 0.08
    return 0.05 if len(text) > 400 else 0.0


def rerank(embedder: Embedder | SentenceVectors, ctx: AnswerContext, candidates: list[Passage],
           k: int) -> list[Passage]:
    """Order candidates by their best sentence; keep k. Fills ctx.units and ctx.scores."""
    units = sentence_units(candidates)
    scores = score_units(embedder, ctx, units)
    best: dict[str, float] = {}
    for unit, score in zip(units, scores, strict=True):
        best[unit.chunk.chunk_id] = max(best.get(unit.chunk.chunk_id, -1.0), float(score))
    ordered = sorted(candidates, key=lambda p: (-best.get(p.chunk.chunk_id, -1.0), p.rank))[:k]
    passages = [replace(p, rank=i, score=best.get(p.chunk.chunk_id, 0.0)) for i, p in enumerate(ordered)]
    keep = {p.chunk.chunk_id: p.rank for p in passages}
    pairs = [(replace(u, passage_rank=keep[u.chunk.chunk_id]), s)
             for u, s in zip(units, scores, strict=True) if u.chunk.chunk_id in keep]
    ctx.units = [u for u, _ in pairs]
    ctx.scores = np.array([s for _, s in pairs])
    return passages


FEATURES = ("best", "passage_coverage", "unit_coverage", "shape_missing", "rare_missing")


def support_features(ctx: AnswerContext, passages: list[Passage]) -> dict[str, float]:
    """Signals that the passages really answer the question, for the calibrated abstention."""
    if not len(ctx.scores) or not passages:
        return dict.fromkeys(FEATURES, 0.0)
    order = np.argsort(-ctx.scores, kind="stable")
    top = [ctx.units[int(i)] for i in order[:3]]
    kind = answer_type(ctx.question)
    shape_missing = float(kind is not None and kind != "who" and not any(
        ANSWER_SHAPES[kind].search(u.text) for u in top))
    q = ctx.query_tokens
    passage_words = [set(tokens(p.chunk.embed_text())) for p in passages]
    seen = set().union(*passage_words)
    max_idf = max((ctx.idf.get(t, 0.0) for t in q), default=1.0) or 1.0
    rare_missing = max((ctx.idf.get(t, 0.0) for t in q - seen), default=0.0) / max_idf
    return {
        "best": float(ctx.scores[order[0]]),
        "passage_coverage": max(coverage(ctx, words) for words in passage_words),
        "unit_coverage": coverage(ctx, top[0].text),
        "shape_missing": shape_missing,
        "rare_missing": rare_missing,
    }


def support_probability(features: dict[str, float], weights: dict[str, float]) -> float:
    """Logistic model over the features; weights come from evals/calibrate.py."""
    z = weights.get("bias", 0.0) + sum(weights.get(k, 0.0) * v for k, v in features.items())
    return float(1.0 / (1.0 + np.exp(-z)))
