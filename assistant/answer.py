"""The answer step behind a small Generator interface; the default is extractive."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Protocol

import numpy as np

from assistant.cite import make_citation
from assistant.evidence import (
    BULLET,
    AnswerContext,
    SentenceVectors,
    Unit,
    score_units,
    sentence_units,
)
from assistant.evidence import support as support_of
from assistant.footrefs import footnote_numbers, strip_page_refs
from assistant.layout import fit_to_layout, page_part, trim_to_layout
from assistant.named import unnamed_options
from assistant.plans import (
    GENERAL_STEP_COUNT,
    LIST_CHARS,
    SENTENCE_CLOSE,
    STEPS,
    bare_title,
    begun_before,
    boxed_items,
    continuation,
    ends_in_item,
    entries,
    example,
    lead_in_before,
    leaned_on,
    numbered_heads,
    numbered_on,
    overlaps,
    plan,
    sentences,
    shape_gap,
    unused_term,
)
from assistant.records import Citation, Passage
from assistant.text import normalise
from assistant.understand.kinds import QUANTITIES
from corpus.manifest import Manifest
from ingest.embed import Embedder
from ingest.readers import strip_footnote_refs
from ingest.records import Chunk, Page
from ingest.segment import BULLET_CLASS, BULLET_MARKS, ITEM_MARK


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
    plan: list[tuple[str, list[Unit]]] = field(default_factory=list)  # (part, stretches chosen)
    timings: dict[str, float] = field(default_factory=dict)
    general: bool = False  # quotes the guidance's general steps for a situation it does not describe
    nearest: Unit | None = None  # a refusal for want of a quantity: the closest sentence, as context


class Generator(Protocol):
    """Writes the answer body; `on_token` (when given) receives the text so far as it streams."""

    name: str

    def generate(self, ctx: AnswerContext, passages: list[Passage],
                 on_token: Callable[[str], None] | None = None) -> Draft: ...


LINE_HYPHEN = re.compile(r"(?<=\w)-\n(?=[a-z])")  # a hyphenated word split at a line end
STRAY_COMMA = re.compile(r"(?<=[.!?])\s+,(?=\s|$)")  # a comma the source leaves after a sentence's end
CONTEXT_QUOTES = 1  # a multi-part question's part: one more sentence of a passage it quotes (dev: 2 gave
# +2 more, precision 0.390 -> 0.380)
NUMBERED_CHUNKS = 4  # the most further chunks a numbered list is followed into
QUOTED_AGAIN = 0.1  # a later part's score lost by a sentence an earlier part quoted
FOLLOWING_BONUS = 0.05  # a later part's score gained by the sentence after one an earlier part quoted
TOLD_STEPS = ("The guidance's general steps when a child tells you something worrying come first, then "
              "what it says about this situation:")
SAME_WORDS = "(the same words as [{}])"  # another page's or document's words, quoted above
ONLY_ABOVE = re.compile(r"(?:\d+\. )?\(the passages? quoted above\)(?: \[\d+\])+")  # a line that only points
MIN_SHOWN = 30  # characters: shorter stretches ("• the police") may well be said twice
ABOVE = ("(the passage quoted above)", "(the passages quoted above)")  # a pointer to one, or to several
GENERAL_STEPS = ("The guidance does not speak to this situation directly. Its general steps when you "
                 "are worried about a child:")
NEXT_ITEM = re.compile(rf"\n\s*{BULLET_CLASS}\s")  # a list item left out when a quote is cut
ITEM_LINES = 4  # a list item at the foot of a page wraps onto at most this many lines
SHAPE_WORDS = {"duration": "a time limit", "hours": "a number of hours", "number": "a number or limit",
               "money": "an amount", "percent": "a percentage", "phone": "a phone number",
               "opening": "opening hours", "age": "an age",
               "frequency": "a frequency"}
PRINTED = frozenset({"phone", "opening"})  # what the guidance gives as a fact, rather than sets


@dataclass
class PartAnswer:
    """What the plan found for one part of the question."""

    ctx: AnswerContext
    units: list[tuple[Unit, bool]]  # (stretch to quote, list cut for length)
    support: float
    gap: bool = False  # asks for a quantity no candidate states
    general: bool = False  # the guidance's general steps: the situation itself is not answered
    told: bool = False  # the general steps, then the situation's own


def _prefer_unquoted(part: AnswerContext, quoted: list[Unit]) -> None:
    """A later part of a question asks something else: sentences already quoted for an earlier
    part score lower, so its answer is the next best sentence rather than the same one again; the
    sentence printed right after one of them scores higher (the parts of one question often ask
    about one passage in turn)."""
    if not quoted:
        return
    again = np.array([any(overlaps(q, u) for q in quoted) for u in part.units])
    after = np.array([any(_just_after(q, u) for q in quoted) for u in part.units])
    part.scores = part.scores - QUOTED_AGAIN * again + FOLLOWING_BONUS * after


def _just_after(before: Unit, unit: Unit) -> bool:
    """`unit` starts where `before` ends, in the same chunk, with only blanks between."""
    return (unit.chunk.chunk_id == before.chunk.chunk_id and 0 <= unit.start - before.end <= 3
            and not unit.chunk.text[before.end:unit.start].strip())


PART_EXTRA = 1  # a part's quotes beyond part_quotes, when no later part would take them


class ExtractiveGenerator:
    """Quotes the guidance by an answer plan for each part; abstains below a calibrated score."""

    name = "extractive"

    def __init__(self, embedder: Embedder | SentenceVectors, manifest: Manifest, threshold: float,
                 weights: dict[str, float], max_quotes: int = 2, quote_ratio: float = 0.9,
                 pages: Callable[[str], list[Page]] | None = None, part_quotes: int = 2,
                 following: Callable[[Chunk], Chunk | None] | None = None,
                 procedure_threshold: float | None = None,
                 preceding: Callable[[Chunk], Chunk | None] | None = None,
                 boxes: Callable[[Chunk], list[Chunk]] | None = None,
                 sibling_threshold: float | None = None, quantity_threshold: float | None = None,
                 list_threshold: float | None = None, procedure_match: float = 0.0,
                 list_quotes: int | None = None) -> None:
        self.embedder = embedder
        self.manifest = manifest
        self.threshold = threshold
        # a situation's "what should I do": its own passages, unless the general steps serve better
        self.procedure_threshold = threshold if procedure_threshold is None else procedure_threshold
        self.procedure_match = procedure_match  # …or its own sentences match it this poorly
        # a part of a question whose other part is answered: the question is about the guidance
        self.sibling_threshold = threshold if sibling_threshold is None else sibling_threshold
        # a part asking for a quantity: the guidance states one or it does not (near misses abound)
        self.quantity_threshold = threshold if quantity_threshold is None else quantity_threshold
        # a part asking for a list: its short items match the question less closely than a sentence
        self.list_threshold = threshold if list_threshold is None else list_threshold
        self.weights = weights
        self.max_quotes = max_quotes
        self.part_quotes = part_quotes
        self.list_quotes = max_quotes if list_quotes is None else list_quotes  # a list asked on its own
        self.quote_ratio = quote_ratio
        self.pages = pages  # the page store by doc id: quotes are cut at layout boundaries
        self.following = following  # the next chunk of a document: lists split between chunks
        self.preceding = preceding  # the chunk before: the lead-in of a list that opens a chunk
        self.boxes = boxes  # a chunk's page's footnotes and boxes: a lead-in's items printed apart

    def answer_parts(self, ctx: AnswerContext, passages: list[Passage]) -> list[PartAnswer]:
        """Score each part's sentences and run its plan (no model call). A part of a question
        whose other part passes the threshold needs only the sibling threshold."""
        parts = ctx.parts or [ctx]
        supports = [self._support(part, part.passages or passages) for part in parts]
        answered = len(parts) > 1 and any(
            p.units and s >= self._needed(p) for p, s in zip(parts, supports, strict=True))
        found: list[PartAnswer] = []
        for n, (part, support) in enumerate(zip(parts, supports, strict=True)):
            needed = self._needed(part, answered)
            before = found[-1] if part.follows and found else None  # the part this one leans on
            if before is not None and (not before.units or before.gap):
                # "…is it 18? - and does it set a different limit for ASYE workers?": what "it" is was
                # not found, so the guidance is unlikely to say more about it
                needed = max(needed, self.quantity_threshold)
            if not part.units or support < needed or self._unmatched(part):
                found.append(self._general(part) or PartAnswer(part, [], support))
            elif shape_gap(part) or unused_term(part) or unnamed_options(part) or (
                    before is not None and before.gap):
                # "How many staff must be trained to use an EpiPen, and how often does that training
                # need refreshing?": what "that training" is the guidance does not set either
                found.append(PartAnswer(part, [], support, gap=True))
            else:  # up to part_quotes for each part of a multi-part question; one part: _most
                most = self.part_quotes if ctx.parts else self._most(part)
                quoted = [u for f in found for u, _ in f.units]
                _prefer_unquoted(part, quoted)
                context = CONTEXT_QUOTES if ctx.parts else 0
                chosen = self._fresh(part, most, quoted, context)
                if ctx.parts and PART_EXTRA:
                    chosen = self._more(part, parts[n + 1:], chosen, quoted, context)
                found.append(self._after_general(part, chosen, support))
        return found

    def _more(self, part: AnswerContext, later: list[AnswerContext], chosen: list[tuple[Unit, bool]],
              quoted: list[Unit], context: int) -> list[tuple[Unit, bool]]:
        """PART_EXTRA more quotes for a part, unless a later part would quote one of them itself:
        an earlier part never takes what a later part asks about."""
        more = self._fresh(part, self.part_quotes + PART_EXTRA, quoted, context)
        extra = [u for u, _ in more if not any(overlaps(u, c) for c, _ in chosen)]
        if not extra:
            return chosen
        sofar = quoted + [u for u, _ in chosen]
        theirs = [u for p in later if p.units for u in self._would_quote(p, sofar)]
        return chosen if any(overlaps(u, t) for u in extra for t in theirs) else more

    def _would_quote(self, part: AnswerContext, quoted: list[Unit]) -> list[Unit]:
        """What a later part would quote after `quoted` (on a copy: the part itself is untouched)."""
        trial = copy.copy(part)
        _prefer_unquoted(trial, quoted)
        return [u for u, _ in self._fresh(trial, self.part_quotes, quoted)]

    def _most(self, part: AnswerContext) -> int:
        """The most quotes for a question asked as one part: a list may take more than a fact."""
        return self.list_quotes if part.kind == "list" else self.max_quotes

    def _fresh(self, part: AnswerContext, most: int, quoted: list[Unit],
               context: int = 0) -> list[tuple[Unit, bool]]:
        """Up to `most` new quotes for the part: a passage an earlier part quoted is referred to
        ("the passage quoted above"), not quoted again, so it takes no place."""
        chosen = self._on_the_page(part, most, context=context)
        again = sum(any(overlaps(u, q) for q in quoted) for u, _ in chosen)
        return self._on_the_page(part, most + again, fitted=True, context=context) if again else chosen

    def _support(self, part: AnswerContext, mine: list[Passage]) -> float:
        if not part.units:
            part.units = sentence_units(mine)
            part.scores = score_units(self.embedder, part, part.units)
        return support_of(part, mine, self.weights)

    def _unmatched(self, part: AnswerContext) -> bool:
        """A situation's "what should I do" whose own best sentence matches it more weakly than a
        threshold: its passages are about something else, so the general steps serve, unless they
        match it worse still (no child is at risk: "what do I need to sort out for the placements?").
        After a child told of harm the general steps come first either way."""
        own = float(np.max(part.scores, initial=0.0))
        if part.general is None or own >= self.procedure_match:
            return False
        if part.told or not part.general.units:
            return True
        theirs = score_units(self.embedder, part, part.general.units)  # judged by the part's question
        return float(np.max(theirs, initial=0.0)) > own

    def _needed(self, part: AnswerContext, sibling: bool = False) -> float:
        """The support a part needs: a situation's "what should I do" has its own threshold (below
        it, the general steps); a part asking for a quantity needs more, unless another part of its
        question is answered (`sibling`: the question is about the guidance); a list part needs less."""
        if part.general is not None:
            return self.procedure_threshold
        if asks_quantity(part):
            return self.sibling_threshold if sibling else self.quantity_threshold
        base = self.list_threshold if part.kind == "list" else self.threshold
        return min(self.sibling_threshold, base) if sibling else base

    def _general(self, part: AnswerContext) -> PartAnswer | None:
        """"What should I do?" about a situation the guidance does not speak to: its general
        steps for acting on a concern, when they are supported."""
        general = part.general
        if general is None or not general.passages or not general.units:
            return None
        support = support_of(general, general.passages, self.weights)
        if support < self.threshold:
            return None
        return PartAnswer(part, self._on_the_page(general, self.max_quotes, GENERAL_STEP_COUNT), support,
                          general=True)

    def _after_general(self, part: AnswerContext, own: list[tuple[Unit, bool]], support: float) -> PartAnswer:
        """A child told of harm: the guidance's general steps on a concern (act at once, tell the
        DSL, refer) come first, then the situation's own steps, without case-study stories."""
        first = self._general(part) if part.told else None
        if first is None:
            return PartAnswer(part, own, support)
        rest = [(u, cut) for u, cut in own
                if not example(u.chunk) and not any(overlaps(u, g) for g, _ in first.units)]
        return PartAnswer(part, first.units + rest, support, told=True)

    def _on_the_page(self, part: AnswerContext, most: int, steps: int = STEPS,
                     fitted: bool = False, context: int = 0) -> list[tuple[Unit, bool]]:
        """The plan over sentences a reader can find on the printed page; each stretch it
        chose (whole lists, a sentence with the one before) cut at layout boundaries too.
        `fitted`: the part's sentences were already cut to the page by an earlier call."""
        if self.pages is None:
            return plan(part, most, self.quote_ratio, steps, self.following, self.preceding, context)
        if not fitted:
            part.units, part.scores = fit_to_layout(part.units, part.scores, self.pages)
        chosen: list[tuple[Unit, bool]] = []
        for whole, cut in plan(part, most, self.quote_ratio, steps, self.following, self.preceding, context):
            for unit in self._carried_on(whole, part):  # a quote a page, a list on into the next chunk
                if any(overlaps(unit, c) for c, _ in chosen):
                    continue
                spans = self._fit(unit)
                for n, (start, end) in enumerate(spans):  # a piece left out in between cuts the list
                    upto = spans[n + 1][0] if n + 1 < len(spans) else unit.end
                    shortened = end < upto and NEXT_ITEM.search(unit.chunk.text, end, upto)
                    piece = self._whole_start(replace(unit, start=start, end=end), chosen)
                    if piece is not None and not bare_title(piece):
                        chosen.append((piece, bool(cut or shortened)))
        return chosen

    def _whole_start(self, piece: Unit, chosen: list[tuple[Unit, bool]]) -> Unit | None:
        """A piece that opens its chunk mid-sentence ("guidance” on interviewing…") whose start
        is not quoted just before it begins at its next sentence; None when it has none."""
        if (piece.chunk.text[:piece.start].strip() or not piece.text[:1].islower()
                or re.match(ITEM_MARK, piece.text)):  # "d. Where a special guardianship order…"
            return piece
        if chosen and self._runs_on(chosen[-1][0], piece):
            return piece
        sents = sentences(piece.chunk)
        nxt = next((s.opening for s in sents if piece.start < s.opening < piece.end), piece.end)
        # an unpunctuated sentence end: a line that opens with a capital ("…investigation\nAll
        # involved practitioners should:")
        line = [m.start() + 1 for m in re.finditer(r"\n(?=[A-Z])", piece.chunk.text[:nxt])
                if m.start() > piece.start]
        start = line[-1] if line else nxt
        return None if start >= piece.end else replace(piece, start=start)

    def _carried_on(self, whole: Unit, part: AnswerContext) -> list[Unit]:
        """The stretch as quotes: split where it turns a page, and with what carries it on at
        the start of the next chunk (a list or a definition split between chunks)."""
        if part.kind == "list" and self.following and (heads := numbered_heads(whole, self.following)):
            return [piece for head in heads for piece in page_pieces(head)]  # its items' opening lines
        if whole.alone:
            return page_pieces(whole)
        more: list[Unit] = []
        last = whole
        # a numbered list runs on chunk by chunk, within the length a list is quoted to
        while self.following and len(more) < NUMBERED_CHUNKS and sum(
                u.end - u.start for u in (whole, *more)) < LIST_CHARS:
            nxt = self.following(last.chunk)
            found = continuation(last, nxt, part.kind, part.query_tokens)
            if found is None:
                break
            more.append(found)
            bulleted = part.kind == "list" and ends_in_item(found)  # a list asked for, bulleted too
            if nxt is None or not (numbered_on(last, nxt) or bulleted):
                break
            last = found
        if not more and self.boxes and (boxed := boxed_items(whole, self.boxes)):
            more.append(boxed)  # the lead-in's items are printed in a box
        preceding = self.preceding(whole.chunk) if self.preceding else None
        before = (lead_in_before(whole, preceding) or leaned_on(whole, preceding)
                  or begun_before(whole, preceding))
        return ((page_pieces(before) if before else []) + page_pieces(whole)
                + [piece for m in more for piece in page_pieces(m)])

    def _fit(self, unit: Unit) -> list[tuple[int, int]]:
        """The stretch as pieces that are each contiguous on the printed page: its longest prefix
        that is, then the same from the next sentence (or item) start after it, and so on. A
        sentence that runs onto the next page mid-sentence is quoted as its part on each page; one
        that runs into a box is cut, or left out."""
        pages = self.pages(unit.chunk.doc_id) if self.pages else []
        starts = [s.opening for s in sentences(unit.chunk) if unit.start < s.opening < unit.end]
        spans: list[tuple[int, int]] = []
        at: int | None = unit.start
        while at is not None:
            span = trim_to_layout(unit.chunk, at, unit.end, pages)
            cut = span is None or span[1] < unit.end
            turn = _page_turn(unit, at, span[1] if span else at, starts, pages) if cut else None
            if turn is not None:  # a sentence that runs onto the next page: quoted page by page
                spans.append((at, turn[0]))
                at = turn[1]
                continue
            if span is not None:
                spans.append(span)
            done = span[1] if span is not None else at + 1
            at = next((s for s in starts if s >= done), None)
        return spans

    def generate(self, ctx: AnswerContext, passages: list[Passage],
                 on_token: Callable[[str], None] | None = None) -> Draft:
        found = self.answer_parts(ctx, passages)
        support = max(f.support for f in found)
        if not any(f.units for f in found):
            gaps = [f for f in found if f.gap]
            gap = gaps[0].ctx if len(found) == 1 and gaps else None
            reason = gap_reason(gap) if gap else "no passage in scope supports an answer closely enough"
            # a quantity no passage states: the closest sentence is shown as context (not for a
            # term the guidance never uses: its closest sentence is about something else)
            nearest = _best_unit(gap) if gap and not unused_term(gap) else None
            return Draft("", [], support, abstained=True, reason=reason, nearest=nearest)
        cites: list[Citation] = []
        lines: list[str] = []
        notices: list[str] = []
        multi = len(found) > 1
        for f in found:
            if multi:
                lines.append(part_heading(f.ctx.heading or f.ctx.question, f.ctx.editions))
            if not f.units:
                lines.append(gap_reason(f.ctx) if f.gap else
                             "The guidance searched does not answer this part.")
                continue
            lines += self._lines(f, cites)
            if any(cut for _, cut in f.units):
                notices.append("A long list was quoted up to an item boundary; the source card "
                               "shows the whole list.")
        return Draft("\n".join(lines), cites, support, notices=notices,
                     plan=[(f.ctx.question, [u for u, _ in f.units]) for f in found],
                     general=any(f.general for f in found))

    def _lines(self, found: PartAnswer, cites: list[Citation]) -> list[str]:
        lines: list[str] = []
        steps = found.ctx.kind == "procedure" and len(found.units) > 1
        before: Unit | None = None
        repeated: list[int] = []  # markers of the passages an earlier part quoted, in a row
        head = ""  # the line's text before its pointer to them
        for unit, _ in found.units:
            same = _quoted_above(unit, cites)
            if same and repeated and lines:  # one pointer for passages quoted above in a row
                repeated += [] if same.marker in repeated else [same.marker]
                lines[-1] = f"{head}{ABOVE[len(repeated) > 1]} " + " ".join(f"[{m}]" for m in repeated)
            else:
                repeated = [same.marker] if same else []
                # quoted for an earlier part: point at it, don't repeat it
                quote = f"{ABOVE[False]} [{same.marker}]" if same else self._quote(unit, cites)
                if before is not None and lines and (turns_page(before, unit) or self._runs_on(before, unit)):
                    # one sentence, two pages or two chunks: one line
                    lines[-1] = _joined(lines[-1], quote)
                else:
                    lines.append(f"{len(lines) + 1}. {quote}" if steps else quote)
                head = lines[-1][:-len(quote)]
            before = unit
        if len(lines) == 1 and ONLY_ABOVE.fullmatch(lines[0]):  # all of it quoted above
            what = "the same passages" if len(repeated) > 1 else "the same passage"
            return [f"As for the part above: {'its general steps' if found.general else what} "
                    + " ".join(f"[{m}]" for m in repeated) + "."]
        if found.general:
            lines.insert(0, GENERAL_STEPS)
        elif found.told:
            lines.insert(0, TOLD_STEPS)
        elif steps:
            lines.insert(0, "The guidance's steps, in its order:")
        return lines

    def _quote(self, unit: Unit, cites: list[Citation]) -> str:
        """The unit quoted and cited (added to `cites`); words another page showed above are
        cited, not shown again. A stretch that opens with sentences of its page quoted above
        points at them and quotes the rest (so does one that ends with them)."""
        shown = _shown(unit, cites)
        above, unit, below = ("", unit, "") if shown else _trimmed(unit, cites)
        cite = make_citation(len(cites) + 1, unit.chunk, unit.start, unit.end,
                             self.manifest.doc(unit.chunk.doc_id))
        cites.append(cite)
        if shown:
            return f"{SAME_WORDS.format(shown.marker)} [{cite.marker}]"
        return f"{above}“{display(cite.quote, self._refs(cite))}” [{cite.marker}]{below}"

    def _runs_on(self, first: Unit, then: Unit) -> bool:
        """`then` opens the next chunk of the document and goes on with the sentence (or the list)
        `first` leaves unfinished at its chunk's end ("…guidance on using special" | "measures,
        where a…")."""
        return (self.following is not None and not first.chunk.text[first.end:].strip()
                and not then.chunk.text[:then.start].strip(f"{BULLET_MARKS} \t\n")  # an item's bullet
                and (then.text[:1].islower() or bool(re.match(ITEM_MARK, then.text)))  # not a new sentence
                and not SENTENCE_CLOSE.search(first.chunk.text[first.start:first.end])
                and (nxt := self.following(first.chunk)) is not None and nxt.chunk_id == then.chunk.chunk_id)

    def _refs(self, cite: Citation) -> frozenset[str]:
        """The footnote numbers printed on the cited pages."""
        if self.pages is None or cite.page is None:
            return frozenset()
        last = cite.page_end or cite.page
        return footnote_numbers(p for p in self.pages(cite.doc_id)
                                if p.number is not None and cite.page <= p.number <= last)


def _quoted_above(unit: Unit, cites: list[Citation]) -> Citation | None:
    """The citation of this very stretch, or of the same words on the same page (another chunk
    holding them), quoted for an earlier part; or None."""
    text = unit.chunk.text[unit.start:unit.end].strip()
    return next((c for c in cites if c.chunk_id == unit.chunk.chunk_id and c.quote == text), None) or (
        _shown(unit, _same_page(unit, cites)))


def _same_page(unit: Unit, cites: list[Citation]) -> list[Citation]:
    """The citations of the unit's document and page."""
    return [c for c in cites if c.doc_id == unit.chunk.doc_id and c.page == unit.chunk.page_start]


def _trimmed(unit: Unit, cites: list[Citation]) -> tuple[str, Unit, str]:
    """(pointer, stretch, pointer): the unit without the whole sentences at its start or end that
    a quote of its page showed above, each run pointed at ("MAPPA is not a statutory body…" [2],
    then "MAPPA is not a statutory body… Agencies retain…" reads "(the passage quoted above) [2]
    “Agencies retain…”"). Nothing is cut from a unit of one sentence."""
    page = _same_page(unit, cites)
    inside = [s for s in sentences(unit.chunk) if unit.start <= s.start and s.end <= unit.end]
    if len(inside) < 2 or not page:
        return "", unit, ""
    shown = [_shown(replace(unit, start=s.start, end=s.end), page) for s in inside]
    lead = next((i for i, c in enumerate(shown) if c is None), len(inside))
    if lead == len(inside):  # every sentence shown above, from several quotes
        lead = len(inside) - 1
    tail = len(inside)
    while tail - 1 > lead and shown[tail - 1] is not None:
        tail -= 1
    kept = replace(unit, start=inside[lead].start if lead else unit.start,
                   end=inside[tail - 1].end if tail < len(inside) else unit.end)
    return _pointer(shown[:lead], " "), kept, _pointer(shown[tail:], " ", before=True)


def _pointer(cites: list[Citation | None], space: str, before: bool = False) -> str:
    markers = list(dict.fromkeys(c.marker for c in cites if c is not None))
    if not markers:
        return ""
    text = f"{ABOVE[len(markers) > 1]} " + " ".join(f"[{m}]" for m in markers)
    return f"{space}{text}" if before else f"{text}{space}"


def _joined(line: str, quote: str) -> str:
    """A stretch run on from the line before: "(the same words as [1]) [2]" and "(the same words
    as [1]) [3]" read "(the same words as [1]) [2] [3]"."""
    pointer = quote[:quote.index(")") + 1] if quote.startswith(SAME_WORDS.split("[")[0]) else ""
    return f"{line} {quote[len(pointer):].strip()}" if pointer and pointer in line else f"{line} {quote}"


def _shown(unit: Unit, cites: list[Citation]) -> Citation | None:
    """The citation whose quote already shows every word of the unit, in order, or None."""
    words = _plain_words(unit.chunk.text[unit.start:unit.end])
    if len(words) <= MIN_SHOWN:
        return None
    return next((c for c in cites if words in _plain_words(c.quote)), None)


@lru_cache(maxsize=4096)  # each quote is read against every later stretch of the answer
def _plain_words(text: str) -> str:
    return f" {' '.join(re.findall(r'[a-z0-9]+', normalise(text).lower()))} "


def turns_page(first: Unit, then: Unit) -> bool:
    """`then` goes on with `first`'s sentence, or with the items of its lead-in, where it turns
    the page: one chunk, only the page break and spacing between them."""
    if first.chunk.chunk_id != then.chunk.chunk_id or not first.end <= then.start:
        return False
    return (not first.chunk.text[first.end:then.start].strip()
            and any(first.end <= b <= then.start for b in first.chunk.page_breaks)
            and not SENTENCE_CLOSE.search(first.chunk.text[first.start:first.end]))


def _page_turn(unit: Unit, at: int, done: int, starts: list[int],
               pages: list[Page]) -> tuple[int, int] | None:
    """(where the sentence from `at` stops on its page, where it goes on on the next) when it
    turns the page mid-sentence after `done` (where the check on its page cut it) and all of it
    up to the page's end is whole on the printed page; else None."""
    text = unit.chunk.text
    upto = next((s for s in starts if s > at), unit.end)
    turn = next((b for b in unit.chunk.page_breaks if done <= b < upto), None)
    if turn is None:
        return None
    begin = turn + len(text[turn:]) - len(text[turn:].lstrip())
    end = page_part(unit.chunk, at, turn, pages) if begin < upto else None
    return None if end is None else (end, begin)




def page_pieces(unit: Unit) -> list[Unit]:
    """The stretch split where it runs onto the next printed page at an item or sentence
    boundary, so each piece can be found on its own page; one piece when it does not."""
    text = unit.chunk.text
    cuts = [b for b in unit.chunk.page_breaks if unit.start < b < unit.end and _clean_turn(text, b)]
    bounds = [unit.start, *cuts, unit.end]
    return [replace(unit, start=a, end=b) for a, b in zip(bounds, bounds[1:], strict=False)
            if text[a:b].strip()]


def _clean_turn(text: str, at: int) -> bool:
    """The page turns between list items or sentences, not mid-sentence; or after a list's last
    item, unpunctuated as items often are, when a new block (a figure, a heading) opens the page."""
    after = text[at:].lstrip()
    before = text[:at].rstrip()
    ends = before.endswith((".", ";", ":", "?", "!")) or _in_item(before)
    return bool(BULLET.match(after) or (ends and after[:1].isupper()))


def _in_item(before: str) -> bool:
    """The text ends inside a bulleted list item (its line, or one of the lines it wraps onto)."""
    lines = before.split("\n")[-ITEM_LINES:]
    return any(NEXT_ITEM.match(f"\n{line}") for line in lines) and not before.endswith(",")


def asks_quantity(ctx: AnswerContext) -> bool:
    """The part asks for a number, a time limit, an amount…, or proposes a time ("is it 72 hours?")."""
    return ctx.shape in QUANTITIES or bool(ctx.unit)


def part_heading(heading: str, editions: str = "") -> str:
    """A multi-part answer's heading for one part (`Part.heading`, read by the analysis stage), in
    bold; then the editions it is answered from, when its parts name different ones."""
    return f"**{heading}**" + (f" ({editions})" if editions else "")


def _best_unit(ctx: AnswerContext) -> Unit | None:
    """The part's best-scoring sentence, or None."""
    return ctx.units[int(np.argmax(ctx.scores))] if ctx.units and len(ctx.scores) else None


def gap_reason(ctx: AnswerContext) -> str:
    """A part asking for a quantity that no passage states, or what a term no passage uses is."""
    if term := unused_term(ctx):
        return f"The guidance searched never mentions “{term}”."
    if names := unnamed_options(ctx):
        return f"The guidance searched names none of these: {', '.join(f'“{n}”' for n in names)}."
    what = SHAPE_WORDS.get(ctx.shape or "", "a time limit" if ctx.unit else "an answer")
    verb = "give" if ctx.shape in PRINTED else "set"  # a phone number is given, a time limit set
    return f"The guidance here does not {verb} {what} for this (“{ctx.question.strip()}”)."


def display(quote: str, refs: frozenset[str] = frozenset()) -> str:
    """A quote as shown: list items on their own lines, footnote numbers out (`refs`: those of
    the cited pages' footnotes), spaces tidied."""
    text = strip_page_refs(strip_footnote_refs(quote), refs)
    text = LINE_HYPHEN.sub("-", text)  # "multi-\nagency" broken at the line end reads "multi-agency"
    text = STRAY_COMMA.sub("", text)  # "…the specific role. 69 70 ," once its references are out
    pieces = [entry for piece in re.split(rf"\n(?=\s*{BULLET_CLASS}\s)", text) for entry in entries(piece)]
    lines = [" ".join(line.split()) for line in pieces]
    return "\n".join(line for line in lines if line)
