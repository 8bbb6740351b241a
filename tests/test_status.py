"""`safeguide status` and ingest/status.py: each document indexed, missing, stale or failed."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from assistant import cli
from assistant.settings import Settings
from corpus.manifest import Manifest
from ingest.pipeline import run_ingest
from ingest.status import DocumentStatus, index_status, summary
from tests.conftest import FakeEmbedder, make_pdf
from tests.test_faults import manifest_for

TEXT = {name: [[f"1. The {name} guidance says children must be seen and heard."]]
        for name in ("alpha", "bravo", "charlie", "delta")}


@pytest.fixture
def home(tmp_path: Path) -> Path:
    src = tmp_path / "home" / "corpus"
    src.mkdir(parents=True)
    for name, pages in TEXT.items():
        make_pdf(src / f"{name}.pdf", pages)
    return src


def _by_id(settings: Settings, manifest: Manifest) -> dict[str, DocumentStatus]:
    return {s.doc_id: s for s in index_status(settings, manifest)}


def _later(path: Path) -> None:
    """Give a file an mtime after the last commit, as `corpus sync` writing it afresh would."""
    later = path.stat().st_mtime + 5
    os.utime(path, (later, later))


def test_each_state_with_its_reason(home: Path) -> None:
    settings = Settings(home=home.parent, corpus=home)
    manifest = manifest_for({n: home / f"{n}.pdf" for n in TEXT})
    (home / "charlie.pdf").write_bytes(b"%PDF-1.4 not really")  # corrupt, and not the manifest's
    manifest = manifest.model_copy(update={"documents": [
        d.model_copy(update={"sha256": manifest_for({"c": home / "charlie.pdf"}).documents[0].sha256})
        if d.id == "charlie" else d for d in manifest.documents]})
    (home / "bravo.pdf").unlink()
    delta = (home / "delta.pdf").read_bytes()
    (home / "delta.pdf").unlink()
    run_ingest(settings, manifest, FakeEmbedder())
    (home / "delta.pdf").write_bytes(delta)  # synced after the ingest
    _later(home / "delta.pdf")
    got = _by_id(settings, manifest)
    assert {k: s.state for k, s in got.items()} == {
        "alpha": "indexed", "bravo": "missing", "charlie": "failed", "delta": "stale"}
    assert got["alpha"].chunks == 1 and got["alpha"].pages == 1 and got["alpha"].detail == ""
    assert got["alpha"].indexed_sha256 == got["alpha"].sha256 == got["alpha"].file_sha256
    assert got["bravo"].detail == "bravo.pdf is not synced: run `safeguide corpus sync`"
    assert got["bravo"].chunks == 0 and got["bravo"].file_sha256 is None
    assert "charlie.pdf: not a readable PDF" in got["charlie"].detail and got["charlie"].chunks == 0
    assert got["delta"].detail == "not indexed yet: run `safeguide ingest`"
    assert summary(list(got.values())) == "4 documents: 1 indexed, 1 missing, 1 stale, 1 failed"
    run_ingest(settings, manifest, FakeEmbedder())
    assert _by_id(settings, manifest)["delta"].state == "indexed"


def test_tampered_file_is_stale_then_failed_then_indexed_again(home: Path) -> None:
    settings = Settings(home=home.parent, corpus=home)
    manifest = manifest_for({"alpha": home / "alpha.pdf"})
    official = (home / "alpha.pdf").read_bytes()
    run_ingest(settings, manifest, FakeEmbedder())
    make_pdf(home / "alpha.pdf", [["1. Something else entirely."]])
    _later(home / "alpha.pdf")
    before = _by_id(settings, manifest)["alpha"]
    assert before.state == "stale" and before.chunks == 1
    assert before.detail.startswith("alpha.pdf does not match the manifest (sha256 ")
    assert before.detail.endswith("run `safeguide corpus sync`; the copy indexed earlier is still searched")
    run_ingest(settings, manifest, FakeEmbedder())
    refused = _by_id(settings, manifest)["alpha"]
    assert refused.state == "failed" and refused.chunks == 1 and refused.file_sha256 != refused.sha256
    assert "so it was not indexed; the verified copy indexed earlier is still searched" in refused.detail
    (home / "alpha.pdf").write_bytes(official)  # corpus sync puts the official file back
    _later(home / "alpha.pdf")
    assert _by_id(settings, manifest)["alpha"].state == "indexed"  # the index already holds it


def test_index_built_with_other_settings_is_stale(home: Path) -> None:
    manifest = manifest_for({"alpha": home / "alpha.pdf"})
    run_ingest(Settings(home=home.parent, corpus=home, chunk_max_chars=700), manifest, FakeEmbedder())
    settings = Settings(home=home.parent, corpus=home)
    got = _by_id(settings, manifest)["alpha"]
    other = Settings(home=home.parent, chunk_max_chars=700).index_name()
    assert got.state == "stale" and got.chunks == 0
    assert got.detail == (f"indexed only under other settings (index {other}: another embedding model "
                          "or chunk size): run `safeguide ingest`")


def test_killed_ingest_leaves_the_rest_not_indexed_yet(home: Path) -> None:
    settings = Settings(home=home.parent, corpus=home)
    manifest = manifest_for({"alpha": home / "alpha.pdf", "bravo": home / "bravo.pdf"})
    first = FakeEmbedder()  # counts the embedding calls one document takes, in a scratch home
    run_ingest(Settings(home=home.parent / "scratch"), manifest_for({"alpha": home / "alpha.pdf"}), first,
               source_dir=home)
    with pytest.raises(KeyboardInterrupt):  # stopped after the first document was committed
        run_ingest(settings, manifest, FakeEmbedder(fail_after=first.calls))
    got = _by_id(settings, manifest)
    assert [(s.state, s.chunks) for s in got.values()] == [("indexed", 1), ("stale", 0)]
    assert got["bravo"].detail == "not indexed yet: run `safeguide ingest`"


def _status_cli(home: Path, manifest: Manifest, monkeypatch: pytest.MonkeyPatch,
                *args: str) -> int:
    monkeypatch.setenv("SAFEGUIDE_HOME", str(home.parent))
    monkeypatch.setattr("corpus.manifest.load_manifest", lambda: manifest)
    return cli.main(["status", *args])


def test_cli_status_text_and_json(home: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings(home=home.parent, corpus=home)
    manifest = manifest_for({"alpha": home / "alpha.pdf", "bravo": home / "bravo.pdf"})
    run_ingest(settings, manifest_for({"alpha": home / "alpha.pdf"}), FakeEmbedder())
    assert _status_cli(home, manifest, monkeypatch) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["indexed  alpha     1 chunks",
                     "stale    bravo     0 chunks  not indexed yet: run `safeguide ingest`",
                     f"2 documents: 1 indexed, 1 stale (index {settings.index_name()} in "
                     f"{settings.index_dir})"]
    assert _status_cli(home, manifest, monkeypatch, "--json") == 1
    data = json.loads(capsys.readouterr().out)
    assert data["index"] == settings.index_name() and data["summary"] == "2 documents: 1 indexed, 1 stale"
    assert [(d["doc_id"], d["state"], d["chunks"]) for d in data["documents"]] == [
        ("alpha", "indexed", 1), ("bravo", "stale", 0)]
    run_ingest(settings, manifest, FakeEmbedder())
    assert _status_cli(home, manifest, monkeypatch) == 0


def test_index_holding_another_version_or_an_older_format_is_stale(home: Path) -> None:
    from ingest.index import IndexStore

    settings = Settings(home=home.parent, corpus=home)
    manifest = manifest_for({"alpha": home / "alpha.pdf", "bravo": home / "bravo.pdf"})
    run_ingest(settings, manifest, FakeEmbedder())
    store = IndexStore(settings)
    state = store.load_state()
    state["docs"]["alpha"]["sha256"] = "0" * 64  # e.g. the manifest moved to a corrected file
    del state["docs"]["bravo"]["layout"]  # indexed before the second (pdfium) extraction
    store.commit(state)
    got = _by_id(settings, manifest)
    assert got["alpha"].state == got["bravo"].state == "stale"
    assert got["alpha"].detail == ("the index holds another version (sha256 000000000000…): run "
                                   "`safeguide ingest`; the copy indexed earlier is still searched")
    assert got["bravo"].detail.startswith("indexed in an older page format: run `safeguide ingest`")
    run_ingest(settings, manifest, FakeEmbedder())
    assert {s.state for s in index_status(settings, manifest)} == {"indexed"}
