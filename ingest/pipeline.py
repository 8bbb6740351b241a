"""Ingest: synced files -> pages -> chunks -> embeddings -> committed index."""

from __future__ import annotations

import logging
import multiprocessing as mp
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing.pool import Pool
from pathlib import Path

import numpy as np
from tqdm import tqdm

from assistant.errors import IngestError
from assistant.settings import Settings
from corpus.local import load_registry
from corpus.manifest import Document, Manifest
from corpus.sync import sha256_of
from ingest.embed import Embedder
from ingest.index import LAYOUT_VERSION, IndexStore
from ingest.readers import read_pages
from ingest.records import Chunk, Page
from ingest.segment import segment
from ingest.sentences import SPLIT_VERSION, SentenceLookup, embed_sentences

log = logging.getLogger(__name__)


@dataclass
class IngestReport:
    documents: int = 0
    pages: int = 0
    paragraphs: int = 0
    chunks: int = 0
    embedded: int = 0
    sentences: int = 0
    skipped: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    failed_sha256: dict[str, str] = field(default_factory=dict)  # the file each failure was on
    seconds: float = 0.0

    def fail(self, doc_id: str, sha: str, reason: str) -> None:
        self.failed[doc_id] = reason
        self.failed_sha256[doc_id] = sha

    def summary(self) -> str:
        line = (
            f"{self.documents} documents, {self.pages} pages, {self.paragraphs} numbered "
            f"paragraphs, {self.chunks} chunks ({self.embedded} embedded now; "
            f"{len(self.updated)} updated, {len(self.skipped)} unchanged, "
            f"{len(self.removed)} removed; {self.sentences} answer sentences embedded) "
            f"in {self.seconds:.1f} s"
        )
        if self.failed:
            line += f"; {len(self.failed)} failed: " + "; ".join(self.failed.values())
        return line


def parse_document(doc: Document, path: Path, settings: Settings) -> tuple[list[Page], list[Chunk]]:
    pages = read_pages(path, doc.id, settings.max_file_mb)
    chunks = segment(doc, pages, settings.chunk_max_chars, settings.chunk_target_chars)
    if not chunks:
        raise IngestError(f"{path.name}: no text found to index.")
    return pages, chunks


PARSE_MODULES = ["ingest.pipeline", "ingest.readers", "ingest.segment", "pypdf"]


def parse_pool() -> Pool:
    """Two parse workers forked from a fork server: a clean single-threaded process that has
    imported the parsing code once. A fork of this process could deadlock a worker on a lock
    another thread held at the fork (the web app's threads, a test run's servers). A fork-server
    worker also holds none of this process's files: one outliving a killed ingest never keeps
    its lock."""
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(PARSE_MODULES)
    return ctx.Pool(processes=2)


def _parse_all(
    jobs: list[tuple[Document, Path, str]], settings: Settings, report: IngestReport,
) -> Iterator[tuple[Document, str, list[Page], list[Chunk]]]:
    """Parse in worker processes with a per-file time limit; a bad file is reported, not fatal.

    Yields each document as soon as it is parsed, so the caller embeds it while the workers
    parse the next ones (parsing and embedding overlap on two cores)."""
    queue = list(jobs)
    bar = tqdm(total=len(jobs), desc="parse", unit="doc", leave=False, disable=not _tty())
    while queue:
        with parse_pool() as pool:  # exit terminates hung workers
            futures = [(job, pool.apply_async(parse_document, (job[0], job[1], settings)))
                       for job in queue]
            queue = []
            for i, ((doc, path, sha), fut) in enumerate(futures):
                bar.update(1)
                try:
                    pages, chunks = fut.get(timeout=settings.file_timeout_s)
                except mp.TimeoutError:
                    report.fail(doc.id, sha, (
                        f"{path.name}: parsing took over {settings.file_timeout_s:.0f} s and was "
                        "stopped (a malformed PDF?); check the file"
                    ))
                    queue = [job for job, _ in futures[i + 1 :]]  # resubmit to a fresh pool
                    break
                except IngestError as exc:
                    report.fail(doc.id, sha, str(exc))
                    continue
                except Exception as exc:  # pypdf can raise almost anything on a hostile file
                    report.fail(doc.id, sha,
                                f"{path.name}: could not be parsed ({type(exc).__name__}: {exc})")
                    continue
                yield doc, sha, pages, chunks
    bar.close()


def run_ingest(
    settings: Settings, manifest: Manifest, embedder: Embedder, source_dir: Path | None = None
) -> IngestReport:
    """Bring the index in line with the synced corpus, re-embedding only what changed."""
    start = time.perf_counter()
    report = IngestReport()
    store = IndexStore(settings)
    source = source_dir or settings.corpus_dir
    with store.lock():
        store.collection(create=True)  # fail fast when a Chroma server is unreachable
        state = store.load_state()
        # every commit records this run's failures so far, and the file each was on (ingest/status.py)
        state["failed"], state["failed_sha256"] = report.failed, report.failed_sha256
        jobs = _plan(manifest, source, state, report)
        known = SentenceLookup.for_embedder(store, embedder)
        for doc, sha, pages, chunks in _parse_all(jobs, settings, report):
            report.embedded += _embed_missing(store, embedder, chunks)
            store.write_doc(doc.id, sha, chunks, pages)
            name, report.sentences = _add(embed_sentences(store, embedder, doc.id, sha, chunks, known),
                                          report.sentences)
            state["docs"][doc.id] = doc_record(sha, len(pages), chunks, name)
            store.commit(state)
            known.forget()
            report.updated.append(doc.id)
        local = {d.id for d in load_registry(settings).documents}  # added with `safeguide add`
        for doc_id in [d for d in state["docs"] if d not in {m.id for m in manifest.documents} | local]:
            del state["docs"][doc_id]
            report.removed.append(doc_id)
        store.commit(state)
        _backfill_sentences(store, embedder, state, known, report)
        keep = {cid for info in state["docs"].values() for cid in info["chunk_ids"]}
        swept = store.sweep_vectors(keep)
        store.sweep_files(state)
        log.info("swept %d stale vectors", swept)
    _fill_totals(store, state, report)
    report.seconds = time.perf_counter() - start
    for msg in report.failed.values():
        log.warning("skipped: %s", msg)
    return report


def _tty() -> bool:
    """Progress bars only on a terminal: a log file gets no carriage returns or escapes."""
    return sys.stderr.isatty()


def _add(result: tuple[str, int], total: int) -> tuple[str, int]:
    return result[0], total + result[1]


def doc_record(sha256: str, pages: int, chunks: list[Chunk], sentences: str | None) -> dict:
    """A document's entry in the committed state, with the layout and splitter versions it was
    indexed under (a later ingest redoes what an older version made)."""
    return {"sha256": sha256, "pages": pages, "chunks": len(chunks),
            "chunk_ids": [c.chunk_id for c in chunks], "sentences": sentences,
            "layout": LAYOUT_VERSION, "split": SPLIT_VERSION}


def _backfill_sentences(store: IndexStore, embedder: Embedder, state: dict, known: SentenceLookup,
                        report: IngestReport) -> None:
    """Unchanged documents indexed before sentence vectors, or before the sentence splitter last
    changed, get theirs, committed one document at a time like the rest of the ingest. Like their
    chunk vectors, vectors already stored are kept even when this embedder's key differs (the index
    name already fixes the model); question time then finds none for its own key and embeds on the fly."""
    for doc_id, info in sorted(state["docs"].items()):
        if info.get("sentences") and info.get("split") == SPLIT_VERSION:
            continue
        chunks = store.read_chunks({"docs": {doc_id: info}})
        info["sentences"], report.sentences = _add(
            embed_sentences(store, embedder, doc_id, info["sha256"], chunks, known), report.sentences)
        info["split"] = SPLIT_VERSION
        store.commit(state)
        known.forget()


def _plan(manifest: Manifest, source: Path, state: dict, report: IngestReport) -> list:
    """The documents to parse now. A file whose sha256 is not the manifest's is refused before it
    is parsed; the index keeps only entries whose sha256 is the manifest's (see _refuse)."""
    jobs = []
    for doc in manifest.documents:
        path = source / doc.file
        if not path.is_file():
            report.failed[doc.id] = f"{doc.file}: not synced; run `safeguide corpus sync`"
            continue
        sha = sha256_of(path)
        info = state["docs"].get(doc.id, {})
        if sha != doc.sha256:
            report.fail(doc.id, sha, _refuse(doc, sha, state, report))
            continue
        # an entry from before the second extraction is parsed again; its vectors are reused
        if info.get("sha256") == sha and info.get("layout") == LAYOUT_VERSION:
            report.skipped.append(doc.id)
            continue
        jobs.append((doc, path, sha))
    return sorted(jobs, key=lambda job: job[1].stat().st_size)  # small first: embedding starts sooner


def _refuse(doc: Document, sha: str, state: dict, report: IngestReport) -> str:
    """The one-line reason a synced file that does not match the manifest is not indexed. A verified
    copy indexed before (same sha256 as the manifest) keeps answering; any other entry (indexed from
    this or another unverified file, e.g. before ingest checked hashes) is dropped from the index."""
    info = state["docs"].get(doc.id)
    if info is None:
        kept = ""
    elif info.get("sha256") == doc.sha256:
        kept = "; the verified copy indexed earlier is still searched"
    else:
        del state["docs"][doc.id]
        report.removed.append(doc.id)
        kept = "; its unverified entry was removed from the index"
    log.debug("%s: sha256 %s, manifest %s", doc.id, sha, doc.sha256)
    return (f"{doc.file}: sha256 {sha[:12]}… does not match the manifest ({doc.sha256[:12]}…), so it "
            f"was not indexed{kept}. Run `safeguide corpus sync` to restore the official file")


def _embed_missing(store: IndexStore, embedder: Embedder, chunks: list[Chunk]) -> int:
    """Store vectors for chunks not yet in the collection; identical texts reuse vectors."""
    have = store.existing_ids([c.chunk_id for c in chunks])
    todo = [c for c in chunks if c.chunk_id not in have]
    if not todo:
        return 0
    known = store.vectors_by_text(sorted({c.text_sha for c in todo}))
    reuse = [c for c in todo if c.text_sha in known]
    if reuse:
        store.add(reuse, np.stack([known[c.text_sha] for c in reuse]))
    fresh = [c for c in todo if c.text_sha not in known]
    batch = 1024  # large calls fill the ONNX encoder's runs of equal-length texts (ingest/embed.py)
    bar = tqdm(total=len(fresh), desc=f"embed {chunks[0].doc_id}", unit="chunk", leave=False,
               disable=not _tty())
    for start in range(0, len(fresh), batch):
        part = fresh[start : start + batch]
        store.add(part, embedder.embed([c.embed_text() for c in part]))
        bar.update(len(part))
        log.info("stored %d/%d chunk vectors of %s", start + len(part), len(fresh), chunks[0].doc_id)
    bar.close()
    return len(fresh)


def _fill_totals(store: IndexStore, state: dict, report: IngestReport) -> None:
    chunks = store.read_chunks(state)
    report.documents = len(state["docs"])
    report.pages = sum(info["pages"] for info in state["docs"].values())
    report.chunks = len(chunks)
    report.paragraphs = len({(c.doc_id, c.paragraph) for c in chunks if c.paragraph})
