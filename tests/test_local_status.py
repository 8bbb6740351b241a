"""One status for national and local documents: `ingest.status.index_status` gives each local
document its state (indexed, missing, stale, failed) as it does national ones, and the Documents
panel, `safeguide documents` and `safeguide status` all show those records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.errors import LocalDocumentError
from assistant.webview import render_documents
from corpus.local import files_dir, load_failures, load_registry
from ingest.local import list_documents, remove_document
from ingest.status import index_status, summary
from tests.localdocs import make_docx, make_html, make_markdown
from tests.test_local_docs import QUESTION, _add, _assistant, home  # noqa: F401  (fixture)

NATIONAL = "working-together-2023"


def _states(settings, manifest) -> dict[str, tuple[str, str, int]]:  # type: ignore[no-untyped-def]
    return {s.doc_id: (s.state, s.detail, s.chunks) for s in index_status(settings, manifest)}


def _copy(settings, doc_id: str) -> Path:  # type: ignore[no-untyped-def]
    entry = load_registry(settings).get(doc_id)
    assert entry is not None
    return files_dir(settings) / entry.file


def test_each_local_state_with_its_reason(home, tmp_path: Path) -> None:  # noqa: F811
    settings, manifest, _ = home
    kept = _add(home, make_docx(tmp_path / "kept.docx", title="Kept procedure")).doc
    gone = _add(home, make_markdown(tmp_path / "gone.md"), title="Gone policy").doc
    altered = _add(home, make_html(tmp_path / "altered.html", title="Altered threshold")).doc
    failed = _add(home, make_docx(tmp_path / "changed.docx", title="Changed procedure")).doc
    _copy(settings, gone.id).unlink()
    _copy(settings, altered.id).write_text("<p>saved over</p>", encoding="utf-8")
    (tmp_path / "changed.docx").write_bytes(b"PK\x03\x04 not really a zip")  # the changed file
    with pytest.raises(LocalDocumentError, match="not a readable DOCX"):
        _add(home, tmp_path / "changed.docx")

    got = _states(settings, manifest)
    assert list(got) == [NATIONAL, kept.id, gone.id, altered.id, failed.id]  # national first
    assert got[NATIONAL][:2] == ("indexed", "") and got[kept.id][:2] == ("indexed", "")
    assert got[gone.id][0] == "missing" and f"local/files/{gone.file} is gone" in got[gone.id][1]
    assert got[altered.id][0] == "stale" and "does not match its sha256" in got[altered.id][1]
    assert got[failed.id][0] == "failed"
    assert got[failed.id][1].startswith("the changed changed.docx was not added: changed.docx: ")
    assert "not a readable DOCX" in got[failed.id][1]
    for doc_id in (gone.id, altered.id, failed.id):  # still answered from the copy indexed
        assert got[doc_id][2] > 0 and got[doc_id][1].endswith("the copy indexed earlier is still searched")
    statuses = index_status(settings, manifest)
    assert {s.source for s in statuses if s.doc_id.startswith("local-")} == {"local"}
    assert summary(statuses) == "5 documents (4 local): 2 indexed, 1 missing, 1 stale, 1 failed"
    assert index_status(settings, manifest, local=False)[0].doc_id == NATIONAL
    assert len(index_status(settings, manifest, local=False)) == 1


def test_a_failed_replacement_is_cleared_by_a_good_add_or_remove(home, tmp_path: Path) -> None:  # noqa: F811
    settings, manifest, _ = home
    path = make_docx(tmp_path / "proc.docx")
    doc = _add(home, path).doc
    good = path.read_bytes()
    path.write_bytes(b"")
    with pytest.raises(LocalDocumentError, match="the file is empty"):
        _add(home, path)
    assert _states(settings, manifest)[doc.id][0] == "failed"
    assert not _assistant(home).ask(QUESTION).abstained  # the copy indexed earlier still answers
    path.write_bytes(good)
    assert _add(home, path).status == "unchanged"  # the held file again: nothing to fix
    assert _states(settings, manifest)[doc.id][:2] == ("indexed", "") and not load_failures(settings)
    path.write_bytes(b"")
    with pytest.raises(LocalDocumentError):
        _add(home, path)
    remove_document(settings, doc.id)
    assert doc.id not in _states(settings, manifest) and not load_failures(settings)


def test_a_failed_new_document_leaves_no_row(home, tmp_path: Path) -> None:  # noqa: F811
    settings, manifest, _ = home
    with pytest.raises(LocalDocumentError):
        _add(home, make_docx(tmp_path / "blank.docx", [(1, "Heading only")]))
    assert list(_states(settings, manifest)) == [NATIONAL] and not load_failures(settings)


def test_adding_the_held_file_again_restores_a_missing_or_altered_copy(home, tmp_path: Path) -> None:  # noqa: F811
    """What `status` says to do for a missing or altered copy works."""
    settings, manifest, _ = home
    path = make_docx(tmp_path / "proc.docx")
    doc = _add(home, path).doc
    for spoil in (lambda p: p.unlink(), lambda p: p.write_bytes(b"saved over")):
        spoil(_copy(settings, doc.id))
        state, detail, _ = _states(settings, manifest)[doc.id]
        assert state in ("missing", "stale") and "`safeguide add` proc.docx again" in detail
        assert _add(home, path).status == "unchanged"
        assert _states(settings, manifest)[doc.id][:2] == ("indexed", "")
        assert _copy(settings, doc.id).read_bytes() == path.read_bytes()


def test_local_document_indexed_only_under_other_settings_is_stale(home, tmp_path: Path) -> None:  # noqa: F811
    settings, manifest, _ = home
    doc = _add(home, make_docx(tmp_path / "proc.docx")).doc
    other = settings.model_copy(update={"chunk_max_chars": settings.chunk_max_chars + 100})
    got = _states(other, manifest)
    assert got[doc.id][0] == "stale" and "indexed only under other settings" in got[doc.id][1]
    assert "`safeguide add` proc.docx again" in got[doc.id][1]


def test_documents_rows_carry_the_status_records_states(home, tmp_path: Path) -> None:  # noqa: F811
    """The Documents panel and `documents` show index_status's state for national documents too."""
    settings, manifest, _ = home
    doc = _add(home, make_docx(tmp_path / "proc.docx")).doc
    _copy(settings, doc.id).unlink()
    (settings.corpus_dir / "wt.pdf").unlink()  # the national file is no longer synced
    rows = {r.id: r for r in list_documents(settings, manifest)}
    assert {k: (r.state, r.detail) for k, r in rows.items()} == {
        k: v[:2] for k, v in _states(settings, manifest).items()}
    assert rows[NATIONAL].state == "missing" and "wt.pdf is not synced" in rows[NATIONAL].detail
    assert rows[NATIONAL].chunks and rows[doc.id].state == "missing"
    html = render_documents(list(rows.values()), admin=False)
    assert "<th scope='col'>State</th>" in html and "2 not indexed as held" in html
    assert html.count("sg-state-missing") == 2 and "wt.pdf is not synced" in html


def test_cli_status_and_documents_show_local_documents(home, tmp_path: Path,  # noqa: F811
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    from assistant import cli

    settings, manifest, _ = home
    doc = _add(home, make_docx(tmp_path / "proc.docx")).doc
    monkeypatch.setenv("SAFEGUIDE_HOME", str(settings.home))
    monkeypatch.setattr("corpus.manifest.load_manifest", lambda *a, **k: manifest)
    assert cli.main(["status"]) == 0
    out = capsys.readouterr().out
    assert f"indexed  {doc.id}" in out and "2 documents (1 local): 2 indexed" in out
    _copy(settings, doc.id).unlink()
    assert cli.main(["status", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    (local,) = [d for d in data["documents"] if d["source"] == "local"]
    assert (local["doc_id"], local["state"], local["file"]) == (doc.id, "missing", "proc.docx")
    assert cli.main(["documents"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith(doc.id))
    assert "[local]" in line and "— missing (its copy local/files/" in line
