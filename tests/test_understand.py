"""The question-analysis stage: kinds, parts, answer shapes, and the Query it builds once."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.editions import EditionRegistry
from assistant.renames import load_renames
from assistant.understand import analyse
from assistant.understand.kinds import (
    ANSWER_SHAPES,
    answer_shape,
    category,
    count_pattern,
    listed,
    question_kind,
    stated_count,
)
from assistant.understand.parts import needs_antecedent, split_parts, split_question
from assistant.understand.shorthand import spell_shorthand
from corpus.manifest import load_manifest

TODAY = date(2026, 12, 1)


def _query(question: str, **kw):  # type: ignore[no-untyped-def]
    return analyse(question, EditionRegistry(load_manifest()), load_renames(),
                   {"DSL": "designated safeguarding lead"}, TODAY, **kw)


@pytest.mark.parametrize(("question", "kind"), [
    ("A child told me their stepdad hits them. What should I do?", "procedure"),
    ("What happens next after I make a referral?", "procedure"),
    ("Who should I tell if I'm worried about a colleague?", "procedure"),
    ("What should the DSL think about now?", "procedure"),
    ("What should we as the LA be doing now?", "procedure"),
    ("What's the process from here for us and the other agencies?", "procedure"),
    ("What do we need to sort out safeguarding-wise?", "procedure"),
    # what is expected of someone, or meant to happen next
    ("What's actually expected of us while the enquiries are going on?", "procedure"),
    ("What does Working Together expect a club like ours to have in place?", "procedure"),
    ("What's supposed to happen when a CP plan ends?", "procedure"),
    ("A family on a child in need plan has moved to us. What does Working Together say should happen?",
     "procedure"),
    ("Our new pupil's file hasn't arrived. What should happen?", "procedure"),
    ("Before I do anything I regret - what should my first steps be?", "procedure"),
    ("How do we go about deciding whether we can still appoint him?", "procedure"),
    ("How is CSC meant to handle the info exchange with probation?", "procedure"),
    ("What happens to the plan and the support now?", "procedure"),
    ("What happens to a child's file when they move school?", "fact"),
    ("What is expected to be in a child protection plan?", "definition"),  # not a procedure
    # reported: what the guidance says the asker should do, or says happens next
    ("What does Working Together say someone like me should do?", "procedure"),
    ("SLT want to know what else we should be doing beyond the individual cases.", "procedure"),
    ("What does the WT flowchart say happens next in each case?", "procedure"),
    ("What did KCSIE say schools should do about the cyber security standards?", "fact"),
    ("What are the four types of abuse?", "list"),
    # a list asked for in so many words
    ("Which charities does KCSIE mention for bereavement support?", "list"),
    ("Which organisations does the guidance list for parents?", "list"),
    ("My head says there's a list in Annex B. What's on it?", "list"),
    ("There's a table of agencies at the back - which ones are on it?", "list"),
    ("What does Working Together say the local protocol should cover?", "list"),
    ("What does KCSIE say about mobile phones?", "fact"),
    ("Which records am I required to keep as the DSL?", "list"),
    ("What does Working Together list as the partners' shared functions?", "list"),
    ("Which agencies are the safeguarding partners?", "fact"),  # a who-question
    ("Within how many working days must the panel be told?", "fact"),
    ("Who are the safeguarding partners under the 2018 edition?", "fact"),  # shape "who" finds them
    ("What are the seven golden rules for sharing information?", "list"),
    ("Per KCSIE, list what we should require applicants to provide", "list"),  # "list" + question word
    ("List for me what KCSIE says this kind of absence can be a warning sign of", "list"),  # "for me"
    ("Can you list out the checks for a new caretaker", "list"),
    ("What should make the panel probe further - what areas of concern does KCSIE flag?", "list"),
    ("What extra barriers to recognising abuse can there be for kids with SEND?", "list"),
    ("What functions is independent scrutiny supposed to cover?", "list"),
    ("We're rewriting the local protocol. What does it need to set out?", "list"),
    ("Which arrangements count as kinship care?", "list"),
    ("What are the important considerations for the DSL?", "list"),
    ("What is the advice trying to achieve? what are its aims", "list"),
    ("What happens to the records when a child moves school?", "fact"),
    ("The meeting is on us, but what are the other steps from our end?", "procedure"),
    ("What are the further steps once the plan ends?", "procedure"),
    ("What is upskirting?", "definition"),
    ("What does 'contextual safeguarding' mean?", "definition"),
    ("What does 'reasonable force' actually cover in school?", "definition"),
    ("When does sexual behaviour between two kids count as harmful?", "definition"),
    ("How long can an assessment take from the point of referral?", "fact"),
    ("What should the DSL do when a child keeps going missing from education?", "procedure"),
    ("What must a school nurse say to a child who discloses abuse?", "procedure"),
    ("What should staff training cover?", "fact"),
    # what a document "should do" is what it holds, not someone's steps
    ("Per WT23, what should a local protocol do - list everything it should set out", "list"),
])
def test_question_kinds(question: str, kind: str) -> None:
    assert question_kind(question, answer_shape(question)) == kind


@pytest.mark.parametrize(("question", "shape"), [
    ("How soon should the conference be held?", "duration"),
    ("By when does KCSIE say the file has to be transferred?", "duration"),
    ("What is the maximum caseload for a social worker?", "number"),
    ("When did KCSIE 2025 come into force?", "date"),
    ("Who chairs the partnership?", "who"),
    ("Who are the safeguarding partners?", "who-many"),
    ("Who has to be involved in a strategy discussion as a bare minimum?", "who"),
    ("Which agencies must co-operate?", "who-many"),
    ("Is upskirting a criminal offence?", "yes-no"),
    ("Is there a helpline staff can call about a failure in their school?", "phone"),
    ("What is neglect?", None),
    ("and when is it open? I tried at 3pm", "opening"),
    ("What are the line's opening hours?", "opening"),
    ("What timescale do the procedures set?", "duration"),  # "timescale" asks no clock time
    ("how and within what time do we notify", "duration"),  # a time limit, not opening hours
    ("How many years must we keep those records before we destroy them?", "duration"),
    ("How many working days does the council have to reply to our request?", "duration"),
    ("At what age is it legal to leave a child home alone?", "age"),
    ("What's the youngest age at which a child can be treated without a parent?", "age"),
    ("How old does a young person have to be to count as a child?", "age"),
    ("And once it's under way, how often should the case be reviewed?", "frequency"),
    ("At what intervals should the plan be reviewed?", "frequency"),
    # when a step of a process falls is a time limit; when to act is a circumstance
    ("when does the core group first meet", "duration"),
    ("When is the next conference and the one after that?", "duration"),
    ("When should the first review be held?", "duration"),
    ("When should a council refer?", None),
    # where the guidance sets something out: a part, section, annex or paragraph
    ("and which part of KCSIE deals with them?", "location"),
    ("which paragraph has the detail?", "location"),
    ("when would the restrictions stop applying", None),
    # where to read more: the guidance points elsewhere
    ("where's the guidance on PACE if he's interviewed?", "pointer"),
    ("where else I can get advice?", "pointer"),
    ("where is the child contact risk assessment process explained?", "pointer"),
    ("where in KCSIE is the fuller HSB information?", "pointer"),
    ("where can I find more detailed guidance and case studies?", "pointer"),
    ("is there anywhere in KCSIE with a list of further resources I can point them to?", "pointer"),
    ("where do I send her for the filtering rules?", "pointer"),
    ("where is the child at risk?", None),
    ("where do the reporting forms get sent?", None),
])
def test_answer_shapes(question: str, shape: str | None) -> None:
    assert answer_shape(question) == shape


def test_a_location_is_stated_as_a_part_section_annex_or_paragraph() -> None:
    shape = ANSWER_SHAPES["location"]
    assert shape.search("should be addressed as set out in Section two of Part four of this guidance")
    assert shape.search("The detail is in paragraph 354.") and shape.search("see Annex B")
    assert not shape.search("Part of the role of the designated safeguarding lead is to liaise")


def test_opening_hours_are_stated_as_times_or_days_not_references() -> None:
    shape = ANSWER_SHAPES["opening"]
    assert shape.search("The helpline is available 8:00 to 13:00, Monday to Friday on 0204 513 9990")
    assert shape.search("which can be called free of charge and in confidence, 24 hours a day")
    assert not shape.search("Section 17 of the Children Act 1989 applies to 13 year olds")


def test_one_question_asked_of_several_things_is_asked_of_each() -> None:
    assert split_question("What does KCSIE say about mobile phones, about cameras, and about smart "
                          "watches?")[1] == ["What does KCSIE say about mobile phones?",
                                             "What does KCSIE say about cameras?",
                                             "What does KCSIE say about smart watches?"]
    assert split_question("Where does WT23 point me for good practice on working with her, and on "
                          "pre-proceedings?")[1] == [
        "Where does WT23 point me for good practice on working with her?",
        "Where does WT23 point me on pre-proceedings?"]
    # one set of steps for several people; a question word after the preposition asks anew
    assert len(split_question("What steps should I take - with her, with him, and with the video?")[1]) == 1
    assert split_question("What does WT say about information sharing and on what basis can we "
                          "share?")[1] == ["What does WT say about information sharing and on what basis "
                                           "can we share?"]


@pytest.mark.parametrize(("question", "parts"), [
    # in the past tense
    ("What does Working Together say about early help assessments, and was it different in the 2018 "
     "edition?", ["What does Working Together say about early help assessments",
                  "was it different in the 2018 edition?"]),
    ("Who were the partners in 2018, and did that change in 2023?",
     ["Who were the partners in 2018", "did that change in 2023?"]),
    # "and is there…"
    ("Which parts of the health infrastructure must arrangements reflect and is there anything about "
     "children placed out of area?", ["Which parts of the health infrastructure must arrangements reflect",
                                      "is there anything about children placed out of area?"]),
])
def test_a_second_question_after_and_is_a_part(question: str, parts: list[str]) -> None:
    assert split_question(question)[1] == parts


def test_a_question_in_brackets_does_not_end_the_question_it_sits_in() -> None:
    situation, parts = split_question(
        "I'm writing my CPD plan. According to the annex, what should I be able to do on online safety "
        "(anything on SEND?), on supporting staff, and for the children who have had a social worker?")
    assert situation == "I'm writing my CPD plan."
    assert " ".join(parts).startswith("According to the annex, what should I be able to do on online")
    assert "supporting staff" in " ".join(parts)
    # …but a bracket's question before a new sentence still ends it
    assert split_question("We asked the LA (why?) Then what happens to the plan?")[1] == [
        "Then what happens to the plan?"]


def test_parts_split_on_joined_questions_and_keep_the_situation() -> None:
    assert split_question("What is a child in need under section 17, and who carries out the "
                          "assessment?") == ("", ["What is a child in need under section 17",
                                                  "who carries out the assessment?"])
    situation, parts = split_question("I'm a TA in a primary in Leeds. A child told me their stepdad "
                                      "hits them. What should I do?")
    assert parts == ["What should I do?"]
    assert "stepdad hits them" in situation
    # "and" inside one question is not a second question
    assert split_question("Is a child who is home educated and is missing education a concern?")[1] == [
        "Is a child who is home educated and is missing education a concern?"]
    # a lead-in before a colon is the situation; "and at what age…" is a second question
    assert split_question("For our RSHE lead: what does KCSIE say consent is, and at what age can a "
                          "child never consent?") == ("For our RSHE lead.", [
                              "what does KCSIE say consent is", "at what age can a child never consent?"])
    # a head that asks nothing is not a question of its own
    assert split_question("In a neglect case where parents make small improvements, what's the test "
                          "when reviewing the plan?")[1] == [
        "In a neglect case where parents make small improvements, what's the test when reviewing the plan?"]
    # too short to stand alone: stays with the question before it
    assert len(split_question("What is early help and why?")[1]) == 1


def test_a_question_quoted_in_the_situation_is_not_a_part() -> None:
    situation, parts = split_question("Staff keep asking 'but what would actually count?' What examples "
                                      "of low-level concerns does KCSIE give?")
    assert parts == ["What examples of low-level concerns does KCSIE give?"]
    assert situation == "Staff keep asking 'but what would actually count?'"  # its quote mark kept
    # a quotation inside a question that asks is still asked
    assert split_question("Is it OK to tell parents \"no\"? What should I do?")[1] == [
        "Is it OK to tell parents \"no\"?", "What should I do?"]
    assert split_question("Mum says “he’s fine?” Should I still check his background?")[1] == [
        "Should I still check his background?"]


def test_a_quoted_list_of_questions_in_the_situation_is_not_asked() -> None:
    # "who's" holds an apostrophe, not a quote mark: the quotation still opens at "'what"
    question = ("She's terrified and keeps asking me 'what even is it, who's going to be there, what are "
                "they deciding?'. What does WT23 say the conference is for, and how do I help her prepare?")
    situation, parts = split_question(question)
    assert parts == ["What does WT23 say the conference is for", "how do I help her prepare?"]
    assert situation.startswith("She's terrified and keeps asking me 'what even is it")


def test_the_askers_own_obligation_after_a_situation_asks_for_steps() -> None:
    for question in ("The concern is about the head, and he owns the school. Who am I supposed to take "
                     "this to?",
                     "I've done the home visit and the referral. What else am I expected to do?",
                     "Dad won't let me see her alone. What does WT 2023 expect of me in how I go "
                     "about this?",
                     "The boy shared a photo of her. How should I be working with the two families?"):
        assert _query(question).parts[0].kind == "procedure", question
    # no situation told, a thing picked, a duration, a yes or no: not a request for steps
    for question in ("What should I cook for dinner tonight?",
                     "My son is 14. Which laptop should I buy for him?",
                     "We hold the file. How long do we have to keep the records?",
                     "We dismissed a teacher. Do we have to refer him to the TRA?",
                     "We are reviewing it. a) does WT say how it is done - do we have to have a named "
                     "scrutineer?"):
        assert _query(question).parts[0].kind != "procedure", question


def test_short_edition_names_are_read_as_editions() -> None:
    q = _query("What should my assessment cover according to WT23?")
    assert q.scope.how == "named" and q.scope.doc_ids == ("working-together-2023",)
    assert q.question == "What should my assessment cover according to WT23?"  # kept as asked
    assert "WT" not in q.parts[0].search and "23" not in q.parts[0].search  # not a search word
    assert _query("Who were the partners in WT18?").scope.doc_ids == ("wt2018-briefing",)
    assert _query("What did KCSIE '24 say about filtering?").scope.doc_ids == ("kcsie-2024",)
    assert _query("Does KCSIE 22 cover this?").scope.unavailable  # an edition the corpus lacks
    assert _query("How long?", edition="KCSIE24").scope.doc_ids == ("kcsie-2024",)  # --edition too
    # "WT" alone names the series, in force today
    assert _query("How does WT define child protection?").scope.doc_ids == ("working-together-2023",)


def test_query_is_built_once_with_parts_shapes_and_scope() -> None:
    q = _query("What is upskirting, and is it a criminal offence?")
    assert q.kind == "multi-part" and len(q.parts) == 2
    assert [p.kind for p in q.parts] == ["definition", "fact"]
    assert q.parts[1].shape == "yes-no"
    assert "upskirting" in q.parts[1].search  # the pronoun borrows the subject of the part before
    assert [p.follows for p in q.parts] == [False, True]  # and retrieval reads the part before
    assert q.scope.how == "current"


def test_a_part_that_refers_back_asks_only_its_own_words() -> None:
    q = _query("Is it the LADO who investigates an allegation against staff? "
               "And how often should it be reviewed?")
    later = q.parts[1]
    assert later.follows and "allegation" in later.search  # searched with the part before
    assert "allegation" not in later.asked and "reviewed" in later.asked  # what it asks is its own


def test_parts_after_a_request_and_its_dash_refer_to_what_it_asks_about() -> None:
    """"List everything WT23 says independent scrutiny should do - what it should drive, how it fits
    with inspections, how it can be delivered": each "it" is independent scrutiny, not the part before."""
    q = _query("Can you list everything WT23 says independent scrutiny should do - what it should drive, "
               "what learning it should consider, what I should assess about the partners, how it fits "
               "with inspections, and how it can be delivered?")
    last = q.parts[-1]
    assert last.text.startswith("how it can be delivered") and last.follows
    assert "scrutiny" in last.search and "2023" not in last.search
    assert q.parts[0].text.endswith("says independent scrutiny should do")  # the request, asked apart
    assert "scrutiny" not in q.parts[3].search  # it asks without "it"
    # a first thing asked that does not refer back, after a dash that asks nothing: no umbrella's
    plain = _query("Can you list everything WT23 says independent scrutiny should do - in order please. "
                   "What I should assess about the partners, and how it can be delivered?")
    assert plain.parts[-1].follows and "scrutiny" not in plain.parts[-1].search


def test_questions_that_run_on_from_a_requests_dash_ask_of_its_subject_and_its_section() -> None:
    """"What does Annex B say about county lines - what it is, what children get made to do, …":
    every question after the dash is about county lines, in Annex B, referring back or not."""
    q = _query("What does KCSIE's Annex B say about county lines - what it is, what children get made to do, "
               "how the offenders keep them in line, and where to read more?")
    assert len(q.parts) == 4 and not q.parts[1].follows
    for part in q.parts[1:]:
        assert "county lines" in part.search and part.sections == ("annex b",)
    # a question before the dash that is itself asked keeps its later parts apart
    q = _query("What does KCSIE's Annex B say about county lines? What should a youth worker do, "
               "and who should they tell?")
    assert "county" not in q.parts[-1].search


def test_what_thing_the_asker_is_supposed_to_have_is_asked_not_steps() -> None:
    """After a situation, "what attitude am I supposed to have?" asks for a thing the guidance names;
    "what am I supposed to do" and "what extra should we be doing" still ask for steps."""
    assert question_kind("what attitude am I supposed to have", None, situated=True) == "fact"
    assert question_kind("what records must we keep", None, situated=True) != "procedure"
    assert question_kind("what am I supposed to do now", None, situated=True) == "procedure"
    assert question_kind("what extra should we be doing because of it", None, situated=True) == "procedure"


def test_a_who_part_asking_for_the_full_list_is_a_list() -> None:
    assert question_kind("who else might be involved? Full list of the examples please.", "who") == "list"
    assert question_kind("who else might be involved?", "who") == "fact"


def test_an_opening_of_two_clauses_before_the_question_word_still_lets_the_parts_split() -> None:
    """"According to KCSIE, if instead we move the child…, how should that be handled…, what do these
    alternatives buy us, …, and before telling the parents anything who do we check with…?"."""
    _, parts = split_question(
        "According to KCSIE, if instead we move the child into the parallel class, how should that be "
        "handled with the family, what do these alternatives actually buy us, how should any suspension "
        "decision be reached, and before telling the child's parents anything who do we check with?")
    assert len(parts) == 4
    assert parts[1] == "what do these alternatives actually buy us"
    assert parts[-1].startswith("before telling the child's parents anything who do we check with")


def test_procedure_query_keeps_the_scenario_and_abbreviations_expand() -> None:
    q = _query("A pupil told me her uncle hurts her. What should I do? Do I tell the DSL?")
    assert q.kind == "multi-part"
    assert q.parts[0].kind == "procedure" and "uncle hurts her" in q.parts[0].search
    assert "designated safeguarding lead" in q.parts[1].search


def test_edition_years_renames_and_topic_are_read_once() -> None:
    q = _query("What changed in KCSIE in September 2025?")
    assert q.kind == "what-changed" and q.topic is None and q.years == ("2025",)
    q = _query("What changed about filtering and monitoring in KCSIE 2025?")
    assert q.topic == "filtering monitoring"
    q = _query("What are LSCBs responsible for?")
    assert q.outdated and "safeguarding partners" in q.parts[0].search
    q = _query("Who are the safeguarding partners?", edition="2018")
    assert q.scope.how == "named"
    assert _query("What does the Scottish guidance say about this?").kind == "outside"


def test_a_subject_that_names_a_series_stays_in_the_search() -> None:
    """"golden rules" points to the information sharing advice but is also what is asked about."""
    query = _query("How many golden rules are there for sharing information?")
    assert "golden rules" in query.parts[0].search
    assert {d.split("-2")[0] for d in query.scope.doc_ids} == {"information-sharing"}


def test_what_the_guidance_says_a_thing_is_asks_for_a_definition() -> None:
    assert question_kind("what does KCSIE say consent is?", None) == "definition"
    assert question_kind("What does the guidance say a young carer is", None) == "definition"
    assert question_kind("What does KCSIE say about mobile phones?", None) == "fact"


@pytest.mark.parametrize(("question", "kind"), [
    ("What rights do individuals have over their personal data?", "list"),
    ("Which issues should a school's RSHE programme tackle?", "list"),
    ("What records does the school have to keep?", "list"),
    # what a long-named thing includes: its contents are a list
    ("What information should a child protection plan include?", "list"),
    ("What does the guidance say about this?", "fact"),
    ("What process does the panel follow?", "fact"),  # a singular noun: not a list
    ("What is the conference meant to get done - what are its tasks?", "list"),
    ("What are the timescales for an assessment?", "fact"),  # a time asked for, not a list
    ("My manager thinks we may have to remove. What's the process for emergency action?", "procedure"),
    # what a list holds, asked in the passive, however long the name before the noun
    ("Which Centre of Expertise on Child Sexual Abuse (CSA Centre) resources are listed in the "
     "further sources appendix?", "list"),
    ("Which forced marriage documents are listed in WT23's further sources of information?", "list"),
    ("Which paragraph is listed as the source of this rule?", "fact"),  # one thing asked for
])
def test_a_plural_noun_asked_for_is_a_list(question: str, kind: str) -> None:
    assert question_kind(question, answer_shape(question)) == kind


@pytest.mark.parametrize(("question", "parts"), [
    ("After a strategy discussion, who decides whether to start section 47 enquiries, and who "
     "should be the lead practitioner for them?",
     ["After a strategy discussion, who decides whether to start section 47 enquiries",
      "who should be the lead practitioner for them?"]),
    ("When should a council refer a family to a family group conference, and if that doesn't "
     "happen at the time, is it too late?",
     ["When should a council refer a family to a family group conference",
      "if that doesn't happen at the time, is it too late?"]),
    ("In a neglect case where the parents won't engage, what's the test for significant harm?",
     ["In a neglect case where the parents won't engage, what's the test for significant harm?"]),
    ("When a pupil reports sexual violence by another pupil, what should the DSL consider first?",
     ["When a pupil reports sexual violence by another pupil, what should the DSL consider first?"]),
    ("When is the assessment finished, and who signs it off?",
     ["When is the assessment finished", "who signs it off?"]),
])
def test_a_scene_setting_opening_or_a_condition_does_not_hide_a_part(question: str,
                                                                      parts: list[str]) -> None:
    assert split_question(question)[1] == parts


def test_the_shape_is_read_from_the_asked_clause_not_the_opening() -> None:
    query = _query("After a strategy discussion, who decides whether to start section 47 enquiries?")
    assert query.parts[0].shape == "who"
    query = _query("When a child goes missing from care, who must the home tell?")
    assert query.parts[0].shape == "who"


def test_a_number_that_cites_a_section_or_a_year_states_no_quantity() -> None:
    from assistant.understand.kinds import ANSWER_SHAPES

    number = ANSWER_SHAPES["number"]
    assert not number.search("accommodated under section 20 of the Children Act 1989")
    assert not number.search("see paragraph 79 and chapter 3")
    assert number.search("there are seven golden rules") and number.search("at least 2 people")


@pytest.mark.parametrize(("question", "shape"), [
    ("When did KCSIE 2025 come into force?", "date"),
    ("When was the 2018 edition published?", "date"),
    ("When should a council refer a family to a family group conference?", None),
    ("When must the LADO be told about an allegation?", None),
    ("and when does each one apply?", None),  # a circumstance, not the date an edition applied from
    ("When did the 2024 edition apply from?", "date"),
])
def test_when_asks_for_a_date_only_about_publication_or_force(question: str, shape: str | None) -> None:
    assert answer_shape(question) == shape


def test_the_asked_words_leave_out_the_situation() -> None:
    query = _query("The new chef keeps chatting to Year 11 girls and asked one for her snapchat. "
                   "What do we do with a low-level concern about a contractor?")
    part = query.parts[0]
    assert part.kind == "procedure"
    assert "snapchat" in part.search and "contractor" in part.search  # the situation is searched
    assert "snapchat" not in part.asked and "contractor" in part.asked  # not judged


def test_a_part_speaking_of_the_situation_searches_with_it() -> None:
    told = _query("I'm drafting our yearly safeguarding report. What else is the report supposed to include?")
    assert "yearly" in told.parts[0].search and "yearly" not in told.parts[0].asked
    unrelated = _query("I'm new in post this week. What four main categories of child abuse does "
                       "the guidance name?")
    assert "new in post" not in unrelated.parts[0].search  # a scene that says nothing of the question


def test_a_pronoun_in_a_set_phrase_does_not_lean_on_the_part_before() -> None:
    """"And while I'm at it, who are the safeguarding partners?" asks afresh: its "it" refers to
    nothing, so neither the scene nor the deputy-DSL part before is searched with it."""
    q = _query("Head of a small primary - I'm also the DSL and thinking of naming our SENCo as deputy. "
               "Does KCSIE require a deputy DSL, and what training would she need? And while I'm at it, "
               "who exactly are the 'safeguarding partners' we keep being told to work with?")
    last = q.parts[-1]
    assert "safeguarding partners" in last.search and not last.follows
    assert "SENCo" not in last.search and "training" not in last.search


@pytest.mark.parametrize(("question", "thing"), [
    ("How many members does a CDOP have to have?", "members"),
    ("How many working days' notice do parents have to be given?", "notice"),
    ("How much funding does a council get for each family hub?", "funding"),
    ("How many working days does the local authority have?", ""),  # the days are the quantity
    ("How much does the Update Service cost?", ""),
    ("What's the maximum number of families one lead practitioner should hold?", "families"),
    ("Is there a minimum total budget the partnership has to have?", "budget"),  # a limit on the thing
    ("What's the maximum caseload a social worker can hold?", "caseload"),
    ("Is there a maximum length a suspension can run?", ""),  # a time: its unit is the quantity
    # a noun before the counted one names it with it: a number of other contacts is no answer
    ("What's the minimum number of contact sessions a week for a baby in care?", "contact sessions"),
    ("How many lawful bases are there?", "lawful bases"),
    ("How many staff must be trained?", "staff"),  # a verb after the noun is not part of it
    ("What's the maximum number of pupils one member of staff can take?", "pupils"),
])
def test_what_a_how_many_question_counts(question: str, thing: str) -> None:
    from assistant.understand.kinds import counted

    assert counted(question) == thing
    assert _query(question).parts[0].counted == thing


def test_a_single_who_is_answered_by_whose_task_it_is_and_many_by_a_list() -> None:
    from assistant.understand.kinds import ANSWER_SHAPES

    task = "It is for the local authority to decide whether to make enquiries."
    bodies = "The safeguarding partners are the local authority, the police and the ICB."
    assert ANSWER_SHAPES["who"].search(task) and ANSWER_SHAPES["who"].search(bodies)
    assert ANSWER_SHAPES["who-many"].search(bodies) and not ANSWER_SHAPES["who-many"].search(task)
    appointed = "Governing bodies should ensure a senior member of staff is appointed to the role."
    assert ANSWER_SHAPES["who"].search(appointed)  # "who should a school appoint as its DSL?"


def test_a_difference_between_two_ideas_is_not_a_change_between_editions() -> None:
    ideas = _query("What's the difference between safeguarding and child protection? How does WT "
                   "define child protection?")
    assert ideas.kind == "multi-part" and ideas.parts[1].kind == "definition"
    assert _query("What's the difference between KCSIE 2024 and 2025 on filtering?").kind == "what-changed"
    assert _query("What is the difference between the old and new versions?").kind == "what-changed"


@pytest.mark.parametrize(("question", "shape"), [
    ("How much does an enhanced DBS check cost?", "money"),
    ("What is the fee for the Update Service?", "money"),
    ("And does the Update Service cost the applicant anything?", "yes-no"),  # "an annual fee" answers it
    ("How much funding does a council get to set up each family hub?", "money"),
    ("How much grant is there for training DSLs?", "money"),
    ("How much is the yearly subscription for each member of staff?", "money"),
])
def test_a_cost_asks_for_a_sum_unless_it_asks_yes_or_no(question: str, shape: str) -> None:
    assert answer_shape(question) == shape


def test_a_topic_heading_belongs_to_every_part() -> None:
    question = ("Serious Violence Duty - which bodies are the specified authorities, do they have to "
                "consult schools, and when did the duty start?")
    assert split_question(question)[1] == ["which bodies are the specified authorities",
                                           "do they have to consult schools", "when did the duty start?"]
    query = _query(question)
    assert all("Serious Violence Duty" in p.search for p in query.parts)
    query = _query("Low-level concerns about staff: how long should we keep the records, and do they "
                   "ever go in references?")
    assert all("Low-level concerns" in p.search for p in query.parts)
    # a longer statement before a dash is no heading: it tells the situation the part asks about
    long = ("I want to use the duty to refer to the housing authority - what do I need to do before "
            "I refer?")
    assert split_question(long) == ("I want to use the duty to refer to the housing authority.",
                                    ["what do I need to do before I refer?"])
    assert "housing authority" in _query(long).parts[0].search


def test_a_clause_that_borrows_the_verb_before_it_is_not_a_part_of_its_own() -> None:
    _, parts = split_question("Does KCSIE say who is more likely to be the victims, and who the "
                              "perpetrators? And does it give a figure for disabled children?")
    assert parts == ["Does KCSIE say who is more likely to be the victims, and who the perpetrators?",
                     "And does it give a figure for disabled children?"]
    _, own_verb = split_question("What is the test, and what the school should do next?")
    assert own_verb == ["What is the test", "what the school should do next?"]


@pytest.mark.parametrize("question", [
    "What am I actually supposed to be doing as part of this?",
    "What's the school meant to do in this situation?",
    "What do I need to be thinking about, both for her and for him?",
    "How should we be approaching things for him?",
    "And what shouldn't I do?",  # what the guidance warns against is steps too
    "What must we not say to her?",
    # a request to be taken through it, and an adverb between the modal and its verb
    "Walk me through how KCSIE says we should run this stage.",
    "can you take me through the steps from here",
    "and what happens with the decisions afterwards?",
    "What does Working Together say they should actually be doing with the family?",
])
def test_informal_wording_of_what_should_i_do_asks_for_steps(question: str) -> None:
    assert question_kind(question, answer_shape(question)) == "procedure"


def test_being_walked_through_outcomes_or_changes_is_not_steps() -> None:
    outcomes = "Can you walk me through the possible outcomes of that assessment?"
    assert question_kind(outcomes, None) != "procedure"
    assert question_kind("Talk me through the changes in KCSIE this year", None) != "procedure"


def test_a_range_from_one_thing_to_another_is_not_a_second_question() -> None:
    question = ("Can you take me through the steps from here, from what we kick off in the department "
                "right through to what goes to the national database?")
    assert split_question(question)[1] == [question]
    assert split_question("Who should we tell, and from what age can a child consent?")[1] == [
        "Who should we tell", "from what age can a child consent?"]
    two = "What is early help, from when does it start and to whom do we report?"
    assert len(split_question(two)[1]) >= 2


@pytest.mark.parametrize("question", [
    "And what's his home council supposed to do now?", "What is the council expected to do next?",
    "What's her care plan?", "what are their parents meant to be told?",
    # what someone is entitled to or responsible for: a predicate, no term
    "What's mum entitled to as the parent of a disabled child?", "What are LSCBs responsible for now?"])
def test_what_someone_is_to_do_or_someones_own_thing_is_no_term_to_define(question: str) -> None:
    assert question_kind(question, answer_shape(question)) != "definition"


def test_fillers_and_contractions_do_not_change_the_kind_of_a_plain_question() -> None:
    assert question_kind("What's a DPIA?", answer_shape("What's a DPIA?")) == "definition"
    assert answer_shape("How long have I actually got to send the file?") == "duration"


def test_a_frequency_is_stated_as_how_often_not_as_a_time_limit() -> None:
    frequency = ANSWER_SHAPES["frequency"]
    for stated in ("Dates for subsequent reviews, ideally at fortnightly (and no longer than monthly) "
                   "intervals", "the child is seen at least six weekly", "refreshed at least annually",
                   "must jointly report on the activity they have undertaken in a 12-month period"):
        assert frequency.search(stated), stated
    # a time limit, or a yearly thing named, says nothing of how often
    for unstated in ("within 15 working days of the strategy discussion", "the shared annual budget"):
        assert not frequency.search(unstated), unstated
    assert answer_shape("How long should we keep the records?") == "duration"


@pytest.mark.parametrize(("question", "held"), [
    ("What information has to go on the single central record?", "central record"),
    ("What should be in a school's child protection policy?", "protection policy"),
    ("What must be included in a safeguarding partners yearly report?", "yearly report"),
    ("What goes on the single central record?", "central record"),
    ("what needs to be in it?", ""),  # a contents question about something named before
])
def test_what_a_record_must_hold_is_a_list_about_that_record(question: str, held: str) -> None:
    assert question_kind(question, answer_shape(question)) == "list"
    assert listed(question) == held


def test_what_should_be_in_place_is_not_a_contents_question() -> None:
    assert question_kind("What should be in place for visitors?", None) != "list"


def test_the_noun_a_named_list_asks_for_is_read() -> None:
    assert listed("Which harms outside the family does KCSIE actually name?") == "harms"
    assert listed("Which organisations does the guidance list for parents?") == "organisations"
    assert listed("What does KCSIE say about mobile phones?") == ""


@pytest.mark.parametrize(("typed", "spelt"), [
    ("CSC did a s47 on a 13 yo", "CSC (children's social care) did a section 47 on a 13 year old"),
    ("the SW and two TAs", "the SW (social worker) and two TAs (teaching assistant)"),
    ("a CP plan from the LA", "a CP (child protection) plan from the LA (local authority)"),
    ("a 2 yr old, s.17 and s 20", "a 2 year old, section 17 and section 20"),
    ("Mum's new partner and the kids; info from Dad",
     "parent's new partner and the children; information from parent"),
    # an apostrophe's "s" before a number is no section; a corpus-defined acronym stays as typed
    ("he's 9 and it's 10 days, says the DSL", "he's 9 and it's 10 days, says the DSL"),
])
def test_practitioners_shorthand_is_spelt_out(typed: str, spelt: str) -> None:
    assert spell_shorthand(typed, {"DSL"}) == spelt


def test_the_search_reads_shorthand_but_the_query_keeps_the_question_as_typed() -> None:
    # "info sharing advice" names no edition, so it stays in the search as its topic
    assert "information sharing advice" in _query("What is the info sharing advice for?").parts[0].search
    q = _query("The SW says CSC have closed the case. What should we do now?")
    assert "children's social care" in q.parts[-1].search
    assert "social worker" in q.parts[-1].search
    assert q.question == "The SW says CSC have closed the case. What should we do now?"


def test_and_with_an_auxiliary_and_a_subject_asks_again() -> None:
    assert split_question("Who can be a DSL and does the DSL need to be on the SLT?")[1] == [
        "Who can be a DSL", "does the DSL need to be on the SLT?"]
    assert split_question("Does KCSIE apply to FE and does it cover 18 year olds?")[1] == [
        "Does KCSIE apply to FE", "does it cover 18 year olds?"]
    # "…list them all - and then who's responsible…": "and then" asks again too
    assert split_question("What checks are done on them - list them all - and then who's responsible for "
                          "checking the rest of the board?")[1] == [
        "What checks are done on them - list them all -",
        "who's responsible for checking the rest of the board?"]
    # a second predicate of the same subject is no second question
    assert split_question("What happens if the child is at risk and is under 16?")[1] == [
        "What happens if the child is at risk and is under 16?"]


def test_a_question_word_after_a_preposition_still_asks() -> None:
    """"(3) Up to what age are care leavers entitled to PA support anyway - I'm being asked…": no
    question mark, no question word first, yet it asks (its label numbers it)."""
    situation, parts = split_question(
        "One of our care leavers died. (1) Does this need a rapid review? (2) Is it different at 17? "
        "(3) Up to what age are care leavers entitled to PA support anyway - I'm being asked how far "
        "our duty stretches.")
    assert situation == "One of our care leavers died."
    assert parts[-1].startswith("Up to what age are care leavers entitled")
    asked = "For how long do we keep the file"
    assert split_question(f"We said no. {asked}")[1] == [asked]
    assert split_question("Up to the weekend she was fine.")[0] == ""  # no question word: nothing asked


def test_a_numbered_statement_is_asked_unless_its_item_asks_a_question_of_its_own() -> None:
    situation, parts = split_question(
        "Setting up an FGC for a 4 yo. (1) Dad says he's not coming - is that right? (2) Mum's sister "
        "asked if we stay in the room the whole time. (3) Does WT require a model?")
    assert parts == ["is that right?", "Mum's sister asked if we stay in the room the whole time?",
                     "Does WT require a model?"]
    assert situation == "Setting up an FGC for a 4 yo. Dad says he's not coming."
    # unnumbered, a statement is still the situation
    assert split_question("Mum's sister asked if we stay in the room. Does WT require a model?")[1] == [
        "Does WT require a model?"]


def test_a_statement_then_a_dash_then_a_question_tells_then_asks() -> None:
    situation, parts = split_question("Our DSL made a Prevent referral. He's furious and wants nothing to do "
                                      "with it - can Channel support still go ahead without him agreeing?")
    assert parts == ["can Channel support still go ahead without him agreeing?"]
    assert situation.endswith("He's furious and wants nothing to do with it.")
    # a clause that itself asks keeps its dash: one question
    asks = "How long do we keep a CP file after they've left - is it until they turn 25?"
    assert split_question(asks)[1] == [asks]
    assert len(split_question("I've read the annex but what do I actually do right now - does this go to "
                              "CSC or the police?")[1]) == 1


def test_a_statement_then_a_dash_and_but_then_a_question_tells_then_asks() -> None:
    situation, parts = split_question(
        "A former pupil disclosed abuse by a teacher. I know the first bit is about telling her to go to the "
        "police - but who coordinates things with social care after that, and does the allegations part "
        "apply to supply staff?")
    assert parts == ["who coordinates things with social care after that",
                     "does the allegations part apply to supply staff?"]
    assert situation.endswith("telling her to go to the police.")


@pytest.mark.parametrize("opening", ["And", "Also", "Realistically", "Honestly,"])
def test_a_question_opening_with_a_connective_or_filler_still_splits_into_its_parts(opening: str) -> None:
    _, parts = split_question(f"Our governors asked. {opening} how far does KCSIE expect governors to go in "
                              "limiting what children see online, and is there anywhere with a list of "
                              "further resources?")
    assert len(parts) == 2 and parts[1] == "is there anywhere with a list of further resources?"


def test_a_question_before_a_dash_series_is_asked_with_its_first_part() -> None:
    # not the situation: "how should we be responding to him" is asked (a head on its own part
    # was tried: it drew generic steps, and lost two held-out scenarios)
    situation, parts = split_question(
        "YOT worker, 15 yo picked up at a trap house. Going by Working Together, how should we be responding "
        "to him - what has to come first, what should we be looking at, and what are we trying to work out?")
    assert situation == "YOT worker, 15 yo picked up at a trap house."
    assert parts == ["Going by Working Together, how should we be responding to him - what has to come first",
                     "what should we be looking at", "what are we trying to work out?"]


def test_a_request_for_the_whole_list_between_dashes_ends_its_question() -> None:
    # "- list all of them -": the question before it is asked, and the one after is another
    situation, parts = split_question(
        "Social worker in a probation unit. According to WT23, which kinds of individuals do probation "
        "practitioners meet - list all of them - what is the Probation Service for, and what does it say "
        "about risk?")
    assert situation == "Social worker in a probation unit."
    assert parts == ["According to WT23, which kinds of individuals do probation practitioners meet - "
                     "list all of them?", "what is the Probation Service for", "what does it say about risk?"]


def test_a_long_opening_then_questions_joined_by_commas_asks_each() -> None:
    # an opening over 80 characters before the first question word
    _, parts = split_question(
        "In the bit of KCSIE about supporting alleged perpetrators and kids with harmful sexual behaviour, "
        "what proportion of them had experienced trauma, whose study was it, and what should schools do "
        "about exclusion?")
    assert parts[1:] == ["whose study was it", "what should schools do about exclusion?"]
    assert parts[0].endswith("what proportion of them had experienced trauma")


def test_the_sentences_naming_an_exhibit_are_kept_to_find_it_by() -> None:
    query = _query("DSL at a secondary, reading KCSIE's case study about a girl touched on the bus. What did "
                   "the school know? How were parents involved?")
    assert query.exhibit_named == ("DSL at a secondary, reading KCSIE's case study about a girl touched "
                                   "on the bus.")
    assert _query("What did the school know? How were parents involved?").exhibit_named == ""


def test_a_stated_scene_before_a_colon_s_questions_is_not_asked() -> None:
    situation, parts = split_question(
        "Writing up our LADO history. When Working Together 2015 came in: (1) did LADOs have to requalify? "
        "(2) why did the government want them social work qualified?")
    assert situation.endswith("When Working Together 2015 came in.")
    assert parts == ["did LADOs have to requalify?",
                     "why did the government want them social work qualified?"]
    # a clause that asks before a dash still asks: "where exactly does…" is no scene
    asked = "Where exactly does a prohibition order stop someone teaching - does it reach our homes?"
    assert split_question(asked)[1] == [asked]


def test_a_question_inside_brackets_is_not_a_part_of_its_own() -> None:
    _, parts = split_question("Can you list each example (who the person is and what they do), who "
                              "supervises them, and who makes the call?")
    assert parts == ["Can you list each example (who the person is and what they do)", "who supervises them",
                     "who makes the call?"]


def test_a_worked_example_or_an_example_like_this_is_an_exhibit() -> None:
    assert _query("The annex has worked examples - who supervises Mr Jones?").parts[0].exhibit == "case study"
    like = _query("Is there a KCSIE example like this? What did the school do?")
    assert like.parts[-1].exhibit == "case study"
    assert _query("What examples of poor practice does KCSIE give?").parts[0].exhibit == ""


def test_a_part_keeps_the_bodies_it_names_by_acronym() -> None:
    query = _query("Family support worker. What's the NICCO helpline number under WT 2023, and what "
                     "hours is the CSC front door open?")
    assert [p.named for p in query.parts] == [(("NICCO",),), (("CSC", "children's social care"),)]
    assert _query("What does KCSIE 2025 say about phones?").parts[0].named == ()  # an edition's name
    # a quantity asked back of a quantity part is asked of the body that part named; not after
    # another kind of part
    hours = _query("What's the NICCO helpline number, and what hours is it open?")
    assert [p.named for p in hours.parts] == [(("NICCO",),), (("NICCO",),)]
    review = _query("Is it the LADO who investigates, or us? And once it's under way, how often should "
                    "the case be reviewed?")
    assert [p.named for p in review.parts] == [(("LADO",),), ()]


def test_a_question_that_asks_for_the_whole_list_is_a_part_not_a_form_request() -> None:
    _, parts = split_question("Going by the 2018 briefing: which bodies had to be covered, what were the "
                              "partners expected to do - list them all - and what did it say about schools?")
    assert parts[0] == "which bodies had to be covered"
    assert parts[1] == "what were the partners expected to do - list them all -"
    assert parts[2] == "what did it say about schools?"
    # a statement asking for the form joins its part
    assert split_question("Which checks apply? I need the full list.")[1] == [
        "Which checks apply I need the full list."]


def test_a_condition_or_a_statement_then_its_own_question_is_a_part() -> None:
    _, parts = split_question("What happens after that - what options will the DSL weigh up, if it goes to "
                              "social care what should we put in the referral, and she lives in the next "
                              "county so how do we find the right council?")
    assert parts == ["What happens after that - what options will the DSL weigh up",
                     "if it goes to social care what should we put in the referral",
                     "she lives in the next county so how do we find the right council?"]
    # a condition that the question goes on from stays with it
    assert split_question("What happens to the referral, if the parents refuse?")[1] == [
        "What happens to the referral, if the parents refuse?"]


@pytest.mark.parametrize("labels", [("Q1", "Q2"), ("1)", "2)"), ("(a)", "(b)"), ("1.", "2.")])
def test_labels_numbering_the_questions_are_not_part_of_them(labels: tuple[str, str]) -> None:
    first, second = labels
    situation, parts = split_question(
        f"Y9 lad is ferrying packages between two estates. {first} does that count as county lines if he "
        f"stays local? {second} where are these kids getting recruited - is it just on the street?")
    assert parts == ["does that count as county lines if he stays local?",
                     "where are these kids getting recruited - is it just on the street?"]
    assert situation == "Y9 lad is ferrying packages between two estates."
    _, parts = split_question("My student asked me things: a) what is a child in need? b) who assesses them?")
    assert parts == ["what is a child in need?", "who assesses them?"]
    # a number that is not a label stays: "Part 1." names a part of the guidance
    assert split_question("Is this in Part 1. What does it say?")[1][0].startswith("Is this in Part 1")


def test_the_difference_between_ideas_asks_what_each_is() -> None:
    assert split_question("What's the difference between a child in need and a child protection plan?") == (
        "", ["What is a child in need?", "What is a child protection plan?"])
    _, parts = split_question("whats the difference between a practice leader, a principal social worker "
                              "and a practice supervisor? And who do they report to?")
    assert parts[:3] == ["What is a practice leader?", "What is a principal social worker?",
                         "What is a practice supervisor?"]
    assert len(parts) == 4
    # two editions are a change between them, asked for elsewhere; a long clause is no idea's name
    assert _query("What are the differences between KCSIE 2024 and 2025?").kind == "what-changed"
    assert split_question("What is the difference between what the school has to do when a pupil moves "
                          "on and what the new school does?")[1][0].startswith("What is the difference")


def test_a_two_word_question_with_its_own_verb_is_a_part() -> None:
    assert split_question("What is a strategy discussion and who attends?")[1] == [
        "What is a strategy discussion", "who attends?"]
    assert split_question("What is the LADO and what happens?")[1] == ["What is the LADO", "what happens?"]
    # "how fast?", "who else?" lean on the part before: they stay with it
    assert split_question("What do I need to do, and how fast?")[1] == ["What do I need to do, and how fast?"]
    assert split_question("Who chairs the conference and who else?")[1] == [
        "Who chairs the conference and who else?"]


def test_a_time_the_situation_tells_is_no_proposed_answer_to_what_to_do() -> None:
    steps = _query("What should the school do if a child is missing from school for 10 days?").parts[0]
    assert steps.kind == "procedure" and steps.unit == ""
    proposed = _query("Does the SW have to visit every 10 working days?").parts[0]
    assert proposed.unit == "day"


def test_what_are_they_asks_for_the_plural_named_just_before() -> None:
    situation = "Trying to get my head round all the places the DSL is expected to refer cases on to"
    part = _query(f"{situation} - what are they?").parts[0]
    assert part.kind == "list" and part.listed == "cases"
    part = _query("There are main categories of abuse we need to know - what are they?").parts[0]
    assert part.kind == "list" and part.listed == "categories"


@pytest.mark.parametrize(("question", "term"), [
    ("What's the definition of neglect that schools use?", ("neglect",)),
    ("What is meant by 'early help' for school staff?", ("early help",)),
    ("What is a practice supervisor in a local authority?", ("practice supervisor",)),
    ("What's a MASH (multi-agency safeguarding hub)?", ("MASH", "multi-agency safeguarding hub")),
    ("what does KCSIE actually mean by safeguarding children?", ("safeguarding children",)),
    ("What do they mean by a lead practitioner in early help?", ("lead practitioner",)),
    ("What is the definition of a child in Working Together?", ("child",)),
    ("What actually is a low-level concern - like", ("low-level concern",)),
    ("What is Cafcass's actual responsibility according to WT 2023?", ("Cafcass",)),  # whose, not what
    ("What is the DSL’s role?", ("DSL",)),
])
def test_the_term_a_definition_asks_about_leaves_out_the_askers_context(question: str,
                                                                       term: tuple[str, ...]) -> None:
    from assistant.understand.kinds import defined_term

    assert defined_term(question) == term


@pytest.mark.parametrize(("asked", "count"), [
    ("What are the 4 Cs of online safety?", 4),
    ("Who are the three safeguarding partners?", 3),
    ("what are the four ways KCSIE says a school might manage it?", 4),
    # a time, an age, a person or a bare number names no set
    ("What should we do within the 15 working days?", 0),
    ("What do I do in the next 2 days?", 0),
    ("Can the two of them share a taxi?", 0),
    ("Is the 7 year old safe at home?", 0),
    ("How many DSLs do we need?", 0),
])
def test_a_part_names_the_size_of_a_set_it_asks_for(asked: str, count: int) -> None:
    assert stated_count(asked) == count


def test_a_sentence_states_a_set_of_that_size_not_a_time_age_or_reference() -> None:
    four = count_pattern(4)
    for stated in ("can be categorised into four areas of risk:", "The 4 scenarios are:",
                   "Four principles underpin work with parents and carers:"):
        assert four.search(stated), stated
    for unstated in ("within four weeks of the referral", "children aged 4 or under", "see paragraph 4 steps",
                     "three areas of risk"):
        assert not four.search(unstated), unstated


def test_an_age_the_question_tells_is_not_a_time_it_proposes() -> None:
    from assistant.understand.kinds import proposed_unit

    assert proposed_unit("Is it 72 hours max?") == "hour"
    assert proposed_unit("Should the review be every 10 working days?") == "day"
    for age in ("Can a 16 year old consent to information being shared?", "Her 6-month-old has a bruise",
                "A 15-year-olds' party", "a report of sexting between two Year 10 pupils"):
        assert proposed_unit(age) == "", age  # an age, or a school year group


@pytest.mark.parametrize("form", ["Give me the full list.", "Can you list them all?",
                                  "Bullet points please."])
def test_how_to_answer_joins_the_part_it_follows(form: str) -> None:
    """"…? Give me the full list." says how to answer, not another thing to answer: one part, a list."""
    _, parts = split_question(f"What does KCSIE say about filtering and monitoring? {form}")
    assert len(parts) == 1 and parts[0].endswith(form)
    assert question_kind(parts[0], answer_shape(parts[0])) == "list"
    # a request that names what to give is still a part of its own
    _, asked = split_question("Who chairs the conference? Can you name the members?")
    assert len(asked) == 2


@pytest.mark.parametrize(("question", "told"), [
    ("A child told me their stepdad hits them. What should I do?", True),
    ("I volunteer at a youth club and a 10-year-old just told me her dad hits her with a belt. "
     "What am I meant to do with that?", True),
    ("What should I do if a child discloses abuse at the end of the school day?", True),
    ("One of my pupils said her mum's new partner hurt her last night. What now?", True),  # steps asked
    ("A mum told me her partner has been hitting her. What should I do?", False),  # not a child
    ("Our Y4 teacher has been suspended after a complaint. What should we do?", False),
    ("A child told me their stepdad hits them. How long do we keep the record?", False),  # no steps
])
def test_a_child_telling_of_harm_is_read_once_for_a_what_should_i_do(question: str, told: bool) -> None:
    assert any(part.told for part in _query(question).parts) is told


def test_a_part_that_only_asks_what_the_guidance_says_adds_no_part() -> None:
    """"…? What does the advice say?" asks the part before again: it is not answered on its own."""
    _, parts = split_question("Can I share information about a child without the parents' consent? "
                              "What does the advice say?")
    assert parts == ["Can I share information about a child without the parents' consent?"]
    _, parts = split_question("Is upskirting a crime? And what does the guidance say about it?")
    assert parts == ["Is upskirting a crime?"]
    # a part that names what it asks about is a part of its own
    _, parts = split_question("Who chairs the conference? What does KCSIE say about mobile phones?")
    assert len(parts) == 2


def test_what_a_document_should_say_asks_for_its_content_not_for_steps() -> None:
    for asked in ("What should the hire agreement say?", "What should the letter to parents say?"):
        assert question_kind(asked, answer_shape(asked), True) != "procedure"
    for asked in ("What should the DSL do?", "What should the head of year say to the parents?"):
        assert question_kind(asked, answer_shape(asked), True) == "procedure"


def test_a_dash_inside_a_quoted_message_does_not_open_a_part() -> None:
    """"…an email saying 'NFA - does not meet threshold', no reasons." tells; the asking comes later."""
    situation, parts = split_question(
        "All I've had back is an email saying 'NFA - does not meet threshold', no reasons, nothing "
        "about what else might help. What should I have got from them, and what do I do now?")
    assert "does not meet threshold" in situation
    assert parts == ["What should I have got from them", "what do I do now?"]
    _, asked = split_question("He's furious and wants nothing to do with it - can Channel go ahead?")
    assert asked == ["can Channel go ahead?"]


def test_a_numbered_part_after_and_is_a_part_of_its_own() -> None:
    _, parts = split_question("Mum's asking me three things: (1) does that make him a looked after child, "
                              "(2) which council is responsible for his safety while he's in there, and "
                              "(3) what's his home council supposed to do now?")
    assert parts == ["does that make him a looked after child?",
                     "which council is responsible for his safety while he's in there?",
                     "what's his home council supposed to do now?"]


def test_items_a_statement_labels_in_sequence_are_each_asked() -> None:
    situation, parts = split_question(
        "A 15 yo took her own life last week. We're arguing in the office about (a) whether a suicide even "
        "gets notified to the national panel, (b) what category it goes under on the online form, and (c) "
        "whether notifying lots of incidents makes our LA look bad. What does WT say?")
    assert situation.endswith("We're arguing in the office about.")
    assert parts == ["whether a suicide even gets notified to the national panel?",
                     "what category it goes under on the online form?",
                     "whether notifying lots of incidents makes our LA look bad?"]
    _, parts = split_question("Three quick ones: (1) can two councils run one arrangement, (2) if we sit in "
                              "several, who decides what we put into each, and (3) is MAPPA separate?")
    assert parts[1] == "if we sit in several, who decides what we put into each?"
    # labels out of sequence, or a single one, are left to the other rules
    assert len(split_question("We saw (b) a bruise and (a) a burn. What now?")[1]) == 1


def test_what_a_body_should_consider_asks_for_a_list() -> None:
    asked = "What does WT23 say the safeguarding partners should consider when choosing the reviewer?"
    assert question_kind(asked, answer_shape(asked)) == "list"


@pytest.mark.parametrize("asked", ["What should happen at a strategy discussion?",
                                   "What happens during a section 47 enquiry?"])
def test_what_happens_at_a_meeting_asks_for_its_steps(asked: str) -> None:
    assert question_kind(asked, answer_shape(asked)) == "procedure"


@pytest.mark.parametrize("question", [
    "HR officer, redoing our paperwork. What should the self-declaration form ask about? I need the full "
    "list of what KCSIE expects.",
    "Coach at a club. Which forms of abuse does the government's information sharing advice list? I'd like "
    "the whole list.",
    "The published arrangements say the DSPs have a set of 'joint functions'. What are they - all of them "
    "please?",
    "The governors asked me to write it up. What exactly is listed under that heading?",
])
def test_a_list_asked_for_in_a_statement_or_in_so_many_words_is_a_list(question: str) -> None:
    assert [p.kind for p in _query(question).parts] == ["list"]


@pytest.mark.parametrize("question", [
    "Staff keep asking what would count. What examples of that kind of behaviour does KCSIE give?",
    "What should we weigh up when deciding how much supervision they need?",
    "My head of year wants to know what KCSIE lists as warning signs of serious violence?",
    "What does the 'working with others' bit of Annex C list?",
    "Which legal provisions make schools have regard to it? List each one with its Act.",
    "What's on the additional advice list under 'Health and well-being'? Need every item for our handbook.",
    # where the guidance points a reader
    "We want drugs education for the year group. Where does KCSIE point us?",
    "What guidance does WT23 point dental and health teams to for recognising maltreatment?",
    "Apart from the advice itself, which other guidance does it point to for health staff?",
])
def test_other_wordings_of_a_named_list_are_lists(question: str) -> None:
    assert [p.kind for p in _query(question).parts] == ["list"]


@pytest.mark.parametrize(("question", "kind"), [
    # the asker's own leave to act, after an interjection, or joined after a verdict
    ("A 16 yo told her tutor she was assaulted. What am I allowed to do here?", "procedure"),
    ("Nothing's come to me directly. Probably low-level, but how am I supposed to deal with it?",
     "procedure"),
    ("My chair wants him suspended today. Should we, and what do we have to go through before deciding?",
     "procedure"),
    # "what's on me" asks a duty (the asker's steps), not what a term means
    ("I'm chairing the strategy meeting. What's on me once it's finished?", "procedure"),
    ("SW for three siblings on CP plans. What is on me as LP for the review?", "procedure"),
    ("Who is on the panel?", "fact"),
])
def test_what_the_asker_may_or_must_do_is_read_through_informal_openings(question: str, kind: str) -> None:
    assert [p.kind for p in _query(question).parts] == [kind]


def test_what_follows_a_yes_or_a_no_is_a_part_of_its_own() -> None:
    _, parts = split_question("Can we keep photocopies of DBS certificates on file, and if so for how long?")
    assert parts == ["Can we keep photocopies of DBS certificates on file", "if so for how long?"]
    _, parts = split_question("Does the DSL need to be told, and if not, who should we tell?")
    assert parts == ["Does the DSL need to be told", "if not, who should we tell?"]
    assert len(split_question("If so, what happens to the file when they move school?")[1]) == 1


def test_a_quantity_the_asker_is_to_decide_is_not_asked_for() -> None:
    assert answer_shape("What should we weigh up when deciding how much supervision they need?") is None
    assert answer_shape("How much supervision do they need?") == "number"


def test_changes_an_edition_made_are_asked_for_only_with_a_year() -> None:
    """"What changes did KCSIE 2025 make…" asks what changed; "what changes should we make" does not."""
    for asked in ("What changes did KCSIE 2025 make in Part two compared with last year's version?",
                  "What were the substantive changes 2024 made to Part two compared with the 2023 version?",
                  "What changes have been made in KCSIE 2025?",
                  "What did KCSIE 2024 change in Part one compared with 2023?"):
        assert _query(asked).kind == "what-changed", asked
    for asked in ("What changes should our school make to the safeguarding policy?",
                  "What changes does WT 2023 expect partners to make when reviewing arrangements?",
                  "What changes were made to the plan at the review?"):
        assert _query(asked).kind != "what-changed", asked


def test_a_case_study_or_flow_chart_named_in_the_question_marks_its_parts_and_those_after() -> None:
    query = _query("We've a pupil touched on the bus. KCSIE has a case study like it: what did the "
                   "school do? And what happened to the boy?")
    assert [p.exhibit for p in query.parts] == ["case study", "case study"]
    query = _query("What should we do about a pupil touched on the bus? And who do we tell?")
    assert not any(p.exhibit for p in query.parts)
    later = _query("Who do we tell first? And in the case-study about the party, what did the school do?")
    assert [p.exhibit for p in later.parts] == ["", "case study"]
    chart = _query("What does the WT flowchart say happens next? And who decides?")
    assert [p.exhibit for p in chart.parts] == ["flow chart", "flow chart"]
    mention = _query("Do we have to follow a fixed procedure for these reports? The case studies in Part 5 "
                     "read like a flowchart to me.")
    assert not any(p.exhibit for p in mention.parts)  # the kind in general, and a likeness


def test_a_change_in_the_law_is_asked_of_the_guidance_not_between_editions() -> None:
    """"…why can't we ask employers for checks - what changed in the law?" asks what the guidance
    says of a change in the law; "what changed in KCSIE" compares editions."""
    for asked in ("What checks do we do on work experience supervisors, and why can't we ask employers "
                  "for them - what changed in the law?",
                  "Why can schools no longer request these checks: what changes to the legislation did "
                  "that?"):
        assert _query(asked).kind != "what-changed", asked
    assert _query("What changed in KCSIE about work experience checks?").kind == "what-changed"
    assert _query("What has changed in the new edition about filtering?").kind == "what-changed"


def test_a_what_changed_question_in_parts_keeps_its_parts() -> None:
    """Several questions about one edition's changes are answered part by part when the editions
    cannot be compared paragraph by paragraph (a briefing); a single question stays one comparison."""
    q = _query("Our pack covers the December 2020 changes to WT 2018. (1) How did the glossary's definition "
               "of abuse change? (2) What changed about sharing for kids who go missing?")
    assert q.kind == "what-changed" and len(q.parts) == 2
    assert q.parts[0].kind == "fact"  # how a definition changed: not a term to define
    assert len(_query("What changed in KCSIE 2025 about filtering?").parts) == 1
    assert _query("What is the definition of abuse?").parts[0].kind == "definition"


def test_a_single_what_changed_question_keeps_its_reading_and_all_its_words() -> None:
    """"…says a list of questions was added - what were they?" asks for a list, answered from what
    the briefing says; it is searched with every word of the question, its situation's too."""
    q = _query("Writing a history piece. The guide to the key changes in Working Together 2010 says a list "
               "of questions was added for thinking about interventions - what were they? All of them.")
    assert q.kind == "what-changed" and len(q.parts) == 1
    assert q.parts[0].kind == "list" and q.parts[0].asked == "what were they?"
    assert "interventions" in q.parts[0].search and "history" in q.parts[0].search


def test_a_request_to_list_every_one_names_what_it_lists_and_asks_no_yes_or_no() -> None:
    """"Can you list every group it names?" asks for the groups: a list of "group", no verdict."""
    from assistant.understand.kinds import answer_shape, listed

    assert listed("can you list every group it names?") == "group"
    assert listed("List every single agency involved") == "agency"
    assert listed("list all of them") == ""
    assert answer_shape("can you list every group it names?") is None
    assert answer_shape("Could you please explain the threshold?") is None
    assert answer_shape("Can you walk me through the possible outcomes of the assessment?") is None
    assert answer_shape("can you pull out every Home Office document it lists?") is None
    assert answer_shape("Can we share without consent?") == "yes-no"


def test_a_request_that_asks_after_its_opening_is_a_part_of_its_own() -> None:
    """"According to the summary, which areas got minor amendments - list them all." asks (after a
    scene-setting opening) and asks for the whole list: a part, not a form request joined to the
    next question; "List each one with its Act." after a question still joins it."""
    from assistant.understand.parts import heading_of

    _, parts = split_question("Timeline for our pack. According to the summary of the 2015 revisions, which "
                              "areas only got minor amendments - list them all. And what did it say about "
                              "whistleblowing policies?")
    assert parts == ["According to the summary of the 2015 revisions, which areas only got minor amendments "
                     "- list them all.", "And what did it say about whistleblowing policies?"]
    assert len(split_question("Which provisions apply? List each one with its Act.")[1]) == 1
    assert heading_of(parts[0]).endswith("only got minor amendments?")  # the request is no heading


def test_asking_what_the_guidance_says_to_each_of_the_parts_asks_nothing_new() -> None:
    """"Three things she said: (1) '…', (2) '…'. What does WT23 say back to each of those?" asks the
    numbered parts; its last question is no part of its own (a named topic still is)."""
    _, parts = split_question("Our practice manager blocks sharing. Three things she's said: (1) 'data "
                              "protection law is a barrier', (2) 'we need consent'. What does WT 2023 say "
                              "back to each of those?")
    assert len(parts) == 2 and all("say back" not in p for p in parts)
    _, parts = split_question("What is a LADO? And what does KCSIE say about allegations?")
    assert len(parts) == 2


def test_one_in_a_definition_stands_for_a_noun_said_before() -> None:
    """"Who makes these orders, and what's an interim one?": the term is "interim" (an interim order),
    not "interim one", which no passage mentions (the answer said the guidance never does)."""
    from assistant.understand.kinds import defined_term

    assert defined_term("what's an interim one?") == ("interim",)
    assert defined_term("what is the one?") == ()
    assert defined_term("What is a LADO?") == ("LADO",)


def test_a_condition_with_no_comma_before_its_question_word_opens_a_second_part() -> None:
    """"Does it let us base it on police areas, and if we did want to change the geography what has
    to happen?": two questions, though no comma comes before "what"."""
    _, parts = split_question("Does WT 2023 let the arrangements be based on police areas, and if we did "
                              "want to change the geography what has to happen?")
    assert parts == ["Does WT 2023 let the arrangements be based on police areas",
                     "if we did want to change the geography what has to happen?"]
    # a condition that asks nothing of its own stays with its question
    assert len(split_question("Should we refer, and if the parents object?")[1]) == 1


def test_a_condition_before_a_yes_no_question_opens_a_second_part() -> None:
    """"…, and once they're shredded are we allowed to keep a note?": the second question is asked by
    its verb, with no question word."""
    _, parts = split_question("Which law does KCSIE say those copies fall under, and once they're "
                              "shredded are we allowed to keep any note of the check?")
    assert parts == ["Which law does KCSIE say those copies fall under",
                     "once they're shredded are we allowed to keep any note of the check?"]
    # the condition's own verb and subject ask nothing: "…, and if it is the DSL?" stays one question
    assert len(split_question("Who should lead the response, and if it is the DSL?")[1]) == 1


def test_numbered_items_finish_the_question_that_opens_their_sentence() -> None:
    """"What did those changes say about (1) X, (2) Y?": each item is asked what the opening asks; the
    opening is no part of its own ("What did those changes say about?"), nor the situation."""
    situation, parts = split_question("Running a refresher. What did those changes say about (1) young "
                                      "people admitted to a mental health unit, and (2) whether school "
                                      "staff should be diagnosing mental health problems?")
    assert situation == "Running a refresher."
    assert parts == ["What did those changes say about young people admitted to a mental health unit?",
                     "What did those changes say about whether school staff should be diagnosing mental "
                     "health problems?"]
    # an opening that tells, not asks, stays the situation
    situation, parts = split_question("We are arguing about (a) whether a suicide is notified, and (b) what "
                                      "category it goes under.")
    assert parts == ["whether a suicide is notified?", "what category it goes under?"]


def test_what_are_they_all_asks_for_the_list_named_before() -> None:
    """"WT23 lists the activities the DSPs should make sure get delivered - what are they all?" asks for
    that list, as "what are they?" does."""
    q = _query("WT23 lists the activities and assurance the DSPs should make sure get delivered - what are "
               "they all?")
    assert [p.kind for p in q.parts] == ["list"]


def test_an_irregular_plural_asked_for_is_a_list() -> None:
    """"Which children does WT say practitioners should be alert to…?" asks for the children listed,
    as "which issues should it tackle?" does; one child asked for is no list."""
    q = _query("Which children does Working Together say practitioners should be alert to as possibly "
               "needing early help?")
    assert [p.kind for p in q.parts] == ["list"]
    assert [p.kind for p in _query("Which child is the lead?").parts] == ["fact"]


def test_what_a_named_body_is_supposed_to_do_or_achieve() -> None:
    """"What is the core group supposed to do?" asks for its steps, as "what is the council supposed
    to do?" does, whatever the body's name's length; "what is it meant to achieve?" asks for its aims
    (a list)."""
    assert [p.kind for p in _query("What is the core group supposed to do?").parts] == ["procedure"]
    assert [p.kind for p in _query("Rapid review set up. What is it meant to achieve?").parts] == ["list"]
    assert [p.kind for p in _query("What are we supposed to do?").parts] == ["procedure"]


@pytest.mark.parametrize(("question", "told"), [
    ("A pupil told me her uncle hurts her. What should I do?", True),
    ("Rumours are going round about a Y9 girl, but the girl herself hasn't said anything. What should I do?",
     False),
    ("A 13 yo lad who hardly says a word has bruises again. What should I do?", False),
    ("Staff say the boy is told to keep quiet at home. What should I do?", False),
])
def test_a_child_who_has_not_told_or_is_told_is_no_disclosure(question: str, told: bool) -> None:
    assert _query(question).parts[0].told is told


@pytest.mark.parametrize(("text", "ruled_out"), [
    ("Whole list please, not the county lines-only ones.", "county lines"),
    ("Apart from age, what factors make a child more vulnerable?", "age"),
    ("Other than the DSL, who should know?", "DSL"),
    ("Is it not mandatory?", ""),
    ("Not the ones for schools, please.", ""),
])
def test_what_the_asker_rules_out_is_read(text: str, ruled_out: str) -> None:
    from assistant.understand.kinds import excluded

    assert excluded(text) == ruled_out


def test_the_part_carries_what_its_question_rules_out() -> None:
    q = _query("What does KCSIE list as signs of exploitation? Whole list please, not the county "
               "lines-only ones.")
    assert q.parts[0].excluded == "county lines"


def test_an_abbreviation_ends_no_part_and_two_question_words_sharing_a_clause_ask_once() -> None:
    _, parts = split_question("Who has the power to suspend, what could we do instead (e.g. moving her to "
                              "another class), and what's the downside if we suspend?")
    assert parts == ["Who has the power to suspend",
                     "what could we do instead (e.g. moving her to another class)",
                     "what's the downside if we suspend?"]
    _, parts = split_question("What does the advice say about whether and how I share this, and do I "
                              "need his mum's consent first?")
    assert parts == ["What does the advice say about whether and how I share this",
                     "do I need his mum's consent first?"]
    # a question word that opens its own clause still splits there
    assert split_question("What is early help and how is it arranged locally?")[1] == [
        "What is early help", "how is it arranged locally?"]


def test_an_imperative_asking_to_be_talked_through_is_asked_not_told() -> None:
    situation, parts = split_question("I'm the office manager and it's my first time. Talk me through how "
                                      "shortlisting should work.")
    assert situation == "I'm the office manager and it's my first time."
    assert parts == ["Talk me through how shortlisting should work."]
    for opening in ("Walk me through", "Help me understand", "Remind me"):
        assert split_question(f"We're new. {opening} what a strategy discussion is for.")[0] == "We're new."


@pytest.mark.parametrize(("question", "shape"), [
    ("Does threatening someone with bleach fall within what the glossary calls serious violence?", "yes-no"),
    ("Is a school trip within the scope of the policy?", "yes-no"),
    ("Must we tell the council within 28 days?", "duration"),
    ("Within how many hours must the strategy discussion happen?", "hours"),
    ("Does the referral have to be made within a set period?", "duration"),
])
def test_within_asks_for_a_time_only_when_a_time_follows(question: str, shape: str) -> None:
    assert answer_shape(question) == shape


@pytest.mark.parametrize("question", [
    "What did the 2018 guidance specify about child death reviews - give me every point it lists",
    "Which offences does KCSIE define? All of them please.",
    "What does the briefing say about reviews? Give me them all.",
    "Which sources listed in Appendix B come from health bodies?",
    "What do I need? I want the full health-related list.",
])
def test_asking_for_every_point_or_all_of_them_asks_for_a_list(question: str) -> None:
    assert question_kind(question, answer_shape(question)) == "list"


def test_a_section_named_by_its_heading_in_quotes_is_that_heading_word_for_word() -> None:
    """"What's listed under the 'Abuse' heading?": the resources headed "Abuse", not every heading
    with the word in it ("Child-on-child abuse")."""
    from assistant.understand.sections import in_section, section_names

    names = section_names("In the 2024 version, what's listed under the 'Abuse' heading - all of it?")
    assert names == ("=abuse",)
    assert in_section(("Annex B: Further information", "Abuse"), names)
    assert not in_section(("Annex B: Further information", "Child-on-child abuse"), names)
    assert "=online safety" in section_names("What does the section called 'Online safety' say?")


def test_the_sections_a_part_names_are_read_from_it_or_its_situation() -> None:
    from assistant.understand.sections import in_section, section_names

    assert section_names("Does it fall within what the WT23 glossary calls violence?") == ("glossary",)
    assert section_names("Which documents does Appendix B list, and what does Part one say?") == (
        "appendix b", "part one")
    assert section_names("What does chapter 3 say about early help?") == ("chapter 3",)
    assert section_names("What is a particular concern?") == ()  # "part" alone names nothing
    # "in a footnote": a page's footnotes and boxes, whatever page
    assert section_names("WT23 mentions the division in a footnote - how many units?") == ("footnote",)
    assert section_names("What do the footnotes say?") == ("footnote",)
    assert in_section(("Footnotes and boxes",), ("footnote",))
    assert not in_section(("Chapter 4: Organisational responsibilities",), ("footnote",))
    # a section named in brackets to describe another is not asked of
    assert section_names("I only need Annex A (the condensed Part one). What should I know?") == ("annex a",)
    assert in_section(("Appendix A: Glossary",), ("glossary",))
    assert in_section(("Annex B: Further information",), ("annex b",))
    assert not in_section(("Annex C: Role of the designated safeguarding lead",), ("annex b",))
    assert not in_section(("Chapter 31: Other",), ("chapter 3",))
    assert not in_section((), ("glossary",))  # a chunk with no heading is in no section
    query = _query("We follow KCSIE 2024 Annex E. Can helpers be supervised instead of checked?")
    assert query.parts[0].sections == ("annex e",)


def test_the_askers_numbers_are_stripped_from_every_part_whatever_word_follows() -> None:
    situation, parts = split_question(
        "Youth worker at a charity. Two things: (1) whose responsibility is it to keep kids safe? "
        "(2) For a child in need, whose duty is it to provide support? 3) if we're unhappy, how do we "
        "escalate?")
    assert parts == ["whose responsibility is it to keep kids safe?",
                     "For a child in need, whose duty is it to provide support?",
                     "if we're unhappy, how do we escalate?"]
    assert "Two things" in situation  # an announcement of what is asked tells nothing asked


@pytest.mark.parametrize(("part", "heading"), [
    ("Which activities count as teaching work List them all.",
     "**Which activities count as teaching work?**"),
    ("Which statutory provisions is WT 2023 issued under - list every one -",
     "**Which statutory provisions is WT 2023 issued under?**"),
    ("Who should sit on a child death review panel Full list please?",
     "**Who should sit on a child death review panel?**"),
    ("What does it require them to do - bullet points please", "**What does it require them to do?**"),
    # "list" as the question's own verb, or a request that is the whole part, stays
    ("Which other boards does it list I need every one it names?",
     "**Which other boards does it list I need every one it names?**"),
    ("Which myths does it list?", "**Which myths does it list?**"),
    ("What about the small clubs that aren't on any list?",
     "**What about the small clubs that aren't on any list?**"),
    ("Can you list them all?", "**Can you list them all?**"),
    # a request that asks on its own is headed as it was put, not as a question
    ("list the arrangements these organisations should have in place.",
     "**List the arrangements these organisations should have in place.**"),
])
def test_a_part_heading_leaves_out_the_request_for_a_form_that_joined_it(part: str, heading: str) -> None:
    """"…teaching work? List them all." is one part, a list; its heading asks what it asks, without
    the run-on request ("Which activities count as teaching work List them all?" before)."""
    from assistant.understand.parts import heading_of

    assert f"**{heading_of(part)}**" == heading


def test_a_request_for_everything_a_passage_names_joins_the_part_before() -> None:
    """"…what should our staff behaviour policy cover? List everything it names." asks one thing, as a
    list; it was a second part, answered from unrelated passages."""
    _, parts = split_question("Under the 2024 version, what should our staff behaviour policy cover? List "
                              "everything it names. What has to be given to all staff on induction?")
    assert len(parts) == 2 and parts[0].endswith("List everything it names.")
    assert question_kind(parts[0], answer_shape(parts[0])) == "list"


def test_a_part_heading_is_a_question_with_a_capital_first_letter() -> None:
    from assistant.understand.parts import heading_of

    assert heading_of("whose responsibility is it to keep kids safe -") == (
        "Whose responsibility is it to keep kids safe?")
    assert heading_of("What does KCSIE say about checks.") == "What does KCSIE say about checks?"
    assert _query("Who is the DSL? and whose duty is it -").parts[1].heading == "And whose duty is it?"


def test_parts_that_name_different_editions_are_each_answered_from_their_own() -> None:
    q = _query("Who are the safeguarding partners under WT23, and who were they under WT 2018?")
    assert [p.scope.editions for p in q.parts if p.scope] == [
        (("working-together", "2023"),), (("working-together", "2018"),)]
    assert q.scope.how == "parts"
    assert set(q.scope.doc_ids) == {d for p in q.parts if p.scope for d in p.scope.doc_ids}
    # a later part's year, read with the series the question names; the first part keeps today's
    q = _query("What does KCSIE say about online searches of candidates, and what did the 2024 version say?")
    assert q.parts[0].scope is not None and q.parts[0].scope.editions == (("kcsie", "2025"),)
    assert q.parts[1].scope is not None and q.parts[1].scope.editions == (("kcsie", "2024"),)


def test_an_edition_named_first_frames_every_part_that_names_none() -> None:
    for question in ("Under KCSIE 2024, what is a DSL? And what training do they need?",
                     "What does KCSIE 2024 say about filtering, and what does it say about phones?"):
        q = _query(question)
        assert q.scope.editions == (("kcsie", "2024"),)
        assert all(p.scope is None for p in q.parts)
    # an edition chosen by the controls is every part's
    q = _query("Who are the partners under WT 2023, and who were they under WT 2018?", edition="2018")
    assert all(p.scope is None for p in q.parts)


def test_a_change_dated_only_by_a_later_part_leaves_the_parts_before_it_the_edition_in_force() -> None:
    q = _query("Officers keep quoting Working Together at me. (1) What does the Children Act 1989 require "
               "the council to do? (2) What did the Children Act 2004 add? (3) What changed in 2017?")
    assert q.kind == "multi-part"
    assert [p.scope.editions for p in q.parts if p.scope][:2] == [(("working-together", "2023"),)] * 2
    # a change between named editions, or one asked first, is one comparison
    assert _query("What does KCSIE say about filtering, and what changed from 2024?").kind == "what-changed"
    assert _query("What changed in KCSIE 2025, and what does it say about filtering?").kind == "what-changed"


@pytest.mark.parametrize(("question", "kind"), [
    ("does that count as domestic abuse in law, given their ages", "domestic abuse"),
    ("does that make him a looked after child?", "looked after child"),
    ("can it even count as 'serious harm' if he's recovered?", "serious harm"),
    ("Can she still be a victim of criminal exploitation if she says she went along with it?",
     "victim of criminal exploitation"),
    ("Is a 17 year old a child for safeguarding purposes?", "child"),
    ("Is there a helpline for staff?", ""),
    ("Do we have to tell the LADO?", ""),
])
def test_a_yes_no_question_about_a_kind_names_the_kind(question: str, kind: str) -> None:
    assert category(question) == kind
    if kind:  # the part carries it, for its plan and its search
        assert _query(question).parts[0].category == kind


def test_a_question_after_a_short_opening_asks_though_it_ends_in_a_full_stop() -> None:
    situation, parts = split_question(
        "Our chief exec asked whether section 11 applies to a district. Per WT23, who does the s11 duty "
        "fall on, and list the arrangements these organisations should have in place. What should new "
        "staff get at induction?")
    assert parts == ["Per WT23, who does the s11 duty fall on",
                     "list the arrangements these organisations should have in place.",
                     "What should new staff get at induction?"]
    assert situation == "Our chief exec asked whether section 11 applies to a district."


def test_a_request_after_a_short_opening_is_asked() -> None:
    situation, parts = split_question(
        "Our trustees want to know what's expected of us at the top. Per the 2024 information sharing "
        "advice, list the responsibilities of senior leaders. And whose job is it to build relationships?")
    assert parts == ["Per the 2024 information sharing advice, list the responsibilities of senior leaders.",
                     "And whose job is it to build relationships?"]
    assert situation == "Our trustees want to know what's expected of us at the top."


@pytest.mark.parametrize(("question", "parts"), [
    (": what is early help?", ["what is early help?"]),
    ("?: who decides?", ["who decides?"]),
])
def test_a_colon_with_nothing_before_it_opens_the_question(question: str, parts: list[str]) -> None:
    assert split_question(question) == ("", parts)


def test_an_opening_that_tells_or_heads_a_colon_s_questions_is_not_asked() -> None:
    told = split_question("A mum says her ex, who's in prison, keeps writing to her kids. Is there a "
                          "number to stop unwanted contact from a prisoner?")
    assert told[1] == ["Is there a number to stop unwanted contact from a prisoner?"]
    headed = split_question("Under KCSIE, what checks do I need to sort for governors: who applies for the "
                            "DBS certificate, and when would a barred list check be right?")
    assert headed[1] == ["who applies for the DBS certificate", "when would a barred list check be right?"]


@pytest.mark.parametrize(("question", "parts"), [
    # a question word after its preposition ends its own question
    ("What happens with the assessment and by when, what are the three possible outcomes?",
     ["What happens with the assessment and by when", "what are the three possible outcomes?"]),
    # a condition after a spaced dash opens the next part
    ("What do I write up at the end - and if the police get pulled in, what should they do?",
     ["What do I write up at the end", "if the police get pulled in, what should they do?"]),
    # after a spaced dash and "and", an opening and its own question
    ("Do volunteer hosts have to pay for it - and for the two staying on, what's the LA's duty?",
     ["Do volunteer hosts have to pay for it", "for the two staying on, what's the LA's duty?"]),
    # lettered labels named together are no enumeration
    ("What counts as regulated activity, both the (a) and (b) categories?",
     ["What counts as regulated activity, both the (a) and (b) categories?"]),
    # a request joined by "then"
    ("List every form of ill-treatment it covers, then list the examples of physical abuse.",
     ["List every form of ill-treatment it covers", "list the examples of physical abuse."]),
    # a preposition carried before the joined question word
    ("How many days until we chase it, and after how long must we escalate?",
     ["How many days until we chase it", "after how long must we escalate?"]),
    # a preposition carried before the question word after a dash
    ("The advice says to document it - within how many hours do I have to write it up?",
     ["within how many hours do I have to write it up?"]),
])
def test_clauses_after_prepositions_dashes_and_then_are_parts_of_their_own(
        question: str, parts: list[str]) -> None:
    assert split_question(question)[1] == parts


def test_a_short_phrase_before_the_question_word_without_a_comma_still_asks() -> None:
    question = ("WT23: as lead practitioner what am I meant to do in the enquiry, and if it's substantiated, "
                "what do I do about a conference and what decides how quickly it happens?")
    assert split_question(question)[1] == [
        "WT23: as lead practitioner what am I meant to do in the enquiry",
        "if it's substantiated, what do I do about a conference",
        "what decides how quickly it happens?"]
    # a fronted phrase that states ("in the hall where the children sat…") asks nothing
    assert split_question("In the hall where the children sat, and what should I do now?")[1] == [
        "In the hall where the children sat, and what should I do now?"]


def test_a_section_the_asker_rules_out_is_not_named() -> None:
    from assistant.understand.sections import section_names
    assert section_names("I was only given Annex A, not the full Part one. Who do I go to?") == ("annex a",)
    assert section_names("From Annex B rather than chapter 3, what is listed?") == ("annex b",)
    assert section_names("What does Part one say, and Annex A?") == ("part one", "annex a")


def test_a_request_after_a_colon_is_asked_and_what_comes_before_names_its_source() -> None:
    situation, parts = split_question("Paeds registrar here. From the WT23 glossary: list every form of "
                                      "ill-treatment it covers, then list the examples of physical abuse.")
    assert situation == "Paeds registrar here. From the WT23 glossary."
    assert parts == ["list every form of ill-treatment it covers", "list the examples of physical abuse."]


def test_a_section_named_by_what_it_is_about_is_looked_for_by_its_heading() -> None:
    from assistant.understand.sections import in_section, section_names
    asked = "Per KCSIE's section on support for schools: who leads?"
    assert section_names(asked) == ("~support for schools",)
    assert section_names("In the bit about children placed out of area, what is said?") == (
        "~children placed out of area",)
    assert section_names("What does the part on Annex B say?") == ("annex b",)  # no title of its own
    names = section_names(asked)
    assert in_section(("Part five", "Support for schools and colleges"), names)
    assert not in_section(("Part five", "Support for victims"), names)


def test_a_clause_that_ends_a_list_of_things_is_no_question_of_its_own() -> None:
    # "about data, information and what senior leaders know": the clause is the list's last item
    assert split_question("Which points in the advice are about data, information and what senior "
                          "leaders know?")[1] == [
        "Which points in the advice are about data, information and what senior leaders know?"]
    # an inverted question after the list still asks on its own
    assert split_question("What does it say about phones, cameras and what should we do with them?")[1] == [
        "What does it say about phones, cameras", "what should we do with them?"]


def test_a_defined_term_ends_before_a_clause_that_says_where_it_is_defined() -> None:
    from assistant.understand.kinds import defined_term
    assert defined_term("What's the definition of extremism KCSIE 2025 gives?") == ("extremism",)
    assert defined_term("What's the definition of extremism gives?") == ("extremism",)  # edition taken out
    assert defined_term("What definition of neglect does WT23 use?") == ("neglect",)
    assert defined_term("What does 'regulated activity' mean?") == ("regulated activity",)


@pytest.mark.parametrize(("question", "kind"), [
    ("What are we actually trying to work out with him?", "fact"),
    ("And what's expected of the other agencies' reports beforehand?", "fact"),
    ("What's a MASH?", "definition"),
])
def test_what_a_person_is_doing_or_what_is_expected_is_no_definition(question: str, kind: str) -> None:
    from assistant.understand.kinds import answer_shape, question_kind
    assert question_kind(question, answer_shape(question), True) == kind


def test_a_question_word_after_an_opening_asks_when_no_sentence_is_marked_as_asking() -> None:
    """No question mark anywhere: "From WT23, which kinds… - list it all out please." still asks, and
    the sentence before it tells the situation."""
    situation, parts = split_question(
        "I chair a sports trust and we might be named as a 'relevant agency'. From WT23, which kinds of "
        "organisations are expected to be included as relevant agencies, and what's expected of us once "
        "we're named - list it all out please.")
    assert situation == "I chair a sports trust and we might be named as a 'relevant agency'."
    assert parts[0] == ("From WT23, which kinds of organisations are expected to be included as relevant "
                        "agencies")
    assert parts[1].startswith("what's expected of us once we're named")
    # a scene set with "when" asks nothing: the whole text is still one part
    assert len(split_question("Last night, when we found him, he was cold.")[1]) == 1


@pytest.mark.parametrize(("question", "shape"), [
    ("Which regulations require the short breaks services statement?", "law"),
    ("And under which Act?", "law"),
    ("Which pieces of legislation should governors be aware of?", "law"),
    ("What acts count as physical abuse?", None),  # deeds, not statutes
    ("Since what date have teachers had the duty, and which Act inserted it?", "date"),  # asked first
])
def test_a_part_asking_which_law_has_the_law_shape(question: str, shape: str | None) -> None:
    assert answer_shape(question) == shape


def test_a_request_then_a_question_are_two_parts() -> None:
    _, parts = split_question("Per KCSIE, list what we should require applicants to provide - especially "
                              "around their last job - and what governs the self-declaration?")
    assert parts == ["Per KCSIE, list what we should require applicants to provide - especially around "
                     "their last job -", "what governs the self-declaration?"]


def test_what_is_different_for_a_role_is_no_change_between_editions() -> None:
    role = _query("Please list what domestic abuse can look like, and what's different for teachers when it "
                  "comes to FGM.")
    assert role.kind != "what-changed"
    assert _query("What's different in the latest KCSIE?").kind == "what-changed"


def test_a_request_before_a_colon_is_no_part_and_its_topic_widens_every_part() -> None:
    situation, parts = split_question("Nursery manager. List for me: what it says about families facing "
                                      "challenges, when more intensive help is needed, and who provides "
                                      "universal services.")
    assert parts == ["what it says about families facing challenges", "when more intensive help is needed",
                     "who provides universal services."]
    assert situation == "Nursery manager. List for me."
    query = _query("Can you list the basics KCSIE gives about neglect: where children can be at risk of "
                   "harm, and why professional curiosity matters?")
    assert [p.text for p in query.parts] == ["where children can be at risk of harm",
                                              "why professional curiosity matters?"]
    assert all("neglect" in p.search for p in query.parts)


@pytest.mark.parametrize(("part", "kind"), [
    ("what family group decision-making is.", "definition"),  # asked indirectly, in a list of asks
    ("and what extra-familial harm means", "definition"),
    ("what the threshold is", "fact"),  # a value, not a term
    ("what kind of harm this is", "fact"),
])
def test_a_term_asked_indirectly_asks_for_its_definition(part: str, kind: str) -> None:
    assert question_kind(part, answer_shape(part)) == kind


@pytest.mark.parametrize(("part", "kind"), [
    ("what should we expect these reports to be like for the children?", "fact"),  # how to see it
    ("How should I think about what this is like for her?", "fact"),
    ("who should I think about inviting?", "procedure"),  # planning what to do
    ("how should we respond?", "procedure"),
])
def test_after_a_situation_how_to_see_it_is_no_steps(part: str, kind: str) -> None:
    assert question_kind(part, answer_shape(part), situated=True) == kind


def test_how_quickly_between_two_questions_is_asked_of_the_one_before() -> None:
    _, parts = split_question("What happens once they get it - who decides what next and how quickly, who "
                              "agrees the lead practitioner, and will they tell me?")
    assert parts == ["What happens once they get it - who decides what next", "how quickly",
                     "who agrees the lead practitioner", "will they tell me?"]
    query = _query("Who decides what next and how quickly, who agrees the lead practitioner?")
    assert query.parts[1].shape == "duration" and "decides" in query.parts[1].search


def test_whether_after_a_cut_is_one_more_thing_asked() -> None:
    _, parts = split_question("What does KCSIE expect - who I involve, whether I can promise to keep it "
                              "secret, what I say to the child?")
    assert parts[-2:] == ["whether I can promise to keep it secret", "what I say to the child?"]


def test_a_section_named_in_situation_and_part_does_not_bring_the_situation_into_the_search() -> None:
    told = ("Our lunchtime supervisors only get the Annex A condensed version. I want to turn it into a "
            "staffroom poster.")
    query = _query(f"{told} What forms does Annex A say child-on-child abuse is most likely to include?")
    assert "lunchtime" not in query.parts[0].search and "poster" not in query.parts[0].search
    shared = _query("Our lunchtime supervisors keep asking about bullying. What does Annex A say about "
                    "bullying by supervisors?")  # a word of the situation itself: read with it
    assert "lunchtime" in shared.parts[0].search

@pytest.mark.parametrize(("question", "parts"), [
    # each item a colon lists is asked on its own
    ("Please list: whether these things come one at a time, who can abuse children, and how early neglect "
     "can start; and the usual context in which staff meet it.",
     ["whether these things come one at a time", "who can abuse children", "how early neglect can start",
      "the usual context in which staff meet it."]),
    # a condition keeps its question, outside a colon's list too
    ("Please list: is there an official list, and if not, where are the rules set?",
     ["is there an official list", "if not, where are the rules set?"]),
    # a condition, or an opening, after a semicolon opens the question it leads to
    ("Three things: can we use a settlement agreement here; if we did use one for something else, is there "
     "anything it mustn't stop us doing; and for allegations that end up substantiated, unfounded or "
     "unsubstantiated, what has to be kept on file?",
     ["can we use a settlement agreement here",
      "if we did use one for something else, is there anything it mustn't stop us doing",
      "for allegations that end up substantiated, unfounded or unsubstantiated, what has to be kept on "
      "file?"]),
    # each thing a colon names after "about" is asked what the opening asks; one thing, listed, is not
    ("For WT 2010, what did the guidance say about: the UK Border Agency's duty; girls under 16 at a clinic; "
     "and DNA testing?",
     ["For WT 2010, what did the guidance say about the UK Border Agency's duty?",
      "what did the guidance say about girls under 16 at a clinic?",
      "what did the guidance say about DNA testing?"]),
    ("What does it say about: phones, cameras and watches?",
     ["What does it say about: phones, cameras and watches?"]),
    # a condition then its own question after a comma opens a part (after an earlier part)
    ("Who should lead on any sanctions, how careful do we need to be about whether what we do is punishment "
     "or protection, and if one of these cases ever did end in a conviction for rape, what then?",
     ["Who should lead on any sanctions",
      "how careful do we need to be about whether what we do is punishment or protection",
      "if one of these cases ever did end in a conviction for rape, what then?"]),
    # a clause with a past-tense verb is no gapped noun phrase; a gapped one still borrows the verb
    ("Please list: what Operation Encompass helps schools do; what the Act's duties shifted the focus to; "
     "the usual context in which staff meet homelessness.",
     ["what Operation Encompass helps schools do", "what the Act's duties shifted the focus to",
      "the usual context in which staff meet homelessness."]),
    ("Who is more likely to be the victims, and who the perpetrators?",
     ["Who is more likely to be the victims, and who the perpetrators?"]),
    # a colon's item may be a noun clause; a lone question word stays with the clause before it
    ("Please list: whether these things come one at a time, the ways someone can abuse a child, whether "
     "children count as victims and how, what it does to them, and who can abuse children.",
     ["whether these things come one at a time", "the ways someone can abuse a child",
      "whether children count as victims and how", "what it does to them", "who can abuse children."]),
    ("What do we do straight away about classes, the site and the minibus?",
     ["What do we do straight away about classes, the site and the minibus?"]),
])
def test_a_colon_s_items_semicolons_and_conditions_split_a_question_into_its_parts(
        question: str, parts: list[str]) -> None:
    assert split_question(question)[1] == parts


def test_a_table_of_what_changed_is_a_part_of_the_document_not_a_comparison() -> None:
    """"Where is the table of what's changed?" asks where a part of KCSIE 2025 is; "what's changed in
    KCSIE 2025?" compares it with the edition before."""
    asked = ("Which version does KCSIE 2025 say it replaces, and where in the document is the table of "
             "what's changed?")
    query = _query(asked)
    assert query.kind == "multi-part" and len(query.parts) == 2
    assert _query("What's changed in KCSIE 2025 on filtering?").kind == "what-changed"


def test_the_verb_change_in_a_statement_is_not_a_question_about_changes() -> None:
    """"…helping the Y1s change in and out of costumes." tells of getting changed; asked, or as a
    noun, "change in" still asks what changed between editions."""
    told = ("Drama lead at an infant school. For the nativity we have mums backstage helping the Y1s "
            "change in and out of costumes. Is helping with costumes personal care under KCSIE?")
    assert _query(told).kind == "fact"
    assert _query("Did the rules on upskirting change in KCSIE 2025?").kind == "what-changed"
    assert _query("I need the main change in KCSIE 2025 on filtering. Summarise it.").kind == "what-changed"


def test_the_part_one_booklet_named_is_searched_beside_the_full_guidance() -> None:
    """Part one published on its own has pages of its own (a list of further advice at its back):
    naming the booklet searches it too; naming Part one alone searches the full guidance only."""
    booklet = _query("In the KCSIE Part one booklet's list of further advice, which organisations are named?")
    assert booklet.scope.doc_ids == ("kcsie-2025", "kcsie-2025-part-one")
    assert _query("What's in the Part one document about online safety?").scope.doc_ids[-1] == (
        "kcsie-2025-part-one")
    assert _query("What does Part one of KCSIE say about online safety?").scope.doc_ids == ("kcsie-2025",)


def test_a_statement_joined_to_a_question_before_a_dash_opens_the_next_question() -> None:
    """"…what is our duty here, and the company wants a fee - how should we judge it?": the duty is
    one question; the fee is told for the question after the dash. A clause after a statement, or
    one that asks itself, keeps the dash."""
    _, parts = split_question("What exactly is our duty towards the visiting kids here, and the company "
                              "wants an admin fee for the DBS checks - how should we judge whether they're "
                              "worth using?")
    assert parts == ["What exactly is our duty towards the visiting kids here?",
                     "The company wants an admin fee for the DBS checks, how should we judge whether "
                     "they're worth using?"]
    _, told = split_question("A new HLTA will help a 7 yo with toileting, but only once a fortnight - does "
                             "it being infrequent take that out of regulated activity?")
    assert told == ["does it being infrequent take that out of regulated activity?"]  # no "will help…?" part


@pytest.mark.parametrize(("leaning", "alone", "question", "carried"), [
    # "…reasonable force? - and is there anything extra because they have SEND?" asks what extra applies
    # to reasonable force; a numbered "Is there anything extra owed to disabled pupils?" stands on its own
    (("- and is there anything extra we have to think about because they have SEND?",
      "And apart from the checks, what else does the panel look at?"),
     "Is there anything extra owed to disabled pupils?",
     "When does KCSIE say it's appropriate for staff to use 'reasonable force'? - and is there anything "
     "extra we have to think about because the children have SEND?", "force"),
    # "…now, and what do I need to do afterwards?": after sharing; "if so, who pays?": if the part
    # before holds
    (("what do I need to do afterwards?", "If so, who pays for the interpreter?"),
     "What records should the designated safeguarding lead keep?",
     "Nurse on a night shift. Can I share a disclosure with the police without consent, and what do I "
     "need to do afterwards?", "consent"),
])
def test_a_part_asking_of_the_part_before_leans_on_it_without_a_pronoun(
        leaning: tuple[str, ...], alone: str, question: str, carried: str) -> None:
    assert all(needs_antecedent(part) for part in leaning)
    assert not needs_antecedent(alone)
    query = _query(question)
    assert query.parts[-1].follows and carried in query.parts[-1].search


def test_etc_inside_brackets_or_before_lower_case_ends_no_sentence() -> None:
    """"Which system (CPOMS, MyConcern, etc.) does KCSIE require?" is one question; "…cuts etc. What
    should we do?" still ends a sentence at "etc."."""
    _, parts = split_question("Which recording system (CPOMS, MyConcern, etc.) does KCSIE require schools to "
                              "use, and by what date do we have to switch over?")
    assert parts[0] == "Which recording system (CPOMS, MyConcern, etc.) does KCSIE require schools to use"
    _, told = split_question("We see bruises, cuts etc. What should we do? And who do we tell?")
    assert told == ["What should we do?", "And who do we tell?"]


def test_a_topic_a_colon_lists_between_its_questions_is_asked_on_its_own() -> None:
    """"…key messages: who has a role, why it matters…, the age for a 'child', who can be abusers, and
    child-on-child abuse." asks five things; "what do we do about classes, the site and the minibus"
    asks one thing of three."""
    _, parts = split_question("Using KCSIE's Annex A, list the key messages for our cleaners: who has a "
                              "role, why it matters even if you don't work with kids, the age for a 'child', "
                              "who can be abusers, and child-on-child abuse.")
    assert parts == ["who has a role", "why it matters even if you don't work with kids",
                     "what about the age for a 'child'?", "who can be abusers",
                     "what about child-on-child abuse?"]
    _, parts = split_question("Quick ones for the SLT: what do we do straight away about classes, the site "
                              "and the minibus, how should we treat the victim, and who do we call?")
    assert parts[0] == "what do we do straight away about classes, the site and the minibus"


def test_remind_me_before_a_colon_is_a_request_that_opens_the_questions() -> None:
    situation, parts = split_question("A baby died unexpectedly. Remind me of the WT23 basics: where are the "
                                      "detailed processes set out, and can the arrangements span two ICBs?")
    assert parts == ["where are the detailed processes set out", "can the arrangements span two ICBs?"]
    assert "Remind me" in situation


def test_a_request_for_an_overview_before_a_dash_is_asked_on_its_own() -> None:
    """"Can you list what it says about cybercrime - what it is, …, and where…?": the overview is one
    part, each question after the dash another, searched with the request's subject; a question before
    the dash ("How should I review the plan - what am I looking for…") stays whole."""
    query = _query("Using KCSIE's Annex B, can you list what it says about cybercrime - what it is, what "
                   "kinds of cyber-dependent crime there are, and where else I can get advice?")
    assert [p.text for p in query.parts][:2] == ["Using KCSIE's Annex B, can you list what it says about "
                                                 "cybercrime", "what it is"]
    assert all("cybercrime" in p.search for p in query.parts[1:])
    query = _query("How should I be reviewing the CIN plan - what am I looking for with neglect, what should "
                   "my supervisor be checking, and how should the plan handle services for mum?")
    assert query.parts[0].text.startswith("How should I be reviewing the CIN plan - what am I looking for")


def test_a_pointer_answer_says_where_to_read_more() -> None:
    pointer = ANSWER_SHAPES["pointer"]
    assert pointer.search("Further information can be found in the Statutory guidance - PACE Code C 2019.")
    assert pointer.search("More information on HSB can be found at paras 459-462.")
    assert not pointer.search("The designated safeguarding lead is expected to refer cases to the police.")


def test_a_request_after_a_connective_is_a_part_of_its_own() -> None:
    situation, parts = split_question(
        "On an interview panel tomorrow, first time. What should our structured questions cover? And list "
        "the warning signs we should be probing further if they come up in the answers.")
    assert parts == ["What should our structured questions cover?", "And list the warning signs we should be "
                     "probing further if they come up in the answers."]
    assert situation == "On an interview panel tomorrow, first time."


def test_a_scene_set_after_an_opening_stays_with_its_question() -> None:
    # "And separately, when we rewrite…," sets a scene for the question after it; it asks nothing
    _, parts = split_question("Is this actually an offence? And separately, when we rewrite our staff code "
                              "of conduct after this, what topics does KCSIE say it should include?")
    assert parts == ["Is this actually an offence?", "And separately, when we rewrite our staff code of "
                     "conduct after this, what topics does KCSIE say it should include?"]


def test_a_reported_question_is_what_a_bare_what_does_it_say_asks() -> None:
    query = _query("Office manager here. A couple of staff have asked how much the DBS Update Service costs "
                   "per year and whether the school pays it. What does KCSIE say?")
    assert [p.text for p in query.parts] == ["How much the DBS Update Service costs per year and whether the "
                                             "school pays it?"]
    assert query.parts[0].shape == "money"
    # a question of its own is asked as it is, whatever the statement before it reports
    _, parts = split_question("Parents asked me whether phones are banned. Who decides the phone policy?")
    assert parts == ["Who decides the phone policy?"]



def test_a_reported_question_is_what_a_request_for_its_form_asks() -> None:
    # the only sentence asking asks for a form: the reported question is what is asked, as a list
    query = _query("I run a youth club in Leeds. My trustees want to know what checks we need for "
                   "volunteers. List them all please.")
    assert len(query.parts) == 1 and query.parts[0].text.startswith("What checks we need for volunteers")
    assert query.kind == "list"
    # a form asked with no question at all is read as the whole question, never as no question
    assert split_question("I run a youth club in Leeds. List them all please.")[1] == [
        "I run a youth club in Leeds. List them all please."]


def test_a_statement_between_two_questions_is_the_later_ones_own_matter() -> None:
    question = ("Welfare officer at an FE college. I referred a 16-year-old to children's social care. "
                "(1) A social worker is assessing - what's expected of college staff while they assess? "
                "(2) Nothing seems to be improving for her - what should I do about that?")
    situation, parts, nears = split_parts(question)
    assert parts[1] == "what should I do about that?"
    assert nears == ["", "Nothing seems to be improving for her."]
    assert "Nothing seems to be improving" in situation  # still the situation's too
    later = _query(question).parts[1]
    # "that" is what was told just before it, not the part before: it is judged with those words
    assert not later.follows and "improving" in later.asked and "expected" not in later.search.split("?")[-1]


def test_what_the_answer_plans_read_of_a_part_is_read_once_here() -> None:
    """The term a definition asks about, the products offered as options, a question asked in days
    and one about changes are read by the analysis stage; the plans read the Part's fields."""
    term = _query("What's a MASH (multi-agency safeguarding hub)?").parts[0]
    assert term.defined and term.defined[0] == "MASH"
    offered = _query("Does KCSIE say we should use Smoothwall, Lightspeed or Securly?").parts[0]
    assert offered.offered == ("Smoothwall", "Lightspeed", "Securly")
    timed = _query("How many days does the LA have to decide?").parts[0]
    assert timed.timed and not timed.changes
    changed = _query("What was updated about filtering in KCSIE 2025?").parts[-1]
    assert changed.changes and not changed.timed and not changed.offered


def test_the_table_sections_a_what_changed_question_names_are_read_with_it() -> None:
    asked = _query("What changed in Part two of KCSIE 2024 and the annexes?")
    assert asked.kind == "what-changed" and asked.changed_sections == ("part two", "annex")
    assert _query("What does Part two of KCSIE 2025 say about filtering?").changed_sections == ()


@pytest.mark.parametrize(("question", "changes"), [
    ("Does the lack of complaints change anything?", False),  # whether it makes a difference
    ("We've got an STC in our patch, if that changes anything. Who do we tell?", False),
    ("What changed in KCSIE 2025 about filtering?", True),
    ("Has the guidance on filtering been updated, and does that change anything for us?", True),
])
def test_a_change_that_makes_a_difference_is_no_change_to_the_guidance(question: str, changes: bool) -> None:
    assert any(p.changes for p in _query(question).parts) is changes
