"""Turn cleaned pages into Chunk records: numbered paragraphs, or heading sections."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from itertools import pairwise

from corpus.manifest import Document
from ingest.records import Chunk, Page

PARA_START = re.compile(r"^(\d{1,3})\.\s+(?=\S)")
MAJOR = re.compile(
    r"^((Chapter \d+|Part (one|two|three|four|five|six|seven|\d+)|Annex [A-Z]|Appendix [A-Z])"
    r"(:|\s*$|\s+[-–])|(Foreword|Introduction|Glossary)\s*$)"
)
UNNUMBERED_MAJOR = re.compile(r"^(Annex|Appendix|Glossary)")
FOOTNOTES = "Footnotes and boxes"  # the heading a page's footnotes and boxes are chunked under
BULLET_MARKS = "•▶●◦▪-*–"  # the marks a bulleted list item opens with
BULLET_CLASS = f"[{re.escape(BULLET_MARKS)}]"
BULLET = re.compile(rf"^{BULLET_CLASS}\s*")
MD_HEADING = re.compile(r"^(#{1,6})\s+(.*\S)\s*$")
LETTERED = re.compile(r"^[A-Z]: [A-Z]")  # "B: Section 47 enquiries…": a lettered heading
LETTERED_HEADING_CHARS = 110
FLOW_CHART_TITLE = re.compile(r"^Flow ?chart \d+\b", re.I)  # "Flow chart 1: Action taken when…"
_NOTE_OPENS = r"(?=\d{1,3} [A-Z‘“\"(])"  # "161 Strengthening…": a footnote's number, then its text
FOOTNOTE_LINE = re.compile(rf"\n{_NOTE_OPENS}")  # among a page's footnotes: each note's own line
NOTE_AFTER_TEXT = re.compile(rf"(?<=[.?!”’)])\n{_NOTE_OPENS}")  # in the text: after a sentence's end
# in a glossary: a line that opens the next entry ("…emotional needs\nParent carer - A person…")
ENTRY_LINE = re.compile(r"\n(?=[A-Z][\w’'(),/ -]{1,60}?\s[–-]\s[A-Z])")
BOX_START = re.compile(r"\n(?=[A-Z])")  # a flow chart's next box, after a line that does not run on
ENTRY = re.compile(r"\w[’')]?\s[–-]\s[A-Z]")  # "Childnet – Offers a toolkit…": a directory's entry
WRAPS = re.compile(r"(\b(for|of|and|the|to|in|on|with|by|a|an|or|from|at)|[,(–-])$", re.I)
DIRECTORY_TITLE_CHARS = 80
SENTENCE_END = re.compile(r"[.:;?!]\s*[”’\"')]?$")
SENTENCE_SPLIT = re.compile(r"([.!?][”’\"')]?)(\s+)(?=[A-Z“‘\"(]|\d{1,3}\.\s)")
# a line opening with a numbered item ("1. All children…") starts a unit, unless the line before
# runs on into it ("…under the age of\n18. Such…": the number ends that sentence)
# a numbered list item's mark, its number captured: "1. All children…", "3) Practitioners empower…"
NUMBER_MARK = r"(\d{1,2})[.)]\s+(?=[A-Z(‘“])"
NUMBERED_LINE = re.compile(rf"\n(?={NUMBER_MARK})")
# "e.g. The…" ends no sentence, nor does "155. The…" where the number opens the span; "aged 18." does
NUMBER_ONLY = re.compile(r"(?:^|(?<=[\s(]))(?:e\.g|i\.e|etc|para|paras|No|cf)\.$")
LEADING_NUMBER = re.compile(r"\s*\d{1,3}\.")
# a list item's mark: a bullet, or a letter or roman numeral ("a.", "ii.", "(b)")
ITEM_MARK = rf"(?:{BULLET_CLASS}|(?:[a-z]|[ivx]{{1,4}})\.|\((?:[a-z]|[ivx]{{1,4}})\))\s"
LETTER_ONLY = re.compile(r"(?:[a-z]|[ivx]{1,4})\.")
# an unbulleted line that opens a new list after an item: "• should ensure all participants…
# independently" then "Lead practitioners should:"
LEAD_IN_LINE = re.compile(r"\n(?=[A-Z][^\n]*:[ \t]*(?:\n|$))")
BLOCK = re.compile(rf"[^\n]+(?:\n(?!{ITEM_MARK})[^\n]+)*")
ITEM_START = re.compile(ITEM_MARK)


@dataclass
class _Buffer:
    """Lines collected for the chunk being built, with the pages they came from."""

    lines: list[tuple[int | None, str]] = field(default_factory=list)

    def add(self, page: int | None, line: str) -> None:
        self.lines.append((page, line))

    def size(self) -> int:
        return sum(len(t) + 1 for _, t in self.lines)

    def take(self) -> list[tuple[int | None, str]]:
        out, self.lines = self.lines, []
        return out


def _is_heading(line: str, prev: str | None, nxt: str | None, numbered_region: bool,
                apart: bool = False) -> bool:
    if not (3 <= len(line) <= 110) or BULLET.match(line) or PARA_START.match(line):
        return False
    if MAJOR.match(line) and not line.endswith((".", ",", ";")):
        return True
    if apart and _directory_title(line, prev, nxt):
        return True
    if not _title_shaped(line, "“‘\"'"):
        return False
    if (numbered_region and nxt is not None and PARA_START.match(nxt) and len(line) < 75 and prev
            and (BULLET.match(prev) or prev[:1].islower()) and not WRAPS.search(prev)):
        return True  # after a list's last item ("…in institutional settings"), before "343. The…"
    if prev is not None and prev and not SENTENCE_END.search(prev):
        return False
    if nxt is None:
        return False
    if numbered_region and PARA_START.match(nxt):
        return True
    return len(line) < 75 and (nxt[:1].isupper() or bool(BULLET.match(nxt)))


def _title_shaped(line: str, openers: str) -> bool:
    """Opens with a capital (or one of `openers`) and ends with no sentence or list punctuation."""
    return (line[0].isupper() or line[0] in openers) and not line.endswith((".", ",", ";", ":", "-"))


def _lines(pages: list[Page], wrap: Callable[[str], list[str]]) -> list[tuple[int | None, str, bool]]:
    """The pages' non-blank lines, each (page, line, set apart by a blank line before it)."""
    out: list[tuple[int | None, str, bool]] = []
    for page in pages:
        apart = True
        for line in page.body.split("\n"):
            if not line.strip():
                apart = True
                continue
            out += [(page.number, piece, apart and not j) for j, piece in enumerate(wrap(line))]
            apart = False
    return out


def _directory_title(line: str, prev: str | None, nxt: str | None) -> bool:
    """A short title, set apart, over the entries of a resource directory ("Radicalisation"
    before "Prevent duty guidance – Home Office guidance"), after an entry that does not wrap
    onto it."""
    return (nxt is not None and bool(ENTRY.search(nxt)) and not ENTRY.search(line)
            and _title_shaped(line, "(“‘\"'")
            and len(line) <= DIRECTORY_TITLE_CHARS and prev is not None and not WRAPS.search(prev))


class Segmenter:
    """Segment one document's pages into chunks."""

    def __init__(self, doc: Document, max_chars: int, target_chars: int) -> None:
        self.doc = doc
        self.max_chars = max_chars
        self.target_chars = target_chars
        self.headings: list[str] = []
        self.paragraph: str | None = None
        self.last_number = 0
        self.numbered_region = False
        self.buf = _Buffer()
        self.chunks: list[Chunk] = []

    def run(self, pages: Iterable[Page]) -> list[Chunk]:
        pages = list(pages)
        stream = _lines(pages, self._wrap)
        for i, (page, line, apart) in enumerate(stream):
            prev = stream[i - 1][1] if i else None
            nxt = stream[i + 1][1] if i + 1 < len(stream) else None
            self._feed(page, line, prev, nxt, apart)
        self._flush()
        self.chunks = _with_leads(self.chunks)
        self._footnotes(pages)
        return self.chunks

    def _footnotes(self, pages: list[Page]) -> None:
        """Each page's footnote block becomes its own unnumbered chunk."""
        for page in pages:
            if page.footnotes:
                self.paragraph, self.headings = None, [FOOTNOTES]
                for line in page.footnotes.split("\n"):
                    self.buf.add(page.number, line)
                self._flush()

    def _wrap(self, line: str) -> list[str]:
        """Break an over-long line (briefings keep a paragraph per line) at sentence ends."""
        if len(line) <= self.target_chars:
            return [line]
        out, start = [], 0
        for m in SENTENCE_SPLIT.finditer(line):
            if m.start(2) - start >= self.target_chars // 2:
                out.append(line[start : m.start(2)])
                start = m.end()
        return [*out, line[start:]]

    def _feed(self, page: int | None, line: str, prev: str | None, nxt: str | None,
              apart: bool = False) -> None:
        if self._continues_heading(line, nxt):
            self.headings[-1] = f"{self.headings[-1]} {line}"
            return
        md = MD_HEADING.match(line)
        if md:
            self._heading(md.group(2).strip("*# "), level=min(len(md.group(1)), 2))
            return
        match = PARA_START.match(line)
        if match and self.doc.numbered_paragraphs and self._next_number(int(match.group(1))):
            self._flush()
            self.last_number = int(match.group(1))
            self.paragraph = match.group(1)
            self.numbered_region = True
            self.buf.add(page, line)
            return
        if self._lettered_heading(line, nxt) or _is_heading(
                line, prev, nxt, self.numbered_region and self.paragraph is not None, apart):
            self._heading(line, level=1 if MAJOR.match(line) else 2)
            return
        size = self.buf.size()
        if self.paragraph is None and self.buf.lines and self.buf.lines[-1][0] != page:
            self._flush()  # unnumbered text is chunked within pages
        elif self.paragraph is None and size >= self.target_chars and (
            prev is None or SENTENCE_END.search(prev) or (BULLET.match(line) and size >= self.max_chars)
        ):
            self._flush()
        self.buf.add(page, line)

    def _continues_heading(self, line: str, nxt: str | None) -> bool:
        """A heading wrapped onto a second short lower-case line."""
        return (
            bool(self.headings) and not self.buf.lines and line[:1].islower() and len(line) < 60
            and not SENTENCE_END.search(line) and nxt is not None and bool(PARA_START.match(nxt))
        )

    def _lettered_heading(self, line: str, nxt: str | None) -> bool:
        """A lettered heading over a list among numbered paragraphs ("B: Section 47 enquiries, child
        protection conferences and child protection plans" before "• Practitioners are aware…"),
        longer than other headings may be."""
        return (self.numbered_region and nxt is not None and bool(LETTERED.match(line))
                and bool(BULLET.match(nxt)) and len(line) <= LETTERED_HEADING_CHARS
                and _title_shaped(line, ""))

    def _next_number(self, number: int) -> bool:
        return self.last_number < number <= self.last_number + 3

    def _heading(self, text: str, level: int) -> None:
        self._flush()
        self.paragraph = None
        if UNNUMBERED_MAJOR.match(text):
            self.numbered_region = False
        self.headings = self.headings[: level - 1] + [text] if level > 1 else [text]
        if level > 1 and not self.headings[:-1]:
            self.headings = [text]

    def _flush(self) -> None:
        lines = self.buf.take()
        if not lines:
            return
        for part, piece in enumerate(self._split(lines)):
            self.chunks.append(self._make(piece, part))

    def _split(self, lines: list[tuple[int | None, str]]) -> list[list[tuple[int | None, str]]]:
        """Split at line ends that close a sentence once a piece passes max_chars."""
        pieces: list[list[tuple[int | None, str]]] = [[]]
        size = 0
        for i, (page, line) in enumerate(lines):
            pieces[-1].append((page, line))
            size += len(line) + 1
            at_bullet = i + 1 < len(lines) and BULLET.match(lines[i + 1][1])
            if size >= self.max_chars and (SENTENCE_END.search(line) or at_bullet):
                pieces.append([])
                size = 0
        if len(pieces) > 1 and sum(len(t) for _, t in pieces[-1]) < 200:
            pieces[-2].extend(pieces.pop())
        return [p for p in pieces if p]

    def _make(self, lines: list[tuple[int | None, str]], part: int) -> Chunk:
        text, breaks = "", []
        for i, (page, line) in enumerate(lines):
            if i and page != lines[i - 1][0]:
                breaks.append(len(text) + 1)
            text = f"{text}\n{line}" if text else line
        first, last = lines[0][0], lines[-1][0]
        return Chunk(
            chunk_id=Chunk.make_id(self.doc.id, len(self.chunks), first, self.paragraph, text),
            doc_id=self.doc.id,
            title=self.doc.title,
            series=self.doc.series,
            edition=self.doc.edition,
            page_start=first,
            page_end=last,
            paragraph=self.paragraph,
            headings=tuple(self.headings) or ((self.doc.title,) if not self.doc.paged else ()),
            text=text,
            page_breaks=tuple(breaks),
            part=part,
        )


LEAD_LINES = 40  # how far back through a list's items its lead-in is looked for
LEAD_WRAP = 3  # how many lines a lead-in sentence may wrap over


def _with_leads(chunks: list[Chunk]) -> list[Chunk]:
    """Each chunk that opens with a list item, with the lead-in of its list from the chunk before."""
    out = chunks[:1]
    for before, chunk in pairwise(chunks):
        lead = open_lead(before.text) if BULLET.match(chunk.text) else ""
        out.append(replace(chunk, lead=lead) if lead else chunk)
    return out


def open_lead(text: str) -> str:
    """The lead-in sentence of the list `text` ends in ("A local protocol should:" then its items),
    or "" when it ends in prose."""
    lines = text.rstrip().split("\n")
    for j in range(len(lines) - 1, max(len(lines) - 1 - LEAD_LINES, -1), -1):
        line = lines[j].strip()
        if line.endswith(":") and not BULLET.match(line):
            return _sentence_ending(lines[max(j - LEAD_WRAP, 0):j + 1])
        if not (BULLET.match(line) or line[:1].islower()):  # prose: no list runs to the end
            return ""
    return ""


def _sentence_ending(lines: list[str]) -> str:
    """The last sentence of the lines (which end with it), from its opening."""
    for k in range(len(lines) - 1, -1, -1):
        if (opens := list(SENTENCE_SPLIT.finditer(lines[k]))):
            return " ".join([lines[k][opens[-1].end():], *lines[k + 1:]]).strip()
        if k and (SENTENCE_END.search(lines[k - 1]) or BULLET.match(lines[k - 1])):
            return " ".join(lines[k:]).strip()
    return " ".join(lines).strip()


def segment(doc: Document, pages: list[Page], max_chars: int, target_chars: int) -> list[Chunk]:
    return Segmenter(doc, max_chars, target_chars).run(pages)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of sentence-like units; each bullet line starts a new unit."""
    spans: list[tuple[int, int]] = []
    for block_start, block_end in _item_blocks(text):
        start = block_start
        for m in SENTENCE_SPLIT.finditer(text, block_start, block_end):
            mark = LETTER_ONLY.fullmatch(text, start, m.end(1))
            if mark or LEADING_NUMBER.fullmatch(text, start, m.end(1)) or NUMBER_ONLY.search(
                    text, start, m.start(1) + 1):
                continue  # "155. The ...", "e.g. The" or an item's "a. The": not a sentence end
            spans.append((start, m.start(2)))
            start = m.end()
        spans.append((start, block_end))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def chart_box(chunk: Chunk) -> bool:
    """The chunk holds a flow chart's boxes: it opens with the chart's title, or is filed under it."""
    return chunk.paragraph is None and bool(
        FLOW_CHART_TITLE.match(chunk.text) or any(FLOW_CHART_TITLE.match(h) for h in chunk.headings[-1:]))


def chunk_spans(chunk: Chunk) -> list[tuple[int, int]]:
    """The chunk's sentence-like units: a flow chart's boxes, unpunctuated, each one too (a box
    opens a line with a capital after a line that does not run on into it); each footnote of a
    page's footnotes too ("…section 6.\n161 Strengthening Prisoners Family Ties…")."""
    spans, text = split_sentences(chunk.text), chunk.text
    if FOOTNOTES in chunk.headings:
        return _cut(text, spans, FOOTNOTE_LINE)
    if any("glossary" in h.lower() for h in chunk.headings[:1]):  # each entry a unit of its own
        spans = _cut(text, spans, ENTRY_LINE, _line_ended(text))
    if not chart_box(chunk):  # a footnote printed after the text it ends ("…circumstances.\n100 Where…")
        return _cut(text, spans, NOTE_AFTER_TEXT)
    return _cut(text, spans, BOX_START, _line_ended(text))


def _line_ended(text: str) -> Callable[[int], bool]:
    """Whether the line before a position does not run on into it ("…for", "…,")."""
    return lambda at: not WRAPS.search(text[text.rfind("\n", 0, at) + 1:at])


def _cut(text: str, spans: list[tuple[int, int]], at: re.Pattern[str],
         where: Callable[[int], bool] = lambda _: True) -> list[tuple[int, int]]:
    """The spans, each cut where `at` matches inside it (and `where` allows the match's start);
    the match itself (a line break) is left out."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        for m in at.finditer(text, start, end):
            if where(m.start()):
                out.append((start, m.start()))
                start = m.end()
        out.append((start, end))
    return [(s, e) for s, e in out if text[s:e].strip()]


def _item_blocks(text: str) -> list[tuple[int, int]]:
    """The blocks a text's units never cross: each bulleted or lettered item, each numbered item
    and each new list's lead-in whose line does not run on from the line before."""
    out: list[tuple[int, int]] = []
    for block in BLOCK.finditer(text):
        start = block.start()
        for m in _breaks(text, block.start(), block.end()):
            line = text[max(text.rfind("\n", start, m.start()) + 1, start):m.start()].rstrip()
            if line and not WRAPS.search(line):
                out.append((start, m.start()))
                start = m.end()
        out.append((start, block.end()))
    return out


def _breaks(text: str, start: int, end: int) -> list[re.Match[str]]:
    """Where a block's item ends early: a numbered line, or (in a bulleted item) a lead-in line
    of a new list."""
    found = list(NUMBERED_LINE.finditer(text, start, end))
    if ITEM_START.match(text, start, end):
        found += LEAD_IN_LINE.finditer(text, start, end)
    return sorted(found, key=lambda m: m.start())
