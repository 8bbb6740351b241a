"""An edition's own table of changes, read entry by entry: what a DSL asking "what changed in
KCSIE 2024 Part two?" needs when the older full text is not held, or when a part of the document
is named. Each entry is quoted from its chunk, with the table's section (Part two, Annex B) it
sits under."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from assistant.cite import make_citation, verify
from assistant.plans import CHANGE_TABLE
from assistant.records import Citation
from assistant.text import tokens
from corpus.manifest import Document
from ingest.records import Chunk, Page

SECTION = re.compile(r"^(Part (?:one|two|three|four|five|six)|Annex(?:es)? [A-H])\b(?!\s*[–-])", re.I)
HEADER = re.compile(r"^summary\b", re.I)  # the table's column header, repeated on each page
END = re.compile(r"^\s*©")  # the copyright notice after the table: the document's last page
ENTRY = re.compile(r"^(Page|Paragraphs?|Paras?)\s+\d", re.I)
# a reference alone on its line: the page column beside an entry's text ("Para 545 – Link added…" /
# "Page 140" / "supporting young people…"), not an entry of its own
BARE_REFERENCE = re.compile(r"^(Pages?|Paragraphs?|Paras?)\s+[\d\s,&–-]+$", re.I)
MAX_ENTRIES = 25  # a longer table is shown to this many entries, and the answer says so


@dataclass(frozen=True)
class TableEntry:
    """One entry of the table: its text in `chunk` from `start` to `end`, after `heading` when the
    parser read the entry's first line as the chunk's heading."""

    chunk: Chunk
    start: int
    end: int
    section: str
    heading: str = ""
    carried: bool = False  # the end of the entry before, carried over into this chunk

    @property
    def text(self) -> str:
        return f"{self.heading} {self.chunk.text[self.start:self.end]}".strip()


def table_chunks(chunks: Iterable[Chunk], doc_id: str) -> list[Chunk]:
    """The document's table-of-changes chunks, in reading order: from the first under the table's
    heading to the copyright notice (a cell the parser read as a heading does not end it)."""
    out: list[Chunk] = []
    for chunk in (c for c in chunks if c.doc_id == doc_id):
        if out and END.match(chunk.text):
            break
        if out or any(CHANGE_TABLE.search(h) for h in chunk.headings[:1]):
            out.append(chunk)
    return out


def table_entries(chunks: list[Chunk]) -> list[TableEntry]:
    """The entries ("Paragraph 92 Data Protection Act…", "Page 78 …"), each with the section line
    above it; a line that carries on an entry joins it (within its chunk). The parser may have
    read a section's or an entry's line as the chunk's heading: it counts as that line."""
    entries: list[TableEntry] = []
    section, seen_headings = "", set()
    for chunk in chunks:
        last = chunk.headings[-1] if not CHANGE_TABLE.search(chunk.headings[-1]) else ""
        fresh = last not in seen_headings
        seen_headings.add(last)
        open_entry = titled = False
        if fresh and SECTION.match(last):
            section = last
        elif fresh and last and not HEADER.match(last):  # a cell read as a heading
            entries.append(TableEntry(chunk, 0, 0, section, last))
            open_entry = True
        offset = 0
        for line in chunk.text.splitlines(keepends=True):
            start, end = offset, offset + len(line.rstrip())
            offset += len(line)
            text = line.strip()
            if HEADER.match(text):
                continue
            if SECTION.match(text):
                section, open_entry, titled = text, False, True
                continue
            if titled and text[:1].islower():  # the section's title goes on ("…about staff," / "including…")
                section = f"{section} {text}"
                continue
            titled = False
            if open_entry and BARE_REFERENCE.match(text):
                entries[-1] = replace(entries[-1], end=end)
            elif ENTRY.match(text) or (text and not open_entry and section):
                # a chunk opening mid-entry carries the entry before on ("…with SEN;" / "and deaf…")
                carried = not ENTRY.match(text) and bool(entries) and start == 0 and text[0].islower()
                entries.append(TableEntry(chunk, start, end, section, carried=carried))
                open_entry = True
            elif open_entry and text:
                entries[-1] = replace(entries[-1], end=end)
    return entries


def _under(heading: str, named: str) -> bool:
    """The table's section line is the named part ("Part two…"), an annex line naming its letter
    ("Annexes A, B, C, D and E" for "annex b"), or any annex line for "annex"."""
    heading = heading.lower()
    if named == "annex":
        return heading.startswith("annex")
    if named.startswith("annex") and heading.startswith("annex"):
        return named.split()[-1] in re.findall(r"\b([a-h])\b", heading.split(" ", 1)[-1])
    return heading.startswith(named)


def on_topic(entries: list[TableEntry], sections: tuple[str, ...], topic: str | None) -> list[TableEntry]:
    """The entries under the named sections, and under a section whose title the topic names
    ("safer recruitment"); else those sharing a word with the topic, most shared first; else all."""
    want = set(tokens(topic or ""))
    if sections:
        return [e for e in entries if any(_under(e.section, n) for n in sections) or _titled(e.section, want)]
    if not want:
        return entries
    shared = [(len(want & set(tokens(f"{e.section} {e.text}"))), n) for n, e in enumerate(entries)]
    return [entries[n] for k, n in sorted(shared, key=lambda s: (-s[0], s[1])) if k]  # most shared first


def _titled(section: str, want: set[str]) -> bool:
    """The topic names every word of the section's title ("Part three Safer recruitment")."""
    title = set(tokens(SECTION.sub("", section)))
    return bool(title) and title <= want


def table_citations(entries: list[TableEntry], doc: Document, pages: list[Page]) -> list[list[Citation]]:
    """The entries as verified citations numbered from 1, grouped by entry (a piece carried over
    into the next chunk joins its entry); a piece whose words are not found on its page is left
    out."""
    groups: list[list[Citation]] = []
    marker = 1
    for entry in entries:
        cite = make_citation(marker, entry.chunk, entry.start, entry.end, doc)
        if entry.heading:  # its words run on from the heading into the chunk's first lines
            page = entry.chunk.page_start
            cite = replace(cite, quote=entry.text, page=page, page_end=entry.chunk.page_at(entry.end),
                           paragraph=None)
        cite = verify(cite, pages)
        if not cite.verified:
            continue
        marker += 1
        if entry.carried and groups:
            groups[-1].append(cite)
        else:
            groups.append([cite])
    return groups


def entry_count(entries: list[TableEntry]) -> int:
    """How many entries, a piece carried over a page not counted again."""
    return sum(not e.carried for e in entries)


def table_body(groups: list[list[Citation]], total: int, label: str, sections: tuple[str, ...]) -> str:
    """The entries as numbered lines (an entry carried over a page joined to the one before), after
    a line naming the table and how much of it is shown."""
    names = ["the annexes" if n == "annex" else n.title() if n.startswith("annex") else n.capitalize()
             for n in sections]
    joined = " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else "".join(names)
    where = f" to {joined}" if joined else ""
    left = total - len(groups)  # past MAX_ENTRIES, or not found word for word on its page
    more = f" ({left} of them not quoted here: see the table itself)" if left > 0 else ""
    lines = [f"{label}'s own table of changes lists {total} change{'s' * (total != 1)}{where}{more}:"]
    lines += [f"{n}. " + " ".join(f"“{' '.join(c.quote.split())}” [{c.marker}]" for c in group)
              for n, group in enumerate(groups, start=1)]
    return "\n".join(lines)
