"""Local documents (`safeguide add`): the registry under SAFEGUIDE_HOME/local.

`local/registry.json` lists each added document (stable id, sha256, title, publisher, date, kind)
and `local/files/` holds a copy of each file, named by id and sha. The index's `state.json` stays
the commit point for what is searched: `add` commits the index first and the registry second, and
`remove` the other way round, so a stopped command never leaves a registered document unindexed.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from assistant.options import LOCAL_KINDS as LOCAL_KINDS  # re-exported: ingest.local, app
from assistant.settings import Settings
from corpus.manifest import LOCAL_SERIES, Document

LocalKind = Literal["local-procedure", "threshold", "school-policy", "other"]
KIND_LABELS = {"local-procedure": "Local procedure", "threshold": "Local threshold document",
               "school-policy": "School policy", "other": "Local document"}


class LocalDocument(BaseModel):
    """One added document."""

    id: str
    title: str
    publisher: str | None = None
    published: date | None = None
    kind: LocalKind = "local-procedure"
    file: str = Field(description="The copy's name under local/files/.")
    source_name: str = Field(description="The file name it was added from (a changed file with "
                                         "the same name replaces it).")
    sha256: str
    size: int
    added: datetime

    @property
    def edition(self) -> str:
        """How the date reads in a citation ("March 2025"); "undated" without one."""
        return f"{self.published:%B %Y}" if self.published else "undated"

    def to_document(self) -> Document:
        """The document as the rest of safeguide sees it (series "local", never an edition in force)."""
        return Document(
            id=self.id, file=f"../local/files/{self.file}", title=self.title, series=LOCAL_SERIES,
            edition=self.edition, kind=self.kind, status="local", numbered_paragraphs=True,
            sha256=self.sha256, publisher=self.publisher, published=self.published)


class LocalRegistry(BaseModel):
    documents: list[LocalDocument] = Field(default_factory=list)

    def get(self, doc_id: str) -> LocalDocument | None:
        return next((d for d in self.documents if d.id == doc_id), None)

    def by_sha(self, sha: str) -> LocalDocument | None:
        return next((d for d in self.documents if d.sha256 == sha), None)

    def by_source(self, name: str) -> LocalDocument | None:
        return next((d for d in self.documents if d.source_name == name), None)

    def by_title(self, title: str) -> LocalDocument | None:
        wanted = " ".join(title.split()).casefold()
        return next((d for d in self.documents if " ".join(d.title.split()).casefold() == wanted), None)

    def replace(self, doc: LocalDocument) -> LocalRegistry:
        """A copy with `doc` in place of the entry with its id (or added at the end)."""
        docs = [d for d in self.documents if d.id != doc.id]
        at = next((i for i, d in enumerate(self.documents) if d.id == doc.id), len(docs))
        return LocalRegistry(documents=[*docs[:at], doc, *docs[at:]])

    def without(self, doc_id: str) -> LocalRegistry:
        return LocalRegistry(documents=[d for d in self.documents if d.id != doc_id])


def local_dir(settings: Settings) -> Path:
    return settings.home / "local"


def registry_path(settings: Settings) -> Path:
    return local_dir(settings) / "registry.json"


def files_dir(settings: Settings) -> Path:
    return local_dir(settings) / "files"


def load_registry(settings: Settings) -> LocalRegistry:
    path = registry_path(settings)
    if not path.is_file():
        return LocalRegistry()
    return LocalRegistry.model_validate_json(path.read_text(encoding="utf-8"))


def save_registry(settings: Settings, registry: LocalRegistry) -> None:
    from ingest.index import atomic_write  # temp file + os.replace

    atomic_write(registry_path(settings), registry.model_dump_json(indent=1))


def failures_path(settings: Settings) -> Path:
    return local_dir(settings) / "failed.json"


def load_failures(settings: Settings) -> dict[str, dict[str, str]]:
    """Held documents whose last `add` of a changed file failed: id -> {"reason", "sha256"}.
    (A failed add of a new document leaves nothing: it was never held.)"""
    path = failures_path(settings)
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def record_failure(settings: Settings, doc_id: str, reason: str, sha: str) -> None:
    _save_failures(settings, {**load_failures(settings), doc_id: {"reason": reason, "sha256": sha}})


def clear_failure(settings: Settings, doc_id: str) -> None:
    failures = load_failures(settings)
    if failures.pop(doc_id, None) is not None:
        _save_failures(settings, failures)


def _save_failures(settings: Settings, failures: dict[str, dict[str, str]]) -> None:
    from ingest.index import atomic_write

    if failures:
        atomic_write(failures_path(settings), json.dumps(failures, indent=1, ensure_ascii=False))
    else:
        failures_path(settings).unlink(missing_ok=True)


def registry_mtime(settings: Settings) -> float:
    path = registry_path(settings)
    return path.stat().st_mtime_ns / 1e9 if path.is_file() else 0.0


def local_documents(settings: Settings) -> list[Document]:
    return [d.to_document() for d in load_registry(settings).documents]


def slug(text: str, limit: int = 40) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(words)[:limit].strip("-") or "document"


def make_id(title: str, source_name: str) -> str:
    """`local-<title slug>-<6 hex of the source name>`: stable while the file keeps its name."""
    tail = hashlib.sha256(source_name.encode("utf-8")).hexdigest()[:6]
    return f"local-{slug(title)}-{tail}"
