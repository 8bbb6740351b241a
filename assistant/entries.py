"""Glossary entries by their term: "Safeguarding partners - A safeguarding partner … is defined
… as: (a) …". A question that names a term the guidance defines in its glossary ("What are the
three safeguarding partners?", "What is county lines?") gets that entry among its candidates, even
when many other passages use the term. A footnote that defines a term ("40 Early help is a system
of support…", "36 The harm test is…") is an entry too."""

from __future__ import annotations

import re
from collections import defaultdict

from assistant.text import tokens
from ingest.records import Chunk
from ingest.segment import FOOTNOTES

GLOSSARY = re.compile(r"\bglossary\b", re.I)
ENTRY = re.compile(r"^\s*([A-Z][\w’'(),/ -]{1,80}?)\s+[-–]\s+\S")  # "County lines - As set out…"
LONGEST = 6  # the longest term, in words, looked for in a question
# "40 Early help is a system…", "36 The harm test is…": a footnote's number, a term, a defining verb
FOOTNOTE_TERM = re.compile(r"^[ \t]*\d{1,3}[ \t]+(?:The |A |An )?([A-Z][\w’'()/-]*(?: [\w’'()/-]+){0,5}?)"
                           r" (?:is|are|means|refers to) ", re.M)
NOT_TERMS = frozenset({"it", "this", "that", "these", "those", "there", "they", "what", "all", "each",
                       "as", "in", "if", "when", "where", "such", "some", "any", "schools", "you"})


class TermIndex:
    """The glossary entries of the indexed documents, keyed by their term's stemmed words."""

    def __init__(self, chunks: list[Chunk]) -> None:
        # a term's (chunk index, where its entry opens in the chunk's text)
        self._by_term: dict[tuple[str, ...], list[tuple[int, int]]] = defaultdict(list)
        for i, chunk in enumerate(chunks):
            m = ENTRY.match(chunk.text) if any(GLOSSARY.search(h) for h in chunk.headings) else None
            if m and (key := tuple(tokens(m.group(1)))):
                self._by_term[key].append((i, 0))
            if FOOTNOTES in chunk.headings:
                for n in FOOTNOTE_TERM.finditer(chunk.text):
                    if n.group(1).split()[0].lower() not in NOT_TERMS and (key := tuple(tokens(n.group(1)))):
                        self._by_term[key].append((i, n.start(1)))

    def __len__(self) -> int:
        return len(self._by_term)

    def find(self, asked: str) -> list[int]:
        """The chunks of the entries for the longest term the asked words name."""
        return list(dict.fromkeys(i for i, _ in self.openings(asked)))

    def openings(self, asked: str) -> list[tuple[int, int]]:
        """The entries (chunk index, where each opens) for the longest term the asked words name: a
        term of two or more words anywhere in them, or a one-word term that is all they name ("What
        is abuse?")."""
        words = tokens(asked)
        if len(words) == 1:
            return list(self._by_term.get((words[0],), []))
        for size in range(min(LONGEST, len(words)), 1, -1):
            for start in range(len(words) - size + 1):
                if found := self._by_term.get(tuple(words[start:start + size])):
                    return list(found)
        return []
