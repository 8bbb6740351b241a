from datetime import date

import pytest

from assistant.editions import EditionRegistry, parse_date, resolve, strip_edition_words
from corpus.manifest import load_manifest

TODAY = date(2026, 11, 22)


@pytest.fixture(scope="module")
def reg() -> EditionRegistry:
    return EditionRegistry(load_manifest())


def test_no_edition_uses_current_editions_only(reg: EditionRegistry) -> None:
    s = resolve(reg, "How long can an assessment take?", today=TODAY)
    assert s.how == "current"
    assert set(s.doc_ids) == {"working-together-2023", "kcsie-2025", "information-sharing-2024"}


def test_named_editions(reg: EditionRegistry) -> None:
    assert resolve(reg, "Under Working Together 2010, how long?", today=TODAY).doc_ids == (
        "wt2010-key-changes-for-practitioners",)
    assert resolve(reg, "Who are the partners under the 2018 edition?", today=TODAY).doc_ids == (
        "wt2018-briefing",)
    assert resolve(reg, "What did KCSIE 2024 say about filtering?", today=TODAY).doc_ids == (
        "kcsie-2024",)
    assert resolve(reg, "x", edition="kcsie-2024", today=TODAY).doc_ids == ("kcsie-2024",)
    assert resolve(reg, "x", edition="2020", today=TODAY).doc_ids == ("wt2018-amended-2020-changes",)


def test_an_edition_named_with_its_series_outranks_a_date_elsewhere(reg: EditionRegistry) -> None:
    # "the September 2024 version" is the edition compared against, not the date the question asks of
    s = resolve(reg, "Updating my slides for September. What changed in KCSIE 2025 compared with the "
                "September 2024 version on recruitment?", today=TODAY)
    assert (s.how, s.doc_ids) == ("named", ("kcsie-2025",))
    assert resolve(reg, "What did KCSIE say about filtering as of May 2025?", today=TODAY).how == "as-of"


def test_for_information_text_only_when_asked(reg: EditionRegistry) -> None:
    assert "kcsie-2025-july-for-information" not in resolve(reg, "KCSIE 2025 DSL", today=TODAY).doc_ids
    s = resolve(reg, "In the July 2025 for information version of KCSIE 2025?", today=TODAY)
    assert s.doc_ids == ("kcsie-2025-july-for-information",)


def test_missing_edition_is_unavailable_not_substituted(reg: EditionRegistry) -> None:
    s = resolve(reg, "What does Working Together 2026 change?", today=TODAY)
    assert s.doc_ids == () and "no Working Together 2026" in (s.unavailable or "")
    s = resolve(reg, "x", edition="2013", today=TODAY)
    assert s.doc_ids == () and s.unavailable


def test_dates_resolve_to_edition_in_force(reg: EditionRegistry) -> None:
    s = resolve(reg, "KCSIE rules", as_of=date(2025, 6, 1), today=TODAY)
    assert s.doc_ids == ("kcsie-2024",)
    s = resolve(reg, "KCSIE rules", as_of=date(2025, 10, 1), today=TODAY)
    assert s.doc_ids == ("kcsie-2025",)
    s = resolve(reg, "Which partners were in force in May 2019?", today=TODAY)
    assert s.how == "as-of" and "wt2018-briefing" in s.doc_ids
    assert any("KCSIE" in n for n in s.notices)  # says what is missing


def test_date_before_corpus_is_unavailable(reg: EditionRegistry) -> None:
    s = resolve(reg, "What applied in force in March 2005?", today=TODAY)
    assert s.doc_ids == () and s.unavailable


def test_act_years_are_not_editions(reg: EditionRegistry) -> None:
    s = resolve(reg, "What does section 47 of the Children Act 1989 require?", today=TODAY)
    assert s.how == "current"
    s = resolve(reg, "How does the Data Protection Act 2018 affect sharing?", today=TODAY)
    assert s.how == "current"
    s = resolve(reg, "Is a rugby club in the local arrangements, given it is not in the 2018 Regulations?",
                today=TODAY)
    assert s.how == "current"


def test_parse_date_and_strip() -> None:
    assert parse_date("in force on 1 September 2025") == date(2025, 9, 1)
    assert parse_date("as at 2019-05-03") == date(2019, 5, 3)
    assert parse_date("in May 2019") == date(2019, 5, 15)
    assert parse_date("no date here") is None
    assert strip_edition_words("Under Working Together 2018, who leads?") == "who leads?"
    assert strip_edition_words("In KCSIE 2024 - what checks are needed?") == "what checks are needed?"
    assert strip_edition_words("What is this form for?") == "What is this form for?"  # no edition words


def test_other_jurisdictions_are_out_of_scope(reg: EditionRegistry) -> None:
    s = resolve(reg, "Under Scotland's national child protection guidance, how fast is an IRD?",
                today=TODAY)
    assert s.doc_ids == () and "England only" in (s.unavailable or "")
    s = resolve(reg, "What do US mandated reporter laws require?", today=TODAY)
    assert s.unavailable
    # mentioning a nation is not enough: the corpus may still answer
    assert resolve(reg, "Does Working Together apply in Wales?", today=TODAY).unavailable is None


def test_missing_series_edition_falls_back_to_same_year_material_with_notice(
        reg: EditionRegistry) -> None:
    s = resolve(reg, "How did the 2015 information sharing advice change?", today=TODAY)
    assert set(s.doc_ids) == {"wt2015-qa-for-publication", "wt2015-revisions-summary"}
    assert "no Information sharing advice 2015 text" in s.notices[0]
    s = resolve(reg, "information sharing advice", edition="2015", today=TODAY)
    assert s.notices and "wt2015-qa-for-publication" in s.doc_ids
    # a year no series holds is still refused
    assert resolve(reg, "information sharing advice", edition="2026", today=TODAY).unavailable
    # another series' full text of that year does not describe it: WT 2023 is no KCSIE 2023
    s = resolve(reg, "What changed in KCSIE 2023 compared with KCSIE 2022?", today=TODAY)
    assert s.doc_ids == () and "no KCSIE 2023 edition" in (s.unavailable or "")


@pytest.mark.parametrize("question", [
    "What timescale do the Wales Safeguarding Procedures set for a strategy discussion?",
    "What do Australia's National Principles for Child Safe Organisations require of schools?",
    "Under the Children and Young People (Jersey) Law 2022, who are the safeguarding partners?",
    "Do the Isle of Man safeguarding procedures set a timescale for a strategy meeting?",
])
def test_other_jurisdictions_named_in_any_case_are_outside_the_corpus(question: str) -> None:
    from assistant.editions import OTHER_JURISDICTION

    assert OTHER_JURISDICTION.search(question)


def test_us_the_pronoun_is_not_a_jurisdiction() -> None:
    from assistant.editions import OTHER_JURISDICTION

    assert not OTHER_JURISDICTION.search("Can you give us guidance on sharing information?")


@pytest.mark.parametrize(("question", "outside"), [
    ("How many children in England were on a child protection plan last year?", True),
    ("How many allegations against teachers were there nationally in 2023?", True),
    ("How many working days did the 2010 guidance allow for an initial assessment?", False),
    ("How many days does the local authority have to acknowledge a referral?", False),
])
def test_questions_asking_for_statistics_are_outside_the_corpus(question: str, outside: bool) -> None:
    from assistant.editions import STATISTICS

    assert bool(STATISTICS.search(question)) is outside


def test_a_year_in_the_story_does_not_date_the_question() -> None:
    from assistant.editions import _dates_the_question

    story = ("Our top pick for site manager has a DBS showing a drink-driving conviction from 2012. "
             "What do we do?")
    assert not _dates_the_question(story, "2012")
    assert not _dates_the_question("He was cautioned in 2015. Can he work with us?", "2015")
    assert _dates_the_question("Back in 2010, what happened to the timescale?", "2010")
    assert _dates_the_question("what did the guidance say in 2016", "2016")


def test_a_story_year_leaves_the_editions_in_force(reg: EditionRegistry) -> None:
    story = resolve(reg, "Our top pick has a DBS showing a conviction from 2012. What do we do?",
                    today=TODAY)
    assert story.how == "current" and story.doc_ids == resolve(reg, "What do we do?", today=TODAY).doc_ids
    dated = resolve(reg, "Back in 2012, what did the guidance say about assessments?", today=TODAY)
    assert dated.how == "as-of"


def test_info_sharing_advice_names_its_series(reg: EditionRegistry) -> None:
    """"the 2024 info sharing advice" is the information sharing advice, not every 2024 edition."""
    s = resolve(reg, "Going by the 2024 info sharing advice, do we need a DPIA?", today=TODAY)
    assert s.doc_ids == ("information-sharing-2024",)
    # of the series held, only the information sharing advice is advice
    s = resolve(reg, "A dad asked us to delete his records - what does the 2024 advice say?", today=TODAY)
    assert s.doc_ids == ("information-sharing-2024",)


@pytest.mark.parametrize(("question", "names_wt"), [
    ("We've never had an adopted child. What should staff do, and who needs to be working together?", False),
    ("Agencies working together effectively - what does KCSIE say?", False),
    ("Did KCSIE 2025 change how it describes 'Working together to improve school attendance'?", False),
    ("What does Working Together say about strategy discussions?", True),
    ("Under working together, who chairs the conference?", True),
    ("working together 2018 says what about LSCBs?", True),
])
def test_working_together_is_the_guidance_only_when_read_as_its_title(
        reg: EditionRegistry, question: str, names_wt: bool) -> None:
    scope = resolve(reg, question, today=TODAY)
    assert ("working-together" in scope.series) == names_wt


@pytest.mark.parametrize(("question", "how"), [
    ("A Y9 girl disclosed in March 2024 and we referred. What should we do now?", "current"),
    ("We wrote our policy in 2023. Does it need updating?", "current"),
    ("Our policy follows the 2024 version. What does it say about phones?", "named"),
    ("What did the guidance say in 2024 about phones?", "named"),
])
def test_an_edition_year_the_situation_tells_is_no_edition_asked_for(
        reg: EditionRegistry, question: str, how: str) -> None:
    assert resolve(reg, question, today=TODAY).how == how


@pytest.mark.parametrize(("question", "names_kcsie"), [
    ("Our volunteers do their part in keeping children safe online. What does WT 2023 expect?", False),
    ("What does 'Keeping children safe in out-of-school settings' say?", False),
    ("What does keeping children safe in education say about filtering?", True),
])
def test_keeping_children_safe_is_kcsie_only_when_read_as_its_title(
        reg: EditionRegistry, question: str, names_kcsie: bool) -> None:
    assert ("kcsie" in resolve(reg, question, today=TODAY).series) == names_kcsie


@pytest.mark.parametrize("question", [
    "Our serious violence strategy went out in January 2024. How often does WT23 say it must be reviewed?",
    "Our policy was written in 2024. What does Working Together 2023 say about reviews?",
])
def test_a_year_named_with_its_series_wins_over_a_story_year(reg: EditionRegistry, question: str) -> None:
    s = resolve(reg, question.replace("WT23", "WT 2023"), today=TODAY)
    assert s.unavailable is None and s.doc_ids == ("working-together-2023",)


def test_a_year_after_the_full_title_names_the_edition(reg: EditionRegistry) -> None:
    s = resolve(reg, "What are the main changes in Working Together to Safeguard Children 2026?", today=TODAY)
    assert s.doc_ids == () and "no Working Together 2026 edition" in (s.unavailable or "")
