"""Products or schemes a question offers as options ("…use Smoothwall, Lightspeed or Securly?",
"which recording system (CPOMS, MyConcern, etc.)…"): read once, with the rest of the question."""

from __future__ import annotations

import re

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
