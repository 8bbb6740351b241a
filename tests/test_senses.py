"""An abbreviation with two meanings in the corpus is read in the sense its question's words fit."""

from __future__ import annotations

from assistant.senses import SENSE_MIN, Senses

RECORD = "Schools must keep a single central record of the checks on staff, in paper or electronic form."
REVIEW = "The panel commissions serious case reviews when a child has died or been seriously harmed."
OTHER = "Staff should carry references home."  # "s… c… r…" with a stopword in it


def _senses(records: int = SENSE_MIN) -> Senses:
    texts = [RECORD] * records + [REVIEW] * 3 + [OTHER] * 30
    return Senses(texts, lambda token: 1.0)


def test_an_abbreviation_is_read_in_the_sense_its_questions_words_go_with() -> None:
    learned = {"SCR": "serious case reviews", "DSL": "designated safeguarding lead"}
    read = _senses().resolve
    assert read("Do the checks on supply staff go on our SCR?", learned)["SCR"] == "single central record"
    assert read("Who commissions an SCR when a child has died?", learned)["SCR"] == "serious case reviews"
    assert read("What is an SCR?", learned)["SCR"] == "serious case reviews"  # a tie: the learned one
    assert read("Can the DSL keep paper records?", learned) == learned  # one sense: as learned


def test_a_sense_is_a_frequent_phrase_of_ordinary_words() -> None:
    found = _senses().senses("SCR", "serious case reviews")
    assert set(found) == {"serious case reviews", "single central record"}  # not "staff should carry…"
    assert set(_senses(SENSE_MIN - 1).senses("SCR", "serious case reviews")) == {"serious case reviews"}


def test_a_sense_is_judged_by_its_uses_in_the_documents_asked_of_and_not_by_one_chance_use() -> None:
    learned = {"SCR": "serious case reviews"}
    # one review use beside "leavers" and "staff"; the record's uses each beside "staff" only
    review = "Serious case reviews found that leavers and staff were not asked."
    texts = [RECORD] * SENSE_MIN + [review] + [REVIEW] * 3
    docs = ["kcsie"] * SENSE_MIN + ["kcsie"] + ["wt"] * 3
    senses = Senses(texts, lambda token: 1.0, docs)
    question = "Do leavers stay on our SCR of staff?"
    # the record's three best uses fit better on average than the review's one lucky use
    assert senses.resolve(question, learned, ("kcsie",))["SCR"] == "single central record"
    # asked of Working Together only: the review is the sense its documents use
    assert senses.resolve(question, learned, ("wt",))["SCR"] == "serious case reviews"
