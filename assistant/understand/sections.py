"""The parts of a document a question names ("Annex B", "Part one", "chapter 3", "the glossary",
"a footnote"): its answer is looked for there first."""

from __future__ import annotations

import re

_NUMBER_WORDS = "one|two|three|four|five|six|seven|eight|nine|ten"
NAMED = re.compile(rf"\b(part (?:{_NUMBER_WORDS})|annex [a-h]|appendix [a-h]"
                   rf"|chapter (?:\d{{1,2}}|{_NUMBER_WORDS})|glossary|footnotes?)\b", re.I)


# a section's description in brackets after its name: "Annex A (the condensed Part one)"
DESCRIBED = re.compile(rf"({NAMED.pattern})\s*\([^()]*\)", re.I)


# a section the asker rules out: "I was only given Annex A, not the full Part one"
RULED_OUT = re.compile(rf"\b(?:not|rather than|instead of|without|except)\s+(?:(?:the|a|an|our|my)\s+)?"
                       rf"(?:(?:full|whole|entire|complete)\s+)?(?:{NAMED.pattern})", re.I)


def section_names(text: str) -> tuple[str, ...]:
    """The sections `text` names, lower-cased, in order ("annex b", "glossary"); not one named only
    to describe another ("Annex A (the condensed Part one)": Annex A), nor one ruled out ("not the
    full Part one")."""
    text = RULED_OUT.sub("", DESCRIBED.sub(r"\1", text))
    return tuple(dict.fromkeys(m.group(1).lower().removesuffix("s") for m in NAMED.finditer(text)))


WITHIN = ("glossary", "footnote")  # found anywhere in a heading ("Footnotes and boxes")


def in_section(headings: tuple[str, ...], names: tuple[str, ...]) -> bool:
    """A chunk's top heading ("Appendix A: Glossary", "Annex B: Further information") is one of the
    named sections (a chunk with no heading is in none)."""
    if not headings:
        return False
    heading = headings[0].lower()
    return any(name in heading if name in WITHIN else re.match(rf"{name}\b", heading) is not None
               for name in names)

