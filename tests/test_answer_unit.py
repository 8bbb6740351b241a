"""The answer path with fake models: sentence choice, abstention, citation checking."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from assistant.answer import Draft
from assistant.errors import QuestionError
from assistant.evidence import sentence_units
from assistant.service import Assistant, clean_question
from assistant.understand.kinds import answer_shape
from tests.conftest import FakeEmbedder, fake_index

PAGES = [
    ["Chapter 3: Assessment", "1. Assessments should be child centred and holistic.",
     "2. The maximum timeframe for the assessment to conclude should be no longer than",
     "45 working days from the point of referral. Reasons for delay should be recorded."],
    ["3. The local authority must notify Ofsted of a serious incident within five working days.",
     "4. Safeguarding partners are the local authority, the police and the integrated care board."],
]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    settings, manifest, emb = fake_index(tmp_path_factory.mktemp("answer") / "home", PAGES)
    return Assistant(settings, manifest=manifest, embedder=emb)


def test_question_validation() -> None:
    with pytest.raises(QuestionError, match="empty"):
        clean_question(" \t\x00 ", 2000)
    with pytest.raises(QuestionError, match="20,000 characters"):
        clean_question("x" * 20_000, 2000)
    assert clean_question("What\x07 is\n\nthis?", 2000) == "What is this?"


def test_answer_quotes_the_supporting_sentence(assistant: Assistant) -> None:
    ans = assistant.ask("How long can an assessment take from referral?")
    assert not ans.abstained
    assert "45 working days from the point of referral" in ans.citations[0].quote
    assert ans.citations[0].page == 1 and ans.citations[0].page_end == 1
    assert ans.citations[0].paragraph == "2"
    assert ans.citations[0].duty.startswith("should")
    assert all(c.verified for c in ans.citations)
    assert "[1]" in ans.text and "Working Together 2023" in ans.text
    assert ans.edition_used == "Working Together 2023"


def test_abstains_when_nothing_supports(assistant: Assistant) -> None:
    ans = assistant.ask("What colour uniform should a football referee wear?")
    assert ans.abstained and not ans.citations
    assert ans.text.startswith("The guidance here does not answer that.")


def test_failed_quote_is_dropped_and_marked(assistant: Assistant) -> None:
    real = assistant.generator

    class Tamper:
        name = "tamper"

        def generate(self, ctx, passages):  # type: ignore[no-untyped-def]
            draft = real.generate(ctx, passages)
            bad = replace(draft.citations[0], quote="The timeframe is 99 working days.")
            cites = [bad, *draft.citations[1:]]
            body = "“x” [1]\n- “y” [2]" if len(cites) > 1 else "“x” [1]"
            return Draft(body, cites, draft.support)

    assistant.generator = Tamper()
    try:
        ans = assistant.ask("How long can an assessment take from referral?")
    finally:
        assistant.generator = real
    assert all("99 working days" not in c.quote for c in ans.citations)
    if ans.abstained:
        assert "verified" in ans.text
    else:
        assert "removed because the quote was not found" in ans.text
        assert [c.marker for c in ans.citations] == list(range(1, len(ans.citations) + 1))


def test_answer_shape_and_units(assistant: Assistant) -> None:
    assert answer_shape("How long does it take?") == "duration"
    assert answer_shape("Who are the safeguarding partners?") == "who-many"
    assert answer_shape("What is neglect?") is None
    assistant.retriever.ensure_loaded()
    passages, _ = assistant.retrieve(assistant.analyse("notify Ofsted"))
    texts = [u.text for u in sentence_units(passages)]
    assert any(t.startswith("3. The local authority must notify Ofsted") for t in texts)


def test_unknown_edition_is_refused_without_retrieval(assistant: Assistant) -> None:
    ans = assistant.ask("What does Working Together 2031 say about assessments?")
    assert ans.abstained and "no Working Together 2031" in ans.text and not ans.passages


def test_fake_embedder_is_deterministic(fake_embedder: FakeEmbedder, tmp_path: Path) -> None:
    a = fake_embedder.embed(["assessment timescales"])
    b = FakeEmbedder().embed(["assessment timescales"])
    assert (a == b).all() and abs(float((a * a).sum()) - 1.0) < 1e-5


def test_a_refusal_for_want_of_a_quantity_shows_the_nearest_sentence(assistant: Assistant) -> None:
    from assistant.evidence import Unit

    query = assistant.analyse("How many days does Ofsted have to reply?")
    assistant.retriever.ensure_loaded()
    chunk = next(c for c in assistant.retriever.chunks if "notify Ofsted" in c.text)
    start = chunk.text.index("The local authority must notify")
    unit = Unit(0, chunk, start, chunk.text.index("days.", start) + len("days."))
    ans = assistant._abstain(query.question, query.scope, "the guidance here does not set a time limit",
                             [], {}, unit)
    assert ans.abstained and not ans.citations  # context only: nothing is cited as an answer
    assert ("The nearest passage found, which does not answer it: “The local authority must notify Ofsted "
            "of a serious incident within five working days.” (") in ans.text
    assert "page 2" in ans.text
    # a sentence whose words are not on its page as quoted is not shown
    forged = replace(unit, chunk=replace(chunk, text=chunk.text.replace("five", "nine")))
    assert "nearest passage" not in assistant._abstain(query.question, query.scope, "no", [], {}, forged).text


def test_a_refusal_that_names_what_is_not_set_says_it_once(assistant: Assistant) -> None:
    query = assistant.analyse("How many days does Ofsted have to reply?")
    reason = "the guidance here does not set a time limit"
    plain = assistant._abstain(query.question, query.scope, reason, [], {})
    assert plain.text.startswith("The guidance here does not set a time limit.")
    assert plain.text.count("The guidance here") == 1
    weak = assistant._abstain(query.question, query.scope, "no passage in scope supports an answer", [], {})
    assert weak.text.startswith("The guidance here does not answer that. No passage in scope supports")
