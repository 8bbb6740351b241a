"""One text through a mean-pooled, normalised BERT model (all-MiniLM-L6-v2) in plain torch.

A question is embedded one text at a time. Importing sentence-transformers for that costs most of
a cold `safeguide ask` (it imports transformers' model code, scikit-learn and scipy.stats: about
5 of the 8.5 s on the idle machine); this module needs only torch, safetensors and tokenizers.
It repeats sentence-transformers' own steps for one unpadded text (the tokenizer.json with its
truncation, the BERT layers with sdpa attention, the mean pooling with its float32 sums, the
Normalize module, then encode's second normalisation), and its vectors are bit-identical to
`SentenceTransformer.encode([text], normalize_embeddings=True)`: tests/test_minilm.py checks this
on the golden questions and on long, empty and non-Latin texts. A model folder of any other shape
is not `supported`, and the caller uses sentence-transformers.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

MODULES = ["sentence_transformers.models.Transformer", "sentence_transformers.models.Pooling",
           "sentence_transformers.models.Normalize"]
MEAN_ONLY = {"pooling_mode_mean_tokens": True, "pooling_mode_cls_token": False,
             "pooling_mode_max_tokens": False, "pooling_mode_mean_sqrt_len_tokens": False}


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def supported(folder: Path) -> bool:
    """A sentence-transformers folder this module reproduces exactly: BERT, mean pooling,
    normalised, no prompts, no lower-casing outside the tokenizer."""
    try:
        modules = [m["type"] for m in _json(folder / "modules.json")]
        pooling = _json(folder / modules_path(folder, 1) / "config.json")
        config = _json(folder / "config.json")
        st_config = _json(folder / "sentence_bert_config.json")
        extra = _json(folder / "config_sentence_transformers.json") \
            if (folder / "config_sentence_transformers.json").is_file() else {}
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return False
    return (modules == MODULES
            and all(pooling.get(k, False) == v for k, v in MEAN_ONLY.items())
            and config.get("architectures") == ["BertModel"]
            and config.get("hidden_act") == "gelu"
            and config.get("position_embedding_type", "absolute") == "absolute"
            and not st_config.get("do_lower_case") and isinstance(st_config.get("max_seq_length"), int)
            and not extra.get("prompts") and not extra.get("default_prompt_name")
            and (folder / "tokenizer.json").is_file() and (folder / "model.safetensors").is_file())


def modules_path(folder: Path, index: int) -> str:
    return str(_json(folder / "modules.json")[index]["path"])


class MiniLM:
    """The model's weights and tokenizer; `embed_one(text)` gives a (1, dim) float32 array."""

    def __init__(self, folder: Path) -> None:
        from safetensors.torch import load_file
        from tokenizers import Tokenizer

        self.config = _json(folder / "config.json")
        self.weights = load_file(str(folder / "model.safetensors"))
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(_json(folder / "sentence_bert_config.json")["max_seq_length"])
        self.tokenizer.no_padding()

    def _linear(self, x: Any, name: str) -> Any:
        import torch.nn.functional as F  # noqa: N812 (torch's own name)

        return F.linear(x, self.weights[f"{name}.weight"], self.weights[f"{name}.bias"])

    def _norm(self, x: Any, name: str) -> Any:
        import torch.nn.functional as F  # noqa: N812

        return F.layer_norm(x, (self.config["hidden_size"],), self.weights[f"{name}.weight"],
                            self.weights[f"{name}.bias"], self.config["layer_norm_eps"])

    def _embeddings(self, ids: Any, types: Any) -> Any:
        """(batch, tokens) id tensors of unpadded, equal-length texts -> the embedding output."""
        import torch
        import torch.nn.functional as F  # noqa: N812

        w = self.weights
        x = F.embedding(ids, w["embeddings.word_embeddings.weight"])
        x = x + F.embedding(types, w["embeddings.token_type_embeddings.weight"])
        positions = torch.arange(ids.shape[1]).unsqueeze(0)
        x = x + F.embedding(positions, w["embeddings.position_embeddings.weight"])
        return self._norm(x, "embeddings.LayerNorm")

    def _layer(self, x: Any, i: int) -> Any:
        import torch.nn.functional as F  # noqa: N812

        p = f"encoder.layer.{i}."
        batch, n, heads = x.shape[0], x.shape[1], self.config["num_attention_heads"]
        size = x.shape[-1] // heads

        def split(t: Any) -> Any:
            return t.view(batch, n, heads, size).transpose(1, 2)

        q, k, v = (split(self._linear(x, p + f"attention.self.{name}")) for name in ("query", "key", "value"))
        attended = F.scaled_dot_product_attention(q, k, v).transpose(1, 2).reshape(batch, n, heads * size)
        x = self._norm(self._linear(attended, p + "attention.output.dense") + x,
                       p + "attention.output.LayerNorm")
        hidden = F.gelu(self._linear(x, p + "intermediate.dense"))
        return self._norm(self._linear(hidden, p + "output.dense") + x, p + "output.LayerNorm")

    def hidden(self, ids: Any, types: Any) -> Any:
        """The last layer's token vectors for a (batch, tokens) tensor of unpadded equal-length texts
        (ingest/onnx_minilm.py exports this function)."""
        x = self._embeddings(ids, types)
        for i in range(self.config["num_hidden_layers"]):
            x = self._layer(x, i)
        return x

    def embed_one(self, text: str) -> np.ndarray:
        import torch
        import torch.nn.functional as F  # noqa: N812

        encoding = self.tokenizer.encode(text)
        with torch.inference_mode():
            x = self.hidden(torch.tensor([encoding.ids]), torch.tensor([encoding.type_ids]))
            mask = torch.ones((1, x.shape[1], 1), dtype=x.dtype)  # one text: no padding
            count = torch.clamp(mask.sum(dim=1, dtype=x.dtype), min=1e-9)
            mean = (x * mask).sum(dim=1, dtype=x.dtype) / count
            vector = F.normalize(F.normalize(mean, p=2, dim=-1), p=2, dim=1)  # module, then encode()
        return np.asarray(vector.numpy(), dtype=np.float32)
