"""Chroma server mode (SAFEGUIDE_CHROMA_URL): ingest and ask through `chroma run`; a clear error
when the server is down."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import cli
from assistant.errors import IndexUnavailable
from assistant.settings import Settings
from ingest.index import IndexStore
from ingest.pipeline import run_ingest
from tests.conftest import REAL_CORPUS, FakeEmbedder, free_port, make_pdf
from tests.test_faults import manifest_for, subset
from tests.test_questions import assert_citations_real

DOCS = ["information-sharing-2024", "wt2018-briefing"]


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = Path(sys.executable).parent / "chroma"
    if not binary.is_file():
        pytest.skip(f"no chroma server binary at {binary}")
    port = free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    log = (data / "server.log").open("w")
    proc = subprocess.Popen([str(binary), "run", "--path", str(data / "db"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            assert proc.poll() is None, (data / "server.log").read_text()
            assert time.monotonic() < deadline, "chroma server did not answer its heartbeat in 60 s"
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


@pytest.mark.slow
@pytest.mark.integration
def test_ingest_and_ask_through_a_chroma_server(chroma_url: str, tmp_path: Path) -> None:
    from assistant.service import Assistant
    from corpus.sync import sync
    from ingest.embed import SentenceTransformerEmbedder

    if not (REAL_CORPUS / "information-sharing-2024.pdf").is_file():
        pytest.skip("real corpus not found")
    settings = Settings(home=tmp_path / "home", corpus=REAL_CORPUS, chroma_url=chroma_url)
    manifest = subset(DOCS)
    sync(manifest, REAL_CORPUS, settings.corpus_dir)
    embedder = SentenceTransformerEmbedder(settings.embed_model)
    report = run_ingest(settings, manifest, embedder)
    assert not report.failed and report.documents == 2
    assert not settings.chroma_dir.exists()  # nothing went to the embedded store
    store = IndexStore(settings)
    assert store.collection().count() == report.chunks == len(store.read_chunks())
    assert run_ingest(settings, manifest, embedder).embedded == 0  # re-ingest reuses server vectors

    answer = Assistant(settings, manifest, embedder).ask(
        "What are the seven golden rules for sharing information?")
    assert not answer.abstained and "information-sharing-2024" in {c.doc_id for c in answer.citations}
    assert_citations_real(settings, answer)


# --- server down -----------------------------------------------------------------------------------
def _closed_url() -> str:
    return f"http://127.0.0.1:{free_port()}"  # bound then released: nothing listens there


def test_server_down_ingest_is_one_clear_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    url = _closed_url()
    monkeypatch.setenv("SAFEGUIDE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SAFEGUIDE_CHROMA_URL", url)
    assert cli.main(["ingest"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"safeguide: Cannot reach the Chroma server at {url}")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_server_down_ask_is_one_clear_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"
    src = home / "corpus"
    src.mkdir(parents=True)
    pdf = make_pdf(src / "guide.pdf", [["1. Early help means support as soon as a problem emerges."]])
    local = Settings(home=home, corpus=src)
    run_ingest(local, manifest_for({"information-sharing-2024": pdf}), FakeEmbedder())
    url = _closed_url()
    with pytest.raises(IndexUnavailable, match="Cannot reach the Chroma server"):
        IndexStore(local.model_copy(update={"chroma_url": url})).collection()
    monkeypatch.setenv("SAFEGUIDE_HOME", str(home))
    monkeypatch.setenv("SAFEGUIDE_CHROMA_URL", url)
    capsys.readouterr()  # drop the ingest progress bars
    assert cli.main(["ask", "What is early help?"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"safeguide: Cannot reach the Chroma server at {url}")
    assert err.count("\n") == 1 and "Traceback" not in err
