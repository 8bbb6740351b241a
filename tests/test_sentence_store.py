"""Sentence vectors stored at ingest: used at question time, committed with state.json, swept, backfilled."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assistant.evidence import SentenceVectors
from assistant.service import Assistant
from assistant.settings import Settings
from corpus.manifest import Document, Manifest, load_manifest
from corpus.sync import sha256_of
from ingest.index import IndexStore
from ingest.pipeline import run_ingest
from ingest.sentences import SentenceLookup, read_sentences, sentence_texts
from tests.conftest import TINY_PAGES, FakeEmbedder, make_pdf


class NamedFake(FakeEmbedder):
    def __init__(self, name: str = "fake", fail_after: int | None = None) -> None:
        super().__init__(fail_after)
        self.name = name


def _setup(tmp_path: Path) -> tuple[Settings, Manifest]:
    settings = Settings(home=tmp_path / "home", abstain_threshold=0.5,
                        abstain_weights={"bias": -3.0, "best": 15.0})
    src = settings.corpus_dir
    src.mkdir(parents=True)
    make_pdf(src / "wt.pdf", TINY_PAGES)
    (src / "notes.txt").write_text("Early help means providing support as soon as a problem emerges.\f"
                                   "Page two says the safeguarding lead takes lead responsibility.")
    base = load_manifest()
    docs = [Document(id="working-together-2023", file="wt.pdf", title="WT 2023 test",
                     series="working-together", edition="2023", kind="statutory-guidance",
                     status="in-force", numbered_paragraphs=True, sha256=sha256_of(src / "wt.pdf")),
            Document(id="notes", file="notes.txt", title="Notes", series="working-together",
                     edition="2023", kind="statutory-guidance", status="in-force",
                     numbered_paragraphs=False, sha256=sha256_of(src / "notes.txt"))]
    return settings, Manifest(series=base.series, editions=base.editions, documents=docs)


def _stored(settings: Settings, info: dict) -> set[bytes]:
    """The sentence keys of one document's committed file."""
    keys, _ = read_sentences(settings.index_dir / "sentences" / info["sentences"])
    return {bytes(k) for k in keys}


def _sentence_files(settings: Settings) -> set[str]:
    return {p.name for p in (settings.index_dir / "sentences").iterdir()}


def test_every_answer_sentence_is_stored_with_the_vector_the_embedder_gives(tmp_path: Path) -> None:
    settings, manifest = _setup(tmp_path)
    report = run_ingest(settings, manifest, NamedFake())
    store = IndexStore(settings)
    texts = sentence_texts(store.read_chunks())
    assert len(texts) >= 5 and report.sentences == len(texts)
    found = SentenceLookup.for_embedder(store, NamedFake()).get(texts)
    assert set(found) == set(texts)
    expected = FakeEmbedder().embed(texts)
    assert np.array_equal(np.stack([found[t] for t in texts]), expected)
    state = store.load_state()
    assert _sentence_files(settings) == {info["sentences"] for info in state["docs"].values()}
    # another model's vectors are never used
    assert SentenceLookup.for_embedder(store, NamedFake("other-model")).get(texts) == {}


def test_a_question_embeds_only_itself_and_answers_do_not_change(tmp_path: Path) -> None:
    settings, manifest = _setup(tmp_path)
    run_ingest(settings, manifest, NamedFake())
    question = "How long can an assessment take from the point of referral?"
    with_store = NamedFake()
    answer = Assistant(settings, manifest=manifest, embedder=with_store).ask(question)
    assert not answer.abstained and "45 working days" in answer.text
    assert with_store.texts == 1  # the question; every sentence came from the index
    without = NamedFake()
    plain = Assistant(settings, manifest=manifest, embedder=without)
    plain.sentences.store = None
    assert plain.ask(question).text == answer.text
    assert without.texts > 1


def test_keys_ending_in_zero_bytes_are_found(tmp_path: Path) -> None:
    from ingest.sentences import read_sentences, text_key, write_sentences

    texts = [f"sentence number {i}" for i in range(3000)]
    ending_in_zero = [t for t in texts if text_key(t).endswith(b"\x00")]
    assert ending_in_zero  # about 1 in 256 keys
    path = tmp_path / "s.npz"
    write_sentences(path, [text_key(t) for t in texts], FakeEmbedder().embed(texts))
    keys, _ = read_sentences(path)
    assert len(keys) == len(texts)
    store = IndexStore(Settings(home=tmp_path / "home"))
    store.root.mkdir(parents=True)
    (store.root / "sentences").mkdir()
    lookup = SentenceLookup.for_embedder(store, NamedFake())
    name = f"doc-0000-{lookup.ekey}.npz"
    path.rename(store.root / "sentences" / name)
    store.commit({"docs": {"doc": {"sha256": "0000", "sentences": name}}})
    assert set(lookup.get(texts)) == set(texts)


def test_sentences_missing_from_the_store_are_embedded_on_the_fly(tmp_path: Path) -> None:
    settings, manifest = _setup(tmp_path)
    run_ingest(settings, manifest, NamedFake())
    store = IndexStore(settings)
    texts = sentence_texts(store.read_chunks())
    emb = NamedFake()
    vectors = SentenceVectors(emb, store=SentenceLookup.for_embedder(store, emb))
    new = "A sentence the sentence splitter of the ingest never produced."
    got = vectors.embed([texts[0], new, texts[1]])
    assert emb.calls == 1 and emb.texts == 1
    assert np.array_equal(got, FakeEmbedder().embed([texts[0], new, texts[1]]))


def test_stopped_ingest_leaves_no_sentence_file_in_use_and_the_next_run_sweeps_it(tmp_path: Path) -> None:
    settings, manifest = _setup(tmp_path)
    first = Manifest(series=manifest.series, editions=manifest.editions, documents=manifest.documents[:1])
    run_ingest(settings, first, NamedFake())
    before = IndexStore(settings).load_state()
    # the notes document: its chunk embedding (call 1) succeeds, its sentences (call 2) are stopped
    with pytest.raises(KeyboardInterrupt):
        run_ingest(settings, manifest, NamedFake(fail_after=1))
    assert IndexStore(settings).load_state() == before
    run_ingest(settings, manifest, NamedFake())
    state = IndexStore(settings).load_state()
    assert set(state["docs"]) == {"working-together-2023", "notes"}
    assert _sentence_files(settings) == {info["sentences"] for info in state["docs"].values()}


def test_an_index_without_sentence_vectors_is_backfilled_and_another_embedder_leaves_them(
        tmp_path: Path) -> None:
    settings, manifest = _setup(tmp_path)
    run_ingest(settings, manifest, NamedFake())
    store = IndexStore(settings)
    state = store.load_state()
    count = run_ingest(settings, manifest, NamedFake()).sentences
    assert count == 0  # unchanged: nothing embedded again
    for info in state["docs"].values():
        del info["sentences"]
    store.state_path.write_text(json.dumps(state))
    emb = NamedFake()
    report = run_ingest(settings, manifest, emb)
    assert report.embedded == 0 and report.sentences > 0 and emb.texts == report.sentences
    assert all(info.get("sentences") for info in store.load_state()["docs"].values())
    old = _sentence_files(settings)
    other = NamedFake("other-model")  # as for chunk vectors: an unchanged index is not re-embedded
    assert run_ingest(settings, manifest, other).sentences == 0 and other.texts == 0
    assert _sentence_files(settings) == old


def test_a_changed_sentence_splitter_refreshes_the_files_embedding_only_new_sentences(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ingest.pipeline as pipeline
    import ingest.segment as segment

    settings, manifest = _setup(tmp_path)
    run_ingest(settings, manifest, NamedFake())
    store = IndexStore(settings)
    first = {t for d in store.load_state()["docs"].values() for t in _stored(settings, d)}
    # the splitter now cuts every unit at its first comma too: new texts, all under a new version
    real = segment.split_sentences

    def finer(text: str) -> list[tuple[int, int]]:
        out = []
        for s, e in real(text):
            cut = text.find(",", s, e)
            out += [(s, cut + 1), (cut + 1, e)] if cut > 0 else [(s, e)]
        return out

    monkeypatch.setattr(segment, "split_sentences", finer)  # what `chunk_spans` reads for every chunk
    emb = NamedFake()
    assert run_ingest(settings, manifest, emb).sentences == 0  # same version: files kept
    monkeypatch.setattr(pipeline, "SPLIT_VERSION", "test-next")
    report = run_ingest(settings, manifest, emb)
    assert report.embedded == 0 and report.sentences == emb.texts > 0  # chunks untouched
    states = store.load_state()["docs"].values()
    assert all(d["split"] == "test-next" for d in states)
    now = {t for d in states for t in _stored(settings, d)}
    assert now != first and report.sentences == len(now - first)  # only the new texts embedded


@pytest.mark.slow
@pytest.mark.integration
def test_real_index_answers_embed_only_the_question(real_index: Settings) -> None:
    from ingest.embed import SentenceTransformerEmbedder

    class Counting(SentenceTransformerEmbedder):
        texts = 0

        def embed(self, texts: list[str]) -> np.ndarray:
            Counting.texts += len(texts)
            return super().embed(texts)

    assistant = Assistant(real_index, embedder=Counting(real_index.embed_model))
    assert len(assistant.sentences.store or []) > 5000  # the corpus's answer sentences are stored
    answer = assistant.ask("How long can a social care assessment take from the point of referral?")
    assert not answer.abstained and "45 working days" in answer.text
    assert Counting.texts == 1


def test_a_list_items_text_with_its_lead_in_is_stored_too() -> None:
    """The answer step reads a list item with its lead-in; ingest stores that text as well, from
    the chunk before when the list opens its chunk (never from another document's)."""
    from ingest.records import Chunk

    def chunk(cid: str, doc: str, text: str) -> Chunk:
        return Chunk(cid, doc, "WT", "working-together", "2023", 1, 1, None, (), text)

    first = chunk("a", "wt", "The core group should:\n• meet within 10 working days of the conference")
    second = chunk("b", "wt", "• agree the plan with the family in every case")
    other = chunk("c", "kcsie", "• keep a record of every concern raised with them")
    texts = sentence_texts([first, second, other])
    assert "The core group should: meet within 10 working days of the conference" in texts
    assert "The core group should: agree the plan with the family in every case" in texts
    assert "agree the plan with the family in every case" in texts
    assert not any(t.endswith("keep a record of every concern raised with them") and t != (
        "keep a record of every concern raised with them") for t in texts)
