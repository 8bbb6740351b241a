"""Batches of texts through the packaged MiniLM in ONNX Runtime (fp32): the ingest encoder.

The graph is exported with torch.onnx from `ingest.minilm` (the plain-torch BERT that reproduces
sentence-transformers for one text) the first time it is needed, from the installed weights, and
kept in a cache folder keyed by the weights, the exporter and this module's format; nothing is
downloaded. Texts are never padded: each run holds texts of one token length, so a text's vector
does not depend on which other texts are embedded with it (the same vector as embedding it alone),
and identical texts are embedded once. The mean pooling and the two normalisations follow
sentence-transformers' steps in float32.

Vectors differ from sentence-transformers' batched ones by about 2e-7 (cosine > 0.9999998), the
size of the differences between sentence-transformers' own batch shapes; README "Benchmark" has the
measurements and the eval check.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
import warnings
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from ingest import minilm

log = logging.getLogger(__name__)
EXPORT_FORMAT = "1"  # bump when the exported graph changes
OPSET = 17


def cache_dir() -> Path:
    """Where exported graphs are kept: SAFEGUIDE_MODEL_CACHE, else the user's cache folder."""
    configured = os.environ.get("SAFEGUIDE_MODEL_CACHE")
    if configured:
        return Path(configured).expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME") or "~/.cache").expanduser() / "safeguide" / "onnx"


def available() -> bool:
    """onnxruntime is installed (a dependency of the project; chromadb needs it too)."""
    import importlib.util

    return importlib.util.find_spec("onnxruntime") is not None


def graph_path(folder: Path, cache: Path | None = None) -> Path:
    """The cached graph for this model folder: named by its weights, torch's version and the format
    (read from the package metadata: a cached graph needs no torch import)."""
    from importlib.metadata import version

    digest = hashlib.sha256()
    with open(folder / "model.safetensors", "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    digest.update(f"{version('torch')}|{OPSET}|{EXPORT_FORMAT}".encode())
    return (cache or cache_dir()) / f"minilm-{digest.hexdigest()[:16]}.onnx"


def export(folder: Path, out: Path) -> Path:
    """Write the ONNX graph of `minilm.MiniLM.hidden` (input_ids, token_type_ids -> hidden)."""
    import torch

    model = minilm.MiniLM(folder)

    class Hidden(torch.nn.Module):
        def forward(self, ids: Any, types: Any) -> Any:
            return model.hidden(ids, types)

    out.parent.mkdir(parents=True, exist_ok=True)
    ids = torch.ones((2, 8), dtype=torch.long)
    axes = {0: "batch", 1: "tokens"}
    with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
        part = Path(tmp) / out.name
        with torch.inference_mode(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the TorchScript exporter's tracing and deprecation notes
            torch.onnx.export(Hidden(), (ids, torch.zeros_like(ids)), str(part), dynamo=False,
                              input_names=["input_ids", "token_type_ids"], output_names=["hidden"],
                              dynamic_axes={"input_ids": axes, "token_type_ids": axes, "hidden": axes},
                              opset_version=OPSET)
        os.replace(part, out)
    log.info("exported %s to %s", folder, out)
    return out


class OnnxMiniLM:
    """Loads (exporting once if needed) on construction; `embed(texts)` -> (n, dim) float32."""

    def __init__(self, folder: Path, threads: int | None = None, batch_size: int = 16,
                 cache: Path | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.path = path = graph_path(folder, cache)
        if not path.is_file():
            export(folder, path)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or os.cpu_count() or 1
        options.inter_op_num_threads = 1
        # no busy-waiting between operators: ingest parses PDFs in two processes meanwhile
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(minilm._json(folder / "sentence_bert_config.json")["max_seq_length"])
        self.tokenizer.no_padding()
        self.batch_size = batch_size
        self.dim = int(minilm._json(folder / "config.json")["hidden_size"])
        self._lock = threading.Lock()

    def embed(self, texts: list[str]) -> np.ndarray:
        distinct = list(dict.fromkeys(texts))
        encodings = self.tokenizer.encode_batch(distinct)
        by_length: dict[int, list[int]] = defaultdict(list)
        for i, enc in enumerate(encodings):
            by_length[len(enc.ids)].append(i)
        vectors = np.zeros((len(distinct), self.dim), dtype=np.float32)
        with self._lock:
            for rows in by_length.values():
                for start in range(0, len(rows), self.batch_size):
                    part = rows[start : start + self.batch_size]
                    ids = np.array([encodings[i].ids for i in part], dtype=np.int64)
                    types = np.array([encodings[i].type_ids for i in part], dtype=np.int64)
                    hidden = self.session.run(None, {"input_ids": ids, "token_type_ids": types})[0]
                    vectors[part] = pool(hidden)
        row = {text: i for i, text in enumerate(distinct)}
        return vectors[[row[t] for t in texts]] if len(distinct) < len(texts) else vectors


def pool(hidden: np.ndarray) -> np.ndarray:
    """Mean over the (unpadded) tokens, then the Normalize module's and encode()'s normalisations."""
    count = np.float32(max(hidden.shape[1], 1e-9))
    mean = hidden.sum(axis=1, dtype=np.float32) / count
    for _ in range(2):
        mean = mean / np.maximum(np.linalg.norm(mean, axis=1, keepdims=True), np.float32(1e-12))
    return np.asarray(mean, dtype=np.float32)


def main() -> int:
    """`python -m ingest.onnx_minilm`: export the configured model's graph now (`make setup` does),
    so the first ingest does not pay for it."""
    from assistant.settings import Settings
    from ingest.embed import resolve_model_path

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    folder = resolve_model_path(Settings().embed_model)
    if not (minilm.supported(folder) and available()):
        log.info("%s: batches use sentence-transformers; nothing to export", folder)
        return 0
    path = graph_path(folder)
    if path.is_file():
        log.info("already exported: %s", path)
    else:
        export(folder, path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
