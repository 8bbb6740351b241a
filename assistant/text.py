"""Shared text helpers: tokenising for BM25 and overlap, and normalising for quote checks."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import Stemmer

from ingest.readers import strip_footnote_refs

TOKEN = re.compile(r"(?u)\b\w\w+\b")
_STOP_TEXT = """
a about above after again against all am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has
have having he her here hers herself him himself his how i if in into is it its itself just me
more most my myself no nor not now of off on once only or other our ours ourselves out over own
same she should so some such than that the their theirs them themselves then there these they
this those through to too under until up very was we were what when where which while who whom
why will with would you your yours yourself yourselves tell say says said does guidance edition
version document
"""
STOPWORDS = frozenset(_STOP_TEXT.split())


@cache
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def tokens(text: str) -> list[str]:
    """Lower-cased, stop-worded, stemmed tokens."""
    words = [w for w in TOKEN.findall(text.lower()) if w not in STOPWORDS]
    return _stemmer().stemWords(words)


_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "‐": "-",
                         "\u00a0": " "})


def plain_typography(text: str) -> str:
    """Straight quotes and hyphens for curly ones and dashes, spaces for non-breaking ones."""
    return unicodedata.normalize("NFKC", text).translate(_QUOTES)


def normalise(text: str) -> str:
    """For verbatim checks: same words in the same order, ignoring layout and typography."""
    text = strip_footnote_refs(plain_typography(text))
    text = re.sub(r"[*#]+", "", text)  # markdown emphasis in briefings
    text = re.sub(r"-\s+", "-", text)  # hyphenation at line ends
    return " ".join(text.split())
