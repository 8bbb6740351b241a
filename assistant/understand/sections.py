"""The parts of a document a question names ("Annex B", "Part one", "chapter 3", "the glossary",
"a footnote", "the section on support for schools"): its answer is looked for there first."""

from __future__ import annotations

import re

from assistant.text import tokens

_NUMBER_WORDS = "one|two|three|four|five|six|seven|eight|nine|ten"
NAMED = re.compile(rf"\b(part (?:{_NUMBER_WORDS})|annex [a-h]|appendix [a-h]"
                   rf"|chapter (?:\d{{1,2}}|{_NUMBER_WORDS})|glossary|footnotes?)\b", re.I)


# a section's description in brackets after its name: "Annex A (the condensed Part one)"
DESCRIBED = re.compile(rf"({NAMED.pattern})\s*\([^()]*\)", re.I)


# a section the asker rules out: "I was only given Annex A, not the full Part one"
RULED_OUT = re.compile(rf"\b(?:not|rather than|instead of|without|except)\s+(?:(?:the|a|an|our|my)\s+)?"
                       rf"(?:(?:full|whole|entire|complete)\s+)?(?:{NAMED.pattern})", re.I)


# a section named by what it is about: "KCSIE's section on support for schools", "the bit about
# children placed out of area" (its heading holds those words)
TITLED = re.compile(r"\b(?:section|part|chapter|annex|bit|paragraphs?)\s+(?:on|about|called|headed|titled)\s+"
                    r"(?:the\s+)?['‘\"“]?([a-z][\w’' -]{2,50}?)['’\"”]?"
                    r"(?=\s*(?:[,;:?.()]|\s[-–—]\s|$)|\s+(?:says?|said|is|are|does|do|has|have|in|and|"
                    r"which|what|where|when|how|it|there)\b)", re.I)
# a section named by its heading in quotes: "under the 'Abuse' heading", "the 'raising awareness' part"
QUOTED = re.compile(r"(?:\b(?:under|in|from)\s+(?:the\s+)?['‘\"“]([^'’\"”]{2,60})['’\"”]\s+"
                    r"(?:heading|section|subheading|part|bit|list)\b"
                    r"|\b(?:heading|section|subheading)\s+(?:called\s+|headed\s+|titled\s+)?['‘\"“]([^'’\"”]{2,60})['’\"”])",
                    re.I)
TITLE_MARK = "~"  # a titled section's name: "~support for schools"
HEADING_MARK = "="  # a section named by its heading, word for word: "=abuse"


def section_names(text: str) -> tuple[str, ...]:
    """The sections `text` names, lower-cased, in order ("annex b", "glossary", "~support for
    schools" for one named by what it is about); not one named only to describe another ("Annex A
    (the condensed Part one)": Annex A), nor one ruled out ("not the full Part one")."""
    text = RULED_OUT.sub("", DESCRIBED.sub(r"\1", text))
    named = [m.group(1).lower().removesuffix("s") for m in NAMED.finditer(text)]
    titled = [f"{TITLE_MARK}{m.group(1).lower().strip()}" for m in TITLED.finditer(text)
              if tokens(m.group(1)) and not NAMED.fullmatch(m.group(1).strip())]
    titled += [f"{HEADING_MARK}{title.lower().strip()}" for m in QUOTED.finditer(text)
               if tokens(title := m.group(1) or m.group(2)) and not NAMED.fullmatch(title.strip())]
    return tuple(dict.fromkeys(named + titled))


WITHIN = ("glossary", "footnote")  # found anywhere in a heading ("Footnotes and boxes")


def in_section(headings: tuple[str, ...], names: tuple[str, ...]) -> bool:
    """A chunk's top heading ("Appendix A: Glossary", "Annex B: Further information") is one of the
    named sections (a chunk with no heading is in none)."""
    if not headings:
        return False
    heading = headings[0].lower()
    return any(_titled(headings, name[1:]) if name.startswith(TITLE_MARK)
               else any(h.lower().strip() == name[1:] for h in headings) if name.startswith(HEADING_MARK)
               else name in heading if name in WITHIN else re.match(rf"{name}\b", heading) is not None
               for name in names)


def _titled(headings: tuple[str, ...], title: str) -> bool:
    """Every word of the title is in one of the chunk's headings ("support for schools": "Support for
    schools and colleges")."""
    words = set(tokens(title))
    return any(words <= set(tokens(h)) for h in headings)


# what a table of changes is divided by: "What changed in Part two…?", "…and the annexes"
TABLE_SECTION = re.compile(r"\b(part (?:one|two|three|four|five|six)|annex [a-h])\b", re.I)
ANNEXES = re.compile(r"\bannexes\b", re.I)  # "…and the annexes": every annex


def table_sections(question: str) -> tuple[str, ...]:
    """The parts of a table of changes the question names ("Part two", "Annex B", "the annexes")."""
    found = [m.group(1).lower() for m in TABLE_SECTION.finditer(question)]
    if ANNEXES.search(question):
        found.append("annex")
    return tuple(dict.fromkeys(found))
