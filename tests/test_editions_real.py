"""Edition intelligence on the real corpus: compare KCSIE 2024 -> 2025, renames, supersession, dates."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from typing import Any

import pytest

from assistant.settings import Settings

pytestmark = [pytest.mark.integration, pytest.mark.slow]

# A sample of KCSIE 2025's own Annex F ("Table of changes from KCSIE September 2024 version"):
# 2025 paragraph -> words its entry says were added (+) or removed (-).
ANNEX_F_SAMPLE = {
    "135": ("+", "misinformation"),
    "177": ("+", "statutory"),
    "199": ("+", "kinship"),
    "205": ("-", "spectrum"),
    "260": ("-", "TRA"),
    "266": ("+", "Check a teacher's record"),
    "319": ("-", "Employer Secure Access"),
    "545": ("+", "Shore Space"),
}


@pytest.fixture(scope="module")
def compare_json(real_index: Settings) -> dict[str, Any]:
    env = {"SAFEGUIDE_HOME": str(real_index.home), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-m", "assistant.cli", "compare", "kcsie", "2024", "2025",
                          "--json"], capture_output=True, text=True, env=env, timeout=600, check=True)
    return json.loads(out.stdout)


def test_compare_agrees_with_the_editions_own_table_of_changes(compare_json: dict[str, Any]) -> None:
    by_new = {c["new"]["paragraph"]: c for c in compare_json["changes"] if c["new"]}
    for para, (side, words) in ANNEX_F_SAMPLE.items():
        change = by_new.get(para)
        assert change and change["kind"] == "changed" and not change["minor"], para
        op = "insert" if side == "+" else "delete"
        changed = " ".join(d["text"] for d in change["diff"] if d["op"] == op).replace("’", "'")
        assert words in changed, (para, change["inline"])
        cites = change["citations"]
        assert cites["old"]["edition"] == "2024" and cites["new"]["edition"] == "2025"
        assert cites["old"]["verified"] and cites["new"]["verified"]
    check = compare_json["table_check"]
    assert check["listed"] >= 20 and check["agreement"] >= 0.85
    # renumbering after the removed paragraphs is recognised, not reported as a change
    assert compare_json["counts"]["renumbered"] > 300


def test_compare_one_paragraph_and_a_topic(real_index: Settings) -> None:
    from assistant.service import Assistant

    assistant = Assistant(real_index)
    cmp = assistant.changes.comparison("kcsie", "2024", "2025")
    one = assistant.changes.report(cmp, paragraph="147")  # 2024 numbering: now paragraph 144
    assert [c.new.paragraph for c in one.changes if c.new] == ["144"]
    assert "taking appropriate action to meet" in one.changes[0].added_words
    topic = assistant.changes.report(cmp, topic="kinship care virtual school heads")
    assert topic.changes and topic.changes[0].new and topic.changes[0].new.paragraph == "199"


def test_what_changed_question_is_answered_by_the_comparison(real_assistant: Any) -> None:
    answer = real_assistant.ask("What changed in KCSIE 2025 about misinformation?")
    assert answer.generator == "compare" and not answer.abstained
    assert "para 135" in answer.text and "{+" in answer.text
    assert {c.edition for c in answer.citations} == {"2024", "2025"}
    assert all(c.verified for c in answer.citations)


def test_briefing_only_edition_change_is_answered_from_the_briefing(real_assistant: Any) -> None:
    answer = real_assistant.ask("What changed in Working Together 2018 about serious case reviews?")
    assert not answer.abstained and answer.generator != "compare"
    assert {c.doc_id for c in answer.citations if c.role == "answer"} <= {"wt2018-briefing"}
    assert "briefing that summarises it" in answer.text


def test_as_of_dates_pick_the_edition_in_force(real_assistant: Any) -> None:
    q = "What should schools and colleges do about the cyber security standards?"
    before = real_assistant.ask(q, as_of=date(2025, 6, 1))
    after = real_assistant.ask(q, as_of=date(2025, 10, 1))
    assert {c.doc_id for c in before.citations if c.role == "answer"} == {"kcsie-2024"}
    assert {c.doc_id for c in after.citations if c.role == "answer"} == {"kcsie-2025"}


def test_outdated_term_is_explained_with_verified_citations(real_assistant: Any) -> None:
    answer = real_assistant.ask("What are LSCBs responsible for now?")
    assert not answer.abstained and "Outdated term: “LSCBs”" in answer.text
    renames = [c for c in answer.citations if c.role == "rename"]
    assert {c.doc_id for c in renames} == {"wt2018-briefing", "working-together-2023"}
    assert all(c.verified for c in answer.citations)
    assert any("safeguarding partner" in c.quote.lower() for c in answer.citations if c.role == "answer")


def test_a_renamed_term_the_current_guidance_still_uses_is_not_called_gone(real_assistant: Any) -> None:
    # KCSIE 2025 still points to "Contextual Safeguarding", renamed in Working Together in 2020
    answer = real_assistant.ask("What does contextual safeguarding mean?")
    assert "Renamed term: “contextual safeguarding” became assessment of risk outside the home" in answer.text
    assert "still uses the old term" in answer.text and "no longer used" not in answer.text
    assert any(c.role == "rename" and c.verified for c in answer.citations)


def test_every_rename_is_stated_in_the_corpus(real_assistant: Any) -> None:
    from assistant.renames import load_renames, rename_citation

    for rename in load_renames():
        cite = rename_citation(rename, real_assistant.retriever, real_assistant.manifest, 1)
        assert cite is not None and cite.verified, rename.quote


def test_quote_from_superseded_kcsie_2024_carries_the_current_wording(real_assistant: Any) -> None:
    answer = real_assistant.ask("What online content risks did KCSIE 2024 list, such as fake news?")
    assert any(c.doc_id == "kcsie-2024" and c.role == "answer" for c in answer.citations)
    notice = next(n for n in answer.notices if "now superseded" in n)
    assert "KCSIE 2025 (current) changed it" in notice and "{+" in notice
    current = [c for c in answer.citations if c.role == "supersession"]
    assert current and current[0].doc_id == "kcsie-2025" and current[0].verified
    assert f"[{current[0].marker}]" in notice


def test_unchanged_wording_is_shown_by_the_same_sentence_of_the_current_edition(real_assistant: Any) -> None:
    """A KCSIE 2024 quote whose wording 2025 keeps: the card quotes that sentence in 2025, not the
    passage's first one (a bare lead-in, "The designated safeguarding lead should:", before)."""
    answer = real_assistant.ask("Under KCSIE 2024, how often did DSL training need to be updated?")
    assert any("keeps this wording unchanged" in n for n in answer.notices)
    current = [c for c in answer.citations if c.role == "supersession"]
    assert current and all(c.doc_id == "kcsie-2025" and c.verified for c in current)
    assert not any(c.quote.rstrip().endswith(":") for c in current), [c.quote for c in current]
    old_words = {w for c in answer.citations if c.role == "answer" for w in c.quote.lower().split()}
    assert all(len(set(c.quote.lower().split()) & old_words) >= 8 for c in current)


def test_briefing_quote_points_to_the_nearest_current_wording(real_assistant: Any) -> None:
    answer = real_assistant.ask("What did Working Together 2018 say about serious case reviews?")
    notice = next(n for n in answer.notices if "closest wording in Working Together 2023" in n)
    current = [c for c in answer.citations if c.role == "supersession"]
    assert current and all(c.doc_id == "working-together-2023" and c.verified for c in current)
    assert f"[{current[0].marker}]" in notice
    assert not any("**" in c.quote for c in answer.citations)  # briefing markdown is not quoted
    assert len({c.quote for c in answer.citations}) == len(answer.citations)  # no quote twice


def test_compare_without_full_texts_is_one_clear_line(real_index: Settings) -> None:
    env = {"SAFEGUIDE_HOME": str(real_index.home), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-m", "assistant.cli", "compare", "working together", "2018",
                          "2023"], capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 2 and out.stderr.startswith("safeguide: ")
    assert "Working Together 2018 is not held" in out.stderr and "briefing" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
