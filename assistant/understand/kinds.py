"""What a question asks for: its kind (fact, list, procedure, definition) and the shape of answer
(a duration, a number, a date, who, yes/no). Patterns describe kinds of question, not questions."""

from __future__ import annotations

import re

from assistant.text import tokens

NUM = r"(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty)"
DAYS_OF = r"(?:working |calendar |school )?"  # "15 working days"
# "can you list every group?" asks for the groups, not whether they can be listed
_REQUEST = (r"(?:can|could|would|will)\s+(?:you|u)\s+(?:please\s+|just\s+)?(?:list|give|tell|explain|show|"
            r"summari[sz]e|outline|set out|name|provide|go through|break down|spell out|remind|pull out|"
            r"(?:walk|talk|run|take|step) (?:me|us) through)\b")
_YES_NO = rf"^\s*(and\s+)?(?!{_REQUEST})(is|are|does|do|can|could|should|must|may|will|has|have|am)\b"
SHAPES = [
    # "how much does it cost?" asks for a sum; "does it cost anything?" is answered by "a fee"
    ("money", re.compile(r"\bhow much\b.*\b(cost|fee|fine|pay|paid|charge|compensation|funding|grant|budget|"
                         r"subscription|price)"
                         rf"|^(?!{_YES_NO}).*\b(cost|fee|fine|salary|allowance|compensation|subscription)s?\b",
                         re.I)),
    ("percent", re.compile(r"\bpercentage\b|\bper ?cent\b|\bproportion\b", re.I)),
    ("phone", re.compile(r"\b(phone|telephone|helpline) number\b|\bnumber (to|should I) (call|ring)"
                         r"|\bis there (a|any) (helpline|phone ?line|number)\b|\b(which|what) helpline\b",
                         re.I)),
    # "who are the partners?" asks for several; "who decides?" for the one whose task it is (a
    # who-question asks for a body even when it says "as a minimum" or "how long")
    ("who-many", re.compile(r"^\s*(and\s+)?who (are|were)\b|\bwhich (bodies|organisations|agencies|partners|"
                            r"people)\b", re.I)),
    ("who", re.compile(r"^\s*(and\s+)?who\b", re.I)),
    ("hours", re.compile(r"\bhow many hours\b|\bhours long\b", re.I)),
    # when a service can be reached: "when is it open?", "what hours?", "opening times"; not
    # "within what time?" (a time limit)
    ("opening", re.compile(r"\bwhen is (it|the [\w ]{1,30}) open\b|\bopening (hours|times)\b"
                           r"|(?<!within )(?<!\bin )\bwhat (hours|times?)\b|\bopen (until|till|from)\b"
                           r"|\bwhen can (i|we|staff|you) (ring|call|phone)\b", re.I)),
    # "what age…", "how old…", "the youngest age…": an age, not any number
    ("age", re.compile(r"\b(what|which) age\b|\bhow old\b|\b(minimum|maximum|youngest|oldest|lowest|"
                       r"highest|upper|lower) age\b|\bage (limit|range|threshold)\b", re.I)),
    # "how often…", "at what intervals…": a frequency, not a time limit
    ("frequency", re.compile(r"\bhow (often|frequently|regularly)\b|\bat what intervals?\b"
                             r"|\bhow many times (a|an|per|each|every)\b", re.I)),
    # "within how many days?", "within 24 hours?"; not "does it fall within the definition?"
    ("duration", re.compile(r"\bhow (long|soon|quickly)\b|\btimescale|\btimeframe"
                            rf"|\bwithin (how|(what|which|a (certain|set|specific|given|particular|"
                            r"reasonable)) "
                            rf"(time|period|timescale|timeframe|deadline|number)"
                            rf"|(the|a|an|{NUM}) {DAYS_OF}(day|hour|week|fortnight|month|term|year)s?\b)"
                            rf"|\bdeadline|\bhow many {DAYS_OF}(days|weeks|months|hours|years)\b"
                            r"|\bby (when|what (date|time|point))\b"  # "by when does the file go?"
                            # when a step of a process falls: "when does the core group first meet?",
                            # "when is the next conference?"; not "when should a council refer?"
                            r"|^\s*(and\s+)?when (does|do|is|are|should|will|must|would) [^?]{0,60}?"
                            r"\b(meets?|held|take place|takes place|happens?|convened?|due)\b"
                            r"|^\s*(and\s+)?when (is|are|will be) the (next|first|second)\b", re.I)),
    ("number", re.compile(r"\bhow (many|much)\b|\bnumber of\b|\b(maximum|minimum)\b"
                          r"|\b(upper|lower) limit\b|\bratio\b", re.I)),
    # "when was it published?" asks for a date; "when should a council refer?" for a circumstance
    ("date", re.compile(r"^\s*(and\s+)?when (did|was|were|had|has|have|will|is|does|do)\b.*\b(force|"
                        r"publish(ed)?|introduc(ed|e)|replaced?|issued?|start(ed)?|beg[ia]n|appl(y|ied) from|"
                        r"effect|changed?|come|came|updated?|revised?|last)\b|\bwhat (date|year)\b"
                        r"|\bsince when\b|\bcome into force\b", re.I)),
    # "which part of KCSIE deals with them?", "which paragraph has the detail?": where it is set out
    ("location", re.compile(r"\b(which|what) (part|section|annex|chapter|paragraph|appendix)s?\b"
                            r"(?=[^?]*\b(deal|deals|cover|covers|is|are|has|have|say|says|set|sets|talk|"
                            r"talks|explain|explains|contain|contains|in)\b)", re.I)),
    # "where's the guidance on PACE?", "where can I read more?", "where else can we get advice?": where the
    # guidance points for more
    ("pointer", re.compile(r"\bwhere\b[^?]{0,60}?\b(find|read|look (it )?up|learn|send|signpost)\b"
                           r"|\b(is|are) there (any|some)where\b"
                           r"|\bwhere(['’]s|\s+is|\s+are)\s+(the\s+)?((more|further|detailed|full|extra|"
                           r"other)\s+)?(guidance|advice|information|details?)\b"
                           r"|\bwhere (is|are)\b[^?]{0,80}?\b(explained|set out|described|covered|detailed)\b"
                           # "where in KCSIE is the fuller HSB information?"
                           r"|\bwhere\b[^?]{0,40}?\b(is|are)\b[^?]{0,30}?\b(guidance|advice|information|details?)\b"
                           r"|\bwhere (else )?((can|could|should|do|might) (i|we|you|staff|they)"
                           r"|(i|we|you|staff|they) (can|could|should|might)) (get|go for|seek)\b"
                           r"[^?]{0,20}?\b(advice|help|support|information|guidance)\b", re.I)),
    # "which Act does it come from?", "under what law?", "which regulations require…?": a piece of law (after
    # every other shape: "since what date…, and which Act inserted it?" asks for the date first)
    ("law", re.compile(r"\b(which|what)\s+([\w-]+\s+){0,2}?(act|(?-i:Acts)|laws?|legislation|regulations|"
                       r"statutes?|statutory (provisions?|basis|instruments?))\b"
                       r"|\bunder (which|what)\s+([\w-]+\s+)?(act|law|legislation|regulations?|article)\b",
                       re.I)),
    ("yes-no", re.compile(_YES_NO, re.I)),
]
# A number that cites something ("section 17", "paragraph 79", a year) states no quantity.
_NOT_A_REFERENCE = "".join(f"(?<!{w} )" for w in (
    "section", "sections", "paragraph", "paragraphs", "para", "paras", "chapter", "page", "annex",
    "part", "regulation", "article", "schedule", "rule", "step", "footnote", "appendix"))
# "What are the 4 Cs…?", "the three safeguarding partners": a set whose size the asker knows; the
# guidance's own statement of it ("four areas of risk:") is the likely answer
COUNT_WORDS = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_TIME_WORDS = (r"(?:days?|weeks?|months?|years?|hours?|minutes?|working|calendar|school|times?|per|or|and|to|"
               r"of|in|on|at|who|which|that|is|are|was|were|have|had)")
STATED_COUNT = re.compile(rf"\b(?:the|its|their|these|those|all)\s+(\d|{'|'.join(COUNT_WORDS)})\s+"
                          rf"(?!{_TIME_WORDS}\b)[a-z]", re.I)


def stated_count(asked: str) -> int:
    """The size of the set the part names ("the 4 Cs": 4), or 0."""
    m = STATED_COUNT.search(asked)
    if not m:
        return 0
    n = m.group(1).lower()
    number = int(n) if n.isdigit() else COUNT_WORDS.index(n) + 2
    return number if 2 <= number <= 10 else 0


def count_pattern(number: int) -> re.Pattern[str]:
    """A sentence stating a set of that size: "four areas of risk", "The 4 scenarios are"; not a
    time ("four weeks"), an age ("aged 4") or a reference ("paragraph 4")."""
    spelt = COUNT_WORDS[number - 2]
    return re.compile(rf"{_NOT_A_REFERENCE}(?<!aged )(?<!year )(?<!under )(?<!over )\b(?:{spelt}|{number})"
                      rf"\s+(?!{_TIME_WORDS}\b)(?:[a-z-]+\s+){{0,2}}[a-z-]+s\b", re.I)


_BODIES = re.compile(r"\([^)]*,[^)]*\)|:\s*\S.*,|\b\w+(?: \w+){0,3}, \w+(?: \w+){0,3},? and \w+", re.I)
# a sentence saying whose task it is: "It is for the local authority to decide", "should be a
# social worker", "is responsible for", "led by the…"
_WHOSE_TASK = (r"\bit is (for|the (role|responsibility|duty) of)\b|\b(is|are) (responsible|accountable)\b"
               r"|\b(led|chaired|made|decided|convened|carried out|undertaken) by (the|a|an)\b"
               r"|\b(is|are|be) appointed (to|as)\b"  # "…a senior member of staff… is appointed to the role"
               r"|\bshould (always )?be (a|an) [\w -]{0,30}(worker|officer|lead|practitioner|manager|"
               r"professional|partner)\b")
# What an answer of each shape contains ("yes-no": a verdict, which only orders sentences).
ANSWER_SHAPES = {
    "money": re.compile(r"£\s?\d|\b\d+ pounds\b", re.I),
    "percent": re.compile(r"\d+(\.\d+)?\s?%|\bper ?cent\b", re.I),
    # a full number, or a UK short code (999, 101, 111, 116 123); not any three digits (a footnote's "159 ")
    "phone": re.compile(r"\b0\d{2,4}[ -]?\d{3,4}[ -]?\d{3,4}\b|\b(999|101|111|112|116 ?\d{3})\b"),
    "hours": re.compile(rf"\b{NUM}[- ]hours?\b", re.I),
    "opening": re.compile(r"\b\d{1,2}[:.]\d{2}\b|\b\d{1,2} ?(am|pm)\b|\b24 hours\b"
                          r"|\b(mon|tues|wednes|thurs|fri|satur|sun)days?\b", re.I),
    "duration": re.compile(rf"\b{NUM}[- ]{DAYS_OF}(day|hour|week|month|year)s?\b"
                           r"|\b(annually|immediately|as soon as possible|every \w+ years?)\b"
                           r"|\buntil\b|\bfor as long as\b", re.I),  # "kept until they leave"
    # "fortnightly or monthly", "every two years", "once a term", "in a 12-month period"
    "frequency": re.compile(r"\b(daily|weekly|fortnightly|monthly|termly|quarterly|annually|intervals?)\b"
                            r"|\b\w+[- ](weekly|monthly|yearly)\b"
                            r"|\b(published|held|reviewed|updated) yearly\b"
                            r"|\bevery\s+(\w+\s+){0,2}(days?|weeks?|fortnights?|months?|terms?|years?)\b"
                            rf"|\b(once|twice|{NUM} times)\s+(a|an|per|each|every)\s+\w+"
                            rf"|\b(in|per|each|every|over) (a|any|each) {NUM}[- ]"
                            r"(day|week|month|year) period\b",
                            re.I),
    # "aged 16", "the age of 13", "under 18", "16-year-olds", "their 18th birthday"
    "age": re.compile(rf"\b(aged?|ages)\s+(of\s+|between\s+)?((under|over)\s+)?{NUM}\b"
                      rf"|\b{NUM}[- ](years?|months?)[- ]olds?\b"
                      rf"|\b(under|over|below|above)[- ](the age of\s+)?{NUM}s?\b"
                      rf"|\b\d{{1,2}}(st|nd|rd|th) birthday\b", re.I),
    # "paragraphs 101-102": the range's end cites too
    "number": re.compile(rf"{_NOT_A_REFERENCE}(?<!\d-)(?<!\d–)\b(?!(?:19|20)\d\d\b){NUM}\b", re.I),
    "date": re.compile(r"\b(19|20)\d\d\b|\b(january|february|march|april|may|june|july|august|"
                       r"september|october|november|december)\b", re.I),
    # a verdict: what is (not) required, allowed or appropriate, and who only may
    "yes-no": re.compile(r"\b(not|never|only|no)\b|\b(appropriate|required|requirement|permitted|"
                         r"allowed|entitled|obliged|obligation|lawful|unlawful|mandatory|compulsory|"
                         r"optional)\b", re.I),
    # "Further information can be found in…", "see Annex B", "more advice is available from…"
    "pointer": re.compile(r"\b(can|may) be found\b"
                          r"|\bsee (also )?(paragraphs?|Annex|Part|chapter|section|page)\b"
                          r"|\b(further|more|additional) (information|advice|guidance|details?|support)\b"
                          r"|\b(is|are) (available|set out|explained|described|published) "
                          r"(in|at|from|on|by)\b"
                          r"|https?://|\bwww\.|\.gov\.uk\b", re.I),
    "location": re.compile(r"\b(Part (one|two|three|four|five|\d)|Section (one|two|three|\d)|Annex [A-H]"
                           r"|Appendix [A-C]|[Cc]hapter (one|two|three|four|five|\d)|paragraphs? \d{1,3})\b"),
    # a piece of law named: "the Police Act 1997", "section 11 of the Children Act 2004", "Article 9"
    "law": re.compile(r"\b(Act|Regulations|Order|Rules)( \([\w ]+\))? (19|20)\d\d\b|\bArticle \d+\b"
                      r"|\b(UK )?GDPR\b|\blaw of confidence\b|\bConvention on the Rights of the Child\b"),
    "who-many": _BODIES,
    "who": re.compile(rf"{_BODIES.pattern}|{_WHOSE_TASK}", re.I),
}
# Shapes that name a quantity the guidance either states or does not: a missing one is a gap.
QUANTITIES = frozenset({"money", "percent", "phone", "hours", "opening", "duration", "number", "age",
                        "frequency"})

_DOCUMENT = (r"(policy|policies|agreement|contract|letter|report|record|plan|statement|notice|advert|form|"
             r"file|document|leaflet|poster|email|minutes|note|referral|protocol|procedure|code of conduct)")
_WHO = r"(i|we|staff|they|you|the school|the college|a teacher|teachers|practitioners|professionals)"
# an adverb between a modal and its verb: "what they should actually be doing"
_ADVERB = r"((actually|really|also|now|then|still) )?"
PROCEDURE = re.compile(
    # "what should I do", "what shouldn't we say": the steps, or what the guidance warns against
    rf"\bwhat (should|do|must|can|would|shall)(n['’]t| not)? {_WHO}\b[^?.]{{0,50}}"
    r"\b(do|say|tell|respond|happen)\b"
    r"|\bwhat not to (do|say)\b|\bwhat to avoid\b"
    # "what should the DSL do…", "what must a school nurse say…": whoever is named
    # (what a document "should say" or "do" is its content: "what should the hire agreement say?",
    # "what should a local protocol do?")
    r"|\bwhat (should|must) (the |a |an |our |my |their |your |each |every )?"
    rf"(?!([\w'’-]+ ){{0,3}}?{_DOCUMENT}s?( [\w'’-]+){{0,3}} (say|tell|do)\b)[\w'’-]+( [\w'’-]+){{0,3}} "
    r"(do|say|tell|respond)\b"
    rf"|\bwhat (happens|should happen|will happen) (next|now|then|after|at|during)\b"
    rf"|\bwhat (are|is) the ((next|other|further|remaining|main|key) )?steps?\b"
    # "how should we respond", "how should we be handling it": the verb or its -ing form
    rf"|\bhow (should|do|must|can) {_WHO} (be )?(respond|react|handl|deal|report|proceed|rais|approach)\w*\b"
    rf"|\bwho (should|do|must|can) {_WHO} (tell|inform|report|contact|speak|go|talk)\b"
    r"|\bwhat (am i|are we|is the \w+( \w+){0,2}) (expected|meant|supposed|required) to do\b"
    r"|\bwhat (do|does|should|must) (i|we|the \w+) (need|have) to do\b|\bwhat should (i|we) be doing\b"
    r"|\bwhat action\b|\bwhat do i do\b|\bwhat now\b|\bwhat (steps|actions) should\b"
    r"|\bwhere do i (start|go)\b"
    # "what should the DSL think about now?", "what should we as the LA be doing?", "what's the
    # process from here?", "what do we need to sort out?"
    r"|\bwhat (should|must|do|does|would|shall) [\w ]{1,30}? (think(ing)? about|consider(ing)?|"
    r"bear(ing)? in mind|be doing)\b"
    r"|\bwhat (am i|are we|is the \w+|is \w+) (expected|meant|supposed|required) to (be doing|contribute)\b"
    r"|\bwhat is the (process|procedure) (from here|now|next|for|when|if)\b"
    r"|\bwhat (do|does|should) (i|we|they|the \w+) (need|have) to (sort out|put in place|check)\b"
    # what is expected of someone, or is meant to happen: "what's expected of us", "what does WT
    # expect a club like ours to have in place", "what's supposed to happen when…", "first steps"
    r"|\bexpected of (me|us|them)\b|\bexpects? [\w ]{1,30}? to (do|have|put)\b"
    r"|\bwhat('s| is) (supposed|meant|expected) to happen\b"
    # "what should happen?", "what does WT say should happen?": what is to be done, not a fact
    r"|\bwhat (should|must|ought to|needs? to) happen\b|\bsays? (should|must|ought to) happen\b"
    r"|\bwhat happens\b[^?.]{0,40}\b(next|now|from here|afterwards|after that)\b"
    # reported: "what does WT say someone like me should do?", "SLT want to know what else we should
    # be doing", "what does the flowchart say happens next?"
    r"|\bsay (i|we|they|someone like me|people like me|someone in my (role|position)) "
    rf"(should|must|need to|have to|ought to) {_ADVERB}(do|be doing)\b"
    rf"|\bwhat (else )?(i|we|they) (should|must|need to|ought to) {_ADVERB}"
    r"(be )?do(ing)?\b|\bhappens (next|now)\b"
    # "walk me through how we should run it", "take me through the steps": the steps asked for, not
    # a set of outcomes or changes told in turn
    r"|\b(walk|take|talk|run|guide|step) (me|us)( \w+)? through (?!(the |its |their )?(possible |main )?"
    r"(outcomes?|options?|changes?|differences?)\b)"
    r"|\b(what are|through|give me|list|set out|explain) the (key |main )?steps\b"
    r"|\b(first|next) steps?\b|\bhow (do|should|can|must|would) (i|we|they|you) go about\b"
    r"|\bwhat('s| is) the (process|procedure)\b"
    r"|\bhow (is|are) [\w ]{1,30}? (meant|supposed|expected) to\b", re.I)
# the asker's own obligation, asked after with a question word once a situation is told: "what else
# am I expected to do?", "who am I supposed to take this to?", "how should we work with the families?"
OBLIGED = re.compile(
    r"^\W*(?:(?:and|so|but|also|then)\s+)?(what|how|who|whom|where)\b[^?.;]{0,40}?\b("
    r"(should|must) (i|we)|(i|we) (should|must|need to|have to|ought to)"
    r"|(am i|are we|i am|we are|i'm|we're|i’m|we’re) (supposed|expected|meant|required|allowed|permitted) to"
    r"|do (i|we) (need|have) to"
    r"|(expects?|wants?|requires?) (of |from )?(me|us)"  # "what does WT expect of me…?"
    r"|(is|are) (on|down to) (me|us))\b", re.I)  # "what's on me as LP for the review?"
# "what attitude am I supposed to have?", "what records must we keep?": a thing asked for, not steps
WHAT_THING = re.compile(r"^\W*(?:(?:and|so|but|also|then)\s+)?what\s+"
                        r"(?!(?:else|extra|more|further|exactly|now|next|then|steps?|actions?|things?|happens|"
                        r"is|are|am|do|does|did|should|must|can|could|would|will|i|we)\b)"
                        r"[a-z]+\s+(?:am|are|is|do|does|should|must)\s+(?:i|we)\b", re.I)
# "what should we expect these reports to be like?", "how should I think about what this is like for
# her?": how to see it, not what to do
UNDERSTANDING = re.compile(r"\b(should|must|do) (i|we) (expect\b[^?]{0,60}\bto be like"
                           r"|(think|feel) about (what|how|it|this|that|the)\b"
                           r"|(view|see|understand) (it|this|that|them|these|the)\b)", re.I)
JOINED = re.compile(r"[,;]\s*(?=(?:and|but|so)\s)", re.I)  # where a joined clause starts
_LIST_NOUNS = (r"(types|categories|kinds|forms|signs|indicators|principles|rules|factors|steps|stages|"
               r"responsibilities|duties|roles|elements|areas|ways|examples|members|partners|"
               r"requirements|checks|sources|things|agencies|bodies|organisations|conditions|criteria|"
               r"functions|options|grounds|groups|risks|aims|features|components|parts|barriers|challenges|"
               r"concerns|issues|circumstances|measures|safeguards|actions|arrangements|topics|details|"
               r"considerations)")
# what a record, plan or policy must hold: "what has to go on the SCR?", "what should be in the
# policy?", "what goes into it?" (the container, if named, is group "held")
_CONTENTS = (r"\bwhat\b[^?]{0,40}?\b(((should|must|has to|have to|needs? to|ought to) (be|go) "
             r"((recorded|kept|included|written|listed|put) )?)|goes |should go |must go )"
             r"(in|on|into)\b(?! place)"
             r"(?P<held>[^?.;]{0,60})")
_FOR_ME = r"((for|to) (me|us) |out )?"  # "list for me what…", "list out the…"
_COUNT = r"(two|three|four|five|six|seven|eight|nine|ten|\d+)"
LIST = re.compile(
    rf"\b(list|name|outline|set out) {_FOR_ME}(all|the|each|every)\b"
    # the form asked for: "give me the full list", "list them all", "bullet points please"
    r"|\b(full|whole|complete|entire) ([\w’'-]+ ){0,2}list\b|\blist (them|these|those|it|everything)\b"
    rf"|\blist,? (please|pls|plz)\b|^\W*(?:\w+\W+){{0,4}}?list {_FOR_ME}(what|which|who|whom|where|how)\b"
    r"|\b(every|each) (item|point|entry|bullet)\b"
    r"|\ball of (them|those|these|it),? (please|pls|plz)\b|\b(give|tell|show) me (them )?all\b"
    r"|\bbullet[ -]?points?\b"
    rf"|\bwhat are (all )?(the|its|their) (\w+[ -]){{0,3}}{_LIST_NOUNS}\b"
    rf"|\b(which|what) (\w+ ){{0,2}}{_LIST_NOUNS} (are|is|should|must|do|does|can|could|will|would|"
    rf"might|may|need|to|for|count|qualify)\b"
    rf"|\b{_COUNT} ([\w’'-]+ ){{0,2}}{_LIST_NOUNS}\b|\b{_COUNT} (golden )?(rules|cs|c's|ps)\b"
    rf"|{_CONTENTS}"
    r"|\bwhat .{0,60}\b(includ(e|es|ed)|set out|contain(s|ed)?)\b"
    # "what's the review meant to achieve?": its aims
    r"|\bwhat(?:'s|’s| is| are) (?!(?:i|we|you)\b)(?:the |a |an |its |their |our )?"
    r"[\w'’-]+(?: [\w'’-]+){0,3} (?:supposed|meant|expected|required) to achieve\b"
    # "what rights do individuals have", "which issues should it tackle", "which children does WT say…":
    # a plural noun asked for
    r"|\b(what|which) ([a-z]+ ){0,2}([a-z]{3,}[^s\W]s|children|people|women|men) (of [a-z]+ )?"
    r"(do|does|did|should|must|can|could|am|are|were|have|has|will|would)\b", re.I)
# a list asked for in so many words: "which organisations does KCSIE list…", "what's on it?",
# "which ones are on it?", "which harms does it name?", "what should the policy cover?"
NAMED_LIST = re.compile(
    r"\b(which|what) ([\w’'-]+ ){0,2}[a-z]{2,}[^s\W']s\b[^?]{0,50}?\b(does|do) [\w’' ]{1,40}?\b"
    r"(list|name|mention|set out|point to|recommend|expect|say|give|provide|suggest|highlight|identify)\b"
    # "what does the 'working with others' bit list?", "what KCSIE lists as warning signs"
    r"|\bwhat (does|do) [\w'’‘ -]{1,40}? (list|name)\b|\bwhat [\w'’‘ -]{1,40}? (lists|names) as\b"
    # and in the passive: "which … resources are listed in the appendix?"
    r"|\b(which|what)\b[^?]{0,80}?\b(are|were|is|was) (listed|named|mentioned|set out|included) "
    r"(in|under|on|by)\b"
    # "which sources listed in Appendix B come from…"
    r"|\b(which|what) ([\w’'-]+ ){0,2}[a-z]{2,}[^s\W']s (listed|named|mentioned|set out) (in|under|on|by)\b"
    r"|\bwhat is (the list|on (it|the list|that list))\b|\bwhich ones are (on|in)\b"
    # where the guidance points a reader: "where does KCSIE point us?", "what guidance does WT point
    # dental teams to?", "which other guidance does it point to?"
    r"|\bwhere (does|do) [\w'’ -]{1,40}? point\b"
    r"|\b(what|which) (other )?(guidance|advice|resources?|support|information|help)\b[^?]{0,40}?"
    r"\b(does|do) [\w'’ -]{1,40}? point\b"
    r"|\bwhat\b[^?]{0,60}\b(should|must|has to|have to|needs? to) (cover|include|contain|address|tackle|"
    r"consider|take into account|weigh( up)?|think about|bear in mind|look (at|for|out for))\b"
    # "what should we weigh up when…", "what must the panel consider…": a subject between
    r"|\bwhat (should|must) ([\w'’-]+ ){1,4}(consider|weigh up|take into account|bear in mind)\b",
    re.I)
# "what are its tasks?", "what are the main police powers here?": any plural noun asked for
PLURAL_ASKED = re.compile(r"\bwhat (are|were) (all )?(the|its|their) ([\w’'-]+ ){0,3}[a-z]{3,}[^s\W']s\b",
                          re.I)
DEFINITION = re.compile(
    r"\bwhat (is|are) meant by\b|\bwhat does (the term |the phrase )?[\w'’ -]{1,50} mean\b"
    r"|\bdefin(e|ition|ed)\b"
    r"|\bwhat counts as\b|\bmeaning of\b|\bwhat (kind|sort) of thing is\b"
    # "what does 'reasonable force' cover?", "when does sexual behaviour count as harmful?"
    r"|\bwhat (does|do) ['‘\"][^'’\"]{2,40}['’\"] (actually )?(cover|include|involve|mean)\b"
    r"|\b(when|what) (does|do|would) [\w'’ -]{1,60} count as\b"
    r"|\bwhat (does|do) [\w'’ -]{1,40} say (that )?(a |an )?[\w'’ -]{1,40} (is|are|means)\??\s*$"
    # asked indirectly, as a list asks: "…, and what family group decision-making is"; not "what the
    # threshold is", "what kind of harm this is"
    r"|^\s*(and\s+)?what\s+(a |an )?(?!(the|our|my|your|their|his|her|its)\b)"
    r"(?![^?]*\b(it|this|that|they|these|those|we|i|you|he|she)\b)[\w’' -]{3,50}? (is|are|means)\W*$"
    # "what's a MASH?"; not someone's ("what's his plan?") nor what someone is to do ("what is the
    # council supposed to do now?")
    r"|^\s*(and\s+)?what(?: is| are)\s+(?:a |an )?(?!(?:the|they|these|those|it|this|that|his|her|their|"
    r"its|my|our|your|on|in|at|for|to|with|from|about|under|after|before|we|you|i|he|she|"
    # "what are we trying to work out?", "what's expected of the agencies?": a clause, no term
    r"(?:[\w'’-]+ly )?(?:(?:expected|required|needed) (?:of|from|by)|supposed|meant|happening|going|done|"
    r"trying))\b)"
    r"(?!(?:[\w'’-]+ )+(?:(?:supposed|expected|meant|required|obliged|going|allowed|entitled|able) to|"
    r"(?:eligible|responsible|liable) for)\b)"
    r"[\w'’ -]{2,60}\??\s*$", re.I)
# "How did the glossary's definition of abuse change?" asks how it changed, not what it is
HOW_CHANGED = re.compile(r"\bhow (?:did|has|have|was|were) [^?]{1,80}?\bchang(?:e|ed)\b|"
                         r"\bwhat (?:has )?changed\b", re.I)
# the term a definition question asks about, the first form that reads it: "what does 'regulated
# activity' mean?", "what's the definition of neglect…?", "what's a MASH?"
DEFINED = tuple(re.compile(form, re.I) for form in (
    r"\bwhat (?:is|are) meant by\s+(?P<term>[^?]+)",
    # "what does KCSIE actually mean by safeguarding…?": the term follows "mean by"
    r"\bwhat (?:does|do|did) [^?]{1,60}? mean by\s+(?:a |an |the )?(?P<term>[^?]+)",
    r"\bwhat (?:does|do) (?:the (?:term|phrase|word) )?(?P<term>[^?]+?) (?:actually )?"
    r"(?:mean|cover|include|involve|refer to)\b",
    r"\b(?:define|definition of|meaning of)\s+(?:the (?:term|phrase|word) )?(?P<term>[^?]+)",
    r"^\W*(?:and\s+)?what(?:'s|’s| is| are)\s+(?:a |an |the )?(?P<term>[^?]+)"))
QUALIFIER = re.compile(r"\s+(?:that|which|who|whom|for|in|under|within|when|where|if|as|at|by|from|"
                       r"according|used)\s", re.I)
QUOTED = re.compile(r"(?:^|\s)['‘\"“]([^'’\"”]{2,60})['’\"”](?=\s|$|[?.,])")
# a clause after the term without "that": "the definition of neglect (that) WT23 uses", "…does KCSIE give"
TERM_ENDS = re.compile(r"\s+(?:does|do|did|is|are|was|were|should|must|can|will|would|has|have|gives?|uses?|"
                       r"says?|sets? out|provides?|KCSIE|WT\s?\d*|Working Together)\b.*$", re.I)
# a dash and a filler left at the end of a part ("What is a low-level concern - like, what makes…")
TRAILING_FILLER = re.compile(r"\s*[-–—]+\s*(?:like|i mean|you know|basically)?\s*$", re.I)
ARTICLE = re.compile(r"^(?:a|an|the)\s+(?=\S)", re.I)
SPELT = re.compile(r"\s*\(([^)]+)\)")  # shorthand the search spelt out: "MASH (multi-agency …)"
STANDS_FOR = re.compile(r"(?:^|\s+)ones?$", re.I)  # a noun said before stands behind "one"


POSSESSIVE = re.compile(r"['’]s?\s+\w.*$")  # "Cafcass's actual responsibility": the owner is the term


# a part asking about changes ("what was updated?"): the lines of a table of changes answer it
CHANGES_ASKED = re.compile(r"\b(chang|updat|revis|amend)\w*", re.I)
TIME_WORD = re.compile(r"\b(?:day|week|month|year|hour)s?\b", re.I)  # a question asked in days, weeks…
# "does the cultural side change anything?", "if that changes anything": whether it makes a
# difference, not what the guidance changed
MAKES_DIFFERENCE = re.compile(r"chang(e|es|ed|ing) (anything|things|much|matters|the (picture|position|"
                              r"situation|outcome|answer))\b", re.I)


def asks_changes(text: str) -> bool:
    """The part asks about changes (a table of changes' lines may answer it): a change word other
    than one asking whether something makes a difference."""
    return any(not MAKES_DIFFERENCE.match(text, m.start()) for m in CHANGES_ASKED.finditer(text))


def defined_term(asked: str) -> tuple[str, ...]:
    """The term a definition question asks about, as typed, then as the search spelt it out or
    renamed it ("MASH (multi-agency safeguarding hub)", "LSCBs? (safeguarding partners; …)"), or ()."""
    m = next((found for form in DEFINED if (found := form.search(plain(asked)))), None)
    if not m:
        return ()
    term = TRAILING_FILLER.sub("", SPELT.sub("", m.group("term")))
    quoted = QUOTED.search(term)  # "what is meant by 'early help' for school staff?"
    # "neglect that schools use", "practice supervisor in a local authority": the asker's context
    term = quoted.group(1) if quoted else QUALIFIER.split(term, maxsplit=1)[0].strip(" '\"‘’“”.")
    term = TERM_ENDS.split(term, maxsplit=1)[0]  # "extremism KCSIE gives", "neglect does WT23 use"
    term = ARTICLE.sub("", term)  # "the definition of a child": the term is "child"
    term = STANDS_FOR.sub("", term)  # "what's an interim one?": "one" is the order of the part before
    term = POSSESSIVE.sub("", term)  # "Cafcass's responsibility": what Cafcass does, so Cafcass
    spelt = [t.strip(" ()") for found in SPELT.findall(asked) for t in found.split(";")]
    return tuple(t for t in (term, *spelt) if t)


# "…there are main categories of abuse - what are they (according to WT 2023)?": the plural it asks
# for is named before it
THEY = re.compile(r"^\W*(and\s+|so\s+)?what\s+(are|were)\s+(they|these|those)(\s+all)?\b"
                  r"(\s+(according to|in|under|per|from)\b[^?.;]{0,40})?"
                  r"(\W+(all|each|every one) of them( please)?)?\W*$", re.I)  # "- all of them please?"
NAMED_PLURAL = re.compile(rf"\b{_LIST_NOUNS}\b", re.I)


# "How many members does a CDOP need?": the thing counted, which the stated number must be about
COUNTED = re.compile(r"(?:\bhow (?:many|much)|\b(?:maximum|minimum|max|min|largest|smallest) number of)\s+"
                     r"(?:(?:working|calendar|school)\s+)?"
                     r"(?:(?:days?|weeks?|months?|hours?|years?)['’]?\s+)?([a-z][a-z-]{2,})"
                     # "the maximum caseload", "a minimum total budget": the limit is on the thing named
                     r"|\b(?:maximum|minimum)\s+(?:total\s+|overall\s+|annual\s+)?(?!number\b|age\b|length\b|"
                     r"time\b|term\b|period\b|duration\b|for\b|of\b)([a-z][a-z-]{2,})", re.I)
_NOT_COUNTED = re.compile(r"(days?|weeks?|months?|hours?|years?|times?|more|longer|of|is|are|does|do|"
                          r"did|should|must|can|will|would|has|have|per)$", re.I)
# the noun after the counted one, when it is one ("how many contact sessions a week"): not a verb,
# a function word, a time or an adverb ("how many staff must…", "how many members does…")
_COMPOUND = re.compile(r"[ \t]+(?!(?:does|did|was|were|are|has|have|had|should|must|can|could|will|would|"
                       r"may|might|shall|need|needs|get|gets|got|the|and|for|from|with|under|after|before|"
                       r"per|that|this|there|than|then|who|which|what|when|where|our|your|their|his|her|"
                       r"its|they|you|she|not|each|every|any|all|more|less|long|days?|weeks?|months?|"
                       r"hours?|years?|times?|one|two|three|four|five|six|\w+ly)\b)([a-z][a-z-]{2,})\b")


_AUX = frozenset({"does", "is", "was", "has", "this", "its", "thus", "always", "less", "unless",
                  "needs", "goes", "includes", "contains", "covers", "means"})


def listed_before(asked: str, before: str) -> str:
    """The plural a bare "what are they?" asks for, named in the text before it: the last list
    noun ("categories"), else the last plural noun ("…where the DSL refers cases"), or ""."""
    if not THEY.match(asked):
        return ""
    if m := [*NAMED_PLURAL.finditer(before)]:
        return m[-1].group(0).lower()
    words = re.findall(r"[a-z]+", before.lower())
    plurals = [w for i, w in enumerate(words) if len(w) > 3 and w.endswith("s")
               and not w.endswith(("ss", "us", "is")) and w not in _AUX and not _verb_at(words, i)]
    return plurals[-1] if plurals else ""


_SUBJECTS = frozenset({"he", "she", "it", "who", "which", "that", "this", "mum", "dad", "one"})


def _verb_at(words: list[str], i: int) -> bool:
    """An -s word that is a verb: after a subject ("she says"), or before an -ing ("keeps talking")."""
    return (i > 0 and words[i - 1] in _SUBJECTS) or (i + 1 < len(words) and words[i + 1].endswith("ing"))


CONTENTS = re.compile(_CONTENTS, re.I)
HELD_WORDS = 2  # "the school's child protection policy" -> "protection policy": a lead-in names it so


def listed(text: str) -> str:
    """The plural noun a list question asks for ("which checks must…" -> "checks"), or what a
    contents question asks about ("what has to go on the single central record?" -> "central
    record"), or ""."""
    if held := _held(text):
        return held
    m = LIST.search(text) or NAMED_LIST.search(text) or PLURAL_ASKED.search(text)
    words = [w for w in re.findall(r"[a-z]+", m.group(0).lower()) if len(w) > 3 and w.endswith("s")
             and not w.endswith("ss") and w not in _AUX] if m else []
    if not words and m and (each := EVERY_ONE.search(text)):  # "list every group it names"
        return each.group(1).lower()
    return words[-1] if words else ""


# "every group", "each check", "all the agencies": the thing a list request counts off
EVERY_ONE = re.compile(r"\b(?:every|each|all(?: of)?(?: the)?)\s+(?:single\s+)?"
                       r"(?!(?:them|those|these|they|that|this|time|thing|things|detail|one)\b)([a-z]{4,})\b",
                       re.I)


def _held(text: str) -> str:
    """The last words of the record or document a contents question names, or ""."""
    m = CONTENTS.search(text)
    words = [w for w in re.findall(r"[a-z]+", m.group("held").lower()) if w not in _NOT_HELD] if m else []
    return " ".join(words[-HELD_WORDS:])


_NOT_HELD = frozenset({"a", "an", "the", "our", "my", "their", "your", "its", "it", "them", "this", "that",
                       "s", "for", "of", "school", "schools", "college", "colleges"})


# "is it 72 hours max?", "every 10 working days?": a quantity the question itself proposes (not an
# age: "a 16 year old", "his 6-month-old"; nor a school year: "two Year 10 pupils")
PROPOSED = re.compile(rf"\b{NUM}[- ]{DAYS_OF}(hour|day|week|month|year)s?\b(?![- ]olds?\b)(?!\s*\d)", re.I)


def proposed_unit(text: str) -> str:
    """The unit of a time the question proposes ("is it 72 hours?" -> "hour"), or ""."""
    m = PROPOSED.search(text)
    return m.group(2).lower() if m else ""


# what the asker rules out: "Whole list please, not the county lines-only ones", "apart from age"
EXCLUDED = re.compile(r"(?:^|[,;.(–—-]\s*)not\s+(?:the\s+|any\s+)?([^,.;:?!()]{3,40}?)(?:[- ]only)?\s+ones?\b"
                      r"|\b(?:apart from|other than|except for|excluding)\s+(?:the\s+|any\s+)?"
                      r"([^,.;:?!()]{3,40}?)(?=\s*(?:[,.;:?!)]|$))", re.I)


def excluded(text: str) -> str:
    """What the question rules out ("…not the county lines-only ones" -> "county lines"), or ""."""
    m = EXCLUDED.search(text)
    phrase = (m.group(1) or m.group(2)).strip() if m else ""
    return phrase if tokens(phrase) else ""  # "not the ones": nothing named


# "does that count as domestic abuse in law?", "does that make him a looked after child?": whether a
# thing is one of a kind, which the kind's definition decides
CATEGORY = re.compile(
    r"\b(?:counts?|counted|classed|classified|considered|treated|qualif(?:y|ies)|seen|regarded)\s+as\s+"
    r"|\bmakes?\s+(?:him|her|them|it|this|that)\s+"
    r"|\b(?:still|even|actually|legally)\s+(?:be\s+)?(?=an?\s)"
    # "is a 17 year old a child…?", "is this an 'allegation'…?"
    r"|^\W*(?:and\s+|so\s+)?(?:is|are|would|could)\s+(?!there\b)(?:[\w'’-]+\s+){1,5}?(?=an?\s+['‘\"“]?\w)",
    re.I)
_CATEGORY_END = re.compile(r"\s+(?:for|under|in|according|by|if|when|because|given|even|just|or)\b"
                           r"|[?,;.(]|$", re.I)


def category(text: str) -> str:
    """The kind a yes/no question asks whether something is ("domestic abuse", "a looked after
    child"), or ""."""
    if not (m := CATEGORY.search(text)):
        return ""
    rest = re.sub(r"^(?:an?|the)\s+", "", text[m.end():].strip(" '‘’\"“”"), flags=re.I)
    end = _CATEGORY_END.search(rest)
    kind = rest[:end.start() if end else len(rest)].strip(" '‘’\"“”")
    return kind if 0 < len(kind.split()) <= 5 else ""


def counted(text: str) -> str:
    """The noun a "how many / how much" question counts ("members", "notice", "funding"; two words
    when the first qualifies the second: "contact sessions"), or ""."""
    m = COUNTED.search(text)
    noun = (m.group(1) or m.group(2)) if m else ""
    if not noun or _NOT_COUNTED.fullmatch(noun):
        return ""
    if m and m.group(1) and (head := _COMPOUND.match(text, m.end(1))):  # "contact sessions": both
        noun = f"{noun} {head.group(1)}"
    return noun.lower()


# Informal wording the kind and shape patterns need not know (they read the question through
# plain()): "what's" is "what is", and "what am I actually supposed to be doing" asks what "what am
# I supposed to be doing" asks.
CONTRACTION = re.compile(r"\b(what|who|where|how|that|there|it)['’]s\b", re.I)
FILLER = re.compile(r"\s+\b(actual|actually|really|even|just|exactly|honestly|basically|definitely|ever|"
                    r"realistically|truly|properly)\b(?=\s)", re.I)


def plain(text: str) -> str:
    """The question as the kind and shape patterns read it: contractions spelled out, fillers out."""
    return FILLER.sub("", CONTRACTION.sub(r"\1 is", text))


# a quantity the asker is to decide, not one asked for: "…when deciding how much supervision they need"
DECIDED = re.compile(r"\b(decid\w*|judg\w*|work(ing)? out|assess\w*|determin\w*) how (many|much)\b[^?.;]*",
                     re.I)


def answer_shape(text: str) -> str | None:
    """The shape of answer a (sub-)question asks for, or None. A quantity the asker is to decide
    ("what should we weigh up when deciding how much supervision they need?") is not asked for."""
    text = DECIDED.sub(" ", plain(text))
    return next((name for name, pat in SHAPES if pat.search(text)), None)


WHOLE_LIST = re.compile(r"\b(full|whole|complete|entire) list\b|\blist (them|these|those) all\b"
                        r"|\b(every|each) (item|one)\b|\b(need|want) (it|them|these|those) listed\b", re.I)


def question_kind(text: str, shape: str | None, situated: bool = False) -> str:
    """fact, list, procedure or definition. `situated`: the question tells a situation first, so
    the asker's own obligation ("who am I supposed to take this to?") asks what to do about it."""
    text = plain(text)
    if PROCEDURE.search(text):
        return "procedure"
    if NAMED_LIST.search(text):
        return "list"
    if situated and shape in (None, "who") and OBLIGED.search(text) and not LIST.search(text) and not (
            WHAT_THING.match(text) or UNDERSTANDING.search(text)):
        return "procedure"
    # "Should we, and what do we have to go through before deciding?": a verdict, then the steps
    if situated and any(OBLIGED.match(c) for c in JOINED.split(text)[1:]) and not LIST.search(text):
        return "procedure"
    # the who-shapes find the named bodies, bulleted or inline, unless the whole list is asked for
    if shape in ("who", "who-many") and not WHOLE_LIST.search(text):
        return "fact"
    if LIST.search(text) or (shape is None and PLURAL_ASKED.search(text)):
        return "list"
    if shape in (None, "yes-no") and DEFINITION.search(text) and not HOW_CHANGED.search(text):
        return "definition"
    return "fact"
