"""The parts of one question share their searches' candidates: each part is reranked over them
all, so a passage one part's search found can answer another part."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from assistant.records import Passage
from assistant.service import Assistant, _ends_in_lead_in
from assistant.understand import Part


def _part(assistant: Assistant, text: str, found: list[Passage]):  # type: ignore[no-untyped-def]
    ctx = assistant._context(Part(text, "fact", None, text, asked=text))
    ctx.candidates = found
    ctx.passages = list(found)
    return ctx


def test_a_part_is_answered_from_a_passage_another_part_found(tiny: Assistant) -> None:
    tiny.retriever.ensure_loaded()
    chunks = {c.paragraph: c for c in tiny.retriever.chunks}
    assessment = Passage(chunks["1"], 1.0, 0)
    ofsted = Passage(chunks["3"], 1.0, 0)
    first = _part(tiny, "Who must the local authority notify of a serious incident?", [assessment])
    second = _part(tiny, "And how should assessments be carried out?", [ofsted])
    pooled = tiny._pooled(first, [first, second], 5)
    assert pooled.passages[0].chunk.paragraph == "3"  # found by the other part's search
    assert [p.chunk.paragraph for p in first.passages] == ["1"]  # the part itself is not changed
    assert any("notify Ofsted" in u.text for u in pooled.units)


def test_a_part_with_nothing_new_from_the_others_is_kept(tiny: Assistant,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    tiny.retriever.ensure_loaded()
    for side in ("preceding", "following"):  # no neighbours either
        monkeypatch.setattr(tiny.retriever, side, lambda c: None)
    chunk = next(c for c in tiny.retriever.chunks if c.paragraph == "3")
    first = _part(tiny, "Who must be notified?", [Passage(chunk, 1.0, 0)])
    second = _part(tiny, "Within how many days?", [replace(first.candidates[0], rank=0)])
    assert tiny._pooled(first, [first, second], 5) is first


def test_a_part_is_answered_from_the_neighbour_of_another_parts_best_passage(tiny: Assistant) -> None:
    """"How do we balance his welfare…, and what support can we offer him?": the paragraph after the
    one that answers the first part answers the second, though no part's search found it."""
    tiny.retriever.ensure_loaded()
    doc = [c for c in tiny.retriever.chunks if c.doc_id == tiny.retriever.chunks[0].doc_id]
    first = _part(tiny, "Who must the local authority notify?", [Passage(doc[0], 1.0, 0)])
    second = _part(tiny, "What else?", [Passage(doc[3], 1.0, 0)])
    pooled = tiny._pooled(second, [first, second], 5)
    found = {p.chunk.chunk_id for p in pooled.passages}
    assert doc[1].chunk_id in found  # printed after the first part's best passage
    assert tiny.retriever.following(doc[0]) == doc[1]


@pytest.mark.parametrize("follows", [True, False])
def test_a_part_searched_with_other_words_judges_its_sentences_by_its_own_words_too(
        tiny: Assistant, follows: bool) -> None:
    # a part that refers back carries the part before's words; one told after a situation, the
    # situation's: either way its sentences are judged by what it asks as much as by its search
    asked = "And how often should it be reviewed?"
    later = Part(asked, "fact", "frequency", f"{asked} allegation staff LADO investigating",
                 asked=asked, follows=follows)
    own = tiny.sentences.embed([asked])[0]
    ctx = tiny._context(later)
    blended = ctx.sentence_query_vector
    assert blended is not None and float(blended @ own) > float(ctx.query_vector @ own) + 0.1
    assert abs(float(np.linalg.norm(blended)) - 1.0) < 1e-5
    # searched with its own words only: one embedder, so its sentences are scored by the search's vector
    assert tiny._context(replace(later, search=asked)).sentence_query_vector is None


def test_a_scenario_reads_on_from_its_first_candidates_into_the_next_chunk(tiny: Assistant) -> None:
    tiny.retriever.ensure_loaded()
    chunks = tiny.retriever.chunks
    doc = [c for c in chunks if c.doc_id == chunks[0].doc_id]
    assert len(doc) >= 4
    found = [Passage(doc[0], 1.0, 0), Passage(doc[1], 0.9, 1), Passage(doc[2], 0.8, 2)]
    joined = tiny._run_on(found, 2)
    # doc[0] runs on into doc[1], already there (not twice); doc[1] brings doc[2], already found;
    # a third candidate's next chunk is not added
    assert [p.chunk.chunk_id for p in joined] == [c.chunk_id for c in doc[:3]]
    alone = tiny._run_on([Passage(doc[2], 1.0, 0), Passage(doc[0], 0.9, 1)], 1)
    assert [p.chunk.chunk_id for p in alone] == [doc[2].chunk_id, doc[3].chunk_id, doc[0].chunk_id]


def test_a_later_part_leans_to_the_chapter_the_first_part_was_answered_from(tiny: Assistant) -> None:
    """Two candidates a later part scores alike: the one in the first part's chapter ranks first."""
    tiny.retriever.ensure_loaded()
    chunk = next(c for c in tiny.retriever.chunks if c.paragraph == "3")
    here = replace(chunk, chunk_id="here", headings=("Chapter 6: Child death reviews", "Process"))
    there = replace(chunk, chunk_id="there", headings=("Chapter 2: Arrangements",))
    first = _part(tiny, "Who must be notified?", [Passage(here, 1.0, 0)])
    later = _part(tiny, "Within how many days?", [Passage(there, 1.0, 0), Passage(here, 1.0, 1)])
    plain = tiny._pooled(later, [first, later], 5)
    assert [p.chunk.chunk_id for p in plain.passages][:2] == ["there", "here"]  # equal scores: search order
    topic = ("working-together-2023", ("Chapter 6: Child death reviews",))
    assert chunk.doc_id == topic[0]
    leaning = tiny._pooled(later, [first, later], 5, topic)
    assert [p.chunk.chunk_id for p in leaning.passages][:2] == ["here", "there"]
    assert leaning.passages[0].score < leaning.passages[1].score  # first, though it scores a little lower


def test_a_chunk_ending_in_a_lead_in_runs_on_into_the_list_it_opens(tiny: Assistant) -> None:
    """"…A local protocol should:" ends one chunk, its items open the next: a list or fact part
    found the lead-in, so the items come too, whatever their own words rank."""
    tiny.retriever.ensure_loaded()
    doc = [c for c in tiny.retriever.chunks if c.doc_id == tiny.retriever.chunks[0].doc_id]
    lead = replace(doc[0], text=f"{doc[0].text.rstrip()} A local protocol should:")
    tiny.retriever.following = lambda c: doc[1] if c.chunk_id == lead.chunk_id else None  # type: ignore[method-assign]
    found = [Passage(lead, 1.0, 0), Passage(doc[2], 0.9, 1)]
    ctx = tiny._context(Part("What should a local protocol set out?", "list", None, "local protocol"))
    joined = tiny._run_on(found, len(found), _ends_in_lead_in)
    assert [p.chunk.chunk_id for p in joined] == [lead.chunk_id, doc[1].chunk_id, doc[2].chunk_id]
    assert ctx.kind == "list"
    plain = tiny._run_on([Passage(doc[2], 1.0, 0)], 1, _ends_in_lead_in)
    assert [p.chunk.chunk_id for p in plain] == [doc[2].chunk_id]


def test_a_part_asking_which_law_gets_the_footnotes_of_its_passages_pages(
        tiny: Assistant, monkeypatch: pytest.MonkeyPatch) -> None:
    """"Which regulations require…?": the law is often named in a footnote printed with the passage."""
    from ingest.segment import FOOTNOTES

    tiny.retriever.ensure_loaded()
    chunk = tiny.retriever.chunks[0]
    note = replace(chunk, chunk_id="note", paragraph=None, headings=(FOOTNOTES,),
                   text="43 Required under the Breaks for Carers of Disabled Children Regulations 2011")
    box = replace(chunk, chunk_id="box", paragraph=None, headings=("A box",))
    monkeypatch.setattr(tiny.retriever, "boxes", lambda c: [note, box] if c.chunk_id == chunk.chunk_id else
                        [])
    found = tiny._footnotes([Passage(chunk, 1.0, 0)], 7)
    assert [(p.chunk.chunk_id, p.rank) for p in found] == [("note", 7)]  # footnotes only, ranked after
    monkeypatch.setattr(tiny.retriever, "search", lambda *a, **k: [Passage(chunk, 1.0, 0)])
    law = tiny._part_evidence(Part("Which regulations require it?", "fact", "law", "regulations require"),
                              tiny.scope("x"), 5, "hybrid")
    plain = tiny._part_evidence(Part("What does it require?", "fact", None, "regulations require"),
                                tiny.scope("x"), 5, "hybrid")
    assert "note" in [p.chunk.chunk_id for p in law.candidates]
    assert "note" not in [p.chunk.chunk_id for p in plain.candidates]
