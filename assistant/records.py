"""Records the answer step produces: passages, citations, answers."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from ingest.records import Chunk


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its fused score and its rank in each retriever."""

    chunk: Chunk
    score: float
    rank: int
    dense_rank: int | None = None
    bm25_rank: int | None = None
    dense_score: float | None = None


@dataclass(frozen=True)
class Citation:
    marker: int
    doc_id: str
    title: str
    edition: str
    page: int | None
    paragraph: str | None
    quote: str
    section: str = ""
    page_end: int | None = None
    duty: str = ""
    status: str = ""
    chunk_id: str = ""
    verified: bool = False
    role: str = "answer"  # "answer", "old"/"new" (a comparison), "rename" or "supersession" (context)
    failed_checks: tuple[str, ...] = ()  # set by cite.verify: "text" (pypdf), "layout" (pdfium)
    # a document added with `safeguide add`: its kind label ("Local procedure") and publisher
    local: str = ""
    publisher: str = ""

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    def where(self) -> str:
        if self.local:
            return self._where_local()
        parts = [f"{self.title}"]
        if self.page is not None:
            parts.append(f"page {self.page}")
        if self.paragraph:
            parts.append(f"paragraph {self.paragraph}")
        elif self.section:
            parts.append(f"section “{self.section}”")
        return ", ".join(parts)

    def _where_local(self) -> str:
        """"Local procedure: Northshire SCP, Referral and assessment, §4.2, page 3, March 2025"."""
        parts = [p for p in (self.publisher, self.title) if p]
        if self.paragraph:
            parts.append(f"§{self.paragraph}")
        elif self.section and self.section != self.title:
            parts.append(f"section “{self.section}”")
        if self.page is not None:
            parts.append(f"page {self.page}")
        if self.edition and self.edition != "undated":
            parts.append(self.edition)
        return f"{self.local}: " + ", ".join(parts)


@dataclass
class Answer:
    question: str
    text: str
    abstained: bool
    edition_used: str
    citations: list[Citation] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    generator: str = "extractive"
    timings: dict[str, float] = field(default_factory=dict)
    passages: list[Passage] = field(default_factory=list)
    support: float = 0.0
    check: dict[str, Any] = field(default_factory=dict)  # written answers: the citation check
    body: str = ""  # the answer lines with their [n] markers, without the source list and notices
    # documents in the question's scope that the committed index does not hold yet, and the notice
    # saying so ("KCSIE 2025 is not indexed yet: run `safeguide ingest`."), also in `text`
    not_indexed: list[str] = field(default_factory=list)
    index_notice: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "answer": self.text,
            "body": self.body,
            "abstained": self.abstained,
            "edition_used": self.edition_used,
            "citations": [c.as_json() for c in self.citations],
            "notices": self.notices,
            "not_indexed": self.not_indexed,
            "index_notice": self.index_notice,
            "generator": self.generator,
            **({"check": self.check} if self.check else {}),
            "support": round(self.support, 4),
            "timings_ms": {k: round(v * 1000, 1) for k, v in self.timings.items()},
            "retrieved": [
                {"doc_id": p.chunk.doc_id, "page": p.chunk.page_start,
                 "paragraph": p.chunk.paragraph, "score": round(p.score, 5)}
                for p in self.passages
            ],
        }
