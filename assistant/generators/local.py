"""The offline backend: a GGUF model run in-process by llama.cpp (llama-cpp-python)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from assistant.errors import SafeguideError

log = logging.getLogger(__name__)


class LocalModelError(SafeguideError):
    """The local model or its runtime is not installed."""


class LlamaCppBackend:
    """Loads the model on first use; one generation at a time (llama.cpp contexts are not shared)."""

    def __init__(self, model_path: Path, n_threads: int = 2, n_ctx: int = 2048,
                 max_tokens: int = 160, temperature: float = 0.0, seed: int = 0) -> None:
        self.model_path = model_path
        self.n_threads = n_threads
        self.n_ctx = n_ctx
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.seed = seed
        self._llm: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        if self._llm is None:
            if not self.model_path.is_file():
                raise LocalModelError(f"the local model is not at {self.model_path}: run "
                                      "`make setup-llm` (or set SAFEGUIDE_LLM_MODEL_PATH).")
            try:
                from llama_cpp import Llama
            except ImportError as exc:
                raise LocalModelError("llama-cpp-python is not installed: run `make setup-llm`.") from exc
            log.info("loading %s (%d threads)", self.model_path.name, self.n_threads)
            self._llm = Llama(model_path=str(self.model_path), n_ctx=self.n_ctx,
                              n_threads=self.n_threads, n_threads_batch=self.n_threads,
                              seed=self.seed, verbose=False)
        return self._llm

    def stream(self, messages: list[dict[str, str]]) -> Iterator[str]:
        with self._lock:
            llm = self._load()
            for chunk in llm.create_chat_completion(messages=messages, max_tokens=self.max_tokens,
                                                    temperature=self.temperature, stream=True):
                piece = chunk["choices"][0].get("delta", {}).get("content")
                if piece:
                    yield piece
