"""What the index holds, document by document: indexed, missing, stale or failed.

Read from the committed `state.json` and the synced files only (no vector store, no models), so it
is cheap enough for `safeguide status` and a web panel. Each manifest document is:

- **indexed**: the committed index holds the manifest's version (its sha256) in the current format;
- **missing**: its file is not synced (`safeguide corpus sync`);
- **failed**: the last ingest refused or could not parse the file now synced, with the reason;
- **stale**: the synced file and the index disagree: the file does not match the manifest, it was
  synced but not indexed yet (or changed since), the index holds another version or an older
  format, or it is indexed only under other settings (another embedding model or chunk size).

Local documents (`safeguide add`, listed in local/registry.json) get the same four states from their
own evidence: **missing** when the copy under local/files is gone, **failed** when the last `add`
of a changed file of the same name could not replace it (local/failed.json), **stale** when the copy
does not match its sha256, or the index does not hold that version in the current format (for
example an index built under other settings: add the file again).

`chunks` counts what answers search now: a document can be stale or failed and still answered from
the verified copy indexed earlier.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from assistant.settings import Settings
from corpus.local import LocalDocument, files_dir, load_failures, load_registry
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
    source: str = "national"  # or "local" (added with `safeguide add`)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _Index:
    """The committed state of the current index, and the documents other indexes hold."""

    docs: dict[str, dict[str, Any]]
    failed: dict[str, str]
    failed_sha256: dict[str, str]  # the file each failure was on
    elsewhere: dict[str, str]  # doc id -> name of another settings' index that holds it


def index_status(settings: Settings, manifest: Manifest | None = None,
                 local: bool = True) -> list[DocumentStatus]:
    """One record per national document (manifest order), then, with `local`, one per local
    document (registry order). Local entries of `manifest` are left to the registry."""
    manifest = manifest or load_manifest()
    index = _read_index(settings)
    out = [_status(doc, settings.corpus_dir / doc.file, index)
           for doc in manifest.documents if not doc.is_local]
    if local:
        failures = load_failures(settings)
        out += [_local_status(entry, files_dir(settings) / entry.file, index, failures.get(entry.id))
                for entry in load_registry(settings).documents]
    return out


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


def _local_status(entry: LocalDocument, path: Path, index: _Index,
                  failure: dict[str, str] | None) -> DocumentStatus:
    held = index.docs.get(entry.id)
    file_sha = file_sha256(path)
    state, detail = _classify_local(entry, file_sha, held, index, failure)
    if held and state != "indexed":
        detail += "; the copy indexed earlier is still searched"
    return DocumentStatus(entry.id, entry.title, entry.source_name, state,
                          int(held["chunks"]) if held else 0, int(held["pages"]) if held else 0,
                          detail, entry.sha256, held["sha256"] if held else None, file_sha, "local")


def _classify_local(entry: LocalDocument, file_sha: str | None, held: dict[str, Any] | None,
                    index: _Index, failure: dict[str, str] | None) -> tuple[State, str]:
    again = f"`safeguide add` {entry.source_name} again"
    if failure:
        return "failed", f"the changed {entry.source_name} was not added: {failure['reason']}"
    if file_sha is None:
        return "missing", f"its copy local/files/{entry.file} is gone: {again}"
    if file_sha != entry.sha256:
        return "stale", (f"its copy local/files/{entry.file} does not match its sha256 "
                         f"({file_sha[:12]}…, expected {entry.sha256[:12]}…): {again}")
    if held is None and entry.id in index.elsewhere:
        return "stale", (f"indexed only under other settings (index {index.elsewhere[entry.id]}: "
                         f"another embedding model or chunk size): {again}")
    if held is None:
        return "stale", f"not in the index: {again}"
    if held["sha256"] != entry.sha256:
        return "stale", f"the index holds another version (sha256 {held['sha256'][:12]}…): {again}"
    if held.get("layout") != LAYOUT_VERSION:
        return "stale", f"indexed in an older page format: {again}"
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
    """Counts by state, e.g. "11 documents: 9 indexed, 1 stale, 1 failed" (with local documents,
    "12 documents (1 local): …")."""
    counts = {s: sum(1 for d in statuses if d.state == s) for s in ("indexed", "missing", "stale", "failed")}
    local = sum(1 for d in statuses if d.source == "local")
    return (f"{len(statuses)} documents{f' ({local} local)' if local else ''}: "
            + ", ".join(f"{n} {s}" for s, n in counts.items() if n))
