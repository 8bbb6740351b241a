"""The typed `Query`: everything later stages need from the question and the controls."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from assistant.changes import WHAT_CHANGED, topic_of
from assistant.editions import (
    EditionRegistry,
    Scope,
    joined,
    resolve,
    series_named,
    spell_editions,
    strip_edition_words,
    with_local,
    with_publication,
    years_in,
)
from assistant.exhibits import CASE_STUDY, FLOW_CHART
from assistant.glossary import expand_query
from assistant.renames import Rename, expand, outdated_terms
from assistant.text import STOPWORDS, tokens
from assistant.understand.kinds import (
    QUANTITIES,
    TIME_WORD,
    answer_shape,
    asks_changes,
    category,
    counted,
    defined_term,
    excluded,
    listed,
    listed_before,
    proposed_unit,
    question_kind,
    stated_count,
)
from assistant.understand.options import offered_names
from assistant.understand.parts import (
    REQUESTED,
    SENTENCE,
    WH_OPENING,
    asked_clause,
    heading,
    heading_of,
    needs_antecedent,
    requested_topic,
    split_parts,
)
from assistant.understand.sections import section_names, table_sections
from assistant.understand.shorthand import ACRONYMS, spell_shorthand
from corpus.manifest import Document

# a child telling someone what happens to them: "a 10-year-old just told me her dad hits her"
_CHILD = (r"(child|kid|pupil|student|girl|boy|lad|son|daughter|teenager|toddler|"
          r"\d{1,2}[- ]?(yo|y/o|years?[- ]old)|y(ear)? ?\d{1,2} (girl|boy|pupil|student|lad|child|kid))")
# …not one who is told, nor one who has not said ("is told to keep quiet", "hasn't said")
DISCLOSURE = re.compile(rf"\b{_CHILD}s?\b[^.?!]{{0,80}}?"
                        r"(?<!\bis )(?<!['’]s )(?<!\bwas )(?<!\bbeen )(?<!\bbeing )"
                        r"(?<!n['’]t )(?<!\bnot )(?<!\bnever )(?<!\bhardly )(?<!\brarely )"
                        r"\b(told|tells|has told|disclosed|discloses|said|says|"
                        r"confided|mentioned|admitted|showed)\b", re.I)
# "What should I do?" names no topic; the guidance's own action passages are what it asks for.
PROCEDURE_HINT = ("If you have any concerns about a child's welfare, act on them immediately: follow "
                  "your organisation's child protection policy and speak to the designated "
                  "safeguarding lead; where a child is suffering or likely to suffer harm, make a "
                  "referral to local authority children's social care and, if appropriate, the police")


DIFFERENCE = re.compile(r"differences?\s+between|\bdifferent$", re.I)
# the exhibit a question asks about, one named ("…has a case study like this", "the WT flowchart");
# not the kind in general ("the case studies in Part 5"), nor a likeness ("reads like a flowchart")
# a worked example the guidance tells is one too ("has worked examples", "a KCSIE example like this")
EXHIBITS = ((CASE_STUDY, re.compile(r"(?<!like a )\bcase[- ]study\b|\bworked examples?\b"
                                    r"|\bexamples? like (?:this|that|it|ours|mine)\b", re.I)),
            (FLOW_CHART, re.compile(r"(?<!like a )\bflow ?chart\b", re.I)))
VERB_CHANGE = re.compile(r"change\s", re.I)  # singular "change": a verb unless a determiner precedes it
DETERMINER_BEFORE = re.compile(r"\b(?:a|an|the|any|this|that|no|one|each|every|what|which|main|key|big|"
                               r"major|latest|recent|last|significant)\s+$", re.I)
STATEMENT_END = re.compile(r"[.!]+['’\"”)]*\s*$")  # a sentence told, not asked
IN_THE_LAW = re.compile(r"(?:\s+(?:in|to))?\s+(?:the\s+)?(?:law|legislation)\b", re.I)
# "where is the table of what's changed?" asks where a part of the document is, not for a comparison
PART_OF = re.compile(r"\b(?:table|list|summary|annex|section|page|record)\s+"
                     r"(?:of|on|showing|setting\s+out)\s+$", re.I)
# "What changes did KCSIE 2025 make…?", "What were the substantive changes 2024 made…?": with a year
CHANGES_MADE = re.compile(r"\bwhat\s+(?:(?:were|have\s+been)\s+(?:the\s+)?(?:\w+\s+)?changes\b|"
                          r"(?:\w+\s+)?changes\s+(?:did|were|have|has)\b|did\s+[^?]{1,40}?\bchange\b)", re.I)
ACRONYM_WORD = re.compile(r"\b[A-Z][A-Z0-9]*[A-Z][A-Z0-9]*\b")  # "NICCO", "DSL", "LSCB", "CAMHS"
EDITION_WORD = re.compile(r"\b(editions?|versions?|updates?|updated|revis(ed|ion)|previous|new(er)?|"
                          r"old(er)?|latest|current|last year)\b", re.I)


@dataclass(frozen=True)
class Part:
    """One thing the question asks."""

    text: str
    kind: str  # fact | list | procedure | definition (general: the general steps on a concern)
    shape: str | None  # duration, number, age, date, who, yes-no, money, percent, phone, hours
    search: str  # the retrieval text: edition words out, abbreviations and renamed terms expanded
    also: str = ""  # a second search that widens the candidates (procedure: the action passages)
    asked: str = ""  # the retrieval text without the situation (or words carried from the part
    # before): what support is measured on
    counted: str = ""  # what a "how many / how much" part counts ("members"): the number is about it
    listed: str = ""  # what a list part asks for ("which checks…"): the items a lead-in brings
    unit: str = ""  # the unit of a time the part proposes ("is it 72 hours?"): a stated time must use it
    follows: bool = False  # refers back to the part before ("who can we ring about this?")
    count: int = 0  # the size of the set the part names ("the 4 Cs"): a sentence stating it answers
    told: bool = False  # a "what should I do" after a child told of harm: the general steps come first
    excluded: str = ""  # what the asker rules out ("not the county lines-only ones"): lists of it go down
    sections: tuple[str, ...] = ()  # the parts of a document it names ("Annex B"): answered from there
    category: str = ""  # the kind it asks whether something is ("domestic abuse"): its definition decides
    # the bodies it names by acronym, each with its spellings ((("NICCO",), ("DSL", "designated
    # safeguarding lead")): a quantity stated of something else answers no "what's the NICCO number?"
    named: tuple[tuple[str, ...], ...] = ()
    # its own editions, when the parts of its question name different ones ("…under WT 2023, and who
    # were they under WT 2018?"); None: the question's
    scope: Scope | None = None
    # what the question asks about, in this part or before it: a case study the guidance tells ("KCSIE
    # has a case study like this - what did the school do?") or a flow chart it draws; "" for neither
    exhibit: str = ""
    defined: tuple[str, ...] = ()  # the spellings of the term a "what is X?" asks about
    offered: tuple[str, ...] = ()  # the products it offers as options ("Smoothwall, Lightspeed…")
    timed: bool = False  # asked in days, weeks…: a time stated counts as its answer's quantity
    changes: bool = False  # asks about changes: the lines of a table of changes answer it
    heading: str = ""  # how its answer is headed in a multi-part answer: the part asked as a question


@dataclass(frozen=True)
class Query:
    """A question parsed once, with the controls it was asked under."""

    question: str
    scope: Scope
    kind: str  # fact | list | procedure | definition | multi-part | what-changed | outside
    parts: tuple[Part, ...]
    situation: str = ""
    outdated: tuple[tuple[str, Rename], ...] = ()
    years: tuple[str, ...] = ()
    topic: str | None = None  # what-changed: the subject, without edition, date and change words
    # the sentences that name the exhibit asked about: they describe it ("KCSIE's case study about
    # a girl touched on the bus"), when the parts ask what it says
    exhibit_named: str = ""
    # what-changed: the parts of the document the question names ("Part two", "the annexes"), whose
    # lines of the table of changes answer it
    changed_sections: tuple[str, ...] = ()

    @property
    def search(self) -> str:
        """Retrieval text for the whole question."""
        return " ".join(dict.fromkeys(p.search for p in self.parts))

    @property
    def shape(self) -> str | None:
        return self.parts[0].shape if len(self.parts) == 1 else None


def analyse(question: str, registry: EditionRegistry, renames: tuple[Rename, ...],
            abbreviations: dict[str, str], today: date, edition: str | None = None,
            as_of: date | None = None, source: str = "all",
            local: Sequence[Document] = (),
            senses: Callable[[str, tuple[str, ...]], dict[str, str]] | None = None) -> Query:
    """Build the Query: edition scope (with the local documents `source` allows), kind, parts with
    their answer shapes, renamed terms. The question is read with short edition names spelt out
    ("WT23" -> "WT 2023"); the Query keeps it as asked. `senses`: the abbreviations as the
    question means them, given the documents in its scope."""
    as_asked, question = question, spell_editions(question)
    edition = spell_editions(edition) if edition else edition
    scope = resolve(registry, question, edition, as_of, today) if source != "local" else (
        _local_only(as_of))
    scope = with_local(registry, with_publication(registry, scope, question), local, source)
    if senses is not None:
        abbreviations = senses(question, scope.doc_ids)
    hits = tuple(outdated_terms(question, renames, abbreviations))
    years = tuple(years_in(question))
    if scope.unavailable:
        return Query(as_asked, scope, "outside", (), outdated=hits, years=years)
    situation, texts, nears = split_parts(question)
    texts, opened = _dash_opened(texts)
    nears = nears if len(nears) == len(texts) else [""] * len(texts)
    topic = heading(question)  # a topic heading belongs to every part
    built: list[Part] = []
    for text, near in zip(texts, nears, strict=True):
        built.append(_part(text, built[-1] if built else None, situation, hits, renames, abbreviations,
                           bool(topic), near))
    parts = _under_umbrella(tuple(built), opened)
    if len(parts) > 1 and (requested := requested_topic(question)):  # "Can you list the basics…: where…"
        parts = tuple(replace(p, search=f"{p.search} {' '.join(_new_words(requested, p.search))}")
                      for p in parts)
    own = (_part_scopes(parts, situation, question, registry, today, local, source)
           if len(parts) > 1 and not edition and not as_of and source != "local" else None)
    if _asks_what_changed(question, years) and not _changes_dated_later(own, f"{situation} {parts[0].text}"):
        # one question is one comparison, searched with all its words; answered from what an edition
        # says, it keeps its reading ("…says a list of questions was added - what were they?": a list)
        one = (replace(parts[0], search=_search(question, hits, renames, abbreviations)),)
        return Query(as_asked, scope, "what-changed", one if len(parts) == 1 else parts, situation,
                     outdated=hits, years=years, topic=topic_of(question),
                     changed_sections=table_sections(question))
    if own is not None:
        parts = tuple(replace(p, scope=s) for p, s in zip(parts, own, strict=True))
        scope = joined(own)
    kind = "multi-part" if len(parts) > 1 else parts[0].kind
    return Query(as_asked, scope, kind, parts, situation, hits, years, exhibit_named=_naming(question))


def _changes_dated_later(own: list[Scope] | None, first: str) -> bool:
    """"(1) what does the 1989 Act require…? (4) what changed in 2017?": the change is asked of a
    date only a later part names, so the parts before it keep the edition in force. A change between
    named editions ("…, and what changed from 2024?") is one comparison, as is one asked first."""
    return (own is not None and not _asks_what_changed(first, tuple(years_in(first)))
            and all(s.how != "named" for s in own))


def _part_scopes(parts: tuple[Part, ...], situation: str, question: str, registry: EditionRegistry,
                 today: date, local: Sequence[Document], source: str) -> list[Scope] | None:
    """Each part's editions when its parts name different ones: an edition named before or in the
    first part frames the question; a later part that names its own is answered from it (read with
    the series the question names), and one that refers back to it ("what did it say…") from the
    same. None when every part has the question's editions."""
    if not any(years_in(p.text) for p in parts[1:]):  # only a later part's own year sets it apart
        return None
    series = series_named(question)
    frame = resolve(registry, f"{situation} {parts[0].text}", today=today, series=series)
    scopes: list[Scope] = []
    for n, part in enumerate(parts):
        if n and years_in(part.text):
            scopes.append(resolve(registry, part.text, today=today, series=series))
        else:
            scopes.append(scopes[-1] if n and part.follows else frame)
    if any(s.unavailable for s in scopes) or len({(s.doc_ids, s.editions) for s in scopes}) < 2:
        return None
    return [with_local(registry, s, local, source) for s in scopes]


def _asks_what_changed(question: str, years: tuple[str, ...]) -> bool:
    """Changes between editions are asked for; "the difference between safeguarding and child
    protection" compares two ideas, not two editions, unless an edition or year is named."""
    # "…and what changed in the law?" asks what the guidance says of a change in the law
    found = [m.group(0) for m in WHAT_CHANGED.finditer(question) if not IN_THE_LAW.match(question, m.end())
             and not PART_OF.search(question, 0, m.start()) and not _told_verb(question, m)]
    if years and CHANGES_MADE.search(question):
        return True
    if not found:
        return False
    # "what's different for teachers when it comes to FGM" asks of a role, not of two editions
    return bool(years or EDITION_WORD.search(question)) or any(not DIFFERENCE.search(f) for f in found)


def _told_verb(question: str, found: re.Match[str]) -> bool:
    """The verb in a statement: "…helping the Y1s change in and out of costumes." tells of something
    else; asked ("Did the rules change in 2025?") or a noun ("the change in…") it is a change."""
    if VERB_CHANGE.match(found.group(0)) is None or DETERMINER_BEFORE.search(question, 0, found.start()):
        return False
    told = next((s for s in SENTENCE.finditer(question) if s.start() <= found.start() < s.end()), None)
    return told is not None and STATEMENT_END.search(told.group(0)) is not None


def _local_only(as_of: date | None) -> Scope:
    """Local documents only: no national edition is resolved (a date still limits them)."""
    return Scope((), (), "as-of" if as_of else "current", as_of)


def _part(text: str, prior: Part | None, situation: str, hits: tuple[tuple[str, Rename], ...],
          renames: tuple[Rename, ...], abbreviations: dict[str, str], topic: bool = False,
          near: str = "") -> Part:
    """One part, read with the situation told and the part asked before it (`prior`); `near`: what
    was told just before it, after the part before ("Nothing seems to be improving for her. what
    should I do about that?"): what it refers back to, and judged with its words."""
    before = prior.text if prior else ""
    asked = asked_clause(text)
    shape = answer_shape(asked)
    kind = question_kind(asked, shape, bool(situation))
    plural = listed_before(asked, f"{situation} {before}")
    kind = "list" if plural else kind
    search = text
    follows = bool(before) and needs_antecedent(text) and not near
    if follows:  # "is it a criminal offence?" after "what is upskirting"
        search = f"{text} {' '.join(_new_words(before, text))}"
    full = _search(search, hits, renames, abbreviations)
    asked_search = _search(f"{near} {text}".strip(), hits, renames, abbreviations)
    if situation and (kind == "procedure" or topic or near or _leans_on(text, situation)):
        full = _search(" ".join(t for t in (situation, near, search) if t), hits, renames, abbreviations)
    also = PROCEDURE_HINT if kind == "procedure" else ""
    return Part(text, kind, shape, full, also, asked_search, counted(asked),
                plural or (listed(asked) if kind == "list" else ""),
                # "missing for 10 days - what should we do?": a time the situation tells, not an answer
                "" if kind == "procedure" else proposed_unit(asked), follows,
                # "…the three domains - what are they?": the set is named, and sized, before
                stated_count(asked) or (stated_count(f"{situation} {before}") if plural else 0),
                kind == "procedure" and bool(DISCLOSURE.search(f"{situation} {text}")),
                excluded(text) or excluded(situation),
                section_names(text) or section_names(situation),
                category(asked) if shape == "yes-no" else "",
                _named(text, abbreviations) or _carried_names(prior, shape, follows, abbreviations),
                exhibit=_exhibit(f"{situation} {text}") or (prior.exhibit if prior else ""),
                defined=defined_term(asked_search), offered=offered_names(asked_search),
                timed=bool(TIME_WORD.search(text)), changes=asks_changes(text),
                heading=heading_of(text))


# "Can you list everything WT23 says independent scrutiny should do - what it should drive, how it
# fits with inspections…": a request, a dash, then the things it asks of its subject
UMBRELLA = re.compile(r"^(?P<head>[^-–—?]{10,160}?)\s[-–—]\s+(?=\w)")


def _dash_opened(texts: list[str]) -> tuple[list[str], str]:
    """"Can you list what KCSIE says about cybercrime - what it is, what…, and where…?": the request
    before the dash is asked on its own, and the questions after it ask of its subject (returned)."""
    m = UMBRELLA.match(texts[0]) if len(texts) > 2 else None
    if not m or not WH_OPENING.match(texts[0], m.end()) or not REQUESTED.search(m.group("head")):
        return texts, ""  # "How should I review the plan - what am I looking for…": one question
    return [m.group("head").strip(), texts[0][m.end():].strip(), *texts[1:]], m.group("head")


def _under_umbrella(parts: tuple[Part, ...], opened: str = "") -> tuple[Part, ...]:
    """The parts after a request and its dash ask about what the request is about: they are searched
    with its words too, and keep its section. The dash opens those questions when a question follows
    it (`opened`: the request, asked apart) or the second question refers back; when that second
    question refers back ("…should do - what it should drive, what learning it should consider, …")
    only parts that refer back are widened, otherwise every one. (Dev: any part referring back as
    the cue, −1; the second part, no item moved.)"""
    if opened:  # the first question after the dash is parts[1]; the second, parts[2]
        head, second = opened, parts[2]
    else:
        m = UMBRELLA.match(parts[0].text) if len(parts) > 2 else None
        if not m or not (parts[1].follows or WH_OPENING.match(parts[0].text, m.end())):
            return parts
        head, second = m.group("head"), parts[1]
    head = strip_edition_words(head)
    every = not second.follows  # the questions run on from the dash: each asks of its subject
    return parts[:1] + tuple(replace(p, search=f"{p.search} {' '.join(_new_words(head, p.search))}",
                                     sections=p.sections or parts[0].sections)
                             if p.follows or every else p for p in parts[1:])


def _new_words(source: str, text: str) -> list[str]:
    """The words of `source`, stopwords aside, that `text` does not hold."""
    return [w for w in re.findall(r"[\w'’-]+", source)
            if w.lower() not in STOPWORDS and w.lower() not in text.lower()]


def _exhibit(text: str) -> str:
    """The kind of exhibit the text asks about, the first it names; "" for none."""
    found = [(m.start(), kind) for kind, pattern in EXHIBITS if (m := pattern.search(text))]
    return min(found)[1] if found else ""


def _naming(question: str) -> str:
    """The question's sentences that name an exhibit, or ""."""
    return " ".join(s.strip() for s in SENTENCE.findall(question) if _exhibit(s))


def _named(text: str, abbreviations: dict[str, str]) -> tuple[tuple[str, ...], ...]:
    """The acronyms the text asks about (edition names are not among them), each with its
    spellings: as typed, and spelt out where the corpus or practice spells it."""
    found = dict.fromkeys(ACRONYM_WORD.findall(strip_edition_words(text)))
    return tuple((a, *(s for s in (abbreviations.get(a), ACRONYMS.get(a)) if s)) for a in found)


def _carried_names(prior: Part | None, shape: str | None, follows: bool,
                   abbreviations: dict[str, str]) -> tuple[tuple[str, ...], ...]:
    """"What's the NICCO helpline number, and what hours is it open?": a quantity asked of what a
    quantity part before named is asked of the same body. Not after another kind of part ("is it
    the LADO who investigates? And how often should the case be reviewed?")."""
    if prior is None or not (follows and shape in QUANTITIES and prior.shape in QUANTITIES):
        return ()
    return _named(prior.text, abbreviations)


PLACE_WORDS = frozenset({"annex", "part", "chapter", "section", "appendix", "paragraph", "page", "guidance",
                         "edition", "version", "document"})


def _leans_on(text: str, situation: str) -> bool:
    """The part needs its situation to be understood: it is short, refers back ("is it…", "for
    them"), or speaks of what the situation told ("…our yearly safeguarding report. What else is
    the report supposed to include?")."""
    # a section both name ("Annex A") is where to look, not what the situation is about
    return (len(tokens(text)) < 4 or needs_antecedent(text)
            or bool((set(tokens(text)) & set(tokens(situation))) - PLACE_WORDS))


def _search(text: str, hits: tuple[tuple[str, Rename], ...], renames: tuple[Rename, ...],
            abbreviations: dict[str, str]) -> str:
    # shorthand after the edition words are out: "info sharing advice" is a topic, not a title
    query = expand_query(spell_shorthand(strip_edition_words(text) or text, abbreviations), abbreviations)
    return expand(query, list(hits), renames)
