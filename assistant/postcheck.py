"""Citation checking after generation: every sentence of a written answer must cite a source it was
given, and that source must support it (its key numbers, durations and roles appear there, and
enough of its words). Pure and deterministic: no models, no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from assistant.text import tokens

MARKER = re.compile(r"\[\s*(?:sources?\s*)?(\d+(?:\s*(?:,|and|&)\s*(?:sources?\s*)?\d+)*)\s*\]", re.I)
# markers after a full stop move before it: "days. [1], [2]" -> "days [1], [2]."
TRAILING_MARKERS = re.compile(r"([.!?])[ \t]*((?:\[[^\]\n]{1,20}\](?:[ \t]*(?:,|and)?[ \t]*))+)")
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?!\[)|\n+")
LIST_LEADER = re.compile(r"^\s*(?:[-*•]+|\d{1,2}[.)])\s+")
NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "fifteen": "15",
    "twenty": "20", "thirty": "30", "forty": "40", "forty-five": "45", "fifty": "50",
    "sixty": "60", "hundred": "100",
}
NUMBER = re.compile(r"£?\d+(?:[.,]\d+)*%?|\b(?:" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
                    + r")\b", re.I)
UNIT = r"(?:working |calendar |school |clear )?(?:day|hour|week|month|year|minute)s?"
DURATION = re.compile(r"(\S+)[- ](" + UNIT + r")\b", re.I)
# Named roles and bodies: a sentence naming one must cite a passage naming it (aliases count).
ROLES: dict[str, tuple[str, ...]] = {
    "designated safeguarding lead": ("designated safeguarding lead", "dsl"),
    "designated officer": ("designated officer", "lado"),
    "social worker": ("social worker",),
    "local authority": ("local authority", "local authorities", "children's social care"),
    "police": ("police", "chief officer of police", "chief constable"),
    "headteacher": ("headteacher", "head teacher", "principal"),
    "governing body": ("governing body", "governing bodies", "governors", "proprietor"),
    "safeguarding partners": ("safeguarding partner", "safeguarding partners"),
    "integrated care board": ("integrated care board", "icb"),
    "ofsted": ("ofsted",),
    "director of children's services": ("director of children's services", "dcs"),
    "lead member": ("lead member",),
    "dbs": ("dbs", "disclosure and barring"),
    "secretary of state": ("secretary of state",),
    "child safeguarding practice review panel": ("practice review panel", "national panel"),
}

Status = Literal["kept", "replaced", "removed"]


@dataclass(frozen=True)
class Source:
    """One numbered source the model was shown: its sentences, verbatim from the passage."""

    number: int
    sentences: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


@dataclass(frozen=True)
class CheckedSentence:
    text: str  # the sentence as written, without its [n] markers
    status: Status
    source: int | None = None  # the source that supports it (or whose quote replaced it)
    quote: int | None = None  # index of the supporting sentence in that source
    reason: str = ""


@dataclass
class CheckResult:
    sentences: list[CheckedSentence] = field(default_factory=list)

    @property
    def checked(self) -> int:
        return len(self.sentences)

    def count(self, status: Status) -> int:
        return sum(s.status == status for s in self.sentences)

    @property
    def survived(self) -> bool:
        """True when at least one sentence the model wrote was kept as written."""
        return self.count("kept") > 0


def split_sentences(text: str) -> list[str]:
    """Sentences of a model answer; a [n] just after a full stop stays with its sentence."""
    text = TRAILING_MARKERS.sub(lambda m: f" {m.group(2).strip()}{m.group(1)} ", text or "")
    parts = (LIST_LEADER.sub("", p).strip() for p in SENTENCE_END.split(text))
    return [p for p in parts if p and re.search(r"\w", MARKER.sub("", p))]


def markers(sentence: str) -> list[int]:
    found: list[int] = []
    for group in MARKER.findall(sentence):
        found += [int(n) for n in re.findall(r"\d+", group)]
    return list(dict.fromkeys(found))


def strip_markers(sentence: str) -> str:
    text = MARKER.sub("", sentence)
    text = re.sub(r"\s+([.,;:!?])", r"\1", text)
    return " ".join(text.split())


def _numbers(text: str) -> set[str]:
    out = set()
    for m in NUMBER.finditer(text):
        raw = m.group(0).lower().lstrip("£").rstrip("%").replace(",", "")
        out.add(NUMBER_WORDS.get(raw, raw))
    return out


def _durations(text: str) -> set[tuple[str, str]]:
    out = set()
    for m in DURATION.finditer(text):
        num = _numbers(m.group(1))
        if num:
            unit = re.sub(r"s$", "", m.group(2).lower())
            out.add((next(iter(num)), unit))
    return out


def _roles(text: str) -> set[str]:
    low = text.lower().replace("’", "'")
    return {role for role, names in ROLES.items()
            if any(re.search(rf"\b{re.escape(n)}\b", low) for n in names)}


def key_facts_missing(sentence: str, passage: str) -> list[str]:
    """Numbers, durations and named roles in `sentence` that `passage` does not contain."""
    missing = [f"number {n}" for n in sorted(_numbers(sentence) - _numbers(passage))]
    missing += [f"duration {n} {u}" for n, u in sorted(_durations(sentence) - _durations(passage))]
    missing += [f"role {r}" for r in sorted(_roles(sentence) - _roles(passage))]
    return missing


def overlap(sentence: str, passage: str) -> float:
    """Share of the sentence's content words (stemmed) that appear in the passage."""
    words = set(tokens(sentence))
    if not words:
        return 0.0
    return len(words & set(tokens(passage))) / len(words)


def best_quote(sentence: str, source: Source) -> tuple[int, float]:
    scores = [overlap(sentence, s) + 0.01 * overlap(s, sentence) for s in source.sentences]
    i = max(range(len(scores)), key=lambda j: scores[j]) if scores else -1
    return i, (scores[i] if scores else 0.0)


def check_sentence(sentence: str, sources: dict[int, Source], min_overlap: float,
                   replace_overlap: float) -> CheckedSentence:
    text = strip_markers(sentence)
    cited = [n for n in markers(sentence) if n in sources]
    if not markers(sentence):
        return CheckedSentence(text, "removed", reason="no citation")
    if not cited:
        return CheckedSentence(text, "removed", reason="cites a source that was not given")
    reasons = []
    for n in cited:
        src = sources[n]
        missing = key_facts_missing(text, src.text)
        share = overlap(text, src.text)
        if not missing and share >= min_overlap:
            return CheckedSentence(text, "kept", n, best_quote(text, src)[0])
        reasons.append(f"[{n}]: " + (", ".join(missing) + " not in source" if missing
                                      else f"overlap {share:.2f} < {min_overlap}"))
    n = cited[0]
    idx, score = best_quote(text, sources[n])
    if idx >= 0 and score >= replace_overlap:
        return CheckedSentence(text, "replaced", n, idx, "; ".join(reasons))
    return CheckedSentence(text, "removed", reason="; ".join(reasons))


def inherit_markers(sentences: list[str]) -> list[str]:
    """An uncited sentence followed by a cited one ("A. B. [2]") is checked against that source:
    models often cite once at the end of a run of sentences. It must still pass the check."""
    out = list(sentences)
    pending: list[int] = []
    for i, s in enumerate(sentences):
        found = MARKER.findall(s)
        if not found:
            pending.append(i)
            continue
        tag = " ".join(f"[{g}]" for g in found)
        for j in pending:
            out[j] = f"{sentences[j]} {tag}"
        pending = []
    return out


def check_answer(text: str, sources: list[Source], min_overlap: float = 0.5,
                 replace_overlap: float = 0.3, inherit: bool = True) -> CheckResult:
    """Check every sentence of `text` against the numbered `sources` it cites."""
    by_number = {s.number: s for s in sources}
    parts: list[str] = []
    for para in re.split(r"\n\s*\n", text or ""):  # citations are inherited within a paragraph
        sentences = split_sentences(para)
        parts += inherit_markers(sentences) if inherit else sentences
    return CheckResult([check_sentence(s, by_number, min_overlap, replace_overlap) for s in parts])


def removal_notice(result: CheckResult) -> str | None:
    """One line telling the reader what the check changed, or None when nothing changed."""
    removed, replaced = result.count("removed"), result.count("replaced")
    if not removed and not replaced:
        return None
    parts = []
    if removed:
        parts.append(f"{removed} sentence(s) removed")
    if replaced:
        parts.append(f"{replaced} replaced by the quoted source text")
    return ("Citation check: " + " and ".join(parts)
            + " because the cited source did not support what was written.")
