"""Typed records passed from ingest to index to answer."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

SERIES_TITLES = {
    "working-together": "Working Together to Safeguard Children",
    "kcsie": "Keeping Children Safe in Education",
    "information-sharing": "Information sharing advice",
}


@dataclass(frozen=True, slots=True)
class Page:
    """One printed page of cleaned text (number None for unpaged text such as briefings)."""

    doc_id: str
    number: int | None
    text: str
    body_end: int | None = None  # text[body_end:] is the page's footnote block
    # A second, independent extraction of the same printed page (pdfium's text page, in its own
    # reading order, with layout blocks marked and the printed page number dropped): quotes are
    # checked against it too (assistant/layout.py). None for text sources, which have none.
    layout: str | None = None

    @property
    def body(self) -> str:
        return self.text if self.body_end is None else self.text[: self.body_end]

    @property
    def footnotes(self) -> str:
        return "" if self.body_end is None else self.text[self.body_end :].strip()


@dataclass(frozen=True, slots=True)
class Chunk:
    """A paragraph (or part of one, or a heading section) with everything needed to cite it."""

    chunk_id: str
    doc_id: str
    title: str
    series: str
    edition: str
    page_start: int | None
    page_end: int | None
    paragraph: str | None
    headings: tuple[str, ...]
    text: str
    page_breaks: tuple[int, ...] = field(default=())  # offsets in text where the next page starts
    part: int = 0
    # the lead-in of the list the chunk opens in the middle of ("…is most likely to include, but may
    # not be limited to:" at the end of the chunk before): searched with it, never quoted from it
    lead: str = ""

    @staticmethod
    def make_id(doc_id: str, seq: int, page: int | None, paragraph: str | None, text: str) -> str:
        """Stable hash of the content and its position (sequence number within the document)."""
        key = f"{doc_id}|{seq}|{page}|{paragraph}|{text}"
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]

    def page_at(self, offset: int) -> int | None:
        """The printed page on which character `offset` of `text` sits."""
        if self.page_start is None:
            return None
        return self.page_start + sum(1 for b in self.page_breaks if b <= offset)

    @property
    def section(self) -> str:
        return " > ".join(self.headings)

    def context_line(self) -> str:
        """Series, edition and heading path: identical paragraphs of two printings embed alike."""
        line = f"{SERIES_TITLES.get(self.series, self.title)} {self.edition}"
        return f"{line} > {self.section}" if self.headings else line

    def embed_text(self) -> str:
        """What is embedded and BM25-indexed: a deterministic context line, the lead-in of a list
        carried on from the chunk before, then the text."""
        lead = f"{self.lead}\n" if self.lead else ""
        return f"{self.context_line()}\n{lead}{self.text}"

    @property
    def text_sha(self) -> str:
        return hashlib.sha256(self.embed_text().encode("utf-8")).hexdigest()[:24]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Chunk:
        data = dict(data)
        data["headings"] = tuple(data.get("headings") or ())
        data["page_breaks"] = tuple(data.get("page_breaks") or ())
        return cls(**data)
