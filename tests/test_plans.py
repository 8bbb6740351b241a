"""Answer plans on hand-made chunks: whole lists, whole sentences, steps in order, gaps named."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from assistant.answer import display, gap_reason
from assistant.evidence import AnswerContext, Unit, sentence_units
from assistant.plans import (
    FOOTNOTES,
    carried_lead,
    complete,
    fragment,
    plan,
    section_run,
    shape_gap,
    unit_bonus,
    unused_term,
)
from assistant.records import Passage
from assistant.service import _on_topic
from assistant.understand import Part
from assistant.understand.kinds import ANSWER_SHAPES, CHANGES_ASKED, defined_term
from assistant.understand.options import offered_names
from ingest.records import Chunk
from ingest.segment import split_sentences

LIST_TEXT = ("47. They have been named because they are able to:\n"
             "• speak with authority for the safeguarding partner they represent\n"
             "• take decisions on behalf of their organisation or agency and commit them on policy,\n"
             "resourcing, and practice matters\n"
             "• hold their own organisation or agency to account on how effectively they participate\n"
             "and implement the local arrangements")
STEPS_TEXT = ("If staff have any concerns about a child’s welfare, they should act on them immediately. "
              "They should speak to the designated safeguarding lead. "
              "Anyone can make a referral. "
              "If a child is in immediate danger, a referral should be made to children’s social care "
              "and/or the police immediately.")


def _chunk(text: str, cid: str = "c1") -> Chunk:
    return Chunk(cid, "working-together-2023", "WT", "working-together", "2023", 26, 26, "47", (), text)


def _loose(text: str, cid: str = "c1") -> Chunk:
    """A chunk that is no numbered paragraph (an annex's text): a list in it is not quoted whole."""
    return replace(_chunk(text, cid), paragraph=None)


def _unit(chunk: Chunk, needle: str, rank: int = 0) -> Unit:
    start = chunk.text.index(needle)
    return Unit(rank, chunk, start, start + len(needle))


def _ctx(units: list[Unit], scores: list[float], kind: str, shape: str | None = None) -> AnswerContext:
    return AnswerContext("q", "query words", np.zeros(3), units=units, scores=np.array(scores),
                         kind=kind, shape=shape)


def test_a_list_item_brings_its_lead_in_and_every_sibling() -> None:
    chunk = _chunk(LIST_TEXT)
    whole, cut = complete(_unit(chunk, "take decisions on behalf"))
    assert not cut
    assert whole.text.startswith("They have been named because they are able to:")
    assert whole.text.endswith("implement the local arrangements")
    shown = display(whole.text)
    assert shown.count("\n• ") == 3 and "commit them on policy, resourcing" in shown


def test_a_lead_in_is_never_quoted_without_its_items() -> None:
    chunk = _chunk(LIST_TEXT)
    whole, _ = complete(_unit(chunk, "They have been named because they are able to:"))
    assert "hold their own organisation" in whole.text


def test_a_sentence_leaning_on_the_one_before_gets_it() -> None:
    chunk = _chunk("The assessment should conclude within 45 working days. This timeframe may be "
                   "exceeded only in exceptional cases.")
    whole, _ = complete(_unit(chunk, "This timeframe may be exceeded"))
    assert whole.text.startswith("The assessment should conclude within 45 working days.")


@pytest.mark.parametrize("opening", ["Alternatively,", "Similarly,", "For example,",
                                     "In such circumstances,", "In particular,", "Some of these"])
def test_a_sentence_opening_with_a_connective_gets_the_one_before(opening: str) -> None:
    # "Alternatively, the person could be released under investigation": alternative to what?
    chunk = _chunk(f"The person may be released on police bail with conditions. {opening} the person "
                   "could be released under investigation.")
    whole, _ = complete(_unit(chunk, f"{opening} the person could be released"))
    assert whole.text.startswith("The person may be released on police bail with conditions.")


def test_fragments_are_recognised() -> None:
    assert fragment("local authorities, chief officers of police,")
    assert fragment("whether legal action is required and")
    assert fragment("the following:")
    assert not fragment("The initial conference should take place within 15 working days.")


def test_procedure_steps_put_immediate_danger_first_and_skip_non_steps() -> None:
    chunk = _chunk(STEPS_TEXT)
    units = [_unit(chunk, s) for s in (
        "If staff have any concerns about a child’s welfare, they should act on them immediately.",
        "They should speak to the designated safeguarding lead.",
        "Anyone can make a referral.",
        "If a child is in immediate danger, a referral should be made to children’s social care "
        "and/or the police immediately.")]
    steps = plan(_ctx(units, [0.9, 0.8, 0.85, 0.7], "procedure"), 3, 0.9)
    texts = [u.text for u, _ in steps]
    assert texts[0].startswith("If a child is in immediate danger")
    assert not any(t == "Anyone can make a referral." for t in texts)  # says what may happen, not a step
    assert any("designated safeguarding lead" in t for t in texts)


def test_a_footnote_is_never_a_procedure_step() -> None:
    note = Chunk("n", "working-together-2023", "WT", "working-together", "2023", 122, 122, None,
                 (FOOTNOTES,), "169 Probation practitioners are expected to attend formal meetings.")
    body = _chunk(STEPS_TEXT)
    units = [_unit(note, note.text), _unit(body, "They should speak to the designated safeguarding lead.")]
    steps = plan(_ctx(units, [0.9, 0.8], "procedure"), 3, 0.5)
    assert [u.chunk.chunk_id for u, _ in steps] == ["c1"]


def test_a_quantity_no_sentence_states_is_a_gap() -> None:
    chunk = _chunk("Social workers should have manageable caseloads. Supervision supports practice.")
    units = [_unit(chunk, "Social workers should have manageable caseloads."),
             _unit(chunk, "Supervision supports practice.")]
    ctx = _ctx(units, [0.8, 0.4], "fact", shape="number")
    ctx.question = "What is the maximum caseload for a social worker?"
    assert shape_gap(ctx)
    assert "does not set a number or limit" in gap_reason(ctx)
    ctx.shape = None
    assert not shape_gap(ctx)


def test_a_paragraph_s_number_or_another_thing_s_quantity_is_no_count_of_what_is_asked() -> None:
    """"What's the maximum number of families one lead practitioner should hold?": a paragraph's
    number, and 45 working days in a sentence that mentions the family, count no families."""
    first = "120. A lead practitioner should co-ordinate the activity around the family."
    second = "The lead practitioner agrees with the family, within 45 working days, what help is needed."
    chunk = _chunk(f"{first}\n{second}")
    ctx = _ctx([_unit(chunk, first), _unit(chunk, second)], [0.8, 0.7], "fact", shape="number")
    ctx.question = "What's the maximum number of families one lead practitioner should hold?"
    ctx.counted = "families"
    assert shape_gap(ctx)
    held = _chunk("A lead practitioner should hold no more than 12 families at a time.")
    ctx.units, ctx.scores = [_unit(held, held.text)], np.array([0.8])
    assert not shape_gap(ctx)  # the number counts the families


def test_a_quantity_stated_for_another_body_than_the_one_named_is_a_gap() -> None:
    # "What's the NICCO helpline number?": the number printed for another team answers nothing
    other = _chunk("Requests can be made to the Unwanted Prisoner Contact Team on 0300 060 6699.")
    ctx = _ctx([_unit(other, other.text)], [0.8], "fact", shape="phone")
    ctx.question, ctx.named = "What's the NICCO helpline number?", (("NICCO",),)
    assert shape_gap(ctx)
    assert gap_reason(ctx).startswith("The guidance here does not give a phone number for this")
    ctx.named = ()
    assert not shape_gap(ctx)
    # the body named by its acronym, its known spelling or words whose initials spell it
    for text in ("NICCO runs a line on 0808 2000 247.",
                 "The National Information Centre on Children of Offenders runs a line on 0808 2000 247."):
        named = _chunk(text)
        ctx.units, ctx.named = [_unit(named, text)], (("NICCO",),)
        assert not shape_gap(ctx)
    refuge = _chunk("Refuge runs the National Domestic Abuse Helpline on 0808 2000 247.")
    ctx.units, ctx.named = [_unit(refuge, refuge.text)], (("DA", "domestic abuse"),)
    assert not shape_gap(ctx)
    assert ANSWER_SHAPES["phone"].search("0808 2000 247") and ANSWER_SHAPES["phone"].search("call 999 now")
    assert not ANSWER_SHAPES["phone"].search("159 National information centre")  # a footnote's number
def _asked_about(text: str, asked: str) -> AnswerContext:
    chunk = _chunk(text)
    ctx = _ctx([_unit(chunk, text)], [0.6], "definition")
    ctx.question = ctx.asked = asked
    ctx.defined = defined_term(asked)  # as the question-analysis stage reads it
    ctx.offered = offered_names(asked)
    ctx.candidates = [Passage(chunk, 0.5, 0)]
    return ctx


def test_a_term_no_passage_mentions_in_any_spelling_cannot_be_defined() -> None:
    mash = "What's a MASH (multi-agency safeguarding hub)?"
    ctx = _asked_about("Multi-agency safeguarding arrangements (MASAs) help share information.", mash)
    assert unused_term(ctx) == "MASH"
    assert gap_reason(ctx) == "The guidance searched never mentions “MASH”."
    # the spelt-out form is mentioned: the guidance may say what it is
    assert unused_term(_asked_about("A multi-agency safeguarding hub brings teams together.", mash)) is None
    # a quoted term, and a term's first words: what follows them is the asker's context
    assert unused_term(_asked_about("Early help means providing support as soon as a problem emerges.",
                                    "What is meant by 'early help' for school staff?")) is None
    assert unused_term(_asked_about("Practice supervisors support social workers.",
                                    "What is a practice supervisor in a local authority?")) is None
    ctx = _asked_about("Practice supervisors support social workers.", "What is a practice supervisor?")
    ctx.kind = "fact"  # only a definition part asks what a term is
    assert unused_term(ctx) is None


def test_an_age_question_is_answered_by_an_age_not_by_any_number() -> None:
    chunk = _chunk("There are three types of kinship care arrangement. Private fostering is when a child "
                   "under the age of 16 is cared for by someone who is not a close relative.")
    units = [_unit(chunk, "There are three types of kinship care arrangement.")]
    ctx = _ctx(units, [0.8], "fact", shape="age")
    ctx.question = "At what age can a child be left home alone?"
    assert shape_gap(ctx)  # "three types" states no age
    assert "does not set an age" in gap_reason(ctx)
    ctx.units = [_unit(chunk, "Private fostering is when a child under the age of 16 is cared for by someone "
                              "who is not a close relative.")]
    assert not shape_gap(ctx)
    age = ANSWER_SHAPES["age"]
    assert all(age.search(t) for t in ("aged 16 and 17", "a 15-year-old", "under 18", "their 18th birthday",
                                       "up to the age of 25"))
    assert not any(age.search(t) for t in ("within 45 working days", "paragraph 18", "three partners"))


def test_a_time_that_runs_until_an_event_answers_how_long() -> None:
    chunk = _chunk("Low-level concerns should be recorded in writing. It is recommended that the record is "
                   "retained at least until the individual leaves their employment.")
    units = [_unit(chunk, "Low-level concerns should be recorded in writing."),
             _unit(chunk, "It is recommended that the record is retained at least until the individual "
                          "leaves their employment.")]
    ctx = _ctx(units, [0.8, 0.6], "fact", shape="duration")
    assert not shape_gap(ctx)  # "until the individual leaves" states how long
    ctx.units = units[:1]
    ctx.scores = np.array([0.8])
    assert shape_gap(ctx)


def test_written_answers_get_the_plan_one_line_per_part() -> None:
    from assistant.generators.base import build_messages, prompt_sources

    chunk = _chunk(STEPS_TEXT)
    step = _unit(chunk, "They should speak to the designated safeguarding lead.")
    plan_ = [("Who do I tell?", [step]), ("How long does the assessment take?", [])]
    sources = prompt_sources(_ctx([step], [0.9], "fact"), plan_)
    prompt = build_messages("Who do I tell, and how long does the assessment take?", sources, plan_)[0]
    assert "Source [1]: They should speak to the designated safeguarding lead." in prompt["content"]
    assert "1. Who do I tell?" in prompt["content"]
    assert "2. How long does the assessment take? (no source answers this: say so)" in prompt["content"]


def test_a_list_item_is_scored_with_its_lead_in_words() -> None:
    """"meet within 10 working days" answers "when does the core group first meet" only with its
    lead-in ("The core group should:"), which carries the subject."""
    from assistant.evidence import sentence_units
    from assistant.records import Passage

    chunk = _chunk("The members of the core group should:\n• meet within 10 working days of the conference\n"
                   "• record decisions and actions agreed at core group meetings")
    units = sentence_units([Passage(chunk, 1.0, 0)])
    item = next(u for u in units if u.text.startswith("meet"))
    assert item.lead == "The members of the core group should:"
    assert next(u for u in units if u.text.startswith("The members")).lead == ""


def test_a_directory_entry_is_scored_with_its_heading() -> None:
    """KCSIE's Annex B lists documents under a heading that names their matter ("Children with family
    members in prison" over "National Information Centre on Children of Offenders – Barnardo's…"):
    the entry is scored with that heading; prose under a heading, and a page's footnotes, are not."""
    from assistant.evidence import sentence_units
    from assistant.records import Passage

    def units(text: str, headings: tuple[str, ...]) -> list[Unit]:
        chunk = replace(_chunk(text), headings=headings)
        return sentence_units([Passage(chunk, 1.0, 0)])

    entry = ("National Information Centre on Children of Offenders – Barnardo’s in partnership with\n"
             "HM Prison and Probation Service")
    assert [u.lead for u in units(entry, ("Annex B", "Children with family members in prison"))] == [
        "Children with family members in prison"]
    prose = "Children with a family member in prison are at risk of poor outcomes. Staff should be alert."
    assert {u.lead for u in units(prose, ("Children with family members in prison",))} == {""}
    assert {u.lead for u in units(entry, ("Footnotes and boxes",))} == {""}


def test_a_short_lead_in_with_its_list_is_a_unit() -> None:
    """"The conference chair:" is too short to quote alone, but with its items it is the answer to
    "what does the chair do?"; a short line with no list after it is still left out."""
    from assistant.evidence import sentence_units
    from assistant.records import Passage

    chunk = _chunk("The conference chair:\n• is accountable to the Director of Children’s Services\n"
                   "• should meet the child and parents in advance\nSee annex.")
    texts = [u.text for u in sentence_units([Passage(chunk, 1.0, 0)])]
    lead = next(t for t in texts if t.startswith("The conference chair:"))
    assert "meet the child and parents in advance" in lead
    assert "See annex." not in texts


def test_a_definition_is_the_defining_sentence_run_on_through_its_paragraph() -> None:
    """"Radicalisation 150 is…" defines a word of the question even mid-unit; a sentence that
    only mentions the word ("It is important staff understand consent") does not."""
    text = ("Extremism is opposition to fundamental values\nRadicalisation 150 is the process of a "
            "person legitimising support for terrorist violence. It can happen online. "
            "Staff should be alert to changes in behaviour.\n• a list item that is left out")
    chunk = _chunk(text)
    other = _chunk("It is important that school staff understand radicalisation risks well.", "c2")
    units = [_unit(other, other.text), _unit(chunk, text[:text.index(" It can")])]
    ctx = AnswerContext("What is radicalisation?", "radicalisation", np.zeros(3), units=units,
                        scores=np.array([0.45, 0.40]), kind="definition")
    [(unit, _)] = plan(ctx, 2, 0.9)
    assert unit.chunk.chunk_id == "c1"
    assert unit.text.endswith("changes in behaviour.")  # run on; the list item is not


def _defined(question: str, chunk: Chunk, first: str) -> Unit:
    """The one stretch a definition part quotes when `first` (in `chunk`) is its only sentence."""
    ctx = AnswerContext(question, question.lower().rstrip("?"), np.zeros(3), units=[_unit(chunk, first)],
                        scores=np.array([0.5]), kind="definition")
    [(unit, _)] = plan(ctx, 1, 0.9)
    return unit


def test_a_definition_ending_in_a_lead_in_runs_on_into_its_items() -> None:
    """"The term 'low-level' concern does not mean…. A low-level concern is any concern… that an
    adult… may have acted in a way that:" is finished by its items, not cut at the colon."""
    text = ("430. The term ‘low-level’ concern does not mean that it is insignificant. A low-level "
            "concern is any concern that an adult may have acted in a way that:\n"
            "• is inconsistent with the staff code of conduct, and\n"
            "• does not meet the harm threshold.\n"
            "Examples of such behaviour could include being over friendly with children.")
    chunk = _chunk(text)
    first = text[:text.index(" A low-level")]
    unit = _defined("What is a low-level concern?", chunk, first)
    assert unit.text.endswith("does not meet the harm threshold.")
    assert "Examples" not in unit.text
    # a lead-in whose list would make the quote too long still ends the definition before it
    long_items = "".join(f"• item number {n} of a long list of behaviours to watch\n" for n in range(20))
    chunk = _chunk(text.split("\n")[0] + "\n" + long_items)
    assert _defined("What is a low-level concern?", chunk, first).text.endswith("insignificant.")


def test_a_sentence_saying_what_a_term_is_defined_as_beats_one_saying_what_it_is() -> None:
    said = _chunk("2. Safeguarding and promoting the welfare of children is everyone’s responsibility.")
    text = ("3. Safeguarding and promoting the welfare of children is defined for the purposes of this "
            "guidance as:\n• providing help and support to meet the needs of children\n"
            "• protecting children from maltreatment")
    defined = _chunk(text, "c2")
    units = [_unit(said, said.text), _unit(defined, text)]
    ctx = AnswerContext("What is meant by safeguarding and promoting the welfare of children?",
                        "safeguarding promoting welfare children", np.zeros(3), units=units,
                        scores=np.array([0.53, 0.50]), kind="definition")
    [(unit, _)] = plan(ctx, 1, 0.9)
    assert unit.chunk.chunk_id == "c2" and unit.text.endswith("from maltreatment")


def test_a_sentence_pointing_to_a_definition_is_not_the_definition() -> None:
    pointer = _chunk("The full legal definition of regulated activity is set out in Schedule 4 of the Act. "
                     "See page 67 for further information about regulated activity.")
    defining = _chunk("Regulated activity includes teaching, training or caring for children if the person "
                      "is unsupervised.", "c2")
    legal = "The full legal definition of regulated activity is set out in Schedule 4 of the Act."
    see = "See page 67 for further information about regulated activity."
    units = [_unit(pointer, legal), _unit(pointer, see), _unit(defining, defining.text)]
    ctx = AnswerContext("What does regulated activity mean?", "regulated activity", np.zeros(3), units=units,
                        scores=np.array([0.52, 0.51, 0.50]), kind="definition")
    [(unit, _)] = plan(ctx, 2, 0.9)
    assert unit.chunk.chunk_id == "c2"


@pytest.mark.parametrize("pointer", ["Additional information is available here: Contextual Safeguarding.",
                                     "Further advice for schools is available at the unit's website."])
def test_a_sentence_saying_where_more_is_available_is_not_the_definition(pointer: str) -> None:
    points = _chunk(pointer)
    defining = _chunk("Contextual safeguarding looks at where harm happens outside the home, such as in "
                      "peer groups.", "c2")
    units = [_unit(points, pointer), _unit(defining, defining.text)]
    ctx = AnswerContext("What is contextual safeguarding?", "contextual safeguarding", np.zeros(3),
                        units=units, scores=np.array([0.52, 0.50]), kind="definition")
    [(unit, _)] = plan(ctx, 2, 0.9)
    assert unit.chunk.chunk_id == "c2"


def test_a_list_running_onto_the_next_page_is_quoted_a_page_at_a_time() -> None:
    from dataclasses import replace as _replace

    from assistant.answer import page_pieces

    text = ("They should:\n• see the child within a timescale\n• interview the family.\n"
            "• record the decisions\nand then agree the plan")
    turn = text.index("• interview")
    chunk = _replace(_chunk(text), page_end=27, page_breaks=(turn,))
    pieces = page_pieces(Unit(0, chunk, 0, len(text)))
    assert [p.text for p in pieces] == [text[:turn].strip(), text[turn:].strip()]
    assert [chunk.page_at(p.start) for p in pieces] == [26, 27]
    mid = _replace(chunk, page_breaks=(text.index("and then"),))  # a sentence that turns the page
    assert page_pieces(Unit(0, mid, 0, len(text))) == [Unit(0, mid, 0, len(text))]


@pytest.mark.parametrize(("text", "best", "opening", "ending"), [
    # the best sentence comes before a lead-in: the list it leads to comes with it
    ("The UK GDPR gives individuals specific rights over their data. In summary the rights are:\n"
     "• the right of subject access\n• the right to object.\nFurther information is online.",
     "The UK GDPR gives individuals specific rights over their data.", "The UK GDPR", "the right to object."),
    # an item's further sentence (Working Together 2023: "• may request information … process. The
    # person or organisation must comply…"): its item and list come with it
    ("Safeguarding partners:\n• should publish their arrangements\n• may request information from any "
     "person. The person must comply with the request.\n• should report yearly.",
     "The person must comply with the request.", "Safeguarding partners:", "should report yearly."),
])
def test_a_list_answer_quotes_the_list_its_best_sentence_belongs_to(text: str, best: str, opening: str,
                                                                   ending: str) -> None:
    unit = _unit(_chunk(text), best)
    whole, cut = complete(unit, lists=True)
    assert whole.text.startswith(opening) and whole.text.endswith(ending)
    assert not cut
    assert complete(unit)[0].text == unit.text  # a fact answer quotes the sentence alone


def test_a_list_answer_takes_the_sentences_that_go_on_from_its_best_sentence() -> None:
    # "what kinds of sports providers are there?": the kinds go on in the sentence after
    best = "There are many sports clubs, including voluntary and private sector providers."
    chunk = _loose(f"{best} Some of these will be community amateur sports clubs, some will be charities. "
                   "Staff need training.")
    ctx = _ctx([_unit(chunk, best)], [0.6], "list")
    text = plan(ctx, 1, 0.9)[0][0].text
    assert text.endswith("some will be charities.")


def test_flowchart_boxes_rank_below_the_guidance_text() -> None:
    from dataclasses import replace as _replace

    box = _replace(_chunk("The lead practitioner convenes a strategy discussion quickly.", "c2"),
                   headings=("Flow chart 5: Action following a strategy meeting",))
    text = _chunk("The lead practitioner should convene the strategy discussion.")
    ctx = _ctx([_unit(box, box.text), _unit(text, text.text)], [0.52, 0.50], "fact")
    assert plan(ctx, 1, 0.9)[0][0].chunk.chunk_id == "c1"


def test_a_case_study_story_ranks_below_the_guidance_but_a_numbered_paragraph_after_it_does_not() -> None:
    story = replace(_chunk("The teachers and parents did not view the video, and this was explained to "
                           "the girl.", "c2"), paragraph=None,
                    headings=("Part five", "Case study"))
    guidance = _chunk("Staff should not view or forward the images.")
    ctx = _ctx([_unit(story, story.text), _unit(guidance, guidance.text)], [0.60, 0.48], "fact")
    assert plan(ctx, 1, 0.5)[0][0].chunk.chunk_id == "c1"
    # the box's heading runs on over the numbered paragraphs after it: they are guidance again
    after = replace(_chunk("537. Victims may not disclose the whole picture immediately.", "c3"),
                    headings=("Part five", "Case study"))
    ctx = _ctx([_unit(after, after.text), _unit(guidance, guidance.text)], [0.60, 0.48], "fact")
    assert plan(ctx, 1, 0.5)[0][0].chunk.chunk_id == "c3"


def test_a_line_of_a_table_of_changes_ranks_below_the_guidance_unless_changes_are_asked() -> None:
    note = replace(_chunk("Page 40 Para 143 – Link added to the plan technology for your school service.",
                          "c2"), paragraph=None,
                   headings=("Annex F: Table of changes from KCSIE September", "Part two"))
    guidance = _chunk("Governing bodies should ensure appropriate filtering and monitoring is in place.")
    units = [_unit(note, note.text), _unit(guidance, guidance.text)]
    ctx = AnswerContext("What must schools do about filtering?", "filtering", np.zeros(3), units=units,
                        scores=np.array([0.60, 0.50]), kind="fact")
    assert plan(ctx, 1, 0.5)[0][0].chunk.chunk_id == "c1"
    updated = "What was updated about filtering?"
    ctx = AnswerContext(updated, "filtering", np.zeros(3), units=units, scores=np.array([0.60, 0.50]),
                        kind="fact", changes=bool(CHANGES_ASKED.search(updated)))  # as analysis reads it
    assert plan(ctx, 1, 0.5)[0][0].chunk.chunk_id == "c2"


def test_a_sentence_leaning_on_a_list_item_brings_the_list() -> None:
    text = ("Some meanings of consent include:\n• being upfront and honest with families. This is "
            "good practice whenever it is safe.\nThis does not equate to obtaining consent. "
            "Practitioners should record their decisions.")  # prose after a list starts a line
    chunk = _chunk(text)
    whole, _ = complete(_unit(chunk, "This is good practice whenever it is safe."))
    assert whole.text.startswith("Some meanings of consent include:")
    assert whole.text.endswith("This is good practice whenever it is safe.")


def test_each_piece_on_the_page_is_kept_when_a_stretch_crosses_a_layout_block() -> None:
    from types import SimpleNamespace

    from assistant.answer import ExtractiveGenerator
    from ingest.records import Page

    text = ("This is good practice in every case. This does not equate to obtaining consent from "
            "individuals to share their information for data protection purposes.")
    layout = ("This is good practice in every case.\n‖\nThis does not equate to obtaining consent from "
              "individuals to share their information for data protection purposes.")
    chunk = _chunk(text)
    page = Page(chunk.doc_id, 26, text, layout=layout)
    fake = SimpleNamespace(pages=lambda doc_id: [page])
    spans = ExtractiveGenerator._fit(fake, Unit(0, chunk, 0, len(text)))  # type: ignore[arg-type]
    assert [text[a:b] for a, b in spans] == ["This is good practice in every case.",
                                             text[text.index("This does not"):]]


def _split_pages(text: str, turn: int) -> tuple[Chunk, list[tuple[int, int]]]:
    """A chunk whose page 26 turns to page 27 at `turn` (each page's text its own layout block),
    and the spans `_fit` quotes of the whole of it."""
    from dataclasses import replace as _replace
    from types import SimpleNamespace

    from assistant.answer import ExtractiveGenerator
    from ingest.records import Page

    chunk = _replace(_chunk(text), page_end=27, page_breaks=(turn,))
    pages = [Page(chunk.doc_id, 26, text[:turn], layout=text[:turn]),
             Page(chunk.doc_id, 27, text[turn:], layout=text[turn:])]
    fake = SimpleNamespace(pages=lambda doc_id: pages)
    return chunk, ExtractiveGenerator._fit(fake, Unit(0, chunk, 0, len(text)))  # type: ignore[arg-type]


def test_a_list_turning_the_page_mid_item_is_quoted_a_piece_a_page() -> None:
    text = ("A joint agency response is required if a child's death:\n• is or could be due to external "
            "causes\n• is sudden and there is no apparent cause (including sudden\nunexpected death)\n"
            "• occurs in custody\n• occurs in a stillbirth")
    turn = text.index("unexpected death)")
    chunk, spans = _split_pages(text, turn)
    # the lead-in with the items wholly on its page; the item that turns the page as its part on
    # each page (nothing left out); then the items on the next page
    assert [text[a:b] for a, b in spans] == [text[:text.index("\n• is sudden")],
                                             "• is sudden and there is no apparent cause (including sudden",
                                             text[turn:]]
    assert [chunk.page_at(a) for a, _ in spans] == [26, 26, 27]


def test_a_sentence_turning_the_page_is_quoted_page_by_page_on_one_line() -> None:
    """The sentence's part on each page is a quote a reader finds there; the answer shows the two
    on one line, each cited to its page. A sentence running into a box on its page is still cut."""
    from dataclasses import replace as _replace
    from types import SimpleNamespace

    from assistant.answer import ExtractiveGenerator, turns_page
    from ingest.records import Page

    text = ("Housing and other parts of the council have a duty to co-operate, provided that this is "
            "compatible with their own duties and does not interfere with the\nperformance of their "
            "own functions. Health bodies should follow their own standards.")
    turn = text.index("performance")
    chunk, spans = _split_pages(text, turn)
    assert [text[a:b] for a, b in spans] == [text[:turn].strip(), text[turn:]]
    first, then = (Unit(0, chunk, a, b) for a, b in spans)
    assert turns_page(first, then) and not turns_page(then, first)
    whole = Unit(0, chunk, 0, text.index("functions.") + len("functions."))
    assert not turns_page(whole, Unit(0, chunk, text.index("Health"), len(text)))  # a sentence ends
    listed = _replace(_chunk("The assessment should consider:\n• the victim\n• other victims"),
                      page_breaks=(32,))
    lead, items = Unit(0, listed, 0, 31), Unit(0, listed, 32, len(listed.text))
    assert turns_page(lead, items)  # a lead-in whose items are on the next page
    # a box glued to the page's foot: the sentence is cut at its clause, as before
    boxed = [Page(chunk.doc_id, 26, text[:turn], layout=text[:text.index(" and does not")] + "\n‖\nBox"),
             Page(chunk.doc_id, 27, text[turn:], layout=text[turn:])]
    spans = ExtractiveGenerator._fit(SimpleNamespace(pages=lambda doc_id: boxed),  # type: ignore[arg-type]
                                     Unit(0, chunk, 0, len(text)))
    assert text[spans[0][0]:spans[0][1]] == "Housing and other parts of the council have a duty to co-operate"
    assert text[spans[-1][0]:spans[-1][1]] == "Health bodies should follow their own standards."


def test_the_two_pages_of_a_sentence_are_one_step_of_the_answer() -> None:
    from dataclasses import replace as _replace

    from assistant.answer import ExtractiveGenerator, PartAnswer
    from corpus.manifest import load_manifest

    text = ("Staff should tell the designated safeguarding lead at\nonce. Then they should record it.")
    turn = text.index("once.")
    chunk = _replace(_chunk(text), doc_id="working-together-2023", page_end=27, page_breaks=(turn,))
    gen = ExtractiveGenerator.__new__(ExtractiveGenerator)
    gen.manifest, gen.pages, gen.following = load_manifest(), None, None
    units = [(Unit(0, chunk, 0, turn - 1), False), (Unit(0, chunk, turn, turn + 5), False),
             (Unit(0, chunk, text.index("Then"), len(text)), False)]
    found = PartAnswer(_ctx([], [], "procedure"), units, 0.5)
    lines = gen._lines(found, [])
    assert lines == ["The guidance's steps, in its order:",
                     "1. “Staff should tell the designated safeguarding lead at” [1] “once.” [2]",
                     "2. “Then they should record it.” [3]"]


def test_a_list_or_a_definition_split_between_chunks_carries_on_into_the_next() -> None:
    from dataclasses import replace as _replace

    from assistant.plans import continuation

    first = _chunk("The core group should:\n• meet within 10 working days\n• agree the plan")
    rest = _replace(_chunk("• record decisions at each meeting\n• review the plan.\nOther text follows.",
                           "c2"), headings=first.headings)
    listed = Unit(0, first, 0, len(first.text))
    more = continuation(listed, rest, "list", set())
    assert more is not None and more.text.endswith("review the plan.")
    assert "Other text" not in more.text
    assert continuation(Unit(0, first, 0, 20), rest, "list", set()) is None  # not at the end
    assert continuation(listed, None, "list", set()) is None
    # the chunk ends mid-item: the item's last sentence opens the next chunk, then the list goes on
    tail = _replace(_chunk("Where one agency acts at once, a discussion follows.\n• see the child\n"
                           "• obtain legal advice.\nOther text follows.", "c4"), headings=first.headings)
    more = continuation(listed, tail, "procedure", set())
    assert more is not None and more.text.startswith("Where one agency")
    assert more.text.endswith("legal advice.")
    # an item's own further sentences go on with the list (WT 2023 para 222's designated practitioner)
    further = _replace(_chunk("• a designated practitioner (or named practitioners). Their role is to "
                              "support others. Roles should be defined.\n• safe recruitment practices\n"
                              "• a culture of safety.\nOther text follows.", "c6"),
                       headings=first.headings)
    more = continuation(listed, further, "list", set())
    assert more is not None and more.text.endswith("• a culture of safety.")
    prose = _replace(_chunk("The plan ends here. It is reviewed.\n• an unrelated list", "c5"),
                     headings=first.headings)
    assert continuation(Unit(0, _chunk("The core group should meet."), 0, 27), prose, "list", set()) is None

    # a resource directory split between chunks of one section: the next chunk's entries go on
    directory = _chunk("Rape Crisis – For advice.\nNICE guidance – Contains information.\n"
                       "HSB toolkit – Designed for parents.")
    entries_on = _replace(_chunk("Beyond Referrals – Provides a school toolkit.\nStop It Now – Provides a "
                                 "guide for\nparents and professionals.", "c7"), headings=directory.headings)
    whole = Unit(0, directory, 0, len(directory.text))
    more = continuation(whole, entries_on, "list", set())
    assert more is not None and more.text == entries_on.text
    assert continuation(whole, entries_on, "fact", set()) is None  # only a list asked for
    other = _replace(entries_on, headings=("Annex B", "Toolkits"))
    assert continuation(whole, other, "list", set()) is None  # another section's directory
    prose_on = _replace(_chunk("The guidance also covers toolkits.", "c8"), headings=directory.headings)
    assert continuation(whole, prose_on, "list", set()) is None

    entry = _chunk("Coercive control - a form of domestic abuse.")
    on = _replace(_chunk("Coercive control is a pattern of abuse on two or more occasions. "
                         "Corporate parenting is a duty of the council.", "c3"), headings=entry.headings)
    defined = Unit(0, entry, 0, len(entry.text))
    more = continuation(defined, on, "definition", {"coerciv", "control"})
    assert more is not None
    assert more.text == "Coercive control is a pattern of abuse on two or more occasions."
    assert continuation(defined, on, "definition", {"parent"}) is None  # the next entry's term
    assert continuation(defined, on, "fact", {"coerciv"}) is None


def test_a_procedure_step_in_a_short_numbered_paragraph_brings_the_whole_paragraph() -> None:
    chunk = _chunk("Schools should obtain written information from the provider that checks were made. "
                   "This includes written confirmation that the provider will tell the school of any "
                   "staff changes.")
    steps = plan(_ctx([_unit(chunk, "Schools should obtain written information")], [0.9], "procedure"),
                 2, 0.9)
    assert len(steps) == 1 and steps[0][0].text.endswith("of any staff changes.")
    fact = plan(_ctx([_unit(chunk, "Schools should obtain written information")], [0.9], "fact"), 2, 0.9)
    assert fact[0][0].text.endswith("of any staff changes.")  # a short paragraph is the unit cited


def test_a_fact_in_a_numbered_paragraph_of_a_few_sentences_is_quoted_with_the_whole_paragraph() -> None:
    """A paragraph of about 950 characters is one a reader cites whole: the fact's neighbours
    ("In particular, foreign visits can enrich the languages curriculum…") go with it."""
    text = ("Schools and colleges often arrange exchange visits, either to other parts of the UK or abroad. "
            "Exchanges can benefit learning across a range of subjects. In particular, foreign visits can "
            "enrich the languages curriculum and provide exciting opportunities for pupils to develop their "
            "confidence and expertise in the use of other languages. Schools should consider the "
            "suitability of the adults in the host families who will be responsible for the visiting "
            "child during the stay, and should plan how the visiting child will be supported. The "
            "arrangements should be agreed with parents before the exchange visit takes place. Where a "
            "school arranges for a visiting child to stay with a family in the UK, the adults in that "
            "family will be in regulated activity for the length of the stay, so the school should obtain "
            "an enhanced DBS certificate with barred list information for each of them well beforehand.")
    assert 900 < len(text) < 1000
    chunk = _chunk(text)
    best = _unit(chunk, "Exchanges can benefit learning across a range of subjects.")
    fact = plan(_ctx([best], [0.9], "fact"), 2, 0.9)
    assert "enrich the languages curriculum" in fact[0][0].text
    assert fact[0][0].text.endswith("for each of them well beforehand.")  # the whole paragraph


def test_a_fact_in_a_long_numbered_paragraph_is_its_own_sentence_and_overlaps_are_quoted_once() -> None:
    long = _chunk("Schools should keep the record for six months. " + "Records may be kept on paper. " * 40)
    fact = plan(_ctx([_unit(long, "Schools should keep the record for six months.")], [0.9], "fact"), 2, 0.9)
    assert [u.text for u, _ in fact] == ["Schools should keep the record for six months."]
    short = _chunk("Schools need not keep copies. A copy that is kept should not be kept for more than "
                   "six months.")
    both = [_unit(short, "Schools need not keep copies."), _unit(short, "A copy that is kept")]
    fact = plan(_ctx([replace(both[1], end=len(short.text)), both[0]], [0.9, 0.85], "fact"), 2, 0.8)
    assert [u.text for u, _ in fact] == [short.text]  # the whole paragraph once, not twice


def test_a_fact_brings_the_sentences_after_it_that_go_on_from_it() -> None:
    """"What should be put in place…?" → the sentence, and what it "may involve" (KCSIE 2025's
    footnote on a sole proprietor's DSL): at most FOLLOW_SENTENCES, not past a new thought."""
    text = ("When a school has a sole proprietor, steps should be taken to ensure the DSL can act "
            "independently. This may involve written confirmation that the DSL can contact the LADO. "
            "Consideration could also be given to external advice. Such steps are reviewed yearly. "
            "Governors meet termly.")
    chunk = replace(_chunk(text), paragraph=None)
    fact = plan(_ctx([_unit(chunk, "When a school has a sole proprietor, steps should be taken to ensure the "
                                   "DSL can act independently.")], [0.9], "fact"), 2, 0.9)
    assert [u.text for u, _ in fact] == [text[:text.index(" Consideration")]]  # "Consideration…" is new
    again = plan(_ctx([_unit(chunk, "Consideration could also be given to external advice."),
                       _unit(chunk, "Such steps are reviewed yearly.")], [0.9, 0.85], "fact"), 2, 0.8)
    # "Such steps…" goes on from the first; reached again, the stretch is quoted once
    assert [u.text for u, _ in again] == ["Consideration could also be given to external advice. "
                                          "Such steps are reviewed yearly."]


def test_a_fact_does_not_go_on_into_a_lead_in_it_cannot_quote_the_list_of() -> None:
    """"…should decide next steps. This will include determining whether:" leans back, but it opens
    a list: quoted alone, it dangles; the fact stops before it."""
    text = ("Within one working day the manager should decide next steps and the type of response "
            "required. This will include determining whether:")
    chunk = replace(_chunk(text), paragraph=None)
    fact = plan(_ctx([_unit(chunk, text[:text.index(" This")])], [0.9], "fact"), 2, 0.9)
    assert [u.text for u, _ in fact] == [text[:text.index(" This")]]


def test_support_is_judged_on_the_asked_words_not_the_situation_details() -> None:
    from assistant.evidence import support_features
    from assistant.records import Passage

    chunk = _chunk("Low-level concerns about contractors should be notified to their employers.")
    units = [_unit(chunk, "Low-level concerns about contractors")]
    ctx = AnswerContext("What do we do with a low-level concern about a contractor?",
                        "the chef asked her for her snapchat low-level concern contractor", np.zeros(3),
                        idf={"chef": 9.0, "snapchat": 9.0, "low": 2.0, "level": 2.0, "concern": 1.0,
                             "contractor": 3.0},
                        units=units, scores=np.array([0.4]), kind="procedure",
                        asked="What do we do with a low-level concern about a contractor?")
    passages = [Passage(chunk, 0.5, 0)]
    asked = support_features(ctx, passages)
    assert asked["rare_missing"] == 0.0 and asked["passage_coverage"] > 0.9
    ctx_whole = AnswerContext(ctx.question, ctx.query, np.zeros(3), idf=ctx.idf, units=units,
                              scores=np.array([0.4]), kind="procedure")  # no asked clause: the whole
    whole = support_features(ctx_whole, passages)
    assert whole["rare_missing"] == 1.0 and whole["passage_coverage"] < 0.5


def test_a_lead_in_scored_with_its_first_items_is_not_taken_for_a_fragment() -> None:
    text = ("Areas that may be concerning and lead to further probing include:\n"
            "• implication that adults and children are equal\n"
            "• lack of recognition and/or understanding of the vulnerability of children")
    chunk = _chunk(text)
    lead = Unit(0, chunk, 0, text.index("understanding of") + len("understanding of"))  # cut for scoring
    other = _unit(_chunk("Other policies should set out the procedure for responding to reports.", "c2"),
                  "Other policies should set out the procedure for responding to reports.")
    chosen = plan(_ctx([lead, other], [0.253, 0.25], "list"), 1, 0.8)
    assert chosen[0][0].text.startswith("Areas that may be concerning")
    assert chosen[0][0].text.endswith("the vulnerability of children")


def test_a_later_part_prefers_a_sentence_no_earlier_part_quoted() -> None:
    from assistant.answer import _prefer_unquoted

    chunk = replace(_chunk("A DPIA is a risk assessment process. A DPIA must be completed before the "
                           "sharing commences."), paragraph=None)  # unnumbered: sentences, not the paragraph
    defining = _unit(chunk, "A DPIA is a risk assessment process.")
    timing = _unit(chunk, "A DPIA must be completed before the sharing commences.")
    later = _ctx([defining, timing], [0.60, 0.55], "fact")
    _prefer_unquoted(later, [defining])  # the first part quoted the definition
    assert plan(later, 1, 0.9)[0][0].text.startswith("A DPIA must be completed")
    fresh = _ctx([defining, timing], [0.60, 0.55], "fact")
    _prefer_unquoted(fresh, [])
    assert plan(fresh, 1, 0.9)[0][0].text.startswith("A DPIA is a risk")


def test_a_later_part_leans_to_the_sentence_after_one_an_earlier_part_quoted() -> None:
    from assistant.answer import _prefer_unquoted

    chunk = replace(_chunk("A DPIA is a risk assessment process. You may build on an existing DPIA. "
                           "Seek advice from the Data Protection Officer."), paragraph=None)
    defining = _unit(chunk, "A DPIA is a risk assessment process.")
    after = _unit(chunk, "You may build on an existing DPIA.")
    apart = _unit(chunk, "Seek advice from the Data Protection Officer.")
    later = _ctx([defining, apart, after], [0.60, 0.56, 0.54], "fact")
    _prefer_unquoted(later, [defining])  # the first part quoted the definition
    assert plan(later, 1, 0.9)[0][0].text.startswith("You may build on")
    elsewhere = _ctx([apart, after], [0.56, 0.54], "fact")
    other = _chunk("Another passage entirely.", "c9")
    _prefer_unquoted(elsewhere, [_unit(other, "Another passage entirely.")])
    assert plan(elsewhere, 1, 0.9)[0][0].text.startswith("Seek advice")


def test_a_list_question_prefers_the_sentence_that_brings_the_list() -> None:
    text = ("Children with SEND can face additional safeguarding challenges. Policies should reflect "
            "that additional barriers can exist. These can include:\n"
            "• assumptions that indicators relate to the child’s condition\n"
            "• communication barriers")
    chunk = _chunk(text)
    challenges = _unit(chunk, "Children with SEND can face additional safeguarding challenges.")
    barriers = _unit(chunk, "Policies should reflect that additional barriers can exist.")
    chosen = plan(_ctx([challenges, barriers], [0.42, 0.40], "list"), 1, 0.8)
    assert chosen[0][0].text.endswith("communication barriers")
    assert "These can include:" in chosen[0][0].text
    as_fact = plan(_ctx([challenges, barriers], [0.42, 0.40], "fact"), 1, 0.8)
    assert as_fact[0][0].text.startswith("Children with SEND")


def test_a_number_of_something_else_does_not_answer_how_many() -> None:
    chunk = _chunk("The initial child protection conference should take place within 15 working days "
                   "of a strategy discussion. Parents should be given notice of the conference.")
    units = [_unit(chunk, "The initial child protection conference should take place within 15"),
             _unit(chunk, "Parents should be given notice of the conference.")]
    ctx = _ctx(units, [0.8, 0.6], "fact", shape="number")
    ctx.question = "How many working days' notice do parents get before the conference?"
    ctx.counted = "notice"
    assert shape_gap(ctx)  # 15 working days is not a notice period
    ctx.counted = ""
    assert not shape_gap(ctx)
    ctx.counted, ctx.question = "conference", "How many days until the conference?"
    assert not shape_gap(ctx)


def test_a_hyphenated_word_broken_at_a_line_end_is_shown_whole() -> None:
    assert display("with day-to-\nday operational and multi-\nagency work") == (
        "with day-to-day operational and multi-agency work")
    assert display("children -\nBut a dash before a capital stays a dash") == (
        "children - But a dash before a capital stays a dash")


def test_support_takes_the_whole_question_when_the_asked_words_lean_on_the_situation() -> None:
    from assistant.evidence import support, support_features, support_probability
    from assistant.records import Passage

    chunk = _chunk("Staff should never promise a child that they will not tell anyone about a report.")
    units = [_unit(chunk, "Staff should never promise a child")]
    weights = {"bias": -0.5, "passage_coverage": 1.6, "unit_coverage": 1.6, "rare_missing": -0.7}
    ctx = AnswerContext("Can I agree to keep it secret?",
                        "a pupil asks me to promise not to tell anyone can i agree to keep it secret",
                        np.zeros(3), idf={"promise": 5.0, "tell": 2.0, "anyone": 2.0, "secret": 6.0,
                                          "agre": 3.0, "keep": 2.0, "pupil": 2.0, "ask": 1.0},
                        units=units, scores=np.array([0.4]), kind="fact",
                        asked="Can I agree to keep it secret?")
    passages = [Passage(chunk, 0.5, 0)]
    by_asked = support_probability(support_features(ctx, passages), weights)
    by_whole = support_probability(support_features(ctx, passages, whole=True), weights)
    assert by_whole > by_asked  # "promise … tell anyone" is what the passage answers
    assert support(ctx, passages, weights) == by_whole


def test_a_lead_in_that_names_what_the_list_question_asks_for_comes_first() -> None:
    other = _chunk("Schools must maintain a single central record of their staff.", "c0")
    text = ("The record must indicate whether the following checks have been carried out:\n"
            "• an identity check\n"
            "• a barred list check")
    chunk = _chunk(text)
    record = _unit(other, "Schools must maintain a single central record of their staff.")
    lead_in = _unit(chunk, "The record must indicate whether the following checks have been carried out:")
    ctx = _ctx([record, lead_in], [0.46, 0.40], "list")
    assert plan(ctx, 2, 0.8)[0][0].text.startswith("Schools must")  # nothing named: the best first
    ctx.listed = "checks"
    assert plan(ctx, 2, 0.8)[0][0].text.endswith("a barred list check")
    bonus = unit_bonus(ctx)  # passages are ordered by the same bonus before the plan sees them
    assert bonus is not None and bonus(lead_in) > bonus(record)
    assert unit_bonus(_ctx([record], [0.4], "fact")) is None


def test_the_noun_a_list_question_asks_for_is_read_once() -> None:
    from assistant.understand.kinds import listed

    assert listed("Which checks does the single central record have to show?") == "checks"
    assert listed("What are the important considerations for the DSL?") == "considerations"
    assert listed("How long does an assessment take?") == ""


def test_a_procedure_prefers_the_steps_listed_for_the_role_asked_about() -> None:
    lead = _chunk("Lead practitioners should convene the strategy discussion and agree next steps.", "c0")
    health = _chunk("Health practitioners should:\n• advise about medical assessments\n"
                    "• undertake examinations or observations", "c1")
    units = [_unit(lead, lead.text), _unit(health, "Health practitioners should:")]
    ctx = _ctx(units, [0.45, 0.40], "procedure")
    ctx.asked = "What is health expected to contribute?"
    first = plan(ctx, 1, 0.8, steps=1)[0][0]
    assert first.chunk.chunk_id == "c1" and first.text.endswith("examinations or observations")
    named = unit_bonus(ctx)
    police = _ctx(units, [0.45, 0.40], "procedure")
    police.asked = "What are the police expected to contribute?"  # a list of steps, but not theirs
    bonus = unit_bonus(police)
    assert named is not None and bonus is not None
    assert named(units[1]) > bonus(units[1]) > bonus(units[0]) == 0.0


def test_the_best_step_runs_on_through_its_section_in_the_guidance_order() -> None:
    def chunk(cid: str, text: str, heading: str) -> Chunk:
        return Chunk(cid, "kcsie-2025", "KCSIE", "kcsie", "2025", 47, 47, None, (heading,), text)

    anchor = chunk("a", "Schools should obtain written information from the provider. This includes the "
                   "provider's address.", "Alternative provision")
    after = chunk("b", "Reviews should be frequent enough, at least half termly. Where concerns arise, the "
                  "placement should be terminated.", "Alternative provision")
    other = chunk("c", "Schools should have a policy on mobile phones.", "Mobile phones")
    nxt = {"a": after, "b": other}
    step = _unit(anchor, "Schools should obtain written information from the provider.")
    pieces = section_run(step, lambda c: nxt.get(c.chunk_id))
    assert [p.chunk.chunk_id for p in pieces] == ["a", "b"]  # the next section is not read
    assert pieces[0].text.endswith("address.") and pieces[1].text.endswith("terminated.")
    ctx = _ctx([step, _unit(other, other.text)], [0.5, 0.45], "procedure")
    steps = plan(ctx, 3, 0.8, steps=2, following=lambda c: nxt.get(c.chunk_id))
    assert [u.chunk.chunk_id for u, _ in steps] == ["a", "b", "c"]  # the run first, then the next best


def test_the_run_starts_from_the_step_of_the_best_passage_not_the_best_sentence() -> None:
    def chunk(cid: str, text: str, heading: str) -> Chunk:
        return Chunk(cid, "kcsie-2025", "KCSIE", "kcsie", "2025", 47, 47, None, (heading,), text)

    first = chunk("a", "The case manager should offer support to the individual.", "Supporting staff")
    more = chunk("b", "They should be told about counselling services.", "Supporting staff")
    second = chunk("c", "The designated safeguarding lead should undertake training.", "Training")
    nxt = {"a": more}
    units = [_unit(second, second.text, rank=1), _unit(first, first.text, rank=0)]
    steps = plan(_ctx(units, [0.6, 0.55], "procedure"), 3, 0.8, following=lambda c: nxt.get(c.chunk_id))
    # the second passage's sentence scores higher, but the first passage's section is run on
    assert [u.chunk.chunk_id for u, _ in steps] == ["a", "b", "c"]


def test_the_best_passage_gives_a_step_even_when_its_sentences_score_far_below() -> None:
    def chunk(cid: str, text: str) -> Chunk:
        return Chunk(cid, "working-together-2023", "WT", "working-together", "2023", 89, 89, None, ("S47",),
                     text)

    lead = chunk("a", "Lead practitioners should see the child who is the subject of concern.")
    other = chunk("b", "The strategy discussion should share available information.")
    also = chunk("c", "The police should discuss the basis for any criminal investigation.")
    units = [_unit(other, other.text, rank=1), _unit(also, also.text, rank=2), _unit(lead, lead.text, rank=0)]
    steps = plan(_ctx(units, [0.6, 0.58, 0.3], "procedure"), 3, 0.8, steps=2)
    # below the steps' score ratio, yet the first passage (search and rerank fused) opens the answer
    assert [u.chunk.chunk_id for u, _ in steps] == ["a", "b"]


def test_a_case_study_first_is_passed_over_for_the_best_passage_of_guidance() -> None:
    def chunk(cid: str, text: str, heading: str) -> Chunk:
        return Chunk(cid, "kcsie-2025", "KCSIE", "kcsie", "2025", 136, 136, None, ("Part five", heading),
                     text)

    story = chunk("a", "The school should have supported the girl after the party.", "Case study")
    guidance = chunk("b", "The designated safeguarding lead should consider the child's needs.", "Reports")
    other = chunk("c", "Schools should record every report they receive.", "Records")
    units = [_unit(other, other.text, rank=2), _unit(story, story.text, rank=0),
             _unit(guidance, guidance.text, rank=1)]
    steps = plan(_ctx(units, [0.6, 0.5, 0.3], "procedure"), 3, 0.8, steps=1)
    assert [u.chunk.chunk_id for u, _ in steps] == ["b"]


def test_a_run_that_reaches_its_length_inside_a_list_keeps_the_whole_list(monkeypatch) -> None:
    import assistant.plans as plans

    text = ("Staff should be trained to manage a report. Effective practice includes:\n"
            "• managing reports with two members of staff present\n"
            "• not promising confidentiality at this initial stage\n"
            "• informing the designated safeguarding lead as soon as possible.\n"
            "Schools should review their policy each year.")
    chunk = _chunk(text)
    monkeypatch.setattr(plans, "RUN_CHARS", text.index("• not promising"))  # the budget ends in the list
    run = section_run(_unit(chunk, "Staff should be trained to manage a report."), lambda c: None)
    quoted = " ".join(p.text for p in run)
    assert "not promising confidentiality" in quoted and quoted.endswith("as soon as possible.")
    assert "review their policy" not in quoted  # the run still ends at its length, after the list
    monkeypatch.setattr(plans, "RUN_CHARS", text.index("Effective"))  # ends before the lead-in
    assert [p.text for p in section_run(_unit(chunk, "Staff should be trained to manage a report."),
                                        lambda c: None)] == ["Staff should be trained to manage a report."]


def test_lettered_and_roman_list_items_are_items_of_their_list() -> None:
    text = ("The following are all types of kinship care arrangements:\n"
            "a. Informal kinship care arrangements including:\n"
            "i. A private family arrangement in which a close family member raises the child\n"
            "b. A private fostering arrangement for 28 days or more\n"
            "(c) Where a special guardianship order has been granted.")
    spans = [text[s:e] for s, e in split_sentences(text)]
    assert spans[1] == "a. Informal kinship care arrangements including:"  # "a." ends no sentence
    numbered = "Act now.\n156. The next. Aged 18. Then e.g. This."
    assert [numbered[s:e] for s, e in split_sentences(numbered)] == [
        "Act now.", "156. The next.", "Aged 18.", "Then e.g. This."]  # a number may end a sentence
    bracketed = "Not after the final year (e.g. Year 6 at a primary) unless asked. Next."
    assert [bracketed[s:e] for s, e in split_sentences(bracketed)] == [  # "(e.g." ends none either
        "Not after the final year (e.g. Year 6 at a primary) unless asked.", "Next."]
    chunk = _chunk(text)
    lead = _unit(chunk, "The following are all types of kinship care arrangements:")
    whole, cut = plan(_ctx([lead], [0.5], "list"), 1, 0.8)[0]
    assert whole.text.endswith("special guardianship order has been granted.") and not cut


def test_a_time_the_question_proposes_must_be_stated_in_its_unit() -> None:
    from assistant.understand.kinds import proposed_unit

    chunk = _chunk("Police protection should be used only when necessary. The local authority should act "
                   "immediately and hold a strategy discussion within 2 working days.")
    units = [_unit(chunk, "Police protection should be used only when necessary."),
             _unit(chunk, "The local authority should act immediately and hold a strategy discussion "
                          "within 2 working days.")]
    ctx = _ctx(units, [0.8, 0.6], "fact", shape="yes-no")
    ctx.question = "Is it 72 hours max?"
    ctx.unit = proposed_unit(ctx.question)
    assert ctx.unit == "hour" and shape_gap(ctx)  # "immediately", "2 working days": no hours stated
    assert "time limit" in gap_reason(ctx)
    ctx.unit = proposed_unit("Is it every 10 working days?")
    assert ctx.unit == "day" and not shape_gap(ctx)  # a time in days is stated: it answers
    ctx.unit = ""
    assert not shape_gap(ctx)  # a yes-no question proposing no time is never a gap


def test_a_list_question_is_answered_with_a_list_when_one_scores_near_the_best() -> None:
    intro = _loose("An initial child protection conference brings together family members and "
                   "practitioners. The conference should take place within 15 working days.", "c0")
    tasks = _loose("Conference tasks include:\n• appointing a lead statutory body\n"
                   "• identifying membership of the core group", "c1")
    units = [_unit(intro, "An initial child protection conference brings together family members and "
                          "practitioners."),
             _unit(intro, "The conference should take place within 15 working days."),
             _unit(tasks, "Conference tasks include:")]
    chosen = plan(_ctx(units, [0.50, 0.45, 0.35], "list"), 2, 0.8)
    assert chosen[0][0].chunk.chunk_id == "c0"  # the best sentence still leads
    assert chosen[-1][0].text.endswith("core group")  # and the list (0.7 of the best) is given
    assert len(plan(_ctx(units, [0.50, 0.45, 0.25], "list"), 2, 0.8)) == 2
    assert all(u.chunk.chunk_id == "c0" for u, _ in plan(_ctx(units, [0.50, 0.45, 0.25], "list"), 2, 0.8))
    inline = _loose("Domestic abuse can encompass a range of behaviours, including a) physical or sexual "
                    "abuse; b) violent or threatening behaviour; c) economic abuse.", "c2")
    units = [units[0], _unit(inline, inline.text)]
    chosen = plan(_ctx(units, [0.50, 0.35], "list"), 1, 0.8)
    assert chosen[0][0].chunk.chunk_id == "c2"  # an inline list counts as a list


def test_a_sentence_finishing_an_item_does_not_end_the_list() -> None:
    text = ("A child should no longer be the subject of a plan if:\n"
            "• the child is no longer likely to suffer significant harm\n"
            "• the family have moved permanently to another area. In such cases, the receiving "
            "authority should convene a conference within 15 working days.\n"
            "• the child has reached the age of eighteen.\n"
            "Plans are reviewed regularly. Reviews are recorded:\n"
            "• by the chair")
    chunk = _chunk(text)
    whole, _ = complete(_unit(chunk, "the child has reached the age of eighteen."))
    assert whole.text.startswith("A child should no longer") and whole.text.endswith("age of eighteen.")


def test_advice_the_guidance_recommends_is_a_step() -> None:
    from assistant.plans import DIRECTIVE

    assert DIRECTIVE.search("We recommend that schools coordinate a meeting with parents.")
    assert DIRECTIVE.search("Staff are advised to record the reasons.")
    assert not DIRECTIVE.search("Elective home education is a parent's right.")
    # what a body "will" do is what the guidance expects of it: "Probation staff will make…"
    assert DIRECTIVE.search("Probation staff will make child safeguarding enquiries.")


def test_a_list_opening_its_chunk_gets_its_lead_in_from_the_chunk_before() -> None:
    from dataclasses import replace as _replace

    from assistant.plans import lead_in_before

    before = _chunk("Reviews are annual. A joint agency response is required if a child's death:\n"
                    "• is or could be due to external causes\n• is sudden", "c1")
    opening = _replace(_chunk("• occurs in custody\n• occurs in a stillbirth. Then other text.", "c2"),
                       headings=before.headings)
    items = Unit(0, opening, 0, opening.text.index(" Then"))
    lead = lead_in_before(items, before)
    assert lead is not None and lead.chunk.chunk_id == "c1"
    assert lead.text.startswith("A joint agency response") and lead.text.endswith("is sudden")
    assert lead_in_before(Unit(0, opening, opening.text.index("Then"), len(opening.text)), before) is None
    prose = _chunk("Reviews are annual. Nothing is listed here.", "c3")
    assert lead_in_before(items, prose) is None


def test_an_item_further_down_its_chunk_gets_only_the_lead_in_from_the_chunk_before() -> None:
    from dataclasses import replace as _replace

    from assistant.plans import lead_in_before

    before = _chunk("Designated safeguarding leads should be supported in developing skills to:\n"
                    "• understand online risks\n• obtain access to resources", "c1")
    later = _replace(_chunk("• attend refresher training,\n• encourage a culture of listening to children.\n"
                            "Other text follows here.", "c2"), headings=before.headings)
    lead = lead_in_before(_unit(later, "encourage a culture of listening to children."), before)
    assert lead is not None and lead.text == ("Designated safeguarding leads should be supported in "
                                              "developing skills to:")
    assert lead_in_before(_unit(later, "Other text follows here."), before) is None  # not an item


def test_a_sentence_after_an_item_whose_lead_in_is_elsewhere_is_quoted_alone() -> None:
    chunk = _chunk("• obtain access to resources,\n• encourage a culture of listening to children. In "
                   "addition to the formal training, their knowledge should be refreshed at least annually.")
    whole, _ = complete(_unit(chunk, "In addition to the formal training"))
    assert whole.text.startswith("In addition to the formal training")  # not a bare item before it


def test_a_list_carried_on_into_the_next_chunk_starts_at_its_bullet() -> None:
    from dataclasses import replace as _replace

    from assistant.plans import continuation

    first = _chunk("The lead practitioner should:\n• see the child\n• record the findings", "c1")
    rest = _replace(_chunk("• inform the referrer of what action has been taken\nOther text.", "c2"),
                    headings=first.headings)
    more = continuation(Unit(0, first, 0, len(first.text)), rest, "procedure", set())
    assert more is not None and more.text.startswith("• inform the referrer")
    run = section_run(_unit(first, "The lead practitioner should:"), lambda c: rest if c is first else None)
    assert [p.text for p in run][1].startswith("• inform the referrer")


def test_a_part_needs_only_the_sibling_threshold_when_another_part_is_answered(monkeypatch) -> None:
    import assistant.answer as answer_module
    from assistant.answer import ExtractiveGenerator

    chunk = _chunk("Schools should not cease their investigations if the person resigns. "
                   "It is not appropriate to reach a settlement agreement.")
    first = _ctx([_unit(chunk, "Schools should not cease their investigations if the person resigns.")],
                 [0.6], "fact")
    second = _ctx([_unit(chunk, "It is not appropriate to reach a settlement agreement.")], [0.5], "fact")
    supports = {id(first): 0.6, id(second): 0.35}
    monkeypatch.setattr(answer_module, "support_of", lambda part, passages, weights: supports[id(part)])

    def answered(parts: list[AnswerContext], sibling: float) -> list[bool]:
        gen = ExtractiveGenerator(None, None, 0.4, {}, sibling_threshold=sibling)  # type: ignore[arg-type]
        whole = AnswerContext("q", "q", np.zeros(3), kind="multi-part", parts=parts)
        return [bool(f.units) for f in gen.answer_parts(whole, [])]

    assert answered([first, second], 0.3) == [True, True]
    assert answered([first, second], 0.4) == [True, False]  # no sibling threshold: the gap is named
    supports[id(first)] = 0.35  # no part passes the threshold: the question is not answered at all
    assert answered([first, second], 0.3) == [False, False]


def test_a_part_referring_back_to_a_part_not_found_needs_the_quantity_threshold(monkeypatch) -> None:
    """"What's the maximum caseload - is it 18? - and does it set a different limit for ASYE workers?":
    the caseload limit is not in the guidance, so what "it" sets is asked of nothing it holds."""
    import assistant.answer as answer_module
    from assistant.answer import ExtractiveGenerator

    chunk = _chunk("Practice leaders are qualified social workers. Supervisors should meet families.")
    first = _ctx([_unit(chunk, "Practice leaders are qualified social workers.")], [0.45], "fact")
    later = _ctx([_unit(chunk, "Supervisors should meet families.")], [0.3], "fact", shape="yes-no")
    supports = {id(first): 0.3, id(later): 0.45}
    monkeypatch.setattr(answer_module, "support_of", lambda part, passages, weights: supports[id(part)])
    gen = ExtractiveGenerator(None, None, 0.4, {}, quantity_threshold=0.5)  # type: ignore[arg-type]

    def answered(follows: bool) -> list[bool]:
        later.follows = follows
        whole = AnswerContext("q", "q", np.zeros(3), kind="multi-part", parts=[first, later])
        return [bool(f.units) for f in gen.answer_parts(whole, [])]

    assert answered(False) == [False, True]  # a question of its own: its own bar
    assert answered(True) == [False, False]
    supports[id(first)] = 0.6  # the part before is answered: "it" is found, the usual bar
    assert answered(True) == [True, True]


def test_a_part_referring_back_to_a_quantity_the_guidance_does_not_set_is_not_set_either(monkeypatch) -> None:
    """"How many staff must be trained to use an EpiPen, and how often does that training need
    refreshing?": no number of staff is set, so what "that training" needs is not set either."""
    import assistant.answer as answer_module
    from assistant.answer import ExtractiveGenerator

    chunk = _chunk("Staff should receive safeguarding training. "
                   "The training should be updated every two years.")
    first = _ctx([_unit(chunk, "Staff should receive safeguarding training.")], [0.6], "fact", shape="number")
    later = _ctx([_unit(chunk, "The training should be updated every two years.")], [0.6], "fact",
                 shape="frequency")
    monkeypatch.setattr(answer_module, "support_of", lambda part, passages, weights: 0.7)
    gen = ExtractiveGenerator(None, None, 0.4, {}, quantity_threshold=0.5)  # type: ignore[arg-type]

    def gaps(follows: bool) -> list[bool]:
        later.follows = follows
        whole = AnswerContext("q", "q", np.zeros(3), kind="multi-part", parts=[first, later])
        return [f.gap for f in gen.answer_parts(whole, [])]

    assert gaps(False) == [True, False]  # a question of its own: "every two years" answers it
    assert gaps(True) == [True, True]


def test_a_part_asking_for_a_quantity_needs_the_quantity_threshold(monkeypatch) -> None:
    import assistant.answer as answer_module
    from assistant.answer import ExtractiveGenerator

    chunk = _chunk("A child protection file should be transferred within 5 days. Schools keep records.")
    units = [_unit(chunk, "A child protection file should be transferred within 5 days.")]
    support = {"value": 0.4}
    monkeypatch.setattr(answer_module, "support_of", lambda part, passages, weights: support["value"])
    gen = ExtractiveGenerator(None, None, 0.3, {}, quantity_threshold=0.5)  # type: ignore[arg-type]

    def answered(shape: str | None, unit: str = "") -> bool:
        ctx = _ctx(list(units), [0.6], "fact", shape=shape)
        ctx.unit = unit
        return bool(gen.answer_parts(ctx, [])[0].units)

    assert answered(None) and answered("who")  # no quantity asked: the lower bar
    assert not answered("duration") and not answered(None, unit="day")  # a time asked or proposed
    support["value"] = 0.55
    assert answered("duration") and answered(None, unit="day")


def test_a_part_asking_for_a_list_needs_the_list_threshold(monkeypatch) -> None:
    import assistant.answer as answer_module
    from assistant.answer import ExtractiveGenerator

    chunk = _chunk("Indicators may include:\n• going missing\n• unexplained gifts or money")
    monkeypatch.setattr(answer_module, "support_of", lambda part, passages, weights: 0.36)
    gen = ExtractiveGenerator(None, None, 0.4, {}, list_threshold=0.33)  # type: ignore[arg-type]

    def answered(kind: str) -> bool:
        return bool(gen.answer_parts(_ctx([_unit(chunk, "• going missing")], [0.5], kind), [])[0].units)

    assert answered("list") and not answered("fact")


def test_a_situation_its_own_passages_match_poorly_gets_the_general_steps(monkeypatch) -> None:
    import assistant.answer as answer_module
    from assistant.answer import ExtractiveGenerator

    own = _chunk("It is good practice to meet the victim's parents. Staff were briefed.")
    steps = _chunk("If staff have concerns, they should act on them immediately.", "c2")
    monkeypatch.setattr(answer_module, "support_of", lambda part, passages, weights: 0.6)
    gen = ExtractiveGenerator(None, None, 0.4, {}, procedure_threshold=0.2,  # type: ignore[arg-type]
                              procedure_match=0.25)

    def answer(best: float, theirs: float = 0.3, told: bool = False):  # type: ignore[no-untyped-def]
        # the general steps' sentences, judged by this part's question
        monkeypatch.setattr(answer_module, "score_units", lambda emb, part, units: np.array([theirs]))
        ctx = _ctx([_unit(own, "It is good practice to meet the victim's parents.")], [best], "procedure")
        ctx.told = told
        ctx.general = _ctx([_unit(steps, steps.text)], [0.5], "general")
        ctx.general.passages = [Passage(steps, 0.5, 0)]
        return gen.answer_parts(ctx, [Passage(own, 0.5, 0)])[0]

    found = answer(0.24)  # supported, but its best sentence matches the situation poorly
    assert found.general and [u.chunk.chunk_id for u, _ in found.units] == ["c2"]
    found = answer(0.3)
    assert not found.general and [u.chunk.chunk_id for u, _ in found.units] == ["c1"]
    # the general steps match it worse still ("what do I need to sort out for the placements?"):
    # its own passages answer; after a child told of harm, the general steps come all the same
    found = answer(0.24, theirs=0.2)
    assert not found.general and [u.chunk.chunk_id for u, _ in found.units] == ["c1"]
    found = answer(0.24, theirs=0.2, told=True)
    assert found.general and [u.chunk.chunk_id for u, _ in found.units] == ["c2"]


def test_a_quote_saying_again_what_an_earlier_one_says_is_left_out() -> None:
    para = _chunk("The designated safeguarding lead should ensure the child protection file is "
                  "transferred within 5 days for an in-year transfer, to allow support to be in place.")
    annex = replace(_chunk("The designated safeguarding lead should ensure the child protection file is "
                           "transferred within 5 days for an in-year transfer.", "c2"), page_start=174)
    other = _chunk("Schools should keep the file separate from the main pupil file.", "c3")
    units = [_unit(para, para.text), _unit(annex, annex.text), _unit(other, other.text)]
    chosen = plan(_ctx(units, [0.6, 0.59, 0.58], "fact"), 2, 0.9)
    assert [u.chunk.chunk_id for u, _ in chosen] == ["c1", "c3"]
    # a briefing's before and after wordings differ by a few words: that change is the answer
    before, after = (replace(c, page_start=None, page_end=None) for c in (para, annex))
    units = [_unit(before, before.text), _unit(after, after.text)]
    assert len(plan(_ctx(units, [0.6, 0.59], "fact"), 2, 0.9)) == 2


def test_the_general_steps_are_the_best_passage_s_own_in_its_order() -> None:
    text = ("If staff have any concerns, they should act on them immediately. They should speak to the "
            "designated safeguarding lead. Where a child is suffering harm, a referral is made at once.")
    best = _chunk(text)
    other = _chunk("Where a child is suffering harm, a referral is made at once. Referrals follow the "
                   "local process.", "c2")
    sentences = ["If staff have any concerns, they should act on them immediately.",
                 "They should speak to the designated safeguarding lead.",
                 "Where a child is suffering harm, a referral is made at once."]
    units = [_unit(best, s) for s in sentences] + [_unit(other, other.text.split(". ")[0] + ".")]
    ctx = _ctx(units, [0.42, 0.44, 0.5, 0.48], "general")
    assert [u.text for u, _ in plan(ctx, 2, 0.9, steps=3)] == sentences  # the passage's order
    ctx = _ctx(units, [0.25, 0.44, 0.5, 0.48], "general")  # a sentence far below the best is no step
    assert [u.text for u, _ in plan(ctx, 2, 0.9, steps=3)] == sentences[1:]


def test_a_procedure_keeps_the_search_order_in_view_when_reranking() -> None:
    from types import SimpleNamespace

    from assistant.evidence import fused, rerank
    from assistant.records import Passage

    texts = ["Staff should speak to the designated safeguarding lead at once about any concern.",
             "The weather was mild and the trip went ahead as planned on the day.",
             "Records of the trip were kept by the office in the usual way for the year."]
    chunks = [_chunk(t, f"c{i}") for i, t in enumerate(texts)]
    searched = [Passage(c, 1.0 - i / 10, i) for i, c in enumerate(chunks)]  # the search put c0 first
    # the sentence rerank prefers the two off-topic passages over the search's first
    vectors = {texts[0]: [0.1, 0.0, 0.0], texts[1]: [0.9, 0.0, 0.0], texts[2]: [0.8, 0.0, 0.0]}
    embedder = SimpleNamespace(embed=lambda batch: np.array([vectors[t] for t in batch]))

    def top(fuse: bool) -> list[str]:
        ctx = AnswerContext("q", "weather trip", np.array([1.0, 0.0, 0.0]), kind="procedure")
        kept = rerank(embedder, ctx, list(searched), 2, fuse=fuse)  # type: ignore[arg-type]
        return [p.chunk.chunk_id for p in kept]

    assert top(fuse=False) == ["c1", "c2"]
    assert top(fuse=True) == ["c1", "c0"]  # first in the search, third in the rerank: fused second
    orders = fused(searched, [searched[1], searched[2], searched[0]], k=60)
    assert [p.chunk.chunk_id for p in orders] == ["c1", "c0", "c2"]


def test_a_procedure_gives_its_passage_places_to_the_text_before_footnotes() -> None:
    """A footnote ("114 The HMPPS framework sets out that a child safeguarding enquiry…") matches
    a situation's words but is never a step: a procedure's passages are the text's first."""
    from dataclasses import replace as swap
    from types import SimpleNamespace

    from assistant.evidence import rerank
    from assistant.records import Passage
    from ingest.segment import FOOTNOTES

    texts = ["114 The framework sets out that a child safeguarding enquiry is made for new prisoners.",
             "In response to a child safeguarding enquiry, children's social care should reply at once.",
             "Records of the trip were kept by the office in the usual way for the year."]
    chunks = [_chunk(t, f"c{i}") for i, t in enumerate(texts)]
    chunks[0] = swap(chunks[0], headings=(FOOTNOTES,), paragraph=None)
    searched = [Passage(c, 1.0 - i / 10, i) for i, c in enumerate(chunks)]
    vectors = {texts[0]: [0.9, 0.0, 0.0], texts[1]: [0.8, 0.0, 0.0], texts[2]: [0.1, 0.0, 0.0]}
    embedder = SimpleNamespace(embed=lambda batch: np.array([vectors[t] for t in batch]))
    ctx = AnswerContext("q", "enquiry", np.array([1.0, 0.0, 0.0]), kind="procedure")
    kept = rerank(embedder, ctx, list(searched), 2, fuse=True)  # type: ignore[arg-type]
    assert [p.chunk.chunk_id for p in kept] == ["c1", "c2"]
    fact = AnswerContext("q", "enquiry", np.array([1.0, 0.0, 0.0]), kind="fact")
    kept = rerank(embedder, fact, list(searched), 2)  # type: ignore[arg-type]
    assert [p.chunk.chunk_id for p in kept] == ["c0", "c1"]  # a fact may still be a footnote's


def test_an_item_with_several_sentences_on_its_lines_does_not_end_the_list() -> None:
    text = ("Important considerations will include:\n"
            "• the wishes of the victim in terms of how they want to proceed. This is especially\n"
            "important here. Victims should be given as much control as is reasonably possible. This\n"
            "will need to be balanced with the duty to protect other children\n"
            "• the ages of the children involved\n"
            "• any power imbalance between the children.\n"
            "Schools should record every decision.")
    chunk = _chunk(text)
    item = _unit(chunk, "the ages of the children involved")
    whole, cut = complete(item)
    assert whole.text.startswith("Important considerations will include:")
    assert whole.text.endswith("any power imbalance between the children.") and not cut
    first = _unit(chunk, "the wishes of the victim")
    assert complete(first)[0].text.endswith("any power imbalance between the children.")


def test_a_sentence_saying_what_a_term_covers_answers_what_it_covers() -> None:
    covers = _chunk("The term ‘reasonable force’ covers the broad range of actions used by staff that "
                    "involve a degree of physical contact to control or restrain children.")
    other = _chunk("The department believes that a ‘no contact’ policy can leave staff unable to protect "
                   "their pupils, so reasonable force may be needed.", "c2")
    units = [_unit(other, other.text), _unit(covers, covers.text)]
    ctx = AnswerContext("What does 'reasonable force' cover?", "reasonable force cover", np.zeros(3),
                        units=units, scores=np.array([0.45, 0.40]), kind="definition")
    [(unit, _)] = plan(ctx, 2, 0.9)
    assert unit.chunk.chunk_id == "c1"


def test_a_yes_no_question_prefers_the_sentence_that_gives_a_verdict(fake_embedder) -> None:
    from assistant.evidence import score_units

    chunk = _chunk("Staff are well placed to observe children and notice a mental health problem. "
                   "Only appropriately trained professionals should attempt a diagnosis of a mental "
                   "health problem.")
    observe = _unit(chunk, "Staff are well placed to observe children and notice a mental health problem.")
    verdict = _unit(chunk, "Only appropriately trained professionals should attempt a diagnosis of a mental "
                           "health problem.")
    question = "Should staff diagnose a mental health problem?"

    def scores(shape: str | None) -> np.ndarray:
        ctx = AnswerContext(question, question, fake_embedder.embed([question])[0], kind="fact", shape=shape)
        return score_units(fake_embedder, ctx, [observe, verdict])

    plain, yes_no = scores(None), scores("yes-no")
    assert yes_no[0] == plain[0]  # no verdict word: unchanged
    assert yes_no[1] > plain[1]  # "Only … should": a verdict scores higher


def test_a_part_referring_back_is_searched_with_the_section_the_part_before_was_answered_from() -> None:
    chunk = Chunk("fm", "kcsie-2025", "KCSIE", "kcsie", "2025", 163, 163, None,
                  ("Annex B: Further information", "Forced marriage"),
                  "Forcing a person into a marriage is a crime.")
    before = AnswerContext("Is that against the law?", "q", np.zeros(3), passages=[Passage(chunk, 0.9, 0)])
    follow = Part("And who can we ring about this?", "fact", "who", "who can we ring", follows=True)
    assert _on_topic(follow, [before]).search == "who can we ring Forced marriage"
    alone = replace(follow, follows=False)
    assert _on_topic(alone, [before]) is alone
    assert _on_topic(follow, []) is follow


def test_a_sentence_in_the_section_the_question_names_beats_a_closer_match_outside_it() -> None:
    """"Give me the DfE list in WT23's Appendix B": the appendix's list, not a sentence elsewhere
    that names the DfE and matches the words better."""
    from assistant.plans import _order
    outside = replace(_chunk("The Department for Education (DfE) publishes annual data.", "c1"),
                      headings=("Chapter 5: Learning from serious incidents",))
    inside = replace(_chunk("Guidance issued by the Department for Education", "c2"),
                     headings=("Appendix B: Further sources of information",))
    units = [_unit(outside, outside.text), _unit(inside, inside.text, 1)]
    ctx = replace(_ctx(units, [0.33, 0.18], "list"), sections=("appendix b",))
    assert _order(ctx)[0] == 1
    assert _order(replace(ctx, sections=()))[0] == 0  # no section named: the closer match


def test_a_list_that_opens_its_chunk_is_scored_with_the_lead_in_from_the_chunk_before() -> None:
    before = _chunk("• record decisions agreed at core group meetings\n• lead core group activity\n"
                    "The core group should:", "c1")
    after = _chunk("• meet within 10 working days from the initial child protection conference\n"
                   "• further develop the outline child protection plan", "c2")
    assert carried_lead(after, before) == "The core group should:"
    assert carried_lead(before, None) == "" and carried_lead(_chunk("Plain text here.", "c3"), before) == ""
    units = sentence_units([Passage(after, 0.0, 0)], lambda c: carried_lead(c, before))
    assert [u.lead for u in units] == ["The core group should:"] * 2
    assert [u.lead for u in sentence_units([Passage(after, 0.0, 0)])] == ["", ""]


def test_a_stretch_opening_with_these_gets_the_sentence_before_from_the_chunk_before() -> None:
    """"285. These checks could include…" leans on the sentence that ends the chunk before ("…the
    same checks as all other staff"); a stretch opening on its own, or one further down, does not."""
    from assistant.plans import leaned_on

    before = _chunk("284. Staff from overseas must undergo the same checks as all other staff.", "c0")
    chunk = _chunk("285. These checks could include a letter of professional standing. They also help.")
    got = leaned_on(_unit(chunk, "285. These checks could include"), before)
    assert got is not None
    assert got.text == "Staff from overseas must undergo the same checks as all other staff."
    assert leaned_on(_unit(chunk, "They also help."), before) is None  # not the chunk's first sentence
    plain = _chunk("286. Schools should keep records of the checks.", "c2")
    assert leaned_on(_unit(plain, "286. Schools should"), before) is None


DIRECTORY = ("Anti-Bullying Alliance – Detailed information for anyone being bullied, along with advice\n"
             "for parents and schools. Signposts to various helplines and websites for further support.\n"
             "Rape Crisis – Provides and signposts to a range of services to support people who have\n"
             "experienced rape, child abuse or any kind of sexual violence.\n"
             "Victim Support – Supporting children and young people who have been affected by crime.\n"
             "Childline – Provides free and confidential advice for children and young people.")


def test_a_list_whose_last_item_goes_on_in_a_sentence_of_its_own_still_ends_in_an_item() -> None:
    """A chunk ending "• Know what to do if a child tells them… This includes understanding…" ends
    mid-list: the next chunk's items carry it on."""
    from assistant.plans import ends_in_item
    chunk = _chunk("All staff should:\n• Know the identity of the designated safeguarding lead.\n"
                   "• Know what to do if a child tells them they are being abused. This includes "
                   "understanding they should never promise to keep a secret.")
    assert ends_in_item(Unit(0, chunk, 0, len(chunk.text)))
    prose = _chunk("All staff should:\n• Know the identity of the designated safeguarding lead.\n"
                   "This is set out in the policy.")
    assert not ends_in_item(Unit(0, prose, 0, len(prose.text)))


def test_a_sentence_that_is_itself_the_question_ranks_below_its_answer() -> None:
    """A Q&A's "Will these changes be more onerous to practitioners?** A." matches the question best,
    but answers nothing; a bulleted question in a list of questions to consider is not set down."""
    from assistant.plans import _order
    qa = _chunk("Will these changes be more onerous to practitioners like social workers?**\nA. No. The "
                "guidance reinforces the important role practitioners play.", "c1")
    asked = _unit(qa, "Will these changes be more onerous to practitioners like social workers?**\nA.")
    answer = _unit(qa, "The guidance reinforces the important role practitioners play.", 1)
    assert _order(_ctx([asked, answer], [0.45, 0.38], "fact"))[0] == 1
    listed = _chunk("Questions to consider:\n• What is likely to happen if nothing changes?\n"
                    "• The child's needs are met.", "c2")
    item = _unit(listed, "What is likely to happen if nothing changes?")
    other = _unit(listed, "The child's needs are met.", 1)
    assert _order(_ctx([item, other], [0.45, 0.38], "list"))[0] == 0


def test_a_resource_directorys_entry_is_no_definition() -> None:
    """"How does it define FGM?": not "Female genital mutilation: information and resources – Home
    Office guidance", a document's title in a list of resources, but the sentence that defines it."""
    entries = ("Female genital mutilation: information and resources – Home Office guidance\n"
               "Forced marriage – Forced Marriage Unit (FMU) resources\n"
               "FGM resource pack – HM Government guidance\n")
    directory = _chunk(entries, "c1")
    defined = _chunk("FGM comprises all procedures involving partial or total removal of the external "
                     "female genitalia for non-medical reasons.", "c2")
    units = [_unit(directory, "Female genital mutilation: information and resources – Home Office guidance"),
             _unit(defined, defined.text, 1)]
    ctx = replace(_ctx(units, [0.43, 0.42], "definition"),
                  query="how does it define FGM (female genital mutilation)")
    chosen = plan(ctx, 3, 0.8)
    assert chosen[0][0].chunk.chunk_id == "c2"


def test_a_directory_is_quoted_as_one_list_with_each_entry_on_its_line() -> None:
    """A resource directory has no bullets: a list answer that lands on one of its entries
    ("Signposts to various helplines…") quotes all of them, and each entry shows on its own line."""
    from assistant.answer import display

    chunk = _chunk(DIRECTORY)
    whole, cut = complete(_unit(chunk, "Signposts to various helplines"), lists=True)
    assert whole.text.startswith("Anti-Bullying Alliance") and whole.text.endswith("young people.")
    assert not cut
    shown = display(whole.text).split("\n")
    assert [line.split(" – ")[0] for line in shown] == ["Anti-Bullying Alliance", "Rape Crisis",
                                                         "Victim Support", "Childline"]
    plain = _chunk("Staff should act – and record it. Records are kept in writing.")
    assert complete(_unit(plain, "Records are kept"), lists=True)[0].text == "Records are kept in writing."


def test_a_directory_entry_whose_name_is_long_is_still_its_first_entry() -> None:
    chunk = _chunk("Rise Above: Free PSHE resources on health, wellbeing and resilience – Public Health\n"
                   "England\nSupporting pupils at schools with medical conditions – DfE statutory guidance\n"
                   "Mental health and behaviour in schools – DfE advice\n"
                   "Overview - Fabricated or induced illness – NHS advice")
    whole, _ = complete(_unit(chunk, "Mental health and behaviour in schools"), lists=True)
    assert whole.text.startswith("Rise Above") and whole.text.endswith("NHS advice")


def test_a_directory_brings_a_list_whose_lead_in_is_its_heading() -> None:
    """A list question prefers a stretch that brings a list: a directory does, and its heading
    ("Support for victims") is the lead-in that names what it lists."""
    from assistant.plans import _lead_in, _list_bonus

    chunk = replace(_chunk(DIRECTORY), headings=("Annex B: Further information", "Support organisations"))
    unit = _unit(chunk, "Rape Crisis – Provides")
    assert _lead_in(unit) == "Support organisations"
    assert _list_bonus(unit, "organisations") > _list_bonus(unit, "checks") > 0
    assert _lead_in(_unit(_chunk("Staff should act. Records are kept."), "Records")) is None


def test_a_passage_quoted_for_an_earlier_part_takes_no_place_among_a_later_parts_quotes() -> None:
    """The later part refers to the passage quoted above and still gets its own new quotes."""
    from assistant.answer import ExtractiveGenerator

    chunk = _chunk("One is shared. Two is new. Three is new too.")
    shared, two, three = (_unit(chunk, t) for t in ("One is shared.", "Two is new.", "Three is new too."))
    gen = ExtractiveGenerator.__new__(ExtractiveGenerator)
    ranked = [shared, two, three]
    gen._on_the_page = (  # type: ignore[method-assign]
        lambda part, most, steps=0, fitted=False, context=0: [(u, False) for u in ranked[:most]])
    ctx = _ctx([], [], "fact")
    assert [u.text for u, _ in gen._fresh(ctx, 2, [shared])] == ["One is shared.", "Two is new.",
                                                                  "Three is new too."]
    assert [u.text for u, _ in gen._fresh(ctx, 2, [])] == ["One is shared.", "Two is new."]


def test_words_already_quoted_are_cited_again_but_not_repeated() -> None:
    """The same sentence from another document (or another chunk of the same page) is not shown
    twice: another document's copy is cited, pointing at the words above; the same page's is the
    passage quoted above."""
    from assistant.answer import ExtractiveGenerator, PartAnswer
    from corpus.manifest import load_manifest

    words = "Depending on the age of the young people, this may not be recognised in law."
    wt = _chunk(f"{words} Support should be offered.")
    kcsie = replace(_chunk(words, "k1"), doc_id="kcsie-2025", series="kcsie", edition="2025", page_start=154)
    again = replace(_chunk(f"Intro. {words}", "c2"))  # the same page, another chunk
    gen = ExtractiveGenerator.__new__(ExtractiveGenerator)
    gen.manifest, gen.pages, gen.following = load_manifest(), None, None
    cites: list = []
    first = gen._lines(PartAnswer(_ctx([], [], "fact"), [(_unit(wt, words), False)], 0.5), cites)
    later = gen._lines(PartAnswer(_ctx([], [], "fact"), [(_unit(kcsie, words), False),
                                                          (_unit(again, words), False)], 0.5), cites)
    assert first == [f"“{words}” [1]"]
    assert later == ["(the same words as [1]) [2]", "(the passage quoted above) [1]"]
    assert [c.doc_id for c in cites] == ["working-together-2023", "kcsie-2025"]
    # a part all quoted above: said once, in the singular for one passage
    assert gen._lines(PartAnswer(_ctx([], [], "fact"), [(_unit(wt, words), False)], 0.5), cites) == [
        "As for the part above: the same passage [1]."]


def test_a_stretch_opening_with_a_sentence_quoted_above_quotes_only_the_rest() -> None:
    from assistant.answer import ExtractiveGenerator, PartAnswer
    from corpus.manifest import load_manifest

    first = "MAPPA is not a statutory body but a mechanism through which agencies work together."
    chunk = _chunk(f"{first} Agencies retain their full statutory responsibilities.")
    gen = ExtractiveGenerator.__new__(ExtractiveGenerator)
    gen.manifest, gen.pages, gen.following = load_manifest(), None, None
    cites: list = []
    gen._lines(PartAnswer(_ctx([], [], "fact"), [(_unit(chunk, first), False)], 0.5), cites)
    later = gen._lines(PartAnswer(_ctx([], [], "fact"), [(_unit(chunk, chunk.text), False)], 0.5), cites)
    assert later == ["(the passage quoted above) [1] “Agencies retain their full statutory "
                     "responsibilities.” [2]"]
    assert cites[1].quote == "Agencies retain their full statutory responsibilities."
    # a stretch that ends with it quotes the start, then points
    chunk = _chunk(f"Agencies retain their full statutory responsibilities. {first}", "c2")
    cites = []
    gen._lines(PartAnswer(_ctx([], [], "fact"), [(_unit(chunk, first), False)], 0.5), cites)
    later = gen._lines(PartAnswer(_ctx([], [], "fact"), [(_unit(chunk, chunk.text), False)], 0.5), cites)
    assert later == ["“Agencies retain their full statutory responsibilities.” [2] (the passage quoted "
                     "above) [1]"]


def test_a_heading_line_on_its_own_is_never_quoted() -> None:
    """"Responding to the report", glued to the end of the section before (or a chunk of its own),
    answers nothing; a sentence, a lead-in or a heading inside a line is still quotable."""
    from assistant.plans import bare_title

    chunk = _chunk("Staff should record it.\nWorking with voluntary, charity, social enterprise (VCSE)\n"
                   "organisations and sports clubs")
    assert bare_title(_unit(chunk, "Working with voluntary, charity, social enterprise (VCSE)\n"
                                   "organisations and sports clubs"))
    assert not bare_title(_unit(chunk, "Staff should record it."))
    assert bare_title(_unit(_chunk("Responding to the report"), "Responding to the report"))
    assert not bare_title(_unit(_chunk("The DSL should:\n• act"), "The DSL should:"))
    assert not bare_title(_unit(_chunk("See Types of DBS checks above."), "Types of DBS checks"))


def test_a_numbered_list_a_lead_in_brings_is_quoted_whole_and_followed_into_the_next_chunk() -> None:
    from dataclasses import replace as _replace

    from assistant.plans import continuation, numbered_on
    from assistant.sentences import sentences

    text = ("The seven golden rules for sharing information:\n1. All children have a right to be "
            "protected. Protecting a child takes priority.\n2. When you have a concern, engage with "
            "the child.")
    chunk = _replace(_chunk(text), paragraph=None)
    # the colon ends the lead-in, not "1."; each numbered line opens a unit and is an item
    assert text[slice(*split_sentences(text)[0])].endswith("sharing information:")
    assert [s.item for s in sentences(chunk)] == [False, True, False, True]
    whole, cut = complete(_unit(chunk, "All children have a right to be protected."))
    assert whole.text.startswith("The seven golden rules") and whole.text.endswith("with the child.")
    rest = _replace(_chunk("3. You do not need consent to share. It is good practice.\n"
                           "4. Seek advice promptly.", "c2"), paragraph=None, headings=chunk.headings)
    assert numbered_on(whole, rest)
    more = continuation(whole, rest, "list", set())
    assert more is not None and more.text.startswith("3. You do not need")
    assert more.text.endswith("Seek advice promptly.")
    assert not numbered_on(whole, _replace(rest, text="5. Out of sequence."))
    # a numbered line after a heading opens a numbered paragraph, not an item
    heading = _replace(_chunk("Forms of abuse\n6. Abuse: a form of maltreatment.\n7. Physical abuse: harm."),
                       paragraph=None)
    assert not any(s.item for s in sentences(heading))
    # a number ending a sentence that wraps onto its line opens no unit
    wrapped = "It applies to a care leaver under the age of\n18. Such notices are made in writing."
    assert [wrapped[a:b] for a, b in split_sentences(wrapped)] == [
        "It applies to a care leaver under the age of\n18.", "Such notices are made in writing."]


def test_a_sentence_stating_the_size_of_the_set_asked_for_scores_higher(fake_embedder) -> None:
    from assistant.evidence import score_units

    chunk = _chunk("Online safety is a running theme in school policies. "
                   "The issues can be categorised into four areas of risk: content, contact, conduct and "
                   "commerce.")
    theme = _unit(chunk, "Online safety is a running theme in school policies.")
    areas = _unit(chunk, "The issues can be categorised into four areas of risk: content, contact, "
                         "conduct and commerce.")
    question = "What are the 4 Cs of online safety?"

    def scores(count: int) -> np.ndarray:
        ctx = AnswerContext(question, question, fake_embedder.embed([question])[0], kind="list", count=count)
        return score_units(fake_embedder, ctx, [theme, areas])

    plain, counted = scores(0), scores(4)
    assert counted[0] == plain[0]  # states no set of four: unchanged
    assert counted[1] > plain[1]
    assert scores(3)[1] == plain[1]  # a set of another size is no answer


def test_a_long_lead_in_with_its_items_is_not_marked_down_when_a_list_is_asked_for(fake_embedder) -> None:
    from assistant.evidence import score_units

    items = "".join(f"\n{name}: being exposed to harmful material of one kind or another, for example {name}"
                    for name in ("content", "contact", "conduct", "commerce", "culture"))
    text = f"The issues can be grouped into areas of risk:{items}."
    chunk = _chunk(text)
    listing = _unit(chunk, text)
    flat = text.replace(":\n", ": ").replace("\n", " ")
    prose = _unit(_chunk(flat, "c2"), flat)
    assert len(listing.text) > 400
    question = "What are the areas of risk?"

    def scores(kind: str) -> np.ndarray:
        ctx = AnswerContext(question, question, fake_embedder.embed([question])[0], kind=kind)
        return score_units(fake_embedder, ctx, [listing, prose])

    as_list, as_fact = scores("list"), scores("fact")
    assert as_list[0] > as_fact[0]  # a list asked for: its lead-in and items are the answer
    assert as_list[1] == as_fact[1]  # a long sentence is still a poor quote


def test_a_page_turning_after_a_lists_unpunctuated_last_item_splits_there() -> None:
    from dataclasses import replace as _replace

    from assistant.answer import page_pieces

    text = ("It investigates three domains:\n• the child’s developmental needs\n• the capacity of parents\n"
            "• the impact of the family network and any other adults living in the\nhousehold as well as "
            "community circumstances\nFigure 1: Assessment framework\nReferral")
    turn = text.index("Figure 1")
    chunk = _replace(_chunk(text), page_end=27, page_breaks=(turn,))
    pieces = page_pieces(Unit(0, chunk, 0, len(text)))
    assert [p.text for p in pieces] == [text[:turn].strip(), text[turn:].strip()]
    # the page turns mid-item, the next page going on in lower case: no split
    mid = _replace(chunk, page_breaks=(text.index("household"),))
    assert page_pieces(Unit(0, mid, 0, len(text))) == [Unit(0, mid, 0, len(text))]


def test_a_lead_in_ending_its_chunk_carries_on_into_the_items_of_the_next() -> None:
    from dataclasses import replace as _replace

    from assistant.plans import continuation

    first = _chunk("Practitioners should work with parents. Four principles underpin work with parents:")
    rest = _replace(_chunk("1) Partnership working happens when practitioners build relationships by:\n"
                           "• approaching families with empathy\n• avoiding blame", "c2"),
                    headings=("Principles",))
    lead = _unit(first, "Four principles underpin work with parents:")
    assert continuation(lead, rest, "fact", set()) is None  # another section: not its items
    rest = _replace(rest, headings=first.headings)
    more = continuation(lead, rest, "fact", set())
    assert more is not None and more.text.startswith("1) Partnership working")
    assert more.text.endswith("avoiding blame")
    ended = _unit(first, "Practitioners should work with parents.")  # not at the chunk's end
    assert continuation(ended, rest, "fact", set()) is None
    # the next numbered paragraph is not the lead-in's items (they sit in a box)
    assert continuation(lead, _replace(rest, paragraph="48"), "fact", set()) is None


def test_a_lead_in_whose_items_are_printed_in_a_box_is_quoted_with_the_box_list() -> None:
    from dataclasses import replace as _replace

    from assistant.plans import boxed_items

    body = _chunk("13. Children are clear about what they want from an effective safeguarding system:")
    box = _replace(_chunk("6 Equality Act 2010\nChildren have said that they need:\n"
                          "• vigilance: to have adults notice\n• stability: a stable relationship of trust",
                          "box"),
                   headings=(FOOTNOTES,), paragraph=None)
    lead = _unit(body, "Children are clear about what they want from an effective safeguarding system:")
    listed = boxed_items(lead, lambda chunk: [box])
    assert listed is not None and listed.chunk is box
    assert listed.text.endswith("a stable relationship of trust") and "Children have said" in listed.text
    other = _replace(box, text="7 See annex B\nThe following apply:\n• paragraph 4\n• paragraph 5")
    assert boxed_items(lead, lambda chunk: [other]) is None  # a box about something else
    ended = _replace(body, text=body.text + " They want adults to notice.")
    assert boxed_items(_unit(ended, lead.text), lambda chunk: [box]) is None  # its text goes on


def test_a_definition_opening_its_numbered_paragraph_or_a_dash_entry_defines_the_term() -> None:
    from assistant.plans import _defines
    from assistant.text import tokens

    asked = set(tokens("What's the definition of neglect that schools use?"))
    assert _defines("28. Neglect: the persistent failure to meet a child’s basic needs", asked)
    assert _defines("Neglect - The persistent failure to meet a child’s basic needs", asked)
    assert not _defines("Once a child is born, neglect may involve a parent failing to feed them", asked)
    assert not _defines("28. Neglect may occur during pregnancy, for example through substance abuse", asked)


def test_a_sentence_saying_what_a_term_comprises_or_consists_of_defines_it() -> None:
    """"How does it define FGM?": "FGM comprises all procedures involving…" is its definition."""
    from assistant.plans import _defines
    assert _defines("FGM comprises all procedures involving partial or total removal of the external "
                    "female genitalia", {"fgm"})
    assert _defines("A core group consists of the lead practitioner and the practitioners who…",
                    {"core", "group"})
    assert not _defines("FGM comprises all procedures involving partial removal", {"marriage"})


def test_a_pointer_to_a_web_page_ranks_below_a_sentence_that_answers() -> None:
    link = _chunk("Data Protection Impact Assessments (DPIAs) | ICO. An example DPIA template can be "
                  "found on the ICO website at https://ico.org.uk/dpia-template.docx", "c2")
    text = _chunk("A DPIA should be carried out before the processing or sharing commences.")
    ctx = _ctx([_unit(link, link.text), _unit(text, text.text)], [0.52, 0.50], "fact")
    [(unit, _)] = plan(ctx, 1, 0.9)
    assert unit.chunk.chunk_id == "c1"


def _principles(third: str = "3) Practitioners empower parents to take part by:") -> list[Chunk]:
    from dataclasses import replace as _replace

    sub = "".join(f"\n• taking the time to understand what matters to the family, point {n}"
                  for n in range(12))
    texts = ["Practitioners should work with parents. Four principles underpin work with parents:",
             f"1) Effective partnership working happens when practitioners build relationships by:{sub}",
             f"{sub[1:]}\n2) Verbal and non-verbal communication should be respectful and clear.{sub}",
             f"{third}{sub}\n4) Practitioners involve parents in designing processes that affect them."]
    return [_replace(_chunk(t, f"c{n}"), headings=("Principles",)) for n, t in enumerate(texts)]


def test_a_long_list_of_lists_is_quoted_by_its_items_opening_lines() -> None:
    from assistant.plans import numbered_heads

    chunks = _principles()
    after = dict(zip(chunks, chunks[1:], strict=False))
    lead = _unit(chunks[0], "Four principles underpin work with parents:")
    heads = numbered_heads(lead, after.get)
    assert [h.chunk.text[h.start:h.end] for h in heads] == [
        "Four principles underpin work with parents:",
        "1) Effective partnership working happens when practitioners build relationships by:",
        "2) Verbal and non-verbal communication should be respectful and clear.",
        "3) Practitioners empower parents to take part by:",
        "4) Practitioners involve parents in designing processes that affect them."]
    # an item missing, or the list short enough to quote whole: no opening lines
    gap = _principles(third="Practitioners empower parents to take part by:")
    gap_lead = _unit(gap[0], "Four principles underpin work with parents:")
    assert numbered_heads(gap_lead, dict(zip(gap, gap[1:], strict=False)).get) == []
    assert numbered_heads(lead, {chunks[0]: None}.get) == []
    short = _chunk("Two rules apply:\n1. Share what is needed.\n2. Record why.", "s")
    assert numbered_heads(_unit(short, "Two rules apply:"), lambda c: None) == []


def test_numbered_items_heading_pages_of_text_are_found_through_the_part_they_are_in() -> None:
    """"The four scenarios are: 1. Manage internally" and items 2 to 4 many chunks on, a case
    study between them (whose heading the chunks after it keep), in the same part of the document."""
    from dataclasses import replace as _replace

    from assistant.plans import numbered_heads

    para = "The school may decide to act. " * 12
    texts = ["There are four scenarios to consider. The four scenarios are:\n1. Manage internally",
             *(para for _ in range(8)), "2. Early help", *(para for _ in range(8)),
             f"{para}\n3. Referrals to children's social care", *(para for _ in range(8)),
             "4. Reporting to the police", para]
    chunks = [_replace(_chunk(t, f"c{n}"), headings=("Part five", "Options" if n < 9 else "Case study"))
              for n, t in enumerate(texts)]
    after = dict(zip(chunks, chunks[1:], strict=False))
    lead = _unit(chunks[0], "The four scenarios are:")
    heads = numbered_heads(replace(lead, end=len(chunks[0].text)), after.get)
    assert [h.chunk.text[h.start:h.end] for h in heads] == [
        "The four scenarios are:", "1. Manage internally", "2. Early help",
        "3. Referrals to children's social care", "4. Reporting to the police"]
    # another part of the document: not this list's items
    other = [_replace(c, headings=("Part six", "Annex")) if n > 10 else c for n, c in enumerate(chunks)]
    assert numbered_heads(replace(lead, end=len(chunks[0].text)),
                          dict(zip(other, other[1:], strict=False)).get) == []


def test_a_lead_in_running_into_its_first_numbered_item_gives_the_items_opening_lines() -> None:
    from dataclasses import replace as _replace

    from assistant.plans import numbered_heads

    rules = "".join(f"\n{n}. Rule {n} is stated here. " + "It is explained at length. " * 20
                    for n in range(1, 8))
    chunk = _replace(_chunk(f"The seven golden rules for sharing information:{rules}"), paragraph=None)
    whole = Unit(0, chunk, 0, len(chunk.text))
    heads = numbered_heads(whole, lambda c: None)
    assert [chunk.text[h.start:h.end] for h in heads] == [
        "The seven golden rules for sharing information:",
        *(f"{n}. Rule {n} is stated here." for n in range(1, 8))]
    # a lead-in that runs on into prose is not a numbered list's
    prose = _chunk("The seven golden rules: see the advice. " + rules, "p")
    assert numbered_heads(Unit(0, prose, 0, len(prose.text)), lambda c: None) == []


SOURCES = ("Further sources:\n"
           "• Communicating with children: a guide Centre of Expertise on Child Sexual Abuse\n"
           "• Cyberbullying: guidance for schools Childnet International\n"
           "• Signs and Indicators: a template Centre of Expertise on Child Sexual Abuse\n"
           "• Private fostering CoramBAAF")


def _sources_ctx(question: str) -> AnswerContext:
    chunk = _chunk(SOURCES)
    items = [_unit(chunk, t) for t in ("Communicating with children: a guide Centre of Expertise on Child "
                                       "Sexual Abuse", "Cyberbullying: guidance for schools Childnet "
                                       "International", "Signs and Indicators: a template Centre of "
                                       "Expertise on Child Sexual Abuse", "Private fostering CoramBAAF")]
    ctx = AnswerContext(question, question, np.zeros(3), units=items, scores=np.array([0.6, 0.3, 0.4, 0.2]),
                        kind="list", asked=question,
                        idf={"centr": 3.0, "expertis": 4.0, "resourc": 2.5, "sexual": 1.0, "abus": 0.8})
    return ctx


def test_a_list_question_naming_a_source_gets_every_item_of_the_list_that_names_it() -> None:
    """"Which CSA Centre resources are listed?": each entry the Centre publishes, in the list's
    order, each quoted on its own (not with the items after it)."""
    ctx = _sources_ctx("Which Centre of Expertise resources are listed?")
    chosen = plan(ctx, 3, 0.9)
    assert [u.text for u, _ in chosen] == [
        "Communicating with children: a guide Centre of Expertise on Child Sexual Abuse",
        "Signs and Indicators: a template Centre of Expertise on Child Sexual Abuse"]
    assert all(u.alone for u, _ in chosen)
    # a question whose rare words the items do not share: the list as before, from its best item on
    other = _sources_ctx("Which resources are listed?")
    assert not any(u.alone for u, _ in plan(other, 3, 0.9))


def test_an_item_picked_out_of_its_list_is_not_carried_on_into_the_next_chunk() -> None:
    from dataclasses import replace as _replace

    from assistant.answer import ExtractiveGenerator

    chunk = _chunk("Sources:\n• Signs and Indicators: a template Centre of Expertise")
    nxt = _chunk("• Private fostering CoramBAAF\n• Whistleblowing advice line NSPCC", "c2")
    gen = ExtractiveGenerator.__new__(ExtractiveGenerator)
    gen.following, gen.preceding, gen.boxes = {chunk: nxt}.get, (lambda c: None), None
    item = _unit(chunk, "Signs and Indicators: a template Centre of Expertise")
    ctx = _ctx([item], [0.5], "list")
    assert [u.chunk.chunk_id for u in gen._carried_on(item, ctx)] == ["c1", "c2"]  # the list goes on
    assert [u.text for u in gen._carried_on(_replace(item, alone=True), ctx)] == [item.text]


def test_a_list_item_is_read_with_its_lead_in_except_as_a_procedure_step(fake_embedder) -> None:
    """"How soon should the core group first meet?": the item "meet within 10 working days…"
    names the core group only in its lead-in ("The core group should:")."""
    from dataclasses import replace as _replace

    from assistant.evidence import score_units

    chunk = _chunk("The core group should:\n• meet within 10 working days of the conference")
    item = _replace(_unit(chunk, "meet within 10 working days of the conference"),
                    lead="The core group should:")
    question = "How soon should the core group first meet?"

    def score(kind: str, unit: Unit) -> float:
        ctx = AnswerContext(question, question, fake_embedder.embed([question])[0], kind=kind)
        return float(score_units(fake_embedder, ctx, [unit])[0])

    bare = _replace(item, lead="")
    # the lead-in's words count for both (word coverage); its meaning only for the fact
    assert score("fact", item) - score("fact", bare) > score("procedure", item) - score("procedure", bare) > 0


def _cut_item_chunks() -> tuple[Chunk, Chunk]:
    """A list item the chunker cut mid-sentence: the next chunk opens with its end."""
    first = _chunk("The Police should:\n• help others understand the concerns\n"
                   "• follow the guidance set out in “Achieving best evidence in criminal proceedings:")
    second = _chunk("guidance” on interviewing victims and witnesses, where a joint interview is held\n"
                    "All involved practitioners should:\n• contribute to the assessment as required", "c2")
    return first, second


def test_a_step_cut_between_chunks_is_shown_as_one_line() -> None:
    from assistant.answer import ExtractiveGenerator

    first, second = _cut_item_chunks()
    gen = ExtractiveGenerator.__new__(ExtractiveGenerator)
    gen.following = {first: second}.get
    end = _unit(first, first.text[first.text.index("• follow"):])
    goes_on = _unit(second, second.text.split("\n")[0])
    assert gen._runs_on(end, goes_on)
    new = _unit(second, "All involved practitioners should:")  # a new sentence on its own line
    assert not gen._runs_on(end, new)
    assert not gen._runs_on(_unit(first, "• help others understand the concerns"), goes_on)  # not the end


def test_a_lead_in_ending_its_chunk_and_the_first_item_opening_the_next_are_one_line() -> None:
    from assistant.answer import ExtractiveGenerator

    first = _chunk("• lead core group activity\nThe core group should:")
    second = _chunk("• meet within 10 working days from the initial child protection conference\n"
                    "• implement the child protection plan", "c2")
    gen = ExtractiveGenerator.__new__(ExtractiveGenerator)
    gen.following = {first: second}.get
    lead = _unit(first, "The core group should:")
    item = _unit(second, "meet within 10 working days from the initial child protection conference")
    assert gen._runs_on(lead, item)  # the item's bullet lies between them, nothing else
    assert not gen._runs_on(lead, _unit(second, "implement the child protection plan"))


def test_a_stretch_opening_its_chunk_mid_sentence_gets_the_sentence_start_or_starts_after_it() -> None:
    from assistant.answer import ExtractiveGenerator
    from assistant.plans import begun_before

    first, second = _cut_item_chunks()
    whole = Unit(0, second, 0, len(second.text))
    before = begun_before(whole, first)
    assert before is not None and before.text.startswith("• follow the guidance")
    assert begun_before(whole, None) is None
    assert begun_before(_unit(second, "All involved practitioners should:"), first) is None
    gen = ExtractiveGenerator.__new__(ExtractiveGenerator)
    gen.following = {first: second}.get
    # quoted without the chunk before it: the piece begins at the line that starts a sentence
    piece = gen._whole_start(whole, [])
    assert piece is not None and piece.text.startswith("All involved practitioners should:")
    assert gen._whole_start(whole, [(before, False)]) == whole  # its start is quoted just before
    lettered = _chunk("d. Where a special guardianship order has been granted.", "c3")
    item = Unit(0, lettered, 0, len(lettered.text))
    assert gen._whole_start(item, []) == item  # "d." marks an item: no sentence goes on there


def test_a_pointer_to_further_reading_is_no_step() -> None:
    text = ("Further information and support, includes:\n• The statutory guidance on school attendance, "
            "which sets out how schools must work with children’s services.")
    reading = _chunk(text)
    step = _chunk("Staff should follow the school’s procedures for unauthorised absence.", "c2")
    units = [_unit(reading, "The statutory guidance on school attendance, which sets out how schools must "
                   "work with children’s services."), _unit(step, step.text)]
    units[0] = Unit(0, reading, units[0].start, units[0].end,
                    lead="Further information and support, includes:")
    ctx = _ctx(units, [0.6, 0.5], "procedure")
    assert [u.chunk.chunk_id for u, _ in plan(ctx, 3, 0.8)] == ["c2"]


def test_a_child_s_disclosure_gets_the_general_steps_first_then_its_own_without_stories() -> None:
    from dataclasses import replace as _replace

    from assistant.answer import TOLD_STEPS, ExtractiveGenerator, PartAnswer
    from corpus.manifest import load_manifest

    general = _chunk("If staff have any concerns about a child’s welfare, they should act on them "
                     "immediately.", "g1")
    own = _chunk("Staff should never promise a child that they will not tell anyone.", "c2")
    story = _replace(_chunk("The girl was given a trusted adult she could go to at any time.", "c3"),
                     paragraph=None, headings=("Part five", "Case study"))
    gen = ExtractiveGenerator.__new__(ExtractiveGenerator)
    gen.manifest, gen.pages, gen.following = load_manifest(), None, None
    steps = [(_unit(general, general.text), False)]
    gen._general = lambda part: PartAnswer(part, steps, 0.9, general=True)  # type: ignore[method-assign]
    mine = [(_unit(story, story.text), False), (_unit(own, own.text), False)]
    told = _replace(_ctx([], [], "procedure"), told=True)
    found = gen._after_general(told, mine, 0.5)
    assert found.told and [u.chunk.chunk_id for u, _ in found.units] == ["g1", "c2"]
    lines = gen._lines(found, [])
    assert lines[0] == TOLD_STEPS and "act on them immediately" in lines[1] and "never promise" in lines[2]
    # no child told of anything: the situation's own steps, as before
    plain = gen._after_general(_ctx([], [], "procedure"), mine, 0.5)
    assert not plain.told and plain.units == mine


def test_a_glossary_definition_stops_before_the_next_term() -> None:
    text = ("Family group conference - this is one model of family group decision-making. "
            "Family network - A group of people close to a child made up of relatives.")
    chunk = _chunk(text)
    first = text[:text.index(" Family network")]
    assert _defined("What is a family group conference?", chunk, first).text == first


def test_a_footnote_on_a_case_the_question_does_not_name_ranks_below_the_guidance() -> None:
    from dataclasses import replace as _replace

    note = _replace(_chunk("31\nWhen a school has a sole proprietor rather than a governing body, the member "
                           "of the senior leadership team appointed as designated safeguarding lead should "
                           "be independent.", "c2"), paragraph=None, headings=(FOOTNOTES,))
    guidance = _chunk("Governing bodies should ensure an appropriate senior member of staff is appointed "
                      "to the role of designated safeguarding lead.")
    units = [_unit(note, note.text[3:]), _unit(guidance, guidance.text)]
    idf = {"sole": 5.0, "proprietor": 3.0, "govern": 1.0, "bodi": 1.0, "school": 0.5}

    def ctx(question: str) -> AnswerContext:
        return AnswerContext(question, question, np.zeros(3), idf, units=units,
                             scores=np.array([0.64, 0.57]), kind="fact")

    first = plan(ctx("Who should be appointed as the designated safeguarding lead?"), 1, 0.5)[0][0]
    assert first.chunk.chunk_id == "c1"
    # the question names the case: the footnote answers it
    asked = "Who is the DSL when a school has a sole proprietor?"
    assert plan(ctx(asked), 1, 0.5)[0][0].chunk.chunk_id == "c2"


def test_a_list_item_ends_where_a_new_list_s_lead_in_line_begins() -> None:
    text = ("The conference chair:\n• should be prepared to answer questions openly\n"
            "• should ensure all participants are encouraged to contribute views independently\n"
            "Lead practitioners should:\n• convene, attend, and present information\n"
            "• record conference decisions,\nincluding:\n• actions")
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "The conference chair:", "• should be prepared to answer questions openly",
        "• should ensure all participants are encouraged to contribute views independently",
        "Lead practitioners should:", "• convene, attend, and present information",
        "• record conference decisions,\nincluding:", "• actions"]  # a wrapped line runs on


def test_what_tends_to_happen_is_no_step() -> None:
    from assistant.plans import DIRECTIVE

    assert not DIRECTIVE.search("Offenders will often use coercion, intimidation and violence.")
    assert not DIRECTIVE.search("Children will usually be reluctant to disclose.")
    assert DIRECTIVE.search("The designated safeguarding lead will liaise with the police.")


def test_passages_an_earlier_part_quoted_are_pointed_at_once_not_line_by_line() -> None:
    """A later part answered by the same general steps says so in one line; a run of passages
    quoted above among new ones is one pointer."""
    from assistant.answer import ExtractiveGenerator, PartAnswer
    from assistant.cite import make_citation
    from corpus.manifest import load_manifest

    chunk = _chunk("Act at once. Speak to the DSL. Refer to social care. Keep a record.")
    units = [_unit(chunk, t) for t in ("Act at once.", "Speak to the DSL.", "Refer to social care.",
                                       "Keep a record.")]
    gen = ExtractiveGenerator.__new__(ExtractiveGenerator)
    gen.manifest, gen.pages, gen.following = load_manifest(), None, None
    doc = gen.manifest.doc(chunk.doc_id)
    cites = [make_citation(n + 1, chunk, u.start, u.end, doc) for n, u in enumerate(units[:3])]
    ctx = _ctx([], [], "procedure")
    again = gen._lines(PartAnswer(ctx, [(u, False) for u in units[:3]], 0.9, general=True), cites)
    assert again == ["As for the part above: its general steps [1] [2] [3]."]
    mixed = gen._lines(PartAnswer(ctx, [(u, False) for u in units], 0.9), cites)
    assert mixed[1:] == ["1. (the passages quoted above) [1] [2] [3]", "2. “Keep a record.” [4]"]


def test_a_sentence_naming_each_member_of_the_set_asked_for_scores_higher(fake_embedder) -> None:
    """"Who are the three safeguarding partners?": the definition that labels them (a), (b) and (c)
    names the set, as a sentence saying "three safeguarding partners" does."""
    from assistant.evidence import score_units

    chunk = _chunk("Safeguarding partners are defined as: (a) the local authority, (b) an integrated care "
                   "board, and (c) the chief officer of police. Partners meet yearly.")
    named = _unit(chunk, "Safeguarding partners are defined as: (a) the local authority, (b) an integrated "
                         "care board, and (c) the chief officer of police.")
    question = "Who are the three safeguarding partners?"

    def scores(count: int) -> np.ndarray:
        ctx = AnswerContext(question, question, fake_embedder.embed([question])[0], kind="fact", count=count)
        return score_units(fake_embedder, ctx, [named])

    assert scores(3)[0] > scores(0)[0]
    assert scores(4)[0] == scores(0)[0]  # a set of another size


def test_a_list_that_opens_its_chunk_is_quoted_from_its_first_item() -> None:
    chunk = _chunk("• sexual abuse\n• physical abuse\n• neglect (i.e., a child might be left hungry)\n"
                   "• trafficking and modern slavery\n• drug or alcohol abuse")
    whole, cut = complete(_unit(chunk, "trafficking and modern slavery"), lists=True)
    assert not cut and whole.text.startswith("sexual abuse") and whole.text.endswith("alcohol abuse")
    assert complete(_unit(chunk, "trafficking and modern slavery"))[0].text.startswith("trafficking")


def test_a_list_questions_sentence_runs_on_to_the_list_its_paragraph_gives_a_little_later() -> None:
    first = "Shortlisted candidates should be asked to complete a self-declaration."
    chunk = _chunk(f"220. {first} Self-declaration is subject to Ministry of Justice guidance. For "
                   "example:\n• if they have a criminal history\n• if they are prohibited from teaching")
    whole, _ = complete(_unit(chunk, first), lists=True)
    assert whole.text.startswith("Shortlisted") and whole.text.endswith("prohibited from teaching")
    # a list in the next numbered paragraph is another matter
    later = _chunk("Staff should be trained. Training is yearly.\n12. Schools should:\n• ask\n• check")
    alone = "Staff should be trained."
    assert complete(_unit(later, alone), lists=True)[0].text == alone


def test_a_fact_quote_that_goes_on_from_a_better_one_brings_the_sentence_skipped_between() -> None:
    middle = "If the child is on a plan elsewhere, the first authority must consult the one responsible."
    text = ("The local authority where a child is found takes emergency action. " + middle
            + " Only when the second authority accepts responsibility is the first relieved of it.")
    chunk = replace(_chunk(text), paragraph=None)  # not a short numbered paragraph, quoted whole
    first = _unit(chunk, "The local authority where a child is found takes emergency action.")
    last = _unit(chunk, "Only when the second authority accepts responsibility is the first relieved of it.")
    ctx = _ctx([first, _unit(chunk, middle), last], [0.9, 0.2, 0.8], "fact")
    assert [u.text for u, _ in plan(ctx, 2, 0.5)] == [first.text, middle, last.text]
    # the better quote later in the chunk: the two as chosen, nothing added
    ctx = _ctx([first, last], [0.8, 0.9], "fact")
    assert [u.text for u, _ in plan(ctx, 2, 0.5)] == [last.text, first.text]


def test_an_inline_list_is_a_list_and_its_subject_names_what_it_lists() -> None:
    """"Forms of extra-familial harm include A, B, C and D." lists as much as bullets do: a list
    question's bonus goes to it, more when its lead-in names the asked noun."""
    from assistant.plans import _list_bonus, inline_lead

    text = ("Forms of extra-familial harm include exploitation by criminal groups (such as county lines "
            "and financial exploitation), serious violence, modern slavery and trafficking, online harm, "
            "and the influences of extremism.")
    assert inline_lead(text) == "Forms of extra-familial harm"
    unit = _unit(_chunk(text), text)
    assert _list_bonus(unit, "forms") > _list_bonus(unit, "checks") > 0
    groups = "Local protocols should reflect certain groups"
    assert inline_lead(f"{groups}, including young carers, unborn children and children in care.") == groups
    # two things, a clause list, a lead-in of several clauses, or no "include": no inline list
    assert inline_lead("Examples include neglect and abuse.") is None
    assert inline_lead("Staff should act on it, speak to the DSL, and record it.") is None
    assert inline_lead("Designated doctors, as experts, include leaders, advisers and trainers.") is None
    assert _list_bonus(_unit(_chunk("Records are kept."), "Records are kept."), "forms") == 0.0
    assert inline_lead("Links to further guidance on forms of harm, including exploitation, "
                       "serious violence and radicalisation are available in Appendix B") is None
    # WT 2023 para 44: the last item's "and" has a comma of its own ("… Board and, where relevant, …")
    boards = ("Other public boards include Health and Wellbeing Boards, Channel Panels, Corporate Parenting "
              "Board and, where relevant, Violence Reduction Units.")
    assert inline_lead(boards) == "Other public boards"
    assert inline_lead("Public boards include Health Boards, Channel Panels, where relevant, Units.") is None


PROSE_TEXT = ("26. Emotional abuse: the persistent emotional maltreatment of a child. It may involve "
              "conveying to a child that they are worthless. It may include deliberately silencing them. "
              "These may include overprotection. It may involve serious bullying. "
              "Some level of emotional abuse is involved in all types of maltreatment.")


def test_a_list_told_in_sentences_is_quoted_through_its_run() -> None:
    chunk = _loose(PROSE_TEXT)
    head = _unit(chunk, "26. Emotional abuse: the persistent emotional maltreatment of a child.")
    other = _unit(_loose(LIST_TEXT, "c2"), "take decisions on behalf", rank=1)
    chosen = plan(_ctx([head, other], [1.0, 0.5], "list"), max_quotes=3, ratio=0.8)
    assert len(chosen) == 1  # the run is the list: no unrelated bulleted list is added
    text = chosen[0][0].text
    assert "deliberately silencing" in text and text.endswith("serious bullying.")
    assert "Some level" not in text  # it stops where the sentences stop going on from it


def test_one_sentence_that_goes_on_with_an_inline_list_is_the_list() -> None:
    """"…environments outside the family home. These can include parks, housing estates and
    transport hubs.": the sentence after the definition lists what it holds, so it is quoted too;
    one that goes on without listing is not (a list told in sentences needs two)."""
    chunk = _loose("Extra-familial contexts include a range of environments outside the family home. "
                   "These can include peer groups, school, and public spaces (for example, parks, "
                   "housing estates, or transport hubs), as well as online, including social media or "
                   "gaming platforms. Extremism is defined elsewhere.")
    head = _unit(chunk, "Extra-familial contexts include a range of environments outside the family home.")
    text = plan(_ctx([head], [1.0], "list"), max_quotes=3, ratio=0.8)[0][0].text
    assert text.endswith("gaming platforms.") and "Extremism" not in text
    plain = _loose("Extra-familial contexts are outside the family home. These are often unsafe for "
                   "children. Extremism is defined elsewhere.")
    first = _unit(plain, "Extra-familial contexts are outside the family home.")
    assert plan(_ctx([first], [1.0], "list"), max_quotes=3, ratio=0.8)[0][0].text == first.text


def test_a_definite_opening_goes_on_from_a_thing_named_before() -> None:
    chunk = _loose("27. Sexual abuse: forcing a child to take part in sexual activities. The activities may "
                   "involve physical contact. They may also include non-contact activities. The school "
                   "should act.")
    head = _unit(chunk, "27. Sexual abuse: forcing a child to take part in sexual activities.")
    text = plan(_ctx([head], [1.0], "list"), max_quotes=3, ratio=0.8)[0][0].text
    assert text.endswith("non-contact activities.")


def test_a_procedure_step_brings_a_numbered_paragraph_of_some_length_but_not_a_very_long_one() -> None:
    """A paragraph of about a thousand characters is one step a reader cites whole (dev: +2
    scenarios at 1,500 characters, none lost); a longer one is quoted by its sentences."""
    filler = "Practitioners should record what was said and the decision made on the day. "
    chunk = _chunk("Schools should refer the child to social care. " + filler * 12)
    step = _unit(chunk, "Schools should refer the child to social care.")
    steps = plan(_ctx([step], [0.9], "procedure"), 2, 0.9)
    assert len(chunk.text) > 900 and steps[0][0].text == chunk.text.strip()
    long = _chunk("Schools should refer the child to social care. " + filler * 25)
    first = _unit(long, "Schools should refer the child to social care.")
    steps = plan(_ctx([first], [0.9], "procedure"), 2, 0.9)
    assert steps[0][0].text == "Schools should refer the child to social care."


def test_a_procedure_quotes_up_to_six_steps_of_equal_weight() -> None:
    verbs = ["refer", "record", "inform", "discuss", "review", "share", "escalate"]
    units = [_unit(_chunk(f"Staff should {v} the concern the same day.", f"c{n}"), f"Staff should {v}",
                   rank=n) for n, v in enumerate(verbs)]
    steps = plan(_ctx(units, [0.9] * len(units), "procedure"), 2, 0.9)
    assert len(steps) == 6


def test_a_list_that_adds_to_the_one_before_it_brings_that_list_too() -> None:
    chunk = _loose("1. The criteria partners must take into account include whether the case:\n"
                   "• highlights recurrent themes\n• highlights concerns about two agencies\n"
                   "Partners should also have regard to circumstances where:\n"
                   "• there has been no agency involvement\n• more than one area is involved")
    also = _unit(chunk, "Partners should also have regard to circumstances where:")
    text = plan(_ctx([also], [1.0], "list"), max_quotes=2, ratio=0.8)[0][0].text
    assert text.startswith("The criteria") and text.endswith("more than one area is involved")
    alone = _loose(chunk.text.replace("should also have", "should have"), "c2")
    plain = _unit(alone, "Partners should have regard to circumstances where:")
    assert plan(_ctx([plain], [1.0], "list"), max_quotes=2, ratio=0.8)[0][0].text.startswith("Partners")


def test_a_fact_brings_the_sentence_that_acts_in_these_circumstances() -> None:
    chunk = _chunk("1. A case may not meet the criteria for a notification. That might include near-miss "
                   "incidents. Partners may choose to undertake a local review in these or other "
                   "circumstances. " + "Reviews are published on the website. " * 30)
    fact = plan(_ctx([_unit(chunk, "A case may not meet the criteria for a notification.")], [0.9], "fact"),
                2, 0.9)
    assert fact[0][0].text.endswith("in these or other circumstances.")


def test_a_list_about_what_the_asker_ruled_out_goes_down() -> None:
    ruled = _chunk("Some specific indicators of involvement in county lines are children who:\n"
                   "• go missing\n• owe a debt bond", "c1")
    shared = _chunk("Indicators of both CCE and CSE include children who:\n• have unexplained gifts\n"
                    "• come home late", "c2")
    units = [_unit(ruled, "Some specific indicators"), _unit(shared, "Indicators of both", rank=1)]
    ctx = _ctx(units, [1.0, 0.9], "list")
    assert plan(ctx, max_quotes=1, ratio=0.5)[0][0].chunk.chunk_id == "c1"
    ctx.excluded = "county lines"
    assert plan(ctx, max_quotes=1, ratio=0.5)[0][0].chunk.chunk_id == "c2"
    whilst = _chunk("Whilst the age of the child may be a factor, other factors include ability.", "c3")
    units = [_unit(whilst, "Whilst the age"), _unit(shared, "Indicators of both", rank=1)]
    ctx = _ctx(units, [1.0, 0.9], "fact")
    ctx.excluded = "age"  # a sentence that sets it aside is no list about it
    assert plan(ctx, max_quotes=1, ratio=0.5)[0][0].chunk.chunk_id == "c3"


def test_a_bulleted_list_asked_for_is_followed_through_every_chunk_it_runs_on_in() -> None:
    """A list that fills one chunk and the next and goes on in a third (WT 2023 paragraph 107, split
    over three chunks) is quoted to its last item; a procedure's steps are not followed that far."""
    from assistant.answer import ExtractiveGenerator

    first = _chunk("The report must include:\n• what partnerships have done\n• how effective they have been")
    second = _chunk("• the contribution of each partner\n• an analysis of serious incidents", "c2")
    third = _chunk("• a review of independent scrutiny\n• evidence that reforms are in place", "c3")
    gen = ExtractiveGenerator.__new__(ExtractiveGenerator)
    gen.following, gen.preceding, gen.boxes = {first: second, second: third}.get, (lambda c: None), None
    lead = _unit(first, "The report must include:")
    whole = replace(lead, end=len(first.text))
    listed = gen._carried_on(whole, _ctx([lead], [0.5], "list"))
    assert [u.chunk.chunk_id for u in listed] == ["c1", "c2", "c3"]
    assert listed[-1].text.endswith("evidence that reforms are in place")
    steps = gen._carried_on(whole, _ctx([lead], [0.5], "procedure"))
    assert [u.chunk.chunk_id for u in steps] == ["c1", "c2"]


def test_a_part_of_a_multi_part_question_may_quote_one_more_sentence_of_a_passage_it_quotes() -> None:
    """With `context`, a fact part adds its best further sentence of an already quoted passage that
    scores at least CONTEXT_RATIO of the best; never another passage's, never a weaker one."""
    # a paragraph longer than FACT_PARAGRAPH_CHARS: its sentences are quoted apart
    filler = " ".join(f"Local areas record decision number {n} in their own way." for n in range(20))
    text = ("Schools must keep records of every concern. " + filler
            + " Records should be kept securely and apart from the main pupil file. "
            + "Staff should sign and date each entry.")
    chunk = _chunk(text)
    other = _chunk("Colleges should review their record keeping each year.", "c2")
    units = [_unit(chunk, "Schools must keep records of every concern."),
             _unit(chunk, "Records should be kept securely and apart from the main pupil file."),
             _unit(chunk, "Staff should sign and date each entry."),
             _unit(other, other.text)]
    ctx = AnswerContext("What records must we keep?", "records keep", np.zeros(3), units=units,
                        scores=np.array([0.9, 0.6, 0.5, 0.7]), kind="fact")
    assert [u.text for u, _ in plan(ctx, 3, 0.8)] == ["Schools must keep records of every concern."]
    assert [u.text for u, _ in plan(ctx, 3, 0.8, context=1)] == [
        "Schools must keep records of every concern.",
        "Records should be kept securely and apart from the main pupil file."]


def test_a_sentence_outside_the_section_the_part_names_goes_down() -> None:
    from assistant.plans import _order

    glossary = replace(_chunk("Serious violence - covers homicide, knife crime and corrosive acid.", "g"),
                       headings=("Appendix A: Glossary",))
    body = replace(_chunk("Youth justice services must provide appropriate adults.", "b"),
                   headings=("Chapter 4: Organisational responsibilities",))
    note = replace(_chunk("199 Youth offending teams are multi-agency.", "n"), headings=(FOOTNOTES,))
    units = [_unit(body, body.text), _unit(glossary, glossary.text), _unit(note, note.text)]
    ctx = _ctx(units, [0.33, 0.28, 0.30], "fact")
    assert _order(ctx)[0] == 0  # no section named: the best sentence first
    ctx.sections = ("glossary",)
    assert _order(ctx)[0] == 1  # the glossary's first; a footnote is chunked apart from its section
    bonus = unit_bonus(ctx)
    assert bonus is not None and bonus(units[0]) == bonus(units[2]) < bonus(units[1]) == 0.0


def test_a_situated_part_orders_its_sentences_by_the_words_it_asks_in() -> None:
    from assistant.plans import _order, asked_fit

    told = _chunk("The child's school should share information with the social worker.", "t")
    asked = _chunk("The original DBS certificate must be shown before they take up post.", "a")
    units = [_unit(told, told.text), _unit(asked, asked.text)]
    ctx = AnswerContext("Is a photo of her DBS certificate enough?",
                        "school social worker information share DBS certificate photo enough",
                        np.zeros(3), units=units, scores=np.array([0.30, 0.29]), kind="fact",
                        asked="DBS certificate photo enough")
    assert asked_fit(ctx, units[1]) > 0 > asked_fit(ctx, units[0])
    assert _order(ctx)[0] == 1
    alone = AnswerContext("q", "DBS certificate photo enough", np.zeros(3), units=units,
                          scores=np.array([0.30, 0.29]), kind="fact")
    assert asked_fit(alone, units[1]) == 0.0 and _order(alone)[0] == 0  # nothing situates it


def test_a_yes_no_part_about_a_kind_ranks_the_sentence_that_says_what_the_kind_is() -> None:
    text = ("Domestic abuse is any incident or pattern of incidents of controlling behaviour. "
            "Teenagers can experience abuse in their own relationships.")
    chunk = _chunk(text)
    defines, other = _unit(chunk, text.split(". ")[0] + "."), _unit(chunk, "Teenagers can")
    ctx = replace(_ctx([defines, other], [0.3, 0.4], "fact", "yes-no"), category="domestic abuse")
    bonus = unit_bonus(ctx)
    assert bonus is not None and bonus(defines) > bonus(other) == 0.0
    assert unit_bonus(_ctx([defines, other], [0.3, 0.4], "fact", "yes-no")) is None


def test_a_case_study_asked_about_comes_first_and_other_stories_last() -> None:
    from dataclasses import replace as _replace

    from assistant.plans import _order

    def story(text: str, cid: str) -> Chunk:
        return _replace(_chunk(text, cid), paragraph=None, headings=("Part five", "Case study"))

    guidance = _unit(_chunk("Schools should refer the report on the same day."), "Schools should refer")
    asked = _unit(story("The school made a referral on the same day.", "s1"), "The school made")
    other = _unit(story("The school talked to the girl about the video.", "s2"), "The school talked")
    units, scores = [guidance, asked, other], [0.45, 0.49, 0.50]
    assert _order(_ctx(units, scores, "procedure")) == [0, 2, 1]  # stories go down unless asked about
    told = _ctx(units, scores, "procedure")
    told.exhibit, told.exhibited = "case study", ("s1",)
    assert _order(told) == [1, 0, 2]  # the story asked about first, another story last


def test_a_flow_chart_runs_from_its_title_over_the_unnumbered_chunks_of_its_page() -> None:
    from dataclasses import replace as _replace

    THREE = "Flow chart 3: Immediate protection"  # noqa: N806

    from assistant.exhibits import figure_runs

    def chunk(text: str, cid: str, page: int, paragraph: str | None = None,
              heading: str = "Assessment") -> Chunk:
        return _replace(_chunk(text, cid), page_start=page, page_end=page, paragraph=paragraph,
                        headings=("Chapter 3", heading))

    chunks = [chunk("218. The standards are these.", "p1", 75, "218"),
              chunk("Flow chart 1: Action taken when a child is referred\nThey decide", "f1", 76),
              chunk("With partners, they agree who the lead practitioner should be.", "f2", 76),
              chunk("Looked after children returning home are assessed.", "t1", 77),
              chunk("The local authority decides what to do.", "f3", 102, heading=THREE),
              chunk("The local authority records the plan.", "f4", 102, heading=THREE),
              chunk("Flow chart 4: Action taken for an assessment", "f5", 103, heading=THREE)]
    runs = figure_runs(chunks)
    assert [c.chunk_id for c in runs["f2"]] == ["f1", "f2"]  # not the next page's prose
    assert [c.chunk_id for c in runs["f3"]] == ["f3", "f4"]  # a title printed as a heading
    assert [c.chunk_id for c in runs["f5"]] == ["f5"]  # the next chart opens with its own title
    assert "p1" not in runs and "t1" not in runs


def test_a_short_sentence_whose_words_a_longer_one_holds_in_another_order_is_not_a_restatement() -> None:
    from assistant.plans import restates
    said = ("The lead practitioner (social worker) is responsible for deciding what action to take "
            "following section 47 enquiries.")
    chunk = _chunk(f"{said} The lead practitioner for section 47 enquiries should be a social worker. "
                   f"Annex: {said}", "c9")
    first = _unit(chunk, said)
    short = _unit(chunk, "The lead practitioner for section 47 enquiries should be a social worker.")
    again = replace(first, start=chunk.text.rindex("The lead"), end=len(chunk.text))
    assert not restates(short, first)
    assert restates(again, first)


def test_a_flow_chart_box_of_two_unpunctuated_lines_is_no_heading() -> None:
    from assistant.plans import bare_title
    text = ("Flow chart 3: Immediate protection\nThe relevant agency seeks legal advice\n"
            "and records the outcome\nThe relevant agency meets with the child\nand records the outcome")
    chart = Chunk("f3", "working-together-2023", "WT", "working-together", "2023", 102, 102, None, (), text)
    assert not bare_title(_unit(chart, "The relevant agency seeks legal advice\nand records the outcome"))
    assert bare_title(_unit(chart, "Flow chart 3: Immediate protection"))


def test_a_which_law_part_quotes_the_sentence_naming_the_law_beside_its_best_quote() -> None:
    """"Which regulations require the short breaks services statement?": the best sentence names the
    statement, its footnote names the law; the footnote is quoted too, if it scores close enough."""
    body = _chunk("116. Services should be aligned with the short breaks services statement. "
                  "Partners should publish the criteria.")
    text = "43 Required under the Breaks for Carers of Disabled Children Regulations 2011"
    note = replace(_chunk(text, "n"), paragraph=None, headings=(FOOTNOTES,))
    units = [_unit(body, "Services should be aligned with the short breaks services statement."),
             _unit(body, "Partners should publish the criteria."),
             _unit(note, "Required under the Breaks for Carers of Disabled Children Regulations 2011")]
    quoted = [u.text for u, _ in plan(_ctx(units, [0.50, 0.45, 0.43], "fact", "law"), 1, 0.9)]
    assert quoted[0].startswith("Services should be aligned") and any("Regulations 2011" in q for q in quoted)
    # scoring under LAW_RATIO of the best, or asked without the law shape: not added
    assert not any("2011" in u.text for u, _ in plan(_ctx(units, [0.50, 0.45, 0.30], "fact", "law"), 1, 0.9))
    assert not any("2011" in u.text for u, _ in plan(_ctx(units, [0.50, 0.45, 0.43], "fact"), 1, 0.9))


def test_an_imperative_after_a_condition_or_please_is_a_step() -> None:
    """"If you feel your pupils are at risk, please report it to the Anti-Phishing Working Group":
    a step as much as "Staff should report it"; a sentence that tells nothing to do is none."""
    chunk = _chunk("If you feel your pupils or staff are at risk, please report it to the Anti-Phishing "
                   "Working Group. When this happens, children may be upset. Where a child is in "
                   "immediate danger, call 999.")
    report = _unit(chunk, "If you feel your pupils or staff are at risk, please report it")
    upset = _unit(chunk, "When this happens, children may be upset.")
    danger = _unit(chunk, "Where a child is in immediate danger, call 999.")
    chosen = plan(_ctx([upset, report, danger], [0.5, 0.45, 0.44], "procedure"), 1, 0.8, steps=3)
    texts = [u.text for u, _ in chosen]
    assert any("Anti-Phishing" in t for t in texts) and any("call 999" in t for t in texts)
    assert not any(t.startswith("When this happens") for t in texts)


def test_products_offered_as_options_that_no_passage_names_are_a_gap() -> None:
    """"Does KCSIE say we should use Smoothwall, Lightspeed or Securly?": no passage searched names any
    of them, so the guidance names none; one it names ("the Update Service") is no gap."""
    from assistant.named import unnamed_options

    asked = "Does KCSIE say we should use Smoothwall, Lightspeed or Securly?"
    assert offered_names(asked) == ("Smoothwall", "Lightspeed", "Securly")
    assert offered_names("Which system (CPOMS, MyConcern, etc.) must we use?") == ("CPOMS", "MyConcern")
    assert offered_names("Does WT23 require LAs to use Signs of Safety?") == ("Signs of Safety",)
    assert offered_names("Can we use the Update Service without asking them?") == ()
    assert offered_names("What can we use DfE's Check a teacher's record for?") == ()
    ctx = _asked_about("Schools should have appropriate filtering and monitoring systems in place.", asked)
    assert unnamed_options(ctx) == ("Smoothwall", "Lightspeed", "Securly")
    assert gap_reason(ctx) == ("The guidance searched names none of these: “Smoothwall”, “Lightspeed”, "
                               "“Securly”.")
    named = _asked_about("Some schools use Smoothwall for filtering.", asked)
    assert unnamed_options(named) == ()


def test_a_definition_is_of_the_term_asked_not_of_another_term_the_question_words_name() -> None:
    """"What does 'local area' mean for child death reviews?": "child death review partners … are
    defined as…" defines another term; "a local area is the area within the remit…" defines it."""
    other = _chunk("The responsibility for child death reviews is held by child death review partners, who "
                   "are defined as the local authority and any ICBs in the area.", "c1")
    asked = _chunk("For the purposes of child death reviews, a local area is the area within the remit of "
                   "a local authority.", "c2")
    units = [_unit(other, other.text), _unit(asked, asked.text, 1)]
    ctx = _ctx(units, [0.45, 0.44], "definition")
    ctx.question = ctx.asked = "what does 'local area' mean for child death reviews?"
    ctx.defined = defined_term(ctx.asked)
    ctx.query_tokens = {"local", "area", "mean", "child", "death", "review"}
    chosen = plan(ctx, 1, 0.5)
    assert chosen[0][0].chunk.chunk_id == "c2"


def test_an_item_that_goes_on_for_three_sentences_on_new_lines_does_not_end_its_list() -> None:
    """WT23 para 16: the Equality Act item goes on for three sentences, each starting a printed line,
    before "• the United Nations Convention…": the list is quoted on to its later items."""
    chunk = _chunk("16. This child-centred approach is supported by:\n"
                   "• the Children Act 1989, which requires local authorities to consider a child's wishes.\n"
                   "• the Equality Act 2010, which puts a responsibility on public authorities.\n"
                   "This applies to the process of identification of need and risk.\n"
                   "No child or group of children must be treated any less favourably than others.\n"
                   "To comply with the Equality Act 2010, safeguarding partners must assess barriers.\n"
                   "• the United Nations Convention on the Rights of the Child (UNCRC), an international "
                   "agreement.\n"
                   "• the Domestic Abuse Act 2021, section 3.")
    whole, cut = complete(_unit(chunk, "the Children Act 1989"))
    assert not cut and "Domestic Abuse Act 2021" in whole.text


def test_a_list_asked_on_its_own_takes_more_quotes_than_a_fact(monkeypatch) -> None:
    import assistant.answer as answer_module
    from assistant.answer import ExtractiveGenerator

    texts = ["Local authorities publish the arrangements yearly.", "Schools train every member of staff.",
             "Police forces attend strategy discussions promptly.",
             "Health visitors record concerns carefully."]
    chunks = [_chunk(text, f"c{n}") for n, text in enumerate(texts)]
    units = [_unit(c, c.text, rank=n) for n, c in enumerate(chunks)]
    monkeypatch.setattr(answer_module, "support_of", lambda part, passages, weights: 0.9)
    gen = ExtractiveGenerator(None, None, 0.4, {}, max_quotes=2, quote_ratio=0.5,  # type: ignore[arg-type]
                              list_quotes=3)

    def quotes(kind: str) -> int:
        return len(gen.answer_parts(_ctx(list(units), [0.9, 0.85, 0.8, 0.75], kind), [])[0].units)

    assert quotes("fact") == 2 and quotes("list") == 3


def test_a_line_numbered_with_a_bracket_opens_a_unit_and_its_lead_in_carries_on() -> None:
    """Principles numbered "2)", "3)" (WT 2023's principles for working with parents) open units
    as "2." does: the principle ending in ":" is the lead-in of the items after it, also for a
    list that runs on into the next chunk."""
    from dataclasses import replace as _replace

    from assistant.plans import carried_lead
    from assistant.sentences import sentences

    text = ("• being mindful of negative stereotypes\n2) Communication should be clear. Interpreters "
            "should be provided.\n3) Practitioners empower parents by:\n• creating a culture of no surprises")
    chunk = _replace(_chunk(text), paragraph=None)
    units = [text[s.start:s.end] for s in sentences(chunk)]
    assert "3) Practitioners empower parents by:" in units
    assert not any(u.startswith("being mindful") and "Communication" in u for u in units)
    after = _replace(_chunk("• helping parents to understand what the issues are", "c2"), paragraph=None)
    assert carried_lead(after, chunk) == "3) Practitioners empower parents by:"


def test_a_part_takes_one_more_quote_only_when_no_later_part_would_quote_it(monkeypatch) -> None:
    """A multi-part question's part may quote one sentence beyond `part_quotes`, unless a later part
    would quote that sentence itself (an earlier part never takes what a later part asks about)."""
    import assistant.answer as answer_module
    from assistant.answer import ExtractiveGenerator

    texts = ["Local authorities publish the arrangements yearly.", "Schools train every member of staff.",
             "Police forces attend strategy discussions promptly.",
             "Health visitors record concerns carefully.",
             "Probation shares risk information with children's social care."]
    chunks = [_chunk(text, f"c{n}") for n, text in enumerate(texts)]
    units = [_unit(c, c.text, rank=n) for n, c in enumerate(chunks)]
    monkeypatch.setattr(answer_module, "support_of", lambda part, passages, weights: 0.9)
    gen = ExtractiveGenerator(None, None, 0.4, {}, quote_ratio=0.5, part_quotes=3)  # type: ignore[arg-type]

    def first_quotes(later_units: list[Unit]) -> list[str]:
        first = _ctx(units[:4], [0.9, 0.85, 0.8, 0.75], "fact")
        later = _ctx(later_units, [0.9, 0.6][:len(later_units)], "fact")
        whole = AnswerContext("q", "q", np.zeros(3), kind="multi-part", parts=[first, later])
        return [u.text for u, _ in gen.answer_parts(whole, [])[0].units]

    assert len(first_quotes([units[4]])) == 4  # the later part asks about something else
    kept = first_quotes([units[3], units[4]])  # the later part's best sentence is the first's fourth
    assert len(kept) == 3 and texts[3] not in kept


def test_a_list_in_a_short_numbered_paragraph_is_quoted_with_the_sentences_around_it() -> None:
    """WT 2023 paragraph 269: the prison's first-night duty sits before "The Prison Service should:"
    and is as much an answer to "what must the prison do for prisoners' children?" as its items."""
    text = ("Each prison should have arrangements that take account of the needs of children. During a "
            "prisoner's first night induction, they will be supported to make care arrangements for any "
            "dependent children. The Prison Service should:\n• provide facilities for children to play\n"
            "• ensure the visitors' area caters for the needs of children")
    chunk = _chunk(text)
    quoted = plan(_ctx([_unit(chunk, "The Prison Service should:")], [0.9], "list"), 2, 0.9)
    assert len(quoted) == 1 and quoted[0][0].text.startswith("Each prison should")
    assert quoted[0][0].text.endswith("caters for the needs of children")
    unnumbered = replace(chunk, paragraph=None)  # no numbered paragraph: the list from its lead-in
    quoted = plan(_ctx([_unit(unnumbered, "The Prison Service should:")], [0.9], "list"), 2, 0.9)
    assert quoted[0][0].text.startswith("The Prison Service should:")
