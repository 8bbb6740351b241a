"""Abbreviations learned from the corpus itself ("designated safeguarding lead (DSL)"), used to
expand questions so that "DSL" finds "designated safeguarding lead" and the other way round."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

ABBR = re.compile(r"\(([A-Z][A-Za-z]{1,7}?)s?\)")
WORD = re.compile(r"[A-Za-z][A-Za-z’']*")
SKIP = {"of", "and", "the", "for", "to", "in", "on", "a", "an", "&"}


def _expansion(before: str, abbr: str) -> str | None:
    words = WORD.findall(before)[-10:]
    letters = abbr.lower()
    for start in range(len(words) - 1, -1, -1):
        span = words[start:]
        initials = "".join(w[0].lower() for w in span if w.lower() not in SKIP)
        if initials == letters and span[0].lower() not in SKIP:
            return " ".join(span)
        if len(initials) > len(letters):
            return None
    return None


def learn_abbreviations(texts: Iterable[str]) -> dict[str, str]:
    """ABBR -> most frequent expansion found as "expansion (ABBR)" in the texts."""
    seen: dict[str, Counter[str]] = {}
    for text in texts:
        for m in ABBR.finditer(text):
            abbr = m.group(1)
            if not any(c.isupper() for c in abbr[1:]) and len(abbr) > 2:
                continue  # "(Ofsted)" style words, not abbreviations
            exp = _expansion(text[max(0, m.start() - 120) : m.start()], abbr)
            if exp:  # "‘honour’-based abuse (HBA)": its words, not the quote marks around one
                seen.setdefault(abbr.upper(), Counter())[exp.lower().replace("’", "")] += 1
    return {abbr: counts.most_common(1)[0][0] for abbr, counts in seen.items()}


def abbreviations_in(text: str, abbreviations: dict[str, str]) -> list[tuple[str, str]]:
    """(as typed, key) for each known abbreviation in the text ("SCRs" -> "SCR")."""
    found = []
    for token in re.findall(r"\b[A-Z]{2,7}s?\b", text):
        key = token.rstrip("s") if token.rstrip("s") in abbreviations else token
        if key in abbreviations:
            found.append((token, key))
    return found


def expand_query(query: str, abbreviations: dict[str, str]) -> str:
    """The query plus expansions of its abbreviations and abbreviations of its phrases."""
    extra: list[str] = []
    plain = _plain(query)
    for _, key in abbreviations_in(query, abbreviations):
        if _plain(abbreviations[key]) not in plain:
            extra.append(abbreviations[key])
    for abbr, phrase in abbreviations.items():
        if _plain(phrase) in plain and not re.search(rf"\b{abbr}s?\b", query):
            extra.append(abbr)
    return f"{query} ({'; '.join(dict.fromkeys(extra))})" if extra else query


def _plain(text: str) -> str:
    """Lower-case words only, so that "honour-based" and "children's" match "honour based" and
    "children’s"."""
    words = re.sub(r"['’]", "", text.lower()).translate(_SPACES).split()
    return " " + " ".join(words) + " "


_SPACES = str.maketrans({c: " " for c in "-–—‘“”\"(),.;:?!/"})


def spelled_out(text: str, abbr: str) -> str | None:
    """The words of `text` whose initials spell `abbr` ("single central record" for "SCR"): the
    writer's own meaning of the abbreviation."""
    words = WORD.findall(text)
    for end in range(len(words), 0, -1):
        if (found := _expansion(" ".join(words[:end]), abbr.rstrip("s"))) is not None:
            return found
    return None
