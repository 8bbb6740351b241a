"""An abbreviation with two meanings in the corpus ("SCR": a serious case review, or a school's
single central record) is read in the sense that the question's other words go with."""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.glossary import abbreviations_in
from assistant.text import STOPWORDS, tokens

SENSE_MIN = 20  # a phrase spelling the abbreviation this often is a term of the corpus
NEAR = 300  # characters either side of a use of the phrase: the words that go with it


class Senses:
    """Senses of the learned abbreviations, found lazily and remembered."""

    def __init__(self, texts: list[str], idf: Callable[[str], float]) -> None:
        self.texts = texts
        self.idf = idf
        self._known: dict[str, dict[str, list[set[str]]]] = {}

    def resolve(self, question: str, abbreviations: dict[str, str]) -> dict[str, str]:
        """The abbreviations, each in the sense its question's other words fit best (ties: the
        sense learned from "expansion (ABBR)")."""
        out = dict(abbreviations)
        asked = set(tokens(question))
        for token, key in set(abbreviations_in(question, abbreviations)):
            senses = self.senses(key, abbreviations[key])
            if len(senses) > 1:  # judged on the other words: not the abbreviation, not the sense
                other = asked - set(tokens(token))
                out[key] = max(senses, key=lambda p: (self._fit(other - set(tokens(p)), senses[p]),
                                                      p == abbreviations[key]))
        return out

    def senses(self, abbr: str, learned: str) -> dict[str, list[set[str]]]:
        """The learned expansion and the corpus's other frequent phrases spelling `abbr`, each
        with the words around each of its uses."""
        if abbr not in self._known:
            others = _spelling(abbr, self.texts, learned)
            phrases = [learned.lower().rstrip("s"), *others]  # one sense: nothing to judge by
            self._known[abbr] = {p if p != phrases[0] else learned: self._near(p) if others else []
                                 for p in phrases}
        return self._known[abbr]

    def _near(self, phrase: str) -> list[set[str]]:
        out = []
        for text in self.texts:
            lower = text.lower()
            for m in re.finditer(re.escape(phrase), lower):
                out.append(set(tokens(text[max(0, m.start() - NEAR):m.end() + NEAR])))
        return out

    def _fit(self, asked: set[str], near: list[set[str]]) -> float:
        """How well the question's words go with a sense: its best-matching use."""
        return max((sum(self.idf(t) for t in sorted(asked & words)) for words in near), default=0.0)


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
