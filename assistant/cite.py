"""Citations: build them from sentences of chunks, and check every quote against the source."""

from __future__ import annotations

import logging
import re
from dataclasses import replace

from assistant.layout import quote_in_layout
from assistant.records import Citation
from assistant.text import normalise
from corpus.local import KIND_LABELS
from corpus.manifest import Document
from ingest.records import Chunk, Page

log = logging.getLogger(__name__)
MUST = re.compile(r"\b(must|must not|is required to|are required to|have a duty|has a duty)\b", re.I)
SHOULD = re.compile(r"\b(should|should not|ought to)\b", re.I)


def duty_strength(sentence: str, doc: Document) -> str:
    """How binding the wording is, marked differently for statutory and other documents."""
    if doc.is_local:
        return "local (your area's own document, not statutory guidance)"
    if doc.kind == "briefing":
        return "briefing (a summary of the edition, not its own text)"
    if doc.kind == "non-statutory-advice":
        return "advice (non-statutory)"
    if MUST.search(sentence):
        return "must (a legal requirement)"
    if SHOULD.search(sentence):
        return "should (follow unless there is good reason not to)"
    return "statutory guidance (context)"


def make_citation(marker: int, chunk: Chunk, start: int, end: int, doc: Document) -> Citation:
    quote = chunk.text[start:end].strip()
    if doc.kind == "briefing":  # the same words without the briefings' markdown emphasis
        quote = re.sub(r"\*{1,2}(?=\S)|(?<=\S)\*{1,2}", "", quote)
    return Citation(
        marker=marker, doc_id=chunk.doc_id, title=doc.cited_as or chunk.title, edition=chunk.edition,
        page=chunk.page_at(start), paragraph=chunk.paragraph, quote=quote,
        section=chunk.section, page_end=chunk.page_at(end - 1), duty=duty_strength(quote, doc),
        status=doc.status, chunk_id=chunk.chunk_id,
        local=KIND_LABELS.get(doc.kind, "Local document") if doc.is_local else "",
        publisher=(doc.publisher or "") if doc.is_local else "",
    )


def quote_in_text(quote: str, pages: list[Page], first: int | None, last: int | None) -> bool:
    """True when `quote` appears word for word (modulo whitespace and hyphenation) in the page
    store's (pypdf) text of the pages."""
    if not quote.strip():
        return False
    if first is not None:
        end = last or first
        pages = [p for p in pages if p.number is not None and first <= p.number <= end]
    want = normalise(quote)
    if want in normalise("\n".join(p.text for p in pages)):
        return True
    # a sentence running onto the next page skips the first page's footnotes
    return len(pages) > 1 and want in normalise("\n".join(p.body for p in pages))


def quote_checks(quote: str, pages: list[Page], first: int | None, last: int | None) -> tuple[str, ...]:
    """The checks `quote` fails on the cited pages: "text" (not word for word in the pypdf page
    text) and "layout" (not contiguous on one page of the second, pdfium extraction; that check
    does not apply to text sources, see assistant/layout.py)."""
    failed = []
    if not quote_in_text(quote, pages, first, last):
        failed.append("text")
    if not quote_in_layout(quote, pages, first, last):
        failed.append("layout")
    return tuple(failed)


def quote_in_pages(quote: str, pages: list[Page], first: int | None, last: int | None) -> bool:
    """True when `quote` passes both checks: a reader finds it, word for word, on the printed
    page, whichever of the two extractions is right about the page's reading order."""
    return not quote_checks(quote, pages, first, last)


def verify(citation: Citation, pages: list[Page]) -> Citation:
    failed = quote_checks(citation.quote, pages, citation.page, citation.page_end)
    if failed:
        log.info("quote from %s p.%s failed the %s check: %r", citation.doc_id, citation.page,
                 " and ".join(failed), citation.quote[:80])
    return replace(citation, verified=not failed, failed_checks=failed)
