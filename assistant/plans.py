"""Answer plans: which verbatim stretches of the candidate passages answer a part, by its kind.

- fact: the sentence holding the asked-for shape, with the sentence before it when it leans on it;
- list: the lead-in and every item, as one quote, never cut mid-list;
- procedure: the guidance's own steps, in its order, immediate-danger steps first;
- definition: the guidance's own definition of the term.
Every plan returns whole sentences (or whole lists), so a quote never starts or ends mid-sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache

import numpy as np

from assistant.evidence import DIRECTORY_NAME, DIRECTORY_SHARE, AnswerContext, Unit, coverage, entry_lines
from assistant.exhibits import CASE_STUDY, FLOW_CHART, example, exhibit_chunk
from assistant.glossary import spelled_out
from assistant.sentences import Sentence, sentences
from assistant.terms import asks_for_kinds, term_run
from assistant.text import normalise, tokens
from assistant.understand.kinds import ANSWER_SHAPES, DAYS_OF, NUM, QUANTITIES, count_pattern
from assistant.understand.sections import in_section
from ingest.records import Chunk
from ingest.segment import BULLET_CLASS, ENTRY, FLOW_CHART_TITLE, FOOTNOTES, ITEM_MARK, NUMBER_MARK, chart_box

# a sentence that sorts the things the one before named: "Some of these will be charities."
_SUBSET = r"(some|many|most|all|each|both|one|none|several) of (these|them|those)"
LEANS_BACK = re.compile(r"^(this|these|that|those|it|they|such|in (this|these|such) cases?|if (so|this|not)|"
                        r"however|otherwise|where this|as such|in addition|also|then|"
                        # connectives that carry on from what went before ("Alternatively, the person…")
                        r"alternatively|similarly|likewise|instead|conversely|therefore|thus|consequently|"
                        r"nevertheless|nonetheless|furthermore|moreover|accordingly|as a result|for example|"
                        r"for instance|in (such|these|those) circumstances|(if|where) these|"
                        rf"in particular|{_SUBSET})\b", re.I)
SUBSET = re.compile(rf"^{_SUBSET}\b", re.I)
# "will" directs ("the DSL will liaise…"), unless it tells what tends to happen ("offenders will often…")
_TOLD = (r"(act|speak|tell|refer|call|contact|report|record|listen|reassure|do not|never|ensure|consider|"
         r"make|seek|share|inform|discuss)")
# a modal, or an imperative: at the start, after "please", or after a condition ("If you feel your
# pupils are at risk, please report it to…", "Where a child is in danger, call 999")
DIRECTIVE = re.compile(r"\b(should|must|will(?! (often|usually|sometimes|typically|frequently|rarely|"
                       r"commonly|tend|likely))|need to|needs to|ought to|expected to|recommends?|"
                       rf"recommended|advised?)\b|^{_TOLD}\b|\bplease\s+{_TOLD}\b"
                       rf"|^(?:if|where|when)\b[^,]{{1,150}},\s+{_TOLD}\b", re.I)
DANGER = re.compile(r"\bimmediate(ly)? (danger|risk|harm)|\b999\b|\bin danger\b", re.I)
# the verbs a definition question asks with ("what does 'reasonable force' cover?") define too
DEFINES = re.compile(r"^[^.;]{0,90}?(\b(is|are|means|refers to|is defined as|describes|includes|covers|"
                     r"involves|comprises|consists of)\b|:|(?<=\w)\s[-–](?=\s))\s",
                     re.I)
PARAGRAPH_NUMBER = re.compile(r"^\s*\d{1,3}\.\s+")  # "28. " opening a numbered paragraph
PARAGRAPH_OPENS = re.compile(r"(?:^|\n)\s*\d{1,3}\.\s+$")  # …in the gap before a sentence
# "Radicalisation 150 is the process…": a term (a footnote number may follow it) then a defining verb
DEFINED_TERM = re.compile(r"\b([A-Za-z][\w-]+)(?:\s+\d{1,3})?\s+"
                          r"(?:is|are|means|refers to|is defined as|comprises|consists of)\s")
# a sentence that sends the reader elsewhere ("See page 67 for further information about…", "The full
# legal definition … is set out in Schedule 4…") points to a definition; it is not one
POINTER = re.compile(r"\b((further|more|additional) (details|information|guidance|advice)|"
                     r"(is|are) set out in|can be found|(is|are) available (here|at|from)\b|"
                     r"see (page|paragraph|annex|part|chapter|section)s?\b)"
                     r"|\b(below|above)\.$", re.I)
# "…is defined for the purposes of this guidance as:" defines more surely than "…is everyone's
# responsibility" (dev: no answer changed)
EXPLICIT = re.compile(r"\b(is|are) defined\b|\bmeans\b|\brefers? to\b", re.I)
EXPLICIT_BONUS = 0.05
READING = re.compile(r"\W*(\d{1,3}\.\s+)?(further|more|additional) (details|information|guidance|advice|"
                     r"support)\b", re.I)
DEFINITION_CHARS = 520  # a definition runs on through its paragraph up to this length
DEFINITION_LIST_CHARS = 900  # …and into the list that ends it, up to this length
SENTENCE_CLOSE = re.compile(r"[.?!;][\"”’)]*\s*$")  # a finished sentence; a lead-in's ":" goes on
LEAD_WITH_ITEMS = re.compile(rf":\s*\n\s*{BULLET_CLASS}\s")  # "…include:\n• …": a lead-in and its items
CHANGE_TABLE = re.compile(r"\btable of (substantive )?changes\b", re.I)  # an annex listing the changes
LINK = re.compile(r"https?://|\bwww\.|\.(gov|org|co)\.uk\b|\| ICO\b", re.I)  # a pointer to a web page
FIGURE = re.compile(r"\bflow ?charts?\b|\bfigure \d|\bdiagram\b", re.I)  # boxes restating the text
ITEM_TAIL = 4  # sentences that may finish a list item before the next (dev: 2 -> 3 +1, 4 +1 more, 5 = 4)
DIRECTORY_ENTRIES = 3  # a chunk with fewer entries is not read as a directory
TITLE_CHARS = 110  # a heading line is no longer than this
LIST_CHARS = 2400  # a longer list is quoted to an item boundary, and the answer says so
# "…may choose to undertake a review in these or other circumstances": it speaks of the cases before
REFERS_BACK = re.compile(r"\b(in|under|for|of) (these|such|those|this|that) (or other |or similar )?"
                         r"(cases?|circumstances|situations?|instances?|incidents?)\b", re.I)
FOLLOW_SENTENCES = 2  # a fact's sentence with this many after it that go on from it ("This may…")
GAP_SENTENCES = 1  # a fact's two quotes of one chunk this few sentences apart: the skipped ones too
ADDS_TO = re.compile(r"\balso\b|^(in addition|further|additionally)\b", re.I)  # a lead-in adding a list
PROSE_ITEMS = 2  # a list told in sentences goes on for at least this many after its first
DEFINITE = re.compile(r"^(?:the|such|these|those|this|each|both)\s+(\w+)", re.I)  # "The activities may…"
LEAD_AHEAD = 2  # a list question's sentence runs on into a list whose lead-in is this many sentences on
INLINE_VERB = re.compile(r"\b(?:include|includes|including|such as|namely)\b:?\s", re.I)
INLINE_ITEMS = 3  # an inline list names at least this many things
INLINE_LEAD_CHARS = 120  # …after a lead-in of one clause, this long at most
LIST_FLOOR = 0.6  # a list question's list may score this share of the best sentence
NUMBERED_LINE = re.compile(rf"(?:^|\n)[ \t]*{NUMBER_MARK}")  # a numbered list's line, its number
INLINE_MARK = re.compile(r"(?:^|[\s(])(?:[a-h]|[ivx]{1,4})\)\s")  # "a) physical abuse; b) …"
STEPS = 6  # a procedure quotes at most this many steps (dev: 5 → 6 +1 scenario, none lost; 7 the same)
RESTATED = 0.9  # a quote this much of whose words an earlier quote of its document has says it again
STEP_RATIO = 0.75  # a step scores at least this share of the best step
GENERAL_STEP_COUNT = 3  # the guidance's general steps on a concern: act, tell the DSL, refer
GENERAL_STEP_RATIO = 0.6  # …each a sentence of one passage: its steps match the concern unevenly
LIST_BONUS = 0.03  # a list question's sentences that bring a bulleted list
NAMED_LIST_BONUS = 0.1  # …and more when the lead-in names what is asked for ("the following checks")
NAMED_WORDS = 2  # the rare asked words an item must share with the best one to be listed with it
NAMED_ITEMS = 2  # …and the items that must, for a list of them to answer
RARE_IDF = 2.0  # an asked word this rare in the corpus names what a lead-in is about
RUN_CHARS = 2000  # a procedure's best step runs on through its section up to this length
# a procedure step in a numbered paragraph this short is quoted whole (dev: 700 → 1,500 +2 scenarios)
PARAGRAPH_CHARS = 1500
# …and a fact's sentence in one this short (dev: 500 +2 items, none lost; 700 +8 more, none lost;
# 1,000 +8 more, none lost, median fact answer +20 characters; 1,500 +11 at +105 characters)
FACT_PARAGRAPH_CHARS = 1000
SHAPE_WINDOW = 8  # top units searched for the asked-for shape before calling it a gap
LINK_PENALTY = 0.05  # a pointer to a web page answers little (dev: +1 item, none lost)
HEAD_END = re.compile(r"[.:;](?=\s|$)")  # where a numbered item's opening line ends
HEAD_CHARS = 400  # …or this far into it
HEAD_CHUNKS = 30  # the most further chunks a numbered list's items are looked for in (its items may
# head pages of text each: "1. Manage internally" … "4. Reporting to the police")
# a footnote on a case the question does not name ("When a school has a sole proprietor…, the DSL…")
# answered DSL questions; dev: −1, an item that passed by quoting it for "who should be the DSL?"
CONDITION = re.compile(r"^(?:\d{1,3}\s+)?(?:when|where|if|in cases where|unless)\b([^,;:]{5,160}),", re.I)
OTHER_CASE_PENALTY = 0.1
CATEGORY_BONUS = 0.1  # a sentence defining the kind a yes/no part asks about (as a definition's)
ASKED_WEIGHT = 0.1  # half the score's lexical weight, moved from the situation's words to the asked ones
# a sentence that is itself a question (a Q&A's "Will these changes be more onerous…?** A.", a checklist's
# "Does the victim have a disability…?") asks what the part asks; it does not answer it (a list of
# questions to consider, bulleted, is what a list part asks for)
ASKS_BACK = re.compile(r"\?[*”’\"')\s]*(?:A\.)?\s*$")
QUESTION_PENALTY = 0.1
SECTION_PENALTY = 0.2  # a sentence outside the section the question names ("Annex B")
EXCLUDED_PENALTY = 0.2  # what the asker ruled out ("not the county lines-only ones") is not the answer
OTHER_CASE_SHARE = 0.2
CONTEXT_RATIO = 0.6  # a part's further sentence of a passage it quotes, scoring this share of the best
LAW_RATIO = 0.75  # a "which law" part's sentence naming a law, beside a best quote naming none
CHART_BOXES = 20  # a flow chart asked about is quoted box by box, up to this many boxes
COUNTED_SPAN = 40  # characters either side of a number within which the thing it counts is named
TIME_UNIT = re.compile(r"[- ]*(?:(?:working|calendar|school)\s+)?(?:day|week|month|year|hour)s?\b", re.I)
LEADING_MARK = re.compile(r"^\s*\d{1,3}(?:\.\s+|\s+(?=[A-Z]))")  # "120. " or a footnote's "31 "
EXHIBIT_BONUS = 0.1  # a sentence of the case study or flow chart the question asks about
EXAMPLE_PENALTY = 0.15  # a case study's story is quoted only when nothing else answers (dev: no item changed)


def _index(unit: Unit) -> int:
    sents = sentences(unit.chunk)
    return next((i for i, s in enumerate(sents) if unit.start < s.end), max(len(sents) - 1, 0))


def _is_item(unit: Unit) -> bool:
    """The unit's sentence is a bulleted list item."""
    return sentences(unit.chunk)[_index(unit)].item


def whole_list(unit: Unit, lead: int) -> tuple[Unit, bool]:
    """The lead-in sentence `lead` and every bulleted item after it; True when cut for length."""
    sents = sentences(unit.chunk)
    end = lead + 1
    while end < len(sents) and (sents[end].item or _finishes_item(unit.chunk, sents, end)):
        end += 1
    if end == lead + 1:  # no bulleted items: the list is the next sentence ("(a) …, (b) …")
        last = min(lead + 1, len(sents) - 1)
        return replace(unit, start=sents[lead].start, end=sents[last].end), False
    stop = end
    while stop > lead + 2 and sents[stop - 1].end - sents[lead].start > LIST_CHARS:
        stop -= 1
    return replace(unit, start=sents[lead].start, end=sents[stop - 1].end), stop < end


def _finishes_item(chunk: Chunk, sents: tuple[Sentence, ...], j: int) -> bool:
    """Sentence `j` belongs to the list: it goes on from an item on the item's own line, or it
    ends the item before it and the list goes on after it ("• the family moved. In such cases, …
    • the child has reached 18"): an item follows within ITEM_TAIL sentences and nothing between
    is a new lead-in."""
    if j == 0:
        return False
    if _within_item(chunk, sents, j):
        return True
    if not any(s.item for s in sents[max(0, j - ITEM_TAIL):j]):
        return False
    for s in sents[j:j + ITEM_TAIL + 1]:
        if s.item:
            return True
        if chunk.text[s.start:s.end].rstrip().endswith(":"):
            return False
    return False


def _within_item(chunk: Chunk, sents: tuple[Sentence, ...], j: int) -> bool:
    """Sentence `j` goes on from an item on the same printed line ("• the wishes of the victim.
    This is especially important…"): the item's own further sentences, however many."""
    while j > 0 and not sents[j].item:
        gap = chunk.text[sents[j - 1].end:sents[j].start]
        if "\n" in gap or not chunk.text[:sents[j].start].rstrip(" ").endswith(tuple(".!?;)”’\"")):
            return False
        j -= 1
    return sents[j].item


def _lead_index(chunk: Chunk, sents: tuple[Sentence, ...], i: int) -> int | None:
    """The last sentence before `i` that is neither an item nor the end of one: the lead-in of
    the list sentence `i` belongs to (when it ends in ":")."""
    return next((j for j in range(i - 1, -1, -1)
                 if not sents[j].item and not _finishes_item(chunk, sents, j)), None)


def complete(unit: Unit, lists: bool = False) -> tuple[Unit, bool]:
    """The unit as whole sentences: a list item with its lead-in and siblings, a sentence that
    leans on the one before with it, a lead-in with its items (with `lists`, any sentence with the
    items that follow it). True when a list was cut."""
    sents = sentences(unit.chunk)
    if not sents:
        return unit, False
    if lists and (entries := _directory(unit)) is not None:
        return entries
    i = _index(unit)
    if lists and not sents[i].item and _within_item(unit.chunk, sents, i):  # an item's further sentence
        j = next(k for k in range(i - 1, -1, -1) if sents[k].item)
        listed, cut = complete(replace(unit, start=sents[j].start, end=sents[j].end), lists)
        return replace(listed, end=max(listed.end, sents[i].end)), cut
    if sents[i].item:
        lead = _lead_index(unit.chunk, sents, i)
        if lead is not None and _ends_in_colon(unit.chunk, sents[lead]):
            return whole_list(unit, lead)
        if lists and lead is None:  # a list that opens its chunk (its lead-in ends the chunk before)
            return whole_list(unit, 0)  # from its first item
    text = unit.chunk.text[sents[i].start:sents[i].end].strip()
    if text.endswith(":") or (lists and i + 1 < len(sents) and sents[i + 1].item):
        return whole_list(unit, i)
    # "…self-declaration of their criminal record. Self-declaration is subject to… For example: •…"
    ahead = next((j for j in range(i + 1, min(i + 1 + LEAD_AHEAD, len(sents)))
                  if _introduces(unit.chunk, sents, j)), None) if lists else None
    if ahead is not None and not _paragraph_between(unit.chunk, sents, i, ahead):
        listed, cut = whole_list(unit, ahead)
        return replace(listed, start=sents[i].start), cut
    start, end = sents[i].start, max(unit.end, sents[i].end)
    if i > 0 and LEANS_BACK.match(text):
        if not sents[i - 1].item:
            start = sents[i - 1].start
        elif _list_lead(unit.chunk, sents, i - 1) is not None:  # after an item: the list, then this
            listed, cut = complete(replace(unit, start=sents[i - 1].start, end=sents[i - 1].end))
            return replace(listed, end=max(listed.end, end)), cut
    return replace(unit, start=start, end=end), False


def _paragraph_between(chunk: Chunk, sents: tuple[Sentence, ...], i: int, j: int) -> bool:
    """A numbered paragraph ("12. ") opens after sentence `i`, up to sentence `j`."""
    return any(PARAGRAPH_OPENS.search(chunk.text[sents[k - 1].end:sents[k].start])
               for k in range(i + 1, j + 1))


def _directory(unit: Unit) -> tuple[Unit, bool] | None:
    """A resource directory's entries ("Childnet – Offers a toolkit…", one a line, with no bullets)
    quoted as one list, to an entry's end; True when cut for length. None for other chunks."""
    text = unit.chunk.text
    starts = _entry_starts(text)
    if not starts:
        return None
    before = text[: starts[0]]
    long_name = ENTRY.search(before)  # "Rise Above: Free PSHE resources … – Public Health England"
    first = (0 if before.rstrip().endswith(":")  # with a lead-in before it
             else before.rfind("\n", 0, long_name.start()) + 1 if long_name else starts[0])
    ends = [s - 1 for s in starts[1:]] + [len(text.rstrip())]
    fit = [e for e in ends if e - first <= LIST_CHARS] or ends[:1]
    return replace(unit, start=first, end=fit[-1]), fit[-1] < ends[-1]


@lru_cache(maxsize=4096)
def _entry_starts(text: str) -> tuple[int, ...]:
    """Where a directory's entries start in `text`; () when it is not a directory (fewer than
    DIRECTORY_ENTRIES entries, or under a third of its lines)."""
    starts = entry_lines(text)
    if len(starts) < DIRECTORY_ENTRIES or len(starts) < DIRECTORY_SHARE * (text.count("\n") + 1):
        return ()
    return starts


def entries(text: str) -> list[str]:
    """A resource directory's text as its entries, one each ("Childnet – Offers…" with the lines it
    runs on to), after any lead-in; any other text whole."""
    starts = _entry_starts(text)
    if not starts:
        return [text]
    cuts = [0, *starts[starts[0] == 0 :], len(text)]
    return [text[a:b].strip("\n") for a, b in zip(cuts, cuts[1:], strict=False) if text[a:b].strip()]


def _list_lead(chunk: Chunk, sents: tuple[Sentence, ...], i: int) -> int | None:
    """The lead-in (a sentence ending in ":") of the list that sentence `i` belongs to, in the same
    chunk, or None: an item without one would be quoted bare, as a fragment."""
    lead = _lead_index(chunk, sents, i)
    return lead if lead is not None and _ends_in_colon(chunk, sents[lead]) else None


def _ends_in_colon(chunk: Chunk, sentence: Sentence) -> bool:
    return chunk.text[sentence.start:sentence.end].rstrip().endswith(":")


def _brings_list(unit: Unit) -> bool:
    """The unit is, or leads into, a bulleted list: a list item, a lead-in with its items, or a
    sentence just before a lead-in ("…additional barriers can exist. These can include: •…")."""
    sents = sentences(unit.chunk)
    if not sents:
        return False
    if _entry_starts(unit.chunk.text):  # a directory's entries are its list
        return True
    i = _index(unit)
    return (sents[i].item or (i + 1 < len(sents) and sents[i + 1].item)
            or _introduces(unit.chunk, sents, i + 1))


def unit_bonus(ctx: AnswerContext) -> Callable[[Unit], float] | None:
    """What the plan adds to a unit's score when ordering it (a list question: a list; a named
    section: its sentences), or None."""
    plan = _plan_bonus(ctx)
    if not ctx.sections and not _situated(ctx):
        return plan
    return lambda unit: (plan(unit) if plan else 0.0) - _outside_penalty(ctx, unit) + asked_fit(ctx, unit)


def _situated(ctx: AnswerContext) -> bool:
    """The part is searched with its situation's words, but asks in fewer of its own."""
    return ctx.asked_tokens != ctx.query_tokens


def asked_fit(ctx: AnswerContext, unit: Unit) -> float:
    """A situated part's sentences are ordered by the words it asks in as much as by every word
    of its search (the score's lexical share weighs the situation's words as the asked ones)."""
    if not _situated(ctx):
        return 0.0
    text = f"{unit.lead} {unit.text}"
    return ASKED_WEIGHT * (coverage(ctx, text, ctx.asked_tokens) - coverage(ctx, text))


def _plan_bonus(ctx: AnswerContext) -> Callable[[Unit], float] | None:
    if ctx.category:  # "does that count as domestic abuse?": the sentence saying what it is
        words = set(tokens(ctx.category))
        return lambda unit: CATEGORY_BONUS * _defines(unit.text, words)
    if ctx.kind == "list":
        return lambda unit: _list_bonus(unit, ctx.listed)
    if ctx.kind == "procedure":
        rare = _rare_asked(ctx)
        return lambda unit: _steps_bonus(unit, rare)
    return None


def _outside_penalty(ctx: AnswerContext, unit: Unit) -> float:
    """A sentence outside the section the part names ("the WT23 glossary", "Annex B") goes down, a
    footnote's too (a page's footnotes are chunked apart from its section)."""
    headings = unit.chunk.headings
    if not ctx.sections or not headings:
        return 0.0
    return SECTION_PENALTY * (not in_section(headings, ctx.sections))


def _rare_asked(ctx: AnswerContext) -> set[str]:
    """The asked words that pick out a passage ("health", "police"), not "safeguarding"."""
    return {t for t in ctx.asked_tokens if ctx.idf.get(t, RARE_IDF) >= RARE_IDF}


def _steps_bonus(unit: Unit, asked: set[str]) -> float:
    """A procedure's bonus: the unit brings a list of steps ("Health practitioners should: •…"),
    more when its lead-in names an asked word."""
    lead = _lead_in(unit)
    if lead is None or not DIRECTIVE.search(lead):
        return 0.0
    return LIST_BONUS + NAMED_LIST_BONUS * bool(asked & set(tokens(lead)))


def _list_bonus(unit: Unit, noun: str) -> float:
    """A list question's bonus: the unit brings a list, more when its lead-in names the asked noun."""
    lead = _lead_in(unit)
    if lead is None:  # "Forms of extra-familial harm include A, B, C and D." (dev +1, none lost)
        lead = inline_lead(unit.text)
    if lead is None:
        return 0.0
    return LIST_BONUS + NAMED_LIST_BONUS * (bool(noun) and set(tokens(noun)) <= set(tokens(lead)))


def inline_lead(text: str) -> str | None:
    """The words before an inline list's items ("Forms of extra-familial harm include A, B, C and
    D."): at least INLINE_ITEMS items, joined by commas and a final "and" or "or". A pointer to
    where they are set out ("Links to further guidance on forms of…, including…") lists nothing."""
    text = " ".join(text.split())
    m = INLINE_VERB.search(text)
    if not m or not 3 <= m.start() <= INLINE_LEAD_CHARS or "," in text[: m.start()].rstrip(", "):
        return None
    if POINTER.search(text):
        return None
    items = re.sub(r"\([^)]*\)", "", text[m.end():])  # "(such as county lines and …)" is one item
    last = items.rsplit(",", 1)[-1]
    # "…, Youth Offending Management Board and, where relevant, Violence Reduction Units.": the
    # last item's "and" may sit before a comma of its own
    if not re.search(r"\b(and|or)\b", last) and not re.search(r"\b(and|or),[^,]+,[^,]+$", items):
        return None
    count = items.count(",") + 1 + (not last.strip().startswith(("and ", "or ")))  # "A, B and C"
    return text[: m.start()].rstrip(", ") if count >= INLINE_ITEMS else None


def _lead_in(unit: Unit) -> str | None:
    """The words before the items of the list the unit brings, or None when it brings none."""
    if not _brings_list(unit):
        return None
    if starts := _entry_starts(unit.chunk.text):  # a directory's heading names what it lists
        return " ".join([*unit.chunk.headings[-1:], unit.chunk.text[: starts[0]]]).strip()
    whole, _ = complete(unit, lists=True)
    items = next((s.start for s in sentences(whole.chunk) if s.item and s.start >= whole.start), whole.end)
    return whole.chunk.text[whole.start:items]


def _introduces(chunk: Chunk, sents: tuple[Sentence, ...], j: int) -> bool:
    """Sentence `j` is a lead-in (ending in ":") with bulleted items after it."""
    return (j + 1 < len(sents) and not sents[j].item and sents[j + 1].item
            and chunk.text[sents[j].start:sents[j].end].rstrip().endswith(":"))


def fragment(text: str) -> bool:
    """Starts mid-sentence or ends on a joining word: a poor first line."""
    text = text.strip()
    return (not text or text[0].islower() or text.rstrip("”’\"'").endswith((",", ":", ";"))
            or bool(re.search(r"\b(and|or|the|of|to)$", text)))


def _as_quoted(text: str) -> str:
    """A lead-in scored with its first items is quoted with all of them: judge its start only."""
    return text[:1] if LEAD_WITH_ITEMS.search(text) else text


def _order(ctx: AnswerContext, bonus: np.ndarray | None = None) -> list[int]:
    """Best first: fragments, footnotes (references, more so on a case the question does not name),
    links, case studies (examples) and, unless changes are asked about, the lines of a table of
    changes go down."""
    scores = ctx.scores + (bonus if bonus is not None else 0.0)
    penalty = np.array([_footnote_penalty(ctx, u) + 0.05 * fragment(_as_quoted(u.text))
                        + EXAMPLE_PENALTY * ((example(u.chunk) and ctx.exhibit != CASE_STUDY)
                                             or (not ctx.changes and change_note(u.chunk)))
                        + EXCLUDED_PENALTY * _another_exhibit(ctx, u)
                        + 0.05 * (any(FIGURE.search(h) for h in u.chunk.headings[-1:])
                                  and u.chunk.chunk_id not in ctx.exhibited)
                        - EXHIBIT_BONUS * (u.chunk.chunk_id in ctx.exhibited)
                        + LINK_PENALTY * bool(LINK.search(u.text))
                        + QUESTION_PENALTY * (bool(ASKS_BACK.search(u.text)) and not _is_item(u))
                        + EXCLUDED_PENALTY * _ruled_out(ctx, u) + _outside_penalty(ctx, u)
                        - asked_fit(ctx, u)
                        for u in ctx.units])
    return [int(i) for i in np.argsort(-(scores - penalty), kind="stable")]


def _another_exhibit(ctx: AnswerContext, unit: Unit) -> bool:
    """The unit is of a case study (or flow chart) other than the one the question asks about."""
    return (bool(ctx.exhibited) and unit.chunk.chunk_id not in ctx.exhibited
            and exhibit_chunk(ctx.exhibit, unit.chunk))


def _ruled_out(ctx: AnswerContext, unit: Unit) -> bool:
    """The unit is, or brings, a list about what the asker ruled out ("not the county lines-only
    ones" → "Some additional specific indicators … involvement in county lines are children who:"):
    its lead-in holds every rare word of it."""
    if not ctx.excluded or not (lead := unit.lead or _lead_in(unit)):
        return False  # a sentence naming it may set it aside ("Whilst the age… there are other factors")
    words = set(tokens(ctx.excluded))
    rare = {w for w in words if ctx.idf.get(w, RARE_IDF) >= RARE_IDF} or words
    return bool(rare) and rare <= set(tokens(lead))


def _footnote_penalty(ctx: AnswerContext, unit: Unit) -> float:
    """A footnote is a reference, more so one on a case the question does not name."""
    if FOOTNOTES not in unit.chunk.headings:
        return 0.0
    return 0.05 + OTHER_CASE_PENALTY * _other_case(ctx, unit.text)


def _other_case(ctx: AnswerContext, text: str) -> bool:
    """The sentence opens on a case the question does not name ("When a school has a sole
    proprietor rather than a governing body, …"): under a fifth of the condition's weight (idf) is
    in the question's words."""
    m = CONDITION.match(text)
    if not m:
        return False
    words = sorted(set(tokens(m.group(1))))
    total = sum(ctx.idf.get(t, 1.0) for t in words) or 1.0
    return sum(ctx.idf.get(t, 1.0) for t in words if t in ctx.query_tokens) / total < OTHER_CASE_SHARE


def change_note(chunk: Chunk) -> bool:
    """The chunk is a line of an edition's table of changes ("Page 40 Para 143 – Link added…"):
    it says what changed, not what the guidance asks."""
    return any(CHANGE_TABLE.search(h) for h in chunk.headings[:1])


def _pick(ctx: AnswerContext, order: list[int], limit: int, ratio: float,
          accept: Callable[[Unit], bool] | None = None, lists: bool = False) -> list[tuple[Unit, bool]]:
    chosen: list[tuple[Unit, bool]] = []
    seen: set[str] = set()
    best = float(ctx.scores[order[0]]) if order else 0.0
    for i in order:
        if len(chosen) == limit:
            break
        if chosen and float(ctx.scores[i]) < ratio * best:
            break
        unit = ctx.units[i]
        if accept is not None and not accept(unit):
            continue
        whole, cut = complete(unit, lists)
        key = normalise(whole.text)
        if key in seen or bare_title(whole):
            continue
        seen.add(key)
        if any(restates(whole, c) for c, _ in chosen):
            continue
        _join(chosen, whole, cut)
    return chosen


def bare_title(unit: Unit) -> bool:
    """The stretch is a heading line on its own ("Responding to the report", glued to the end of
    the section before): it answers nothing, so it is never quoted."""
    text, chunk = unit.text, unit.chunk.text
    before, after = chunk[: unit.start], chunk[unit.end :]
    whole_line = ((before.rstrip(" ").endswith("\n") or not before.strip())
                  and (after.lstrip(" ").startswith("\n") or not after.strip()))
    return (whole_line and text.count("\n") <= 1 and len(text) <= TITLE_CHARS and text[:1].isupper()
            and not re.search(r"[.!?;:,)”’\"']$", text)
            and not (chart_box(unit.chunk) and not FLOW_CHART_TITLE.match(text)))  # a flow chart's box


def _step(unit: Unit) -> bool:
    """A step of a procedure: a directive sentence of the guidance's text, not a footnote, nor a
    pointer to further reading ("Further information and support, includes: • the department's
    statutory guidance… which sets out how schools must…")."""
    return (FOOTNOTES not in unit.chunk.headings and bool(DIRECTIVE.search(unit.text))
            and not READING.match(unit.lead) and not READING.match(unit.text))


def overlaps(a: Unit, b: Unit) -> bool:
    """Two stretches of the same chunk that share characters."""
    return a.chunk.chunk_id == b.chunk.chunk_id and a.start < b.end and b.start < a.end


def restates(later: Unit, earlier: Unit) -> bool:
    """A stretch that says again what an earlier one of its document says (a paragraph and its
    summary in an annex): nearly every word of it is in the earlier one. A briefing's (page-less)
    near-copies are its before and after wordings: the change is the point."""
    if (later.chunk.doc_id != earlier.chunk.doc_id or later.chunk.page_start is None
            or overlaps(later, earlier)):
        return False
    pairs = _pairs(later.text)  # word pairs, not words: "the lead practitioner … should be a social
    # worker" is not said again by "the lead practitioner (social worker) is responsible for…"
    return bool(pairs) and len(pairs & _pairs(earlier.text)) / len(pairs) >= RESTATED


def _pairs(text: str) -> set[tuple[str, str]]:
    words = tokens(text)
    return set(zip(words, words[1:], strict=False)) or {(w, "") for w in words}


def plan(ctx: AnswerContext, max_quotes: int, ratio: float, steps: int = STEPS,
         following: Callable[[Chunk], Chunk | None] | None = None,
         preceding: Callable[[Chunk], Chunk | None] | None = None,
         context: int = 0) -> list[tuple[Unit, bool]]:
    """The stretches to quote for this part, each (unit, list cut for length); at most
    `max_quotes` for a fact, definition or list, `steps` for a procedure (its best step run on
    through its section when `following` gives the next chunk). A list of the kinds of a thing
    that the guidance defines paragraph by paragraph is quoted term by term (with `preceding`).
    A fact part may add `context` more sentences of the passages it quotes."""
    if not ctx.units:
        return []
    bonus = _plan_bonus(ctx)  # _order adds the section's and the asked words' terms itself
    added = np.array([bonus(u) for u in ctx.units]) if bonus else None
    if ctx.exhibit == FLOW_CHART and ctx.kind in ("procedure", "fact", "list") and ctx.shape is None and (
            boxes := _chart_steps(ctx, steps)):
        return boxes
    if ctx.kind == "procedure":
        order = _order(ctx, added)
        chosen = _pick(ctx, order, steps, STEP_RATIO, _step, lists=True) or _pick(ctx, _order(ctx), 1, 0.0)
        chosen = _from_best_passage(ctx, order, chosen, steps)
        # the run starts from the step of the best passage: the passages' order weighs the search's
        # too, a sounder judge of a long situation than one sentence's score (dev: +2 scenarios)
        chosen = sorted(chosen, key=lambda c: c[0].passage_rank)
        groups = [[(_paragraph(u), cut)] for u, cut in chosen]  # a step, or a run of steps in order
        if following is not None:
            run = [(u, False) for u in section_run(groups[0][0][0], following)]
            groups = [run] + [g for g in groups[1:] if not any(overlaps(g[0][0], r) for r, _ in run)]
        order = sorted(range(len(groups)), key=lambda n: (
            not any(DANGER.search(u.text) for u, _ in groups[n]), groups[n][0][0].passage_rank,
            groups[n][0][0].start, n))
        return [step for n in order for step in groups[n]]
    if ctx.kind == "general":  # the general steps on a concern: the best passage's own, in its order
        return _passage_steps(ctx, steps)
    if ctx.kind == "list":  # the best sentence, with the items that follow it; lists first
        order = _order(ctx, added)
        chosen = _pick(ctx, order, max_quotes, ratio, lists=True)
        if following is not None and preceding is not None:
            defined = _defined_kinds(ctx, order, following, preceding)
            if defined:
                return defined
        chosen = [(_followed_on(_with_list_before(u), subsets=True), cut) for u, cut in chosen]
        prose = [_prose_list(u) for u, _ in chosen]  # a list told in sentences is a list too
        if any(prose):
            runs = [(p or u, cut) for (u, cut), p in zip(chosen, prose, strict=True)]
            return _whole_paragraphs(_named_items(ctx, order) or runs, lists=True)
        return _whole_paragraphs(_named_items(ctx, order) or _with_a_list(ctx, order, chosen, max_quotes),
                                 lists=True)
    if ctx.kind == "definition":
        # a resource directory's entry ("Female genital mutilation: information and resources – Home
        # Office guidance") names a document, it defines nothing
        # the term asked, when the question names one ("what does 'local area' mean for child death
        # reviews?": a sentence defining child death review partners defines another term)
        term = set(tokens(next(iter(ctx.defined), ""))) or ctx.query_tokens
        defines = np.array([0.1 * (_defines(u.text, term) and not _entry_starts(u.chunk.text))
                            - 0.1 * bool(POINTER.search(u.text))
                            + EXPLICIT_BONUS * bool(EXPLICIT.search(u.text)) for u in ctx.units])
        return [(_run_on(u), cut) for u, cut in _pick(ctx, _order(ctx, defines), 1, ratio)]
    order = _order(ctx)
    chosen = _pick(ctx, order, max_quotes, ratio)
    if ctx.shape == "law":
        chosen += _law_named(ctx, order, chosen)
    if context:  # dev: +6 multi-part items, none lost; precision 0.391 -> 0.390
        chosen += _same_passage(ctx, order, chosen, context)
    if ctx.kind == "fact":  # a short numbered paragraph is the unit a reader cites: quote it whole
        chosen = _whole_paragraphs(chosen, FACT_PARAGRAPH_CHARS)
        chosen = _merged([(_followed_on(u), cut) for u, cut in chosen])  # dev: +2 items, none lost
        chosen = _gaps_filled(chosen)  # dev: +1 item, none lost, precision +0.2 points
    return chosen


def _law_named(ctx: AnswerContext, order: list[int],
               chosen: list[tuple[Unit, bool]]) -> list[tuple[Unit, bool]]:
    """"Which regulations require the statement?": when no quote names a piece of law, the best
    sentence that does (often the footnote of the sentence quoted), if it scores LAW_RATIO of the best."""
    law = ANSWER_SHAPES["law"]
    if not order or any(law.search(u.text) for u, _ in chosen):
        return []
    best = float(ctx.scores[order[0]])
    found = next((i for i in order if law.search(ctx.units[i].text)), None)
    if found is None or float(ctx.scores[found]) < LAW_RATIO * best:
        return []
    return [complete(ctx.units[found])]


def _same_passage(ctx: AnswerContext, order: list[int], chosen: list[tuple[Unit, bool]],
                  most: int) -> list[tuple[Unit, bool]]:
    """Up to `most` further sentences, best first, of the passages already quoted that score at least
    CONTEXT_RATIO of the best: a part's answer often goes on beside the sentence that best matches it."""
    best = float(ctx.scores[order[0]]) if order else 0.0
    ids = {u.chunk.chunk_id for u, _ in chosen}
    out: list[tuple[Unit, bool]] = []
    for i in order:
        if len(out) == most or float(ctx.scores[i]) < CONTEXT_RATIO * best:
            break
        if ctx.units[i].chunk.chunk_id not in ids:
            continue  # another passage's: not completed, it is never taken
        whole, cut = complete(ctx.units[i])
        taken = chosen + out
        if not bare_title(whole) and not any(overlaps(whole, c) or restates(whole, c) for c, _ in taken):
            out.append((whole, cut))
    return out


def _followed_on(unit: Unit, subsets: bool = False) -> Unit:
    """A fact's sentence with the sentences after it that go on from it ("This may involve
    including…", "In such cases…"), within its paragraph: they say what it means in practice.
    `subsets`: only those that sort what it named ("Some of these will be charities"), for a list."""
    sents = sentences(unit.chunk)
    i = next((n for n, x in enumerate(sents) if x.end >= unit.end), None)
    if i is None or sents[i].item:
        return unit
    def goes_on(said: str, _: str) -> bool:
        if subsets:
            return bool(SUBSET.match(said))
        return bool(LEANS_BACK.match(said) or REFERS_BACK.search(said))

    end, _ = _run_of(unit, i, goes_on, FOLLOW_SENTENCES, len(unit.chunk.text))
    return replace(unit, end=end) if end > unit.end else unit


def _run_of(unit: Unit, i: int, goes_on: Callable[[str, str], bool], most: int,
            chars: int) -> tuple[int, int]:
    """Where the unit ends when run on from its sentence `i` through the sentences after it that go
    on from it (`goes_on(sentence, text so far)`), at most `most` of them and `chars` long from its
    start, within its paragraph and not into a list or a list's lead-in; and how many it took."""
    chunk = unit.chunk
    sents = sentences(chunk)
    end, found = unit.end, 0
    for j in range(i + 1, min(i + 1 + most, len(sents))):
        said = chunk.text[sents[j].start:sents[j].end].strip()
        if (sents[j].item or _paragraph_between(chunk, sents, j - 1, j) or said.endswith(":")
                or sents[j].end - unit.start > chars or not goes_on(said, chunk.text[unit.start:end])):
            break  # "This will include determining whether:" leads into a list: the run ends before it
        end, found = sents[j].end, found + 1
    return end, found


def _merged(chosen: list[tuple[Unit, bool]]) -> list[tuple[Unit, bool]]:
    """The stretches, one that overlaps an earlier one joined to it."""
    kept: list[tuple[Unit, bool]] = []
    for unit, cut in chosen:
        _join(kept, unit, cut)
    return kept


def _join(chosen: list[tuple[Unit, bool]], unit: Unit, cut: bool) -> None:
    """Add the stretch; one that overlaps a chosen one (the same stretch reached twice) makes it
    their union, quoted once."""
    near = next((n for n, (c, _) in enumerate(chosen) if overlaps(unit, c)), None)
    if near is None:
        chosen.append((unit, cut))
        return
    other, other_cut = chosen[near]
    chosen[near] = (replace(other, start=min(other.start, unit.start), end=max(other.end, unit.end)),
                    cut or other_cut)


def _gaps_filled(chosen: list[tuple[Unit, bool]]) -> list[tuple[Unit, bool]]:
    """A quote that goes on, up to GAP_SENTENCES further in its chunk, from a better one quoted before
    it: the skipped sentences quoted too, on their own, and the three in the guidance's order ("The
    local authority in whose area a child is found… [skipped: …the first authority must consult
    the authority responsible…] Only when the second local authority explicitly accepts…")."""
    out: list[tuple[Unit, bool]] = []
    for unit, cut in chosen:
        at = next((n for n, (o, _) in enumerate(out) if o.chunk.chunk_id == unit.chunk.chunk_id
                   and o.end <= unit.start), None)
        if at is None:
            out.append((unit, cut))
            continue
        before = out[at][0]
        sents = sentences(unit.chunk)
        between = [x for x in sents if x.start >= before.end and x.end <= unit.start]
        if not 0 < len(between) <= GAP_SENTENCES or _paragraph_between(
                unit.chunk, sents, _index(before), _index(unit)):
            out.append((unit, cut))
            continue
        gap = replace(unit, start=between[0].start, end=between[-1].end)
        out[at + 1:at + 1] = [(gap, False), (unit, cut)]
    return out


def _from_best_passage(ctx: AnswerContext, order: list[int], chosen: list[tuple[Unit, bool]],
                       steps: int) -> list[tuple[Unit, bool]]:
    """The steps, with the best step of the best passage among them: the passages' order weighs
    the search's too, so its first passage opens the run even when another's sentences score
    higher ("lead a section 47 enquiry" → "Lead practitioners should: • lead the assessment…",
    not the strategy discussion's list). A case study's story is no step: the best passage of
    guidance counts, unless the question asks about a case study. Dev: +1 scenario, none lost."""
    best = min((u.passage_rank for u in ctx.units if ctx.exhibit == CASE_STUDY or not example(u.chunk)),
               default=None)
    if best is None or not chosen or any(unit.passage_rank == best for unit, _ in chosen):
        return chosen
    first = _pick(ctx, order, 1, 0.0, lambda u: u.passage_rank == best and _step(u), lists=True)
    return (first + chosen)[:steps]


def _chart_steps(ctx: AnswerContext, count: int) -> list[tuple[Unit, bool]]:
    """What the flow chart a part asks about says, in the chart's order: every box (up to
    CHART_BOXES) for the first part about it ("what's the sequence the immediate protection flowchart
    sets out?"), up to `count` boxes that score near its best for a later part asking one thing."""
    mine = [i for i, u in enumerate(ctx.units) if u.chunk.chunk_id in ctx.exhibited]
    if not mine:
        return []
    best = max(float(ctx.scores[i]) for i in mine)
    near = [i for i in mine if ctx.whole_exhibit or float(ctx.scores[i]) >= GENERAL_STEP_RATIO * best]
    kept = sorted(near, key=lambda i: -float(ctx.scores[i]))[:CHART_BOXES if ctx.whole_exhibit else count]
    at = {cid: n for n, cid in enumerate(ctx.exhibited)}
    kept.sort(key=lambda i: (at[ctx.units[i].chunk.chunk_id], ctx.units[i].start))
    return [(ctx.units[i], False) for i in kept]


def _passage_steps(ctx: AnswerContext, count: int) -> list[tuple[Unit, bool]]:
    """Up to `count` sentences of the best sentence's passage that score near it, in the order
    the passage gives them ("act on them immediately", "speak to the DSL", "refer")."""
    order = _order(ctx)
    best = ctx.units[order[0]]
    floor = GENERAL_STEP_RATIO * float(ctx.scores[order[0]])
    mine = [i for i in order if ctx.units[i].chunk.chunk_id == best.chunk.chunk_id
            and float(ctx.scores[i]) >= floor][:count]
    return [(ctx.units[i], False) for i in sorted(mine, key=lambda i: ctx.units[i].start)]


def _without_overlaps(chosen: list[tuple[Unit, bool]]) -> list[tuple[Unit, bool]]:
    """The stretches, a stretch that overlaps one before it left out (it is quoted there)."""
    kept: list[tuple[Unit, bool]] = []
    for unit, cut in chosen:
        if not any(overlaps(unit, other) for other, _ in kept):
            kept.append((unit, cut))
    return kept


def section_run(unit: Unit, following: Callable[[Chunk], Chunk | None]) -> list[Unit]:
    """A step run on in the guidance's order: to the end of its chunk, then through the next
    chunks of the same section, whole sentences within RUN_CHARS (and a list it reaches, whole);
    a piece for each chunk."""
    pieces: list[Unit] = []
    used, chunk, start = 0, unit.chunk, unit.start
    while True:
        sents = [s for s in sentences(chunk) if s.end > start]
        taken = [s for s in sents if used + s.end - sents[0].start <= RUN_CHARS] if sents else []
        if not taken:
            break
        taken = _list_finished(chunk, sents, taken)
        own = chunk is unit.chunk  # the step itself is kept whole, however long
        pieces.append(Unit(unit.passage_rank, chunk, min(start, taken[0].start) if own else taken[0].opening,
                           max(taken[-1].end, unit.end if own else 0)))
        used += pieces[-1].end - pieces[-1].start
        nxt = following(chunk)
        if len(taken) < len(sents) or nxt is None or nxt.headings != chunk.headings:
            break
        chunk, start = nxt, 0
    return pieces or [unit]


def _list_finished(chunk: Chunk, sents: list[Sentence], taken: list[Sentence]) -> list[Sentence]:
    """The run's sentences, with the rest of a list it stopped inside (the list's items are the
    steps: a lead-in with one item says nothing), as far as `whole_list` quotes that list."""
    n = len(taken)
    if n == len(sents) or not sents[n].item:
        return taken
    every = sentences(chunk)
    i = every.index(sents[n])
    lead = _list_lead(chunk, every, i)
    if lead is None:
        return taken
    listed, _ = whole_list(Unit(0, chunk, every[lead].start, every[lead].end), lead)
    return taken + [s for s in every[i:] if s.end <= listed.end]


def _with_list_before(unit: Unit) -> Unit:
    """A list whose lead-in adds to one just before it ("Safeguarding partners should also have
    regard to circumstances where:" after "The criteria … include whether the case: • …"): both
    lists, from the first lead-in, while they fit in LIST_CHARS; the unit otherwise."""
    sents = sentences(unit.chunk)
    i = _index(unit)
    if i < 2 or sents[i].item or not _ends_in_colon(unit.chunk, sents[i]):
        return unit
    if not ADDS_TO.search(unit.chunk.text[sents[i].start:sents[i].end]) or not sents[i - 1].item:
        return unit
    lead = _lead_index(unit.chunk, sents, i - 1)
    if (lead is None or not _ends_in_colon(unit.chunk, sents[lead])
            or _paragraph_between(unit.chunk, sents, lead, i) or unit.end - sents[lead].start > LIST_CHARS):
        return unit
    return replace(unit, start=sents[lead].start)


def _prose_list(unit: Unit) -> Unit | None:
    """A list told in sentences: the unit with the sentences after it in its paragraph that go on
    about the same thing ("Emotional abuse: … It may involve… It may include… These may include…",
    "…sexual activities. The activities may involve…"), within LIST_CHARS; None unless at least
    PROSE_ITEMS do, or when the unit is, or leads into, a bulleted list."""
    sents = sentences(unit.chunk)
    if not sents or _brings_list(unit) or _inline_list(unit.text):
        return None
    i = next((n for n, x in enumerate(sents) if x.end >= unit.end), len(sents) - 1)
    end, found = _run_of(unit, i, _goes_on, len(sents), LIST_CHARS)
    # "…environments outside the family home. These can include A, B and C.": one list goes on from it
    listed = found >= 1 and inline_lead(unit.chunk.text[unit.end:end].strip()) is not None
    return replace(unit, end=end) if found >= PROSE_ITEMS or listed else None


def _goes_on(sentence: str, before: str) -> bool:
    """The sentence speaks of what the ones before it did: it leans back ("It may…", "These…") or
    opens on a thing they named ("The activities may involve…" after "…sexual activities")."""
    if LEANS_BACK.match(sentence):
        return True
    m = DEFINITE.match(sentence)
    return m is not None and bool(set(tokens(m.group(1))) & set(tokens(before)))


def _with_a_list(ctx: AnswerContext, order: list[int], chosen: list[tuple[Unit, bool]],
                 most: int) -> list[tuple[Unit, bool]]:
    """A list question is answered with a list: when no chosen stretch brings one, the best unit
    that does (down to LIST_FLOOR of the best score) takes the last place."""
    if not chosen or any(_brings_list(u) or _inline_list(u.text) for u, _ in chosen):
        return chosen
    floor = LIST_FLOOR * float(ctx.scores[order[0]])
    best = next((i for i in order if float(ctx.scores[i]) >= floor
                 and (_brings_list(ctx.units[i]) or _inline_list(ctx.units[i].text))), None)
    if best is None:
        return chosen
    whole, cut = complete(ctx.units[best], lists=True)
    kept = [c for c in chosen if not overlaps(c[0], whole)][: most - 1]
    return kept + [(whole, cut)]


def _named_items(ctx: AnswerContext, order: list[int]) -> list[tuple[Unit, bool]]:
    """Every list item that names what the best sentence, a list item, and the question share
    ("which CSA Centre resources are listed?": each entry the Centre publishes, wherever it falls
    in a long list), in the list's order; [] unless at least two items do."""
    best = ctx.units[order[0]] if order else None
    if best is None or not _is_item(best):
        return []
    shared = _rare_asked(ctx) & set(tokens(best.text))
    if len(shared) < NAMED_WORDS:
        return []
    found = [u for u in ctx.units if u.chunk.doc_id == best.chunk.doc_id
             and u.chunk.headings == best.chunk.headings and _is_item(u)
             and shared <= set(tokens(u.text))]
    found.sort(key=lambda u: (u.chunk.page_start or 0, u.passage_rank, u.start))
    return [(replace(u, alone=True), False) for u in found] if len(found) >= NAMED_ITEMS else []


def _defined_kinds(ctx: AnswerContext, order: list[int], following: Callable[[Chunk], Chunk | None],
                   preceding: Callable[[Chunk], Chunk | None]) -> list[tuple[Unit, bool]]:
    """Each term's defining sentence, when a unit scoring within LIST_FLOOR of the best sits in a
    run of term paragraphs ("Physical abuse: …", "Emotional abuse: …") whose kinds are asked for,
    or in the chunk that leads into one ("Knowing what to look for is vital…" → "6. Abuse: …")."""
    floor = LIST_FLOOR * float(ctx.scores[order[0]])
    asked, text = ctx.asked_tokens, ctx.asked or ctx.query
    if ctx.listed and not asked:  # "…main categories of abuse - what are they?": named before
        asked, text = ctx.query_tokens, ctx.query
    read: set[str] = set()  # a chunk's sentences share its run: read each chunk once
    for i in order:
        if float(ctx.scores[i]) < floor:
            break
        unit = ctx.units[i]
        if unit.chunk.chunk_id in read:
            continue
        read.add(unit.chunk.chunk_id)
        run = term_run(unit.chunk, following, preceding)
        if not run and (nxt := following(unit.chunk)) is not None:
            run = term_run(nxt, following, preceding)
        if run and asks_for_kinds(run, asked, text):
            return [(Unit(unit.passage_rank, c, s.start, s.end), False) for c, s, _ in run]
    return []


def _inline_list(text: str) -> bool:
    """A sentence that lists inline: "including a) physical abuse; b) …" or three ";"-parts."""
    return len(INLINE_MARK.findall(text)) >= 2 or text.count(";") >= 2


def _whole_paragraphs(chosen: list[tuple[Unit, bool]], most: int = PARAGRAPH_CHARS,
                      lists: bool = False) -> list[tuple[Unit, bool]]:
    """The quotes, each with the rest of its numbered paragraph when that is at most `most`, and
    each stretch once. With `lists`, a list's paragraph too: the sentences around a list ("During a
    prisoner's first night induction…" before "The Prison Service should: •…") often give more of
    what was asked (dev: +7, none lost). An item picked out of its list (`Unit.alone`) stays alone."""
    return _without_overlaps([(u if u.alone else _paragraph(u, most, lists), cut) for u, cut in chosen])


def _paragraph(unit: Unit, most: int = PARAGRAPH_CHARS, lists: bool = False) -> Unit:
    """A step in a numbered paragraph of at most `most` characters is quoted with its whole
    paragraph: the sentences around it ("This includes written confirmation…") are part of the
    same step. A paragraph with a list is only taken whole for a list question (`lists`)."""
    chunk = unit.chunk
    sents = sentences(chunk)
    if not chunk.paragraph or not sents or sents[-1].end - sents[0].start > most:
        return unit
    if (not lists and any(s.item for s in sents)
            and not (unit.start <= sents[0].start and unit.end >= sents[-1].end)):
        return unit  # a list paragraph: its plan already took the list
    if DANGER.search(chunk.text[sents[0].start:sents[-1].end]):
        return unit  # an immediate-danger step stays its own, first
    return replace(unit, start=min(unit.start, sents[0].start), end=max(unit.end, sents[-1].end))


def _defines(text: str, words: set[str]) -> bool:
    """The sentence defines one of the question's words: "X is/means…", a glossary "X: …" or
    "X - …", after the number of the paragraph it opens ("28. Neglect: the persistent failure…")."""
    text = PARAGRAPH_NUMBER.sub("", text, count=1)
    if (m := DEFINES.match(text)) and words & set(tokens(text[:m.start(1)])):
        return True
    return any(words & set(tokens(m.group(1))) for m in DEFINED_TERM.finditer(text))


def _entry_opens(text: str) -> bool:
    """The sentence opens a glossary entry: a short term, a dash, then its definition."""
    m = ENTRY.search(text[:DIRECTORY_NAME])
    return m is not None and not re.search(r"[.;:]", text[:m.start()])


def _run_on(unit: Unit) -> Unit:
    """A definition with the sentences after it in its paragraph, while they fit; a lead-in among
    them ends it, with its items when they fit too."""
    sents = sentences(unit.chunk)
    i = next((j for j, s in enumerate(sents) if s.end >= unit.end), len(sents) - 1)
    end = unit.end
    for j in range(i + 1, len(sents)):
        s = sents[j]
        text = unit.chunk.text[s.start:s.end].strip()
        if s.item or s.end - unit.start > DEFINITION_CHARS or _entry_opens(text):
            break  # a list, too long, or the next term of a glossary ("Family network - A group…")
        if text.endswith(":"):  # "…may have acted in a way that:" → its items end the definition
            listed, cut = whole_list(unit, j)
            fits = listed.end - unit.start <= DEFINITION_LIST_CHARS
            if fits and not cut and _introduces(unit.chunk, sents, j):
                end = listed.end
            break
        end = s.end
    return replace(unit, end=end)


def continuation(unit: Unit, following: Chunk | None, kind: str, words: set[str]) -> Unit | None:
    """What carries `unit` on in the next chunk when the unit runs to the end of its own: a list's
    further items (a list split between chunks), or, for a definition, the next sentences of the
    same section while they fit and still speak of the term (`words`). None otherwise."""
    if following is None or unit.chunk.text[unit.end:].strip():
        return None
    sents = sentences(following)
    if not sents:
        return None
    start, end = sents[0].opening, None
    first_item = next((i for i, s in enumerate(sents[:ITEM_TAIL + 1]) if s.item), None)
    in_list = ends_in_item(unit)  # the rest of its last item may open the next chunk
    listing = kind in ("list", "procedure", "definition")
    if listing and numbered_on(unit, following):  # "…\n2. When you…" then "3. You do not…"
        start, used = 0, unit.end - unit.start
        for s in sents:
            if used + s.end > LIST_CHARS:
                break
            end = s.end
    elif listing and first_item is not None and (first_item == 0 or in_list):
        used = unit.end - unit.start  # the list goes on
        for n, s in enumerate(sents):
            # an item's own further sentences ("…named practitioners). Their role is…") go on too
            if ((not s.item and n >= first_item and not _finishes_item(following, sents, n))
                    or used + s.end - start > LIST_CHARS):
                break
            end = s.end
    elif (unit.chunk.text[unit.start:unit.end].rstrip().endswith(":")  # a lead-in whose items open
          and following.headings == unit.chunk.headings  # the next chunk: the same paragraph goes on
          and following.paragraph == unit.chunk.paragraph):
        used = unit.end - unit.start
        for s in sents:
            if used + s.end - start > LIST_CHARS:
                break
            end = s.end
    elif kind == "list" and (ends := _directory_goes_on(unit, following)):
        fit = [e for e in ends if (unit.end - unit.start) + e <= LIST_CHARS] or ends[:1]
        start, end = 0, fit[-1]
    elif (kind == "definition" and following.headings == unit.chunk.headings
          and words & set(tokens(following.text[start:sents[0].end]))):
        room = max(DEFINITION_CHARS - (unit.end - unit.start), sents[0].end - start)  # one sentence at least
        for s in sents:
            said = following.text[s.start:s.end]
            if (s.item or s.end - start > min(room, DEFINITION_CHARS)
                    or not (words & set(tokens(said)) or LEANS_BACK.match(said))):
                break  # a list, too long, or the next entry of a glossary
            end = s.end
    return Unit(unit.passage_rank, following, start, end) if end is not None else None


def _directory_goes_on(unit: Unit, following: Chunk) -> list[int]:
    """Where each entry ends in `following` when it carries on the directory `unit` quotes (the
    same section, opening with an entry: "Beyond Referrals (Schools) – Provides…" after the first
    chunk of "Harmful sexual behaviour"); [] otherwise."""
    if following.headings != unit.chunk.headings or not _entry_starts(unit.chunk.text):
        return []
    text = following.text.rstrip()
    starts = entry_lines(text)
    if not starts or starts[0] != 0:
        return []
    return [s - 1 for s in starts[1:]] + [len(text)]


def boxed_items(unit: Unit, boxes: Callable[[Chunk], list[Chunk]]) -> Unit | None:
    """The list a lead-in that ends its chunk introduces when its items are printed in a box
    ("Children are clear about what they want…:" and, in a box on that page or the next, "Children
    have said that they need: • vigilance…"): the first box list there (`boxes` gives the page's
    boxes) that shares a word with the lead-in. None when no such box is near."""
    chunk = unit.chunk
    lead = chunk.text[unit.start:unit.end].rstrip()
    if not lead.endswith(":") or chunk.text[unit.end:].strip() or FOOTNOTES in chunk.headings:
        return None
    words = set(tokens(lead))
    for box in boxes(chunk):
        sents = sentences(box)
        for j in range(len(sents)):
            if _introduces(box, sents, j) and words & set(tokens(box.text[: sents[j].end])):
                listed, _ = whole_list(Unit(unit.passage_rank, box, sents[j].start, sents[j].end), j)
                return listed
    return None


def numbered_heads(unit: Unit, following: Callable[[Chunk], Chunk | None]) -> list[Unit]:
    """A lead-in stating its list's size ("Four principles underpin work with parents and carers:")
    whose numbered items, each with a list of its own, run on through its section further than a
    list is quoted: the lead-in, then each item's opening line, 1) to N), as it is printed. [] unless
    all are found."""
    chunk = unit.chunk
    colon = chunk.text.find(":", unit.start, unit.end) + 1  # the lead-in, and maybe its first items
    lead = chunk.text[unit.start:colon]
    size = next((n for n in range(2, 11) if count_pattern(n).search(lead)), 0) if colon else 0
    rest = chunk.text[colon:unit.end]
    if not size or (rest.strip() and not re.match(r"\s*1[.)]\s", rest)):
        return []  # no size stated, or the lead-in runs on into something other than its first item
    heads: list[Unit] = [replace(unit, end=colon)]
    current, at, passed = chunk, colon - 1, -colon
    for _ in range(HEAD_CHUNKS + 1):
        while len(heads) <= size and (m := _numbered(len(heads)).search(current.text, at)):
            end = HEAD_END.search(current.text, m.end(), m.start(1) + HEAD_CHARS)
            at = end.end() if end else min(len(current.text), m.start(1) + HEAD_CHARS)
            heads.append(Unit(unit.passage_rank, current, m.start(1), at))
        if len(heads) > size:
            break
        nxt = following(current)
        # within the part of the document the lead-in is in (a box between two items may leave
        # its own heading on the chunks after it)
        if nxt is None or nxt.headings[:1] != chunk.headings[:1]:
            return []
        current, at, passed = nxt, 0, passed + len(current.text)
    found = len(heads) > size and passed + heads[-1].end > LIST_CHARS
    return heads if found else []


@lru_cache(maxsize=16)
def _numbered(number: int) -> re.Pattern[str]:
    """A line opening with the number: "2) Verbal and…", "2. Verbal and…"."""
    return re.compile(rf"(?:^|[\n:])[ \t]*({number}[.)])\s+(?=[A-Z])")


def numbered_on(unit: Unit, following: Chunk) -> bool:
    """The next chunk goes on with the numbered list the stretch ends in: its last numbered line
    is N and the next chunk, in the same section, opens with N + 1."""
    numbers = NUMBERED_LINE.findall(unit.chunk.text, unit.start, unit.end)
    return (bool(numbers) and following.headings == unit.chunk.headings
            and re.match(rf"\s*{int(numbers[-1]) + 1}\.\s", following.text) is not None)


def ends_in_item(unit: Unit) -> bool:
    """The stretch's last sentence is a list item, or an item's own further sentence ("• Know what
    to do if a child tells them… This includes understanding…")."""
    sents = sentences(unit.chunk)
    last = max((j for j, s in enumerate(sents) if unit.start < s.end <= unit.end), default=None)
    return last is not None and (sents[last].item or _within_item(unit.chunk, sents, last))


def lead_in_before(unit: Unit, preceding: Chunk | None) -> Unit | None:
    """A stretch of list items whose lead-in is not in its own chunk gets it from the end of the
    chunk before: with the earlier items when the stretch opens its chunk ("occurs in custody…"),
    the lead-in alone for an item further down, so that no item is quoted bare. None when the
    chunk before ends in no list."""
    sents = sentences(unit.chunk)
    if preceding is None or not sents or not sents[0].item:
        return None
    i = _index(unit)
    if not sents[i].item or _lead_index(unit.chunk, sents, i) is not None:
        return None  # not an item, or its lead-in is in its own chunk
    before = sentences(preceding)
    lead = _list_lead(preceding, before, len(before))
    if lead is None:
        return None
    end = before[-1].end if unit.start <= sents[0].start else before[lead].end
    return Unit(unit.passage_rank, preceding, before[lead].start, end)


def leaned_on(unit: Unit, preceding: Chunk | None) -> Unit | None:
    """A stretch that opens its chunk with a sentence leaning on the one before ("285. These checks
    could include…") gets that sentence from the end of the chunk before, in the same section;
    None otherwise (or when the chunk before ends in a list item: its lead-in is another matter)."""
    sents = sentences(unit.chunk)
    if (preceding is None or not sents or unit.start > sents[0].end
            or preceding.headings != unit.chunk.headings):
        return None
    first = unit.chunk.text[sents[0].start:sents[0].end].strip()
    before = sentences(preceding)
    if not LEANS_BACK.match(first) or not before or before[-1].item:
        return None
    return Unit(unit.passage_rank, preceding, before[-1].start, before[-1].end)


def begun_before(unit: Unit, preceding: Chunk | None) -> Unit | None:
    """A stretch that opens its chunk mid-sentence ("guidance” on interviewing victims…") gets the
    sentence's start from the end of the chunk before, which leaves it unfinished; None otherwise."""
    sents = sentences(unit.chunk)
    if (preceding is None or not sents or sents[0].item or unit.start > sents[0].start
            or not fragment(unit.text[:1] or ".")):
        return None
    before = sentences(preceding)
    if not before or SENTENCE_CLOSE.search(preceding.text):
        return None
    return Unit(unit.passage_rank, preceding, before[-1].opening, before[-1].end)


def carried_lead(chunk: Chunk, preceding: Chunk | None) -> str:
    """The lead-in of the list a chunk opens in the middle of ("The core group should:" at the
    end of the chunk before), or ""."""
    sents = sentences(chunk)
    if preceding is None or not sents or not sents[0].item:
        return ""
    before = sentences(preceding)
    lead = _list_lead(preceding, before, len(before))
    if lead is not None:
        return preceding.text[before[lead].start:before[lead].end]
    last = preceding.text.rstrip().rsplit("\n", 1)[-1]  # "• lead core group activity\nThe core group should:"
    return last if last.endswith(":") and not re.match(ITEM_MARK, last) else ""


def shape_gap(ctx: AnswerContext) -> bool:
    """The part asks for a quantity (a number, a time limit…) that no top sentence states (of the
    thing it counts, when it names one; in the unit of a time it proposes, "is it 72 hours?")."""
    if not len(ctx.scores) or (ctx.shape not in QUANTITIES and not ctx.unit):
        return False
    shape = re.compile(rf"\b{NUM}[- ]{DAYS_OF}{ctx.unit}s?\b", re.I) if ctx.unit else (
        ANSWER_SHAPES[ctx.shape or ""])
    about = set(tokens(ctx.counted))  # "how many members": a number of something else is no answer
    top = np.argsort(-ctx.scores, kind="stable")[:SHAPE_WINDOW]
    # the number a paragraph or footnote opens with ("120. A lead practitioner…") states no quantity
    return not any(_states(shape, LEADING_MARK.sub("", ctx.units[int(i)].text, count=1), about, ctx.timed)
                   and _names_all(ctx.units[int(i)].chunk.text, ctx.named) for i in top)


def _states(shape: re.Pattern[str], text: str, about: set[str], timed: bool) -> bool:
    """The text states a quantity of the asked shape, of the thing counted when the part names one:
    the thing is named close to the number ("three safeguarding partners", "10 days' notice"), and
    a time ("within 45 working days") counts only what a question asked in days, weeks… counts
    ("agrees with the family… within 45 working days" holds no number of families)."""
    for m in shape.finditer(text):
        near = text[max(0, m.start() - COUNTED_SPAN):m.end() + COUNTED_SPAN]
        if not about or (about <= set(tokens(near)) and (timed or not TIME_UNIT.match(text, m.end()))):
            return True
    return False


def _names_all(text: str, named: tuple[tuple[str, ...], ...]) -> bool:
    """The passage speaks of every body the part names (by its acronym or spelt out): the NICCO
    helpline is not the number printed for another team."""
    low = text.lower()
    return all(re.search(rf"\b{re.escape(spellings[0])}s?\b", text)
               or any(s.lower() in low for s in spellings[1:])
               or spelled_out(text, spellings[0]) for spellings in named)


def unused_term(ctx: AnswerContext) -> str | None:
    """A definition part whose term no candidate passage mentions, in any spelling (as typed, the
    shorthand spelt out, its new name): the guidance cannot say what it is. The term as asked, or None."""
    spellings = ctx.defined if ctx.kind == "definition" else ()
    # as typed, its first two words will do ("practice supervisor in a local authority" is a practice
    # supervisor); a spelling the search made is whole
    wanted = [" ".join(words[:2] if n == 0 else words)
              for n, t in enumerate(spellings) if (words := tokens(t))]
    if not wanted or len(wanted) < len(spellings) or not ctx.candidates:
        return None
    texts = [f" {' '.join(tokens(p.chunk.text))} " for p in ctx.candidates]
    return None if any(f" {w} " in text for w in wanted for text in texts) else spellings[0]
