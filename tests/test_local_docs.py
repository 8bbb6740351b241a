"""Local documents (`safeguide add`, `documents`, `remove`) with fake models: readers, chunking,
the registry, atomic add and remove, scoped answers with local citations, and bad input."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from assistant.errors import LocalDocumentError, UnknownDocument
from assistant.settings import Settings
from corpus.local import load_registry, registry_path
from corpus.manifest import Document, Manifest
from corpus.sync import sha256_of
from ingest.index import IndexStore
from ingest.local import add_document, list_documents, remove_document
from ingest.local_readers import read_local
from ingest.local_segment import segment_local
from ingest.pipeline import run_ingest
from tests.conftest import TINY_PAGES, FakeEmbedder, fake_index, make_pdf
from tests.localdocs import (
    FACT,
    PUBLISHER,
    SECTIONS,
    TITLE,
    make_docx,
    make_html,
    make_local_pdf,
    make_markdown,
)

QUESTION = "How quickly is a strategy discussion held in Northshire?"
MAKERS = {"docx": make_docx, "html": make_html, "pdf": make_local_pdf, "md": make_markdown}


@pytest.fixture
def home(tmp_path: Path) -> tuple[Settings, Manifest, FakeEmbedder]:
    """A two-page fake Working Together indexed with the fake embedder, in its own home."""
    return fake_index(tmp_path / "home", TINY_PAGES, local_beside_threshold=0.5)


def _assistant(home: tuple[Settings, Manifest, FakeEmbedder]):  # type: ignore[no-untyped-def]
    from assistant.service import Assistant

    settings, manifest, emb = home
    return Assistant(settings, manifest=manifest, embedder=emb)


def _snapshot(settings: Settings) -> tuple[bytes, set[str], bytes, list[str]]:
    """What a failed add must leave exactly as it was: state, vectors, registry, stored files."""
    store = IndexStore(settings)
    state = store.state_path.read_bytes()
    ids = set(store.collection(create=True).get(include=[])["ids"])
    reg = registry_path(settings)
    files = sorted(str(p.relative_to(settings.home)) for p in settings.home.rglob("*")
                   if p.is_file() and "chroma" not in p.parts and p.name != ".ingest.lock")
    return state, ids, reg.read_bytes() if reg.is_file() else b"", files


def _add(home, path: Path, **kw):  # type: ignore[no-untyped-def]
    settings, _, emb = home
    kw.setdefault("publisher", PUBLISHER)
    kw.setdefault("published", date(2025, 3, 14))
    return add_document(settings, emb, path, **kw)


# --- readers and chunking -----------------------------------------------------------------
@pytest.mark.parametrize("fmt", sorted(MAKERS))
def test_each_format_chunks_by_its_own_numbering(tmp_path: Path, fmt: str) -> None:
    path = MAKERS[fmt](tmp_path / f"proc.{fmt}")
    text = read_local(path, "local-x", 60)
    doc = Document(id="local-x", file="x", title=TITLE, series="local", edition="March 2025",
                   kind="local-procedure", status="local", numbered_paragraphs=True, sha256="0")
    chunks = segment_local(doc, text.blocks, 1400, 900)
    fact = next(c for c in chunks if FACT in c.text)
    assert fact.paragraph == "4.2" and fact.headings[-1] == "4.2 Timescales"
    assert fact.page_start == (2 if fmt == "pdf" else None)
    assert FACT in "\n".join(p.text for p in text.pages)  # quotes are checked against this text
    assert {c.paragraph for c in chunks} >= {"4.1", "4.2", "5"}
    if fmt != "pdf":
        assert text.title == TITLE
    if fmt == "html":  # navigation, scripts and footers are not document text
        assert not any("Cookies" in c.text or "not text" in c.text for c in chunks)


def test_heading_path_without_numbering(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "p.docx", [(1, "Reporting concerns"), (2, "Out of hours"),
                                            (0, "Call the emergency duty team on the number below.")])
    text = read_local(path, "local-x", 60)
    doc = Document(id="local-x", file="x", title="T", series="local", edition="undated",
                   kind="school-policy", status="local", numbered_paragraphs=True, sha256="0")
    (chunk,) = segment_local(doc, text.blocks, 1400, 900)
    assert chunk.paragraph is None and chunk.headings == ("Reporting concerns", "Out of hours")


# --- add, documents, remove -------------------------------------------------------------------
def test_add_answers_with_a_local_citation_and_remove_takes_it_away(home, tmp_path: Path) -> None:
    assistant = _assistant(home)
    before = assistant.ask(QUESTION)
    assert before.abstained and "Check your local procedures" in before.text
    result = _add(home, make_docx(tmp_path / "northshire.docx"))
    assert result.status == "added" and result.doc.id.startswith("local-referral-and-assessment-")
    ans = assistant.ask(QUESTION)
    assert not ans.abstained and FACT in ans.text
    cite = next(c for c in ans.citations if c.local)
    assert cite.verified and cite.paragraph == "4.2"
    assert cite.where() == ("Local procedure: Northshire Safeguarding Children Partnership, "
                            "Referral and assessment, §4.2, March 2025")
    assert assistant.ask(QUESTION, source="national").abstained
    assert not assistant.ask(QUESTION, source="local").abstained
    remove_document(home[0], result.doc.id)
    after = assistant.ask(QUESTION)
    assert after.abstained and FACT not in after.text
    assert load_registry(home[0]).documents == []
    assert not list((home[0].home / "local" / "files").glob("*"))


def test_pdf_citation_gives_the_page(home, tmp_path: Path) -> None:
    _add(home, make_local_pdf(tmp_path / "northshire.pdf"), title=TITLE)
    ans = _assistant(home).ask(QUESTION, source="local")
    cite = ans.citations[0]
    assert (cite.paragraph, cite.page, cite.verified) == ("4.2", 2, True)
    assert cite.where().endswith("Referral and assessment, §4.2, page 2, March 2025")


def test_statutory_guidance_first_when_both_answer(home, tmp_path: Path) -> None:
    sections = [*SECTIONS, (2, "5.1 Assessments"),
                (0, "In Northshire the assessment is completed within 35 working days of the point of "
                    "referral, sooner than the national maximum.")]
    _add(home, make_docx(tmp_path / "northshire.docx", sections))
    ans = _assistant(home).ask("How long can an assessment take from the point of referral?")
    assert [bool(c.local) for c in ans.citations] == sorted(bool(c.local) for c in ans.citations)
    assert ans.citations[0].doc_id == "working-together-2023" and any(c.local for c in ans.citations)
    assert ans.text.index("45 working days") < ans.text.index("35 working days")
    assert "Your local documents:" in ans.text


def test_same_file_again_changes_nothing(home, tmp_path: Path) -> None:
    path = make_html(tmp_path / "northshire.html")
    first = _add(home, path)
    snap = _snapshot(home[0])
    again = _add(home, path)
    assert again.status == "unchanged" and again.doc.id == first.doc.id
    assert _snapshot(home[0]) == snap


def test_changed_file_replaces_its_chunks(home, tmp_path: Path) -> None:
    path = make_docx(tmp_path / "northshire.docx")
    first = _add(home, path)
    old_ids = set(IndexStore(home[0]).load_state()["docs"][first.doc.id]["chunk_ids"])
    changed = [(lv, t.replace("2 working days", "3 working days")) for lv, t in SECTIONS]
    second = _add(home, make_docx(path, changed))
    assert second.status == "replaced" and second.doc.id == first.doc.id
    new_ids = set(IndexStore(home[0]).load_state()["docs"][first.doc.id]["chunk_ids"])
    gone = old_ids - new_ids  # the changed section's chunk; unchanged ones keep their ids
    assert len(gone) == 1 and len(new_ids - old_ids) == 1
    vectors = set(IndexStore(home[0]).collection().get(include=[])["ids"])
    assert not gone & vectors and new_ids <= vectors  # the old chunk's vector is swept
    ans = _assistant(home).ask(QUESTION, source="local")
    assert "3 working days" in ans.text and "2 working days" not in ans.text
    assert len(load_registry(home[0]).documents) == 1


def test_documents_lists_national_and_local(home, tmp_path: Path) -> None:
    settings, manifest, _ = home
    result = _add(home, make_markdown(tmp_path / "n.md"), kind="threshold")
    rows = list_documents(settings, manifest)
    national = next(r for r in rows if r.id == "working-together-2023")
    assert national.source == "national" and national.in_force.startswith("2023-12-15")
    assert national.chunks and national.chunks > 0
    local = next(r for r in rows if r.id == result.doc.id)
    assert (local.source, local.kind, local.edition, local.sha256) == (
        "local", "threshold", "March 2025", sha256_of(tmp_path / "n.md"))
    assert local.chunks == result.chunks


def test_remove_unknown_or_national_is_one_clear_error(home) -> None:
    settings, manifest, _ = home
    with pytest.raises(UnknownDocument, match="No local document 'local-nope'"):
        remove_document(settings, "local-nope", manifest)
    with pytest.raises(UnknownDocument, match="national guidance"):
        remove_document(settings, "working-together-2023", manifest)


def test_national_ingest_keeps_local_documents(home, tmp_path: Path) -> None:
    settings, manifest, _ = home
    result = _add(home, make_docx(tmp_path / "northshire.docx"))
    report = run_ingest(settings, manifest, FakeEmbedder())
    assert result.doc.id in IndexStore(settings).load_state()["docs"] and not report.removed


# --- dates and scope -----------------------------------------------------------------------
def test_as_of_leaves_out_local_documents_dated_later(home, tmp_path: Path) -> None:
    result = _add(home, make_docx(tmp_path / "northshire.docx"))
    assistant = _assistant(home)
    assert result.doc.id in assistant.scope(QUESTION).local
    assert result.doc.id not in assistant.scope(QUESTION, as_of=date(2024, 1, 10)).local
    assert assistant.ask(QUESTION, as_of=date(2024, 1, 10), source="local").abstained
    assert result.doc.id in assistant.scope(QUESTION, as_of=date(2025, 6, 1)).local


def test_undated_local_documents_ignore_edition_and_date(home, tmp_path: Path) -> None:
    result = _add(home, make_docx(tmp_path / "northshire.docx"), published=None)
    assistant = _assistant(home)
    assert result.doc.edition == "undated"
    assert result.doc.id in assistant.scope(QUESTION, as_of=date(2024, 1, 10)).local
    assert result.doc.id in assistant.scope(QUESTION, edition="2023").local
    cite = assistant.ask(QUESTION, source="local").citations[0]
    assert cite.where().endswith("Referral and assessment, §4.2")


def test_local_source_without_documents_says_so(home) -> None:
    ans = _assistant(home).ask(QUESTION, source="local")
    assert ans.abstained and "No local documents are held" in ans.text


# --- bad input: one clear line, index exactly as it was ----------------------------------------
def _encrypted_pdf(path: Path) -> Path:
    from pypdf import PdfWriter

    make_local_pdf(path.with_suffix(".plain.pdf"))
    writer = PdfWriter(clone_from=path.with_suffix(".plain.pdf"))
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    with path.open("wb") as fh:
        writer.write(fh)
    return path


BAD = {
    "corrupt PDF": (lambda p: _write(p / "bad.pdf", b"%PDF-1.4\n1 0 obj<<>>garbage"), "not a readable PDF"),
    "encrypted PDF": (lambda p: _encrypted_pdf(p / "locked.pdf"), "password-protected"),
    "scanned PDF": (lambda p: make_pdf(p / "scan.pdf", [[], []]), "no text could be extracted"),
    "corrupt DOCX": (lambda p: _write(p / "bad.docx", b"PK\x03\x04 not really a zip"), "not a readable DOCX"),
    "encrypted DOCX": (lambda p: _write(p / "locked.docx", bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 600),
                       "password-protected"),
    "unsupported type": (lambda p: _write(p / "sheet.xlsx", b"PK\x03\x04data"), ".xlsx is not supported"),
    "empty file": (lambda p: _write(p / "empty.docx", b""), "the file is empty"),
    "no text in DOCX": (lambda p: make_docx(p / "blank.docx", [(1, "Heading only")]), "no text found"),
    "non-UTF-8 text": (lambda p: _write(p / "latin.txt", "caf\xe9 policy".encode("latin-1")), "not UTF-8"),
}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_one_clear_line_and_changes_nothing(home, tmp_path: Path, case: str) -> None:
    _add(home, make_docx(tmp_path / "held.docx"))  # the index holds a local document already
    make, message = BAD[case]
    path = make(tmp_path)
    snap = _snapshot(home[0])
    with pytest.raises(LocalDocumentError, match=message) as err:
        _add(home, path)
    assert "\n" not in str(err.value) and path.name in str(err.value)
    assert _snapshot(home[0]) == snap


def test_over_the_size_limit(home, tmp_path: Path) -> None:
    settings, _, emb = home
    path = make_docx(tmp_path / "big.docx")
    snap = _snapshot(settings)
    small = settings.model_copy(update={"max_file_mb": 0.001})
    with pytest.raises(LocalDocumentError, match=r"over the 0 MB limit \(SAFEGUIDE_MAX_FILE_MB\)"):
        add_document(small, emb, path)
    assert _snapshot(settings) == snap


def test_duplicate_title_from_another_file(home, tmp_path: Path) -> None:
    _add(home, make_docx(tmp_path / "northshire.docx"))
    snap = _snapshot(home[0])
    with pytest.raises(LocalDocumentError, match="titled “Referral and assessment” is already held"):
        _add(home, make_html(tmp_path / "other.html"))
    assert _snapshot(home[0]) == snap


NEW = [(1, "2 Early help"), (0, "Early help is offered by the family hub within ten working days of a "
                                 "request for support from any practitioner.")]


def test_failed_embedding_leaves_the_index_exactly_as_it_was(home, tmp_path: Path) -> None:
    settings, _, _ = home
    _add(home, make_docx(tmp_path / "held.docx", title="Held policy"))
    snap = _snapshot(settings)
    with pytest.raises(KeyboardInterrupt):  # stopped after the chunk vectors, before the commit
        add_document(settings, FakeEmbedder(fail_after=1), make_html(tmp_path / "new.html", NEW))
    assert _snapshot(settings) == snap


def test_killed_add_leaves_the_previous_index_answering(home, tmp_path: Path) -> None:
    """A process killed between the index commit and the registry write: the half-added document
    is never searched, and the next command sweeps it."""
    settings, _, emb = home
    path = make_docx(tmp_path / "northshire.docx")
    _add(home, path)
    registry = registry_path(settings).read_bytes()
    registry_path(settings).unlink()  # as if the registry write never happened
    assistant = _assistant(home)
    assert assistant.ask(QUESTION).abstained  # committed in the index, but not held: not searched
    registry_path(settings).write_bytes(registry)
    remove_document(settings, json.loads(registry)["documents"][0]["id"])
    registry_path(settings).unlink()
    _add(home, make_html(tmp_path / "other.html", title="Other"))  # sweeps nothing it should keep
    state = IndexStore(settings).load_state()
    held = [d.id for d in load_registry(settings).documents]
    assert [d for d, i in state["docs"].items() if i.get("local")] == held


def test_cli_bad_file_is_one_line_and_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    from assistant.cli import main

    monkeypatch.setenv("SAFEGUIDE_HOME", str(tmp_path / "home"))
    assert main(["add", str(_write(tmp_path / "sheet.xlsx", b"data"))]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("safeguide: sheet.xlsx: .xlsx is not supported") and "\n" not in err
    assert main(["remove", "local-nope"]) == 2
    assert "No local document 'local-nope'" in capsys.readouterr().err


def test_web_chat_cards_for_a_local_pdf(home, tmp_path: Path) -> None:
    """A local citation gets a card (no publication page link) with its printed page as an image."""
    from assistant.webchat import ChatService

    settings = home[0]
    _add(home, make_local_pdf(tmp_path / "northshire.pdf"), title=TITLE)
    assistant = _assistant(home)
    ans = assistant.ask(QUESTION)
    svc = ChatService(assistant, settings)
    try:
        (view,) = [v for v in svc.views(ans) if v.citation.local]
        assert view.url == "" and FACT in view.chunk_text and view.image
    finally:
        svc.close()
