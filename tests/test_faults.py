"""Bad input at ingest: every bad file gets a one-line reason, the good files still ingest,
nothing hangs (per-file time limit), and the CLI exits non-zero when nothing was ingested. Killed
and concurrent ingests, and a `safeguide add` killed with SIGKILL in the middle of embedding."""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

import ingest.pipeline
from assistant import cli
from assistant.errors import IngestError
from assistant.settings import Settings
from corpus.manifest import Document, Manifest, load_manifest
from corpus.sync import sha256_of
from ingest.index import IndexStore
from ingest.pipeline import run_ingest
from ingest.readers import read_pages
from tests import faulty_parse
from tests.conftest import REAL_CORPUS, FakeEmbedder, make_pdf
from tests.test_questions import assert_citations_real

GOOD = [["1. Strategy discussions must be held when there is reasonable cause to suspect harm.",
         "2. A lead practitioner should be named for every child."]]


def raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF from raw object bodies (object 1 is the catalog), with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _doc(doc_id: str, path: Path) -> Document:
    return Document(id=doc_id, file=path.name, title=f"Title {doc_id}", series="working-together",
                    edition="2023", kind="statutory-guidance", status="in-force",
                    numbered_paragraphs=True, sha256=sha256_of(path))


def manifest_for(files: dict[str, Path]) -> Manifest:
    base = load_manifest()
    return Manifest(series=base.series, editions=base.editions,
                    documents=[_doc(doc_id, path) for doc_id, path in files.items()])


@pytest.fixture
def src(tmp_path: Path) -> Path:
    folder = tmp_path / "home" / "corpus"
    folder.mkdir(parents=True)
    make_pdf(folder / "good.pdf", GOOD)
    return folder


def settings_for(src: Path, **extra: object) -> Settings:
    return Settings(home=src.parent, corpus=src, **extra)  # type: ignore[arg-type]


# --- bad files, each written by one maker -----------------------------------------------------
def _corrupt(path: Path) -> None:
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pa\x00\x01\x02 garbage " * 20)


def _truncated(path: Path) -> None:
    real = REAL_CORPUS / "information-sharing-2024.pdf"
    if not real.is_file():
        pytest.skip("real corpus not found")
    copy = path.with_suffix(".full")
    shutil.copyfile(real, copy)
    data = copy.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _encrypted(path: Path, algorithm: str = "RC4-128", user_password: str = "pw") -> None:
    plain = make_pdf(path.with_suffix(".plain"), [["1. Secret text about neglect."]])
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password, owner_password="owner", algorithm=algorithm)
    with path.open("wb") as fh:
        writer.write(fh)


def _no_text(path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    with path.open("wb") as fh:
        writer.write(fh)


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _cyclic_pages(path: Path) -> None:  # a page tree that contains itself: pypdf raises
    path.write_bytes(raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]))


BAD: dict[str, tuple[str, Callable[[Path], None], str]] = {
    "corrupt": ("corrupt.pdf", _corrupt, "corrupt"),
    "truncated": ("truncated.pdf", _truncated, "truncated"),
    "encrypted": ("encrypted.pdf", _encrypted, "password-protected"),
    "rc4-40": ("rc4.pdf", lambda p: _encrypted(p, "RC4-40"), "password-protected"),
    "aes-128": ("aes128.pdf", lambda p: _encrypted(p, "AES-128"), "password-protected"),
    "aes-256": ("aes256.pdf", lambda p: _encrypted(p, "AES-256"), "password-protected"),
    "no-text": ("scan.pdf", _no_text, "no text could be extracted"),
    "empty": ("empty.pdf", _empty, "empty"),
    "latin1": ("notes.txt", lambda p: p.write_bytes("caf\xe9 cr\xe8me".encode("latin-1")), "not UTF-8"),
    "cyclic": ("cyclic.pdf", _cyclic_pages, "not a readable PDF"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_file_gets_one_line_reason_and_good_file_ingests(src: Path, case: str) -> None:
    name, make, expect = BAD[case]
    make(src / name)
    settings = settings_for(src)
    report = run_ingest(settings, manifest_for({"good": src / "good.pdf", "bad": src / name}),
                        FakeEmbedder())
    reason = report.failed["bad"]
    assert expect in reason and name in reason and "\n" not in reason
    assert report.updated == ["good"] and set(report.failed) == {"bad"}
    chunks = IndexStore(settings).read_chunks()
    assert {c.doc_id for c in chunks} == {"good"} and any("lead practitioner" in c.text for c in chunks)


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-256"])
def test_encrypted_pdf_is_password_protected_even_without_aes_support(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, algorithm: str) -> None:
    """Without the `cryptography` package pypdf cannot try even the empty password on an AES file
    (DependencyError); the reason given is still the password, never a missing dependency."""
    from pypdf.errors import DependencyError

    def no_aes(self: PdfReader, password: str) -> None:
        raise DependencyError("cryptography>=3.1 is required for AES algorithm")

    _encrypted(tmp_path / "locked.pdf", algorithm)
    monkeypatch.setattr(PdfReader, "decrypt", no_aes)
    with pytest.raises(IngestError) as err:
        read_pages(tmp_path / "locked.pdf", "locked")
    assert str(err.value) == ("locked.pdf: the PDF is password-protected; save an unencrypted copy "
                              "and retry.")


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-256"])
def test_pdf_encrypted_with_an_empty_user_password_is_read(tmp_path: Path, algorithm: str) -> None:
    """Owner-password-only encryption (printing or copying restricted) still opens, so it ingests."""
    _encrypted(tmp_path / "restricted.pdf", algorithm, user_password="")
    pages = read_pages(tmp_path / "restricted.pdf", "restricted")
    assert "Secret text about neglect." in pages[0].text and pages[0].layout


def test_file_name_with_spaces_and_non_ascii(src: Path) -> None:
    odd = make_pdf(src / "Guidance – café 2025.pdf", [["1. Early help means support as soon as a "
                                                           "problem emerges."]])
    settings = settings_for(src)
    report = run_ingest(settings, manifest_for({"good": src / "good.pdf", "cafe": odd}), FakeEmbedder())
    assert not report.failed and sorted(report.updated) == ["cafe", "good"]
    cafe = [c for c in IndexStore(settings).read_chunks() if c.doc_id == "cafe"]
    assert cafe and "Early help" in cafe[0].text


def test_fifty_megabyte_pdf_ingests_and_the_size_limit_refuses_it(src: Path) -> None:
    big = src / "big.pdf"
    text = b"BT /F1 11 Tf 60 780 Td (1. Information sharing is vital to safeguarding children.) Tj ET"
    filler = os.urandom(50 * 1024 * 1024)  # an image-sized binary stream the text layer ignores
    big.write_bytes(raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> /XObject << /Im1 6 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /XObject /Subtype /Image /Width 4096 /Height 4096 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Length %d >>\nstream\n" % len(filler) + filler + b"\nendstream",
    ]))
    assert big.stat().st_size > 50e6
    files = {"good": src / "good.pdf", "big": big}
    report = run_ingest(settings_for(src), manifest_for(files), FakeEmbedder())
    assert not report.failed and sorted(report.updated) == ["big", "good"]
    small = Settings(home=src.parent.parent / "home2", corpus=src, max_file_mb=10)
    report = run_ingest(small, manifest_for(files), FakeEmbedder(), source_dir=src)
    assert "over the 10 MB limit" in report.failed["big"] and report.updated == ["good"]


def test_hung_parser_is_stopped_and_unexpected_errors_are_reported(
        src: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest.pipeline, "parse_document", faulty_parse.parse_document)
    for name in ("hang.pdf", "boom.pdf", "after.pdf"):
        make_pdf(src / name, [[f"1. Text of {name} about child protection conferences."]])
    settings = settings_for(src, file_timeout_s=2)
    files = {"hang": src / "hang.pdf", "good": src / "good.pdf", "boom": src / "boom.pdf",
             "after": src / "after.pdf"}
    start = time.monotonic()
    report = run_ingest(settings, manifest_for(files), FakeEmbedder())
    assert time.monotonic() - start < 120  # a guard against hanging, not a speed check
    assert "took over 2 s and was stopped" in report.failed["hang"]
    assert "RuntimeError: parser bug" in report.failed["boom"]
    assert sorted(report.updated) == ["after", "good"]
    assert all("\n" not in msg for msg in report.failed.values())


def _cli_ingest(src: Path, files: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("SAFEGUIDE_HOME", str(src.parent))
    monkeypatch.setenv("SAFEGUIDE_CORPUS", str(src))
    monkeypatch.setattr("corpus.manifest.load_manifest", lambda: manifest_for(files))
    monkeypatch.setattr("ingest.embed.SentenceTransformerEmbedder", lambda *a, **k: FakeEmbedder())
    return cli.main(["ingest"])


def test_cli_exits_non_zero_when_nothing_ingested(src: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    _corrupt(src / "corrupt.pdf")
    _empty(src / "empty.pdf")
    code = _cli_ingest(src, {"corrupt": src / "corrupt.pdf", "empty": src / "empty.pdf"}, monkeypatch)
    out = capsys.readouterr()
    assert code != 0
    assert "2 failed" in out.out and "corrupt.pdf" in out.out and "empty.pdf" in out.out
    assert "Traceback" not in out.out + out.err


def test_cli_exits_zero_when_good_files_ingest_beside_bad(
        src: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _empty(src / "empty.pdf")
    code = _cli_ingest(src, {"good": src / "good.pdf", "empty": src / "empty.pdf"}, monkeypatch)
    out = capsys.readouterr().out
    assert code == 0 and "1 documents" in out and "1 failed" in out and "empty.pdf" in out


# --- killed and concurrent ingests, on a subset of the real corpus with the real model -------------
INGEST_SCRIPT = """
import logging
import sys
logging.basicConfig(level=logging.INFO)
from assistant.settings import Settings
from corpus.manifest import Manifest, load_manifest
from ingest.embed import SentenceTransformerEmbedder
from ingest.pipeline import run_ingest

base = load_manifest()
ids = sys.argv[1].split(",")
manifest = Manifest(series=base.series, editions=base.editions,
                    documents=[d for d in base.documents if d.id in ids])
settings = Settings()
print(run_ingest(settings, manifest, SentenceTransformerEmbedder(settings.embed_model)).summary())
"""
FIRST = ["information-sharing-2024"]
SECOND = [*FIRST, "kcsie-2025-part-one", "wt2018-briefing"]
WROTE = re.compile(r"stored [1-9]\d*/\d+ chunk vectors of")  # logged after a stored batch


def subset(ids: list[str]) -> Manifest:
    base = load_manifest()
    return base.model_copy(update={"documents": [d for d in base.documents if d.id in ids]})


def _env(home: Path) -> dict[str, str]:
    root = str(Path(__file__).resolve().parents[1])
    return {**os.environ, "SAFEGUIDE_HOME": str(home), "SAFEGUIDE_CORPUS": str(REAL_CORPUS),
            "PYTHONPATH": root, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


def assert_consistent(settings: Settings, manifest: Manifest) -> None:
    store = IndexStore(settings)
    state = store.load_state()
    assert set(state["docs"]) == {d.id for d in manifest.documents}
    chunks = store.read_chunks(state)
    assert len(chunks) == sum(info["chunks"] for info in state["docs"].values())
    ids = store.collection().get(include=[])["ids"]
    assert sorted(ids) == sorted(c.chunk_id for c in chunks)
    stored = {p.name for p in (store.root / "sentences").iterdir()}  # answer-sentence vectors
    assert stored == {info["sentences"] for info in state["docs"].values()}


def first_index(tmp_path: Path) -> Settings:
    """A home holding the SECOND documents' files, with only FIRST ingested, by another process."""
    import subprocess
    import sys

    from corpus.sync import sync

    if not (REAL_CORPUS / "kcsie-2025.txt").is_file():
        pytest.skip("real corpus not found")
    settings = Settings(home=tmp_path / "home", corpus=REAL_CORPUS)
    sync(subset(SECOND), REAL_CORPUS, settings.corpus_dir)
    first = subprocess.run([sys.executable, "-c", INGEST_SCRIPT, ",".join(FIRST)], env=_env(settings.home),
                           capture_output=True, text=True, timeout=300)
    assert first.returncode == 0 and "1 documents" in first.stdout, first.stderr[-2000:]
    return settings


@pytest.mark.slow
@pytest.mark.integration
def test_sigkill_mid_ingest_keeps_the_old_index_and_the_next_ingest_completes(tmp_path: Path) -> None:
    import random
    import signal
    import subprocess
    import sys

    from assistant.service import Assistant
    from ingest.embed import SentenceTransformerEmbedder

    # every ingest runs in its own process, so this process opens the store only after the kill
    settings = first_index(tmp_path)
    err = tmp_path / "ingest.err"
    with err.open("w") as fh:
        proc = subprocess.Popen([sys.executable, "-c", INGEST_SCRIPT, ",".join(SECOND)],
                                env=_env(settings.home), stdout=subprocess.DEVNULL, stderr=fh)
    deadline = time.monotonic() + 240
    while not WROTE.search(err.read_text(errors="replace")) and proc.poll() is None:
        assert time.monotonic() < deadline, "the ingest never started writing"
        time.sleep(0.05)
    delay = random.uniform(0.0, 3.0)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    print(f"killed {delay:.2f} s after the first stored batch; exit {proc.returncode}")

    embedder = SentenceTransformerEmbedder(settings.embed_model)
    old = Assistant(settings, subset(FIRST), embedder)
    answer = old.ask("What are the seven golden rules for sharing information?")
    assert not answer.abstained and {c.doc_id for c in answer.citations} == {"information-sharing-2024"}
    assert_citations_real(settings, answer)

    report = run_ingest(settings, subset(SECOND), embedder)
    assert not report.failed and report.documents == 3
    assert_consistent(settings, subset(SECOND))
    new = Assistant(settings, subset(SECOND), embedder)
    answer = new.ask("What is the role of the designated safeguarding lead?")
    assert not answer.abstained and {c.doc_id for c in answer.citations} <= set(SECOND)
    assert {c.doc_id for c in new.retriever.chunks} == set(SECOND)
    assert_citations_real(settings, answer)


def test_second_ingest_process_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    import subprocess
    import sys

    settings = Settings(home=tmp_path / "home", corpus=tmp_path / "none")
    store = IndexStore(settings)
    with store.lock():
        done = subprocess.run([sys.executable, "-m", "assistant.cli", "ingest"], env=_env(settings.home),
                              capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip().startswith("safeguide: Another ingest is running")
    assert "Traceback" not in done.stderr
    assert not store.state_path.exists()


@pytest.mark.slow
@pytest.mark.integration
def test_running_assistant_picks_up_an_ingest_made_by_another_process(tmp_path: Path) -> None:
    """A web app keeps answering, from the new index, after `safeguide ingest` runs beside it."""
    import subprocess
    import sys

    from assistant.service import Assistant
    from ingest.embed import SentenceTransformerEmbedder

    settings = first_index(tmp_path)
    running = Assistant(settings, subset(SECOND), SentenceTransformerEmbedder(settings.embed_model))
    answer = running.ask("What are the seven golden rules for sharing information?")
    assert not answer.abstained
    second = subprocess.run([sys.executable, "-c", INGEST_SCRIPT, ",".join(SECOND)],
                            env=_env(settings.home), capture_output=True, text=True, timeout=600)
    assert second.returncode == 0, second.stderr[-2000:]
    answer = running.ask("What is the role of the designated safeguarding lead?")
    assert not answer.abstained and {c.doc_id for c in running.retriever.chunks} == set(SECOND)
    assert_citations_real(settings, answer)


# --- sha256 checked at ingest ----------------------------------------------------------------------
OTHER = [["1. Completely different text saved over the official file."]]


def test_tampered_file_is_refused_and_the_verified_copy_keeps_answering(src: Path) -> None:
    official = make_pdf(src / "official.pdf", [["1. Information sharing is vital to safeguarding."]])
    settings = settings_for(src)
    manifest = manifest_for({"good": src / "good.pdf", "official": official})
    assert run_ingest(settings, manifest, FakeEmbedder()).updated == ["official", "good"]
    make_pdf(official, OTHER)  # a different PDF saved over the synced file
    report = run_ingest(settings, manifest, FakeEmbedder())
    reason = report.failed["official"]
    expected, actual = manifest.doc("official").sha256, sha256_of(official)
    assert reason == (f"official.pdf: sha256 {actual[:12]}… does not match the manifest "
                      f"({expected[:12]}…), so it was not indexed; the verified copy indexed earlier "
                      "is still searched. Run `safeguide corpus sync` to restore the official file")
    assert report.skipped == ["good"] and not report.updated
    store = IndexStore(settings)
    state = store.load_state()
    assert state["docs"]["official"]["sha256"] == expected and state["failed"] == report.failed
    texts = " ".join(c.text for c in store.read_chunks())
    assert "vital to safeguarding" in texts and "Completely different" not in texts


def test_entry_indexed_from_a_tampered_file_is_dropped(src: Path) -> None:
    """An index built before ingest checked hashes, from a file saved over the official one: the next
    ingest refuses the file and removes what was indexed from it."""
    official = make_pdf(src / "official.pdf", [["1. Information sharing is vital to safeguarding."]])
    manifest = manifest_for({"good": src / "good.pdf", "official": official})
    make_pdf(official, OTHER)
    settings = settings_for(src)
    run_ingest(settings, manifest_for({"good": src / "good.pdf", "official": official}), FakeEmbedder())
    assert "Completely different" in " ".join(c.text for c in IndexStore(settings).read_chunks())
    report = run_ingest(settings, manifest, FakeEmbedder())
    assert report.removed == ["official"] and "unverified entry was removed" in report.failed["official"]
    store = IndexStore(settings)
    assert {c.doc_id for c in store.read_chunks()} == {"good"}
    assert len(store.collection().get(include=[])["ids"]) == len(store.read_chunks())  # vectors swept


def test_cli_ingest_refuses_a_tampered_file_in_one_line(
        src: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    official = make_pdf(src / "official.pdf", [["1. Information sharing is vital to safeguarding."]])
    files = {"good": src / "good.pdf", "official": official}
    manifest = manifest_for(files)
    make_pdf(official, OTHER)
    monkeypatch.setattr("corpus.manifest.load_manifest", lambda: manifest)
    monkeypatch.setenv("SAFEGUIDE_HOME", str(src.parent))
    monkeypatch.setattr("ingest.embed.SentenceTransformerEmbedder", lambda *a, **k: FakeEmbedder())
    assert cli.main(["ingest"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.count("does not match the manifest") == 1
    assert "1 documents" in out and "1 failed: official.pdf: sha256 " in out
    assert "safeguide corpus sync" in out and "Traceback" not in out


# --- a real SIGKILL in the middle of `safeguide add` ------------------------------------------------
# `safeguide add` in a child process whose embedder is the fake one, made to stop inside a chosen
# embed call: it writes a marker file and sleeps, and the test kills the process with SIGKILL there.
# So the kill lands deterministically mid-embedding (no hook in safeguide's own code).
ADD_SCRIPT = """
import os
import sys
import time
from pathlib import Path

import ingest.embed
from tests.conftest import FakeEmbedder


class StopsInside(FakeEmbedder):
    def embed(self, texts):
        if self.calls + 1 == int(os.environ["SG_TEST_STOP_ON_CALL"]):
            Path(os.environ["SG_TEST_MARKER"]).write_text(str(len(texts)))
            time.sleep(600)  # killed here
        return super().embed(texts)


ingest.embed.SentenceTransformerEmbedder = lambda *a, **k: StopsInside()
from assistant import cli

sys.exit(cli.main(sys.argv[1:]))
"""
LOCAL_Q = "How quickly is a strategy discussion held in Northshire?"
OTHER_Q = "How soon does the family hub offer early help after a request?"
EARLY_HELP = [(1, "2 Early help"), (0, "The family hub offers early help within ten working days of "
                                       "a request for support from any practitioner.")]


def _held_home(tmp_path: Path) -> tuple[Settings, Manifest, str]:
    """A fake national document and one local procedure (Northshire) added, in its own home."""
    from ingest.local import add_document
    from tests.localdocs import PUBLISHER, make_docx

    settings = Settings(home=tmp_path / "home", abstain_threshold=0.5, local_beside_threshold=0.5,
                        abstain_weights={"bias": -3.0, "best": 15.0})
    settings.corpus_dir.mkdir(parents=True)
    make_pdf(settings.corpus_dir / "wt.pdf", GOOD)
    manifest = manifest_for({"working-together-2023": settings.corpus_dir / "wt.pdf"})
    run_ingest(settings, manifest, FakeEmbedder())
    held = add_document(settings, FakeEmbedder(), make_docx(tmp_path / "northshire.docx"),
                        publisher=PUBLISHER)
    return settings, manifest, held.doc.id


def _index_files(settings: Settings) -> dict[str, bytes]:
    """Everything the index and the registry hold on disk, apart from Chroma's own files."""
    return {str(p.relative_to(settings.home)): p.read_bytes() for p in sorted(settings.home.rglob("*"))
            if p.is_file() and "chroma" not in p.parts and p.name != ".ingest.lock"
            and "corpus" not in p.parts}


def _assert_local_consistent(settings: Settings) -> None:
    """The index holds exactly what state.json and the registry name: no vectors, chunk, page or
    sentence files, copies or temporary files left by the killed add."""
    from corpus.local import files_dir, load_registry

    store = IndexStore(settings)
    state = store.load_state()
    registry = load_registry(settings)
    assert {d for d, i in state["docs"].items() if i.get("local")} == {d.id for d in registry.documents}
    chunks = store.read_chunks(state)
    assert sorted(store.collection().get(include=[])["ids"]) == sorted(c.chunk_id for c in chunks)
    for sub, name in (("chunks", store.chunks_file), ("pages", store.pages_file)):
        assert {p.name for p in (store.root / sub).iterdir()} == {
            name(d, i["sha256"]).name for d, i in state["docs"].items()}
    assert {p.name for p in (store.root / "sentences").iterdir()} == {
        i["sentences"] for i in state["docs"].values()}
    assert sorted(p.name for p in files_dir(settings).iterdir()) == sorted(
        d.file for d in registry.documents)


@pytest.mark.parametrize(("stop_on_call", "cleanup"), [(1, "add"), (2, "remove"), (2, "add")],
                         ids=["chunk-vectors-then-add", "sentence-vectors-then-remove",
                              "sentence-vectors-then-add"])
def test_sigkill_mid_add_keeps_the_previous_index_answering_and_the_next_command_sweeps(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stop_on_call: int, cleanup: str) -> None:
    """Embed call 1 embeds the new document's chunks (nothing stored yet); call 2 is its first
    sentence batch, after its chunk vectors, chunk and page files are written: the most a killed
    add can leave behind before it commits state.json."""
    import signal
    import subprocess
    import sys

    from assistant.service import Assistant
    from tests.localdocs import make_html

    settings, manifest, held_id = _held_home(tmp_path)
    before = _index_files(settings)
    committed = set(IndexStore(settings).collection().get(include=[])["ids"])
    new = make_html(tmp_path / "early-help.html", EARLY_HELP, title="Early help offer")
    marker = tmp_path / "stopped"
    env = {**_env(settings.home), "SG_TEST_STOP_ON_CALL": str(stop_on_call),
           "SG_TEST_MARKER": str(marker)}
    err = tmp_path / "add.err"
    with err.open("w") as fh:
        proc = subprocess.Popen([sys.executable, "-c", ADD_SCRIPT, "add", str(new)], env=env,
                                stdout=subprocess.DEVNULL, stderr=fh)
    try:
        deadline = time.monotonic() + 180
        while not marker.exists():
            assert proc.poll() is None, f"add ended before the kill: {err.read_text()[-2000:]}"
            assert time.monotonic() < deadline, "the add never reached the embed call"
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    # the previous index: state.json, registry and stores byte for byte, and it still answers
    after = _index_files(settings)
    assert {k: after.get(k) for k in before} == before
    extra = sorted(Path(k).parent.name for k in set(after) - set(before))
    leftovers = set(IndexStore(settings).collection().get(include=[])["ids"]) - committed
    if stop_on_call == 2:  # the killed add's chunk vectors and chunk and page files, never committed
        assert leftovers and extra == ["chunks", "pages"]
        assert all("local-early-help-offer" in k for k in set(after) - set(before))
    else:
        assert not leftovers and not extra
    emb = FakeEmbedder()
    answer = Assistant(settings, manifest=manifest, embedder=emb).ask(LOCAL_Q)
    assert not answer.abstained and {c.doc_id for c in answer.citations} == {held_id}
    assert_citations_real(settings, answer)
    assert Assistant(settings, manifest=manifest, embedder=emb).ask(OTHER_Q, source="local").abstained

    # the next command sweeps what the killed add left, and the index is whole again
    monkeypatch.setenv("SAFEGUIDE_HOME", str(settings.home))
    monkeypatch.setattr("ingest.embed.SentenceTransformerEmbedder", lambda *a, **k: FakeEmbedder())
    if cleanup == "remove":
        assert cli.main(["remove", held_id]) == 0
    else:
        assert cli.main(["add", str(new)]) == 0
    _assert_local_consistent(settings)
    answer = Assistant(settings, manifest=manifest, embedder=emb).ask(OTHER_Q, source="local")
    assert answer.abstained == (cleanup == "remove")
    if cleanup == "add":
        assert "ten working days" in answer.text
        assert_citations_real(settings, answer)
