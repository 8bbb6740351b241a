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


def test_a_footnote_that_defines_a_term_is_an_entry_opening_at_its_term() -> None:
    import numpy as np

    from assistant.evidence import AnswerContext, Unit, score_units
    from ingest.segment import FOOTNOTES

    notes = _chunk(5, "39 See paragraph 12.\n40 Early help is a system of support which aims to support "
                      "children as soon as problems emerge.\n41 It is described in the guide.\n"
                      "42 The harm test is set out in the regulations.", (FOOTNOTES,))
    index = TermIndex([*CHUNKS, notes])
    at = notes.text.index("Early help")
    assert index.openings("What's the difference between early help and targeted early help?") == [(5, at)]
    assert index.openings("What is the harm test?") == [(5, notes.text.index("The harm test"))]
    assert index.find("What is it?") == []  # "41 It is…" defines nothing
    # the unit that opens at the footnote's number gets the entry's fit; the footnote before it not
    units = [Unit(0, notes, notes.text.index("40 Early"), notes.text.index("\n41")),
             Unit(0, notes, 0, notes.text.index("\n40"))]

    class Flat:
        def embed(self, texts: list[str]) -> np.ndarray:
            return np.ones((len(texts), 3)) / np.sqrt(3)

    ctx = AnswerContext("What is early help?", "early help", np.ones(3) / np.sqrt(3), kind="definition",
                        entries=frozenset({("c5", at)}))
    scores = score_units(Flat(), ctx, units)
    assert scores[0] > scores[1]
