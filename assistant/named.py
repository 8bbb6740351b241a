"""Products or schemes a question offers as options and asks whether the guidance requires
("…use Smoothwall, Lightspeed or Securly?", "which recording system (CPOMS, MyConcern, etc.)…",
"…requires LAs to use Signs of Safety"): when no passage searched mentions any of them, the
guidance names none of them, and saying so answers the part."""

from __future__ import annotations

import re

from assistant.evidence import AnswerContext

_NAME = r"[A-Z][\w’'-]+(?:\s+(?:of|for|and)\s+[A-Z][\w’'-]+)*"
_JOIN = r"(?:,\s*|,?\s+(?:or|and)\s+)"
# the options: after a verb of choosing, or in brackets ("(CPOMS, MyConcern, etc.)")
AFTER_VERB = re.compile(rf"\b(?:use|using|adopt|buy|buying|install)\s+(?P<names>{_NAME}(?:{_JOIN}{_NAME})*)")
BRACKETED = re.compile(rf"\((?P<names>{_NAME}(?:{_JOIN}{_NAME})+)(?:,?\s+etc\.?)?\)")
# words that name the guidance or a body it speaks of, not a product
OURS = frozenset({"kcsie", "wt", "dfe", "la", "las", "dsl", "dsls", "the", "working together", "ofsted",
                  "nhs", "dbs", "csc", "lado"})


def offered_names(text: str) -> tuple[str, ...]:
    """The names the text offers as options to use, in order ("Smoothwall", "Lightspeed", "Securly")."""
    found: list[str] = []
    for pattern in (AFTER_VERB, BRACKETED):
        for m in pattern.finditer(text):
            # "use DfE's Check a teacher's record": a possessive qualifies what follows, it is no option
            found += [n for n in re.split(_JOIN, m.group("names"))
                      if n.lower() not in OURS and not re.search(r"['’]s$", n)]
    return tuple(dict.fromkeys(found))


def unnamed_options(ctx: AnswerContext) -> tuple[str, ...]:
    """The options the part offers when no candidate passage mentions any of them; () otherwise."""
    names = offered_names(ctx.asked or ctx.question)
    if not names or not ctx.candidates:
        return ()
    texts = [" ".join(p.chunk.text.lower().split()) for p in ctx.candidates]
    return () if any(n.lower() in t for n in names for t in texts) else names
