"""What the index holds, document by document: indexed, missing, stale or failed.

Read from the committed `state.json` and the synced files only (no vector store, no models), so it
is cheap enough for `safeguide status` and a web panel. Each manifest document is:

- **indexed**: the committed index holds the manifest's version (its sha256) in the current format;
- **missing**: its file is not synced (`safeguide corpus sync`);
- **failed**: the last ingest refused or could not parse the file now synced, with the reason;
- **stale**: the synced file and the index disagree: the file does not match the manifest, it was
  synced but not indexed yet (or changed since), the index holds another version or an older
  format, or it is indexed only under other settings (another embedding model or chunk size).

`chunks` counts what answers search now: a document can be stale or failed and still answered from
the verified copy indexed earlier.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from assistant.settings import Settings
from corpus.manifest import Document, Manifest, load_manifest
from corpus.sync import sha256_of
from ingest.index import LAYOUT_VERSION, IndexStore

State = Literal["indexed", "missing", "stale", "failed"]
_HASHES: dict[tuple[str, int, int], str] = {}  # (path, size, mtime_ns) -> sha256


@dataclass(frozen=True)
class DocumentStatus:
    doc_id: str
    label: str  # "KCSIE 2025"
    file: str
    state: State
    chunks: int  # this document's chunks in the committed index (answers search these)
    pages: int
    detail: str  # why it is not indexed, and what to do ("" when indexed)
    sha256: str  # the manifest's
    indexed_sha256: str | None = None
    file_sha256: str | None = None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _Index:
    """The committed state of the current index, and the documents other indexes hold."""

    docs: dict[str, dict[str, Any]]
    failed: dict[str, str]
    failed_sha256: dict[str, str]  # the file each failure was on
    elsewhere: dict[str, str]  # doc id -> name of another settings' index that holds it


def index_status(settings: Settings, manifest: Manifest | None = None) -> list[DocumentStatus]:
    """One record per manifest document, in manifest order."""
    manifest = manifest or load_manifest()
    index = _read_index(settings)
    return [_status(doc, settings.corpus_dir / doc.file, index) for doc in manifest.documents]


def _read_index(settings: Settings) -> _Index:
    store = IndexStore(settings)
    state = store.load_state()
    elsewhere: dict[str, str] = {}
    for other in sorted(settings.index_dir.parent.glob("*/state.json")):
        if other.parent != settings.index_dir:
            docs = json.loads(other.read_text(encoding="utf-8")).get("docs", {})
            elsewhere.update({doc_id: other.parent.name for doc_id in docs})
    return _Index(state["docs"], state.get("failed", {}), state.get("failed_sha256", {}), elsewhere)


def _status(doc: Document, path: Path, index: _Index) -> DocumentStatus:
    entry = index.docs.get(doc.id)
    file_sha = file_sha256(path)
    state, detail = _classify(doc, file_sha, entry, index)
    if entry and state != "indexed" and "still searched" not in detail:
        detail += "; the copy indexed earlier is still searched"
    return DocumentStatus(doc.id, doc.short_title, doc.file, state,
                          int(entry["chunks"]) if entry else 0, int(entry["pages"]) if entry else 0,
                          detail, doc.sha256, entry["sha256"] if entry else None, file_sha)


def _classify(doc: Document, file_sha: str | None, entry: dict[str, Any] | None,
              index: _Index) -> tuple[State, str]:
    if file_sha is None:
        return "missing", f"{doc.file} is not synced: run `safeguide corpus sync`"
    if doc.id in index.failed and index.failed_sha256.get(doc.id) == file_sha:  # still that file
        return "failed", index.failed[doc.id]
    if file_sha != doc.sha256:
        return "stale", (f"{doc.file} does not match the manifest (sha256 {file_sha[:12]}…, expected "
                         f"{doc.sha256[:12]}…): run `safeguide corpus sync`")
    if entry is None and doc.id in index.elsewhere:
        return "stale", (f"indexed only under other settings (index {index.elsewhere[doc.id]}: another "
                         "embedding model or chunk size): run `safeguide ingest`")
    if entry is None:
        return "stale", "not indexed yet: run `safeguide ingest`"
    if entry["sha256"] != doc.sha256:
        return "stale", (f"the index holds another version (sha256 {entry['sha256'][:12]}…): "
                         "run `safeguide ingest`")
    if entry.get("layout") != LAYOUT_VERSION:
        return "stale", "indexed in an older page format: run `safeguide ingest`"
    return "indexed", ""


def file_sha256(path: Path) -> str | None:
    """The file's sha256 (None when it is not there), remembered while its size and mtime hold."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    if not path.is_file():
        return None
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key not in _HASHES:
        _HASHES[key] = sha256_of(path)
    return _HASHES[key]


def summary(statuses: list[DocumentStatus]) -> str:
    """Counts by state, e.g. "11 documents: 9 indexed, 1 stale, 1 failed"."""
    counts = {s: sum(1 for d in statuses if d.state == s) for s in ("indexed", "missing", "stale", "failed")}
    return f"{len(statuses)} documents: " + ", ".join(f"{n} {s}" for s, n in counts.items() if n)
