"""An edition's own table of changes read entry by entry (assistant.own_table)."""

from __future__ import annotations

from assistant.own_table import entry_count, on_topic, table_chunks, table_entries
from assistant.understand.sections import table_sections
from ingest.records import Chunk

TITLE = "Annex F: Table of substantive changes from"


def _chunk(n: int, text: str, *headings: str, doc: str = "kcsie-2024") -> Chunk:
    return Chunk(f"c{n}", doc, "KCSIE", "kcsie", "2024", 183 + n, 183 + n, None, (TITLE, *headings) if n
                 else headings, text)


BEFORE = _chunk(0, "Annex E: Host families\nSomething else entirely.", "Annex E")
FIRST = _chunk(1, "September 2023\nThis table explains where we made substantive changes.")
PARTS = _chunk(2, "Part one Safeguarding information for all staff\n"
               "Paragraph 18 'Early help' – amended to reflect the duties\nwithin Working Together\n"
               "Part two The management of safeguarding\n"
               "Paragraph 92 Data Protection Act 2018 – paragraph included\n"
               "Paragraph 204 Links added to NSPCC advice on protecting children with SEN;",
               "Summary About the guidance")
CARRIED = _chunk(3, "and deaf/disabled children and young people\nPart three Safer recruitment\n"
                 "Summary About the guidance\nPage 78 'Individuals who lived outside the UK' – link removed",
                 "Summary About the guidance")
CELL = _chunk(4, "SEND code of practice.", "Page 56 Para 205 removal of 'disorder' to align with the")
ANNEXES = _chunk(5, "We have updated the definition of extremism on page 157", "Annexes A, B, C, D and E")
COPYRIGHT = _chunk(6, "© Crown copyright 2024\nThis publication is licensed…", "Annexes A, B, C, D and E")


def _entries():  # type: ignore[no-untyped-def]
    chunks = table_chunks([BEFORE, FIRST, PARTS, CARRIED, CELL, ANNEXES, COPYRIGHT], "kcsie-2024")
    assert chunks == [FIRST, PARTS, CARRIED, CELL, ANNEXES]  # from its heading to the copyright notice
    return table_entries(chunks)


def test_each_entry_is_quoted_from_its_chunk_under_its_section() -> None:
    entries = _entries()
    texts = [" ".join(e.text.split()) for e in entries]
    assert texts[0] == "Paragraph 18 'Early help' – amended to reflect the duties within Working Together"
    assert entries[0].section.startswith("Part one") and entries[1].section.startswith("Part two")
    assert texts[2].endswith("with SEN;") and texts[3] == "and deaf/disabled children and young people"
    assert entries[3].carried and entry_count(entries) == len(entries) - 1  # one entry over two chunks
    assert not any(t.startswith(("Summary", "September", "This table", "Part ")) for t in texts)
    page78 = next(e for e in entries if e.text.startswith("Page 78"))
    assert page78.section.startswith("Part three")
    cell = next(e for e in entries if e.heading)  # a row the parser read as a heading runs on in the text
    assert cell.text.replace("\n", " ").endswith("to align with the SEND code of practice.")
    assert entries[-1].text.startswith("We have updated") and entries[-1].section.startswith("Annexes")


def test_a_named_part_or_annex_picks_its_entries_else_the_topic_does() -> None:
    entries = _entries()
    assert table_sections("What changed in Part two of KCSIE 2024?") == ("part two",)
    assert table_sections("What changed in KCSIE 2024?") == ()
    assert table_sections("Part one, Part five and the annexes?") == ("part one", "part five", "annex")
    two = on_topic(entries, ("part two",), None)
    assert [e.text.split()[1] for e in two] == ["92", "204", "deaf/disabled"]
    assert [e.text[:10] for e in on_topic(entries, ("annex b",), None)] == ["We have up"]
    assert on_topic(entries, ("annex g",), None) == []
    assert [e.text[:7] for e in on_topic(entries, ("annex",), None)] == ["We have"]
    # a section named by its title ("safer recruitment") joins the named parts
    both = on_topic(entries, ("part one",), "everything else safer recruitment")
    assert [e.text.split()[1] for e in both] == ["18", "78", "56"]  # Part three: 78 and the cell
    assert [e.text.split()[1] for e in on_topic(entries, (), "early help")] == ["18"]
    assert [e.text.split()[1] for e in on_topic(entries, (), "NSPCC advice data protection")] == ["204", "92"]
    assert on_topic(entries, (), None) == entries


def test_a_section_title_over_two_lines_and_a_page_column_are_no_entries() -> None:
    """KCSIE 2025's table: "Part four … made about staff," goes on "including supply teachers…" on the
    next line, and "Page 140" is the page column printed between an entry's two lines."""
    chunk = _chunk(2, "Page 85 Para 319 reference to Employer Secure Access removed.\n"
                   "Part four Safeguarding concerns or allegations made about staff,\n"
                   "including supply teachers, volunteers and contractors\n"
                   "Page 106 Para 422 amended to correct the title.\n"
                   "Part five Child-on-child sexual violence\n"
                   "Para 545 – Link added to the Lucy Faithfull Foundation’s ‘Shore Space’.\n"
                   "Page 140\nsupporting young people concerned about their own thoughts.",
                   "Part three Safer recruitment")
    entries = table_entries([chunk])
    texts = [" ".join(e.text.split()) for e in entries]
    assert texts == ["Page 85 Para 319 reference to Employer Secure Access removed.",
                     "Page 106 Para 422 amended to correct the title.",
                     "Para 545 – Link added to the Lucy Faithfull Foundation’s ‘Shore Space’. Page 140 "
                     "supporting young people concerned about their own thoughts."]
    assert entries[1].section.endswith("about staff, including supply teachers, volunteers and contractors")
