"""Hybrid retrieval: exact dense search over Chroma-stored vectors plus BM25, fused by RRF."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, Literal

import bm25s
import numpy as np

from assistant.entries import TermIndex
from assistant.errors import IndexNotReady
from assistant.glossary import learn_abbreviations
from assistant.records import Passage
from assistant.senses import Senses
from assistant.settings import Settings
from assistant.text import tokens
from ingest.embed import Embedder
from ingest.index import IndexStore
from ingest.records import Chunk, Page
from ingest.segment import FOOTNOTES

log = logging.getLogger(__name__)
logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets itself to DEBUG at import
Mode = Literal["hybrid", "dense", "bm25"]


class Retriever:
    """Loads the committed index once (and again when an ingest commits), then answers queries."""

    def __init__(self, settings: Settings, embedder: Embedder) -> None:
        self.settings = settings
        self.embedder = embedder
        self.store = IndexStore(settings)
        self._lock = threading.Lock()
        self._loaded_mtime = -1.0
        self.chunks: list[Chunk] = []
        self._by_id: dict[str, Chunk] = {}
        self._position: dict[str, int] = {}
        self._boxes: dict[tuple[str, int], list[int]] = {}  # footnote and box chunks by (doc, page)
        self._vectors = np.zeros((0, 1), dtype=np.float32)
        self._bm25: bm25s.BM25 | None = None
        self._doc_index: dict[str, np.ndarray] = {}
        self._pages: dict[str, list[Page]] = {}
        self._state: dict = {}
        self.abbreviations: dict[str, str] = {}
        self.senses = Senses([], self.idf)  # an abbreviation's meaning in a question
        self.terms = TermIndex([])  # glossary entries by their term

    def ensure_loaded(self) -> None:
        mtime = self.store.state_mtime()
        if mtime == self._loaded_mtime:
            return
        with self._lock:
            if mtime != self._loaded_mtime:
                self._load(mtime)

    def _load(self, mtime: float) -> None:
        state = self.store.load_state()
        if not state["docs"]:
            raise IndexNotReady("The index is empty: run `safeguide corpus sync` then `safeguide ingest`.")
        chunks = self.store.read_chunks(state)
        ids = [c.chunk_id for c in chunks]
        cached = self.store.cached_vectors(state, ids)
        self._vectors = cached if cached is not None else self._stored_vectors(state, ids)
        corpus_tokens = [tokens(c.embed_text()) for c in chunks]
        bm25 = bm25s.BM25()
        bm25.index(bm25s.tokenize([" ".join(t) for t in corpus_tokens], stopwords=None,
                                  show_progress=False), show_progress=False)
        self._bm25 = bm25
        self._df = _document_frequencies(corpus_tokens)
        self.abbreviations = learn_abbreviations(c.text for c in chunks)
        self.senses = Senses([c.text for c in chunks], self.idf, [c.doc_id for c in chunks])
        self.terms = TermIndex(chunks)
        self.chunks = chunks
        self._by_id = {c.chunk_id: c for c in chunks}
        self._position = {c.chunk_id: i for i, c in enumerate(chunks)}
        boxes: dict[tuple[str, int], list[int]] = {}
        for i, c in enumerate(chunks):
            if c.page_start is not None and c.headings[:1] == (FOOTNOTES,):
                boxes.setdefault((c.doc_id, c.page_start), []).append(i)
        self._boxes = boxes
        self._doc_index = {d: np.array([i for i, c in enumerate(chunks) if c.doc_id == d])
                           for d in state["docs"]}
        self._pages = {}
        self._state = state
        self._loaded_mtime = mtime
        log.info("index loaded: %d chunks from %d documents", len(chunks), len(state["docs"]))

    def _stored_vectors(self, state: dict[str, Any], ids: list[str]) -> np.ndarray:
        """The chunk vectors from Chroma, then kept in the state's cache for the next process."""
        try:
            by_id = self.store.vectors(ids)
        except IndexNotReady:
            raise
        except Exception as exc:  # noqa: BLE001 - chromadb raises its own internal types
            by_id = {}
            log.info("vector read failed (%s); reopening the store", type(exc).__name__)
        if len(by_id) < len(ids):  # another process (an ingest) changed the store under us
            self.store.reopen()
            by_id = self.store.vectors(ids)
        missing = [i for i in ids if i not in by_id]
        if missing:
            raise IndexNotReady(f"{len(missing)} indexed chunks have no vectors: run `safeguide ingest`.")
        vectors = np.asarray([by_id[i] for i in ids], dtype=np.float32)
        self.store.cache_vectors(state, ids, vectors)
        return vectors

    @property
    def indexed(self) -> frozenset[str]:
        """Ids of the documents in the loaded committed index."""
        return frozenset(self._state.get("docs", {}))

    @property
    def loaded_at(self) -> float:
        """The committed-state mtime of the loaded index (changes when an ingest commits)."""
        return self._loaded_mtime

    # ---------------------------------------------------------------------------------
    def df(self, token: str) -> int:
        """How many chunks hold the token."""
        return self._df.get(token, 0)

    def idf(self, token: str) -> float:
        n, df = len(self.chunks), self.df(token)
        return float(np.log(1 + (n - df + 0.5) / (df + 0.5)))

    def pages(self, doc_id: str) -> list[Page]:
        self.ensure_loaded()
        if doc_id not in self._pages:
            self._pages[doc_id] = self.store.read_pages(doc_id, self._state)
        return self._pages[doc_id]

    def chunk(self, chunk_id: str) -> Chunk | None:
        self.ensure_loaded()
        return self._by_id.get(chunk_id)

    def following(self, chunk: Chunk) -> Chunk | None:
        """The next chunk of the same document, in reading order (None at its end)."""
        return self._neighbour(chunk, 1)

    def preceding(self, chunk: Chunk) -> Chunk | None:
        """The chunk before, in the same document (None at its start)."""
        return self._neighbour(chunk, -1)

    def boxes(self, chunk: Chunk) -> list[Chunk]:
        """The footnotes and boxes of the chunk's document printed on its last page and the next
        (ingest chunks a page's footnotes and boxes apart from its body text)."""
        self.ensure_loaded()
        last = chunk.page_end or chunk.page_start
        if last is None:
            return []
        return [self.chunks[i] for page in (last, last + 1)
                for i in self._boxes.get((chunk.doc_id, page), [])]

    def entries(self, asked: str, doc_ids: tuple[str, ...]) -> list[tuple[Passage, int]]:
        """The glossary (and footnote) entries, in the documents searched, of the term the asked
        words name: each chunk, with where the entry opens in its text."""
        self.ensure_loaded()
        allowed = set(doc_ids)
        return [(Passage(self.chunks[i], 0.0, 0), at) for i, at in self.terms.openings(asked)
                if self.chunks[i].doc_id in allowed]

    def _neighbour(self, chunk: Chunk, step: int) -> Chunk | None:
        self.ensure_loaded()
        i = self._position.get(chunk.chunk_id)
        j = None if i is None else i + step
        if j is None or not 0 <= j < len(self.chunks) or self.chunks[j].doc_id != chunk.doc_id:
            return None
        return self.chunks[j]

    def search(self, query: str, doc_ids: tuple[str, ...], k: int, mode: Mode = "hybrid",
               query_vector: np.ndarray | None = None,
               within: Callable[[Chunk], bool] | None = None) -> list[Passage]:
        """The k best chunks of the documents (only those `within` accepts, when given)."""
        self.ensure_loaded()
        allowed = np.concatenate([self._doc_index[d] for d in doc_ids if d in self._doc_index]
                                 or [np.array([], dtype=int)]).astype(int)
        if within is not None:
            allowed = np.array([i for i in allowed if within(self.chunks[i])], dtype=int)
        if allowed.size == 0:
            return []
        dense_rank: dict[int, int] = {}
        dense_score: dict[int, float] = {}
        if mode in ("hybrid", "dense"):
            qv = query_vector if query_vector is not None else self.embedder.embed([query])[0]
            sims = self._vectors[allowed] @ qv
            order = np.argsort(-sims)[: self.settings.dense_k]
            for r, j in enumerate(order):
                dense_rank[int(allowed[j])] = r
                dense_score[int(allowed[j])] = float(sims[j])
        bm25_rank: dict[int, int] = {}
        if mode in ("hybrid", "bm25") and (q := tokens(query)):
            scores = self._bm25.get_scores(q)[allowed] if self._bm25 else np.zeros(allowed.size)
            top = [j for j in np.argsort(-scores)[: self.settings.bm25_k] if scores[j] > 0]
            bm25_rank = {int(allowed[j]): r for r, j in enumerate(top)}
        fused: dict[int, float] = {}
        for ranks in (dense_rank, bm25_rank):
            for idx, r in ranks.items():
                fused[idx] = fused.get(idx, 0.0) + 1.0 / (self.settings.rrf_k + r + 1)
        best = sorted(fused, key=lambda i: (-fused[i], i))[:k]
        return [Passage(self.chunks[i], fused[i], r, dense_rank.get(i), bm25_rank.get(i),
                        dense_score.get(i)) for r, i in enumerate(best)]


def _document_frequencies(corpus_tokens: list[list[str]]) -> dict[str, int]:
    df: dict[str, int] = {}
    for toks in corpus_tokens:
        for t in set(toks):
            df[t] = df.get(t, 0) + 1
    return df
