"""`safeguide add` and `remove`: index one local document, or take one out, atomically.

`add` parses and checks the file before touching anything, then (under the ingest lock) embeds only
that document's chunks, writes its chunk, page and sentence stores, copies the file under
SAFEGUIDE_HOME/local/files and commits `state.json`; the registry is written last. Any error
before the commit sweeps what was written, so the index is exactly as it was; a process killed
before the commit leaves the previous `state.json` answering and its leftovers are swept by the next
`add`, `remove` or `ingest`.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

from assistant.errors import IngestError, LocalDocumentError, UnknownDocument
from assistant.settings import Settings
from corpus.local import (
    LOCAL_KINDS,
    LocalDocument,
    LocalRegistry,
    clear_failure,
    files_dir,
    load_registry,
    make_id,
    record_failure,
    save_registry,
)
from corpus.manifest import Manifest
from corpus.sync import sha256_of
from ingest.embed import Embedder
from ingest.index import IndexStore
from ingest.local_readers import LocalText, check_file, read_local
from ingest.local_segment import segment_local
from ingest.records import Chunk

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AddResult:
    doc: LocalDocument
    status: Literal["added", "replaced", "unchanged"]
    chunks: int

    def line(self) -> str:
        what = {"added": "Added", "replaced": "Replaced (changed file)",
                "unchanged": "Unchanged (already held)"}[self.status]
        return (f"{what}: {self.doc.id} — {self.doc.title} ({self.chunks} chunks, "
                f"sha256 {self.doc.sha256[:12]})")


@dataclass(frozen=True)
class Prepared:
    entry: LocalDocument
    chunks: list[Chunk]
    text: LocalText
    replaces: LocalDocument | None


def add_document(settings: Settings, embedder: Embedder, path: Path, title: str | None = None,
                 publisher: str | None = None, published: date | None = None,
                 kind: str = "local-procedure") -> AddResult:
    """Index one local document (or nothing, when the same file is already held). When a changed
    file cannot replace the held one of its name, the failure is recorded for `safeguide status`
    (the copy indexed earlier keeps answering)."""
    if kind not in LOCAL_KINDS:
        raise LocalDocumentError(f"Unknown kind {kind!r}: use one of {', '.join(LOCAL_KINDS)}.")
    try:
        result = _add(settings, embedder, path, title, publisher, published, kind)
    except IngestError as exc:
        if (prior := load_registry(settings).by_source(path.name)) is not None:
            sha = sha256_of(path) if path.is_file() else ""
            record_failure(settings, prior.id, str(exc), sha)
        raise
    clear_failure(settings, result.doc.id)
    return result


def _add(settings: Settings, embedder: Embedder, path: Path, title: str | None,
         publisher: str | None, published: date | None, kind: str) -> AddResult:
    check_file(path, settings.max_file_mb)
    sha = sha256_of(path)
    registry = load_registry(settings)
    store = IndexStore(settings)
    same = registry.by_sha(sha)
    held = store.load_state()["docs"].get(same.id, {}) if same else {}
    if same and held.get("sha256") == sha:
        _restore_copy(settings, path, same)
        return AddResult(same, "unchanged", int(held["chunks"]))
    prepared = _prepare(settings, registry, path, sha, title, publisher, published, kind)
    with store.lock():
        _commit(settings, store, embedder, path, prepared)
        save_registry(settings, load_registry(settings).replace(prepared.entry))
        _sweep(settings, store)
    status: Literal["added", "replaced"] = "replaced" if prepared.replaces else "added"
    log.info("%s %s: %d chunks", status, prepared.entry.id, len(prepared.chunks))
    return AddResult(prepared.entry, status, len(prepared.chunks))


def _restore_copy(settings: Settings, path: Path, entry: LocalDocument) -> None:
    """The held file given again: put back its copy under local/files if it is gone or altered."""
    copy = files_dir(settings) / entry.file
    if not copy.is_file() or sha256_of(copy) != entry.sha256:
        log.info("restoring the copy of %s", entry.id)
        _copy_in(path, copy)


def _prepare(settings: Settings, registry: LocalRegistry, path: Path, sha: str, title: str | None,
             publisher: str | None, published: date | None, kind: str) -> Prepared:
    """Parse and chunk the file, and check its title; nothing is written."""
    prior = registry.by_source(path.name)
    text = read_local(path, "pending", settings.max_file_mb)
    title = " ".join((title or (prior.title if prior else None) or text.title or _stem_title(path)).split())
    doc_id = prior.id if prior else make_id(title, path.name)
    clash = registry.by_title(title)
    if clash and clash.id != doc_id:
        raise LocalDocumentError(
            f"{path.name}: a local document titled “{title}” is already held ({clash.id}); give "
            "another --title, or `safeguide remove` it first.")
    entry = LocalDocument(
        id=doc_id, title=title, publisher=publisher or (prior.publisher if prior else None),
        published=published or (prior.published if prior else None), kind=kind,  # type: ignore[arg-type]
        file=f"{doc_id}-{sha[:12]}{path.suffix.lower()}", source_name=path.name, sha256=sha,
        size=path.stat().st_size, added=datetime.now(UTC))
    doc = entry.to_document()
    chunks = segment_local(doc, text.blocks, settings.chunk_max_chars, settings.chunk_target_chars)
    if not chunks:
        raise LocalDocumentError(f"{path.name}: no text found to index.")
    pages = [replace(p, doc_id=doc_id) for p in text.pages]
    return Prepared(entry, chunks, replace(text, pages=pages), prior)


def _stem_title(path: Path) -> str:
    return path.stem.replace("_", " ").replace("-", " ").strip().capitalize() or path.name


def _commit(settings: Settings, store: IndexStore, embedder: Embedder, path: Path,
            prepared: Prepared) -> None:
    """Embed, store and commit one document; on any failure sweep what was written and re-raise."""
    from ingest.pipeline import _embed_missing, doc_record
    from ingest.sentences import SentenceLookup, embed_sentences

    entry, chunks = prepared.entry, prepared.chunks
    store.collection(create=True)  # fail fast when a Chroma server is unreachable
    state = store.load_state()
    copy = files_dir(settings) / entry.file
    try:
        _embed_missing(store, embedder, chunks)
        store.write_doc(entry.id, entry.sha256, chunks, prepared.text.pages)
        known = SentenceLookup.for_embedder(store, embedder)
        sentences, _ = embed_sentences(store, embedder, entry.id, entry.sha256, chunks, known)
        _copy_in(path, copy)
        state["docs"][entry.id] = {**doc_record(entry.sha256, len(prepared.text.pages), chunks, sentences),
                                   "local": True}
        store.commit(state)
    except BaseException:
        committed = store.load_state()
        if committed["docs"].get(entry.id, {}).get("sha256") != entry.sha256:
            log.info("add of %s failed: sweeping what it wrote", entry.id)
            _sweep_index(store, committed)
            if copy.name not in {d.file for d in load_registry(settings).documents}:
                copy.unlink(missing_ok=True)
        raise


def _copy_in(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    os.close(fd)
    shutil.copyfile(source, tmp)
    os.replace(tmp, target)


def remove_document(settings: Settings, doc_id: str, manifest: Manifest | None = None) -> LocalDocument:
    """Take a local document out of the registry and the index."""
    registry = load_registry(settings)
    entry = registry.get(doc_id)
    if entry is None:
        national = manifest is not None and any(d.id == doc_id for d in manifest.documents)
        raise UnknownDocument(
            f"{doc_id} is national guidance from the corpus manifest; only local documents can be "
            "removed." if national else
            f"No local document {doc_id!r} is held; `safeguide documents` lists the ids.")
    store = IndexStore(settings)
    with store.lock():
        save_registry(settings, registry.without(doc_id))  # unsearchable from here on
        state = store.load_state()
        if state["docs"].pop(doc_id, None) is not None:
            store.commit(state)
        _sweep(settings, store)
    clear_failure(settings, doc_id)
    log.info("removed %s", doc_id)
    return entry


def _sweep(settings: Settings, store: IndexStore) -> None:
    """Drop local entries the registry does not list (a killed add), their vectors and files, and
    copies no entry names."""
    registry = load_registry(settings)
    state = store.load_state()
    held = {d.id for d in registry.documents}
    stale = [d for d, info in state["docs"].items() if info.get("local") and d not in held]
    for doc_id in stale:
        del state["docs"][doc_id]
    if stale:
        store.commit(state)
    _sweep_index(store, state)
    keep = {d.file for d in registry.documents}
    for path in files_dir(settings).glob("*"):
        if path.name not in keep:
            path.unlink(missing_ok=True)


def _sweep_index(store: IndexStore, state: dict[str, Any]) -> None:
    keep = {cid for info in state["docs"].values() for cid in info["chunk_ids"]}
    store.sweep_vectors(keep)
    store.sweep_files(state)


@dataclass(frozen=True)
class HeldDocument:
    """One row of `safeguide documents` and the web chat's Documents panel."""

    id: str
    title: str
    source: str  # "national" or "local"
    kind: str
    edition: str  # the national edition, or the local document's date ("March 2025")
    in_force: str  # "2023-12-15 to now" (national), "" (local)
    sha256: str
    chunks: int | None  # None: this version is not in the index
    publisher: str = ""
    state: str = "indexed"  # indexed, missing, stale or failed (ingest/status.py)
    detail: str = ""  # why it is not indexed, and what to do

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def list_documents(settings: Settings, manifest: Manifest) -> list[HeldDocument]:
    """National documents (manifest order), then the local ones, each with its chunk count and its
    state from `ingest.status.index_status` (the same records `safeguide status` prints)."""
    from ingest.status import index_status

    docs = IndexStore(settings).load_state()["docs"]
    status = {s.doc_id: s for s in index_status(settings, manifest)}
    rows = []
    for d in manifest.documents:
        if d.is_local:
            continue
        eds = [e for e in manifest.editions if e.series == d.series and e.edition == d.edition]
        span = (f"{eds[0].in_force_from} to {eds[0].in_force_to or 'now'}" if eds and d.kind != "briefing"
                else "")
        rows.append(HeldDocument(d.id, d.title, "national", d.kind, d.edition, span, d.sha256,
                                 _chunks(docs, d.id, d.sha256), d.publisher or "",
                                 status[d.id].state, status[d.id].detail))
    for e in load_registry(settings).documents:
        st = status.get(e.id)
        rows.append(HeldDocument(e.id, e.title, "local", e.kind, e.edition, "", e.sha256,
                                 _chunks(docs, e.id, e.sha256), e.publisher or "",
                                 st.state if st else "stale", st.detail if st else ""))
    return rows


def _chunks(docs: dict[str, Any], doc_id: str, sha: str) -> int | None:
    info = docs.get(doc_id)
    return int(info["chunks"]) if info and info.get("sha256") == sha else None
