"""Pure helpers for the web chat: HTML rendering, follow-ups, case-detail warnings, exports.

No gradio here, so everything is unit-testable. Every piece of text that comes from a user or a
document goes through `esc` before any markup is added around it.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from assistant.compare import shorten_equal
from assistant.errors import QuestionError, SafeguideError
from assistant.records import Answer, Citation

SAFETY_NOTICE = ("This tool quotes national guidance and does not replace local procedures or "
                 "professional judgement. If a child is in immediate danger, call 999.")
MARKER = re.compile(r"\[(\d{1,2})\]")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def esc(text: str) -> str:
    """HTML-escape and keep line breaks as <br> (no raw newlines, so Markdown leaves it alone)."""
    return html.escape(text or "", quote=True).replace("\r", "").replace("\n", "<br>")


# ---------------------------------------------------------------------------------- answers
def answer_body(text: str) -> str:
    """The answer without its "Sources:" block and notices."""
    return text.split("\nSources:", 1)[0]


def cited_markers(text: str) -> set[int]:
    """Markers [n] used in the body of an answer."""
    return {int(m) for m in MARKER.findall(answer_body(text))}


BOLD = re.compile(r"\*\*([^*\n<>]+?)\*\*")  # a multi-part answer's part heading: "**Who attends?**"
DELETED = re.compile(r"\[-(.+?)-\]", re.S)
INSERTED = re.compile(r"\{\+(.+?)\+\}", re.S)


def render_text(text: str, uid: str = "") -> str:
    """Answer text (possibly a streamed prefix) as HTML: [n] markers as links to their source
    card (`#sg<uid>-src-n`), word diffs shown, part headings in bold."""
    html = MARKER.sub(rf'<a class="sg-marker" href="#sg{uid}-src-\1">[\1]</a>', esc(text))
    html = BOLD.sub(r'<strong class="sg-part">\1</strong>', html)
    html = DELETED.sub(r'<del class="sg-del">\1</del>', html)
    return INSERTED.sub(r'<ins class="sg-ins">\1</ins>', html)


def _quote_pattern(quote: str) -> re.Pattern[str] | None:
    words = quote.split()
    if not words:
        return None
    escaped = [re.escape(w).replace(r"\-", r"-\s*") for w in words]
    parts = [w if w.endswith(r"\s*") else w + r"\s+" for w in escaped[:-1]]
    return re.compile("".join(parts) + escaped[-1])


def find_quote(text: str, quote: str) -> tuple[int, int] | None:
    """Where `quote` sits in `text`, ignoring differences in layout whitespace."""
    pattern = _quote_pattern(quote)
    m = pattern.search(text) if pattern else None
    return (m.start(), m.end()) if m else None


def highlight(text: str, quote: str) -> tuple[str, bool]:
    """`text` as escaped HTML with `quote` wrapped in <mark>; and whether the quote was found."""
    span = find_quote(text, quote)
    if span is None:
        return esc(text), False
    s, e = span
    return f"{esc(text[:s])}<mark>{esc(text[s:e])}</mark>{esc(text[e:])}", True


_NEW_ITEM = re.compile(r"^(?:[•▶◦o\-–*]\s|\d{1,3}[.)]\s|[A-Z][^.]{0,60}$)")


def reflow(text: str) -> str:
    """Join PDF layout lines into paragraphs; keep bullets, numbered paragraphs and headings."""
    out: list[str] = []
    for line in (ln.strip() for ln in text.replace("\r", "").split("\n")):
        prev = out[-1] if out else ""
        if not line or not prev or prev.endswith(":") or _NEW_ITEM.match(line):
            out.append(line)
        else:
            out[-1] = prev + ("" if prev.endswith("-") else " ") + line
    return "\n".join(out)


def excerpt(text: str, quote: str, around: int = 280) -> str:
    """`text` cut to about `around` characters either side of `quote` (at word boundaries)."""
    span = find_quote(text, quote)
    if span is None or len(text) <= len(quote) + 2 * around:
        return text
    s, e = span
    start = max(0, s - around)
    end = min(len(text), e + around)
    if start > 0:
        start = text.find(" ", start) + 1 or start
    if end < len(text):
        end = text.rfind(" ", e, end) if text.rfind(" ", e, end) > e else end
    return ("… " if start > 0 else "") + text[start:end] + (" …" if end < len(text) else "")


@dataclass(frozen=True)
class SourceView:
    """Everything a source card shows for one citation."""

    citation: Citation
    chunk_text: str
    page_text: str
    url: str = ""  # the official publication page
    pdf_url: str = ""  # the official PDF, opened at the cited page (…pdf#page=N)
    image: str = ""  # address of the printed page as an image, quote highlighted
    image_size: tuple[int, int] = (0, 0)  # its width and height in pixels (reserves the space)
    note: str = ""  # e.g. the supersession note for a card from an older edition


def _page_label(c: Citation) -> str:
    if c.page is None:  # a national briefing, or a local DOCX, HTML or text document
        return "no page numbers" if c.local else "unpaged briefing"
    if c.page_end and c.page_end != c.page:
        return f"pages {c.page}–{c.page_end}"
    return f"page {c.page}"


def _where(c: Citation) -> str:
    parts = [f"edition {c.edition}", _page_label(c)]
    if c.paragraph:
        parts.append(f"paragraph {c.paragraph}")
    elif c.section:
        parts.append(f"section “{c.section}”")
    return " · ".join(parts)


ROLE_LABELS = {"old": "older edition", "new": "newer edition", "rename": "where the rename is stated",
               "supersession": "current wording"}


def pdf_page_url(pdf: str, page: int | None) -> str:
    """The official PDF opened at a printed page (browsers honour #page=N)."""
    if not pdf:
        return ""
    return f"{pdf.split('#', 1)[0]}#page={page}" if page else pdf


def _link(url: str, text: str) -> str:
    return (f'<a class="sg-link" href="{html.escape(url, quote=True)}" target="_blank" '
            f'rel="noopener noreferrer">{esc(text)}<span class="sg-vh"> (opens in a new tab)</span></a>')


def render_card(view: SourceView, open_: bool = False, uid: str = "") -> str:
    """A compact source card: the quote's place (title, edition, page, paragraph, duty, check) in
    the summary; opened, the paragraph with the quote highlighted, the printed page and links."""
    c = view.citation
    chunk_html, _ = highlight(excerpt(reflow(view.chunk_text or c.quote), c.quote), c.quote)
    status = ' <span class="sg-badge">superseded</span>' if c.status == "superseded" else ""
    if role := ROLE_LABELS.get(c.role):
        status += f' <span class="sg-role">{esc(role)}</span>'
    check = "✓ checked word for word" if c.verified else "not verified"
    if view.image:
        alt = f"{_page_label(c).capitalize()} of {c.title}, with the quoted lines highlighted"
        w, h = view.image_size
        size = f' width="{w}" height="{h}"' if w and h else ""
        page_html = (f'<img class="sg-page-img" src="{html.escape(view.image, quote=True)}" '
                     f'alt="{esc(alt)}"{size} loading="{"eager" if open_ else "lazy"}">')
    else:  # a text-only source (e.g. the KCSIE 2025 text): the extracted page, highlighted
        text_html, found = highlight(reflow(view.page_text), c.quote)
        if not found:
            text_html = f"<mark>{esc(c.quote)}</mark><br><br>{text_html}"
        page_html = (f'<details class="sg-whole"><summary>Show the whole page text</summary>'
                     f'<div class="sg-page-text" tabindex="0">{text_html}</div></details>')
    links = []
    if view.pdf_url:
        links.append(_link(pdf_page_url(view.pdf_url, c.page),
                           f"Official PDF at {_page_label(c)}" if c.page else "Official PDF"))
    if view.url:
        links.append(_link(view.url, "Publication page"))
    note = f'<div class="sg-card-note">{esc(view.note)}</div>' if view.note else ""
    whole = "Whole document" if c.local else "Whole document (briefing)"
    page_label = whole if c.page is None else _page_label(c).capitalize()
    return (
        f'<details class="sg-card" id="sg{uid}-src-{c.marker}"'
        f'{" open" if open_ else ""}><summary>'
        f'<span class="sg-card-title">[{c.marker}] {esc(c.title)}{status}</span> '
        f'<span class="sg-card-meta">{esc(_where(c))} · {esc(c.duty or "duty not stated")} · '
        f'{check}</span></summary>{note}'
        f'<div class="sg-card-chunk">{chunk_html}</div>'
        f'<div class="sg-page"><div class="sg-page-head">{esc(page_label)}</div>{page_html}'
        f'<div class="sg-links">{" · ".join(links)}</div></div></details>'
    )


def body_of(answer: Answer) -> str:
    """The answer lines with their [n] markers: `answer.body`, or the text before its sources."""
    return answer.body or answer_body(answer.text)


def render_cards(body: str, views: list[SourceView], uid: str = "") -> str:
    """Cards for the citations the answer body cites, in marker order; the first one open."""
    used = {int(m) for m in MARKER.findall(body)}
    shown = [v for v in sorted(views, key=lambda v: v.citation.marker) if v.citation.marker in used]
    cards = [render_card(v, open_=i == 0, uid=uid) for i, v in enumerate(shown)]
    return (f'<div class="sg-cards"><div class="sg-cards-head">Sources</div>{"".join(cards)}</div>'
            if cards else "")


def render_message(answer: Answer, views: list[SourceView], carried: FollowUp | None = None,
                   text: str | None = None, uid: str = "", why: str = "") -> str:
    """A whole assistant message: header, answer body, notices and (once complete) source cards.

    Each quote is shown once, in the body; the cards say where it comes from. `text` is a
    streamed prefix of the body (no notices or cards yet). `uid` keeps the cards' ids unique
    on a page with several answers."""
    head = []
    if carried and carried.carried:
        head.append(carry_note(carried))
    if answer.edition_used:
        several = ", " in answer.edition_used
        label = "Editions searched" if answer.abstained else ("Editions used" if several else "Edition used")
        head.append(f"{label}: {answer.edition_used}" + (f" — {why}" if why else ""))
    header = "".join(f'<div class="sg-head">{esc(h)}</div>' for h in head)
    body = body_of(answer)
    shown = body if text is None else text
    out = f'<div class="sg-answer">{render_text(shown, uid)}</div>'
    if text is None:
        if answer.notices:  # a notice may cite too (e.g. the current wording of a superseded quote)
            items = "".join(f"<li>{render_text(n, uid)}</li>" for n in answer.notices)
            out += f'<ul class="sg-notices">{items}</ul>'
        out += render_cards("\n".join([body, *answer.notices]), views, uid)
    return f'<div class="sg-msg">{header}{out}</div>'


def stream_parts(answer: Answer, step: int) -> list[str]:
    """Growing prefixes of the answer body, for the streamed display."""
    body = body_of(answer)
    return [body[:end] for end in range(step, len(body) + step, step)]


# ------------------------------------------------------------------------------- comparisons
def render_diff(diff: tuple[tuple[str, str], ...], context: int = 12) -> str:
    """A word diff as HTML: <del> for removed words, <ins> for added, long equal runs cut."""
    out = []
    for i, (op, words) in enumerate(diff):
        if op == "delete":
            out.append(f'<del class="sg-del">{esc(words)}</del>')
        elif op == "insert":
            out.append(f'<ins class="sg-ins">{esc(words)}</ins>')
        else:
            out.append(esc(shorten_equal(words, context, i > 0, i < len(diff) - 1)))
    return " ".join(out)


@dataclass(frozen=True)
class ChangeView:
    """One change between two editions, with its verified citations (None: not verified)."""

    kind: str
    old_where: str
    new_where: str
    diff: tuple[tuple[str, str], ...]
    old_text: str = ""
    new_text: str = ""
    old_cite: Citation | None = None
    new_cite: Citation | None = None
    old_pdf: str = ""
    new_pdf: str = ""


_KIND = {"changed": "Changed", "added": "Added", "removed": "Removed", "merged": "Merged into another",
         "renumbered": "Renumbered"}


def _side(label: str, where: str, cite: Citation | None, pdf: str) -> str:
    if not where:
        return ""
    check = " · ✓ quote checked" if cite and cite.verified else ""
    link = ""
    if pdf and cite and cite.page:
        link = " · " + _link(pdf_page_url(pdf, cite.page), f"PDF page {cite.page}")
    return f'<span class="sg-side">{esc(label)}: {esc(where)}{check}{link}</span>'


def render_change(ch: ChangeView, old_label: str, new_label: str) -> str:
    if ch.kind == "added":
        text = f'<ins class="sg-ins">{esc(ch.new_text)}</ins>'
    elif ch.kind == "removed":
        text = f'<del class="sg-del">{esc(ch.old_text)}</del>'
    elif ch.kind == "merged":
        clipped = ch.old_text if len(ch.old_text) <= 300 else ch.old_text[:300].rsplit(" ", 1)[0] + " …"
        text = f"Its words now sit in {esc(ch.new_where)}: {esc(clipped)}"
    else:
        text = render_diff(ch.diff)
    sides = [_side(old_label, ch.old_where, ch.old_cite, ch.old_pdf),
             _side(new_label, ch.new_where, ch.new_cite, ch.new_pdf)]
    return (f'<li class="sg-change"><div class="sg-change-head">{esc(_KIND.get(ch.kind, ch.kind))}'
            f'</div><div class="sg-change-text">{text}</div>'
            f'<div class="sg-change-where">{"<br>".join(x for x in sides if x)}</div></li>')


def render_comparison(old_label: str, new_label: str, topic: str, changes: list[ChangeView],
                      minor: list[ChangeView], total: int, notes: list[str]) -> str:
    """The compare view: substantive changes as word diffs, each cited on both sides; minor
    ones (punctuation, footnote and cross-reference numbers) folded away."""
    about = f" about “{topic}”" if topic else ""
    shown = f"{len(changes)} of {total}" if total > len(changes) else str(len(changes))
    head = (f'<h2 class="sg-cmp-title">Changes from {esc(old_label)} to {esc(new_label)}{esc(about)}'
            f'</h2><p class="sg-head">{esc(shown)} substantive change(s); removed words are '
            f'<del class="sg-del">struck through</del>, added words are '
            f'<ins class="sg-ins">underlined</ins>.</p>')
    items = "".join(render_change(c, old_label, new_label) for c in changes)
    body = f'<ol class="sg-changes">{items}</ol>' if items else '<p>No substantive changes found.</p>'
    folded = ""
    if minor:
        rows = "".join(render_change(c, old_label, new_label) for c in minor)
        folded = (f'<details class="sg-minor"><summary>Show {len(minor)} minor change(s) '
                  f'(punctuation, footnote or cross-reference numbers)</summary>'
                  f'<ol class="sg-changes">{rows}</ol></details>')
    extra = "".join(f'<p class="sg-head">{esc(n)}</p>' for n in notes)
    return f'<div class="sg-msg sg-compare">{head}{body}{folded}{extra}</div>'


def render_question(question: str) -> str:
    return f'<div class="sg-q">{esc(question)}</div>'


def render_notice(text: str) -> str:
    return f'<div class="sg-msg sg-error">{esc(text)}</div>'


# ------------------------------------------------------------------------------- follow-ups
_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|"
           "december")
_SERIES = (r"working\s+together|wt|kcsie|keeping\s+children\s+safe(?:\s+in\s+education)?|"
           r"information[- ]sharing(?:\s+advice)?|info[- ]sharing")
_EDITION_TOKEN = re.compile(
    rf"\b(?:(?:19|20)\d\d-\d\d-\d\d|(?:19|20)\d\d|{_MONTHS}|{_SERIES}|current|now|today|latest|"
    r"\d{1,2}(?:st|nd|rd|th)?)\b", re.I)
_FILLER = _words("""
and but so ok okay what about how in the under for from of as at on to then instead same one was
it is there that this also too please did does do say said version edition guidance text back
during by according with earlier previous older newer again vs versus""")
_LEAD = re.compile(r"^\s*(?:(?:and|but|so|ok|okay|then|also)\b[\s,]*|(?:what|how)\s+about\b\s*)+",
                   re.I)
_DATE_PHRASE = re.compile(
    rf"\s*,?\s*\b(?:(?:in|under|from|as\s+(?:at|of)|of|for|on|during)\s+)?(?:the\s+)?"
    rf"(?:(?:19|20)\d\d-\d\d-\d\d|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\s+(?:19|20)\d\d|"
    rf"(?:{_MONTHS})\s+(?:19|20)\d\d|(?:19|20)\d\d)(?:\s+(?:edition|version|guidance|text))?\b",
    re.I)
_ACT_BEFORE = re.compile(r"\b(?:Act|Regulations|Order|Rules|Standards)\s*$", re.I)


@dataclass(frozen=True)
class FollowUp:
    """The question to ask, and what was carried over from the previous one (if anything)."""

    question: str
    topic: str
    edition: str = ""
    carried: bool = False


def topic_of(question: str) -> str:
    """The question without its dates and years (Act years such as "Children Act 1989" stay)."""
    out, last = [], 0
    for m in _DATE_PHRASE.finditer(question):
        if _ACT_BEFORE.search(question[: m.start()]):
            continue
        out.append(question[last:m.start()])
        last = m.end()
    out.append(question[last:])
    text = " ".join("".join(out).split())
    return re.sub(r"\s+([?.!,])", r"\1", text) or question.strip()


def follow_up(question: str, previous_topic: str | None) -> FollowUp:
    """Turn a short edition-only follow-up ("and in 2018?") into a full question.

    It is a follow-up when, after removing edition words (years, dates, series names, "now")
    and filler words, nothing is left, and it named at least one edition, date or series.
    """
    text = " ".join(question.split())
    words = re.findall(r"[\w'-]+", _EDITION_TOKEN.sub(" ", text).lower())
    named = [t for t in _EDITION_TOKEN.findall(text) if not re.fullmatch(r"\d{1,2}\D*", t)]
    if previous_topic and named and len(text.split()) <= 12 and all(w in _FILLER for w in words):
        edition = _LEAD.sub("", text).strip(" ?.!,") or text.strip(" ?.!,")
        base = previous_topic.strip().rstrip(" ?.!")
        return FollowUp(f"{base} — {edition}?", previous_topic, edition, True)
    return FollowUp(text, topic_of(text))


def carry_note(f: FollowUp) -> str:
    return f"Carried over: topic “{f.topic.rstrip(' ?.!')}” · edition “{f.edition}”"


# ------------------------------------------------------------------------- case details (PII)
_FIRST_NAMES = _words("""
adam aisha alex alfie ali amelia amir amy andrew anna archie arthur ava ben bethany billy
callum charlie charlotte chloe chris daniel david dylan edward eleanor ella ellie emily emma
ethan evie finley freya george georgia hannah harry harvey heidi henry holly isaac isabella
isla jack jacob james jamie jane jasmine jayden jessica john joseph joshua kai katie kyle
laura leah leo liam lily logan lucy luke maisie mason matthew maya megan mia michael millie
mohammed muhammad noah oliver olivia oscar paul peter poppy rachel rebecca reuben riley robert
rosie ruby ryan sam samuel sarah scarlett sophia sophie stephen summer thomas tom tyler william
yusuf zara zoe""")
_HONORIFIC = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+[A-Z][a-z'-]+")
_CALLED = re.compile(r"\b(?:named|called)\s+[A-Z][a-z'-]+")
_CAP_PAIR = re.compile(r"\b([A-Z][a-z'-]+)\s+([A-Z][a-z'-]+)\b")
_DOB = re.compile(r"\b(?:d\.?o\.?b\b\.?|date of birth|born (?:on|in)\b)|"
                  r"\b\d{1,2}[/.]\d{1,2}[/.](?:19|20)?\d\d\b", re.I)
_POSTCODE = re.compile(r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)\s*\d[A-Z]{2}\b", re.I)
_STREET = re.compile(
    r"\b\d{1,4}[a-z]?,?\s+(?:[A-Z][a-z'-]+\s+){1,3}(?:Road|Rd|Street|St|Avenue|Ave|Lane|Close|"
    r"Drive|Way|Crescent|Court|Place|Gardens|Terrace|Grove|Hill|Square|Mews|Row|Walk)\b")
_PHONE = re.compile(r"(?<![\w+])(?:\+44|0)[\d\s()-]{8,15}\d(?!\d)")
_NHS = re.compile(r"(?<!\d)\d{3}[\s-]?\d{3}[\s-]?\d{4}(?!\d)")
_NHS_CUE = re.compile(r"\bNHS\s*(?:no\b|number|num\b|#)", re.I)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
_NAME_ALONE = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z'-]+)(?:'s)?\b")
_AGE = re.compile(r"\b(?:aged?\s+\d{1,2}|\d{1,2}[- ](?:years?|yrs?|months?)[- ]old|\d{1,2}\s*(?:yo|y/o))\b",
                  re.I)
_SCHOOL_WORD = r"(?:Primary|Secondary|Academy|School|College|Infants?|Juniors?|Nursery|High)"
_SCHOOL = re.compile(rf"\b(?:St\.?\s+)?[A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]+){{0,2}}\s+{_SCHOOL_WORD}\b")
_GENERIC_SCHOOL = _words("""independent special free maintained boarding state faith local residential
the a an our my his her their this that secondary primary junior infant nursery sixth further
designated children keeping education""")
_CASE_NO = re.compile(r"\b(?:case|ref(?:erence)?|crime|LCS|CRN|CP)\s*(?:no\.?|number|#)?\s*[:#]?\s*"
                      r"[A-Z]{0,3}[-/]?\d{4,}\b", re.I)


def _school_named(text: str) -> bool:
    return any(m.group(0).split()[0].lower().strip(".") not in _GENERIC_SCHOOL
               for m in _SCHOOL.finditer(text))


def _nhs_valid(digits: str) -> bool:
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    return check != 10 and (0 if check == 11 else check) == int(digits[9])


def case_details(text: str) -> list[str]:
    """Kinds of personal case details the text seems to contain (a gentle, heuristic check)."""
    found: list[str] = []
    names = [m for m in _CAP_PAIR.finditer(text) if m.group(1).lower() in _FIRST_NAMES]
    alone = [m for m in _NAME_ALONE.finditer(text.strip()) if m.group(1).lower() in _FIRST_NAMES]
    if names or alone or _HONORIFIC.search(text) or _CALLED.search(text):
        found.append("a name")
    if _AGE.search(text):
        found.append("an age")
    if _school_named(text):
        found.append("a school")
    if _CASE_NO.search(text):
        found.append("a case number")
    if _DOB.search(text):
        found.append("a date of birth")
    if _POSTCODE.search(text) or _STREET.search(text):
        found.append("an address or postcode")
    phones = [re.sub(r"\D", "", m.group(0)) for m in _PHONE.finditer(text)]
    if any(10 <= len(p.replace("44", "0", 1) if p.startswith("44") else p) <= 11 for p in phones):
        found.append("a phone number")
    nhs = [re.sub(r"\D", "", m.group(0)) for m in _NHS.finditer(text)]
    if _NHS_CUE.search(text) or any(_nhs_valid(d) for d in nhs):
        found.append("an NHS number")
    if _EMAIL.search(text):
        found.append("an email address")
    return found


def remove_case_details(text: str) -> str:
    """The question with what looks like case details replaced by a neutral placeholder."""
    steps: list[tuple[re.Pattern[str], Any]] = [
        (_EMAIL, "[email]"), (_CASE_NO, "[case number]"), (_DOB, "[date]"), (_STREET, "[address]"),
        (_POSTCODE, "[postcode]"), (_PHONE, "[phone]"), (_NHS, "[number]"), (_AGE, "[age]"),
        (_SCHOOL, lambda m: m.group(0) if m.group(0).split()[0].lower().strip(".")
         in _GENERIC_SCHOOL else "[school]"),
        (_HONORIFIC, "[name]"),
        (_CALLED, lambda m: m.group(0).split()[0] + " [name]"),
        (_CAP_PAIR, lambda m: "[name]" if m.group(1).lower() in _FIRST_NAMES else m.group(0)),
        (re.compile(r"\b([A-Z][a-z'-]+)(?='s\b|\b)"),
         lambda m: "[name]" if m.group(1).lower() in _FIRST_NAMES and m.start() > 0 else m.group(0)),
    ]
    for pattern, repl in steps:
        text = pattern.sub(repl, text)
    return text


def case_warning(kinds: list[str]) -> str:
    if not kinds:
        return ""
    listed = ", ".join(kinds[:-1]) + (" or " if len(kinds) > 1 else "") + kinds[-1]
    return (f"Your question may contain case details ({listed}). The guidance does not need them: "
            "please describe the situation without anything that identifies a child or family. "
            "Questions are not stored.")


# ------------------------------------------------------------------------------ small parsers
def parse_as_at(text: str | None) -> date | None:
    """The "As at date" box: empty, or YYYY-MM-DD."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise QuestionError(f"“{text}” is not a date: write the as-at date as YYYY-MM-DD, "
                            "for example 2019-05-01.") from None


class ConfigError(SafeguideError):
    """A web-chat setting (SAFEGUIDE_AUTH, the serve host) cannot be used as given."""


def parse_auth(value: str | None) -> list[tuple[str, str]] | None:
    """SAFEGUIDE_AUTH="user:password[,user2:pw2]" as Gradio auth pairs (None: no login).
    A malformed value is a ConfigError: one line, never echoing the passwords."""
    if not value or not value.strip():
        return None
    pairs: list[tuple[str, str]] = []
    for item in value.split(","):
        user, sep, password = item.strip().partition(":")
        if not sep or not user or not password:
            raise ConfigError("SAFEGUIDE_AUTH must look like user:password[,user2:password2] "
                              f"(entry {len(pairs) + 1} has no user, no “:” or no password).")
        pairs.append((user, password))
    return pairs


# ---------------------------------------------------------------------------------- exports
def answer_record(question: str, asked: str, answer: Answer, fingerprint: str,
                  settings: dict[str, Any], when: datetime) -> dict[str, Any]:
    """What an export contains: enough to check every quote later against the same corpus."""
    return {
        "question": question,
        "asked_as": asked,
        "asked_at": when.isoformat(timespec="seconds"),
        "answer": answer.text,
        "abstained": answer.abstained,
        "edition_used": answer.edition_used,
        "notices": list(answer.notices),
        "quotes": [
            {"marker": c.marker, "title": c.title, "edition": c.edition, "page": c.page,
             "page_end": c.page_end, "paragraph": c.paragraph, "section": c.section,
             "duty": c.duty, "quote": c.quote, "verified": c.verified, "doc_id": c.doc_id}
            for c in answer.citations if c.verified
        ],
        "corpus_fingerprint": fingerprint,
        "generator": answer.generator,
        "settings": settings,
    }


def record_markdown(record: dict[str, Any]) -> str:
    edition = record["edition_used"] or "none"
    lines = [f"# {record['question']}", "",
             f"*Asked {record['asked_at']} · edition used: {edition}*", ""]
    if record["asked_as"] != record["question"]:
        lines += [f"Asked as: {record['asked_as']}", ""]
    lines += ["## Answer", "", record["answer"], "", "## Verified quotes", ""]
    for q in record["quotes"]:
        where = ", ".join(x for x in (q["title"], f"edition {q['edition']}",
                                      f"page {q['page']}" if q["page"] is not None else "",
                                      f"paragraph {q['paragraph']}" if q["paragraph"] else "")
                          if x)
        quote = " ".join(q["quote"].split())
        lines += [f"[{q['marker']}] {where} — {q['duty']}", "", f"> {quote}", ""]
    if not record["quotes"]:
        lines += ["(none)", ""]
    lines += ["## Provenance", "", f"- corpus fingerprint: {record['corpus_fingerprint']}",
              f"- generator: {record['generator']}"]
    lines += [f"- {k}: {v}" for k, v in record["settings"].items()]
    lines += ["", SAFETY_NOTICE, ""]
    return "\n".join(lines)


def record_json(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, indent=2)


def feedback_entry(rating: str, comment: str, answer: Answer, question: str | None,
                   fingerprint: str, when: datetime) -> dict[str, Any]:
    """One line of feedback.jsonl; the question only when the user opted in (else None)."""
    entry: dict[str, Any] = {
        "time": when.isoformat(timespec="seconds"),
        "rating": rating,
        "comment": (comment or "").strip()[:2000],
        "abstained": answer.abstained,
        "edition_used": answer.edition_used,
        "citations": [{"doc_id": c.doc_id, "page": c.page, "paragraph": c.paragraph}
                      for c in answer.citations],
        "corpus_fingerprint": fingerprint,
        "generator": answer.generator,
    }
    if question:
        entry["question"] = question
    return entry


# ------------------------------------------------------------------------------- documents
def render_documents(rows: list[Any], admin: bool) -> str:
    """The Documents panel's table: national and local documents held, with edition or date,
    dates in force, sha256, chunk count and state (indexed, missing, stale or failed, and why)."""
    head = ("<tr><th scope='col'>Document</th><th scope='col'>Source</th><th scope='col'>Edition / date"
            "</th><th scope='col'>In force</th><th scope='col'>sha256</th><th scope='col'>Chunks</th>"
            "<th scope='col'>State</th><th scope='col'>Id</th></tr>")
    body = "".join(
        f"<tr class='sg-doc-{esc(r.source)}'><td>{esc(r.title)}"
        + (f"<br><small>{esc(r.publisher)}</small>" if r.publisher else "")
        + f"</td><td>{esc(r.source)}{' · ' + esc(r.kind) if r.source == 'local' else ''}</td>"
        f"<td>{esc(r.edition)}</td><td>{esc(r.in_force) or '—'}</td>"
        f"<td><code title='{esc(r.sha256)}'>{esc(r.sha256[:12])}</code></td>"
        f"<td>{r.chunks if r.chunks is not None else 'not indexed'}</td>"
        f"<td class='sg-state sg-state-{esc(r.state)}'><strong>{esc(r.state)}</strong>"
        + (f"<br><small>{esc(r.detail)}</small>" if r.detail else "")
        + f"</td><td><code>{esc(r.id)}</code></td></tr>" for r in rows)
    local = sum(1 for r in rows if r.source == "local")
    waiting = sum(1 for r in rows if r.state != "indexed")
    who = ("You can add and remove local documents below." if admin else
           "Only administrators (SAFEGUIDE_ADMINS) can add or remove documents.")
    note = f" {waiting} not indexed as held: see State." if waiting else ""
    return (f"<div class='sg-docs'><p>{len(rows) - local} national and {local} local document(s) "
            f"held.{esc(note)} {esc(who)}</p><table class='sg-doc-table'>{head}{body}</table></div>")
