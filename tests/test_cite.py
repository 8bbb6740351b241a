import re
from dataclasses import replace

from assistant.cite import duty_strength, make_citation, quote_in_pages, verify
from assistant.records import Citation
from corpus.manifest import load_manifest
from ingest.records import Chunk, Page

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


def test_a_citation_line_names_the_document_without_its_subtitle_and_keeps_its_edition() -> None:
    m = load_manifest()
    doc = m.doc("kcsie-2025")
    chunk = Chunk("c1", doc.id, doc.title, doc.series, doc.edition, 20, 20, "68", ("Part two",),
                  "68. Governing bodies should ensure staff are trained.")
    cite = make_citation(1, chunk, 4, len(chunk.text), doc)
    assert cite.where() == "Keeping Children Safe in Education 2025, page 20, paragraph 68"
    # a briefing keeps its whole title: "Working Together 2015: …Q&A" and "…: summary of the
    # revisions" are two documents
    brief = m.doc("wt2015-qa-for-publication")
    briefed = replace(chunk, doc_id=brief.id, title=brief.title)
    assert make_citation(1, briefed, 4, 20, brief).title == brief.title


def test_every_short_citation_name_is_words_of_its_title_with_the_edition() -> None:
    # the short name invents nothing: the printed title's own words, its edition among them, and no
    # two documents share it
    docs = [d for d in load_manifest().documents if d.cited_as]
    assert docs
    for d in docs:
        assert d.edition in d.cited_as and len(d.cited_as) < len(d.title), d.id
        assert set(re.findall(r"\w+", d.cited_as)) <= set(re.findall(r"\w+", d.title)), d.id
    names = [d.cited_as or d.title for d in load_manifest().documents]
    assert len(names) == len(set(names))
