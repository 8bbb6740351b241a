"""Citation checking after generation (assistant/postcheck.py): pure, no models."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from assistant.postcheck import (
    Source,
    check_answer,
    key_facts_missing,
    markers,
    removal_notice,
    split_sentences,
    strip_markers,
)

S1 = Source(1, ("The maximum timeframe for the assessment to conclude should be no longer than 45 working "
                "days from the point of referral.", "Reasons for delay should be recorded."))
S2 = Source(2, ("The local authority must notify Ofsted of a serious incident within five working days.",
                "The designated safeguarding lead should take lead responsibility for safeguarding."))


def test_split_keeps_markers_with_their_sentence() -> None:
    text = ("An assessment should end within 45 working days. [1] Delays must be recorded [1].\n"
            "- Tell Ofsted [2].")
    assert split_sentences(text) == ["An assessment should end within 45 working days [1].",
                                     "Delays must be recorded [1].", "Tell Ofsted [2]."]
    assert split_sentences("") == [] and split_sentences("[1]") == []
    assert split_sentences("A fact. [1], [2] and [3] Next one [2].") == [
        "A fact [1], [2] and [3].", "Next one [2]."]


def test_markers_forms() -> None:
    assert markers("x [1] y [2, 3] z [Source 4] [1]") == [1, 2, 3, 4]
    assert markers("no citation here") == []
    assert strip_markers("Within 45 days [1].") == "Within 45 days."


def test_supported_sentence_is_kept_with_its_quote() -> None:
    result = check_answer("The assessment should conclude within 45 working days of referral [1].",
                          [S1, S2])
    [s] = result.sentences
    assert (s.status, s.source, s.quote) == ("kept", 1, 0)
    assert result.survived and removal_notice(result) is None


def test_wrong_number_is_replaced_by_the_quote() -> None:
    result = check_answer("The assessment should conclude within 30 working days of referral [1].",
                          [S1, S2])
    [s] = result.sentences
    assert s.status == "replaced" and s.source == 1 and s.quote == 0
    assert "number 30" in s.reason
    assert not result.survived
    assert "replaced by the quoted source text" in (removal_notice(result) or "")


def test_wrong_source_number_is_caught() -> None:
    # right fact, but cites [2], which does not hold 45 working days
    result = check_answer("An assessment should conclude within 45 working days of referral [2].",
                          [S1, S2])
    assert result.sentences[0].status != "kept"


def test_uncited_and_unresolvable_sentences_are_removed() -> None:
    result = check_answer("Assessments are important.\n\nThe local authority must tell Ofsted [7]. "
                          "The local authority must notify Ofsted of a serious incident within five "
                          "working days [2].", [S1, S2])
    assert [s.status for s in result.sentences] == ["removed", "removed", "kept"]
    assert result.sentences[0].reason == "no citation"
    assert "not given" in result.sentences[1].reason
    assert result.count("removed") == 2 and result.checked == 3
    assert "2 sentence(s) removed" in (removal_notice(result) or "")


def test_named_role_must_be_in_the_cited_source() -> None:
    assert key_facts_missing("The social worker should record delays.", S1.text) == ["role social worker"]
    assert key_facts_missing("The DSL takes lead responsibility.", S2.text) == []
    assert key_facts_missing("Notify within 5 working days.", S2.text) == []  # five == 5
    assert key_facts_missing("Notify within five working weeks.", S2.text) == [
        "duration 5 working week"]


def test_low_overlap_is_not_kept() -> None:
    result = check_answer("Children enjoy outdoor play and sport every afternoon [1].", [S1])
    assert result.sentences[0].status == "removed"  # nothing in S1 is close enough to quote
    assert "overlap" in result.sentences[0].reason


@given(st.text(max_size=300))
def test_never_keeps_an_unresolvable_citation(text: str) -> None:
    for s in check_answer(text, [S1, S2]).sentences:
        if s.status != "removed":
            assert s.source in (1, 2) and s.quote is not None


def test_a_citation_covers_the_uncited_sentences_before_it_in_its_paragraph() -> None:
    text = ("The assessment should conclude within 45 working days of referral. "
            "Reasons for delay should be recorded [1].")
    result = check_answer(text, [S1, S2])
    assert [(s.status, s.source) for s in result.sentences] == [("kept", 1), ("kept", 1)]
    strict = check_answer(text, [S1, S2], inherit=False)
    assert [s.status for s in strict.sentences] == ["removed", "kept"]
    # inherited citations are still checked: the wrong number is not kept
    wrong = check_answer("Assessments end within 30 working days. Delays are recorded [1].", [S1])
    assert wrong.sentences[0].status != "kept"
