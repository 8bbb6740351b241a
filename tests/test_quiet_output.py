"""A quiet first run: no DEBUG lines or loading bars without -v, progress bars only on a terminal,
and `safeguide serve` says once, with its address, when the chat is ready."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.settings import PROJECT_ROOT, Settings
from corpus.manifest import Document, Manifest, load_manifest
from corpus.sync import sha256_of
from ingest.pipeline import run_ingest
from tests.conftest import TINY_PAGES, FakeEmbedder, free_port, make_pdf

LOGGING_SCRIPT = """
import logging, sys
from assistant.cli import configure_logging
configure_logging(sys.argv[1] == "-v")
import assistant.retrieve  # imports bm25s, which sets its logger to DEBUG
import bm25s
logging.getLogger("bm25s").setLevel(logging.DEBUG)  # even when a library insists
logging.getLogger("bm25s").debug("Building index from IDs objects")
logging.getLogger("bm25s").info("bm25s info line")
logging.getLogger("safeguide").warning("a warning still shows")
"""


@pytest.mark.parametrize("flag", ["", "-v"])
def test_debug_lines_never_and_info_lines_only_with_v(flag: str) -> None:
    out = subprocess.run([sys.executable, "-c", LOGGING_SCRIPT, flag], capture_output=True, text=True,
                         cwd=PROJECT_ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "Building index" not in out.stderr
    assert ("bm25s info line" in out.stderr) == (flag == "-v")
    assert "a warning still shows" in out.stderr


def test_ingest_draws_no_progress_bars_when_stderr_is_not_a_terminal(
        tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    settings = Settings(home=tmp_path / "home")
    src = settings.corpus_dir
    src.mkdir(parents=True)
    make_pdf(src / "wt.pdf", TINY_PAGES)
    base = load_manifest()
    doc = Document(id="working-together-2023", file="wt.pdf", title="WT", series="working-together",
                   edition="2023", kind="statutory-guidance", status="in-force",
                   numbered_paragraphs=True, sha256=sha256_of(src / "wt.pdf"))
    capfd.readouterr()
    report = run_ingest(settings, Manifest(series=base.series, editions=base.editions, documents=[doc]),
                        FakeEmbedder())
    err = capfd.readouterr().err
    assert report.embedded > 0
    assert "embed working-together-2023" not in err and "parse" not in err and "\r" not in err


@pytest.mark.slow
@pytest.mark.integration
def test_serve_prints_one_ready_line_with_its_address_and_nothing_else(
        real_index: Settings, tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "SAFEGUIDE_HOME": str(real_index.home), "SAFEGUIDE_CORPUS": str(real_index.corpus),
           "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    env.pop("SAFEGUIDE_CHROMA_URL", None)
    out_path, err_path = tmp_path / "out.txt", tmp_path / "err.txt"
    with out_path.open("w") as out, err_path.open("w") as err:
        proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)],
                                env=env, stdout=out, stderr=err, cwd=PROJECT_ROOT)
    try:
        deadline = time.monotonic() + 300
        while "ready" not in out_path.read_text() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(1.0)
        lines = out_path.read_text().splitlines()
        url = f"http://127.0.0.1:{port}/"
        assert lines == [f"safeguide: web chat ready on {url} (login off); JSON API on {url}api/v1/docs, "
                         f"MCP on {url}gradio_api/mcp/; Ctrl+C stops it"], (lines, err_path.read_text())
        import urllib.request

        with urllib.request.urlopen(f"http://127.0.0.1:{port}/config", timeout=30) as resp:
            assert resp.status == 200
        noise = err_path.read_text()
        assert "DEBUG" not in noise and "Loading weights" not in noise and "\r" not in noise, noise
    finally:
        proc.terminate()
        proc.wait(timeout=60)
