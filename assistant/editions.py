"""Edition registry and resolution: which documents a question may be answered from."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

from assistant.errors import EditionError
from assistant.options import SOURCES
from corpus.manifest import Document, EditionInfo, Manifest

# "working together" names the guidance when it is capitalised as a title, or read as one ("under
# working together", "working together 2023 says"); not in "who needs to be working together" nor in
# another title ("Working together to improve school attendance")
_WT = r"working\s+together"
_READ_AS_TITLE = ("under", "per", "from", "to", "see", "in", "the", "of", "does", "did", "say", "says")
_AFTER_TITLE_WORD = "|".join(rf"(?<=\b{w} )" for w in _READ_AS_TITLE)  # "under working together"
_WT_TITLE = (rf"(?-i:\bWorking\s+Together\b)(?!\s+to\s+improve)"
             rf"|\b{_WT}\s+(?=to\s+safeguard|(?:'|’)?\d\d|guidance|says?\b|states?\b|requires?\b|expects?\b"
             r"|sets?\s+out|defines?\b|chapter)"
             rf"|(?:{_AFTER_TITLE_WORD}){_WT}\b"
             r"(?!\s+(?:with|on|to\s+(?!safeguard)|and|effectively|closely|well|better|more|as)\b)")
SERIES_PATTERNS = {
    "working-together": re.compile(rf"{_WT_TITLE}|\bWT\s?(?:19|20)\d\d\b|(?-i:\bWT\b)", re.I),
    # not "our part in keeping children safe", nor "Keeping children safe in out-of-school settings"
    "kcsie": re.compile(r"\bKCSIE\b|\bkeeping\s+children\s+safe\s+in\s+education\b"
                        r"|(?-i:\bKeeping\s+Children\s+Safe\b)(?!\s+in\s+(?!education))", re.I),
    "information-sharing": re.compile(r"\binformation[- ]sharing\s+advice\b", re.I),
}
# "WT23", "KCSIE '24": a series' short name with a two-digit year, as practitioners write it
SHORT_EDITION = re.compile(r"\b(WT|KCSIE)\s?['’]?(\d\d)\b", re.I)
# Subjects only one series covers: they point to it but stay in the retrieval text.
# ("info sharing advice" is the advice, though the search reads it as its topic)
# "the 2024 advice": of the series here, only the information sharing advice is advice
SERIES_CUES = {"information-sharing": re.compile(r"\bgolden\s+rules\b|\binfo[- ]sharing\s+advice\b"
                                                r"|\b(?:19|20)\d\d\s+advice\b", re.I)}
_MONTH = r"(january|february|march|april|may|june|july|august|september|october|november|december)"
MONTHS = {m: i + 1 for i, m in enumerate(_MONTH.strip("()").split("|"))}
DATE_FULL = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}\s+((?:19|20)\d\d)\b", re.I)
DATE_MONTH = re.compile(rf"\b{_MONTH}\s+((?:19|20)\d\d)\b", re.I)
DATE_ISO = re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b")
YEAR = re.compile(r"(?<![\w-])((?:19|20)\d\d)(?![\w-])")
# "the 2018 Regulations": a year before the word names legislation too
YEAR_ACT = re.compile(r"\b((?:19|20)\d\d)\s+(?:Act|Regulations|Order|Rules)\b", re.I)
ACT_YEAR = re.compile(r"\b(Act|Regulations|Order|Rules|Standards)\s+((?:19|20)\d\d)\b", re.I)
DATE_CUE = re.compile(r"\b(in force|as at|as of|back in|during|at the time|applied|on)\b", re.I)
OTHER_JURISDICTION = re.compile(
    r"\b(Scotland|Scottish|Wales|Welsh|Northern Ireland|Republic of Ireland|Irish|Jersey|Guernsey|"
    r"Isle of Man|Manx|US|USA|United States|American|Australian?|Canadian?|New Zealand)(?:'s|’s)?"
    r"\)?\s+(?:[\w'’-]+\s+){0,4}?"
    r"((?i:guidance|procedures?|laws?|legislation|framework|polic(?:y|ies)|rules|mandated|principles|"
    r"standards|requirements|code))\b")
# "How many children were on a plan last year?": counts of events, which guidance does not publish
STATISTICS = re.compile(
    r"\bhow many\s+(?:[\w'’-]+\s+){0,3}?(children|referrals|cases|schools|deaths|allegations|incidents|"
    r"pupils|people|reports|plans|assessments|conferences|families)\b.*\b(were|was|did|have been|are there|"
    r"has been)\b.*\b(last year|this year|each year|per year|a year|annually|so far|nationally|"
    r"in (?:19|20)\d\d|in england|in the uk)\b", re.I)
Source = Literal["all", "national", "local"]
FOR_INFO = re.compile(r"for[- ]information|july\s+2025\s+(?:text|version|draft)|pre-?publication",
                      re.I)


@dataclass(frozen=True)
class Scope:
    """What a question may be answered from, and how that was decided."""

    doc_ids: tuple[str, ...]
    editions: tuple[tuple[str, str], ...]  # (series, edition) pairs in scope
    how: str  # "named", "as-of", "current", or "parts" (each part its own: `Part.scope`)
    as_of: date | None = None
    notices: tuple[str, ...] = ()
    unavailable: str | None = None  # set when nothing in the corpus can answer
    series: tuple[str, ...] = ()
    # local documents (`safeguide add`) searched too, after the national guidance, and which
    # sources the user asked for: "all", "national" or "local" (see `with_local`)
    local: tuple[str, ...] = ()
    source: str = "all"


@dataclass
class EditionRegistry:
    manifest: Manifest
    _names: dict[str, str] = field(default_factory=lambda: {
        "working-together": "Working Together", "kcsie": "KCSIE",
        "information-sharing": "Information sharing advice"})

    def series_name(self, series: str) -> str:
        return self._names.get(series, series)

    def series_id(self, name: str) -> str:
        """A series id from an id, a short name or the title ("KCSIE", "working together")."""
        wanted = name.strip().lower().replace(" ", "-")
        for series in self.all_series():
            if wanted in (series, self.series_name(series).lower().replace(" ", "-")):
                return series
        if found := _series_named(name):
            return found[0]
        raise EditionError(f"Unknown series {name!r}: use one of {', '.join(self.all_series())}.")

    def label(self, series: str, edition: str) -> str:
        return f"{self.series_name(series)} {edition}"

    def editions(self, series: str | None = None) -> list[EditionInfo]:
        return [e for e in self.manifest.editions if series is None or e.series == series]

    def docs_for(self, series: str, edition: str, include_for_info: bool = False) -> list[Document]:
        return [d for d in self.manifest.documents
                if d.series == series and d.edition == edition and d.alternate_of is None
                and (include_for_info or d.status != "for-information")]

    def current(self, series: str, today: date) -> EditionInfo | None:
        held = [e for e in self.editions(series) if e.in_force_on(today) and self.docs_for(series, e.edition)]
        return held[-1] if held else None

    def in_force(self, series: str, day: date) -> EditionInfo | None:
        return next((e for e in self.editions(series) if e.in_force_on(day)), None)

    def all_series(self) -> list[str]:
        return list(self.manifest.series)


def spell_editions(text: str) -> str:
    """Short edition names spelt out, so the year is read as one: "WT23" -> "WT 2023"."""
    return SHORT_EDITION.sub(lambda m: f"{m.group(1)} 20{m.group(2)}", text)


def parse_date(text: str) -> date | None:
    """The first explicit date in `text` (ISO, "1 September 2025" or "May 2019")."""
    if m := DATE_ISO.search(text):
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if m := DATE_FULL.search(text):
        return date(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))
    if m := DATE_MONTH.search(text):
        return date(int(m.group(2)), MONTHS[m.group(1).lower()], 15)
    return None


def _series_named(text: str) -> list[str]:
    return [s for s, pat in SERIES_PATTERNS.items()
            if pat.search(text) or (s in SERIES_CUES and SERIES_CUES[s].search(text))]


def years_in(text: str) -> list[str]:
    acts = {m.start(2) for m in ACT_YEAR.finditer(text)} | {m.start(1) for m in YEAR_ACT.finditer(text)}
    return [m.group(1) for m in YEAR.finditer(text) if m.start(1) not in acts]


def resolve(
    registry: EditionRegistry, question: str, edition: str | None = None,
    as_of: date | None = None, today: date | None = None, series: Sequence[str] = (),
) -> Scope:
    """Decide the editions: an explicit --edition/--as-of, then the question's words, then today.
    `series`: the series its words are read with when they name none (a part of a longer question)."""
    today = today or date.today()
    if m := OTHER_JURISDICTION.search(question):
        return Scope((), (), "named", unavailable=(
            f"The corpus holds statutory guidance for England only; it does not cover "
            f"{m.group(1)} {m.group(2)}."))
    if STATISTICS.search(question):
        return Scope((), (), "named", unavailable=(
            "The corpus holds guidance, not statistics: it does not count cases, referrals or "
            "children; the Department for Education's official statistics do."))
    series = _series_named(f"{edition or ''} {question}") or list(series)
    if edition and edition.strip().lower() not in ("", "current"):
        return _named(registry, edition, series, question)
    if as_of:
        return _as_of(registry, as_of, series)
    years = sorted(years_in(question), key=lambda y: not _with_series(question, y, series))
    text_date = parse_date(question)
    named = bool(years) and _with_series(question, years[0], series)
    if text_date and not named and (DATE_CUE.search(question) or DATE_FULL.search(question)):
        return _as_of(registry, text_date, series)
    if years:  # a year named with its series ("WT 2023") before one of the story ("went out in 2024")
        return _from_year(registry, years[0], series, question, today)
    return _current(registry, series, today)


# a separate publication named as one: "the KCSIE Part one booklet", "the Part one PDF"
PUBLICATION = r"(?:booklets?|leaflets?|pdfs?|publications?|handouts?|documents?)"


def with_publication(registry: EditionRegistry, scope: Scope, question: str) -> Scope:
    """The scope with a document published apart from one in it (KCSIE's Part one on its own) when
    the question names that publication: its own pages (a list at its back) are searched too."""
    extra = []
    for doc in registry.manifest.documents:
        if doc.alternate_of not in scope.doc_ids or doc.id in scope.doc_ids:
            continue
        base = registry.manifest.doc(doc.alternate_of)  # in scope, so in the manifest
        own = doc.title.split(":")[0].removeprefix(base.title.split(":")[0]).split()
        named = r"\s+".join(map(re.escape, own))
        if own and re.search(rf"\b{named}(?:['’]s)?\s+{PUBLICATION}\b", question, re.I):
            extra.append(doc.id)
    return replace(scope, doc_ids=(*scope.doc_ids, *extra)) if extra else scope


def _named(registry: EditionRegistry, edition: str, series: list[str], question: str) -> Scope:
    wanted = edition.strip()
    doc = next((d for d in registry.manifest.documents if d.id == wanted), None)
    if doc:
        return Scope((doc.id,), ((doc.series, doc.edition),), "named", series=(doc.series,))
    year = m.group(1) if (m := YEAR.search(wanted)) else wanted
    series = series or _series_named(wanted) or registry.all_series()
    include_info = bool(FOR_INFO.search(f"{wanted} {question}"))
    docs = [d for s in series for d in registry.docs_for(s, year, include_info)]
    if include_info:
        docs = [d for d in docs if d.status == "for-information"] or docs
    # a briefing of the same year may describe the edition; another series' full text does not
    others = [d for s in registry.all_series() if s not in series for d in registry.docs_for(s, year)
              if d.status == "briefing"]
    if not docs and others:
        pairs = tuple(dict.fromkeys((d.series, d.edition) for d in others))
        names = ", ".join(registry.label(s, year) for s in series)
        note = (f"The corpus holds no {names} text; this answer searches material of the same year "
                f"({', '.join(registry.label(s, e) for s, e in pairs)}), which may describe it.")
        return Scope(tuple(d.id for d in others), pairs, "named", notices=(note,),
                     series=tuple(series))
    if not docs:
        names = ", ".join(registry.label(s, year) for s in series)
        held = "; ".join(
            f"{registry.series_name(s)}: " + ", ".join(
                e.edition for e in registry.editions(s) if registry.docs_for(s, e.edition))
            for s in series)
        return Scope((), (), "named", unavailable=(
            f"The corpus holds no {names} edition, so it cannot say what that edition contains. "
            f"Editions held — {held}."), series=tuple(series))
    pairs = tuple(dict.fromkeys((d.series, d.edition) for d in docs))
    return Scope(tuple(d.id for d in docs), pairs, "named", series=tuple(series))


def _as_of(registry: EditionRegistry, day: date, series: list[str]) -> Scope:
    docs: list[Document] = []
    pairs: list[tuple[str, str]] = []
    notices: list[str] = []
    for s in series or registry.all_series():
        info = registry.in_force(s, day)
        held = registry.docs_for(s, info.edition) if info else []
        if info and held:
            docs += held
            pairs.append((s, info.edition))
            notices.append(f"On {day:%d %B %Y} the edition in force was {registry.label(s, info.edition)}.")
        elif info:
            notices.append(f"On {day:%d %B %Y} {registry.label(s, info.edition)} was in force, "
                           "but the corpus does not hold its text.")
        else:
            notices.append(f"The corpus knows no {registry.series_name(s)} edition in force on "
                           f"{day:%d %B %Y}.")
    if not docs:
        return Scope((), (), "as-of", day, tuple(notices), " ".join(notices), tuple(series))
    return Scope(tuple(d.id for d in docs), tuple(pairs), "as-of", day, tuple(notices),
                 series=tuple(series))


def _from_year(registry: EditionRegistry, year: str, series: list[str], question: str,
               today: date) -> Scope:
    labels = {e.edition for s in (series or registry.all_series()) for e in registry.editions(s)}
    if _with_series(question, year, series) or (year in labels and not _told(question, year)):
        return _named(registry, year, series, question)
    if not _dates_the_question(question, year):  # "a conviction from 2012": a detail of the story
        return _current(registry, series, today)
    if int(year) > today.year:
        return Scope((), (), "named", unavailable=(
            f"{year} is in the future; the corpus holds no guidance for it."), series=tuple(series))
    return _as_of(registry, date(int(year), 7, 1), series)


def _with_series(question: str, year: str, series: list[str]) -> bool:
    """The year stands by a name of its series, up to three words apart in one sentence ("Working
    Together 2023", "the 2024 KCSIE")."""
    gap = r"[^\w.?!]+"  # within one sentence
    return any(re.search(rf"(?:{pat.pattern}){gap}(?:\w+{gap}){{0,3}}{year}\b|"
                         rf"\b{year}{gap}(?:\w+{gap}){{0,3}}(?:{pat.pattern})", question, re.I)
               for s, pat in SERIES_PATTERNS.items() if s in series)


_ASKS = re.compile(r"\b(what|who|how|when|where|which|why)\b", re.I)  # a question sentence
# a year that names an edition: "the 2024 version", "2023 guidance", "the 2024 one"
_EDITION_NEAR = r"(?:editions?|versions?|guidance|advice|documents?|updates?|one)"


def _sentence_with(question: str, year: str) -> str:
    """The sentence of the question that holds the year."""
    return next((s.strip() for s in re.findall(r"[^?!.]+[?!.]?", question) if year in s), "")


def _asks(sentence: str) -> bool:
    return sentence.endswith("?") or bool(_ASKS.search(sentence))


def _told(question: str, year: str) -> bool:
    """The year is a detail the situation tells ("She disclosed in March 2024.", "We wrote our
    policy in 2023."): it stands in a statement, not by a word that makes it an edition's."""
    sentence = _sentence_with(question, year)
    near = rf"\b{year}\s+(?:\w+\s+)?{_EDITION_NEAR}\b|\b{_EDITION_NEAR}\s+(?:\w+\s+){{0,2}}(?:of\s+)?{year}\b"
    return not _asks(sentence) and not re.search(near, sentence, re.I)


def _dates_the_question(question: str, year: str) -> bool:
    """A bare year dates what is asked ("Back in 2010, what happened…?", "What applied in 2016?"):
    it stands in a question, after "in", "as of", "during"…; one in a statement ("a conviction
    from 2012.") or after another word is a detail of the situation."""
    asked = _sentence_with(question, year)
    return _asks(asked) and bool(re.search(
        rf"\b(in|back in|as of|as at|during|before|after|until|by|since|of)\s+(?:\w+\s+)?{year}\b",
        asked, re.I))


def _current(registry: EditionRegistry, series: list[str], today: date) -> Scope:
    docs: list[Document] = []
    pairs: list[tuple[str, str]] = []
    for s in series or registry.all_series():
        info = registry.current(s, today)
        if info:
            docs += registry.docs_for(s, info.edition)
            pairs.append((s, info.edition))
    if not docs:
        raise EditionError("No edition in the corpus is in force today; check the manifest dates.")
    return Scope(tuple(d.id for d in docs), tuple(pairs), "current", series=tuple(series))


# A preposition left with nothing to govern once the edition words are gone ("Under KCSIE 2024, …")
ORPHANED = re.compile(r"\b(?:under|in|per|as per|according to|from|using|following)\s*"
                      r"(?:[.,:;?!]|\s[-–—]\s|$)", re.I)


def strip_edition_words(question: str) -> str:
    """The question without series names and years, for retrieval."""
    text = YEAR.sub(" ", question)
    for pat in SERIES_PATTERNS.values():
        text = pat.sub(" ", text)
    if text != question:  # "Under KCSIE 2024 - what…" leaves no "Under -"
        text = ORPHANED.sub(" ", text).lstrip(" .,:;-–—")
    return " ".join(text.split())


def with_local(registry: EditionRegistry, scope: Scope, local: Sequence[Document],
               source: str = "all") -> Scope:
    """Add the local documents to a national scope. Edition words and dates do not select among
    them: a local document is left out only when it carries a date later than the date asked
    about (`--as-of`, or the end of a named edition's time in force)."""
    if source not in SOURCES:
        raise EditionError(f"Unknown source {source!r}: use one of {', '.join(SOURCES)}.")
    if source == "national":
        return replace(scope, source=source)
    limit = scope.as_of if scope.how == "as-of" else _named_end(registry, scope)
    ids = tuple(d.id for d in local if d.published is None or limit is None or d.published <= limit)
    if source == "all":
        return scope if scope.unavailable else replace(scope, local=ids)
    if not ids:
        why = ("No local documents are held: add them with `safeguide add`." if not local else
               f"No local document held is dated on or before {limit:%d %B %Y}.")
        return Scope((), (), scope.how, scope.as_of, unavailable=why, source=source)
    return Scope((), (), scope.how, scope.as_of, local=ids, source=source)


def _named_end(registry: EditionRegistry, scope: Scope) -> date | None:
    """The last day the named editions were in force (None: one is still in force)."""
    if scope.how != "named" or not scope.editions:
        return None
    ends = [e.in_force_to for s, ed in scope.editions for e in registry.editions(s) if e.edition == ed]
    return None if not ends or None in ends else max(d for d in ends if d is not None)


def series_named(text: str) -> tuple[str, ...]:
    """The guidance series the text names ("KCSIE", "Working Together")."""
    return tuple(_series_named(text))


def joined(scopes: Sequence[Scope]) -> Scope:
    """One scope holding each part's own ("named" for each part as it names it, or none)."""
    first = scopes[0]
    return Scope(tuple(dict.fromkeys(d for s in scopes for d in s.doc_ids)),
                 tuple(dict.fromkeys(e for s in scopes for e in s.editions)), "parts",
                 notices=tuple(dict.fromkeys(n for s in scopes for n in s.notices)),
                 series=tuple(dict.fromkeys(x for s in scopes for x in s.series)),
                 local=tuple(dict.fromkeys(d for s in scopes for d in s.local)), source=first.source)
