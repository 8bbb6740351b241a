from assistant.cite import duty_strength, quote_in_pages, verify
from assistant.records import Citation
from corpus.manifest import load_manifest
from ingest.records import Page

PAGES = [
    Page("d", 58, "157. The lead practitioner role can be held by a range of people."),
    Page("d", 59, "155. The maximum timeframe for the assessment to conclude should be no longer\n"
                  "than 45 working days from the point of referral. A multi-\nagency approach helps."),
]


def test_verbatim_quote_passes_modulo_whitespace_and_hyphenation() -> None:
    assert quote_in_pages("should be no longer than 45 working days", PAGES, 59, 59)
    assert quote_in_pages("A multi-agency approach helps.", PAGES, 59, 59)
    assert quote_in_pages("no   longer\nthan 45 working days", PAGES, 59, 59)


def test_altered_or_misplaced_quote_fails() -> None:
    assert not quote_in_pages("should be no longer than 40 working days", PAGES, 59, 59)
    assert not quote_in_pages("must be no longer than 45 working days", PAGES, 59, 59)
    # right words, wrong page
    assert not quote_in_pages("The lead practitioner role", PAGES, 59, 59)
    assert quote_in_pages("The lead practitioner role", PAGES, 58, 58)
    assert not quote_in_pages("", PAGES, 59, 59)


def test_quote_crossing_a_page_break_checks_both_pages() -> None:
    assert quote_in_pages("range of people. 155. The maximum", PAGES, 58, 59)


def test_verify_marks_citation() -> None:
    good = Citation(1, "d", "T", "2023", 59, "155", "45 working days from the point of referral")
    bad = Citation(2, "d", "T", "2023", 59, "155", "45 calendar days from the point of referral")
    assert verify(good, PAGES).verified
    assert not verify(bad, PAGES).verified


def test_duty_strength_depends_on_wording_and_document_kind() -> None:
    m = load_manifest()
    wt, info, brief = m.doc("working-together-2023"), m.doc("information-sharing-2024"), m.doc(
        "wt2018-briefing")
    assert duty_strength("The local authority must notify Ofsted.", wt).startswith("must")
    assert duty_strength("Practitioners should record reasons.", wt).startswith("should")
    assert duty_strength("This is background.", wt).startswith("statutory guidance")
    assert duty_strength("Practitioners must share.", info).startswith("advice")
    assert duty_strength("Partners must agree.", brief).startswith("briefing")
