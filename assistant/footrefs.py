"""Footnote reference numbers left in quoted text, taken out for display by the page's own
footnotes: "up to and including the age of 24193." reads "…the age of 24." when page 133 has a
footnote 193. The quote checked against the source keeps them (it is the page's text)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ingest.records import Page

_NOTE_NUMBER = re.compile(r"^\s*(\d{1,3})(?=\s|$)", re.M)
YEAR = re.compile(r"(?:19|20)\d\d")
# Nouns that take a number ("section 17", "paragraph 79"): a number after them is not a reference.
_NUMBERED = re.compile(r"\b(section|paragraphs?|paras?|chapter|pages?|part|annex|appendix|regulation|"
                       r"footnotes?|no|article|schedule|rule|step|age|aged|year|years|under|over|within|of|to|"
                       r"and|or|than|by)$", re.I)


def footnote_numbers(pages: Iterable[Page]) -> frozenset[str]:
    """The numbers of the footnotes printed on these pages."""
    return frozenset(m.group(1) for p in pages for m in _NOTE_NUMBER.finditer(p.footnotes))


def strip_page_refs(text: str, refs: frozenset[str]) -> str:
    """`text` without the references to `refs`: glued to a number or a word ("24193", "DPIA32",
    "so160161"), set apart mid-sentence ("Service 79 at"), or opening the text."""
    if not refs:
        return text
    alternatives = "|".join(sorted(refs, key=len, reverse=True))

    def glued(m: re.Match[str]) -> str:
        head, ref = m.group(1), m.group(2)
        if YEAR.fullmatch(head + ref) or (head.isdigit() and min(len(head), len(ref)) < 2):
            return m.group(0)
        return head

    # "so160161." (two references run together after a word), "24193", "DPIA32"
    # "(PDU)166", "‘upskirting’140": glued to a closing bracket or quote too
    run = rf"(?:{alternatives})+(?:,(?:{alternatives}))*"  # "154,155": a list of them too
    text = re.sub(rf"(\d+|[A-Z]{{2,}}|[a-z]{{2,}}|[)’”])({run})(?=[\s.,;:)]|$)", glued, text)

    def spaced(m: re.Match[str]) -> str:
        return m.group(0) if _NUMBERED.search(m.group(1)) else m.group(1)

    # "…a criminal offence 140)": set apart before a closing bracket too
    text = re.sub(rf"([A-Za-z]{{2,}}) (?:{alternatives})(?= [A-Za-z]|[ \t]*(?:\n|$)|\))", spaced, text)
    # "the Sexual Offences Act 2003 136 as described": after an Act's year
    text = re.sub(rf"(\bAct (?:19|20)\d\d) (?:{alternatives})(?= [a-z]|[,.;:)])", r"\1", text)
    # a run of them after a sentence's end, before the next sentence or item ("children). 62 63 Note")
    text = re.sub(rf"(?<=[.)])(?:[ \t]+(?:{alternatives}))+(?=\s*(?:[A-Z•,]|$))", "", text)
    return re.sub(rf"^(?:{alternatives})\s+(?=[A-Z])", "", text)
