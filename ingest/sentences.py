"""Sentence vectors computed at ingest, so a question embeds only itself.

Each document's answer sentences (the units `assistant.evidence.sentence_units` scores) are embedded
once at ingest and stored beside the chunk store, one file per document, keyed by a hash of the
sentence text. The file name carries the embedder's settings hash, so vectors from another model are
never used. `state.json` lists each document's file: an ingest stopped before its commit leaves the
old files answering, and the next run sweeps the orphan.

At question time `SentenceLookup.get` returns the stored vectors it has; a sentence it lacks (the
sentence splitter changed, or an older index) is embedded on the fly by the caller.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from ingest.embed import Embedder
from ingest.index import IndexStore, atomic_write_bytes
from ingest.records import Chunk

log = logging.getLogger(__name__)
SENTENCE_FORMAT = "1"  # bump when the stored layout changes
# bump when `ingest.segment.split_sentences` changes: the next ingest rewrites each document's file,
# embedding only the sentences it does not already hold (2: a list's unpunctuated last item ended
# where its line stopped short; 3: that rule withdrawn, the splitter of version 1 again; 4: a list
# item with its lead-in stored too; 5: an unbulleted lead-in line after a list item opens a new unit;
# 6: a flow chart's boxes are units, `chunk_spans`; 7: each footnote of a page's footnotes is a unit;
# 8: a footnote printed after a sentence's end in the text is cut off it; 9: in a glossary, a line
# opening the next entry opens a unit; 10: a line numbered "3)" opens a unit, as "3." does)
SPLIT_VERSION = "10"


def text_key(text: str) -> bytes:
    """16-byte hash of a sentence's exact text."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def embedder_key(embedder: Embedder) -> str:
    """Hash of the embedder settings that shape a vector (model name; vectors are unit-normalised)."""
    shaping = {"model": getattr(embedder, "name", type(embedder).__name__), "normalize": True,
               "format": SENTENCE_FORMAT}
    return hashlib.sha256(json.dumps(shaping, sort_keys=True).encode()).hexdigest()[:12]


def sentence_texts(chunks: Iterable[Chunk]) -> list[str]:
    """The distinct texts the answer step scores for these chunks, in reading order (same code path
    as a question): each sentence, and a list item also with its lead-in (from the chunk before
    when the list opens its chunk)."""
    from assistant.evidence import read_text, sentence_units
    from assistant.plans import carried_lead
    from assistant.records import Passage

    ordered = list(chunks)
    before = {c.chunk_id: p for p, c in zip(ordered, ordered[1:], strict=False) if p.doc_id == c.doc_id}
    units = sentence_units([Passage(c, 0.0, 0) for c in ordered],
                           lambda c: carried_lead(c, before.get(c.chunk_id)))
    return list(dict.fromkeys(t for u in units for t in (u.text, read_text(u))))


def sentences_file(store: IndexStore, doc_id: str, sha: str, ekey: str) -> Path:
    return store.root / "sentences" / f"{doc_id}-{sha[:16]}-{ekey}.npz"


def write_sentences(path: Path, keys: list[bytes], vectors: np.ndarray) -> None:
    buf = io.BytesIO()
    np.savez(buf, keys=np.asarray(keys, dtype="S16"), vectors=np.asarray(vectors, dtype=np.float32))
    atomic_write_bytes(path, buf.getvalue())


def read_sentences(path: Path) -> tuple[np.ndarray, np.ndarray]:
    with np.load(path) as data:
        return data["keys"], data["vectors"]


class SentenceLookup:
    """The committed sentence vectors of an index for one embedder, reloaded when an ingest commits."""

    def __init__(self, store: IndexStore, ekey: str) -> None:
        self.store = store
        self.ekey = ekey
        self._lock = threading.Lock()
        self._mtime = -1.0
        # rows by text key, and the matrix they index: swapped together (one assignment) on reload
        self._data: tuple[dict[bytes, int], np.ndarray] = ({}, np.zeros((0, 0), dtype=np.float32))

    @classmethod
    def for_embedder(cls, store: IndexStore, embedder: Embedder) -> SentenceLookup:
        return cls(store, embedder_key(embedder))

    def forget(self) -> None:
        """Reload on the next lookup (after a commit whose state.json mtime may not have moved)."""
        self._mtime = -1.0

    def _refresh(self) -> None:
        mtime = self.store.state_mtime()
        if mtime == self._mtime:
            return
        with self._lock:
            if mtime == self._mtime:
                return
            rows: dict[bytes, int] = {}
            parts: list[np.ndarray] = []
            count = 0
            for name in self._files(self.store.load_state()):
                path = self.store.root / "sentences" / name
                try:
                    keys, vectors = read_sentences(path)
                except (OSError, ValueError, KeyError) as exc:  # swept under us: embed on the fly
                    log.info("sentence vectors %s unreadable (%s)", path.name, type(exc).__name__)
                    continue
                raw = keys.tobytes()  # not .tolist(): numpy drops a key's trailing zero bytes there
                for i in range(len(keys)):
                    rows.setdefault(raw[16 * i : 16 * i + 16], count + i)
                parts.append(vectors)
                count += len(keys)
            self._data = (rows, np.concatenate(parts) if parts else np.zeros((0, 0), dtype=np.float32))
            self._mtime = mtime
            log.info("loaded %d stored sentence vectors", len(rows))

    def _files(self, state: dict[str, Any]) -> list[str]:
        return [str(info["sentences"]) for _, info in sorted(state["docs"].items())
                if str(info.get("sentences", "")).endswith(f"-{self.ekey}.npz")]

    def get(self, texts: list[str]) -> dict[str, np.ndarray]:
        """Stored vectors for those of `texts` the index holds."""
        self._refresh()
        rows, vectors = self._data
        found: dict[str, np.ndarray] = {}
        for text in texts:
            row = rows.get(text_key(text))
            if row is not None:
                found[text] = vectors[row]
        return found

    def __len__(self) -> int:
        self._refresh()
        return len(self._data[0])


def embed_sentences(store: IndexStore, embedder: Embedder, doc_id: str, sha: str,
                    chunks: list[Chunk], known: SentenceLookup, batch: int = 4096) -> tuple[str, int]:
    """Write the document's sentence file (reusing vectors already committed for identical text);
    return its name for state.json and how many sentences were embedded now. A document's sentences
    go to the embedder in one call: the ONNX encoder then fills its runs of equal-length texts
    (1.3x faster than calls of 256 on KCSIE's sentences; the vectors do not depend on the call)."""
    texts = sentence_texts(chunks)
    have = known.get(texts)
    fresh = [t for t in texts if t not in have]
    for start in range(0, len(fresh), batch):
        part = fresh[start : start + batch]
        have.update(zip(part, embedder.embed(part), strict=True))
    path = sentences_file(store, doc_id, sha, known.ekey)
    dim = len(next(iter(have.values()))) if have else 0
    vectors = np.stack([have[t] for t in texts]) if texts else np.zeros((0, dim), dtype=np.float32)
    write_sentences(path, [text_key(t) for t in texts], vectors)
    return path.name, len(fresh)
