"""An abbreviation with two meanings in the corpus ("SCR": a serious case review, or a school's
single central record) is read in the sense that the question's other words go with."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

from assistant.glossary import abbreviations_in
from assistant.text import STOPWORDS, tokens

SENSE_MIN = 20  # a phrase spelling the abbreviation this often is a term of the corpus
NEAR = 300  # characters either side of a use of the phrase: the words that go with it
FIT_USES = 3  # a sense is judged by this many of its uses that best fit the question


Use = tuple[str, set[str]]  # a use of a phrase: its document, and the words around it


class Senses:
    """Senses of the learned abbreviations, found lazily and remembered. `docs`: each text's
    document, so that a sense is judged by its uses in the documents a question is asked of."""

    def __init__(self, texts: list[str], idf: Callable[[str], float], docs: list[str] | None = None) -> None:
        self.texts = texts
        self.docs = docs or [""] * len(texts)
        self.idf = idf
        self._known: dict[str, dict[str, list[Use]]] = {}

    def resolve(self, question: str, abbreviations: dict[str, str],
                scope: Collection[str] = ()) -> dict[str, str]:
        """The abbreviations, each in the sense its question's other words fit best, among its uses
        in the documents of `scope` when it has any there ("SCR" in a KCSIE question is the single
        central record; serious case reviews are Working Together's); ties: the sense learned from
        "expansion (ABBR)"."""
        out = dict(abbreviations)
        asked = set(tokens(question))
        for token, key in set(abbreviations_in(question, abbreviations)):
            senses = self.senses(key, abbreviations[key])
            if len(senses) <= 1:
                continue
            here = {p: [w for d, w in uses if d in scope] for p, uses in senses.items()}
            if not any(here.values()):  # no use in scope (or none given): every use counts
                here = {p: [w for _, w in uses] for p, uses in senses.items()}
            other = asked - set(tokens(token))  # judged on the other words: not the abbreviation
            out[key] = max(senses, key=lambda p: (self._fit(other - set(tokens(p)), here[p]),
                                                  p == abbreviations[key]))
        return out

    def senses(self, abbr: str, learned: str) -> dict[str, list[Use]]:
        """The learned expansion and the corpus's other frequent phrases spelling `abbr`, each
        with the words around each of its uses."""
        if abbr not in self._known:
            others = _spelling(abbr, self.texts, learned)
            phrases = [learned.lower().rstrip("s"), *others]  # one sense: nothing to judge by
            self._known[abbr] = {p if p != phrases[0] else learned: self._near(p) if others else []
                                 for p in phrases}
        return self._known[abbr]

    def _near(self, phrase: str) -> list[Use]:
        out = []
        for text, doc in zip(self.texts, self.docs, strict=True):
            lower = text.lower()
            for m in re.finditer(re.escape(phrase), lower):
                out.append((doc, set(tokens(text[max(0, m.start() - NEAR):m.end() + NEAR]))))
        return out

    def _fit(self, asked: set[str], near: list[set[str]]) -> float:
        """How well the question's words go with a sense: the mean of its FIT_USES best-matching
        uses (a rare sense does not win on one use beside a chance word)."""
        fits = sorted((sum(self.idf(t) for t in sorted(asked & words)) for words in near), reverse=True)
        return sum(fits[:FIT_USES]) / FIT_USES


def _spelling(abbr: str, texts: list[str], learned: str) -> list[str]:
    """Frequent phrases of ordinary words whose initials spell `abbr`, other than `learned`."""
    pattern = re.compile(r"\b" + r"\s+".join(rf"({c}[a-z’']+)" for c in abbr.lower()) + r"\b", re.I)
    found: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        for m in pattern.finditer(text):
            if not any(w.lower() in STOPWORDS for w in m.groups()):
                found.setdefault(" ".join(m.groups()).lower().rstrip("s"), []).append(i)
    own = learned.lower().rstrip("s")
    return [p for p, ix in found.items() if len(ix) >= SENSE_MIN and p != own]
