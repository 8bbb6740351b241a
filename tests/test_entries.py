"""Glossary entries found by the term a question names."""

from __future__ import annotations

from assistant.entries import TermIndex
from ingest.records import Chunk


def _chunk(n: int, text: str, headings: tuple[str, ...]) -> Chunk:
    return Chunk(f"c{n}", "working-together-2023", "WT", "working-together", "2023", 150 + n, 150 + n,
                 None, headings, text)


GLOSSARY = ("Appendix A: Glossary",)
CHUNKS = [
    _chunk(0, "Safeguarding partners - A safeguarding partner is defined as: (a) the local authority, "
              "(b) an integrated care board and (c) the chief officer of police.", GLOSSARY),
    _chunk(1, "County lines - A term used to describe gangs exporting illegal drugs.", GLOSSARY),
    _chunk(2, "Abuse - A form of maltreatment of a child.", GLOSSARY),
    _chunk(3, "Safeguarding partners - the body text of a chapter, not a glossary.", ("Chapter 2",)),
    _chunk(4, "They are likely to exploit children.", GLOSSARY),  # an entry's second chunk: no term
]


def test_an_entry_is_found_by_the_term_the_question_names() -> None:
    index = TermIndex(CHUNKS)
    assert len(index) == 3
    assert index.find("What are the three safeguarding partners?") == [0]  # stemmed, among other words
    assert index.find("What is county lines?") == [1]
    assert index.find("What is abuse?") == [2]  # a one-word term that is all the part names
    assert index.find("What should staff do about abuse at home?") == []  # …not a word among others
    assert index.find("Who chairs the partnership?") == []
