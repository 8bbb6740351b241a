"""Ingest on a tiny synthetic corpus with a fake embedder: idempotence, changes, faults."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from assistant.errors import IndexBusy
from assistant.retrieve import Retriever
from assistant.settings import Settings
from corpus.manifest import Document, Manifest, load_manifest
from corpus.sync import sha256_of
from ingest.index import IndexStore
from ingest.pipeline import run_ingest
from tests.conftest import FakeEmbedder, make_pdf

GUIDE_PAGES = [
    ["Chapter 1: Assessments", "1. Assessments should be timely and child centred.",
     "2. The assessment should conclude within 45 working days from the point of",
     "referral to children's social care."],
    ["3. A lead practitioner should be named for every child.", "Timeliness",
     "4. Strategy discussions must be held when there is reasonable cause to suspect harm."],
]


def _doc(doc_id: str, file: str, path: Path, numbered: bool = True) -> Document:
    return Document(id=doc_id, file=file, title=f"Title {doc_id}", series="working-together",
                    edition="2023", kind="statutory-guidance", status="in-force",
                    numbered_paragraphs=numbered, sha256=sha256_of(path))


@pytest.fixture
def corpus(tmp_path: Path) -> tuple[Settings, Path]:
    settings = Settings(home=tmp_path / "home", corpus=tmp_path / "src")
    src = settings.corpus_dir
    src.mkdir(parents=True)
    make_pdf(src / "guide.pdf", GUIDE_PAGES)
    (src / "notes.txt").write_text("Page one text about neglect.\fPage two about early help.\n")
    return settings, src


def _manifest(src: Path, names: list[str]) -> Manifest:
    base = load_manifest()
    docs = {"guide": _doc("guide", "guide.pdf", src / "guide.pdf") if "guide" in names else None}
    for name in names:
        if name != "guide":
            path = next(src.glob(f"{name}.*"))
            docs[name] = _doc(name, path.name, path, numbered=False)
    return Manifest(series=base.series, editions=base.editions,
                    documents=[d for d in docs.values() if d])


def test_paragraphs_pages_and_page_break(corpus: tuple[Settings, Path]) -> None:
    settings, src = corpus
    report = run_ingest(settings, _manifest(src, ["guide", "notes"]), FakeEmbedder())
    assert report.documents == 2 and not report.failed
    chunks = {c.paragraph: c for c in IndexStore(settings).read_chunks() if c.doc_id == "guide"}
    assert set(chunks) == {"1", "2", "3", "4"}
    assert chunks["2"].page_start == 1 and chunks["2"].headings == ("Chapter 1: Assessments",)
    assert chunks["4"].page_start == 2 and chunks["4"].headings[-1] == "Timeliness"
    notes = [c for c in IndexStore(settings).read_chunks() if c.doc_id == "notes"]
    assert [c.page_start for c in notes] == [1, 2]


def test_reingest_unchanged_embeds_nothing(corpus: tuple[Settings, Path]) -> None:
    settings, src = corpus
    manifest = _manifest(src, ["guide", "notes"])
    first = FakeEmbedder()
    run_ingest(settings, manifest, first)
    ids_before = {c.chunk_id for c in IndexStore(settings).read_chunks()}
    second = FakeEmbedder()
    report = run_ingest(settings, manifest, second)
    assert second.texts == 0 and report.embedded == 0
    assert sorted(report.skipped) == ["guide", "notes"]
    assert {c.chunk_id for c in IndexStore(settings).read_chunks()} == ids_before


def test_changed_and_removed_files_drop_old_chunks(corpus: tuple[Settings, Path]) -> None:
    settings, src = corpus
    run_ingest(settings, _manifest(src, ["guide", "notes"]), FakeEmbedder())
    (src / "notes.txt").write_text("Completely new text about private fostering.\f")
    emb = FakeEmbedder()
    report = run_ingest(settings, _manifest(src, ["guide", "notes"]), emb)
    # one new chunk, and its one answer sentence (stored for question time)
    assert report.updated == ["notes"] and report.embedded == 1 and report.sentences == 1
    assert emb.texts == 2
    texts = [c.text for c in IndexStore(settings).read_chunks()]
    assert not any("neglect" in t for t in texts) and any("fostering" in t for t in texts)
    report = run_ingest(settings, _manifest(src, ["guide"]), FakeEmbedder())
    assert report.removed == ["notes"]
    store = IndexStore(settings)
    assert {c.doc_id for c in store.read_chunks()} == {"guide"}
    assert len(store.collection().get(include=[])["ids"]) == len(store.read_chunks())


def test_interrupted_ingest_keeps_previous_index(corpus: tuple[Settings, Path]) -> None:
    settings, src = corpus
    run_ingest(settings, _manifest(src, ["guide"]), FakeEmbedder())
    make_pdf(src / "guide.pdf", [["1. Replacement text about exploitation."]])
    (src / "more.txt").write_text("Extra text about radicalisation.")
    with pytest.raises(KeyboardInterrupt):
        run_ingest(settings, _manifest(src, ["guide", "more"]), FakeEmbedder(fail_after=0))
    retriever = Retriever(settings, FakeEmbedder())
    hits = retriever.search("assessment working days", ("guide", "more"), k=3)
    assert hits and "45 working days" in hits[0].chunk.text  # old index still answers
    report = run_ingest(settings, _manifest(src, ["guide", "more"]), FakeEmbedder())
    assert sorted(report.updated) == ["guide", "more"] and not report.failed
    texts = " ".join(c.text for c in IndexStore(settings).read_chunks())
    assert "exploitation" in texts and "45 working days" not in texts


def test_bad_pdfs_are_reported_and_the_rest_ingest(corpus: tuple[Settings, Path]) -> None:
    settings, src = corpus
    (src / "corrupt.pdf").write_bytes(b"%PDF-1.4\n this is not really a pdf \x00\x01")
    make_pdf(src / "plain.pdf", [["Secret text."]])
    writer = PdfWriter(clone_from=PdfReader(src / "plain.pdf"))
    writer.encrypt("pw")
    with (src / "locked.pdf").open("wb") as fh:
        writer.write(fh)
    blank = PdfWriter()
    blank.add_blank_page(595, 842)
    with (src / "scanned.pdf").open("wb") as fh:
        blank.write(fh)
    (src / "empty.pdf").write_bytes(b"")
    (src / "latin.txt").write_bytes("caf\xe9 au lait".encode("latin-1"))
    manifest = _manifest(src, ["guide", "corrupt", "locked", "scanned", "empty", "latin"])
    report = run_ingest(settings, manifest, FakeEmbedder())
    assert report.updated == ["guide"]
    assert "corrupt" in report.failed["corrupt"] or "not a readable PDF" in report.failed["corrupt"]
    assert "password-protected" in report.failed["locked"]
    assert "no text could be extracted" in report.failed["scanned"]
    assert "empty" in report.failed["empty"]
    assert "not UTF-8" in report.failed["latin"]
    assert "5 failed" in report.summary()


def test_second_ingest_is_refused_while_one_runs(corpus: tuple[Settings, Path]) -> None:
    settings, src = corpus
    store = IndexStore(settings)
    with store.lock(), pytest.raises(IndexBusy, match="Another ingest"):
        run_ingest(settings, _manifest(src, ["guide"]), FakeEmbedder())


def test_index_name_follows_shaping_settings(tmp_path: Path) -> None:
    a = Settings(home=tmp_path)
    assert a.index_name() == Settings(home=tmp_path / "x", top_k=9).index_name()
    assert a.index_name() != Settings(home=tmp_path, chunk_max_chars=500).index_name()
    assert a.index_name() != Settings(home=tmp_path, embed_model="other").index_name()


KILLED_INGEST = """
import sys, time
from assistant.settings import Settings
from ingest.index import IndexStore
from ingest.pipeline import parse_pool
store = IndexStore(Settings(home=sys.argv[1]))
with store.lock():
    pool = parse_pool()
    busy = pool.map_async(time.sleep, [60, 60], chunksize=1)  # parsing a long file when killed
    time.sleep(1)  # both workers have taken their task: a killed ingest leaves them running
    print(*[worker.pid for worker in pool._pool], flush=True)
    time.sleep(60)
"""


def test_parse_workers_do_not_keep_the_lock_of_a_killed_ingest(tmp_path: Path) -> None:
    """A parse worker outlives its ingest when that is killed; the next ingest must still run."""
    import signal
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", KILLED_INGEST, str(tmp_path)], stdout=subprocess.PIPE,
                            text=True)
    workers = [int(pid) for pid in proc.stdout.readline().split()]  # type: ignore[union-attr]
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    try:
        assert workers and all(_alive(pid) for pid in workers)  # orphaned, as after a kill
        with IndexStore(Settings(home=tmp_path)).lock():  # IndexBusy if a worker kept the lock
            pass
    finally:
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


THREAD_IMPORTING = """
import importlib, sys, threading, time
from pathlib import Path
from ingest.pipeline import parse_pool
Path(sys.argv[1], "slow_import.py").write_text("import time\\ntime.sleep(3)\\n")
sys.path.insert(0, sys.argv[1])
threading.Thread(target=importlib.import_module, args=("slow_import",), daemon=True).start()
time.sleep(0.5)  # the thread now holds the module's import lock
with parse_pool() as pool:
    pool.apply_async(exec, ("import slow_import",)).get(timeout=60)
    print("imported")
"""


def test_parse_workers_do_not_inherit_a_lock_another_thread_holds(tmp_path: Path) -> None:
    """A worker forked from this process while another thread is importing a module (the web
    app's threads) would wait forever on that import's lock; fork-server workers do not."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", THREAD_IMPORTING, str(tmp_path)], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.split() == ["imported"], out.stderr[-500:]


def test_a_footnote_whose_number_follows_its_first_line_is_kept_apart_from_the_body() -> None:
    """A text extraction sets a footnote's number under its first line; the block is still read as
    the page's footnotes, not as body text between a lead-in and its items."""
    from ingest.readers import clean_page

    page = ("484. The risk assessment should consider:\n\n\n\n"
            "  It is not the role of schools to provide legal advice to victims, alleged\n145\n\n"
            "perpetrators or parents. Rather, schools should be aware of their position.\n"
            "                          122\n")
    text, body_end = clean_page(page, 122)
    assert text[:body_end] == "484. The risk assessment should consider:"
    assert text[body_end:].strip().startswith("145\nIt is not the role of schools")
    # a number under a line that opens no footnote block (a figure's label) stays where it is
    figure = "Step one: refer the child\n\nThe lead practitioner decides\n3\n\n485. Staff should act at once."
    text, body_end = clean_page(figure, 122)
    assert body_end == len(text) and "decides\n3\n" in text


def test_the_committed_vectors_are_cached_so_a_new_process_answers_without_chroma(
        corpus: tuple[Settings, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    import ingest.index as index

    settings, src = corpus
    run_ingest(settings, _manifest(src, ["guide", "notes"]), FakeEmbedder())
    first = Retriever(settings, FakeEmbedder())
    expected = first.search("assessment working days", ("guide", "notes"), k=3)
    store = IndexStore(settings)
    state = store.load_state()
    assert store.vectors_cache(state).is_file()  # written by the first load, from Chroma

    def no_chroma(settings: Settings, create: bool) -> None:
        raise AssertionError("Chroma opened")

    monkeypatch.setattr(index, "open_collection", no_chroma)
    again = Retriever(settings, FakeEmbedder())  # a new process: the cache of this state answers
    got = again.search("assessment working days", ("guide", "notes"), k=3)
    assert [p.chunk.chunk_id for p in got] == [p.chunk.chunk_id for p in expected]
    np.testing.assert_array_equal(again._vectors, first._vectors)
    # a cache of other ids (not this state's) is never used: the vectors come from Chroma again
    ids = [c.chunk_id for c in store.read_chunks(state)]
    assert store.cached_vectors(state, ids[::-1]) is None
    monkeypatch.undo()
    run_ingest(settings, _manifest(src, ["guide"]), FakeEmbedder())  # a new commit: a new cache
    newer = IndexStore(settings).load_state()
    assert IndexStore(settings).cached_vectors(newer, [c.chunk_id for c in store.read_chunks(newer)]) is None
    Retriever(settings, FakeEmbedder()).search("assessment", ("guide",), k=1)
    assert [p.name for p in store.root.glob("vectors-*.npz")] == [store.vectors_cache(newer).name]
