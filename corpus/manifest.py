"""The corpus manifest: documents, editions and their dates in force."""

from __future__ import annotations

import hashlib
from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field

MANIFEST_PATH = Path(__file__).with_name("manifest.yaml")

Kind = Literal["statutory-guidance", "non-statutory-advice", "briefing",
               "local-procedure", "threshold", "school-policy", "other"]  # the last four: added locally
Status = Literal["in-force", "superseded", "for-information", "briefing", "local"]
LOCAL_SERIES = "local"  # the series of every document added with `safeguide add` (corpus/local.py)


class SeriesInfo(BaseModel):
    title: str
    publication_page: str


class EditionInfo(BaseModel):
    series: str
    edition: str
    in_force_from: date
    in_force_to: date | None = None
    date_note: str = ""

    def in_force_on(self, day: date) -> bool:
        return self.in_force_from <= day and (self.in_force_to is None or day <= self.in_force_to)


class Document(BaseModel):
    id: str
    file: str
    title: str
    series: str
    edition: str
    kind: Kind
    status: Status
    numbered_paragraphs: bool
    sha256: str
    download_url: str | None = None
    pdf_url: str | None = Field(default=None, description=(
        "The official PDF of this document; the web chat links to …pdf#page=N from its cards."))
    alternate_of: str | None = Field(default=None, description="Same text published elsewhere.")
    publisher: str | None = None
    cited_as: str | None = Field(default=None, description=(
        "The name a citation line gives the document, when its title has a subtitle the line need not "
        "repeat (\"Keeping Children Safe in Education 2025\"); its title when unset."))
    published: date | None = Field(default=None, description="Local documents: the date on it.")
    notes: str | None = None

    @property
    def paged(self) -> bool:
        return self.kind != "briefing"

    @property
    def is_local(self) -> bool:
        return self.series == LOCAL_SERIES

    @property
    def short_title(self) -> str:
        names = {"working-together": "Working Together", "kcsie": "KCSIE",
                 "information-sharing": "Information sharing advice"}
        return f"{names.get(self.series, self.series)} {self.edition}"


class Manifest(BaseModel):
    series: dict[str, SeriesInfo]
    editions: list[EditionInfo]
    documents: list[Document]

    def doc(self, doc_id: str) -> Document:
        for d in self.documents:
            if d.id == doc_id:
                return d
        raise KeyError(doc_id)

    def fingerprint(self) -> str:
        """A short hash of the manifest: identifies the corpus an answer came from."""
        return hashlib.sha256(MANIFEST_PATH.read_bytes()).hexdigest()[:16]


@cache
def load_manifest(path: Path = MANIFEST_PATH) -> Manifest:
    with path.open(encoding="utf-8") as fh:
        return Manifest.model_validate(yaml.safe_load(fh))
