"""Definition lists read term by term: paragraphs in a row that each open "Term: …"."""

from __future__ import annotations

import numpy as np

from assistant.evidence import AnswerContext, Unit
from assistant.plans import plan
from assistant.terms import asks_for_kinds, term_run
from assistant.text import tokens
from ingest.records import Chunk

HEAD = ("Part one", "Indicators of abuse and neglect")
PARAS = [
    ("23", ("Part one", "Abuse, neglect and exploitation"), "23. If staff are unsure, speak to the DSL."),
    ("24", HEAD, "24. Abuse: a form of maltreatment of a child. Somebody may abuse or neglect a child."),
    ("25", HEAD, "25. Physical abuse: a form of abuse which may involve hitting. It may also be caused "
                 "when a parent fabricates the symptoms of illness."),
    ("26", HEAD, "26. Emotional abuse: the persistent emotional maltreatment of a child."),
    ("26", HEAD, "It may involve conveying to a child that they are worthless."),  # 26 carried on
    ("27", HEAD, "27. Sexual abuse: involves forcing or enticing a child to take part in sexual activities."),
    ("28", HEAD, "28. Neglect: the persistent failure to meet a child's basic needs."),
    ("29", HEAD, "29. All staff should be aware of the indicators."),
]
CHUNKS = [Chunk(f"c{i}", "kcsie-2025", "KCSIE", "kcsie", "2025", 12, 12, para, head, text)
          for i, (para, head, text) in enumerate(PARAS)]


def _following(c: Chunk) -> Chunk | None:
    i = CHUNKS.index(c)
    return CHUNKS[i + 1] if i + 1 < len(CHUNKS) else None


def _preceding(c: Chunk) -> Chunk | None:
    i = CHUNKS.index(c)
    return CHUNKS[i - 1] if i else None


def test_a_run_of_term_paragraphs_is_read_through_its_section_and_no_further() -> None:
    run = term_run(CHUNKS[4], _following, _preceding)  # from a continuation chunk, in the middle
    assert [term for _, _, term in run] == ["Abuse", "Physical abuse", "Emotional abuse", "Sexual abuse",
                                            "Neglect"]
    # each term's own sentence, its paragraph number left for the citation
    assert run[1][0].text[run[1][1].start:run[1][1].end] == (
        "Physical abuse: a form of abuse which may involve hitting.")
    assert term_run(CHUNKS[0], _following, _preceding) == []  # another section
    assert term_run(CHUNKS[7], _following, _preceding) == []  # a numbered paragraph naming no term


def test_fewer_than_three_terms_in_a_row_are_no_list() -> None:
    two = [CHUNKS[1], CHUNKS[2], CHUNKS[7]]
    step = {c.chunk_id: n for c, n in zip(two, two[1:], strict=False)}
    back = {n.chunk_id: c for c, n in zip(two, two[1:], strict=False)}
    assert term_run(two[0], lambda c: step.get(c.chunk_id), lambda c: back.get(c.chunk_id)) == []


def test_the_question_must_ask_for_the_kinds_not_about_one_kind() -> None:
    run = term_run(CHUNKS[1], _following, _preceding)
    assert asks_for_kinds(run, set(tokens("What are the four types of abuse?")))
    assert asks_for_kinds(run, set(tokens("What categories of abuse and neglect are there?")))
    assert not asks_for_kinds(run, set(tokens("What are the types of sexual abuse?")))  # one kind
    assert not asks_for_kinds(run, set(tokens("What are the indicators of abuse?")))  # not the kinds
    # a narrower thing no term names: its own forms are asked for, not the terms'
    narrower = "What are the different forms of child-on-child abuse?"
    assert not asks_for_kinds(run, set(tokens(narrower)), narrower)
    for plain in ("What are the four types of abuse?", "what counts as abuse - what types are there?"):
        assert asks_for_kinds(run, set(tokens(plain)), plain)


def test_a_list_question_answered_from_a_term_paragraph_quotes_every_term() -> None:
    hit = Unit(0, CHUNKS[3], CHUNKS[3].text.index("Emotional"), len(CHUNKS[3].text))
    other = Unit(1, CHUNKS[7], 4, len(CHUNKS[7].text))
    ctx = AnswerContext("What are the types of abuse?", "types of abuse", np.zeros(3), units=[other, hit],
                        scores=np.array([0.5, 0.45]), kind="list", asked="What are the types of abuse?")
    quoted = [u.text for u, _ in plan(ctx, 3, 0.8, following=_following, preceding=_preceding)]
    assert quoted[0] == "Abuse: a form of maltreatment of a child."
    assert [q.split(":")[0] for q in quoted] == ["Abuse", "Physical abuse", "Emotional abuse", "Sexual abuse",
                                                 "Neglect"]
    # without the neighbours to read, the ordinary list plan answers
    assert [u.text for u, _ in plan(ctx, 3, 0.8)][0] == "All staff should be aware of the indicators."


def test_kinds_named_before_a_bare_what_are_they_are_read_from_the_chunk_leading_into_them() -> None:
    intro = CHUNKS[0]  # "23. If staff are unsure…": another section, just before the run
    said = "New supervisor. There are main categories of abuse we need to know about. what are they"
    ctx = AnswerContext("what are they", said, np.zeros(3), units=[Unit(0, intro, 4, len(intro.text))],
                        scores=np.array([0.5]), kind="list", asked="what are they", listed="categories")
    quoted = [u.text.split(":")[0] for u, _ in plan(ctx, 3, 0.8, following=_following,
                                                     preceding=_preceding)]
    assert quoted == ["Abuse", "Physical abuse", "Emotional abuse", "Sexual abuse", "Neglect"]
    # the kinds are not asked for ("what are they" names no plural): the ordinary list plan answers
    plain = AnswerContext("what are they", "new supervisor. what are they", np.zeros(3), units=ctx.units,
                          scores=ctx.scores, kind="list", asked="what are they", listed="")
    assert [u.text for u, _ in plan(plain, 3, 0.8, following=_following, preceding=_preceding)] == [
        "If staff are unsure, speak to the DSL."]
