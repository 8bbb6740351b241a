"""Footnote reference numbers taken out of shown quotes by the cited page's own footnotes."""

from __future__ import annotations

from assistant.answer import display
from assistant.footrefs import footnote_numbers, strip_page_refs
from ingest.records import Page

PAGE = Page("wt", 133, "The local authority should notify Ofsted up to the age of 24193.\n"
            "193 Care leavers are entitled to support.\n79 DBS Update Service | GOV.UK",
            body_end=63)


def test_the_page_footnotes_give_the_reference_numbers() -> None:
    assert footnote_numbers([PAGE]) == {"193", "79"}


def test_references_glued_spaced_or_leading_are_taken_out() -> None:
    refs = footnote_numbers([PAGE])
    assert display("up to and including the age of 24193.", refs) == "up to and including the age of 24."
    assert strip_page_refs("join the DBS Update Service 79 at the point", refs) == \
        "join the DBS Update Service at the point"
    assert strip_page_refs("What consent is 79 Consent is about", refs) == "What consent is Consent is about"
    assert strip_page_refs("A DPIA79 is a risk assessment", refs) == "A DPIA is a risk assessment"
    assert strip_page_refs("193 Care leavers are entitled", refs) == "Care leavers are entitled"


def test_a_run_of_references_after_a_sentence_end_is_taken_out() -> None:
    refs = frozenset({"62", "63", "64", "66"})
    assert strip_page_refs("children). 62 63 64 Note that", refs) == "children). Note that"
    assert strip_page_refs("paragraphs 254-257). 66\n• obtain", refs) == "paragraphs 254-257).\n• obtain"
    assert display("for the specific role. 62 63 ,", refs) == "for the specific role."
    assert strip_page_refs("• a barred list check 64\n• a", refs) == "• a barred list check\n• a"
    assert strip_page_refs("more likely to be abused 66", refs) == "more likely to be abused"
    assert strip_page_refs("under section 64\n• a", refs) == "under section 64\n• a"
    # a number that counts something after a full stop stays: it is not followed by a new sentence
    assert strip_page_refs("these timescales. 62 working days", refs) == "these timescales. 62 working days"


def test_real_numbers_stay() -> None:
    refs = frozenset({"18", "79", "45"})
    for text in ("in 2018 the guidance", "section 79 of the Act", "within 45 working days",
                 "a child aged 79 days", "up to 145 days"):
        assert strip_page_refs(text, refs) == text
    assert strip_page_refs("up to the age of 24193.", frozenset()) == "up to the age of 24193."


def test_a_list_of_footnote_references_goes_whole_from_the_page_text() -> None:
    """"guidance133,134,135." loses all three numbers at ingest, not just the first: a stray
    ",134,135" no longer matches the printed page, and the quote was cut before it."""
    from ingest.readers import strip_footnote_refs

    assert strip_footnote_refs("follow the relevant professional guidance133,134,135.") == \
        "follow the relevant professional guidance."
    assert strip_footnote_refs("the release date and address156,157\n• details") == \
        "the release date and address\n• details"
    assert strip_footnote_refs("children aged 16,17 and 18") == "children aged 16,17 and 18"


def test_references_run_together_after_a_word_are_taken_out() -> None:
    """WT 2023 p.120 prints "…appropriate and safe to do so160161." (footnotes 160 and 161): the
    quote showed "so160161."; a word's own digits that are no reference stay ("covid19")."""
    refs = frozenset({"160", "161", "5"})
    assert display("wherever it is appropriate and safe to do so160161.", refs) == (
        "wherever it is appropriate and safe to do so.")
    assert strip_page_refs("in the covid19 period, section 160 applies to those aged 25.", refs) == (
        "in the covid19 period, section 160 applies to those aged 25.")


def test_a_reference_after_a_closing_bracket_or_quote_or_before_one_is_taken_out() -> None:
    refs = frozenset({"140", "154", "155", "166", "226"})
    assert strip_page_refs("upskirting (this is a criminal offence 140)", refs) == \
        "upskirting (this is a criminal offence)"
    assert strip_page_refs("Each Probation Delivery Unit (PDU)166 should", refs) == \
        "Each Probation Delivery Unit (PDU) should"
    assert strip_page_refs("children’ (PPRC)154,155. Where", refs) == "children’ (PPRC). Where"
    assert strip_page_refs("investigation (2016)’226. A joint", refs) == "investigation (2016)’. A joint"
    # a number a noun takes stays, before a bracket too
    assert strip_page_refs("(see paragraph 140) and", refs) == "(see paragraph 140) and"


def test_a_footnote_or_a_numbered_order_named_before_a_bracket_keeps_its_number() -> None:
    refs = frozenset({"71", "2"})
    assert strip_page_refs("(see footnote 71) and", refs) == "(see footnote 71) and"
    assert strip_page_refs("Regulations (No 2) apply", refs) == "Regulations (No 2) apply"


def test_a_reference_after_an_acts_year_is_taken_out() -> None:
    refs = frozenset({"136"})
    assert strip_page_refs("offences under the Sexual Offences Act 2003 136 as described below", refs) == \
        "offences under the Sexual Offences Act 2003 as described below"
    assert strip_page_refs("in 2003 136 cases were", refs) == "in 2003 136 cases were"  # no Act named
