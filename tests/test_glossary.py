"""Abbreviations learned from the corpus expand a question whatever its hyphens and quote marks."""

from __future__ import annotations

from assistant.glossary import expand_query, learn_abbreviations


def test_an_abbreviation_is_learned_without_the_quote_marks_around_its_words() -> None:
    learned = learn_abbreviations(["So-called ‘honour’-based abuse (HBA) encompasses incidents…"])
    assert learned["HBA"] == "honour based abuse"


def test_a_phrase_typed_with_hyphens_or_another_apostrophe_finds_its_abbreviation() -> None:
    known = {"HBA": "honour based abuse", "MAPPA": "multi agency public protection arrangements",
             "CYPMHS": "children and young people’s mental health services"}
    assert expand_query("who needs to be alert to so-called honour-based abuse?", known).endswith("(HBA)")
    assert "(MAPPA)" in expand_query("what are multi-agency public protection arrangements?", known)
    assert "(CYPMHS)" in expand_query("can children and young people's mental health services help?", known)
    assert expand_query("what does HBA cover?", known) == "what does HBA cover? (honour based abuse)"
    # a phrase the question only half holds adds nothing
    assert expand_query("is honour a factor in abuse?", known) == "is honour a factor in abuse?"
