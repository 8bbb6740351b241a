"""The guidance's definition lists: paragraphs in a row that each open by naming a term ("25.
Physical abuse: a form of abuse which…", "26. Emotional abuse: …"), as separate paragraphs or
lines of one passage. Asked for the kinds of the thing they share ("what are the types of
abuse?"), the answer is each term's defining sentence."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from assistant.sentences import Sentence, sentences
from assistant.text import tokens
from ingest.records import Chunk

TERM = re.compile(r"([A-Z][\w’'-]*(?: [\w’'()-]+){0,4}):\s")
NUMBERED = re.compile(r"(?:^|\n)\s*\d{1,3}\.\s*$")  # what comes before a numbered paragraph's text
MIN_TERMS = 3  # fewer terms in a row is no list
KINDS = frozenset(tokens("types kinds categories forms sorts"))  # the words that ask for the kinds

Step = Callable[[Chunk], Chunk | None]
Term = tuple[Chunk, Sentence, str]  # where a term paragraph opens, and its term


def term_run(chunk: Chunk, following: Step, preceding: Step) -> list[Term]:
    """The term paragraphs in a row that `chunk` belongs to, through its section, or [] when it
    is in no run of MIN_TERMS. A new numbered paragraph that names no term ends the run."""
    before = preceding(chunk)
    if not _names_a_term(chunk) and not (before is not None and _names_a_term(before)):
        return []  # the common case, decided without reading the section
    section = [chunk]
    while (before := preceding(section[0])) is not None and _same_section(before, chunk):
        section.insert(0, before)
    while (after := following(section[-1])) is not None and _same_section(after, chunk):
        section.append(after)
    for run in _runs(section):
        if len(run) >= MIN_TERMS and _holds(run, chunk, section):
            return run
    return []


def _term(chunk: Chunk, s: Sentence) -> str | None:
    """The term a sentence opens by naming ("Physical abuse: …"), or None (list items never)."""
    m = None if s.item else TERM.match(chunk.text, s.start, s.end)
    return m.group(1) if m else None


def _names_a_term(chunk: Chunk) -> bool:
    return any(_term(chunk, s) for s in sentences(chunk))


def _same_section(a: Chunk, b: Chunk) -> bool:
    return a.doc_id == b.doc_id and a.headings == b.headings


def _runs(section: list[Chunk]) -> list[list[Term]]:
    runs: list[list[Term]] = [[]]
    for c in section:
        sents = sentences(c)
        for s in sents:
            if s.item:
                continue
            if term := _term(c, s):
                runs[-1].append((c, s, term))
                continue
            carried = bool(runs[-1]) and runs[-1][-1][0].paragraph == c.paragraph  # same paragraph on
            if NUMBERED.search(c.text, 0, s.start) or (s is sents[0] and c.paragraph and not carried):
                runs.append([])  # a numbered paragraph of another kind: the run is over
    return [r for r in runs if r]


def _holds(run: list[Term], chunk: Chunk, section: list[Chunk]) -> bool:
    """`chunk` is one of the run's chunks, or between its first and last."""
    ids = [c.chunk_id for c in section]
    first, last = ids.index(run[0][0].chunk_id), ids.index(run[-1][0].chunk_id)
    return first <= ids.index(chunk.chunk_id) <= last


def asks_for_kinds(run: list[Term], asked: set[str], text: str = "") -> bool:
    """The question asks for the types (kinds, categories, forms) of what the terms share ("abuse"
    in physical, emotional and sexual abuse), and names no one of them in full ("sexual abuse"),
    nor a narrower thing no term names ("forms of child-on-child abuse": `text`, the asked words)."""
    named = [set(tokens(term)) for _, _, term in run]
    counts = Counter(t for words in named for t in words)
    shared = {t for t, n in counts.items() if n * 2 >= len(run)}
    one_kind = any(len(words) > 1 and words <= asked for words in named)
    words = re.findall(r"[\w’'-]+", text)
    termed = set().union(*named) | KINDS
    # the word just before the shared one qualifies it: "child-on-child abuse"
    narrower = any(set(tokens(words[i - 1])) - termed
                   for i, word in enumerate(words) if i and set(tokens(word)) & shared)
    return bool(asked & KINDS) and bool(asked & shared) and not one_kind and not narrower
