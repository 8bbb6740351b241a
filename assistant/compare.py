"""Compare two full editions: align their paragraphs (even when renumbered) and diff the words."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from assistant.text import normalise
from ingest.records import Chunk, Page
from ingest.segment import FOOTNOTES

Kind = Literal["unchanged", "renumbered", "changed", "merged", "added", "removed"]
MATCH_FLOOR = 0.55  # below this word-overlap score two pieces are different text, not an edit
_BULLETS = re.compile(r"(?:^|\s)[•▪◦●o■\-]\s+")
_WORD = re.compile(r"\w+", re.UNICODE)


def normal_form(text: str) -> str:
    """What two printings of the same words have in common: no bullets, quote styles or spacing."""
    return " ".join(_BULLETS.sub(" ", normalise(text)).split())


@dataclass(frozen=True)
class Piece:
    """A numbered paragraph (all its chunks) or one unnumbered chunk of an edition."""

    key: str
    chunks: tuple[Chunk, ...]
    text: str
    order: int

    @property
    def paragraph(self) -> str | None:
        return self.chunks[0].paragraph

    @property
    def page(self) -> int | None:
        return self.chunks[0].page_start

    @property
    def page_end(self) -> int | None:
        return self.chunks[-1].page_end

    @property
    def section(self) -> str:
        return self.chunks[0].section

    def where(self) -> str:
        pages = f"p.{self.page}" if self.page_end in (None, self.page) else f"pp.{self.page}–{self.page_end}"
        label = f"para {self.paragraph}" if self.paragraph else f"“{self.section}”"
        return f"{label}, {pages}"

    def as_json(self) -> dict[str, Any]:
        return {"doc_id": self.chunks[0].doc_id, "edition": self.chunks[0].edition,
                "paragraph": self.paragraph, "page": self.page, "page_end": self.page_end,
                "section": self.section, "chunk_ids": [c.chunk_id for c in self.chunks]}


@dataclass(frozen=True)
class Change:
    kind: Kind
    old: Piece | None
    new: Piece | None
    similarity: float = 1.0
    diff: tuple[tuple[str, str], ...] = ()  # ("equal" | "delete" | "insert", words)
    stray: frozenset[int] = frozenset()  # diff ops that are footnote text the PDF glued into the body

    @property
    def minor(self) -> bool:
        """Only punctuation, spacing, cross-reference numbers or stray footnote text differ."""
        return self.kind == "changed" and all(
            k in self.stray or _cosmetic(self.diff, k) for k, (op, _) in enumerate(self.diff)
            if op != "equal")

    @property
    def shown(self) -> tuple[tuple[str, str], ...]:
        """The diff as a reader should see it: a cosmetic edit (punctuation, a footnote or
        cross-reference number) reads as the new printing's words, unmarked, and footnote text
        the extraction glued into the body is left out; equal runs that meet are joined."""
        out: list[tuple[str, str]] = []
        for k, (op, words) in enumerate(self.diff):
            if op != "equal" and k in self.stray:
                continue
            if op != "equal" and _cosmetic(self.diff, k):
                if op == "delete":
                    continue
                op = "equal"
            if out and op == "equal" == out[-1][0]:
                out[-1] = ("equal", f"{out[-1][1]} {words}")
            else:
                out.append((op, words))
        return tuple(out)

    @property
    def removed_words(self) -> str:
        return " … ".join(t for op, t in self.diff if op == "delete")

    @property
    def added_words(self) -> str:
        return " … ".join(t for op, t in self.diff if op == "insert")

    def inline(self, context: int = 6, limit: int | None = None) -> str:
        """The word diff as text: [-old words-] {+new words+} with a few words of context.

        With `limit`, long edits are shortened inside their brackets and the rest is cut at a
        boundary, so no bracket is ever left open."""
        out: list[str] = []
        shown = self.shown
        for i, (op, words) in enumerate(shown):
            if limit and sum(len(o) + 1 for o in out) > limit:
                out.append("…")
                break
            if limit and op != "equal" and len(words) > limit // 2:
                words = words[: limit // 2].rsplit(" ", 1)[0] + " …"
            if op == "delete":
                out.append(f"[-{words}-]")
            elif op == "insert":
                out.append(f"{{+{words}+}}")
            else:
                out.append(shorten_equal(words, context, i > 0, i < len(shown) - 1))
        return " ".join(out)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "old": self.old.as_json() if self.old else None,
            "new": self.new.as_json() if self.new else None,
            "similarity": round(self.similarity, 3),
        }
        if self.kind == "changed":
            data["minor"] = self.minor
            data["diff"] = [{"op": op, "text": t} for op, t in self.diff if op != "equal"]
            data["inline"] = self.inline()
        return data


@dataclass
class Comparison:
    series: str
    old_edition: str
    new_edition: str
    old_doc: str
    new_doc: str
    changes: list[Change] = field(default_factory=list)

    def of_kind(self, *kinds: Kind) -> list[Change]:
        return [c for c in self.changes if c.kind in kinds]

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for c in self.changes:
            counts[c.kind] += 1
        return dict(counts)

    def for_old_paragraph(self, number: str) -> Change | None:
        return next((c for c in self.changes if c.old and c.old.paragraph == number), None)

    def for_new_paragraph(self, number: str) -> Change | None:
        return next((c for c in self.changes if c.new and c.new.paragraph == number), None)

    def for_chunk(self, chunk_id: str) -> Change | None:
        return next((c for c in self.changes
                     if c.old and any(ch.chunk_id == chunk_id for ch in c.old.chunks)), None)


def pieces(chunks: Iterable[Chunk], pages: Iterable[Page] = ()) -> list[Piece]:
    """Numbered paragraphs joined across their parts; every other chunk on its own.

    The text is cleaned for comparison: no leading paragraph number, no footnote markers."""
    refs = footnote_numbers(pages)
    groups: dict[str, list[Chunk]] = {}
    run = 0
    last: Chunk | None = None
    for chunk in chunks:
        if chunk.headings[-1:] == (FOOTNOTES,):
            continue  # footnotes float between pages; the paragraphs that cite them are compared
        if chunk.paragraph:
            key = f"para {chunk.paragraph}"
        else:  # a run of unnumbered chunks under one heading is one piece
            if last is None or last.paragraph or last.headings != chunk.headings:
                run += 1
            key = f"{chunk.section} #{run}"
        groups.setdefault(key, []).append(chunk)
        last = chunk
    out = []
    for order, (key, group) in enumerate(groups.items()):
        text = " ".join(c.text for c in group)
        if group[0].paragraph:
            text = LEADING_NUMBER.sub("", text, count=1)
        marks: set[str] = set()
        for c in group:
            for page in range((c.page_start or 0) - 1, (c.page_end or c.page_start or 0) + 2):
                marks |= refs.get(page, set())
        out.append(Piece(key, tuple(group), strip_markers(text, marks), order))
    return out


LEADING_NUMBER = re.compile(r"^\s*\d+\.\s*")
FOOTNOTE_LINE = re.compile(r"(?m)^(\d{1,3})\b")
ANCHOR = re.compile(r"(?<=[a-z.,;:)])\d{0,3}F\b")  # pypdf's footnote anchors: "schools0F", "sector.F"
XREF = {"paragraph", "paragraphs", "para", "paras", "page", "pages", "section", "annex", "part", "chapter"}
_GLUED = re.compile(r"(.*?[A-Za-z.,;:)’'\"])(\d{1,3})")
_GLUED_YEAR = re.compile(r"((?:19|20)\d\d)(\d{1,3})")


def footnote_numbers(pages: Iterable[Page]) -> dict[int, set[str]]:
    """Per printed page, the numbers of the footnotes printed at its foot."""
    return {p.number: set(FOOTNOTE_LINE.findall(p.footnotes)) for p in pages
            if p.number is not None and p.footnotes}


def strip_markers(text: str, marks: set[str]) -> str:
    """Drop footnote reference numbers (loose or glued to a word) that match footnotes on the page."""
    words = ANCHOR.sub("", text).split()
    out: list[str] = []
    for word in words:
        core = word.rstrip(".,;:)")
        trail = word[len(core):]
        prev = out[-1].lower().strip(".,;:(") if out else ""
        if core in marks and prev not in XREF:
            if out and trail:
                out[-1] += trail
            continue
        m = _GLUED.fullmatch(core) or _GLUED_YEAR.fullmatch(core)
        if m and m.group(2) in marks:
            word = m.group(1) + trail
        out.append(word)
    return " ".join(out)


def _words(text: str) -> list[str]:
    return normal_form(text).split()


def _overlap(a: set[str], b: set[str]) -> float:
    """Dice overlap, or most of the shorter text's share when one text grew around the other."""
    if not a or not b:
        return 0.0
    common = len(a & b)
    dice = 2 * common / (len(a) + len(b))
    return max(dice, 0.85 * common / min(len(a), len(b))) if min(len(a), len(b)) >= 8 else dice


def _containment(part: set[str], whole: set[str]) -> float:
    return len(part & whole) / len(part) if len(part) >= 5 else 0.0


def _key(text: str) -> str:
    return re.sub(r"[\W_]+", "", text).lower()


def _without_numbers(text: str) -> str:
    return " ".join(w for w in text.split() if not re.fullmatch(r"\d{1,3}[.,;:]?", w))


def _cosmetic(diff: tuple[tuple[str, str], ...], k: int) -> bool:
    op, text = diff[k]
    pair = diff[k + 1] if op == "delete" and k + 1 < len(diff) and diff[k + 1][0] == "insert" else \
        diff[k - 1] if op == "insert" and k > 0 and diff[k - 1][0] == "delete" else None
    other = pair[1] if pair else ""
    if _key(text) == _key(other):
        return True
    bare, other_bare = _without_numbers(text), _without_numbers(other)
    if (bare == text) != (other_bare == other) and _key(bare) == _key(other_bare):
        return True  # a footnote number on one side only ("home," -> "home 17,")
    before = next((t for o, t in reversed(diff[:k]) if o == "equal"), "")
    last_word = before.split()[-1].lower().strip("(") if before else ""
    if pair is None and re.fullmatch(r"\d{1,3}", text.strip(".,;:")) and last_word not in XREF:
        return True  # a lone footnote number the other printing lacks
    words = f"{text} {other}".split()
    numeric = all(re.fullmatch(r"[\d\-–,.;:()]+", w) or w.lower().strip("(") in XREF for w in words)
    return numeric and (last_word in XREF or any(w.lower().strip("(") in XREF for w in words))


def word_diff(old: str, new: str) -> tuple[tuple[str, str], ...]:
    a, b = _words(old), _words(new)
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("equal", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("delete", " ".join(a[i1:i2])))
        if j2 > j1:
            out.append(("insert", " ".join(b[j1:j2])))
    return tuple(out)


def align(old: list[Piece], new: list[Piece]) -> list[Change]:
    """Pair identical text first, then the closest remaining text above MATCH_FLOOR."""
    pairs: dict[int, tuple[int, float]] = {}  # old index -> (new index, similarity)
    by_text: dict[str, list[int]] = defaultdict(list)
    for j, piece in enumerate(new):
        by_text[normal_form(piece.text)].append(j)
    for i, piece in enumerate(old):
        if same := by_text.get(normal_form(piece.text)):
            pairs[i] = (same.pop(0), 1.0)
    taken = {j for j, _ in pairs.values()}
    left_old = [i for i in range(len(old)) if i not in pairs]
    left_new = [j for j in range(len(new)) if j not in taken]
    word_sets = {("o", i): {w.lower() for w in _WORD.findall(old[i].text)} for i in left_old}
    word_sets |= {("n", j): {w.lower() for w in _WORD.findall(new[j].text)} for j in left_new}
    scored = sorted(
        ((_overlap(word_sets["o", i], word_sets["n", j]) - 0.001 * abs(_rel(i, old) - _rel(j, new)), i, j)
         for i in left_old for j in left_new),
        reverse=True,
    )
    used_new: set[int] = set()
    for score, i, j in scored:
        if score < MATCH_FLOOR:
            break
        if i in pairs or j in used_new:
            continue
        pairs[i] = (j, score)
        used_new.add(j)
    return _changes(old, new, pairs)


def _rel(i: int, seq: list[Piece]) -> float:
    return i / max(len(seq), 1)


def _changes(old: list[Piece], new: list[Piece], pairs: dict[int, tuple[int, float]]) -> list[Change]:
    changes: list[tuple[float, Change]] = []
    matched_new = {j for j, _ in pairs.values()}
    for i, piece in enumerate(old):
        if i not in pairs:
            home = _merged_into(piece, new)
            kind_gone: Kind = "merged" if home else "removed"
            changes.append((_rel(i, old), Change(kind_gone, piece, home, 0.0)))
            continue
        j, score = pairs[i]
        other = new[j]
        if normal_form(piece.text) == normal_form(other.text):
            kind: Kind = "unchanged" if piece.paragraph == other.paragraph else "renumbered"
            changes.append((_rel(j, new), Change(kind, piece, other, 1.0)))
        else:
            diff = word_diff(piece.text, other.text)
            changes.append((_rel(j, new), Change("changed", piece, other, score, diff)))
    for j, piece in enumerate(new):
        if j not in matched_new:
            changes.append((_rel(j, new), Change("added", None, piece, 0.0)))
    return [c for _, c in sorted(changes, key=lambda t: t[0])]


def _merged_into(piece: Piece, new: list[Piece]) -> Piece | None:
    """The new piece that now holds (nearly) all the words of a piece with no partner."""
    words = {w.lower() for w in _WORD.findall(piece.text)}
    best = max(new, key=lambda p: _containment(words, {w.lower() for w in _WORD.findall(p.text)}),
               default=None)
    if best and _containment(words, {w.lower() for w in _WORD.findall(best.text)}) >= 0.9:
        return best
    return None


def compare_chunks(series: str, old_edition: str, new_edition: str, old_chunks: list[Chunk],
                   new_chunks: list[Chunk], old_pages: Iterable[Page] = (),
                   new_pages: Iterable[Page] = ()) -> Comparison:
    old_doc = old_chunks[0].doc_id if old_chunks else ""
    new_doc = new_chunks[0].doc_id if new_chunks else ""
    changes = align(pieces(old_chunks, old_pages), pieces(new_chunks, new_pages))
    notes = _footnote_words(" ".join(c.text for c in [*old_chunks, *new_chunks]
                                     if c.headings[-1:] == (FOOTNOTES,)))
    changes = [mark_stray(c, notes) for c in changes]
    return Comparison(series, old_edition, new_edition, old_doc, new_doc, changes)


def mark_stray(change: Change, footnotes: str) -> Change:
    """Flag edits whose words are footnote text (of either edition) that extraction put in the body."""
    def glued(text: str) -> bool:  # allow a word or two of body text before the footnote
        words = text.split()
        return len(words) >= 5 and any(
            (tail := _footnote_words(" ".join(words[skip:]))) and len(tail.split()) >= 4
            and tail in footnotes for skip in range(3))

    stray = frozenset(k for k, (op, text) in enumerate(change.diff) if op != "equal" and glued(text))
    return replace(change, stray=stray) if stray else change


def _footnote_words(text: str) -> str:
    """Words without footnote numbers, loose or glued on ("18An analysis…", "… 62 16-19 Academies")."""
    text = re.sub(r"(?<![\w.-])\d{1,3}(?:(?=[A-Z])|(?![\w.-]))", " ", text)
    return normal_form(text)


# --- the edition's own table of changes ---------------------------------------------------
TABLE_TITLE = re.compile(r"table of changes", re.I)
PARA_REF = re.compile(r"\bParas?\.?\s+(\d+)(?:\s*(?:-|–|and|&)\s*(\d+))?")


@dataclass(frozen=True)
class TableEntry:
    paragraphs: tuple[str, ...]
    text: str
    page: int | None


def change_table(pages: list[Page]) -> list[TableEntry]:
    """The paragraphs an edition's own 'table of changes' lists, with what it says of each."""
    start = next((k for k, p in enumerate(pages)
                  if TABLE_TITLE.search(p.text) and PARA_REF.search(p.text)), None)
    if start is None:
        return []
    entries: list[TableEntry] = []
    for page in pages[start:]:
        lines = page.text.splitlines()
        for n, line in enumerate(lines):
            for m in PARA_REF.finditer(line):
                first, last = int(m.group(1)), int(m.group(2) or m.group(1))
                if last < first or last - first > 10:
                    last = first
                nums = tuple(str(k) for k in range(first, last + 1))
                text = " ".join(" ".join(lines[n:n + 3]).split())
                entries.append(TableEntry(nums, text, page.number))
    return entries


def check_table(comparison: Comparison, table: list[TableEntry]) -> dict[str, Any]:
    """Which listed paragraphs the alignment also found changed, and which changes the table omits."""
    found = {c.new.paragraph for c in comparison.of_kind("changed", "added", "merged")
             if c.new and c.new.paragraph}
    major = {c.new.paragraph for c in comparison.of_kind("changed", "added", "merged")
             if c.new and c.new.paragraph and not c.minor}
    listed = {p for e in table for p in e.paragraphs}
    rows = [{"paragraphs": list(e.paragraphs), "page": e.page, "table_text": e.text,
             "detected": [p for p in e.paragraphs if p in found]} for e in table]
    return {
        "entries": rows,
        "listed": len(listed),
        "listed_and_detected": len(listed & found),
        "agreement": round(len(listed & found) / len(listed), 3) if listed else None,
        "substantive_not_listed": sorted(major - listed, key=int),
    }


def shorten_equal(words: str, context: int, keep_head: bool, keep_tail: bool) -> str:
    """An unchanged run of a word diff, cut to `context` words each side of an ellipsis when long
    (no head for the first run, no tail for the last)."""
    w = words.split()
    if len(w) <= 2 * context:
        return words
    head = w[:context] if keep_head else []
    tail = w[-context:] if keep_tail else []
    return " ".join([*head, "…", *tail]).strip()
