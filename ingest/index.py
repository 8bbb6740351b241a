"""The index on disk: committed state, chunk and page stores, the Chroma collection, a lock.

`state.json` is the commit point. Readers trust only what it lists, so vectors written by an
ingest that was stopped halfway are invisible until committed, and are swept on the next run.
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import json
import logging
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from assistant.errors import IndexBusy, IndexNotReady, IndexUnavailable
from assistant.settings import Settings
from ingest.records import Chunk, Page

log = logging.getLogger(__name__)
# Page stores written with the second (pdfium) extraction of each PDF page carry this in their
# state.json entry; an entry without it is re-parsed (not re-embedded) by the next ingest.
LAYOUT_VERSION = 2  # 2: layout blocks marked (ingest.readers.LAYOUT_BREAK)


def atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def open_collection(settings: Settings, create: bool) -> Any:
    """The Chroma collection for these settings, embedded or on a server."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        client = _http_client(settings.chroma_url, chroma_settings)
    else:
        settings.chroma_dir.mkdir(parents=True, exist_ok=True)
        client = chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)
    name = settings.index_name()
    try:
        if create:
            return client.get_or_create_collection(name, metadata={"hnsw:space": "cosine"})
        return client.get_collection(name)
    except Exception as exc:  # chromadb raises NotFoundError, ValueError or transport errors
        if "does not exist" in str(exc) or type(exc).__name__ == "NotFoundError":
            raise IndexNotReady("No index for the current settings: run `safeguide ingest`.") from exc
        if settings.chroma_url:
            raise _unreachable(settings.chroma_url, exc) from exc
        raise


def _http_client(chroma_url: str, chroma_settings: Any) -> Any:
    import chromadb

    url = urlparse(chroma_url)
    try:
        return chromadb.HttpClient(host=url.hostname or "localhost", port=url.port or 8000,
                                   ssl=url.scheme == "https", settings=chroma_settings)
    except Exception as exc:  # the client checks the server on construction
        raise _unreachable(chroma_url, exc) from exc


def _unreachable(chroma_url: str, exc: Exception) -> IndexUnavailable:
    return IndexUnavailable(
        f"Cannot reach the Chroma server at {chroma_url} ({type(exc).__name__}); start it with "
        "`chroma run --path DIR --port PORT` or unset SAFEGUIDE_CHROMA_URL."
    )


class IndexStore:
    """Files under settings.index_dir plus the Chroma collection."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.root = settings.index_dir
        self._collection: Any = None

    # --- committed state -------------------------------------------------------------
    @property
    def state_path(self) -> Path:
        return self.root / "state.json"

    def load_state(self) -> dict[str, Any]:
        if not self.state_path.is_file():
            return {"index_name": self.settings.index_name(), "docs": {}}
        return json.loads(self.state_path.read_text(encoding="utf-8"))

    def commit(self, state: dict[str, Any]) -> None:
        atomic_write(self.state_path, json.dumps(state, indent=1, sort_keys=True))

    def state_mtime(self) -> float:
        return self.state_path.stat().st_mtime if self.state_path.is_file() else 0.0

    # --- chunk and page stores (content-addressed by document sha) ----------------------
    def chunks_file(self, doc_id: str, sha: str) -> Path:
        return self.root / "chunks" / f"{doc_id}-{sha[:16]}.jsonl"

    def pages_file(self, doc_id: str, sha: str) -> Path:
        return self.root / "pages" / f"{doc_id}-{sha[:16]}.json"

    def write_doc(self, doc_id: str, sha: str, chunks: list[Chunk], pages: list[Page]) -> None:
        lines = "\n".join(json.dumps(c.to_dict(), ensure_ascii=False) for c in chunks)
        atomic_write(self.chunks_file(doc_id, sha), lines + "\n")
        page_data = [{"number": p.number, "text": p.text, "body_end": p.body_end, "layout": p.layout}
                     for p in pages]
        atomic_write(self.pages_file(doc_id, sha), json.dumps(page_data, ensure_ascii=False))

    def read_chunks(self, state: dict[str, Any] | None = None) -> list[Chunk]:
        state = state or self.load_state()
        out: list[Chunk] = []
        for doc_id, info in sorted(state["docs"].items()):
            path = self.chunks_file(doc_id, info["sha256"])
            with path.open(encoding="utf-8") as fh:
                out.extend(Chunk.from_dict(json.loads(line)) for line in fh if line.strip())
        return out

    def read_pages(self, doc_id: str, state: dict[str, Any] | None = None) -> list[Page]:
        state = state or self.load_state()
        info = state["docs"].get(doc_id)
        if info is None:
            raise IndexNotReady(f"{doc_id} is not in the index: run `safeguide ingest`.")
        data = json.loads(self.pages_file(doc_id, info["sha256"]).read_text(encoding="utf-8"))
        if info.get("layout") != LAYOUT_VERSION:
            log.warning("%s: the page store has no second (pdfium) extraction, so quotes are checked "
                        "against the pypdf text only; run `safeguide ingest` to add it", doc_id)
        return [Page(doc_id, p["number"], p["text"], p.get("body_end"), p.get("layout")) for p in data]

    def sweep_files(self, state: dict[str, Any]) -> None:
        keep = {self.chunks_file(d, i["sha256"]) for d, i in state["docs"].items()}
        keep |= {self.pages_file(d, i["sha256"]) for d, i in state["docs"].items()}
        keep |= {self.root / "sentences" / i["sentences"] for i in state["docs"].values()
                 if i.get("sentences")}
        for sub in ("chunks", "pages", "sentences"):
            for path in (self.root / sub).glob("*"):
                if path not in keep:
                    path.unlink(missing_ok=True)

    # --- vectors -------------------------------------------------------------------------
    def reopen(self) -> None:
        """Drop this process's cached embedded Chroma client, which does not see another
        process's writes; the next call opens the store afresh."""
        self._collection = None
        if self.settings.chroma_url:
            return
        from chromadb.api.shared_system_client import SharedSystemClient

        key = str(self.settings.chroma_dir)
        systems = getattr(SharedSystemClient, "_identifier_to_system", None)
        if isinstance(systems, dict) and key in systems:
            systems.pop(key).stop()
            getattr(SharedSystemClient, "_identifier_to_refcount", {}).pop(key, None)
        else:
            SharedSystemClient.clear_system_cache()

    def collection(self, create: bool = False) -> Any:
        if self._collection is None:
            self._collection = open_collection(self.settings, create)
        return self._collection

    def existing_ids(self, ids: list[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(ids), 500):
            got = self.collection(create=True).get(ids=ids[start : start + 500], include=[])
            found.update(got["ids"])
        return found

    def vectors(self, ids: list[str]) -> dict[str, list[float]]:
        """Stored vectors by chunk id, fetched in batches (small requests to a Chroma server)."""
        found: dict[str, list[float]] = {}
        coll = self.collection()
        for start in range(0, len(ids), 500):
            got = coll.get(ids=ids[start : start + 500], include=["embeddings"])
            found.update(zip(got["ids"], got["embeddings"], strict=True))
        return found

    def vectors_cache(self, state: dict[str, Any]) -> Path:
        """Where the committed state's chunk vectors are kept beside Chroma: named by a hash of
        state.json's content, so a commit makes a new name and an older file is never read."""
        digest = hashlib.sha256(json.dumps(state, sort_keys=True).encode("utf-8")).hexdigest()[:16]
        return self.root / f"vectors-{digest}.npz"

    def cached_vectors(self, state: dict[str, Any], ids: list[str]) -> np.ndarray | None:
        """The vectors of `ids` from the cache of this state, or None (no cache, another state's,
        unreadable, or a Chroma server holds the vectors): a cold question then needs no Chroma."""
        if self.settings.chroma_url:
            return None
        try:
            with np.load(self.vectors_cache(state)) as data:
                if data["ids"].tolist() == ids:
                    return np.asarray(data["vectors"], dtype=np.float32)
        except (OSError, ValueError, KeyError) as exc:
            log.debug("no vector cache for this state (%s)", type(exc).__name__)
        return None

    def cache_vectors(self, state: dict[str, Any], ids: list[str], vectors: np.ndarray) -> None:
        """Keep the state's vectors beside Chroma (an embedded store only); drop older caches."""
        if self.settings.chroma_url:
            return
        path = self.vectors_cache(state)
        buf = io.BytesIO()
        np.savez(buf, ids=np.asarray(ids), vectors=np.asarray(vectors, dtype=np.float32))
        try:
            atomic_write_bytes(path, buf.getvalue())
            for old in self.root.glob("vectors-*.npz"):
                if old != path:
                    old.unlink(missing_ok=True)
        except OSError as exc:  # a read-only index still answers, from Chroma
            log.info("vector cache not written (%s)", exc)

    def vectors_by_text(self, shas: list[str]) -> dict[str, np.ndarray]:
        """Stored vectors for identical embedded texts (reused instead of re-embedding)."""
        found: dict[str, np.ndarray] = {}
        coll = self.collection(create=True)
        for start in range(0, len(shas), 500):
            got = coll.get(where={"text_sha": {"$in": shas[start : start + 500]}},
                           include=["embeddings", "metadatas"])
            for meta, vec in zip(got["metadatas"], got["embeddings"], strict=True):
                found[str(meta["text_sha"])] = np.asarray(vec, dtype=np.float32)
        return found

    def add(self, chunks: list[Chunk], vectors: np.ndarray) -> None:
        coll = self.collection(create=True)
        for start in range(0, len(chunks), 500):
            part = chunks[start : start + 500]
            coll.upsert(
                ids=[c.chunk_id for c in part],
                embeddings=vectors[start : start + 500].tolist(),
                documents=[c.embed_text() for c in part],
                metadatas=[{"doc_id": c.doc_id, "edition": c.edition, "text_sha": c.text_sha}
                           for c in part],
            )

    def sweep_vectors(self, keep: set[str]) -> int:
        coll = self.collection(create=True)
        stale = [i for i in coll.get(include=[])["ids"] if i not in keep]
        for start in range(0, len(stale), 500):
            coll.delete(ids=stale[start : start + 500])
        return len(stale)

    # --- lock ----------------------------------------------------------------------------
    @contextmanager
    def lock(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".ingest.lock").open("w") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise IndexBusy(
                    "Another ingest is running on this index; wait for it to finish and retry."
                ) from exc
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
