"""Sentence-level evidence: split the candidate passages into sentences, score each against the
question (dense + idf-weighted overlap + answer shape), and rerank passages by their best one."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from assistant.records import Passage
from assistant.text import tokens
from assistant.understand.kinds import ANSWER_SHAPES, count_pattern
from ingest.embed import Embedder
from ingest.records import Chunk
from ingest.segment import BULLET_CLASS, ENTRY, FOOTNOTES, ITEM_MARK, NUMBER_MARK, chunk_spans

if TYPE_CHECKING:
    from ingest.sentences import SentenceLookup

LEADER = re.compile(rf"(?:\s|{BULLET_CLASS})*")
ASKED_MIN_WORDS = 2  # fewer content words in the asked clause: support is judged on the whole question
BULLET = re.compile(rf"\s*{ITEM_MARK}")  # a list item, bulleted or lettered
NUMBERED = re.compile(rf"\s*{NUMBER_MARK}")  # "1. All children…": a numbered line


def item_flags(chunk: Chunk, spans: list[tuple[int, int]]) -> list[bool]:
    """Which units of a chunk are list items: bulleted or lettered ones, and numbered lines of a list
    a lead-in introduces ("…rules for sharing information:\n1. All children…\n2. When you…"). A
    numbered line after a heading is a numbered paragraph, not an item."""
    text, flags, numbered = chunk.text, [], False
    for n, (start, _) in enumerate(spans):
        if BULLET.match(text, start):
            flags.append(True)
            continue
        opens_line = not text[:start].strip() or text[:start].rstrip(" \t").endswith("\n")
        lead = n > 0 and text[spans[n - 1][0]:spans[n - 1][1]].rstrip().endswith(":")
        item = bool(opens_line and n > 0 and NUMBERED.match(text, start) and (numbered or lead))
        numbered = numbered or item
        flags.append(item)
    return flags


COUNT_FIT = 0.12  # a sentence stating the size of the set the part names ("four areas of risk")
SHAPE_FIT = 0.12  # a sentence with the asked-for shape of answer (a time, a number…)
RRF_K = 60  # reciprocal-rank fusion constant, as the search's (30 gave the same on dev)
ENTRY_FIT = 0.15  # a glossary entry opening, for a part asking what a term it names is (dev: +2)
VERDICT_FIT = 0.06  # a yes/no question's sentence that gives a verdict ("is not appropriate"); dev-fitted


@dataclass(frozen=True)
class Unit:
    """A sentence (or an introduction with its first bullets) inside a chunk."""

    passage_rank: int
    chunk: Chunk
    start: int
    end: int
    lead: str = ""  # a list item's lead-in ("The core group should:"): its words count for the item
    alone: bool = False  # an item picked out of its list: quoted without the items after it

    @property
    def text(self) -> str:
        return self.chunk.text[self.start : self.end].strip()


@dataclass
class AnswerContext:
    """The evidence for one part of a question (or the whole of a one-part question)."""

    question: str  # the part as asked
    query: str  # its retrieval text: no edition words, abbreviations and renamed terms expanded
    query_vector: np.ndarray
    idf: dict[str, float] = field(default_factory=dict)
    sentence_query_vector: np.ndarray | None = None  # when sentences use another model
    units: list[Unit] = field(default_factory=list)
    scores: np.ndarray = field(default_factory=lambda: np.zeros(0))
    kind: str = "fact"  # the answer plan: fact, list, procedure, definition, general
    shape: str | None = None  # the shape of answer asked for (assistant.understand.kinds)
    passages: list[Passage] = field(default_factory=list)  # this part's passages
    candidates: list[Passage] = field(default_factory=list)  # what its search found, before the rerank
    parts: list[AnswerContext] = field(default_factory=list)  # a multi-part question's parts
    # "what should I do": the guidance's general steps, answered when the situation itself is not
    general: AnswerContext | None = None
    asked: str = ""  # the part's own retrieval text, without the situation told before it
    counted: str = ""  # what a "how many / how much" part counts: a stated number must be about it
    listed: str = ""  # what a list part asks for ("checks"): a lead-in that names it brings the list
    unit: str = ""  # the unit of a time the part proposes ("is it 72 hours?"): the answer states one
    # where the glossary (or footnote) entries of a term the part names open: (chunk id, offset)
    entries: frozenset[tuple[str, int]] = frozenset()
    count: int = 0  # the size of the set the part names ("the 4 Cs"): a sentence stating it fits
    told: bool = False  # a child told of harm: the general steps come before the situation's own
    excluded: str = ""  # what the asker rules out: a list led in by its words goes down
    sections: tuple[str, ...] = ()  # the parts of a document the part names ("Annex B")
    exhibit: str = ""  # the kind of exhibit (a case study, a flow chart) the question asks about
    exhibited: tuple[str, ...] = ()  # the chunks of the one asked about, in order: others of its kind go last
    whole_exhibit: bool = False  # the first part asking about it: a flow chart is quoted box by box
    category: str = ""  # the kind a yes/no part asks whether something is: sentences defining it fit
    follows: bool = False  # refers back to the part before ("does it set a different limit…?")
    named: tuple[tuple[str, ...], ...] = ()  # the bodies the part names by acronym, with their spellings
    defined: tuple[str, ...] = ()  # the spellings of the term a "what is X?" asks about
    offered: tuple[str, ...] = ()  # the products the part offers as options: none named says so
    timed: bool = False  # asked in days, weeks…: a time stated counts as its quantity
    changes: bool = False  # asks about changes: a table of changes' lines answer it
    heading: str = ""  # the part asked as a question: its heading in a multi-part answer
    # a part answered from editions of its own (`Part.scope`): their documents, and their names
    doc_ids: tuple[str, ...] = ()
    editions: str = ""

    @cached_property
    def query_tokens(self) -> set[str]:
        return set(tokens(self.query))

    @cached_property
    def asked_tokens(self) -> set[str]:
        """The words support is measured on: a situation's details ("the chef asked her for her
        snapchat") say nothing of whether the guidance answers what is asked, unless the asked
        clause itself is too bare to judge ("What should I do?")."""
        own = set(tokens(self.asked))
        return own if len(own) >= ASKED_MIN_WORDS else self.query_tokens


def sentence_units(passages: list[Passage], carried: Callable[[Chunk], str] | None = None) -> list[Unit]:
    """Sentences of the passages; an introduction ending in ':' keeps its first bullets. A list item
    carries its lead-in's words, from the chunk before (`carried`) when the list opens its chunk."""
    units: list[Unit] = []
    for p in passages:
        spans = chunk_spans(p.chunk)
        lead = carried(p.chunk) if carried is not None else ""
        titled = directory_title(p.chunk)
        flags = item_flags(p.chunk, spans)
        for i, (start, end) in enumerate(spans):
            item = flags[i]
            start += len(LEADER.match(p.chunk.text, start, end).group(0))  # type: ignore[union-attr]
            text = p.chunk.text[start:end].strip()
            if not item:
                lead = text if text.endswith(":") else ""
            short = len(text) < 25 and not _leads_items(text, spans[i + 1 : i + 2], p.chunk.text)
            if short or re.fullmatch(r"\d{1,3}\.", text):
                continue
            if text.endswith(":"):
                tail = [e for _, e in spans[i + 1 : i + 5]]
                end = next((e for e in tail if e - start > 350), tail[-1] if tail else end)
            units.append(Unit(p.rank, p.chunk, start, end, lead if item else titled))
    return units


DIRECTORY_NAME = 60  # a directory entry's name and dash come this early in its line
DIRECTORY_SHARE = 0.3  # a chunk is a directory when at least this share of its lines open entries


def entry_lines(text: str) -> tuple[int, ...]:
    """Where each line that opens a directory entry ("Childnet – Offers…") starts in `text`."""
    return tuple(m.start() for m in re.finditer(r"^.+$", text, re.M)
                 if ENTRY.search(m.group(0)[:DIRECTORY_NAME]))


def directory_title(chunk: Chunk) -> str:
    """The heading of a chunk of directory entries ("Children with family members in prison" over
    "National Information Centre on Children of Offenders – Barnardo's…"): the entries name
    documents, the heading names their matter. "" for any other chunk."""
    lines = sum(bool(line.strip()) for line in chunk.text.splitlines())
    named = len(entry_lines(chunk.text))
    title = chunk.headings[-1] if chunk.headings else ""
    return title if title != FOOTNOTES and named and named >= DIRECTORY_SHARE * lines else ""


def _leads_items(text: str, after: list[tuple[int, int]], chunk_text: str) -> bool:
    """A short lead-in ("The conference chair:") whose list follows it in the chunk: with its items
    it is a unit, though alone it is too short to quote."""
    return text.endswith(":") and bool(after) and bool(BULLET.match(chunk_text, after[0][0]))


def coverage(ctx: AnswerContext, text: str | set[str], q: set[str] | None = None) -> float:
    """Share of the question's (or `q`'s) idf weight whose words appear in `text` (or its token set)."""
    q = ctx.query_tokens if q is None else q
    words = set(tokens(text)) if isinstance(text, str) else text
    # summed in sorted order: a set's order follows string hashing, and float sums its order
    total = sum(ctx.idf.get(t, 1.0) for t in sorted(q)) or 1.0
    return sum(ctx.idf.get(t, 1.0) for t in sorted(q & words)) / total


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


def blend(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """The direction between two unit query vectors: a query judged by both of its texts."""
    mean = first + second
    norm = float(np.linalg.norm(mean))
    return mean / norm if norm else first


def read_text(unit: Unit) -> str:
    """What a unit's meaning is scored on: a list item with its lead-in ("The core group should:
    meet within 10 working days…"), any other sentence as it is."""
    return f"{unit.lead} {unit.text}" if unit.lead else unit.text


DENSE_WEIGHT = 0.5  # a sentence's score: its meaning's similarity to the question's…
LEX_WEIGHT = 0.2  # …and the share of the question's words (idf-weighted) it holds


def score_units(embedder: Embedder | SentenceVectors, ctx: AnswerContext,
                units: list[Unit]) -> np.ndarray:
    if not units:
        return np.zeros(0)
    qv = ctx.sentence_query_vector if ctx.sentence_query_vector is not None else ctx.query_vector
    # a procedure's steps are judged by their own words (the steps bonus reads the lead-in)
    sims = embedder.embed([u.text if ctx.kind == "procedure" else read_text(u) for u in units]) @ qv
    lex = np.array([coverage(ctx, f"{u.lead} {u.text}") for u in units])
    prior = np.array([0.06 / (1 + u.passage_rank) for u in units])
    shape = ANSWER_SHAPES.get(ctx.shape or "")
    weight = VERDICT_FIT if ctx.shape == "yes-no" else SHAPE_FIT
    fit = np.array([weight if shape and shape.search(u.text) else 0.0 for u in units])
    form = np.array([_form_penalty(u.text, ctx.kind == "list") for u in units])
    if ctx.count:  # "the 4 Cs": the sentence that says "four areas of risk:"
        stated = count_pattern(ctx.count)
        fit += np.array([COUNT_FIT if stated.search(u.text) or _enumerates(u.text, ctx.count) else 0.0
                         for u in units])
    # the entry's opening sentence ("Safeguarding partners - A safeguarding partner … is defined as…")
    entry = np.array([ENTRY_FIT if opens_entry(u, ctx.entries) else 0.0 for u in units])
    # weights chosen by a coarse grid search on the golden set (see README, "Answer step")
    return DENSE_WEIGHT * sims + LEX_WEIGHT * lex + prior + fit + entry - form


def opens_entry(unit: Unit, entries: frozenset[tuple[str, int]]) -> bool:
    """The unit opens an entry: only blanks or a footnote's number lie between the two starts."""
    return any(cid == unit.chunk.chunk_id
               and not re.sub(r"\d", "", unit.chunk.text[min(at, unit.start):max(at, unit.start)]).strip()
               for cid, at in entries)


ITEM_LABEL = re.compile(r"(?:^|\s)\((?:[a-z]|[ivx]{1,4}|\d{1,2})\)\s", re.M)  # "(a) the local authority"


def _enumerates(text: str, count: int) -> bool:
    """The sentence names the set's members, labelled one by one: "(a) the local authority (b) an
    integrated care board … (c) the chief officer of police" for the three safeguarding partners."""
    return len(ITEM_LABEL.findall(text)) == count


def _form_penalty(text: str, listing: bool = False) -> float:
    """Headings and dangling introductions are poor quotes; so are long ones, unless a list is
    asked for and the quote is a lead-in with its items."""
    if text.endswith(":"):
        return 0.08
    if not re.search(r"[.!?;)”’\"]$", text) and len(text) < 150:
        return 0.08
    return 0.05 if len(text) > 400 and not (listing and re.search(r":\n", text)) else 0.0


def rerank(embedder: Embedder | SentenceVectors, ctx: AnswerContext, candidates: list[Passage],
           k: int, bonus: Callable[[Unit], float] | None = None, fuse: bool = False,
           carried: Callable[[Chunk], str] | None = None, kept: Sequence[str] = ()) -> list[Passage]:
    """Order candidates by their best sentence (with the answer plan's `bonus`, as it will order
    them), or with `fuse` by that order and the search's together (reciprocal-rank fusion: the
    best sentence alone is a noisy judge of a long situation); keep k, and the chunks `kept` names
    after them. Fills ctx.units and ctx.scores."""
    units = sentence_units(candidates, carried)
    scores = score_units(embedder, ctx, units)
    best: dict[str, float] = {}
    planned: dict[str, float] = {}
    for unit, score in zip(units, scores, strict=True):
        best[unit.chunk.chunk_id] = max(best.get(unit.chunk.chunk_id, -1.0), float(score))
        with_bonus = float(score) + (bonus(unit) if bonus else 0.0)
        planned[unit.chunk.chunk_id] = max(planned.get(unit.chunk.chunk_id, -1.0), with_bonus)
    ordered = sorted(candidates, key=lambda p: (-planned.get(p.chunk.chunk_id, -1.0), p.rank))
    if fuse:
        # a footnote is never a step: it takes a situation's passage place only after the text
        ordered = sorted(fused(candidates, ordered), key=lambda p: FOOTNOTES in p.chunk.headings)
    ordered = ordered[:k] + [p for p in ordered[k:] if p.chunk.chunk_id in kept]
    passages = [replace(p, rank=i, score=best.get(p.chunk.chunk_id, 0.0)) for i, p in enumerate(ordered)]
    keep = {p.chunk.chunk_id: p.rank for p in passages}
    pairs = [(replace(u, passage_rank=keep[u.chunk.chunk_id]), s)
             for u, s in zip(units, scores, strict=True) if u.chunk.chunk_id in keep]
    ctx.units = [u for u, _ in pairs]
    ctx.scores = np.array([s for _, s in pairs])
    return passages


def fused(searched: list[Passage], reranked: list[Passage], k: int = RRF_K) -> list[Passage]:
    """The passages by reciprocal-rank fusion of two orders of the same candidates (ties: the
    rerank's order)."""
    first = {p.chunk.chunk_id: i for i, p in enumerate(searched)}
    second = {p.chunk.chunk_id: i for i, p in enumerate(reranked)}
    return sorted(reranked, key=lambda p: (-(1 / (k + first[p.chunk.chunk_id] + 1)
                                             + 1 / (k + second[p.chunk.chunk_id] + 1)),
                                           second[p.chunk.chunk_id]))


FEATURES = ("best", "passage_coverage", "unit_coverage", "shape_missing", "rare_missing")


def support_features(ctx: AnswerContext, passages: list[Passage], whole: bool = False) -> dict[str, float]:
    """Signals that the passages really answer the question, for the calibrated abstention: by
    the asked words, or with `whole` by every word of the question, its situation's too."""
    if not len(ctx.scores) or not passages:
        return dict.fromkeys(FEATURES, 0.0)
    order = np.argsort(-ctx.scores, kind="stable")
    top = [ctx.units[int(i)] for i in order[:3]]
    # a verdict word is no sign of support: only a missing quantity, date or phone number counts
    shape = (ANSWER_SHAPES.get(ctx.shape or "") if ctx.shape not in ("who", "who-many", "yes-no", "location",
                                                                    "pointer")
             else None)
    shape_missing = float(shape is not None and not any(shape.search(u.text) for u in top))
    q = ctx.query_tokens if whole else ctx.asked_tokens
    passage_words = [set(tokens(p.chunk.embed_text())) for p in passages]
    seen = set().union(*passage_words)
    # a rare word the passages lack: counted among the asked words only, never the situation's
    asked = set(tokens(ctx.asked)) if ctx.asked and not whole else q
    max_idf = max((ctx.idf.get(t, 0.0) for t in asked), default=1.0) or 1.0
    rare_missing = max((ctx.idf.get(t, 0.0) for t in asked - seen), default=0.0) / max_idf
    return {
        "best": float(ctx.scores[order[0]]),
        "passage_coverage": max(coverage(ctx, words, q) for words in passage_words),
        "unit_coverage": coverage(ctx, top[0].text, q),
        "shape_missing": shape_missing,
        "rare_missing": rare_missing,
    }


def support(ctx: AnswerContext, passages: list[Passage], weights: dict[str, float]) -> float:
    """The support probability, judged by the asked words or, when the asked clause leans on its
    situation ("…promise not to tell anyone. Can I agree to keep it secret?"), by the whole
    question: whichever view the passages answer better."""
    asked = support_probability(support_features(ctx, passages), weights)
    if not ctx.asked or ctx.asked_tokens == ctx.query_tokens:
        return asked
    return max(asked, support_probability(support_features(ctx, passages, whole=True), weights))


def support_probability(features: dict[str, float], weights: dict[str, float]) -> float:
    """Logistic model over the features; weights come from evals/calibrate.py."""
    z = weights.get("bias", 0.0) + sum(weights.get(k, 0.0) * v for k, v in features.items())
    return float(1.0 / (1.0 + np.exp(-z)))
