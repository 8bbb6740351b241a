"""An answer never claims to have searched an edition the index does not hold: after an ingest is
stopped before KCSIE 2025 is committed, a KCSIE question gets "KCSIE 2025 is not indexed yet"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assistant.service import Assistant
from assistant.settings import Settings
from corpus.manifest import Document, Manifest, load_manifest
from corpus.sync import sha256_of
from ingest.pipeline import run_ingest
from tests.conftest import TINY_PAGES, FakeEmbedder, make_pdf

NOTICE = "KCSIE 2025 is not indexed yet: run `safeguide ingest`."
KCSIE_2024 = [["1. Schools should have appropriate filtering and monitoring systems in place.",
               "2. Governing bodies must ensure staff are trained in safeguarding."]]
KCSIE_2025 = [[*KCSIE_2024[0], "3. Schools should review their filtering and monitoring every year.",
               "4. All staff should read Part one of this guidance and the school's policies."]]


def _doc(doc_id: str, path: Path, series: str, edition: str, kind: str = "statutory-guidance",
         status: str = "in-force") -> Document:
    return Document(id=doc_id, file=path.name, title=f"{doc_id} test", series=series, edition=edition,
                    kind=kind, status=status, numbered_paragraphs=kind != "briefing",  # type: ignore[arg-type]
                    sha256=sha256_of(path))


@pytest.fixture(scope="module")
def stopped(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Manifest]:
    """Briefing, Working Together 2023 and KCSIE 2024 committed; the ingest stopped before KCSIE 2025."""
    root = tmp_path_factory.mktemp("stopped")
    settings = Settings(home=root / "home", abstain_threshold=0.5,
                        abstain_weights={"bias": -3.0, "best": 15.0})
    src = settings.corpus_dir
    src.mkdir(parents=True)
    (src / "wt2018-briefing.txt").write_text("Working Together 2018 puts safeguarding partners in place.")
    docs = [_doc("wt2018-briefing", src / "wt2018-briefing.txt", "working-together", "2018", "briefing",
                 "briefing"),
            _doc("working-together-2023", make_pdf(src / "wt.pdf", TINY_PAGES), "working-together", "2023"),
            _doc("kcsie-2024", make_pdf(src / "k24.pdf", KCSIE_2024), "kcsie", "2024", status="superseded"),
            _doc("kcsie-2025", make_pdf(src / "k25.pdf", KCSIE_2025 * 3), "kcsie", "2025")]
    base = load_manifest()
    manifest = Manifest(series=base.series, editions=base.editions, documents=docs)
    first = FakeEmbedder()  # the embedding calls of everything but KCSIE 2025 (largest, so last)
    run_ingest(Settings(home=root / "scratch"), manifest.model_copy(update={"documents": docs[:3]}),
               first, source_dir=src)
    with pytest.raises(KeyboardInterrupt):
        run_ingest(settings, manifest, FakeEmbedder(fail_after=first.calls))
    return settings, manifest


@pytest.fixture(scope="module")
def assistant(stopped: tuple[Settings, Manifest]) -> Assistant:
    settings, manifest = stopped
    answer_me = Assistant(settings, manifest=manifest, embedder=FakeEmbedder())
    assert answer_me.retriever.store.load_state()["docs"].keys() == {
        "wt2018-briefing", "working-together-2023", "kcsie-2024"}
    return answer_me


def test_kcsie_question_says_kcsie_2025_is_not_indexed(assistant: Assistant) -> None:
    answer = assistant.ask("What does KCSIE say about filtering and monitoring?")
    assert answer.abstained and not answer.citations
    assert answer.text.startswith(NOTICE) and "Searched" not in answer.text
    assert answer.not_indexed == ["kcsie-2025"] and answer.index_notice == NOTICE
    data = answer.as_json()
    assert data["not_indexed"] == ["kcsie-2025"] and data["index_notice"] == NOTICE
    assert data["edition_used"] == ""


def test_indexed_old_edition_is_answered_and_the_unindexed_current_one_named(
        assistant: Assistant) -> None:
    """KCSIE 2024 is indexed, so it is answered; what KCSIE 2025 (current) says of the quote cannot
    be checked, and the answer says why (before, reading its pages stopped the answer)."""
    answer = assistant.ask("What does KCSIE 2024 say about filtering and monitoring?")
    assert not answer.abstained and {c.doc_id for c in answer.citations} == {"kcsie-2024"}
    assert answer.not_indexed == [] and answer.index_notice == ""
    assert ("[1] quotes KCSIE 2024, which is no longer in force; KCSIE 2025 (current) is not indexed "
            "yet, so its wording was not checked: run `safeguide ingest`.") in answer.notices


def test_answer_from_what_is_indexed_names_what_is_not(assistant: Assistant) -> None:
    """No edition named: WT 2023 and KCSIE 2025 are in scope, only WT 2023 is indexed."""
    answer = assistant.ask("How long can an assessment take?")
    assert not answer.abstained and {c.doc_id for c in answer.citations} == {"working-together-2023"}
    assert NOTICE in answer.notices and NOTICE in answer.text
    assert answer.not_indexed == ["kcsie-2025"]


def test_abstention_lists_only_what_was_searched(assistant: Assistant) -> None:
    answer = assistant.ask("What is the rule on school uniform colours?")
    assert answer.abstained
    assert "Searched: Working Together 2023." in answer.text and NOTICE in answer.text
    assert answer.edition_used == "Working Together 2023"


def test_what_changed_needs_both_editions_indexed(assistant: Assistant) -> None:
    answer = assistant.ask("What changed in KCSIE 2025?")
    assert answer.abstained and answer.text.startswith(NOTICE) and answer.generator != "compare"


def test_cli_and_web_show_the_notice(assistant: Assistant) -> None:
    from assistant.webview import render_message

    answer = assistant.ask("What does KCSIE say about filtering and monitoring?")
    assert "KCSIE 2025 is not indexed yet" in render_message(answer, [])
    answered = assistant.ask("How long can an assessment take?")
    assert render_message(answered, []).count("KCSIE 2025 is not indexed yet") == 1


def test_full_ingest_removes_the_notice(stopped: tuple[Settings, Manifest], tmp_path: Path) -> None:
    settings, manifest = stopped
    home = settings.model_copy(update={"home": tmp_path / "home"})
    home.corpus_dir.mkdir(parents=True)
    for doc in manifest.documents:
        (home.corpus_dir / doc.file).write_bytes((settings.corpus_dir / doc.file).read_bytes())
    run_ingest(home, manifest, FakeEmbedder())
    answer: Any = Assistant(home, manifest=manifest, embedder=FakeEmbedder()).ask(
        "What does KCSIE say about filtering and monitoring?")
    assert not answer.abstained and answer.not_indexed == [] and "not indexed" not in answer.text
    assert {c.doc_id for c in answer.citations} == {"kcsie-2025"}
