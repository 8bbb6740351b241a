"""Glossary entries by their term: "Safeguarding partners - A safeguarding partner … is defined
… as: (a) …". A question that names a term the guidance defines in its glossary ("What are the
three safeguarding partners?", "What is county lines?") gets that entry among its candidates, even
when many other passages use the term."""

from __future__ import annotations

import re
from collections import defaultdict

from assistant.text import tokens
from ingest.records import Chunk

GLOSSARY = re.compile(r"\bglossary\b", re.I)
ENTRY = re.compile(r"^\s*([A-Z][\w’'(),/ -]{1,80}?)\s+[-–]\s+\S")  # "County lines - As set out…"
LONGEST = 6  # the longest term, in words, looked for in a question


class TermIndex:
    """The glossary entries of the indexed documents, keyed by their term's stemmed words."""

    def __init__(self, chunks: list[Chunk]) -> None:
        self._by_term: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for i, chunk in enumerate(chunks):
            m = ENTRY.match(chunk.text) if any(GLOSSARY.search(h) for h in chunk.headings) else None
            if m and (key := tuple(tokens(m.group(1)))):
                self._by_term[key].append(i)

    def __len__(self) -> int:
        return len(self._by_term)

    def find(self, asked: str) -> list[int]:
        """The entries for the longest term the asked words name: a term of two or more words
        anywhere in them, or a one-word term that is all they name ("What is abuse?")."""
        words = tokens(asked)
        if len(words) == 1:
            return list(self._by_term.get((words[0],), []))
        for size in range(min(LONGEST, len(words)), 1, -1):
            for start in range(len(words) - size + 1):
                if found := self._by_term.get(tuple(words[start:start + size])):
                    return list(found)
        return []
