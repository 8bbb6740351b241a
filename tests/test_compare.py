"""Edition comparison, renamed terms and supersession: the logic on small made-up editions."""

from __future__ import annotations

import pytest

from assistant.changes import WHAT_CHANGED, describe, topic_of
from assistant.compare import (
    align,
    change_table,
    check_table,
    compare_chunks,
    pieces,
    strip_markers,
    word_diff,
)
from assistant.renames import chain, expand, load_renames, outdated_terms
from ingest.records import Chunk, Page


def _chunk(doc: str, n: int, para: str | None, text: str, page: int = 1,
           headings: tuple[str, ...] = ("Part one",)) -> Chunk:
    return Chunk(Chunk.make_id(doc, n, page, para, text), doc, doc, "kcsie", doc[-4:], page, page,
                 para, headings, text)


def _edition(doc: str, paras: list[str]) -> list[Chunk]:
    return [_chunk(doc, i, str(i + 1), f"{i + 1}. {t}") for i, t in enumerate(paras)]


OLD = ["Staff must report concerns to the designated safeguarding lead without delay.",
       "Schools should have a child protection policy reviewed every year by governors.",
       "An assessment should conclude within 45 working days of the referral being made.",
       "Governing bodies should ensure online filtering systems are in place and kept up to date."]


def test_renumbered_paragraphs_are_aligned_by_text_not_number() -> None:
    new = [OLD[0], "A brand new paragraph about mobile phones in school, added this year for all staff.",
           *OLD[1:]]
    cmp = compare_chunks("kcsie", "2024", "2025", _edition("k-2024", OLD), _edition("k-2025", new))
    kinds = [(c.kind, c.old.paragraph if c.old else None, c.new.paragraph if c.new else None)
             for c in cmp.changes]
    assert kinds == [("unchanged", "1", "1"), ("added", None, "2"), ("renumbered", "2", "3"),
                     ("renumbered", "3", "4"), ("renumbered", "4", "5")]
    assert cmp.for_old_paragraph("3").new.paragraph == "4"  # type: ignore[union-attr]


def test_changed_paragraph_gets_word_level_diff_and_removed_one_is_reported() -> None:
    new = [OLD[0], OLD[1].replace("every year", "at least annually"),
           OLD[2].replace("45 working days", "35 working days")]
    cmp = compare_chunks("kcsie", "2024", "2025", _edition("k-2024", OLD), _edition("k-2025", new))
    by_old = {c.old.paragraph: c for c in cmp.changes if c.old}
    policy = by_old["2"]
    assert policy.kind == "changed" and not policy.minor
    assert policy.removed_words == "every year" and policy.added_words == "at least annually"
    assert "[-every year-] {+at least annually+}" in policy.inline()
    days = by_old["3"]
    assert days.kind == "changed" and not days.minor  # a changed time limit is never "cosmetic"
    assert days.removed_words == "45" and days.added_words == "35"
    assert by_old["4"].kind == "removed" and by_old["4"].new is None
    assert "Removed para 4" in describe(by_old["4"])


def test_punctuation_footnote_and_cross_reference_changes_are_minor() -> None:
    old = _edition("k-2024", ["Schools must do this, as set out at paragraph 159 of Part two today.",
                              "Staff should be alert to risks outside the home, as research shows."])
    new = _edition("k-2025", ["Schools must do this, as set out at paragraph 156 of Part two today.",
                              "Staff should be alert to risks outside the home 17, as research shows"])
    cmp = compare_chunks("kcsie", "2024", "2025", old, new)
    assert [c.kind for c in cmp.changes] == ["changed", "changed"]
    assert all(c.minor for c in cmp.changes)


def test_footnote_markers_are_stripped_only_when_the_page_has_that_footnote() -> None:
    text = "under the Human Rights Act 199823, the Equality Act 2010 24 and schools0F see paragraph 23 here"
    assert strip_markers(text, {"23", "24"}) == (
        "under the Human Rights Act 1998, the Equality Act 2010 and schools see paragraph 23 here")
    assert strip_markers("within 45 working days", {"7"}) == "within 45 working days"
    page = Page("k-2025", 3, "body text\n23\nHuman Rights Act 1998\n24 Equality Act", body_end=10)
    chunk = _chunk("k-2025", 0, "9", "9. Act 199823, and Equality Act 2010 24 apply.", page=3)
    assert pieces([chunk], [page])[0].text == "Act 1998, and Equality Act 2010 apply."


def test_unmatched_paragraph_whose_text_moved_into_another_is_merged() -> None:
    moved = "Support is available from the schools buying strategy guidance online."
    old = _edition("k-2024", [OLD[3], moved])
    new = _edition("k-2025", [OLD[3] + " Support is available from the schools buying strategy guidance "
                              "online. A further link to generative AI product safety expectations."])
    kinds = {c.kind for c in align(pieces(old), pieces(new))}
    assert kinds == {"changed", "merged"}


def test_the_editions_own_table_of_changes_is_parsed_and_checked() -> None:
    table = Page("k-2025", 184, "Annex F: Table of changes\nPage 38   Para 135 Updated to clarify "
                 "misinformation\nPage 47   Paras 168-170 information added\nPage 56 Para 205 removal")
    entries = change_table([Page("k-2025", 1, "Contents"), table])
    assert [e.paragraphs for e in entries] == [("135",), ("168", "169", "170"), ("205",)]
    old = _edition("k-2024", OLD)
    new = _edition("k-2025", [OLD[0], OLD[1], OLD[2] + " Now also within 20 days for urgent cases.",
                              OLD[3]])
    cmp = compare_chunks("kcsie", "2024", "2025", old, new)
    report = check_table(cmp, [e for e in entries if e.paragraphs == ("135",)])
    assert report["listed"] == 1 and report["listed_and_detected"] == 0
    assert report["substantive_not_listed"] == ["3"]


def test_word_diff_round_trips() -> None:
    old, new = "a b c d e", "a x c d e f"
    diff = word_diff(old, new)
    assert " ".join(t for op, t in diff if op != "insert") == old
    assert " ".join(t for op, t in diff if op != "delete") == new


@pytest.mark.parametrize("question,is_change", [
    ("What changed in KCSIE 2025?", True),
    ("What's new in Keeping children safe in education?", True),
    ("What are the differences between KCSIE 2024 and 2025 on filtering?", True),
    ("What should a DSL do when a child discloses abuse?", False),
    ("How long can an assessment take?", False),
])
def test_what_changed_questions_are_recognised(question: str, is_change: bool) -> None:
    assert bool(WHAT_CHANGED.search(question)) is is_change


def test_topic_is_what_remains_after_edition_and_change_words() -> None:
    assert topic_of("What changed about filtering and monitoring in KCSIE 2025?") == "filtering monitoring"
    assert topic_of("What changed in KCSIE 2025?") is None


def test_renamed_terms_are_found_expanded_and_chained() -> None:
    renames = load_renames()
    hits = outdated_terms("What are LSCBs responsible for now?", renames)
    assert [typed for typed, _ in hits] == ["LSCBs"]
    steps = [r.new for r in chain(hits[0][1], renames)]
    assert steps[0] == "safeguarding partners" and steps[-1].startswith("lead safeguarding partners")
    assert "lead safeguarding partners" in expand("LSCB annual reports", hits, renames)
    typed = [t for t, _ in outdated_terms("Does contextual safeguarding still apply? And CCGs?", renames)]
    assert sorted(typed) == ["CCGs", "contextual safeguarding"]
    # a lower-case word that happens to spell an abbreviation is not a hit
    assert outdated_terms("the scr of a page", renames) == []
    assert outdated_terms("How do safeguarding partners publish reports?", renames) == []
    # an abbreviation the question itself spells out as something else is that something else
    assert outdated_terms("Going through our SCR: which checks must the single central record show?",
                          renames) == []
    assert [t for t, _ in outdated_terms("What replaced the SCR process?", renames)] == ["SCR"]
    # …or reads it, from its other words, as something else (assistant.senses)
    as_record = {"SCR": "single central record"}
    assert outdated_terms("Does our SCR have to be on paper?", renames, as_record) == []
    assert outdated_terms("Who commissions an SCR?", renames, {"SCR": "serious case reviews"})


def test_generic_words_are_not_a_topic_and_years_are_ordered() -> None:
    assert topic_of("Were there major changes in KCSIE 2025 compared with the 2024 version?") is None
    assert topic_of("What changed between KCSIE 2025 and 2024 on online safety?") == "online safety"


def test_shortened_diff_never_leaves_a_bracket_open() -> None:
    long_insert = " ".join(f"word{i}" for i in range(300))
    new = [OLD[0], OLD[1] + " " + long_insert, OLD[2]]
    cmp = compare_chunks("kcsie", "2024", "2025", _edition("k-2024", OLD[:3]), _edition("k-2025", new))
    change = next(c for c in cmp.changes if c.kind == "changed")
    text = change.inline(limit=200)
    assert len(text) < 400 and text.count("{+") == text.count("+}") == 1


def test_a_shown_diff_marks_only_the_real_edits() -> None:
    old = ["Staff should know how to contact them and be aware of anti-Semitism as one such harm 17 "
           "for staff induction"]
    new = ["Staff should know how to contact them. They should be aware of antisemitism as one such harm "
           "for all staff induction"]
    (change,) = compare_chunks("kcsie", "2024", "2025", _edition("k-2024", old),
                               _edition("k-2025", new)).changes
    assert change.kind == "changed" and not change.minor
    text = change.inline(context=40)
    # the wording edits are marked; a spelling style and a footnote number are not
    assert "[-them and-] {+them. They should+}" in text and "{+all+}" in text
    assert text.count("[-") == 1 and text.count("{+") == 2, text
    assert "aware of antisemitism as one such harm for" in text
    assert any(op == "delete" and "17" in words for op, words in change.diff)  # the raw diff keeps it


def test_footnote_text_glued_into_the_body_is_not_a_change() -> None:
    note = "An analysis of serious case reviews can be found at gov.uk/publications/analysis"
    old = [_chunk("k-2024", 0, "1", f"1. Staff should listen to the child 18{note} and act on it."),
           _chunk("k-2024", 1, None, f"18 {note}", headings=("Footnotes and boxes",))]
    new = [_chunk("k-2025", 0, "1", "1. Staff should listen to the child and act on it."),
           _chunk("k-2025", 1, None, f"18 {note}", headings=("Footnotes and boxes",))]
    (change,) = compare_chunks("kcsie", "2024", "2025", old, new).changes
    assert change.kind == "changed" and change.minor and change.stray
    # the same words added to the body where no footnote holds them are a real change
    new[1] = _chunk("k-2025", 1, None, "18 Something else entirely", headings=("Footnotes and boxes",))
    (change,) = compare_chunks("kcsie", "2024", "2025", old[:1], new).changes
    assert not change.minor
