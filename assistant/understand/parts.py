"""Split a question into its situation (statements) and its parts (the sub-questions)."""

from __future__ import annotations

import re

from assistant.text import STOPWORDS
from assistant.understand.kinds import PROCEDURE, WHOLE_LIST

# a sentence keeps the closing quote or bracket after its mark: "…keep asking 'what counts?'"
# "e.g." and "i.e." end no sentence: "what could we do instead (e.g. moving her)?" is one question
# a question in brackets that the sentence goes on after ("…online safety (anything on SEND?), on
# supporting staff…") ends no sentence
_BRACKET_GOES_ON = r"[?!]+\)(?=\s*[,;:]|\s+(?-i:[a-z]))"
_ETC_GOES_ON = r"\betc\.(?=[),;:]|(?-i:\s+[a-z(]))"  # "(CPOMS, MyConcern, etc.) does…" ends no sentence
SENTENCE = re.compile(rf"(?:\b(?:e\.g|i\.e)\.|{_ETC_GOES_ON}|{_BRACKET_GOES_ON}|[^?!.])+"
                      r"(?:[?!.]+['’\"”)]*|$)", re.I)
QUOTED_ASKING = re.compile(r"\?['’\"”]+$")  # a question mark inside a quotation: reported speech
# where the quotation a sentence ends in opens: a quote mark after a space, before a word ("who's" holds none)
QUOTE_OPENS = re.compile(r"(?<!\S)['‘\"“](?=\w)(?!.*(?<!\S)['‘\"“]\w)")
# a preposition carried before the question word: "Up to what age…", "For how long…", "At what point…"
_CARRIED = r"(?:(?:up to|up until|until|at|in|by|for|from|to|under|with|within|after|before|on)\s+)?"
ASKING = re.compile(
    r"^\s*(what|what's|whats|who|whom|whose|how|when|where|which|why|is|are|does|do|did|can|could|"
    r"should|must|may|will|would|has|have|am|tell me|explain|list|name|describe|outline|give me|"
    r"i need to know|i'd like to know|please (tell|explain|list)|(talk|walk|run|take|step) (me|us) through|"
    r"help me (understand|work out)|remind me|summari[sz]e|clarify|confirm)\b"
    rf"|^\s*{_CARRIED}(what|which|whom|how|when)\b", re.I)
# a request that asks as a question does: "list the arrangements…", "walk me through…"
_REQUEST = (r"(?:list|name|describe|outline|explain|summari[sz]e|set out|tell me|give me|remind (?:me|us)|"
            r"(?:talk|walk|run|take|step) (?:me|us) through)")
REQUEST_OPENING = re.compile(rf"^\s*(?:please\s+)?{_REQUEST}\b", re.I)
_QWORD = (r"(what|who|whose|how|when|where|which|why|whether|is|are|was|were|does|do|did|can|could|"
          r"should|must|will|has|have)")
# a second question joined to the first: "…, and who carries out the assessment?"
_JOIN_CARRIED = r"(?:(?:at|in|by|for|from|to|under|with|after|before|within|until)\s+)?"
# "…the steps from here, from what we kick off … through to what goes to…": a range, not a question
_RANGE = r"(?!from\s[^,;?]{3,100}?(?<!\band\s)\bto\s+(?:what|when|where|who|which|how)\b)"
JOIN = re.compile(rf"[,;]\s*(?:and\s+|but\s+|also\s+|plus\s+)?{_RANGE}(?={_JOIN_CARRIED}"
                  rf"{_QWORD}\b)"
                  r"|\s+and\s+(?:also\s+|then\s+)?(?=(what|who|how|when|where|which|why)\b)"
                  # "…on file, and if so for how long?": what follows a yes
                  rf"|[,;]\s*(?:and\s+)?(?=if (?:so|not|yes|no)\b[,\s]+(?:(?:for|at|by|to)\s+)?{_QWORD}\b)"
                  # "…weighing up, if it goes to CSC what should we put in the referral": a condition,
                  # then its own question; "…, and she lives out of county so how do we find…": a
                  # statement, then its own question
                  r"|[,;]\s*(?:and\s+)?(?=(?:if|before|after|once|until|unless)\s[^,;?]{3,80}?\s(?:what|how|who|where|when|which)\s)"
                  # "…; and for allegations that end up substantiated, unfounded or unsubstantiated, what…"
                  r"|;\s*(?:and,?\s+)?(?=[^;?]{3,120}?,\s*(?:what|how|who|where|when|which|why)\b)"
                  # "…; if we did use one for something else, is there anything it mustn't stop…"
                  r"|[,;]\s*(?:and\s+)?(?=(?:if|before|after|once|until|unless)\s[^,;?]{3,80}?,\s*"
                  r"(?:(?:is|are|does|do|can|should|must|will|would|could)\s+(?:there|it|we|i|you|they|the|a|an)\b"
                  r"|(?:what|how|who|where|when|which)\b))"
                  r"|[,;]\s*and\s+(?=[^,;?]{3,80}?\bso\s+(?:what|how|who|where|when|which)\s)"
                  # "…and does the DSL need to…": an auxiliary with a subject after it asks again
                  r"|\s+and\s+(?=(?:does|do|is|are|can|should|must|will|has|have)\s+(?:the|a|an|it|"
                  r"they|this|that|there|we|i|you|he|she|our|their|his|her|(?-i:[A-Z]{2,}))\b)"
                  # "…fall on, and list the arrangements…": a request joined to a question
                  rf"|(?:[,;]\s*(?:and|then|and then)|;)\s+(?=(?:please\s+)?{_REQUEST}\b)"
                  # "…pay for it - and for the two staying on, what's the duty…": after a spaced dash,
                  # an opening and its own question
                  r"|\s[-–—]\s+(?:and|but)\s+(?=[^,;?]{3,80}?,\s*(?:what|how|who|where|when|which|why)\b)",
                  re.I)
# a question word, then its verb before its subject: "who does the duty fall on", "how should we…"
# ("her ex, who's in prison" and "who is now the lead" tell; "who"/"which" with "is" may too)
_SUBJECT = r"(?:the|a|an|we|i|you|they|it|our|my|your|their|this|that|these|those|he|she|(?-i:[A-Z]{2,}))"
_AUX_FIRST = r"(?:do|does|did|should|must|can|could|would|will|shall)"
INVERTED = re.compile(rf"^\s*(?:(?:what|how|where|why|when)\s+(?:is|are|am)|(?:what|who|whom|which|how|where|"
                      rf"why|when|(?:what|which)(?:\s+[\w-]+){{1,2}}?)\s+{_AUX_FIRST})\s+{_SUBJECT}\b",
                      re.I)  # "what checks do I…" too
# a short phrase put before the question word without a comma: "as lead practitioner what am I…"
FRONTED = re.compile(r"^\s*(?:[\w-]+(?:\s[\w-]+){0,3}:\s+)?"
                     r"(?:as|in|for|on|at|under|with|from|by|during|per)\s+"
                     r"(?:[\w'’-]+\s+){0,3}?(?=(?:what|who|which|how|where|why|when)\s)", re.I)
_OPENING = r"^[^,;?]{3,120},\s*"  # "Per WT23, …", "In the bit of KCSIE about…, …": an opening clause
OPENING = re.compile(_OPENING)
# "After a strategy discussion, who decides…", "Probably low-level, but how do I deal with it?"
INTRO_THEN_ASKING = re.compile(rf"{_OPENING}(?:[^,;?]{{3,120}},\s*)?(?:(?:but|so)\s+)?(?:{_QWORD})\b", re.I)
CONDITION = re.compile(r"(?:[,;]|\s[-–—])\s*(?:and|but)\s+(?=(?:if|when|where|once|unless)\b)", re.I)
# an opening whose last word needs the items to finish it: "What did the changes say about (1)…"
OPEN_ENDED = re.compile(r"\b(?:about|on|for|of|regarding|with|to|between|is|are|was|were)$", re.I)
# "…are about data, information and what senior leaders know": a list of things ending in a clause
NOUN_LIST_END = re.compile(r"\b(?:about|on|of|including|covering|for)\s+[^,;?]{1,40}"
                           r"(?:,\s*(?!(?:what|who|how|when|where|which|why)\b)[^,;?\s]+(?:\s+[^,;?\s]+){0,3})+$",
                           re.I)
# "…about whether and how I share this": two question words sharing one clause ask one thing
# ("…and by when, what are…": a question word after its preposition asks on its own)
SHARED_CLAUSE = re.compile(r"(?<!\bby\s)(?<!\buntil\s)(?<!\bsince\s)(?<!\bfrom\s)"
                           r"\b(?:whether|how|when|where|why|what|who|if)$", re.I)
WH_OPENING = re.compile(r"\s*(what|who|whose|which|how|when|where|why)\b", re.I)  # not "List…", "Give me…"
CONDITION_ASKING = re.compile(r"\s*(?:if|once|when)\s[^,;?]{3,80}?\s(?:what|how|who|where|when|which)\s",
                              re.I)  # "if it goes to CSC what should we…"
WH_LATER = re.compile(r"\b(?:what|who|how|which|why|whether)\b", re.I)  # a question word further on
# one question asked of several things, each after the same kind of preposition: "what should I be
# able to do on online safety, on supporting staff, and for the children who…?"
_SPREAD_PREP = r"(?:about|on|for|regarding|with)"
_SPREAD_SEP = rf"(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)(?={_SPREAD_PREP}\s+(?!{_QWORD}\b))"
# (a spaced dash ends what is spread: "pay for it - and for the two staying on, what…")
SPREAD = re.compile(rf"\b{_SPREAD_PREP}\s+(?!{_QWORD}\b)(?:(?!\s[-–—]\s)[^?,;]|\?\))+?{_SPREAD_SEP}",
                    re.I)
SPREAD_SEP = re.compile(_SPREAD_SEP, re.I)
# where a colon's list of asked things goes on to its next item
_LISTED_WORD = r"(?:what|who|whose|how|when|where|which|why|whether)\b"
LISTED_ITEM = re.compile(rf"[,;]\s*(?:and\s+|or\s+)?(?={_CARRIED}{_LISTED_WORD})"
                         # "…; the usual context…", "…, the ways someone can abuse a child": a clause
                         r"|;\s*(?:and\s+)?(?=(?:the|any|all|some)\s)"
                         r"|,\s*(?:and\s+)?(?=(?:the|any|all|some)\s[^,;?]*?\b(?:that|which|who|can|could|should|"
                         r"must|will|would|may|is|are|was|were|has|have|needs?)\b)", re.I)
TOPIC_ITEM = re.compile(r",\s*(?:and\s+)?(?=(?:the|any|all|some)\s[^,;?()]+$)", re.I)
OBJECT_END = re.compile(r"\b(?:about|on|regarding|covering|including)\s+(?:\S+\s+){0,2}\S+\s*$", re.I)
# "…, who can be abusers, and child-on-child abuse.": the last topic a colon lists
LAST_TOPIC = re.compile(r",\s*and\s+(?=(?!(?:i|we|you|they|he|she|it)\b)"
                        r"[^,;?()\s]+(?:\s[^,;?()\s]+){0,5}\W*$)", re.I)
LISTED_OPENING = re.compile(rf"^\s*(?:{_CARRIED}{_LISTED_WORD}|(?:the|any|all|some)\s)", re.I)
# a request that opens a colon's list: "List for me:", "Can you give me:", "Please list the key points on:"
REQUEST_STUB = re.compile(rf"^\s*(?:(?:can|could|would|will)\s+you\s+)?(?:please\s+)?(?:just\s+)?{_REQUEST}\b"
                          r"(?:\s+(?:for\s+)?(?:me|us)\b)?", re.I)
# a request, after an opening: "Using Annex B, can you list what it says about…"
REQUESTED = re.compile(rf"(?:^|,)\s*(?:(?:can|could|would|will)\s+you\s+)?(?:please\s+)?{_REQUEST}\b", re.I)
# "the key points on:" names no topic
BROAD = frozenset({"key", "main", "basic", "basics", "things", "stuff"})
# "what did the guidance say about: A; B; and C?"
COLON_ITEMS = re.compile(r"^\s*(?P<head>[^:;?]{3,200}?\b(?:about|on|regarding|covering))\s*:\s+"
                         r"(?P<rest>[^:]+)$", re.I)
WHETHER = re.compile(r"^\s*whether\b", re.I)
SHORT_ASK = re.compile(r"^\s*(?:and\s+)?(?:how\s+(?:quickly|fast|soon|long|often)|by when|when|why)\W*$",
                       re.I)  # "how quickly", asked of the question before it
LEAD_IN = re.compile(rf":\s+(?=(?:{_QWORD}|{_REQUEST})\b)", re.I)
JOINED_ASKING = re.compile(rf"\b(?:but|and|so)\s+{_QWORD}\b", re.I)  # "…but what do I do now"
# " - can we…?", " - within how many hours…?" (in one sentence)
DASHED = re.compile(rf"\s[-–—]\s+(?:(?:but|so)\s+)?(?={_CARRIED}{_QWORD}\b[^-–—.!?]*\?)", re.I)
# "what is our duty here, and the company wants a fee - how should we judge it?": a statement joined
# to a question, then the asking after a dash
TOLD_BEFORE_DASH = re.compile(rf",\s+(?:and|but|so)\s+(?P<told>[^,;:?!.]{{8,200}}?)\s[-–—]\s+"
                              rf"(?={_CARRIED}{_QWORD}\b[^-–—.!?]*\?)", re.I)
# "Q2 where…", "a) what's…", "(3) does…", "1. who…": a label numbering what is asked, not part of it
_AT_START = r"(?:^|(?<=[:;,.?!]\s)|(?<=[:;,.?!]))"  # a clause's start
_MARK = r"(?:\(?[a-hA-H1-9]\)|Q\d{1,2}[.:)]?)"  # "(a)", "3)", "Q2"
LABEL = re.compile(rf"(?:{_AT_START}|(?<=\band\s))(?:{_MARK}|\d{{1,2}}[.)])\s+(?={_CARRIED}{_QWORD}\b)", re.I)
# a label at a sentence's start, whatever follows: "(2) Mum's sister asked if we stay in the room."
ANY_LABEL = re.compile(rf"{_AT_START}{_MARK}\s+")
# "(a) whether…, (b) what…": items of one sentence labelled in sequence, whatever word follows
ENUMERATION = re.compile(r"(?:^|(?<=\s))(?:\(([a-h1-9])\)|([a-h1-9])\))\s+", re.I)
SEQUENCES = ("abcdefgh", "123456789")
ITEM_END = re.compile(r"[\s,;:.?!]*(?:\band\b|\bor\b)?[\s,;:.?!]*$", re.I)  # ", and" before the next label
# "Serious Violence Duty - which bodies…", "Low-level concerns: how long…": a heading, then the asking
HEADING = re.compile(rf"^\s*([^.?!:]{{3,80}}?)(?::|\s[-–—])\s+(?={_QWORD}\b)", re.I)
TOPIC_WORDS = 8  # a heading this short, asking nothing, names the topic of every part
AUXILIARY = r"is|are|was|were|does|do|did|should|must|can|could|will|would|has|have|had|may|might|shall|am"
# after a condition, a question asked by its verb: "…, and once they're shredded are we allowed to…?"
AUX_LATER = re.compile(rf"[\s,]({AUXILIARY})\s+(?:we|i|you|they|it|he|she)\b(?=[^,;]*\?)", re.I)
# "When a pupil reports…, what…": a scene-setting clause, not a question ("when is…" asks)
SUBORDINATE = re.compile(
    rf"^\s*(when|whenever|where|if|once|after|before|while|since)\s+(?!({AUXILIARY})\b)", re.I)
# words that open a question without asking: "And how far…?", "Realistically, what…?"
CONNECTIVE = re.compile(r"^\s*(?:(?:and|but|also|so|plus|then|ok|okay|right|realistically|honestly|basically|"
                        r"actually|really|just)\b,?\s+)+", re.I)
PRONOUN = re.compile(r"\b(it|they|them|this|that|these|those|its|their|he|she|one)\b", re.I)
# a pronoun in a set phrase refers to nothing asked before: "And while I'm at it, who are…?"
IDIOM = re.compile(r"\b(while|whilst) (i'?m|i am|we'?re|we are) (at|on) it\b"
                   r"|\b(on|with) that (note|in mind)\b|\bthat said\b|\bcome to think of it\b", re.I)
# a part joined on that asks for more of what the one before asked: "- and is there anything extra we
# have to think about because they have SEND?" (a numbered "(4) Is there anything extra…" stands alone)
MORE = re.compile(r"^\W*(?:and|but|plus)\b.*\b(?:anything|something|what|any)\s+(?:extra|else|more|further|"
                  r"additional)\b", re.I)
# a part that asks of what the part before asked, without a pronoun: "- and what do I need to do
# afterwards?", "if so, who pays?", "if not, what instead?"
BACK_REFERENCE = re.compile(r"\b(afterwards|beforehand|after that|before that|in that case|if so|if not|"
                            r"instead|in the meantime|meanwhile)\b", re.I)
MIN_WORDS = 3
# how an answer should look ("the full list", "bullet points", "just the headings"), and the words
# that go with such a request
FORM_WORDS = frozenset(re.findall(
    r"\S+", "list lists listed bullet bullets points headings summary summarise summarize brief briefly "
    "short shortly essays essay wording verbatim outline"))
FORM_FILLER = frozenset(re.findall(
    r"\S+", "give me us can could you would please pls plz just only them all full whole complete entire "
    "the a an of it in as form not no thanks thank i we need want like everything each one that those "
    "these out set name exact words own its their quote quick quickly version every names mentions "
    "says includes covers"))
DASHES = frozenset("-–—")
# a request for a form, as it opens: "List them all", "give me the full list", "bullet points please"
FORM_REQUEST = re.compile(r"((the\s+)?(full|whole|complete|entire)\s+)?"
                          r"(list|give|can|could|please|just|bullet)\s+\S", re.I)
# "What does the advice say?", "and what does KCSIE say about it?": the part before, asked again
RESTATED = re.compile(r"^\W*(?:(?:and|so|but)\s+)?what\s+(?:does|do|did|would)\s+(?:the\s+|this\s+)?"
                      r"(?:[\w-]+\s+){0,3}?(?:guidance|advice|kcsie|working together|wt\s?\d*|it|they|"
                      r"document|law)\s+(?:actually\s+|officially\s+)?(?:say|state|suggest|recommend)"
                      r"(?:\s+(?:back\s+)?(?:about|to|on)\s+(?:(?:each|all|any|every\s+one)(?:\s+of)?\s+)?"
                      r"(?:it|this|that|them|these|those|each|all|one))?\W*$", re.I)
# "Staff have asked how much the Update Service costs…": a question a statement reports
REPORTED = re.compile(r"\b(?:asked|asking|wondering|wondered|want(?:s|ed)? to know|would like to know|"
                      r"need(?:s|ed)? to know)\s+(?:(?:me|us|you|him|her|them)\s+)?"
                      r"(?=(?:how|what|whether|if|who|when|where|which|why)\b)", re.I)
# "who attends?", "what happens?": two words that ask on their own ("how fast?" leans on its part)
SUBJECT_WORDS = frozenset({"who", "what", "which"})
NOT_VERBS = frozenset({"else", "not", "so", "then", "now", "exactly", "for", "about", "if", "when", "where",
                       "why", "what", "who", "how", "next", "ones", "one", "kind", "sort"})
DIFFERENCE_BETWEEN = re.compile(r"^\W*(?:what|whats|what's|what is)\s+(?:actually\s+|really\s+)?the\s+"
                                r"(?:main\s+|key\s+|real\s+)?differences?\s+between\s+(.+?)\s*\??$", re.I)
# a question word then straight into a noun phrase, with no verb of its own: the verb is the last part's
GAPPED = re.compile(r"^\s*(what|who|which|where|when)\s+(the|a|an|their|its|our|your|his|her)\s+"
                    rf"(?!.*\b({AUXILIARY}|be|been|need|needs|says|said|means|\w{{3,}}ed)\b)", re.I)


def split_question(question: str) -> tuple[str, list[str]]:
    """(situation, parts): statements that set the scene, and each thing asked, in order."""
    situation, parts, _ = split_parts(question)
    return situation, parts


def split_parts(question: str) -> tuple[str, list[str], list[str]]:
    """(situation, parts, and what was told just before each part): a statement between two things
    asked ("(2) Nothing seems to be improving for her - what should I do about that?") is the next
    part's own matter, as well as the situation's ("" for a part with none)."""
    question = "".join(_enumerated(_colon_items(s)) for s in SENTENCE.findall(question))
    numbered = len(ANY_LABEL.findall(question)) >= 2  # the asker numbers what they ask
    if numbered:
        question = " ".join(_numbered_asked([s.strip() for s in SENTENCE.findall(question) if s.strip()]))
    question = LABEL.sub("", question)
    if heading(question):
        question = HEADING.sub(r"\1. ", question, count=1)
    # "Under KCSIE, what checks do I need for governors: who applies…": what is asked after the
    # colon, the opening only names its topic
    umbrellas = _umbrellas(question)
    listed = _after_lead_in(question)
    question = LEAD_IN.sub(". ", question)  # "For our RSHE lead: what is…" asks after the colon
    question = TOLD_BEFORE_DASH.sub(_told_joined, question)
    question = DASHED.sub(_told_then_asked, question)
    sentences = [s.strip() for s in SENTENCE.findall(question) if s.strip()]
    # "List for me: what…, how…": the request before the colon only opens the things it lists
    stubs = {s for s in umbrellas if REQUEST_STUB.match(s)}
    asked = [s for s in sentences if _asking(s, opening=s not in umbrellas) and s not in stubs]
    if not asked:  # none marked: a question word after an opening still asks ("From WT23, which…
        # kinds are included - list it all out please."), one that sets a scene ("…, when we…") does not
        asked = [s for s in sentences if _asks_after_intro(s)]
    if not asked:
        return "", [question.strip()], [""]
    sentences, asked = _reported(sentences, asked)
    # "…? Bullet points please.": how to answer goes with what is asked, not the situation
    asked = [s for s in sentences if s in asked or answer_form(s) and s not in stubs]
    told = [s for s in sentences if s not in asked]
    situation = " ".join(ANY_LABEL.sub("", s, count=1) if numbered else s for s in told)
    parts: list[str] = []
    nears: list[str] = []
    form = ""  # a request for a form before anything is asked: it goes with the first part
    for sentence in asked:
        if not parts and answer_form(sentence):
            form = f"{form} {sentence}"
            continue
        near = _told_between(sentences, asked, sentence) if parts else ""
        split = _split_listed if sentence in listed else _split_joined
        for piece in _spread(split(f"{sentence}{form}" if form and not parts else sentence)):
            if terms := compared_terms(piece):  # "the difference between A and B?": what each is
                parts += [f"What is {term}?" for term in terms]
                nears += [""] * len(terms)
                continue
            if parts and RESTATED.match(piece):  # "…? What does the advice say?" asks nothing new
                continue
            short = len(piece.split()) < MIN_WORDS and not _has_verb(piece) and not SHORT_ASK.match(piece)
            if parts and (short or answer_form(piece)):
                parts[-1] = f"{parts[-1].rstrip('?')} {piece}"
            else:
                parts.append(piece)
                nears.append(near)
            near = ""
    if not parts:  # only a form was asked ("Bullet points please."): the whole question is the part
        return "", [question.strip()], [""]
    if numbered:  # "(2) For a child in need, whose duty…": the asker's numbers are no part of what is asked
        parts, nears = [ANY_LABEL.sub("", p).strip() for p in parts], [ANY_LABEL.sub("", n) for n in nears]
    return situation, parts, nears


def _told_between(sentences: list[str], asked: list[str], sentence: str) -> str:
    """The statements told after the thing asked before `sentence` and before it."""
    at = sentences.index(sentence)
    told: list[str] = []
    for s in reversed(sentences[:at]):
        if s in asked:
            return " ".join(reversed(told))
        told.append(s)
    return ""


def _reported(sentences: list[str], asked: list[str]) -> tuple[list[str], list[str]]:
    """"Staff have asked how much the Update Service costs. What does KCSIE say?": what is asked is
    the question the statement reports; the question asked only wants the guidance's answer to it,
    or only the form of that answer ("…want to know what checks we need. List them all please.")."""
    if not all(RESTATED.match(s) or answer_form(s) for s in asked):
        return sentences, asked
    out, reported = [], []
    for s in sentences:
        m = REPORTED.search(s) if s not in asked and not s.endswith("?") else None
        if not m:
            out.append(s)
            continue
        clause = re.sub(r"^if\b", "whether", s[m.end():].strip(" .!"), flags=re.I)
        reported.append(f"{clause[:1].upper()}{clause[1:]}?")
        out += [f"{s[:m.end()].strip()}.", reported[-1]]
    return (out, reported) if reported else (sentences, asked)


def _umbrellas(question: str) -> set[str]:
    """The sentences that open a colon's questions, as they read once the colon is a full stop
    (nothing before a colon that opens the question)."""
    out = set()
    for m in LEAD_IN.finditer(question):
        if before := SENTENCE.findall(question[:m.start()]):
            out.add(f"{before[-1].strip()}.")
    return out


def requested_topic(question: str) -> str:
    """What a request before a colon names as its topic ("Can you list the basics KCSIE gives about
    abuse and neglect: where…" -> "basics KCSIE gives abuse neglect"); "" for none ("List for me:")."""
    opened = [m for s in _umbrellas(question) if (m := REQUEST_STUB.match(s))]
    words = [w for m in opened for w in re.findall(r"[\w'’-]+", m.string[m.end():])]
    return " ".join(w for w in words if w.lower() not in FORM_WORDS | FORM_FILLER | STOPWORDS | BROAD)


def _after_lead_in(question: str) -> set[str]:
    """The sentences a colon opens ("Please list: what…, why…, whether…"): the things listed."""
    return {found[0].strip() for m in LEAD_IN.finditer(question)
            if (found := SENTENCE.findall(question, m.end()))}


def _split_listed(sentence: str) -> list[str]:
    """The items a colon lists, each asked on its own: as a joined sentence is cut, and also before a
    question word after a comma or semicolon, or a "the …" clause with a verb word ("…, the ways someone
    can abuse a child"), when the item before it asks too ("where children can be at risk of harm, why
    professional curiosity matters", "whether they come one at a time, …")."""
    out: list[str] = []
    pieces = _split_joined(sentence)
    for n, piece in enumerate(pieces):
        last = 0
        for m in LISTED_ITEM.finditer(piece):
            head, rest = piece[last:m.start()].strip(" ,;"), piece[m.end():]
            if (not _in_brackets(piece, m.start()) and LISTED_OPENING.match(head) and _has_verb(head)
                    and _has_verb(re.split(r"[,;]", rest, maxsplit=1)[0])):
                out.append(head)
                last = m.end()
        if cut := _topic_cut(piece, last, n, len(pieces)):  # "…, the age for a 'child', who can…"
            out.append(piece[last:cut[0]].strip(" ,;"))
            out.append(f"what about {piece[cut[1]:].strip(' ,;.')}?")
        else:
            out.append(piece[last:].strip(" ,;"))
    return [p for p in out if p]


def _topic_cut(piece: str, last: int, n: int, pieces: int) -> tuple[int, int] | None:
    """Where a colon's list names a topic after a question ("why it matters, the age for a 'child',
    who can…", "…who can be abusers, and child-on-child abuse."): the question's end and the topic's
    start in the `n`th of `pieces`; None for none (a topic without a question before it, or one
    ending a list of one question: "what it says about neglect, and abuse")."""
    found = (TOPIC_ITEM if n < pieces - 1 else LAST_TOPIC if n else None)
    m = found.search(piece, last) if found else None
    head = piece[last:m.start()] if m else ""
    if not m or not WH_OPENING.match(head) or not _has_verb(head) or "," in head:
        return None
    # "what do we do about classes, the site and the minibus": short things it is asked about
    objects = OBJECT_END.search(head) and len(piece[m.end():].split()) <= TOPIC_WORDS // 2 + 1
    return None if objects else (m.start(), m.end())


def _colon_items(sentence: str) -> str:
    """"What did the guidance say about: the UKBA's duty; girls under 16…; and DNA testing?": each
    item a semicolon parts is asked what the opening asks. Other sentences as they are."""
    m = COLON_ITEMS.match(sentence)
    if not m or LEAD_IN.search(sentence) or not _asks(head := m["head"].strip()):
        return sentence  # "…about: what X is, …" is asked item by item as a colon's questions are
    items = re.split(r";\s*(?:and\s+)?", m["rest"].strip().rstrip("?.! "))
    if len(items) < 2 or not all(items):
        return sentence
    return " ".join(f"{head if n == 0 else asked_clause(head)} {item.strip()}?"
                    for n, item in enumerate(items)) + " "


def _enumerated(sentence: str) -> str:
    """A sentence that numbers what it asks ("We're arguing about (a) whether a suicide is
    notified, (b) what category it goes under, and (c) whether…."): the words before the first
    label tell the situation, and each labelled item is asked on its own. Other sentences as
    they are."""
    marks = list(ENUMERATION.finditer(sentence))
    keys = "".join((m.group(1) or m.group(2)).lower() for m in marks)
    if len(marks) < 2 or not any(order.startswith(keys) for order in SEQUENCES):
        return sentence
    before = sentence[:marks[0].start()].strip().rstrip(":;,-–— ")
    ends = [m.start() for m in marks[1:]] + [len(sentence)]
    asked = [ITEM_END.sub("", sentence[m.end():end]) for m, end in zip(marks, ends, strict=True)]
    if not all(asked[:-1]):  # "both the (a) and (b) categories": labels named, not items asked
        return sentence
    if before and _opens_asking(before) and OPEN_ENDED.search(before):
        # "What did those changes say about (1) X, (2) Y…?": each item is asked what the opening asks
        return " ".join(f"{before} {a.rstrip('?. ')}?" for a in asked if a) + " "
    return " ".join([f"{before}." if before else "", *(f"{a}?" for a in asked if a)]).strip() + " "


def _numbered_asked(sentences: list[str]) -> list[str]:
    """A numbered item that asks nothing after its label is asked as it stands ("(2) Mum's sister
    asked if we stay in the room."); one with a question of its own ("(1) Dad won't come - is that
    right?") keeps its statement as the situation."""
    out = list(sentences)
    starts = [i for i, s in enumerate(sentences) if ANY_LABEL.match(s)]
    for i, end in zip(starts, [*starts[1:], len(sentences)], strict=False):
        if not any(_asking(s) for s in sentences[i:end]):
            out[i] = ANY_LABEL.sub("", sentences[i], count=1).rstrip(" .") + "?"
    return out


def answer_form(piece: str) -> bool:
    """The piece says how to answer, not what: "Give me the full list.", "Can you list them all?",
    "Bullet points please." (it joins the part before it)."""
    if _only_form(piece):
        return True
    # "I need the full list of what KCSIE expects.", "I'd like the whole list.": a statement
    # "what were the partners to agree - list them all -" asks, and wants the whole list
    return (not piece.rstrip().endswith("?") and bool(WHOLE_LIST.search(piece)) and not _asks_whole(piece)
            and not WH_OPENING.match(piece))


def _only_form(piece: str) -> bool:
    """Every word of the piece says how to answer ("List them all", "bullet points please")."""
    words = set(re.findall(r"[a-z’']+", piece.lower()))
    return bool(words & FORM_WORDS) and words <= FORM_WORDS | FORM_FILLER


def heading_of(part: str) -> str:
    """A part as its answer's heading: asked as a question even when it was put as a request
    ("…which areas got minor amendments - list them all." -> "…got minor amendments?": the request
    for a form that joined it is left out), with a capital first letter ("2) whose duty is it…"
    asked it after the asker's number)."""
    text = without_form(part.strip()).rstrip("?.!;:,-–— ")
    mark = "." if REQUEST_OPENING.match(text) else "?"  # "List the arrangements…." is no question
    return f"{text[:1].upper()}{text[1:]}{mark}"


def without_form(part: str) -> str:
    """The part without the request for a form that joined it ("Which activities count as teaching
    work List them all." -> "Which activities count as teaching work"); as it is when none did."""
    for m in re.finditer(r"\s+(?:[-–—]\s*)?(?=\w)", part):
        head, tail = part[:m.start()], part[m.end():].strip(" .?!-–—")
        # it joined as a sentence of its own ("List them all.") or after a dash ("- list them all")
        apart = tail[:1].isupper() or bool(DASHES & set(m.group(0)))
        if len(head.split()) >= MIN_WORDS and apart and FORM_REQUEST.match(tail) and _only_form(tail):
            return head.rstrip(" ,;:-–—")
    return part


def _asks_whole(sentence: str) -> bool:
    """"According to the summary, which areas got minor amendments - list them all.": it asks after
    its opening, for the whole list: a question, not a request for a form."""
    return bool(WHOLE_LIST.search(sentence) and INTRO_THEN_ASKING.search(sentence))


def compared_terms(part: str) -> list[str]:
    """The ideas a "what's the difference between A, B and C?" part compares, or []."""
    m = DIFFERENCE_BETWEEN.match(part)
    if not m:
        return []
    terms = [t.strip(" '‘’\"“”") for t in re.split(r",\s*(?:and\s+)?|\s+(?:and|vs\.?|versus)\s+", m.group(1))]
    return terms if len(terms) >= 2 and all(1 <= len(t.split()) <= 8 for t in terms) else []


def _told_joined(m: re.Match[str]) -> str:
    """The question before ", and <statement> - <question>?" ends at the comma, and the statement
    opens the question after the dash; a clause that asks ("…, and what if she refuses - …"), or
    one after a statement ("(1) A new HLTA will help…, but only once a fortnight - does…?"), stays."""
    told = m.group("told")
    before = re.split(r"[.?!:]\s+", m.string[:m.start()])[-1]
    if (_asking(told, opening=False) or JOINED_ASKING.search(f"and {told}")
            or not _asking(before, opening=False)):
        return m.group(0)
    return f"? {told[:1].upper()}{told[1:]}, "


def _told_then_asked(m: re.Match[str]) -> str:
    """"He's furious and wants nothing to do with it - can Channel go ahead?": a statement, then
    the asking after a dash; a clause that itself asks keeps its dash ("How long… - is it 25?")."""
    told = re.split(r"[.?!]\s+", m.string[:m.start()])[-1]
    if without_form(told) != told:  # "which kinds… - list all of them - what is it for?": asked, then more
        return "? "
    asks = _asking(told) or JOINED_ASKING.search(told) or INTRO_THEN_ASKING.search(told)
    return m.group(0) if asks else ". "


def _asking(sentence: str, opening: bool = True) -> bool:
    """The sentence asks: it ends in a question mark of its own (not one inside a quotation:
    "staff keep asking 'what would count?'" tells the situation) or opens with a question word, or
    (`opening`: it is not the opening of a colon's questions) with one after a short opening."""
    if QUOTED_ASKING.search(sentence) and (m := QUOTE_OPENS.search(sentence)):
        sentence = sentence[:m.start()].strip()  # "…keeps asking me 'what is it, who's there?'": reported
    return bool((sentence.endswith("?") and not QUOTED_ASKING.search(sentence)) or _asks_unmarked(sentence)
                or _asks_whole(sentence) or opening and _asks_after_opening(sentence))


def _asks_unmarked(sentence: str) -> bool:
    """A sentence without a question mark opens with a question word; one stated in full that opens
    with a scene ("When Working Together 2015 came in: (1) did…") tells when, it does not ask."""
    stated = sentence.rstrip().endswith((".", ":"))
    sentence = CONNECTIVE.sub("", sentence, count=1)  # "And list the warning signs…."
    return bool(ASKING.search(sentence)) and not (stated and SUBORDINATE.search(sentence))


def _asks_after_opening(sentence: str) -> bool:
    """"Per WT23, who does the duty fall on, and list…": a short opening, then a question word
    that asks (not "Last night, when we found him, …", which sets a scene)."""
    if (m := OPENING.match(sentence)) and REQUEST_OPENING.match(sentence[m.end():]):
        return True  # "Per the 2024 advice, list the responsibilities of senior leaders."
    return bool(INTRO_THEN_ASKING.search(sentence)) and bool(INVERTED.match(asked_clause(sentence)))


def _spread(pieces: list[str]) -> list[str]:
    """Each thing one question is asked of, asked on its own: "What does KCSIE say about phones,
    about cameras and about watches?" -> "What does KCSIE say about phones?", "…about cameras?"…"""
    out: list[str] = []
    for piece in pieces:
        m = SPREAD.search(piece)
        head = piece[:m.start()].strip() if m else ""
        # "what should I do for her and for him?": one set of steps, not two
        if not m or not _asks(head) or PROCEDURE.search(head):
            out.append(piece)
            continue
        tail, end = piece[m.start():], ""
        if (form := re.search(r"[?.!]\s*\S.*$", tail)) and answer_form(form.group(0)[1:].strip()):
            tail, end = tail[:form.start()], form.group(0)[1:]  # "…? List it all please."
        cuts = [0, *(x for sep in SPREAD_SEP.finditer(tail) for x in sep.span()), len(tail)]
        items = [tail[a:b].strip(" ,;?") for a, b in zip(cuts[::2], cuts[1::2], strict=True)]
        out += [f"{head} {item}?{' ' + end.strip() if end else ''}" for item in items if item]
    return out


def _split_joined(sentence: str) -> list[str]:
    """A sentence asking two things joined by "and"/a comma; pieces too short stay together."""
    pieces: list[str] = []
    last = 0
    for m in JOIN.finditer(sentence):
        if _in_brackets(sentence, m.start()):  # "list each example (who they are and what they do)"
            continue
        # "In a neglect case…, what's the test?" is one question: its head asks nothing
        head = sentence[last:m.start()].strip(" ,;")
        # after one cut, "whether I can promise…" is one more thing asked, not a scene set, and "how
        # quickly" asks of the question before it ("who decides what next and how quickly, who agrees…")
        asks = _asks_apart(head) or bool(pieces) and (
            bool(WHETHER.match(head)) and len(head.split()) >= MIN_WORDS or bool(SHORT_ASK.match(head)))
        # "…victims and how, what it does to them": a lone question word asks of the clause before it
        alone = len(re.split(r"[,;]", sentence[m.end():], maxsplit=1)[0].split()) == 1
        if (asks and not alone and not SHARED_CLAUSE.search(head) and _has_verb(sentence[m.end():])
                and not (m.group(0).strip() == "and" and NOUN_LIST_END.search(head)
                         and not INVERTED.match(sentence[m.end():]))):
            # "…, and if that doesn't happen, is it too late?": the condition opens the next part
            cond = CONDITION.search(sentence, last, m.start())
            pieces.append(sentence[last:cond.start() if cond else m.start()].strip(" ,;"))
            last = cond.end() if cond else m.end()
    if not pieces:
        return _split_at_condition(sentence)
    pieces.append(sentence[last:].strip(" ,;"))
    return [p for p in pieces if p]


def _in_brackets(text: str, at: int) -> bool:
    """The position is inside an open bracket."""
    return text.count("(", 0, at) > text.count(")", 0, at)


def _split_at_condition(sentence: str) -> list[str]:
    """"Does it let us…, and if we did want to change it what has to happen?": no comma before the
    second question word, the condition opens the second part all the same."""
    cond = CONDITION.search(sentence)
    if cond and _asks_apart(sentence[:cond.start()]) and (
            WH_LATER.search(sentence, cond.end()) or AUX_LATER.search(sentence, cond.end())):
        return [p for p in (sentence[:cond.start()].strip(" ,;"), sentence[cond.end():].strip(" ,;")) if p]
    return [p for p in (sentence.strip(" ,;"),) if p]


def _asks_apart(head: str) -> bool:
    """The clause asks on its own ("if it goes to CSC what should we put in the referral" too) and
    is long enough to stand as a part."""
    asks = _asks(head) or bool(CONDITION_ASKING.match(head)) or _requests(head)
    return asks and len(head.split()) >= MIN_WORDS


def _requests(head: str) -> bool:
    """"List what we should require…", "Per KCSIE, list…": a request asks as a question does."""
    opening = OPENING.match(head)
    return bool(REQUEST_OPENING.match(head[opening.end():] if opening else head))


def heading(question: str) -> str:
    """The topic a question opens with before asking ("Low-level concerns about staff: how long…,
    and do they…?" -> "Low-level concerns about staff"), or ""."""
    m = HEADING.match(question)
    head = m.group(1).strip() if m else ""
    return "" if len(head.split()) > TOPIC_WORDS or _opens_asking(head) else head


def asked_clause(part: str) -> str:
    """The part without a scene-setting opening: "After a strategy discussion, who decides…" ->
    "who decides…" (its shape and kind are the question's, not the opening's)."""
    if _opens_asking(part) or not (m := INTRO_THEN_ASKING.search(part)):
        return part
    return part[part.rindex(",", 0, m.end()) + 1:].strip()


def _asks(head: str) -> bool:
    """The clause asks something, perhaps after a scene-setting phrase ("After a strategy
    discussion, who decides…", "WT23: as lead practitioner what am I meant to do…")."""
    if _opens_asking(head):
        return True
    if INTRO_THEN_ASKING.search(head):
        return _asks_after_intro(head)
    return bool((m := FRONTED.match(head)) and INVERTED.match(head[m.end():]))


def _asks_after_intro(text: str) -> bool:
    """A question word after an opening asks ("From WT23, which kinds…"); one that sets a scene
    ("And separately, when we rewrite it, …") does not."""
    return bool(INTRO_THEN_ASKING.search(text)) and not SUBORDINATE.match(asked_clause(text))


def _opens_asking(text: str) -> bool:
    """It opens with a question word, perhaps after a connective or a filler ("And how far…",
    "Realistically how far…"), not with a conjunction that sets a scene."""
    text = CONNECTIVE.sub("", text, count=1)
    return bool(ASKING.search(text)) and not SUBORDINATE.search(text)


def _has_verb(text: str) -> bool:
    """A clause, not a noun list: "who carries out the assessment" but not "what and how", nor a
    clause that borrows the verb before it ("who is more likely to be the victims, and who the
    perpetrators?")."""
    words = re.findall(r"[\w'’-]+", text.lower())
    if len(words) == 2:  # "who attends?", "who decides?": a question word and its verb
        return words[0] in SUBJECT_WORDS and words[1] not in NOT_VERBS
    return len(words) >= MIN_WORDS and not GAPPED.match(text)


def needs_antecedent(part: str) -> bool:
    """A part that leans on an earlier one: "is it a criminal offence?", "and who does it?"."""
    return (bool(PRONOUN.search(IDIOM.sub(" ", part)) or MORE.search(part) or BACK_REFERENCE.search(part))
            or len(part.split()) <= 4)
